/*
 * test_parser.c: the query language (query/parse.c): every operator, the
 * flattening of groups, every malformed form with its column, and the
 * limits that keep work bounded.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/parse.h"
#include "warta.h"

typedef struct parse_case {
    const char *query;      /* input */
    const char *tree;       /* qnode_format() of the result */
} parse_case;

static const parse_case good[] = {
    {"korea", "korea"},
    {"pasukan Korea Utara Kursk", "(pasukan Korea Utara Kursk)"},
    {"  korea   utara  ", "(korea utara)"},
    {"+korea utara", "(+korea utara)"},
    {"korea -utara", "(korea -utara)"},
    {"\"korea utara\"", "\"korea utara\""},
    {"\"korea utara\" pasukan", "(\"korea utara\" pasukan)"},
    {"title:korea", "title:korea"},
    {"title:\"korea utara\" -selatan", "(title:\"korea utara\" -selatan)"},
    {"TITLE:korea", "title:korea"},
    {"+title:korea", "title:korea"},
    {"korea AND utara", "(+korea +utara)"},
    {"korea AND utara AND kursk", "(+korea +utara +kursk)"},
    {"korea OR utara", "(korea utara)"},
    {"korea AND utara OR kursk", "((+korea +utara) kursk)"},
    {"korea AND NOT utara", "(+korea -utara)"},
    {"korea NOT utara", "(korea -utara)"},
    {"NOT utara korea", "(-utara korea)"},
    {"(korea utara) kursk", "(korea utara kursk)"},
    {"(korea -utara) kursk", "((korea -utara) kursk)"},
    {"+(korea utara) kursk", "(+(korea utara) kursk)"},
    {"(korea AND utara) AND kursk", "(+korea +utara +kursk)"},
    {"((korea))", "korea"},
    {"pasu*", "pasu*"},
    {"title:pasu*", "title:pasu*"},
    {"pasu** korea", "(pasu* korea)"},
    {"anak-anak", "anak-anak"},
    {"e-mail -spam", "(e-mail -spam)"},
    {"korea+utara", "korea+utara"},
    {"and or not", "(and or not)"},
    {"\"\"", "\"\""},
    {"korea\"utara\"", "(korea \"utara\")"},
    {"-korea +utara", "(-korea +utara)"},
    {"- -", NULL},
};

Test(parser, builds_the_tree_of_every_operator)
{
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (!good[i].tree)
            continue;
        qarena a;
        arena_init(&a, 0);
        qnode *n = NULL;
        char err[256], tree[512];
        int rc = qparse(good[i].query, strlen(good[i].query), &a, &n, err, sizeof err);
        cr_expect_eq(rc, 0, "'%s': rc %d (%s)", good[i].query, rc, err);
        if (rc == 0) {
            qnode_format(n, tree, sizeof tree);
            cr_expect_str_eq(tree, good[i].tree, "'%s'", good[i].query);
        }
        arena_free(&a);
    }
}

typedef struct bad_case {
    const char *query;      /* input */
    const char *err;        /* the whole message */
} bad_case;

static const bad_case bad[] = {
    {"", "query:1:1: empty query"},
    {"   ", "query:1:1: empty query"},
    {"\"korea utara", "query:1:1: unterminated phrase (add the closing '\"')"},
    {"korea \"utara", "query:1:7: unterminated phrase (add the closing '\"')"},
    {"(korea utara", "query:1:1: unclosed parenthesis (add the closing ')')"},
    {"korea (utara", "query:1:7: unclosed parenthesis (add the closing ')')"},
    {"korea utara)", "query:1:12: unmatched ')'"},
    {")", "query:1:1: unmatched ')'"},
    {"()", "query:1:1: empty parentheses"},
    {"korea ()", "query:1:7: empty parentheses"},
    {"AND", "query:1:1: 'AND' needs a word, a phrase or a group on each side"},
    {"korea AND", "query:1:7: 'AND' needs a word, a phrase or a group on each side"},
    {"AND korea", "query:1:1: 'AND' needs a word, a phrase or a group on each side"},
    {"OR korea", "query:1:1: 'OR' needs a word, a phrase or a group on each side"},
    {"korea OR", "query:1:7: 'OR' needs a word, a phrase or a group on each side"},
    {"korea OR OR utara", "query:1:7: 'OR' needs a word, a phrase or a group on each side"},
    {"korea AND OR utara", "query:1:7: 'AND' needs a word, a phrase or a group on each side"},
    {"NOT", "query:1:1: 'NOT' must be followed by a word, a phrase or a group"},
    {"korea NOT", "query:1:7: 'NOT' must be followed by a word, a phrase or a group"},
    {"+", "query:1:1: '+' must be followed by a word, a phrase or a group"},
    {"korea - utara", "query:1:7: '-' must be followed by a word, a phrase or a group"},
    {"+-korea", "query:1:2: two operators in a row"},
    {"NOT -korea x", "query:1:5: two operators in a row"},
    {"title:", "query:1:1: 'title:' must be followed by a word or a phrase"},
    {"title: korea", "query:1:1: 'title:' must be followed by a word or a phrase"},
    {"title:(korea)", "query:1:1: 'title:' must be followed by a word or a phrase"},
    {"*", "query:1:1: '*' must follow the start of a word, as in 'pasu*'"},
    {"-korea", "query:1:1: nothing to search for: every word is excluded (add a word without '-' or NOT)"},
    {"-korea -utara", "query:1:1: nothing to search for: every word is excluded (add a word without '-' or NOT)"},
    {"korea (-utara)", "query:1:7: nothing to search for: every word is excluded (add a word without '-' or NOT)"},
    {"kötä (utara", "query:1:6: unclosed parenthesis (add the closing ')')"},
};

Test(parser, reports_every_malformed_form_with_its_column)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        qarena a;
        arena_init(&a, 0);
        qnode *n = (qnode *)1;
        char err[256];
        int rc = qparse(bad[i].query, strlen(bad[i].query), &a, &n, err, sizeof err);
        cr_expect_eq(rc, WARTA_ESYNTAX, "'%s': rc %d", bad[i].query, rc);
        cr_expect_null(n, "'%s'", bad[i].query);
        cr_expect_str_eq(err, bad[i].err, "'%s'", bad[i].query);
        cr_expect_null(strchr(err, '\n'));
        arena_free(&a);
    }
}

Test(parser, refuses_deep_nesting_and_too_many_words)
{
    char q[QPARSE_MAX_DEPTH * 2 + 16];
    size_t n = 0;
    for (int i = 0; i <= QPARSE_MAX_DEPTH; i++)
        q[n++] = '(';
    q[n++] = 'a';
    for (int i = 0; i <= QPARSE_MAX_DEPTH; i++)
        q[n++] = ')';
    qarena a;
    arena_init(&a, 0);
    qnode *root;
    char err[256];
    cr_expect_eq(qparse(q, n, &a, &root, err, sizeof err), WARTA_ESYNTAX);
    cr_expect(strstr(err, "nested too deep") != NULL, "%s", err);

    size_t big = 3 * (QPARSE_MAX_WORDS + 10);
    char *w = malloc(big);
    for (size_t i = 0; i < big; i += 3)
        memcpy(w + i, "ab ", 3);
    arena_reset(&a);
    cr_expect_eq(qparse(w, big, &a, &root, err, sizeof err), WARTA_ESYNTAX);
    cr_expect(strstr(err, "too many words") != NULL, "%s", err);
    free(w);

    char *huge = malloc(QPARSE_MAX_BYTES + 2);
    memset(huge, 'x', QPARSE_MAX_BYTES + 1);
    arena_reset(&a);
    cr_expect_eq(qparse(huge, QPARSE_MAX_BYTES + 1, &a, &root, err, sizeof err), WARTA_ESYNTAX);
    cr_expect(strstr(err, "too long") != NULL, "%s", err);
    /* A long single word within the limit parses. */
    arena_reset(&a);
    cr_expect_eq(qparse(huge, QPARSE_MAX_BYTES, &a, &root, err, sizeof err), 0);
    free(huge);
    arena_free(&a);
}

Test(parser, never_reads_past_the_length)
{
    /* The bytes after len must not matter: no NUL terminator. */
    const char q[] = {'"', 'a', 'b', '"', '"', 'x'};
    qarena a;
    arena_init(&a, 0);
    qnode *root;
    char err[128];
    cr_expect_eq(qparse(q, 4, &a, &root, err, sizeof err), 0);
    cr_expect_eq(qparse(q, 5, &a, &root, err, sizeof err), WARTA_ESYNTAX);
    arena_free(&a);
}

Test(parser, survives_every_prefix_of_a_tricky_query)
{
    const char *q = "+title:\"kör ea\" (a OR -b*) AND NOT c) \"";
    size_t len = strlen(q);
    for (size_t i = 0; i <= len; i++) {
        qarena a;
        arena_init(&a, 0);
        qnode *root;
        char err[128];
        int rc = qparse(q, i, &a, &root, err, sizeof err);
        cr_expect(rc == 0 || rc == WARTA_ESYNTAX);
        arena_free(&a);
    }
}
