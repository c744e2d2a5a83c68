/*
 * searcher.c: warta_search() and the results (include/warta.h, section
 * "Searching").  It ties the pieces together: parse (parse.c), analyze and
 * plan (plan.c), global statistics over the snapshot's segments (N, avgdl
 * and df over live articles), ranking per segment into one heap (exec.c),
 * then the hits' stored fields, snippets (snippet.c) and explanations.
 * Per-index state (the analyzer pool) hangs from warta_index.ext.
 */
#include "query/searcher.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "indexer/analysis/analyzer.h"
#include "indexer/segment/segment.h"
#include "query/brief.h"
#include "query/exec.h"
#include "query/plan.h"
#include "query/snippet.h"

/* Results beyond this many (k + offset) are refused: memory stays bounded. */
#define SEARCH_MAX_DEPTH 100000

/* Per-index state: the analyzer every search clones, and a pool of contexts. */
typedef struct qindex {
    pthread_mutex_t mu;      /* guards the pool */
    warta_analyzer *base;    /* the index's stored analyzer, cloned per context */
    warta_analyzer *owned;   /* base when the index had none (then ours to close) */
    qctx *free;              /* idle contexts */
    size_t nfree;            /* how many */
    brief_cache *brief;      /* hits' short fields */
} qindex;

#define POOL_KEEP 64

static pthread_mutex_t ext_mu = PTHREAD_MUTEX_INITIALIZER;

static void ctx_free(qctx *c)
{
    if (!c)
        return;
    warta_analyzer_close(c->an);
    arena_free(&c->arena);
    wbuf_free(&c->scratch);
    wbuf_free(&c->norm);
    qwin_free(c->win);
    wfree(c);
}

static void qindex_free(void *p)
{
    qindex *q = p;
    if (!q)
        return;
    while (q->free) {
        qctx *c = q->free;
        q->free = c->next;
        ctx_free(c);
    }
    warta_analyzer_close(q->owned);
    brief_free(q->brief);
    pthread_mutex_destroy(&q->mu);
    wfree(q);
}

static int qindex_get(warta_index *ix, qindex **out, char *err, size_t errlen)
{
    int rc = 0;
    pthread_mutex_lock(&ext_mu);
    if (ix->ext) {
        *out = ix->ext;
        goto out_unlock;
    }
    qindex *q = wcalloc(1, sizeof *q);
    if (!q) {
        rc = WARTA_ENOMEM;
        goto out_unlock;
    }
    pthread_mutex_init(&q->mu, NULL);
    if (ix->analyzer) {
        q->base = ix->analyzer;     /* borrowed: the index owns it */
    } else {
        rc = warta_analyzer_open(&q->owned, NULL, err, errlen);
        if (rc) {
            qindex_free(q);
            goto out_unlock;
        }
        q->base = q->owned;
    }
    rc = brief_open(&q->brief, ix->snap);
    if (rc) {
        qindex_free(q);
        goto out_unlock;
    }
    ix->ext = q;
    ix->ext_free = qindex_free;
    *out = q;
out_unlock:
    pthread_mutex_unlock(&ext_mu);
    return rc;
}

static qctx *ctx_take(qindex *q)
{
    pthread_mutex_lock(&q->mu);
    qctx *c = q->free;
    if (c) {
        q->free = c->next;
        q->nfree--;
    }
    pthread_mutex_unlock(&q->mu);
    if (c)
        return c;
    c = wcalloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->win = qwin_new();
    if (!c->win || warta_analyzer_clone(&c->an, q->base)) {
        qwin_free(c->win);
        wfree(c);
        return NULL;
    }
    arena_init(&c->arena, 64 * 1024);
    return c;
}

static void ctx_give(qindex *q, qctx *c)
{
    arena_reset(&c->arena);
    if (c->scratch.cap > (8u << 20))
        wbuf_free(&c->scratch);
    pthread_mutex_lock(&q->mu);
    if (q->nfree < POOL_KEEP) {
        c->next = q->free;
        q->free = c;
        q->nfree++;
        c = NULL;
    }
    pthread_mutex_unlock(&q->mu);
    ctx_free(c);
}

WARTA_API void warta_search_options_init(warta_search_options *o)
{
    memset(o, 0, sizeof *o);
    o->k = 10;
    o->k1 = 1.2;
    o->b = 0.75;
    o->title_boost = WARTA_TITLE_BOOST;
    o->sort = WARTA_SORT_SCORE;
    o->snippet_len = 200;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Parses a date option into seconds: the start of a bare date, or its end
 * when end_of_day. */
static bool parse_date_opt(const char *text, bool end_of_day, int64_t *out)
{
    char iso[32];
    size_t n = warta_date_normalize(text, strlen(text), iso);
    if (n < 10)
        return false;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    int got = sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s);
    if (got < 3 || mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    int64_t t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400;
    if (got >= 5)
        t += (int64_t)h * 3600 + (int64_t)mi * 60 + s + (got == 5 && end_of_day ? 59 : 0);
    else if (end_of_day)
        t += 86399;
    *out = t;
    return true;
}

static void put_err(char *err, size_t errlen, const char *fmt, const char *a)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, a);
}

static int check_options(const warta_search_options *o, char *err, size_t errlen)
{
    if (!(o->k1 >= 0 && o->k1 <= 1000)) {
        put_err(err, errlen, "%s: k1 must be a number from 0 to 1000", "search");
        return WARTA_EINVAL;
    }
    if (!(o->b >= 0 && o->b <= 1)) {
        put_err(err, errlen, "%s: b must be a number from 0 to 1", "search");
        return WARTA_EINVAL;
    }
    if (!(o->title_boost >= 0 && o->title_boost <= 1000)) {
        put_err(err, errlen, "%s: title boost must be a number from 0 to 1000", "search");
        return WARTA_EINVAL;
    }
    if ((uint64_t)o->k + o->offset > SEARCH_MAX_DEPTH) {
        put_err(err, errlen, "%s: k + offset must be at most 100000", "search");
        return WARTA_EINVAL;
    }
    return 0;
}

/* Copies a stored field into the arena. */
static const char *keep(qarena *a, const char *s, size_t n, size_t *len_out)
{
    *len_out = 0;
    if (!s)
        return NULL;
    char *c = arena_strndup(a, s, n);
    if (c)
        *len_out = n;
    return c;
}

/* Everything of one search that the steps below share. */
typedef struct search {
    warta_index *ix;
    seg_snapshot *snap;
    qindex *q;               /* per-index state */
    qctx *ctx;
    const warta_search_options *o;
    qplan plan;
    qexec x;
    size_t nseg;
    seg_term *tinfo;         /* nterms x nseg: the term in each segment */
    uint8_t *tfound;         /* nterms x nseg: 1 when present */
    seg_cursor *sc;          /* one per leaf term, reused for every segment */
    char *err;
    size_t errlen;
} search;

static void corrupt_msg(search *s, size_t seg)
{
    if (s->err && s->errlen)
        snprintf(s->err, s->errlen, "%s",
                 seg_reader_errmsg(seg_snapshot_segment(s->snap, seg)));
}

/* Global statistics: df over live articles of every term, idf. */
static int term_stats(search *s, uint64_t n)
{
    qplan *p = &s->plan;
    qarena *a = &s->ctx->arena;
    size_t cells = p->nterms * (s->nseg ? s->nseg : 1);
    s->tinfo = arena_alloc(a, cells * sizeof *s->tinfo);
    s->tfound = arena_calloc(a, cells, 1);
    if (!s->tinfo || !s->tfound)
        return WARTA_ENOMEM;
    /* Every term is located first, so that the loads of their dictionary
     * blocks overlap; then each is looked up in its block. */
    uint32_t *blk = arena_alloc(a, cells * sizeof *blk);
    if (!blk)
        return WARTA_ENOMEM;
    for (size_t t = 0; t < p->nterms; t++)
        for (size_t g = 0; g < s->nseg; g++)
            blk[t * s->nseg + g] = seg_term_locate(seg_snapshot_segment(s->snap, g),
                                                   p->terms[t].text, p->terms[t].len);
    for (size_t t = 0; t < p->nterms; t++) {
        uint64_t df = 0;
        for (size_t g = 0; g < s->nseg; g++) {
            seg_reader *r = seg_snapshot_segment(s->snap, g);
            seg_term *ti = &s->tinfo[t * s->nseg + g];
            int rc = seg_term_lookup_in(r, blk[t * s->nseg + g], p->terms[t].text,
                                        p->terms[t].len, ti);
            if (rc == WARTA_ENOTFOUND)
                continue;
            if (rc) {
                corrupt_msg(s, g);
                return rc;
            }
            s->tfound[t * s->nseg + g] = 1;
            seg_term_prefetch(r, ti);
            uint32_t live = ti->df;
            if (seg_ndeleted(r)) {
                rc = seg_term_live_df(r, ti, &live);
                if (rc) {
                    corrupt_msg(s, g);
                    return rc;
                }
            }
            df += live;
        }
        p->terms[t].df = df;
        p->terms[t].idf = bm25_idf(n, df);
    }
    for (size_t i = 0; i < p->nleaves; i++) {
        qleaf *l = &p->leaves[i];
        double idf = 0.0;
        for (uint32_t j = 0; j < l->nterms; j++)
            idf += p->terms[l->terms[j]].idf;
        l->idf = idf;
    }
    return 0;
}

/* Points every leaf's cursors at segment g. */
static int open_cursors(search *s, size_t g)
{
    qplan *p = &s->plan;
    seg_reader *r = seg_snapshot_segment(s->snap, g);
    size_t k = 0;
    for (size_t i = 0; i < p->nleaves; i++) {
        qleaf *l = &p->leaves[i];
        for (uint32_t j = 0; j < l->nterms; j++, k++) {
            size_t cell = (size_t)l->terms[j] * s->nseg + g;
            if (!s->tfound[cell]) {
                qcur_empty(&l->cur[j]);
                continue;
            }
            int rc = seg_cursor_open(&s->sc[k], r, &s->tinfo[cell]);
            if (rc) {
                corrupt_msg(s, g);
                return rc;
            }
            qcur_seg(&l->cur[j], &s->sc[k], r, &s->tinfo[cell]);
        }
    }
    return 0;
}

static int alloc_cursors(search *s)
{
    qplan *p = &s->plan;
    qarena *a = &s->ctx->arena;
    size_t total = 0;
    for (size_t i = 0; i < p->nleaves; i++) {
        p->leaves[i].cur = arena_alloc(a, p->leaves[i].nterms * sizeof(qcur));
        if (!p->leaves[i].cur)
            return WARTA_ENOMEM;
        total += p->leaves[i].nterms;
    }
    s->sc = arena_alloc(a, (total ? total : 1) * sizeof *s->sc);
    return s->sc ? 0 : WARTA_ENOMEM;
}

/* Adds to ex[*n] the explanation of every leaf under t that contributes
 * to doc: leaves that match, outside excluded clauses and outside groups
 * that do not match as a whole, so the entries add up to the score. */
static int explain_tree(search *s, const qtree *t, uint32_t doc, uint32_t dl, warta_explain *ex,
                        size_t *n)
{
    qplan *p = &s->plan;
    if (t->occur == QO_NOT)
        return 0;
    if (!t->is_leaf) {
        double sc;
        if (t != p->root && !qexec_tree_match(&s->x, t, doc, &sc))
            return 0;
        for (size_t i = 0; i < t->nkids; i++) {
            int rc = explain_tree(s, t->kids[i], doc, dl, ex, n);
            if (rc)
                return rc;
        }
        return 0;
    }
    qleaf *l = &p->leaves[t->leaf];
    double tf = 0;
    double sc = qexec_leaf_score(&s->x, l, doc, &tf);
    if (tf <= 0)
        return 0;
    warta_explain *e = &ex[(*n)++];
    size_t len = 0;
    double df = 0;
    for (uint32_t j = 0; j < l->nterms; j++) {
        const qterm *term = &p->terms[l->terms[j]];
        len += term->len + 1;
        if (j == 0 || (double)term->df < df)
            df = (double)term->df;
    }
    char *text = arena_alloc(&s->ctx->arena, len + 1);
    if (!text)
        return WARTA_ENOMEM;
    size_t at = 0;
    for (uint32_t j = 0; j < l->nterms; j++) {
        const qterm *term = &p->terms[l->terms[j]];
        if (j)
            text[at++] = ' ';
        memcpy(text + at, term->text, term->len);
        at += term->len;
    }
    text[at] = '\0';
    e->term = text;
    e->term_len = at;
    e->field = l->kind == QL_PHRASE ? (l->title ? "title phrase" : "phrase")
                                    : (l->title ? "title" : "text");
    e->tf = tf;
    e->df = df;
    e->idf = l->idf;
    e->dl = dl;
    e->avgdl = s->x.p.avgdl;
    e->score = sc;
    return 0;
}

/* Adds the explanation of hit h (its own cursors, opened again). */
static int explain_hit(search *s, const qhit *h, warta_hit *out)
{
    qplan *p = &s->plan;
    int rc = open_cursors(s, h->seg);
    if (rc)
        return rc;
    s->x.r = seg_snapshot_segment(s->snap, h->seg);
    warta_explain *ex = arena_calloc(&s->ctx->arena, p->nleaves ? p->nleaves : 1, sizeof *ex);
    if (!ex)
        return WARTA_ENOMEM;
    size_t n = 0;
    rc = explain_tree(s, p->root, h->doc, seg_doc_len(s->x.r, h->doc), ex, &n);
    if (rc)
        return rc;
    out->explain = ex;
    out->nexplain = n;
    return 0;
}

static int fetch_hit(search *s, const qhit *h, warta_hit *out)
{
    qarena *a = &s->ctx->arena;
    seg_reader *r = seg_snapshot_segment(s->snap, h->seg);
    int rc;
    if (!s->o->snippets) {
        brief_doc b;
        memset(&b, 0, sizeof b);
        if (s->o->id_title_only) {
            rc = brief_head(s->q->brief, h->seg, h->doc, &s->ctx->scratch, &b);
            if (rc == WARTA_ENOTFOUND) {
                /* The cache is full: b points into scratch, copy it. */
                out->id = keep(a, b.f[BRIEF_ID], b.len[BRIEF_ID], &out->id_len);
                out->title = keep(a, b.f[BRIEF_TITLE], b.len[BRIEF_TITLE], &out->title_len);
                if ((b.f[BRIEF_ID] && !out->id) || (b.f[BRIEF_TITLE] && !out->title))
                    return WARTA_ENOMEM;
                return 0;
            }
        } else {
            rc = brief_get(s->q->brief, h->seg, h->doc, &s->ctx->scratch, &b);
        }
        if (rc == 0) {
            /* Borrowed from the cache, which lives as long as the index. */
            out->id = b.f[BRIEF_ID];
            out->id_len = b.len[BRIEF_ID];
            out->title = b.f[BRIEF_TITLE];
            out->title_len = b.len[BRIEF_TITLE];
            out->date = b.f[BRIEF_DATE];
            out->date_len = b.len[BRIEF_DATE];
            out->url = b.f[BRIEF_URL];
            out->url_len = b.len[BRIEF_URL];
            out->source = b.f[BRIEF_SOURCE];
            out->source_len = b.len[BRIEF_SOURCE];
            out->path = b.f[BRIEF_PATH];
            out->path_len = b.len[BRIEF_PATH];
            return 0;
        }
        if (rc != WARTA_ENOTFOUND) {
            if (rc == WARTA_ECORRUPT)
                corrupt_msg(s, h->seg);
            return rc;
        }
    }
    seg_doc d;
    rc = seg_doc_fetch(r, h->doc, &s->ctx->scratch, &d);
    if (rc) {
        if (rc == WARTA_ECORRUPT)
            corrupt_msg(s, h->seg);
        return rc;
    }
    out->id = keep(a, d.id, d.id_len, &out->id_len);
    out->title = keep(a, d.title, d.title_len, &out->title_len);
    out->date = keep(a, d.date, d.date_len, &out->date_len);
    out->url = keep(a, d.url, d.url_len, &out->url_len);
    out->source = keep(a, d.source, d.source_len, &out->source_len);
    out->path = keep(a, d.path, d.path_len, &out->path_len);
    if ((d.id && !out->id) || (d.title && !out->title) || (d.date && !out->date) ||
        (d.url && !out->url) || (d.source && !out->source) || (d.path && !out->path))
        return WARTA_ENOMEM;
    if (s->o->snippets) {
        rc = snippet_make(s->ctx->an, &s->plan, d.body, d.body_len, s->o->snippet_len, a,
                          &out->snippet, &out->snippet_len, &out->spans, &out->nspans);
        if (rc)
            return rc;
    }
    return 0;
}

static int run(search *s, warta_results *res, const char *query, size_t len)
{
    const warta_search_options *o = s->o;
    qarena *a = &s->ctx->arena;
    qnode *root;
    int rc = qparse(query, len, a, &root, s->err, s->errlen);
    if (rc)
        return rc;
    rc = qplan_build(&s->plan, root, s->ctx->an, s->snap, a, s->err, s->errlen);
    if (rc)
        return rc;
    uint64_t n = seg_snapshot_live_docs(s->snap);
    if (n == 0)
        return 0;
    double avgdl = (double)seg_snapshot_live_length(s->snap) / (double)n;
    rc = term_stats(s, n);
    if (rc)
        return rc;
    rc = alloc_cursors(s);
    if (rc)
        return rc;
    bm25 p;
    bm25_init(&p, o->k1, o->b, o->title_boost, avgdl);
    size_t cap = (size_t)o->k + o->offset;
    rc = qexec_init(&s->x, &s->plan, &p, cap, a);
    if (rc)
        return rc;
    s->x.win = s->ctx->win;
    s->x.sort = o->sort;
    s->x.exhaustive = o->exhaustive;
    s->x.defer_count = true;
    /* Copied: counting may happen after the caller's options are gone. */
    if (o->nsources) {
        const char **src = arena_alloc(a, o->nsources * sizeof *src);
        if (!src)
            return WARTA_ENOMEM;
        for (size_t i = 0; i < o->nsources; i++) {
            src[i] = arena_strndup(a, o->sources[i] ? o->sources[i] : "",
                                   o->sources[i] ? strlen(o->sources[i]) : 0);
            if (!src[i])
                return WARTA_ENOMEM;
        }
        s->x.sources = src;
    }
    s->x.nsources = o->nsources;
    if (o->since) {
        if (!parse_date_opt(o->since, false, &s->x.since)) {
            put_err(s->err, s->errlen, "search: invalid value '%s' for --since (expected a date such as 2019-07-01)", o->since);
            return WARTA_EINVAL;
        }
        s->x.has_since = true;
    }
    if (o->until) {
        if (!parse_date_opt(o->until, true, &s->x.until)) {
            put_err(s->err, s->errlen, "search: invalid value '%s' for --until (expected a date such as 2019-07-31)", o->until);
            return WARTA_EINVAL;
        }
        s->x.has_until = true;
    }
    uint64_t base = 0;
    for (size_t g = 0; g < s->nseg; g++) {
        seg_reader *r = seg_snapshot_segment(s->snap, g);
        rc = open_cursors(s, g);
        if (rc)
            return rc;
        rc = qexec_segment(&s->x, r, (uint32_t)g, base);
        if (rc) {
            if (rc == WARTA_ECORRUPT)
                corrupt_msg(s, g);
            return rc;
        }
        base += seg_ndocs(r);
    }
    qexec_finish(&s->x);
    res->total = s->x.total;
    res->counted = !qexec_counts_later(&s->x);
    size_t from = o->offset < s->x.nheap ? o->offset : s->x.nheap;
    res->nhits = s->x.nheap - from;
    res->hits = arena_calloc(a, res->nhits ? res->nhits : 1, sizeof *res->hits);
    if (!res->hits)
        return WARTA_ENOMEM;
    for (size_t i = 0; i < res->nhits; i++) {
        const qhit *h = &s->x.heap[from + i];
        warta_hit *out = &res->hits[i];
        out->rank = (unsigned)(from + i + 1);
        out->score = h->score;
        rc = fetch_hit(s, h, out);
        if (rc)
            return rc;
        if (o->explain) {
            rc = explain_hit(s, h, out);
            if (rc)
                return rc;
        }
    }
    return 0;
}

WARTA_API int warta_search(warta_index *ix, const char *query, size_t len,
                           const warta_search_options *o, warta_results **out,
                           char *err, size_t errlen)
{
    double t0 = now_ms();
    warta_search_options defaults;
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (!ix || (!query && len)) {
        put_err(err, errlen, "%s: no index or no query", "search");
        return WARTA_EINVAL;
    }
    if (!o) {
        warta_search_options_init(&defaults);
        o = &defaults;
    }
    int rc = check_options(o, err, errlen);
    if (rc)
        return rc;
    qindex *q;
    rc = qindex_get(ix, &q, err, errlen);
    if (rc)
        return rc;
    qctx *ctx = ctx_take(q);
    if (!ctx) {
        put_err(err, errlen, "%s: out of memory", "search");
        return WARTA_ENOMEM;
    }
    warta_results *res = arena_calloc(&ctx->arena, 1, sizeof *res);
    char *qcopy = res ? arena_strndup(&ctx->arena, query ? query : "", len) : NULL;
    if (!res || !qcopy) {
        ctx_give(q, ctx);
        put_err(err, errlen, "%s: out of memory", "search");
        return WARTA_ENOMEM;
    }
    res->ctx = ctx;
    res->pool = q;
    res->query = qcopy;
    res->query_len = len;
    res->explain = o->explain;
    res->snippets = o->snippets;
    search s;
    memset(&s, 0, sizeof s);
    s.ix = ix;
    s.snap = ix->snap;
    s.ctx = ctx;
    s.q = q;
    s.o = o;
    s.nseg = seg_snapshot_count(ix->snap);
    s.err = err;
    s.errlen = errlen;
    rc = run(&s, res, qcopy, len);
    if (!rc && !res->counted) {
        /* Counting is left for warta_results_total_hits(): keep the state. */
        res->later = arena_alloc(&ctx->arena, sizeof s);
        if (res->later) {
            search *later = res->later;
            memcpy(later, &s, sizeof s);
            later->x.plan = &later->plan;   /* it pointed into this frame */
            later->o = NULL;
            later->err = NULL;
        } else
            rc = WARTA_ENOMEM;
    }
    if (rc) {
        if (rc == WARTA_ENOMEM)
            put_err(err, errlen, "%s: out of memory", "search");
        ctx_give(q, ctx);
        return rc;
    }
    res->took_ms = now_ms() - t0;
    *out = res;
    return 0;
}

WARTA_API size_t warta_results_count(const warta_results *r)
{
    return r ? r->nhits : 0;
}

WARTA_API const warta_hit *warta_results_hit(const warta_results *r, size_t i)
{
    return r && i < r->nhits ? &r->hits[i] : NULL;
}

WARTA_API uint64_t warta_results_total_hits(const warta_results *cr)
{
    if (!cr)
        return 0;
    /* The count is computed once, on demand; the results were allocated
     * by warta_search(), so updating them here is sound. */
    warta_results *r = (warta_results *)cr;
    if (!r->counted && r->later) {
        search *s = r->later;
        uint64_t base = 0;
        s->x.total = 0;
        for (size_t g = 0; g < s->nseg; g++) {
            seg_reader *seg = seg_snapshot_segment(s->snap, g);
            s->err = NULL;
            if (open_cursors(s, g) || qexec_count_segment(&s->x, seg, (uint32_t)g, base))
                break;
            base += seg_ndocs(seg);
        }
        r->total = s->x.total;
        r->counted = true;
    }
    return r->total;
}

WARTA_API double warta_results_took_ms(const warta_results *r)
{
    return r ? r->took_ms : 0.0;
}

WARTA_API const char *warta_results_query(const warta_results *r, size_t *len)
{
    if (len)
        *len = r ? r->query_len : 0;
    return r ? r->query : NULL;
}

WARTA_API void warta_results_free(warta_results *r)
{
    if (!r)
        return;
    ctx_give(r->pool, r->ctx);
}
