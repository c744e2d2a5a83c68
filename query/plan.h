/*
 * plan.h: from the parsed query to what exec.c runs.  Words are analyzed
 * with the index's analyzer (a stopword drops out of ranked OR but keeps its
 * place inside a phrase), word* expands to the index terms that start with
 * the normalized word (at most PLAN_MAX_EXPANSIONS, in byte order, plus the
 * word's own stem), a word that analyzes to several terms is several
 * optional terms, or a phrase when required or excluded.  Callers:
 * searcher.c, test_search.c.
 */
#ifndef WARTA_QUERY_PLAN_H
#define WARTA_QUERY_PLAN_H

#include "indexer/segment/segment.h"
#include "query/exec.h"
#include "query/parse.h"

#define PLAN_MAX_EXPANSIONS 64
#define PLAN_MAX_PHRASE 64

/* Builds *plan from root.  snap (may be NULL) is searched for prefix
 * expansions.  Terms' df and idf, and leaves' idf, are left 0 for the
 * caller.  Returns 0, WARTA_ESYNTAX (nothing left to search: err =
 * "query:1:1: ..."), WARTA_ECORRUPT, WARTA_ENOMEM. */
int qplan_build(qplan *plan, const qnode *root, warta_analyzer *an, seg_snapshot *snap,
                qarena *a, char *err, size_t errlen);

/* Writes a compact form of the plan (terms, phrases, groups) for tests. */
void qplan_format(const qplan *plan, char *buf, size_t cap);

#endif
