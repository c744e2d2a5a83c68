/*
 * test_phrase.c: phrase matching over positions (query/exec.c): adjacent
 * words, gaps where stopwords stood, repeated words, the title limit, and a
 * phrase leaf ranked through the exhaustive scorer with required and
 * excluded clauses.
 */
#include <criterion/criterion.h>

#include "query/exec.h"
#include "query_fixture.h"

static uint32_t count(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb,
                      uint32_t gap, uint32_t limit)
{
    const uint32_t *pos[2] = {a, b};
    uint32_t npos[2] = {na, nb};
    uint32_t rel[2] = {0, gap};
    return phrase_count(pos, npos, rel, 2, limit);
}

Test(phrase, counts_adjacent_occurrences)
{
    const uint32_t korea[] = {3, 10, 20, 40};
    const uint32_t utara[] = {4, 12, 21, 50};
    cr_expect_eq(count(korea, 4, utara, 4, 1, UINT32_MAX), 2);   /* 3-4, 20-21 */
    cr_expect_eq(count(korea, 4, utara, 4, 2, UINT32_MAX), 1);   /* 10-12 */
    cr_expect_eq(count(korea, 4, utara, 4, 3, UINT32_MAX), 0);
    cr_expect_eq(count(korea, 0, utara, 4, 1, UINT32_MAX), 0);
}

Test(phrase, keeps_the_place_of_a_stopword)
{
    /* "presiden [dan] wakil presiden": presiden@0, wakil@2, presiden@3 */
    const uint32_t presiden[] = {0, 3, 7, 9};
    const uint32_t wakil[] = {2, 8};
    const uint32_t *pos[3] = {presiden, wakil, presiden};
    uint32_t npos[3] = {4, 2, 4};
    uint32_t rel[3] = {0, 2, 3};
    cr_expect_eq(phrase_count(pos, npos, rel, 3, UINT32_MAX), 1);   /* at 0; at 7: 9 != 10 */
    uint32_t rel_adjacent[3] = {0, 1, 2};
    cr_expect_eq(phrase_count(pos, npos, rel_adjacent, 3, UINT32_MAX), 1);   /* 7 8 9 */
}

Test(phrase, title_phrases_end_before_the_title_length)
{
    const uint32_t a[] = {1, 30};
    const uint32_t b[] = {2, 31};
    cr_expect_eq(count(a, 2, b, 2, 1, 3), 1);    /* 1-2 within a 3-term title */
    cr_expect_eq(count(a, 2, b, 2, 1, 2), 0);    /* ends at 2: outside a 2-term title */
    cr_expect_eq(count(a, 2, b, 2, 1, UINT32_MAX), 2);
}

Test(phrase, repeated_words)
{
    const uint32_t x[] = {5, 6, 7};
    const uint32_t *pos[2] = {x, x};
    uint32_t npos[2] = {3, 3};
    uint32_t rel[2] = {0, 1};
    cr_expect_eq(phrase_count(pos, npos, rel, 2, UINT32_MAX), 2);
}

Test(phrase, ranks_documents_holding_the_phrase)
{
    fx_rng rng = {3};
    fx_seg s;
    fx_seg_init(&s, 10, &rng, 0);
    for (uint32_t d = 0; d < 10; d++) {
        s.dl[d] = 30;
        s.tl[d] = 4;
        s.date[d] = SEG_DATE_NONE;
        s.src[d] = SEG_SOURCE_NONE;
    }
    /* korea in 1,2,3,5; utara in 1,2,3,6; adjacent in 1 and 3 (3 in the
     * title); 2 has them apart. */
    static const uint32_t k1p[] = {10}, k2p[] = {5}, k3p[] = {1}, k5p[] = {9};
    static const uint32_t u1p[] = {11}, u2p[] = {20}, u3p[] = {2}, u6p[] = {3};
    qmem_posting kp[] = {{1, 1, 0, k1p}, {2, 1, 0, k2p}, {3, 1, 1, k3p}, {5, 1, 0, k5p}};
    qmem_posting up[] = {{1, 1, 0, u1p}, {2, 1, 0, u2p}, {3, 1, 1, u3p}, {6, 1, 1, u6p}};
    fx_list lk, lu;
    fx_list_from(&lk, &s, kp, 4);
    fx_list_from(&lu, &s, up, 4);
    qterm terms[2] = {{"korea", 5, 4, bm25_idf(10, 4)}, {"utara", 5, 4, bm25_idf(10, 4)}};
    uint32_t ti[2] = {0, 1}, rel[2] = {0, 1};
    qcur cur[2];
    for (int title = 0; title < 2; title++) {
        qleaf leaf = {QL_PHRASE, title == 1, 2, ti, rel, terms[0].idf + terms[1].idf, cur, NULL,
                      NULL};
        qtree node = {true, QO_SHOULD, 0, NULL, 0};
        qplan plan = {terms, 2, &leaf, 1, &node};
        qarena a;
        arena_init(&a, 0);
        bm25 p;
        bm25_init(&p, 1.2, 0.75, 1.0, 30.0);
        qexec x;
        cr_assert_eq(qexec_init(&x, &plan, &p, 10, &a), 0);
        cr_assert(!qexec_prunes(&x));
        qcur_mem(&cur[0], &lk.l);
        qcur_mem(&cur[1], &lu.l);
        cr_assert_eq(qexec_segment(&x, &s.r, 0, 0), 0);
        qexec_finish(&x);
        if (title) {
            cr_expect_eq(x.total, 1);
            cr_expect_eq(x.heap[0].doc, 3);
        } else {
            cr_expect_eq(x.total, 2);
            cr_expect_eq(x.heap[0].doc, 1);   /* equal scores: document order */
            cr_expect_eq(x.heap[1].doc, 3);
        }
        arena_free(&a);
    }
    fx_list_free(&lk);
    fx_list_free(&lu);
    fx_seg_free(&s);
}
