/*
 * query_fixture.h: in-memory segments for the query tests (test_topk.c,
 * test_phrase.c, test_bm25.c): a seg_reader whose per-document columns
 * (length, title length, date, source, deletions) are filled by hand, and
 * postings lists with positions, so ranking can be tested without writing
 * an index.  Deterministic random numbers from a seed.
 */
#ifndef WARTA_TEST_QUERY_FIXTURE_H
#define WARTA_TEST_QUERY_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/segment/segment.h"
#include "query/exec.h"

typedef struct fx_rng {
    uint64_t s;             /* xorshift state */
} fx_rng;

static inline uint32_t fx_next(fx_rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 16);
}

static inline uint32_t fx_below(fx_rng *r, uint32_t n)
{
    return n ? fx_next(r) % n : 0;
}

typedef struct fx_seg {
    seg_reader r;           /* the fake reader */
    uint32_t *dl;           /* per doc */
    uint16_t *tl;
    int64_t *date;
    uint32_t *src;
    uint8_t *del;
    const char *names[4];   /* sources, sorted */
    uint32_t name_len[4];
} fx_seg;

static inline void fx_seg_init(fx_seg *s, uint32_t ndocs, fx_rng *rng, uint32_t delete_every)
{
    memset(s, 0, sizeof *s);
    s->dl = calloc(ndocs + 1, sizeof *s->dl);
    s->tl = calloc(ndocs + 1, sizeof *s->tl);
    s->date = calloc(ndocs + 1, sizeof *s->date);
    s->src = calloc(ndocs + 1, sizeof *s->src);
    s->del = calloc(ndocs / 8 + 1, 1);
    static const char *names[4] = {"kompas", "okezone", "tempo", "tribunnews"};
    for (int i = 0; i < 4; i++) {
        s->names[i] = names[i];
        s->name_len[i] = (uint32_t)strlen(names[i]);
    }
    for (uint32_t d = 0; d < ndocs; d++) {
        s->tl[d] = (uint16_t)(3 + fx_below(rng, 10));
        s->dl[d] = s->tl[d] + 20 + fx_below(rng, 600);
        s->date[d] = fx_below(rng, 10) == 0 ? SEG_DATE_NONE
                                            : (int64_t)1546300800 + (int64_t)fx_below(rng, 365) * 86400;
        s->src[d] = fx_below(rng, 9) == 0 ? SEG_SOURCE_NONE : fx_below(rng, 4);
        if (delete_every && fx_below(rng, delete_every) == 0) {
            s->del[d >> 3] |= (uint8_t)(1u << (d & 7));
            s->r.ndeleted++;
        }
    }
    s->r.ndocs = ndocs;
    s->r.dl = (const uint8_t *)s->dl;
    s->r.tl = (const uint8_t *)s->tl;
    s->r.date = (const uint8_t *)s->date;
    s->r.src = (const uint8_t *)s->src;
    s->r.deleted = s->r.ndeleted ? s->del : NULL;
    s->r.nsources = 4;
    s->r.source_name = s->names;
    s->r.source_len = s->name_len;
}

static inline void fx_seg_free(fx_seg *s)
{
    free(s->dl);
    free(s->tl);
    free(s->date);
    free(s->src);
    free(s->del);
}

static inline uint64_t fx_live_docs(const fx_seg *s)
{
    return s->r.ndocs - s->r.ndeleted;
}

static inline uint64_t fx_live_len(const fx_seg *s)
{
    uint64_t t = 0;
    for (uint32_t d = 0; d < s->r.ndocs; d++)
        if (!seg_is_deleted(&s->r, d))
            t += s->dl[d];
    return t;
}

/* A postings list of a term in one segment with positions. */
typedef struct fx_list {
    qmem_list l;            /* what cursors read */
    qmem_posting *p;        /* postings */
    uint32_t *pos;          /* all positions */
} fx_list;

/* A random list: each document holds the term with probability p/1000,
 * tf skewed towards small values (max_tf cap), positions random. */
static inline void fx_list_random(fx_list *f, const fx_seg *s, fx_rng *rng, uint32_t permille,
                                  uint32_t max_tf)
{
    uint32_t n = s->r.ndocs;
    f->p = calloc(n + 1, sizeof *f->p);
    size_t total_pos = 0;
    uint32_t k = 0;
    uint32_t *tfs = calloc(n + 1, sizeof *tfs);
    for (uint32_t d = 0; d < n; d++) {
        if (fx_below(rng, 1000) >= permille)
            continue;
        uint32_t tf = 1 + (fx_below(rng, 4) == 0 ? fx_below(rng, max_tf) : 0);
        if (tf > s->dl[d])
            tf = s->dl[d];
        tfs[d] = tf;
        total_pos += tf;
    }
    f->pos = calloc(total_pos + 1, sizeof *f->pos);
    size_t at = 0;
    for (uint32_t d = 0; d < n; d++) {
        uint32_t tf = tfs[d];
        if (!tf)
            continue;
        /* distinct sorted positions in [0, dl) */
        uint32_t dl = s->dl[d], got = 0, ttf = 0;
        uint32_t *pp = f->pos + at;
        for (uint32_t x = 0; x < dl && got < tf; x++) {
            if (fx_below(rng, dl - x) < tf - got) {
                pp[got++] = x;
                if (x < s->tl[d])
                    ttf++;
            }
        }
        f->p[k].doc = d;
        f->p[k].tf = got;
        f->p[k].ttf = ttf;
        f->p[k].pos = pp;
        at += got;
        k++;
    }
    free(tfs);
    f->l.p = f->p;
    f->l.n = k;
    f->l.blocks = calloc(k / SEG_BLOCK + 2, sizeof *f->l.blocks);
    qmem_list_bounds(&f->l, &s->r);
}

/* A list from explicit postings (docs ascending; positions given per doc). */
static inline void fx_list_from(fx_list *f, const fx_seg *s, const qmem_posting *p, uint32_t n)
{
    f->p = calloc(n + 1, sizeof *f->p);
    memcpy(f->p, p, n * sizeof *p);
    f->pos = NULL;
    f->l.p = f->p;
    f->l.n = n;
    f->l.blocks = calloc(n / SEG_BLOCK + 2, sizeof *f->l.blocks);
    qmem_list_bounds(&f->l, &s->r);
}

static inline void fx_list_free(fx_list *f)
{
    free(f->p);
    free(f->pos);
    free(f->l.blocks);
}

#endif
