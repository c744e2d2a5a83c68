/*
 * reader.c: what every reader shares: the per-file state (corpus_reader),
 * problem reports with per-kind limits, the checks every article passes
 * before it reaches the caller (corpus_emit), UTF-8 repair, and the
 * per-buffer entry point corpus_read_buffer() used by the walker, the unit
 * tests and the fuzz targets.
 */
#include "corpus.h"

#include <stdio.h>
#include <string.h>

/* What the closing message of a file says about hidden problems, per kind. */
static const char *const kind_tail[CP_KINDS] = {
    [CP_FILE] = "problems with the file",
    [CP_UTF8] = "invalid UTF-8 repaired",
    [CP_JSON] = "malformed JSON, skipped",
    [CP_YAML] = "malformed front matter, skipped",
    [CP_FIELD] = "fields of the wrong type ignored",
    [CP_NOTITLE] = "articles without a title, kept with an empty title",
    [CP_EMPTY] = "articles with neither title nor body, skipped",
    [CP_DATE] = "unparseable dates dropped",
    [CP_LONGLINE] = "lines over 16 MiB, skipped",
};

/* Whether hidden problems of a kind were skips (for the closing message). */
static const bool kind_skips[CP_KINDS] = {
    [CP_FILE] = true, [CP_JSON] = true, [CP_YAML] = true, [CP_EMPTY] = true,
    [CP_LONGLINE] = true,
};

void corpus_reader_init(corpus_reader *r, const char *path, const char *rel,
                        const warta_walk_callbacks *cb, warta_walk_stats *stats)
{
    memset(r, 0, sizeof *r);
    r->cb = cb;
    r->stats = stats;
    r->path = path;
    r->rel = rel ? rel : path;
    r->articles_at_progress = stats->articles;
}

void corpus_reader_finish(corpus_reader *r)
{
    for (int k = 0; k < CP_KINDS; k++) {
        if (!r->hidden[k] || !r->cb->problem)
            continue;
        char msg[160];
        snprintf(msg, sizeof msg, "%u more like this in this file (first at line %u): %s",
                 r->hidden[k], r->first_hidden[k], kind_tail[k]);
        r->cb->problem(r->cb->ctx, r->path, 0, msg, kind_skips[k]);
    }
    if (r->cb->progress && r->stop == 0)
        r->cb->progress(r->cb->ctx, r->stats);
    wbuf_free(&r->id);
    wbuf_free(&r->text);
    wbuf_free(&r->fix);
    wbuf_free(&r->dec);
    wbuf_free(&r->tags);
}

void corpus_report(corpus_reader *r, int kind, unsigned line, bool skipped, const char *fmt, ...)
{
    if (skipped)
        r->stats->skipped++;
    else
        r->stats->warnings++;
    if (r->shown[kind] >= CORPUS_REPORTS_PER_KIND && kind != CP_FILE) {
        if (r->hidden[kind]++ == 0)
            r->first_hidden[kind] = line;
        return;
    }
    r->shown[kind]++;
    if (!r->cb->problem)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* One line, whatever the input put into it (quoted text, jansson's
     * description of a token). */
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    r->cb->problem(r->cb->ctx, r->path, line, msg, skipped);
}

/* True for ASCII white space and the no-break space U+00A0. */
static size_t space_at(const char *s, size_t len)
{
    unsigned char c = (unsigned char)s[0];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
        return 1;
    if (c == 0xC2 && len >= 2 && (unsigned char)s[1] == 0xA0)
        return 2;
    return 0;
}

/* Trims white space at both ends of (*s, *len). */
static void trim(const char **s, size_t *len)
{
    size_t n;
    while (*len && (n = space_at(*s, *len)) != 0) {
        *s += n;
        *len -= n;
    }
    while (*len) {
        unsigned char c = (unsigned char)(*s)[*len - 1];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
            (*len)--;
        else if (c == 0xA0 && *len >= 2 && (unsigned char)(*s)[*len - 2] == 0xC2)
            *len -= 2;
        else
            break;
    }
}

/* Shortens text for a message: at most 40 bytes, cut at a character boundary,
 * control characters shown as '?'. */
static void excerpt(const char *s, size_t len, char out[48])
{
    size_t n = len > 40 ? 40 : len;
    while (n < len && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    for (size_t i = 0; i < n; i++)
        out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    out[n] = '\0';
    if (n < len)
        strcpy(out + n, "...");
}

int corpus_emit(corpus_reader *r, const corpus_fields *f, unsigned line)
{
    warta_article a;
    memset(&a, 0, sizeof a);
    a.title = f->title;
    a.title_len = f->title_len;
    if (a.title)
        trim(&a.title, &a.title_len);
    a.body = f->body;
    a.body_len = f->body_len;
    if (a.body)
        trim(&a.body, &a.body_len);
    if (a.title_len == 0 && a.body_len == 0) {
        corpus_report(r, CP_EMPTY, line, true, "article with neither title nor body, skipped");
        return 0;
    }
    if (a.title_len == 0) {
        a.title = NULL;
        corpus_report(r, CP_NOTITLE, line, false, "no title; kept with an empty title");
    }
    if (a.body_len == 0)
        a.body = NULL;

    char date[32];
    const char *d = f->date;
    size_t dlen = f->date_len;
    if (d)
        trim(&d, &dlen);
    if (dlen) {
        char joined[96];
        const char *t = f->time;
        size_t tlen = f->time_len;
        if (t)
            trim(&t, &tlen);
        size_t n = 0;
        /* A separate time of day joins a date-only value ("2019-09-10" +
         * "13:30 WIB"); if the pair does not parse, the date alone is used. */
        if (tlen && dlen + tlen + 2 <= sizeof joined) {
            memcpy(joined, d, dlen);
            joined[dlen] = ' ';
            memcpy(joined + dlen + 1, t, tlen);
            n = warta_date_normalize(joined, dlen + 1 + tlen, date);
        }
        if (n == 0)
            n = warta_date_normalize(d, dlen, date);
        if (n) {
            a.date = date;
            a.date_len = n;
        } else {
            char ex[48];
            excerpt(d, dlen, ex);
            corpus_report(r, CP_DATE, line, false, "unparseable date '%s'; kept without a date", ex);
        }
    }

    a.url = f->url;
    a.url_len = f->url_len;
    if (a.url)
        trim(&a.url, &a.url_len);
    a.source = f->source;
    a.source_len = f->source_len;
    if (a.source)
        trim(&a.source, &a.source_len);
    a.author = f->author;
    a.author_len = f->author_len;
    if (a.author)
        trim(&a.author, &a.author_len);
    a.tags = f->tags;
    a.tags_len = f->tags_len;
    if (a.tags)
        trim(&a.tags, &a.tags_len);
    if (!a.url_len)
        a.url = NULL;
    if (!a.source_len)
        a.source = NULL;
    if (!a.author_len)
        a.author = NULL;
    if (!a.tags_len)
        a.tags = NULL;

    const char *id = f->id;
    size_t id_len = f->id_len;
    if (id)
        trim(&id, &id_len);
    if (id_len == 0) {
        wbuf_reset(&r->id);
        wbuf_puts(&r->id, r->rel);
        if (line)
            wbuf_printf(&r->id, ":%u", line);
        if (r->id.oom) {
            r->stop = WARTA_ENOMEM;
            return r->stop;
        }
        id = r->id.data;
        id_len = r->id.len;
    }
    a.id = id;
    a.id_len = id_len;
    a.path = r->path;
    a.path_len = strlen(r->path);
    a.line = line;

    r->stats->articles++;
    if (r->cb->article) {
        int rc = r->cb->article(r->cb->ctx, &a);
        if (rc) {
            r->stop = rc;
            return rc;
        }
    }
    if (r->cb->progress && r->stats->articles - r->articles_at_progress >= CORPUS_PROGRESS_EVERY) {
        r->articles_at_progress = r->stats->articles;
        r->cb->progress(r->cb->ctx, r->stats);
    }
    return 0;
}

size_t corpus_utf8_valid_prefix(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* Eight ASCII bytes at a time: most news text is mostly ASCII. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_seq(p + i, len - i);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

const char *corpus_utf8_repair(const char *s, size_t len, wbuf *out, size_t *newlen)
{
    size_t i = corpus_utf8_valid_prefix(s, len);
    if (i == len) {
        *newlen = len;
        return s;
    }
    wbuf_reset(out);
    wbuf_reserve(out, len + len / 2 + 4);
    wbuf_append(out, s, i);
    const unsigned char *p = (const unsigned char *)s;
    while (i < len) {
        size_t n = utf8_seq(p + i, len - i);
        if (n) {
            wbuf_append(out, p + i, n);
            i += n;
            continue;
        }
        /* One U+FFFD per maximal invalid run of bytes. */
        wbuf_append(out, "\xEF\xBF\xBD", 3);
        i++;
        while (i < len && utf8_seq(p + i, len - i) == 0)
            i++;
    }
    if (out->oom)
        return NULL;
    *newlen = out->len;
    return out->data;
}

/* Case-insensitive ASCII suffix test. */
static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    if (len < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[len - n + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != suffix[i])
            return false;
    }
    return true;
}

int corpus_format_of(const char *name, bool *gz)
{
    size_t len = strlen(name);
    *gz = false;
    if (ends_with(name, len, ".gz")) {
        *gz = true;
        len -= 3;
    }
    static const struct {
        const char *ext;
        int format;
    } exts[] = {
        {".txt", CORPUS_TXT},     {".md", CORPUS_MARKDOWN},  {".markdown", CORPUS_MARKDOWN},
        {".jsonl", CORPUS_JSONL}, {".ndjson", CORPUS_JSONL}, {".json", CORPUS_JSON},
    };
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (len > strlen(exts[i].ext) && ends_with(name, len, exts[i].ext))
            return exts[i].format;
    return CORPUS_NONE;
}

int corpus_read_with(corpus_reader *r, const char *data, size_t len, int format)
{
    if (len == 0) {
        corpus_report(r, CP_FILE, 0, true, "empty file, skipped");
        return 0;
    }
    /* JSON Lines files are streamed: the walker checks their first block for
     * NUL bytes itself, and a later NUL only spoils its line. */
    size_t probe = format == CORPUS_JSONL && len > 65536 ? 65536 : len;
    if (memchr(data, '\0', probe)) {
        corpus_report(r, CP_FILE, 0, true, "binary file (contains NUL bytes), skipped");
        return 0;
    }
    if (format != CORPUS_JSONL && len <= CORPUS_MAX_FILE) {
        size_t bad = corpus_utf8_valid_prefix(data, len);
        if (bad < len) {
            unsigned line = 1;
            for (const char *p = data; (p = memchr(p, '\n', (size_t)(data + bad - p))) != NULL; p++)
                line++;
            size_t fixed_len = 0;
            const char *fixed = corpus_utf8_repair(data, len, &r->fix, &fixed_len);
            if (!fixed)
                return WARTA_ENOMEM;
            corpus_report(r, CP_UTF8, line, false, "invalid UTF-8 replaced by U+FFFD");
            data = fixed;
            len = fixed_len;
        }
    }
    switch (format) {
    case CORPUS_TXT:
    case CORPUS_MARKDOWN:
        if (len > CORPUS_MAX_ARTICLE) {
            corpus_report(r, CP_FILE, 0, true, "file larger than the 16 MiB cap for one article, skipped");
            return 0;
        }
        return format == CORPUS_TXT ? txt_read(r, data, len) : markdown_read(r, data, len);
    case CORPUS_JSONL:
        return jsonl_read(r, data, len);
    case CORPUS_JSON:
        if (len > CORPUS_MAX_FILE) {
            corpus_report(r, CP_FILE, 0, true, "file larger than the 64 MiB cap for a .json document "
                          "(use JSON Lines for big collections), skipped");
            return 0;
        }
        return json_read_document(r, data, len);
    default:
        corpus_report(r, CP_FILE, 0, true, "no reader for this file type, skipped");
        return 0;
    }
}

int corpus_read_buffer(const char *path, const char *rel, const char *data, size_t len,
                       int format, const warta_walk_callbacks *cb, warta_walk_stats *stats)
{
    warta_walk_stats local = {0};
    corpus_reader r;
    corpus_reader_init(&r, path, rel, cb, stats ? stats : &local);
    r.stats->files++;
    r.stats->bytes += len;
    uint64_t before = r.stats->articles;
    int rc = corpus_read_with(&r, data, len, format);
    if (rc == 0)
        rc = r.stop;
    corpus_reader_finish(&r);
    if (cb->file)
        cb->file(cb->ctx, path, r.stats->articles - before);
    return rc;
}
