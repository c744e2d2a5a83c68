/*
 * searcher.h: internals of warta_search() shared with snippet.c and
 * json_out.c: the results object and the per-thread search context.
 */
#ifndef WARTA_QUERY_SEARCHER_H
#define WARTA_QUERY_SEARCHER_H

#include "corpus/base.h"
#include "query/arena.h"
#include "warta.h"

/* What one search needs besides the index: an analyzer (not thread-safe,
 * so one per concurrent search), the arena and a fetch buffer.  Pooled per
 * index so that steady searching allocates nothing. */
typedef struct qctx {
    warta_analyzer *an;      /* clone of the index's analyzer */
    qarena arena;            /* everything of one search and its results */
    wbuf scratch;            /* document store fetches */
    wbuf norm;               /* normalization scratch */
    struct qwin *win;        /* the scorers' window scratch, kept across queries */
    struct qctx *next;       /* pool link */
} qctx;

struct warta_results {
    qctx *ctx;               /* owns the memory; back to the pool at free */
    void *pool;              /* the index's pool */
    const char *query;       /* copy of the query, NUL-terminated */
    size_t query_len;
    warta_hit *hits;         /* the hits */
    size_t nhits;
    uint64_t total;          /* all matches (once counted) */
    bool counted;            /* total is known */
    void *later;             /* the search's state, to count on demand */
    double took_ms;          /* time of warta_search() */
    bool explain;            /* hits carry explanations */
    bool snippets;           /* hits carry snippets */
};

#endif
