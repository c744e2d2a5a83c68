/*
 * kernels.h: the selection loop of term-at-a-time ranking (exec.c), with
 * a vector version (AVX-512, chosen at run time) and a plain one that
 * gives the same answer: picking out of a window of sums those that can
 * enter the heap, and clearing the window for the next one.  Callers:
 * exec.c; test_kernels.c compares the two.
 */
#ifndef WARTA_QUERY_KERNELS_H
#define WARTA_QUERY_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "query/bm25.h"

/* For each group g of 64 documents marked in groups (bit g: acc[64g ..
 * 64g + 64)), the documents whose sum is >= theta go to off[] (their
 * index in acc) and sc[] (the sum), in index order; every marked group is
 * then zeroed.  Returns how many were taken (at most 64 per group). */
size_t kern_take(double *acc, uint64_t groups, double theta, uint32_t *off, double *sc);
size_t kern_take_plain(double *acc, uint64_t groups, double theta, uint32_t *off, double *sc);

/* Whether this processor runs the vector versions. */
bool kern_vector(void);

#endif
