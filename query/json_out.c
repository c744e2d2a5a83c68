/*
 * json_out.c: warta_results_json(), the `warta search --json` document.
 * Built with jansson so the output is valid JSON whatever the articles
 * hold: control characters are escaped by jansson, invalid UTF-8 is
 * replaced by U+FFFD here first.  Field names and order are part of the
 * interface (issue 5): query, total_hits, took_ms, hits[rank, score, id,
 * title, date, url, source, path, snippet (+ explain)].
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/base.h"
#include "query/searcher.h"

/* Appends s[0..n) to b with invalid sequences replaced by U+FFFD. */
static void put_utf8(wbuf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t l = utf8_seq(u + i, n - i);
        if (l == 0) {
            wbuf_append(b, "\xEF\xBF\xBD", 3);
            i++;
        } else {
            wbuf_append(b, s + i, l);
            i += l;
        }
    }
}

/* A JSON string of s (null when s is NULL), or NULL when out of memory. */
static json_t *jstr(const char *s, size_t n, wbuf *tmp)
{
    if (!s)
        return json_null();
    wbuf_reset(tmp);
    put_utf8(tmp, s, n);
    if (tmp->oom)
        return NULL;
    return json_stringn(tmp->data ? tmp->data : "", tmp->len);
}

/* The snippet with each match marked as [word]. */
static json_t *jsnippet(const warta_hit *h, wbuf *tmp, wbuf *marked)
{
    if (!h->snippet)
        return json_null();
    wbuf_reset(marked);
    size_t at = 0;
    for (size_t i = 0; i < h->nspans; i++) {
        const warta_span *sp = &h->spans[i];
        if (sp->start < at || sp->end < sp->start || sp->end > h->snippet_len)
            continue;
        wbuf_append(marked, h->snippet + at, sp->start - at);
        wbuf_putc(marked, '[');
        wbuf_append(marked, h->snippet + sp->start, sp->end - sp->start);
        wbuf_putc(marked, ']');
        at = sp->end;
    }
    wbuf_append(marked, h->snippet + at, h->snippet_len - at);
    if (marked->oom)
        return NULL;
    return jstr(marked->data ? marked->data : "", marked->len, tmp);
}

/* Sets key to v, taking v; false when v is NULL or the set fails. */
static bool set(json_t *o, const char *key, json_t *v)
{
    return v && json_object_set_new(o, key, v) == 0;
}

static json_t *jexplain(const warta_hit *h, wbuf *tmp)
{
    json_t *a = json_array();
    if (!a)
        return NULL;
    for (size_t i = 0; i < h->nexplain; i++) {
        const warta_explain *e = &h->explain[i];
        json_t *o = json_object();
        bool ok = o && set(o, "term", jstr(e->term, e->term_len, tmp)) &&
                  set(o, "field", json_string(e->field)) && set(o, "tf", json_real(e->tf)) &&
                  set(o, "df", json_integer((json_int_t)e->df)) &&
                  set(o, "idf", json_real(e->idf)) &&
                  set(o, "dl", json_integer((json_int_t)e->dl)) &&
                  set(o, "avgdl", json_real(e->avgdl)) && set(o, "score", json_real(e->score));
        if (!ok || json_array_append_new(a, o) != 0) {
            if (!ok)
                json_decref(o);
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

WARTA_API int warta_results_json(const warta_results *r, unsigned indent, char **out, size_t *len)
{
    *out = NULL;
    if (len)
        *len = 0;
    wbuf tmp = WBUF_INIT, marked = WBUF_INIT;
    int rc = WARTA_ENOMEM;
    json_t *root = json_object();
    json_t *hits = json_array();
    if (!root || !hits)
        goto out_free;
    double took = round(r->took_ms * 1000.0) / 1000.0;
    if (!set(root, "query", jstr(r->query, r->query_len, &tmp)) ||
        !set(root, "total_hits", json_integer((json_int_t)warta_results_total_hits(r))) ||
        !set(root, "took_ms", json_real(took)))
        goto out_free;
    for (size_t i = 0; i < r->nhits; i++) {
        const warta_hit *h = &r->hits[i];
        json_t *o = json_object();
        if (!o)
            goto out_free;
        bool ok = set(o, "rank", json_integer(h->rank)) && set(o, "score", json_real(h->score)) &&
                  set(o, "id", jstr(h->id, h->id_len, &tmp)) &&
                  set(o, "title", jstr(h->title, h->title_len, &tmp)) &&
                  set(o, "date", jstr(h->date, h->date_len, &tmp)) &&
                  set(o, "url", jstr(h->url, h->url_len, &tmp)) &&
                  set(o, "source", jstr(h->source, h->source_len, &tmp)) &&
                  set(o, "path", jstr(h->path, h->path_len, &tmp)) &&
                  set(o, "snippet", jsnippet(h, &tmp, &marked));
        if (ok && r->explain)
            ok = set(o, "explain", jexplain(h, &tmp));
        if (!ok || json_array_append_new(hits, o) != 0) {
            json_decref(o);
            goto out_free;
        }
    }
    if (json_object_set(root, "hits", hits) != 0)
        goto out_free;
    size_t flags = (indent ? JSON_INDENT(indent > 31 ? 31 : indent) : JSON_COMPACT) | JSON_REAL_PRECISION(15);
    char *s = json_dumps(root, flags);
    if (!s)
        goto out_free;
    *out = s;
    if (len)
        *len = strlen(s);
    rc = 0;
out_free:
    json_decref(hits);
    json_decref(root);
    wbuf_free(&tmp);
    wbuf_free(&marked);
    return rc;
}
