/*
 * bm25.h: the scoring formula, shared by every scorer of query/ so that the
 * pruned and the exhaustive top-k add the very same floating-point numbers.
 *
 *   score(d) = sum over terms t of idf(t) * tf'*(k1+1) / (tf' + k1*(1 - b + b*dl/avgdl))
 *   idf(t)   = ln(1 + (N - df + 0.5) / (df + 0.5))       (N, df over live articles)
 *   tf'      = tf_body + X * tf_title                    (BM25F, X = title boost)
 *   tf'      = max(1, X) * tf_title                      (title:word)
 *
 * and the block upper bounds derived from segment.h's seg_bound.  Callers:
 * exec.c (ranking), explain in searcher.c, test_bm25.c.
 */
#ifndef WARTA_QUERY_BM25_H
#define WARTA_QUERY_BM25_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "indexer/segment/segment.h"

/* Upper bounds are multiplied by this so that rounding can never make a
 * bound smaller than a score it bounds (scores are sums of positive terms,
 * rounded: the relative error is far below 1e-9). */
#define BM25_SLACK (1.0 + 1e-9)

typedef struct bm25 {
    double k1;          /* term frequency saturation */
    double b;           /* length normalization */
    double boost;       /* BM25F title weight X */
    double tboost;      /* weight of a title occurrence of a title: word, max(1, X) */
    double avgdl;       /* average live document length (> 0) */
    double k1p1;        /* k1 + 1 */
    double c0;          /* k1 * (1 - b): norm = c0 + c1 * dl */
    double c1;          /* k1 * b / avgdl */
} bm25;

static inline void bm25_init(bm25 *p, double k1, double b, double boost, double avgdl)
{
    p->k1 = k1;
    p->b = b;
    p->boost = boost;
    /* title:word asks for title occurrences: a small X, chosen for plain
     * words, does not silence them */
    p->tboost = boost > 1.0 ? boost : 1.0;
    p->avgdl = avgdl > 0 ? avgdl : 1.0;
    p->k1p1 = k1 + 1.0;
    p->c0 = k1 * (1.0 - b);
    p->c1 = k1 * b / p->avgdl;
}

static inline double bm25_idf(uint64_t n, uint64_t df)
{
    if (df > n)
        df = n;
    return log(1.0 + ((double)n - (double)df + 0.5) / ((double)df + 0.5));
}

/* The length part of the denominator for a document of dl terms. */
static inline double bm25_norm(const bm25 *p, uint32_t dl)
{
    return p->c0 + p->c1 * (double)dl;
}

/* tf' of a term counted over the whole article (title occurrences weighted). */
static inline double bm25_tf_text(const bm25 *p, uint32_t tf, uint32_t ttf)
{
    return (double)(tf >= ttf ? tf - ttf : 0) + p->boost * (double)ttf;
}

/* Whether a leaf's tf' is its plain tf (no title weighting: the title
 * counts need not be read).  With X = 1, (tf - ttf) + 1.0 * ttf is tf
 * exactly in doubles, ttf <= tf being true of every posting. */
static inline bool bm25_plain(const bm25 *p, bool title_only)
{
    return !title_only && p->boost == 1.0;
}

/* tf' of a term restricted to the title (title:word). */
static inline double bm25_tf_title(const bm25 *p, uint32_t ttf)
{
    return p->tboost * (double)ttf;
}

/* One term's contribution. */
static inline double bm25_term(const bm25 *p, double idf, double tf, double norm)
{
    if (tf <= 0)
        return 0.0;
    return idf * (tf * p->k1p1) / (tf + norm);
}

/* An upper bound of bm25_term() over the documents a seg_bound describes
 * (segment.h "Block bounds"): the largest weight any (tf', dl) allowed by
 * the block's max tf', min dl and max tf'/dl can reach, times BM25_SLACK. */
static inline double bm25_bound(const bm25 *p, double idf, const seg_bound *s, bool title_only)
{
    double mtf, rtf;
    if (title_only) {
        mtf = p->tboost * (double)s->max_ttf;
        rtf = p->tboost * (double)s->ratio_ttf;
    } else if (p->boost >= 1.0) {
        mtf = (double)s->max_tf + (p->boost - 1.0) * (double)s->max_ttf;
        rtf = (double)s->ratio_tf + (p->boost - 1.0) * (double)s->ratio_ttf;
    } else {
        mtf = (double)s->max_tf;
        rtf = (double)s->ratio_tf;
    }
    if (mtf <= 0 || rtf <= 0)
        return 0.0;
    /* Every document has tf' <= min(mtf, r*dl) with r = rtf/65535 and
     * dl >= min_dl.  For a fixed dl the weight grows with tf', so it is at
     * most g(dl) = t/(t + norm(dl)) with t = min(mtf, r*dl); g grows with
     * dl while r*dl < mtf and shrinks after, so its largest value is at
     * dl = max(min_dl, mtf/r). */
    double r = rtf / 65535.0;
    double dl = (double)s->min_dl;
    if (mtf / r > dl)
        dl = mtf / r;
    double t = r * dl < mtf ? r * dl : mtf;
    double w = t / (t + p->c0 + p->c1 * dl);
    if (w > 1.0)
        w = 1.0;
    return idf * p->k1p1 * w * BM25_SLACK;
}

#endif
