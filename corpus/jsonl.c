/*
 * jsonl.c: the JSON Lines (.jsonl, .ndjson) and .json readers.  Each line is
 * one object with id, title, body (or content, or text), date, time, url,
 * source, author, tags; null allowed, other fields ignored.
 *
 * Two parsers: jansson is the reference, used for .json documents, for error
 * messages and for any line the fast path declines.  The fast path is a
 * strict scanner of one flat object that decodes only the fields it needs:
 * jansson builds a whole tree per line and was measured at 0.44 s for the
 * 48 MB of clickid-2019 against a budget of ~1 s for the entire index build
 * (docs/INPUT.md).  The fuzz target fuzz_jsonl.c checks that both parsers
 * agree on every line the fast path accepts.
 */
#include "corpus.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* Fields a JSON article may carry, in the order of the lookup table. */
enum { JF_ID, JF_TITLE, JF_BODY, JF_CONTENT, JF_TEXT, JF_DATE, JF_TIME, JF_URL, JF_SOURCE,
       JF_AUTHOR, JF_TAGS, JF_N };
static const char *const jf_names[JF_N] = {"id", "title", "body", "content", "text", "date",
                                           "time", "url", "source", "author", "tags"};

static int jf_lookup(const char *k, size_t n)
{
    for (int i = 0; i < JF_N; i++)
        if (strlen(jf_names[i]) == n && memcmp(jf_names[i], k, n) == 0)
            return i;
    return -1;
}

/* Copies the found values into corpus_fields (body, else content, else text). */
static void jf_assign(corpus_fields *f, const char *const v[JF_N], const size_t n[JF_N], const bool set[JF_N])
{
    memset(f, 0, sizeof *f);
    if (set[JF_ID]) f->id = v[JF_ID], f->id_len = n[JF_ID];
    if (set[JF_TITLE]) f->title = v[JF_TITLE], f->title_len = n[JF_TITLE];
    for (int b = JF_BODY; b <= JF_TEXT; b++)
        if (set[b]) {
            f->body = v[b];
            f->body_len = n[b];
            break;
        }
    if (set[JF_DATE]) f->date = v[JF_DATE], f->date_len = n[JF_DATE];
    if (set[JF_TIME]) f->time = v[JF_TIME], f->time_len = n[JF_TIME];
    if (set[JF_URL]) f->url = v[JF_URL], f->url_len = n[JF_URL];
    if (set[JF_SOURCE]) f->source = v[JF_SOURCE], f->source_len = n[JF_SOURCE];
    if (set[JF_AUTHOR]) f->author = v[JF_AUTHOR], f->author_len = n[JF_AUTHOR];
    if (set[JF_TAGS]) f->tags = v[JF_TAGS], f->tags_len = n[JF_TAGS];
}

/* ---- the fast path ---- */

typedef struct jscan {
    const char *p;       /* next byte */
    const char *end;     /* end of the line */
    char *dec;           /* decoded strings go here; room for the whole line */
    size_t dec_len;      /* bytes used in dec */
} jscan;

static void js_ws(jscan *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int js_hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return -1;
    }
    return v;
}

/* Decodes the string at j->p (a '"').  Text without escapes is returned in
 * place; with escapes, decoded into j->dec.  False when malformed, or when
 * it holds \u0000 (which jansson refuses too). */
static bool js_string(jscan *j, const char **out, size_t *len)
{
    const char *s = ++j->p;
    const char *q = s;
    while (q < j->end) {
        unsigned char c = (unsigned char)*q;
        if (c == '"') {
            *out = s;
            *len = (size_t)(q - s);
            j->p = q + 1;
            return true;
        }
        if (c == '\\' || c < 0x20)
            break;
        q++;
    }
    if (q >= j->end || (unsigned char)*q < 0x20)
        return false;
    char *start = j->dec + j->dec_len;
    char *d = start;
    memcpy(d, s, (size_t)(q - s));
    d += q - s;
    while (q < j->end) {
        unsigned char c = (unsigned char)*q;
        if (c == '"') {
            *out = start;
            *len = (size_t)(d - start);
            j->dec_len += *len;
            j->p = q + 1;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c != '\\') {
            *d++ = (char)c;
            q++;
            continue;
        }
        if (++q >= j->end)
            return false;
        switch (*q) {
        case '"': *d++ = '"'; break;
        case '\\': *d++ = '\\'; break;
        case '/': *d++ = '/'; break;
        case 'b': *d++ = '\b'; break;
        case 'f': *d++ = '\f'; break;
        case 'n': *d++ = '\n'; break;
        case 'r': *d++ = '\r'; break;
        case 't': *d++ = '\t'; break;
        case 'u': {
            if (j->end - q < 5)
                return false;
            long cp = js_hex4(q + 1);
            if (cp < 0)
                return false;
            q += 4;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return false;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (j->end - q < 7 || q[1] != '\\' || q[2] != 'u')
                    return false;
                long lo = js_hex4(q + 3);
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return false;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                q += 6;
            }
            if (cp == 0)
                return false;
            if (cp < 0x80) {
                *d++ = (char)cp;
            } else if (cp < 0x800) {
                *d++ = (char)(0xC0 | (cp >> 6));
                *d++ = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                *d++ = (char)(0xE0 | (cp >> 12));
                *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *d++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *d++ = (char)(0xF0 | (cp >> 18));
                *d++ = (char)(0x80 | ((cp >> 12) & 0x3F));
                *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *d++ = (char)(0x80 | (cp & 0x3F));
            }
            break;
        }
        default:
            return false;
        }
        q++;
    }
    return false;
}

static bool js_digits(jscan *j)
{
    const char *s = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    return j->p > s;
}

/* A JSON number; *integer says whether it had no fraction or exponent.
 * Numbers jansson could refuse as out of range (integers over 18 digits,
 * any exponent, very long reals) are declined, for jansson to decide. */
static bool js_number(jscan *j, bool *integer)
{
    const char *start = j->p;
    *integer = true;
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p < j->end && *j->p == '0')
        j->p++;
    else if (!(j->p < j->end && *j->p >= '1' && *j->p <= '9') || !js_digits(j))
        return false;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        *integer = false;
        if (!js_digits(j))
            return false;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E'))
        return false;
    return j->p - start <= (*integer ? 18 : 40);
}

static bool js_literal(jscan *j, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
        return false;
    j->p += n;
    return true;
}

/* Skips any value; false when malformed or nested too deep. */
static bool js_skip(jscan *j, int depth)
{
    if (j->p >= j->end || depth > CORPUS_MAX_JSON_DEPTH)
        return false;
    const char *s;
    size_t n;
    bool integer;
    switch (*j->p) {
    case '"':
        return js_string(j, &s, &n);
    case 't':
        return js_literal(j, "true");
    case 'f':
        return js_literal(j, "false");
    case 'n':
        return js_literal(j, "null");
    case '[':
        j->p++;
        js_ws(j);
        if (j->p < j->end && *j->p == ']') {
            j->p++;
            return true;
        }
        for (;;) {
            js_ws(j);
            if (!js_skip(j, depth + 1))
                return false;
            js_ws(j);
            if (j->p >= j->end)
                return false;
            if (*j->p == ']') {
                j->p++;
                return true;
            }
            if (*j->p++ != ',')
                return false;
        }
    case '{':
        j->p++;
        js_ws(j);
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            return true;
        }
        for (;;) {
            js_ws(j);
            if (j->p >= j->end || *j->p != '"' || !js_string(j, &s, &n))
                return false;
            js_ws(j);
            if (j->p >= j->end || *j->p++ != ':')
                return false;
            js_ws(j);
            if (!js_skip(j, depth + 1))
                return false;
            js_ws(j);
            if (j->p >= j->end)
                return false;
            if (*j->p == '}') {
                j->p++;
                return true;
            }
            if (*j->p++ != ',')
                return false;
        }
    default:
        return js_number(j, &integer);
    }
}

int jsonl_fast_fields(corpus_reader *r, const char *line, size_t len, corpus_fields *f)
{
    wbuf_reset(&r->dec);
    if (wbuf_reserve(&r->dec, len + 8))
        return 0;
    jscan j = {line, line + len, r->dec.data, 0};
    const char *v[JF_N] = {NULL};
    size_t n[JF_N] = {0};
    bool set[JF_N] = {false};
    js_ws(&j);
    if (j.p >= j.end || *j.p++ != '{')
        return 0;
    js_ws(&j);
    if (j.p < j.end && *j.p == '}') {
        j.p++;
    } else {
        for (;;) {
            const char *k;
            size_t klen;
            js_ws(&j);
            if (j.p >= j.end || *j.p != '"' || !js_string(&j, &k, &klen))
                return 0;
            js_ws(&j);
            if (j.p >= j.end || *j.p++ != ':')
                return 0;
            js_ws(&j);
            if (j.p >= j.end)
                return 0;
            int which = jf_lookup(k, klen);
            if (which < 0) {
                if (!js_skip(&j, 1))
                    return 0;
            } else if (*j.p == '"') {
                if (!js_string(&j, &v[which], &n[which]))
                    return 0;
                set[which] = true;
            } else if (*j.p == 'n') {
                if (!js_literal(&j, "null"))
                    return 0;
                set[which] = false;
            } else if (which == JF_ID && *j.p >= '0' && *j.p <= '9') {
                /* A non-negative JSON integer reads the same as jansson
                 * prints it; negative ids ("-0") go to jansson. */
                const char *s = j.p;
                bool integer;
                if (!js_number(&j, &integer) || !integer)
                    return 0; /* reals: let jansson decide */
                v[which] = s;
                n[which] = (size_t)(j.p - s);
                set[which] = true;
            } else {
                return 0; /* a known field of another type: the full parser reports it */
            }
            js_ws(&j);
            if (j.p >= j.end)
                return 0;
            if (*j.p == '}') {
                j.p++;
                break;
            }
            if (*j.p++ != ',')
                return 0;
        }
    }
    js_ws(&j);
    if (j.p != j.end)
        return 0;
    jf_assign(f, v, n, set);
    return 1;
}

/* ---- the full parser (jansson) ---- */

/* Reads the fields of an object; reports fields of the wrong type.  Strings
 * stay owned by obj; joined tags and numeric ids go to r->tags. */
static int json_object_fields(corpus_reader *r, json_t *obj, corpus_fields *f, unsigned lineno)
{
    const char *v[JF_N] = {NULL};
    size_t n[JF_N] = {0};
    bool set[JF_N] = {false};
    size_t tags_off = 0, id_off = 0;
    bool id_num = false, tags_joined = false;
    wbuf_reset(&r->tags);
    for (int i = 0; i < JF_N; i++) {
        json_t *x = json_object_get(obj, jf_names[i]);
        if (!x || json_is_null(x))
            continue;
        if (json_is_string(x)) {
            v[i] = json_string_value(x);
            n[i] = json_string_length(x);
            set[i] = true;
        } else if (i == JF_ID && json_is_integer(x)) {
            id_off = r->tags.len;
            wbuf_printf(&r->tags, "%" JSON_INTEGER_FORMAT, json_integer_value(x));
            n[i] = r->tags.len - id_off;
            wbuf_putc(&r->tags, '\0');
            id_num = set[i] = true;
        } else if (i == JF_TAGS && json_is_array(x)) {
            tags_off = r->tags.len;
            size_t k;
            json_t *t;
            bool first = true;
            json_array_foreach(x, k, t) {
                if (!json_is_string(t))
                    continue;
                if (!first)
                    wbuf_append(&r->tags, ", ", 2);
                wbuf_append(&r->tags, json_string_value(t), json_string_length(t));
                first = false;
            }
            n[i] = r->tags.len - tags_off;
            wbuf_putc(&r->tags, '\0');
            tags_joined = set[i] = true;
        } else {
            corpus_report(r, CP_FIELD, lineno, false, "field '%s' is not %s, ignored", jf_names[i],
                          i == JF_TAGS ? "a list or text" : i == JF_ID ? "text or an integer" : "text");
        }
    }
    if (r->tags.oom)
        return WARTA_ENOMEM;
    if (id_num)
        v[JF_ID] = r->tags.data + id_off;
    if (tags_joined)
        v[JF_TAGS] = r->tags.data + tags_off;
    jf_assign(f, v, n, set);
    return 0;
}

int jsonl_slow_fields(corpus_reader *r, const char *line, size_t len, corpus_fields *f,
                      json_t **root, char *errmsg, size_t errlen, int *column, unsigned lineno)
{
    json_error_t err;
    *root = json_loadb(line, len, 0, &err);
    if (!*root) {
        snprintf(errmsg, errlen, "%s", err.text);
        *column = err.column > 0 ? err.column : (int)err.position + 1;
        return 0;
    }
    if (!json_is_object(*root)) {
        snprintf(errmsg, errlen, "a JSON %s, not an object", json_is_array(*root) ? "array" : "value");
        *column = 1;
        json_decref(*root);
        *root = NULL;
        return 0;
    }
    int rc = json_object_fields(r, *root, f, lineno);
    if (rc) {
        json_decref(*root);
        *root = NULL;
        return rc;
    }
    return 1;
}

int jsonl_read_line(corpus_reader *r, const char *line, size_t len, unsigned lineno)
{
    if (lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3; /* a byte order mark */
        len -= 3;
    }
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    size_t lead = 0;
    while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
        lead++;
    if (lead == len)
        return 0; /* blank lines are allowed */
    if (len > CORPUS_MAX_ARTICLE) {
        corpus_report(r, CP_LONGLINE, lineno, true, "line longer than the 16 MiB cap for one article, skipped");
        return 0;
    }
    size_t fixed_len;
    const char *fixed = corpus_utf8_repair(line, len, &r->fix, &fixed_len);
    if (!fixed)
        return WARTA_ENOMEM;
    if (fixed != line) {
        corpus_report(r, CP_UTF8, lineno, false, "invalid UTF-8 replaced by U+FFFD");
        line = fixed;
        len = fixed_len;
    }
    corpus_fields f;
    if (jsonl_fast_fields(r, line, len, &f))
        return corpus_emit(r, &f, lineno);
    if (r->dec.oom)
        return WARTA_ENOMEM;
    json_t *root = NULL;
    char msg[160];
    int column = 0;
    int ok = jsonl_slow_fields(r, line, len, &f, &root, msg, sizeof msg, &column, lineno);
    if (ok < 0)
        return ok;
    if (!ok) {
        corpus_report(r, CP_JSON, lineno, true, "malformed JSON (%s, column %d), line skipped", msg, column);
        return 0;
    }
    int rc = corpus_emit(r, &f, lineno);
    json_decref(root);
    return rc;
}

int jsonl_read(corpus_reader *r, const char *data, size_t len)
{
    unsigned lineno = 0;
    size_t off = 0;
    while (off < len) {
        const char *e = memchr(data + off, '\n', len - off);
        size_t n = e ? (size_t)(e - data - off) : len - off;
        int rc = jsonl_read_line(r, data + off, n, ++lineno);
        if (rc)
            return rc;
        if (r->stop)
            return r->stop;
        off += n + (e ? 1 : 0);
    }
    return 0;
}

int json_read_document(corpus_reader *r, const char *data, size_t len)
{
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3; /* a byte order mark */
        len -= 3;
    }
    json_error_t err;
    json_t *root = json_loadb(data, len, 0, &err);
    if (!root) {
        corpus_report(r, CP_JSON, err.line > 0 ? (unsigned)err.line : 0, true,
                      "malformed JSON (%s, column %d), file skipped", err.text, err.column);
        return 0;
    }
    int rc = 0;
    corpus_fields f;
    if (json_is_object(root)) {
        rc = json_object_fields(r, root, &f, 0);
        if (rc == 0)
            rc = corpus_emit(r, &f, 0);
    } else if (json_is_array(root)) {
        size_t i;
        json_t *x;
        json_array_foreach(root, i, x) {
            unsigned elem = (unsigned)i + 1;
            if (!json_is_object(x)) {
                corpus_report(r, CP_JSON, elem, true, "element %u of the array is not an object, skipped", elem);
                continue;
            }
            rc = json_object_fields(r, x, &f, elem);
            if (rc == 0)
                rc = corpus_emit(r, &f, elem);
            if (rc)
                break;
        }
    } else {
        corpus_report(r, CP_JSON, 0, true, "not a JSON object or array of objects, file skipped");
    }
    json_decref(root);
    return rc;
}
