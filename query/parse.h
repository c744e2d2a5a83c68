/*
 * parse.h: the query language of `warta search`, turned into a tree.
 * parse.c reads the raw query (words, +required, -excluded, "phrases",
 * title:, AND / OR / NOT, parentheses, word*) into qnodes whose words are
 * still raw text; plan.c analyzes them with the index's analyzer.  Callers:
 * plan.c (the searcher) and tests/unit/test_parser.c.
 *
 * Limits (documented in docs/QUERY.md): a query of at most QPARSE_MAX_BYTES
 * bytes, QPARSE_MAX_WORDS words and QPARSE_MAX_DEPTH nested parentheses;
 * beyond them the query is refused with WARTA_ESYNTAX, so work stays bounded.
 */
#ifndef WARTA_QUERY_PARSE_H
#define WARTA_QUERY_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "query/arena.h"

#define QPARSE_MAX_BYTES 65536
#define QPARSE_MAX_WORDS 1024
#define QPARSE_MAX_DEPTH 32

typedef enum qnode_kind {
    QN_WORD,        /* one word (maybe a prefix word*) */
    QN_PHRASE,      /* "quoted words" */
    QN_BOOL         /* clauses: required, optional (ranked OR) and excluded */
} qnode_kind;

typedef enum qoccur {
    QO_SHOULD,      /* optional: ranks, and the group needs one when nothing is required */
    QO_MUST,        /* required: +word, AND */
    QO_NOT          /* excluded: -word, NOT */
} qoccur;

typedef struct qnode qnode;
struct qnode {
    qnode_kind kind;        /* what this node is */
    qoccur occur;           /* how it relates to the parent group (the root: QO_SHOULD) */
    bool title;             /* title: restricts it to the title */
    bool prefix;            /* word*: every term starting with the word */
    const char *text;       /* the raw word or phrase text (a view into the query) */
    size_t len;             /* bytes of text */
    uint32_t col;           /* 1-based column (in characters) where the clause starts */
    qnode **kids;           /* QN_BOOL: the clauses, in query order */
    size_t nkids;           /* QN_BOOL: number of clauses */
};

/* Parses query[0..len) into *out (allocated from the arena).  Returns 0,
 * WARTA_ESYNTAX with err = "query:1:COL: what is wrong" (one line), or
 * WARTA_ENOMEM.  Never reads past len; the query need not be NUL-terminated.
 * Groups are flattened where the meaning allows ("(a b) c" is "a b c"); a
 * group that has a single optional clause is replaced by that clause. */
int qparse(const char *query, size_t len, qarena *a, qnode **out, char *err, size_t errlen);

/* The 1-based column (in UTF-8 characters) of byte offset off in query. */
uint32_t qparse_column(const char *query, size_t off);

/* Writes a compact, unambiguous form of the tree, for tests and --explain:
 * words as themselves, phrases quoted, +/- for required/excluded, title: and
 * * kept, groups in parentheses: `(+korea -utara "pasukan khusus")`. */
void qnode_format(const qnode *n, char *buf, size_t cap);

#endif
