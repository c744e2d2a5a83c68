/*
 * kernels.h: the inner loops of term-at-a-time ranking (exec.c), each with
 * a vector version (AVX2 / AVX-512, chosen at run time) and a plain one
 * that gives the same result: adding a run of postings' BM25 contributions
 * (title counts weighed or not) to a window of sums, picking out of the
 * window the sums that can enter the heap (clearing it for the next
 * window), and the window's group maxima and the k-th largest of them (the
 * floor of the k-th best score).  The vector scorer does the very
 * operations of bm25_term() and bm25_norm(), in the same order, one lane
 * per posting (IEEE double arithmetic rounds exactly either way, and the
 * build forbids contracting them into fused multiply-adds), so every
 * scorer still agrees to the last bit.  Callers: exec.c; test_kernels.c
 * compares the versions.
 */
#ifndef WARTA_QUERY_KERNELS_H
#define WARTA_QUERY_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "query/bm25.h"

/* acc[docs[i] - lo] += bm25_term(p, idf, tf', bm25_norm(p, dl(docs[i])))
 * for i < n, in order, where tf' is tfs[i] when ttfs is NULL, else
 * bm25_tf_text(p, tfs[i], ttfs[i]) (the title occurrences weighted by
 * p->boost, which must then be > 0); tfs[i] >= 1; dl the segment's
 * little-endian u32 lengths, already checked (seg_doc_ready) for every
 * docs[i]. */
void kern_score_add(const bm25 *p, double idf, const uint32_t *docs, const uint32_t *tfs,
                    const uint32_t *ttfs, size_t n, const uint8_t *dl, double *acc, uint32_t lo);
void kern_score_add_plain(const bm25 *p, double idf, const uint32_t *docs, const uint32_t *tfs,
                          const uint32_t *ttfs, size_t n, const uint8_t *dl, double *acc,
                          uint32_t lo);

/* kern_score_add() done by one vector version (level 0: AVX-512 VL,
 * 1: AVX2), so that tests reach each; false (nothing done) when the
 * processor or the build lacks that level. */
bool kern_score_add_at(int level, const bm25 *p, double idf, const uint32_t *docs,
                       const uint32_t *tfs, const uint32_t *ttfs, size_t n, const uint8_t *dl,
                       double *acc, uint32_t lo);

/* For each group g of 64 documents marked in groups (bit g: acc[64g ..
 * 64g + 64)), the documents whose sum is >= theta go to off[] (their
 * index in acc) and sc[] (the sum), in index order; every marked group is
 * then zeroed.  Returns how many were taken (at most 64 per group). */
size_t kern_take(double *acc, uint64_t groups, double theta, uint32_t *off, double *sc);
size_t kern_take_plain(double *acc, uint64_t groups, double theta, uint32_t *off, double *sc);

/* out[g] = the largest of acc[64g .. 64g + 64) for each group g marked in
 * groups (the sums are never NaN). */
void kern_group_max(const double *acc, uint64_t groups, double *out);
void kern_group_max_plain(const double *acc, uint64_t groups, double *out);

/* With 1 <= k <= 64: the k-th largest of the positive group maxima of
 * the groups marked in groups (as kern_group_max() finds them), or 0 when
 * fewer than k are positive.  The vector version counts, for each
 * maximum, how many are at least as large (no branch on the values). */
double kern_kth_group_max(const double *acc, uint64_t groups, size_t k);
double kern_kth_group_max_plain(const double *acc, uint64_t groups, size_t k);

/* Whether this processor runs the vector versions. */
bool kern_vector(void);

#endif
