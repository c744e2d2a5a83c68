/*
 * markdown.c: the .md/.markdown reader and the YAML front matter shared with
 * the .txt reader.  Front matter is parsed with libyaml (keys id, title,
 * date, url, source, author, tags; other keys ignored).  The body loses its
 * Markdown syntax (headings, emphasis, links, images, code fences, list and
 * quote markers, HTML tags, table pipes) so that only words get indexed.
 * Called through corpus_read_with() (reader.c) and txt_read() (txt.c).
 */
#include "corpus.h"

#include <string.h>
#include <yaml.h>

/* Length of the line at s without its "\n" or "\r\n"; *adv gets the
 * distance to the next line's start, *nl whether a newline ended it. */
static size_t line_span(const char *s, size_t len, size_t *adv, bool *nl)
{
    const char *e = memchr(s, '\n', len);
    size_t n = e ? (size_t)(e - s) : len;
    *adv = e ? n + 1 : n;
    *nl = e != NULL;
    if (n && s[n - 1] == '\r')
        return n - 1;
    return n;
}

/* True when the line is three or more `c` followed by spaces only. */
static bool marker_line(const char *s, size_t n, char c)
{
    size_t i = 0;
    while (i < n && s[i] == c)
        i++;
    if (i < 3)
        return false;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i == n;
}

/* True for a front matter delimiter: exactly three `c`, then spaces. */
static bool fence_line(const char *s, size_t n, char c)
{
    size_t i = 0;
    while (i < n && s[i] == c)
        i++;
    if (i != 3)
        return false;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i == n;
}

bool front_matter_present(const char *data, size_t len)
{
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    size_t adv;
    bool nl;
    size_t n = line_span(data, len, &adv, &nl);
    return nl && fence_line(data, n, '-');
}

void front_matter_free(corpus_front *fm)
{
    wbuf_free(&fm->storage);
}

/* Which field of corpus_fields a front matter key fills. */
enum { FM_ID, FM_TITLE, FM_DATE, FM_URL, FM_SOURCE, FM_AUTHOR, FM_TAGS, FM_NKEYS };
static const char *const fm_keys[FM_NKEYS] = {"id", "title", "date", "url", "source", "author", "tags"};

static bool yaml_null(const yaml_node_t *v)
{
    if (v->type != YAML_SCALAR_NODE)
        return false;
    if (v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return v->data.scalar.length == 0;
    const char *s = (const char *)v->data.scalar.value;
    return v->data.scalar.length == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* The 1-based line (within s) where [ and { nesting, outside quotes, gets
 * deeper than CORPUS_MAX_YAML_DEPTH, or 0.  Quoting is followed roughly
 * ('' and \" escapes): a miscount can only refuse odd front matter. */
static unsigned yaml_too_deep(const char *s, size_t n)
{
    int depth = 0;
    unsigned line = 1;
    char quote = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\n')
            line++;
        if (quote) {
            if (c == '\\' && quote == '"')
                i++;
            else if (c == quote)
                quote = 0;
            continue;
        }
        if ((c == '"' || c == '\'') && (i == 0 || strchr(" \t\n[{,:", s[i - 1])))
            quote = c;
        else if (c == '[' || c == '{') {
            if (++depth > CORPUS_MAX_YAML_DEPTH)
                return line;
        } else if ((c == ']' || c == '}') && depth > 0)
            depth--;
        else if (c == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t'))
            while (i + 1 < n && s[i + 1] != '\n')
                i++;
    }
    return 0;
}

int front_matter_parse(corpus_reader *r, const char *data, size_t len, corpus_front *fm)
{
    memset(fm, 0, sizeof *fm);
    size_t off = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        off = 3;
    size_t adv;
    bool nl;
    line_span(data + off, len - off, &adv, &nl);
    off += adv;
    /* Find the closing "---" or "..." line. */
    size_t yaml_start = off, yaml_end = 0;
    unsigned line = 2;
    bool closed = false;
    while (off < len) {
        size_t n = line_span(data + off, len - off, &adv, &nl);
        if (fence_line(data + off, n, '-') || fence_line(data + off, n, '.')) {
            yaml_end = off;
            off += adv;
            closed = true;
            break;
        }
        off += adv;
        line++;
    }
    if (!closed) {
        corpus_report(r, CP_YAML, 1, true, "front matter is not closed (no '---' line after it), skipped");
        return 1;
    }
    fm->body_offset = off;
    fm->body_line = line + 1;
    if (yaml_end - yaml_start > CORPUS_MAX_FRONT_MATTER) {
        corpus_report(r, CP_YAML, 2, true, "front matter larger than 64 KiB, skipped");
        return 1;
    }
    unsigned deep_line = yaml_too_deep(data + yaml_start, yaml_end - yaml_start);
    if (deep_line) {
        corpus_report(r, CP_YAML, deep_line + 1, true, "front matter nested deeper than %d levels, skipped",
                      CORPUS_MAX_YAML_DEPTH);
        return 1;
    }

    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        return WARTA_ENOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)data + yaml_start, yaml_end - yaml_start);
    if (!yaml_parser_load(&parser, &doc)) {
        unsigned at = (unsigned)parser.problem_mark.line + 2;
        if (parser.error == YAML_MEMORY_ERROR) {
            yaml_parser_delete(&parser);
            return WARTA_ENOMEM;
        }
        corpus_report(r, CP_YAML, at, true, "malformed YAML front matter (%s%s%s), skipped",
                      parser.problem ? parser.problem : "syntax error",
                      parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return 1;
    }
    yaml_parser_delete(&parser);

    int rc = 0;
    size_t offs[FM_NKEYS], lens[FM_NKEYS];
    bool have[FM_NKEYS] = {false};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && root->type != YAML_MAPPING_NODE && !yaml_null(root)) {
        corpus_report(r, CP_YAML, 2, true, "front matter is not a mapping of keys to values, skipped");
        rc = 1;
        goto out_delete_doc;
    }
    if (!root || root->type != YAML_MAPPING_NODE)
        goto out_delete_doc;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&doc, p->key);
        yaml_node_t *v = yaml_document_get_node(&doc, p->value);
        if (!k || !v || k->type != YAML_SCALAR_NODE)
            continue;
        int which = -1;
        for (int i = 0; i < FM_NKEYS; i++)
            if (strcmp((const char *)k->data.scalar.value, fm_keys[i]) == 0)
                which = i;
        if (which < 0 || yaml_null(v))
            continue;
        unsigned at = (unsigned)v->start_mark.line + 2;
        if (v->type == YAML_SCALAR_NODE) {
            offs[which] = fm->storage.len;
            wbuf_append(&fm->storage, v->data.scalar.value, v->data.scalar.length);
            lens[which] = fm->storage.len - offs[which];
            have[which] = true;
        } else if (which == FM_TAGS && v->type == YAML_SEQUENCE_NODE) {
            offs[which] = fm->storage.len;
            bool first = true;
            for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
                yaml_node_t *tag = yaml_document_get_node(&doc, *it);
                if (!tag || tag->type != YAML_SCALAR_NODE || yaml_null(tag))
                    continue;
                if (!first)
                    wbuf_append(&fm->storage, ", ", 2);
                wbuf_append(&fm->storage, tag->data.scalar.value, tag->data.scalar.length);
                first = false;
            }
            lens[which] = fm->storage.len - offs[which];
            have[which] = true;
        } else {
            corpus_report(r, CP_FIELD, at, false, "front matter key '%s' is not %s, ignored", fm_keys[which],
                          which == FM_TAGS ? "a list or text" : "text");
            continue;
        }
        /* a quoted scalar may hold "\0": articles' text never holds NUL */
        for (size_t j = offs[which]; !fm->storage.oom && j < fm->storage.len; j++)
            if (fm->storage.data[j] == '\0')
                fm->storage.data[j] = ' ';
        wbuf_putc(&fm->storage, '\0');
    }
    if (fm->storage.oom) {
        rc = WARTA_ENOMEM;
        goto out_delete_doc;
    }
    /* The storage no longer moves: point the fields into it. */
    const char **ptrs[FM_NKEYS] = {&fm->f.id, &fm->f.title, &fm->f.date, &fm->f.url,
                                   &fm->f.source, &fm->f.author, &fm->f.tags};
    size_t *plens[FM_NKEYS] = {&fm->f.id_len, &fm->f.title_len, &fm->f.date_len, &fm->f.url_len,
                               &fm->f.source_len, &fm->f.author_len, &fm->f.tags_len};
    for (int i = 0; i < FM_NKEYS; i++) {
        if (!have[i])
            continue;
        *ptrs[i] = fm->storage.data + offs[i];
        *plens[i] = lens[i];
    }
out_delete_doc:
    yaml_document_delete(&doc);
    return rc;
}

/* ---- Markdown syntax removal ---- */

static bool md_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static bool md_punct(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !md_alnum(c);
}

/* HTML entities common in Markdown written by hand or by converters. */
static size_t md_entity(const char *s, size_t n, wbuf *out)
{
    static const struct {
        const char *name;
        const char *text;
    } ents[] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"},
                {"&apos;", "'"}, {"&nbsp;", " "}, {"&mdash;", "\xE2\x80\x94"}, {"&ndash;", "\xE2\x80\x93"}};
    for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
        size_t k = strlen(ents[i].name);
        if (n >= k && memcmp(s, ents[i].name, k) == 0) {
            wbuf_puts(out, ents[i].text);
            return k;
        }
    }
    return 0;
}

/* True when s starts an HTML tag or comment: <a, </a, <!-- . */
static bool md_tag_start(const char *s, size_t n)
{
    if (n < 2 || s[0] != '<')
        return false;
    unsigned char c = (unsigned char)s[1];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    if (c == '/' && n >= 3 && ((s[2] >= 'a' && s[2] <= 'z') || (s[2] >= 'A' && s[2] <= 'Z')))
        return true;
    return n >= 4 && memcmp(s, "<!--", 4) == 0;
}

#define MD_SCAN 2048 /* the furthest a link destination or an HTML tag is looked for */

/* Strips inline syntax from one line; *in_comment carries an HTML comment
 * across lines. */
static void md_inline(const char *s, size_t n, wbuf *out, bool *in_comment)
{
    size_t i = 0;
    size_t clean_from[2] = {0, 0}, clean_until[2] = {0, 0}; /* no ')' / ']' in [from, until) */
    while (i < n) {
        if (*in_comment) {
            const char *e = NULL;
            for (size_t j = i; j + 3 <= n; j++)
                if (memcmp(s + j, "-->", 3) == 0) {
                    e = s + j;
                    break;
                }
            if (!e)
                return;
            i = (size_t)(e - s) + 3;
            *in_comment = false;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\\':
            if (i + 1 < n && md_punct((unsigned char)s[i + 1])) {
                wbuf_putc(out, s[i + 1]);
                i += 2;
                continue;
            }
            break;
        case '`':
        case '*':
        case '[':
            i++;
            continue;
        case '~':
            if (i + 1 < n && s[i + 1] == '~') {
                i += 2;
                continue;
            }
            break;
        case '_': {
            bool before = i > 0 && md_alnum((unsigned char)s[i - 1]);
            bool after = i + 1 < n && md_alnum((unsigned char)s[i + 1]);
            if (!(before && after)) {
                i++;
                continue;
            }
            break;
        }
        case '!':
            if (i + 1 < n && s[i + 1] == '[') {
                i++;
                continue;
            }
            break;
        case ']':
            i++;
            /* Drop a link's destination "(url)" or reference "[ref]". */
            if (i < n && (s[i] == '(' || s[i] == '[')) {
                /* The destination ends at the first closing bracket within
                 * MD_SCAN bytes (one nested pair, as in wiki URLs, is
                 * allowed).  Stretches known to hold no closing bracket
                 * are not searched again, so a hostile line stays linear. */
                int k = s[i] == '(' ? 0 : 1;
                char close = k == 0 ? ')' : ']';
                size_t stop = n - i > MD_SCAN ? i + MD_SCAN : n;
                size_t from = i >= clean_from[k] && i < clean_until[k] ? clean_until[k] : i;
                const char *e = from < stop ? memchr(s + from, close, stop - from) : NULL;
                if (!e) {
                    clean_from[k] = i;
                    clean_until[k] = stop;
                    continue;
                }
                size_t end = (size_t)(e - s) + 1;
                if (memchr(s + i + 1, s[i], (size_t)(e - s) - i - 1) && end < n && s[end] == close)
                    end++;
                i = end;
            }
            continue;
        case '|':
            wbuf_putc(out, ' ');
            i++;
            continue;
        case '&': {
            size_t k = md_entity(s + i, n - i, out);
            if (k) {
                i += k;
                continue;
            }
            break;
        }
        case '<':
            if (md_tag_start(s + i, n - i)) {
                if (memcmp(s + i, "<!--", n - i < 4 ? n - i : 4) == 0) {
                    *in_comment = true;
                    i += 4;
                    continue;
                }
                const char *e = memchr(s + i, '>', n - i > MD_SCAN ? MD_SCAN : n - i);
                if (!e)
                    break; /* no tag after all: keep the '<' */
                size_t end = (size_t)(e - s) + 1;
                /* An autolink <https://...> keeps its address. */
                if (n - i > 8 && (memcmp(s + i + 1, "http://", 7) == 0 || memcmp(s + i + 1, "https://", 8) == 0))
                    wbuf_append(out, s + i + 1, end - i - 2);
                else
                    wbuf_putc(out, ' ');
                i = end;
                continue;
            }
            break;
        default:
            break;
        }
        wbuf_putc(out, (char)c);
        i++;
    }
}

/* Length of a list marker ("- ", "* ", "+ ", "12. ", "3) ") at s, else 0. */
static size_t md_list_marker(const char *s, size_t n)
{
    if (n >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t'))
        return 2;
    size_t i = 0;
    while (i < n && i < 9 && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i > 0 && i + 1 < n && (s[i] == '.' || s[i] == ')') && (s[i + 1] == ' ' || s[i + 1] == '\t'))
        return i + 2;
    return 0;
}

/* True for table delimiter rows such as "|---|:---:|". */
static bool md_table_rule(const char *s, size_t n)
{
    bool dash = false, pipe = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-')
            dash = true;
        else if (s[i] == '|')
            pipe = true;
        else if (s[i] != ':' && s[i] != ' ' && s[i] != '\t')
            return false;
    }
    return dash && pipe;
}

/* True for a thematic break: three or more of one of - * _ , spaces allowed. */
static bool md_rule(const char *s, size_t n)
{
    char c = 0;
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ' || s[i] == '\t')
            continue;
        if (s[i] != '-' && s[i] != '*' && s[i] != '_' && s[i] != '=')
            return false;
        if (c && s[i] != c)
            return false;
        c = s[i];
        count++;
    }
    return count >= 3 || (c == '=' && count >= 1);
}

/* True for a reference definition "[label]: url". */
static bool md_refdef(const char *s, size_t n)
{
    if (n < 4 || s[0] != '[')
        return false;
    const char *e = memchr(s, ']', n);
    return e && (size_t)(e - s) + 1 < n && e[1] == ':' && e > s + 1;
}

void markdown_strip(const char *text, size_t len, wbuf *out)
{
    size_t off = 0;
    char fence = 0;
    size_t fence_len = 0;
    bool in_comment = false;
    while (off < len) {
        size_t adv;
        bool nl;
        size_t n = line_span(text + off, len - off, &adv, &nl);
        const char *s = text + off;
        off += adv;

        size_t ind = 0;
        while (ind < n && ind < 4 && (s[ind] == ' ' || s[ind] == '\t'))
            ind++;
        if (fence) {
            size_t k = 0;
            while (ind + k < n && s[ind + k] == fence)
                k++;
            if (k >= fence_len && marker_line(s + ind, n - ind, fence)) {
                fence = 0;
                wbuf_putc(out, '\n');
            } else {
                wbuf_append(out, s, n);
                wbuf_putc(out, '\n');
            }
            continue;
        }
        if (ind < 4 && n - ind >= 3 && (s[ind] == '`' || s[ind] == '~') && s[ind + 1] == s[ind] &&
            s[ind + 2] == s[ind]) {
            fence = s[ind];
            fence_len = 0;
            while (ind + fence_len < n && s[ind + fence_len] == fence)
                fence_len++;
            wbuf_putc(out, '\n');
            continue;
        }
        s += ind;
        n -= ind;
        if (n == 0 || md_rule(s, n) || md_table_rule(s, n) || md_refdef(s, n)) {
            wbuf_putc(out, '\n');
            continue;
        }
        /* Block markers: quotes, then a heading or a list item. */
        for (;;) {
            if (n && s[0] == '>') {
                s++;
                n--;
                while (n && (s[0] == ' ' || s[0] == '\t')) {
                    s++;
                    n--;
                }
                continue;
            }
            size_t k = md_list_marker(s, n);
            if (k) {
                s += k;
                n -= k;
                if (n >= 3 && s[0] == '[' && (s[1] == ' ' || s[1] == 'x' || s[1] == 'X') && s[2] == ']') {
                    s += 3;
                    n -= 3;
                }
                while (n && (s[0] == ' ' || s[0] == '\t')) {
                    s++;
                    n--;
                }
                continue;
            }
            break;
        }
        size_t h = 0;
        while (h < n && h < 7 && s[h] == '#')
            h++;
        if (h >= 1 && h <= 6 && (h == n || s[h] == ' ' || s[h] == '\t')) {
            s += h;
            n -= h;
            while (n && (s[0] == ' ' || s[0] == '\t'))
                s++, n--;
            while (n && (s[n - 1] == '#' || s[n - 1] == ' ' || s[n - 1] == '\t'))
                n--;
        }
        md_inline(s, n, out, &in_comment);
        wbuf_putc(out, '\n');
    }
}

int front_matter_begin(corpus_reader *r, const char *data, size_t len, corpus_front *fm,
                       size_t *off)
{
    memset(fm, 0, sizeof *fm);
    *off = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (!front_matter_present(data, len))
        return 0;
    int rc = front_matter_parse(r, data, len, fm);
    if (rc == 0)
        *off = fm->body_offset;
    return rc;
}

int markdown_read(corpus_reader *r, const char *data, size_t len)
{
    corpus_front fm;
    size_t off;
    int rc = front_matter_begin(r, data, len, &fm, &off);
    if (rc != 0) {
        if (rc == 1)
            rc = 0; /* malformed: reported, the article skipped */
        goto out_free_front;
    }
    corpus_fields f = fm.f;
    const char *body = data + off;
    size_t body_len = len - off;
    wbuf_reset(&r->text);
    if (f.title_len == 0) {
        /* No title in front matter: a leading "# Heading" is the title. */
        size_t skip = 0;
        while (skip < body_len && (body[skip] == '\n' || body[skip] == '\r' || body[skip] == ' '))
            skip++;
        size_t adv;
        bool nl;
        size_t n = line_span(body + skip, body_len - skip, &adv, &nl);
        if (n >= 2 && body[skip] == '#' && body[skip + 1] == ' ') {
            markdown_strip(body + skip, n, &r->text);
            while (r->text.len && r->text.data[r->text.len - 1] == '\n')
                r->text.len--;
            body += skip + adv;
            body_len -= skip + adv;
        }
    }
    size_t title_end = r->text.len;
    markdown_strip(body, body_len, &r->text);
    if (r->text.oom) {
        rc = WARTA_ENOMEM;
        goto out_free_front;
    }
    if (title_end) {
        f.title = r->text.data;
        f.title_len = title_end;
    }
    f.body = r->text.data ? r->text.data + title_end : NULL;
    f.body_len = r->text.len - title_end;
    rc = corpus_emit(r, &f, 0);
out_free_front:
    front_matter_free(&fm);
    return rc;
}
