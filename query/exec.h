/*
 * exec.h: running a planned query over segments.  A query is a tree of
 * groups over leaves (terms and phrases); each leaf reads postings through
 * qcur, a small cursor over either a segment's postings (seg_cursor) or an
 * in-memory list (qmem_list, for tests).  exec.c keeps one top-k heap across
 * segments (global document order: segment base + docid) and counts every
 * match.  Flat ranked queries of terms are scored term at a time or, for
 * very long lists (and a title weight of 0), by block-max MaxScore;
 * everything else (phrases, nested groups, sort by date,
 * options.exhaustive) is scored exhaustively document-at-a-time.  All add
 * the same contributions in the same order, so scores agree to the last
 * bit.  Callers: searcher.c, test_topk.c, test_phrase.c.
 */
#ifndef WARTA_QUERY_EXEC_H
#define WARTA_QUERY_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "indexer/segment/segment.h"
#include "query/arena.h"
#include "query/bm25.h"
#include "query/parse.h"
#include "warta.h"

/* ---- cursors ----------------------------------------------------------- */

/* One posting of an in-memory list. */
typedef struct qmem_posting {
    uint32_t doc;            /* docid */
    uint32_t tf;             /* occurrences, title and body */
    uint32_t ttf;            /* of which in the title */
    const uint32_t *pos;     /* tf positions, ascending (title ones first) */
} qmem_posting;

/* An in-memory postings list with block bounds computed like the index's. */
typedef struct qmem_list {
    const qmem_posting *p;   /* postings by ascending doc */
    uint32_t n;              /* how many */
    seg_bound *blocks;       /* one per SEG_BLOCK postings */
    uint32_t nblocks;        /* ceil(n / SEG_BLOCK) */
    seg_bound term_bound;    /* over the whole list */
} qmem_list;

/* Fills l->blocks (room for ceil(n/SEG_BLOCK)) and l->term_bound from the
 * postings and the documents' lengths in r. */
void qmem_list_bounds(qmem_list *l, const seg_reader *r);

typedef struct qcur {
    seg_cursor *sc;          /* the segment's cursor, or NULL */
    seg_reader *sr;          /* its segment (to rewind) */
    seg_term st;             /* its term (to rewind) */
    const qmem_list *ml;     /* else an in-memory list, or NULL for an empty list */
    uint32_t mi;             /* memory: current posting (UINT32_MAX before the first) */
    uint32_t mblk;           /* memory: block chosen by the last shallow seek */
    uint32_t doc;            /* current docid, SEG_END when done */
} qcur;

/* Cursor on nothing (a term missing from a segment). */
void qcur_empty(qcur *c);
void qcur_mem(qcur *c, const qmem_list *l);
void qcur_seg(qcur *c, seg_cursor *sc, seg_reader *r, const seg_term *t);  /* sc opened on t */

/* ---- the plan ---------------------------------------------------------- */

typedef struct qterm {
    const char *text;        /* the index term */
    size_t len;              /* its bytes */
    uint64_t df;             /* live articles containing it, over all segments */
    double idf;              /* bm25_idf(N, df) */
} qterm;

typedef enum qleaf_kind { QL_TERM, QL_PHRASE } qleaf_kind;

typedef struct qleaf {
    qleaf_kind kind;         /* term or phrase */
    bool title;              /* restricted to the title */
    uint32_t nterms;         /* 1 for a term */
    uint32_t *terms;         /* indices into the plan's terms */
    uint32_t *relpos;        /* phrase: each term's position relative to the first */
    double idf;              /* term: its idf; phrase: the sum of its terms' */
    qcur *cur;               /* nterms cursors on the segment being searched */
    uint32_t **pbuf;         /* phrase: position buffers, one per term */
    uint32_t *pcap;          /* their capacities */
} qleaf;

typedef struct qtree qtree;
struct qtree {
    bool is_leaf;            /* a leaf, else a group */
    qoccur occur;            /* relation to the parent group */
    uint32_t leaf;           /* leaf index */
    qtree **kids;            /* group: clauses */
    size_t nkids;
};

typedef struct qplan {
    qterm *terms;            /* distinct index terms */
    size_t nterms;
    qleaf *leaves;           /* in query order: the order scores are added */
    size_t nleaves;
    qtree *root;             /* the tree over the leaves */
} qplan;

/* ---- running it -------------------------------------------------------- */

typedef struct qhit {
    double score;            /* BM25 */
    int64_t date;            /* seconds, SEG_DATE_NONE */
    uint64_t gdoc;           /* global order: segment base + docid */
    uint32_t seg;            /* segment index */
    uint32_t doc;            /* docid in it */
} qhit;

/* The window scratch of term at a time and MaxScore (about 250 KiB), zero
 * between uses: a searcher keeps one across queries so that no query
 * clears it. */
typedef struct qwin qwin;
qwin *qwin_new(void);
void qwin_free(qwin *w);

/* Which scorer ranks flat queries of terms (qexec.scorer). */
typedef enum qexec_scorer {
    QEXEC_AUTO,              /* by the heap's state and the lists' lengths (exec.c) */
    QEXEC_TAAT,              /* term at a time whenever it applies (tests) */
    QEXEC_MAXSCORE           /* block-max MaxScore (tests) */
} qexec_scorer;

typedef struct qexec {
    bm25 p;                  /* scoring parameters */
    const qplan *plan;       /* what to run */
    warta_sort sort;         /* heap order */
    bool exhaustive;         /* never prune */
    qexec_scorer scorer;     /* QEXEC_AUTO but in tests */
    bool defer_count;        /* MaxScore: leave counting to qexec_count_segment() */
    bool seeded;             /* the heap may already hold a document pushed again */
    size_t cap;              /* heap capacity: k + offset */
    bool has_since, has_until; /* date filters */
    int64_t since, until;    /* inclusive bounds, seconds */
    const char *const *sources; /* source filter names */
    size_t nsources;
    qarena *arena;           /* scratch */
    qwin *win;               /* window scratch (qwin_new), or NULL: one from the arena per query */
    qhit *heap;              /* cap entries, worst at [0] */
    size_t nheap;
    uint64_t total;          /* matches counted */
    int err;                 /* first error (WARTA_ECORRUPT, WARTA_ENOMEM) */
    /* per segment */
    seg_reader *r;           /* segment being searched */
    uint32_t segi;           /* its index */
    uint64_t base;           /* global order of its docid 0 */
    uint8_t *src_ok;         /* source filter by source id, or NULL */
    double *contrib;         /* per leaf: contribution to the current document */
    uint32_t *order;         /* MaxScore: leaves by ascending bound */
    double *ub;              /* per leaf: bound over the segment */
    double *bub;             /* per leaf: bound of the cached block */
    uint32_t *blast;         /* per leaf: last docid of the cached block */
    uint8_t *bvalid;         /* per leaf: 1 when bub/blast are set */
    double floor;            /* MaxScore: k documents of the segment score at least this (0: unknown) */
    uint64_t *bits;          /* counting bitmap */
    size_t bits_words;       /* its size in 64-bit words */
} qexec;

/* Prepares x for plan with the heap of cap entries.  Returns 0 or
 * WARTA_ENOMEM. */
int qexec_init(qexec *x, const qplan *plan, const bm25 *p, size_t cap, qarena *a);

/* Searches one segment; the plan's leaves' cursors must be opened on it.
 * Segments must come in increasing base order.  Returns 0, WARTA_ECORRUPT
 * or WARTA_ENOMEM. */
int qexec_segment(qexec *x, seg_reader *r, uint32_t segi, uint64_t base);

/* True when x was run with defer_count on a query MaxScore ranked: total
 * is then 0 until qexec_count_segment() ran on every segment (cursors
 * opened again on each). */
bool qexec_counts_later(const qexec *x);
int qexec_count_segment(qexec *x, seg_reader *r, uint32_t segi, uint64_t base);

/* Sorts the heap best first (x->heap[0 .. x->nheap)). */
void qexec_finish(qexec *x);

/* True when flat ranked queries of terms will be pruned (MaxScore). */
bool qexec_prunes(const qexec *x);

/* The number of times a phrase occurs: positions p with p + rel[i] in
 * pos[i] for every i, and p + rel[n-1] < limit (title phrases: the title
 * length; else UINT32_MAX).  rel is non-decreasing with rel[0] = 0. */
uint32_t phrase_count(const uint32_t *const *pos, const uint32_t *npos, const uint32_t *rel,
                      uint32_t n, uint32_t limit);

/* Whether the subtree t matches doc of x->r (cursors are moved forward to
 * it), with its score: the sum of its matching clauses' scores. */
bool qexec_tree_match(qexec *x, const qtree *t, uint32_t doc, double *score);

/* The contribution of leaf l to document doc of x->r when its cursors sit
 * on doc (phrases: positions decoded).  0 when it does not match. */
double qexec_leaf_score(qexec *x, qleaf *l, uint32_t doc, double *tf_out);

#endif
