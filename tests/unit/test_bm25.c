/*
 * test_bm25.c: the scoring formula of query/bm25.h against values worked
 * out by hand, the BM25F title weighting, and the block bounds: never
 * below any score they bound, on many random blocks.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "query/bm25.h"
#include "query_fixture.h"

Test(bm25, idf_matches_the_formula)
{
    /* ln(1 + (N - df + 0.5) / (df + 0.5)) */
    cr_expect_float_eq(bm25_idf(1000, 10), log(1.0 + 990.5 / 10.5), 1e-15);
    cr_expect_float_eq(bm25_idf(1000, 1000), log(1.0 + 0.5 / 1000.5), 1e-15);
    cr_expect_gt(bm25_idf(1000, 1000), 0.0);
    cr_expect_gt(bm25_idf(10, 1), bm25_idf(10, 2));
    /* df above N (cannot happen with live counts) is clamped */
    cr_expect_float_eq(bm25_idf(5, 9), bm25_idf(5, 5), 0);
}

Test(bm25, term_weight_matches_the_formula)
{
    bm25 p;
    bm25_init(&p, 1.2, 0.75, 1.0, 100.0);
    double idf = 2.0;
    /* tf 3, dl 150: 2 * 3*2.2 / (3 + 1.2*(0.25 + 0.75*1.5)) */
    double want = 2.0 * 3 * 2.2 / (3 + 1.2 * (0.25 + 0.75 * 1.5));
    double got = bm25_term(&p, idf, bm25_tf_text(&p, 3, 0), bm25_norm(&p, 150));
    cr_expect_float_eq(got, want, 1e-12);
    /* b = 0: no length normalization */
    bm25_init(&p, 1.2, 0.0, 1.0, 100.0);
    cr_expect_float_eq(bm25_term(&p, 1.0, 1, bm25_norm(&p, 5)),
                       bm25_term(&p, 1.0, 1, bm25_norm(&p, 5000)), 0);
    /* k1 = 0: binary */
    bm25_init(&p, 0.0, 0.75, 1.0, 100.0);
    cr_expect_float_eq(bm25_term(&p, 1.5, 7, bm25_norm(&p, 42)), 1.5, 1e-15);
    cr_expect_eq(bm25_term(&p, 1.5, 0, bm25_norm(&p, 42)), 0.0);
}

Test(bm25, title_boost_weights_title_occurrences)
{
    bm25 p;
    bm25_init(&p, 1.2, 0.75, 1.0, 100.0);
    /* boost 1: exactly plain BM25 */
    cr_expect_eq(bm25_tf_text(&p, 5, 2), 5.0);
    bm25_init(&p, 1.2, 0.75, 3.0, 100.0);
    cr_expect_eq(bm25_tf_text(&p, 5, 2), 3.0 + 3.0 * 2);
    cr_expect_eq(bm25_tf_title(&p, 2), 6.0);
    bm25_init(&p, 1.2, 0.75, 0.05, 100.0);
    cr_expect_eq(bm25_tf_text(&p, 5, 2), 3.0 + 0.05 * 2);
    /* title:word is not silenced by a small weight: at least 1 */
    cr_expect_eq(bm25_tf_title(&p, 2), 2.0);
    bm25_init(&p, 1.2, 0.75, 0.0, 100.0);
    cr_expect_eq(bm25_tf_text(&p, 5, 5), 0.0);
    cr_expect_eq(bm25_tf_title(&p, 3), 3.0);
    /* a corrupt ttf above tf does not wrap around */
    cr_expect_eq(bm25_tf_text(&p, 1, 4), 0.0);
}

Test(bm25, block_bounds_are_never_below_a_score)
{
    fx_rng rng = {99};
    static const double boosts[] = {0.0, 0.5, 1.0, 2.0, 7.5};
    static const double bs[] = {0.0, 0.3, 0.75, 1.0};
    for (int it = 0; it < 20000; it++) {
        bm25 p;
        double avgdl = 20 + fx_below(&rng, 500);
        bm25_init(&p, (double)fx_below(&rng, 30) / 10.0, bs[fx_below(&rng, 4)],
                  boosts[fx_below(&rng, 5)], avgdl);
        uint32_t n = 1 + fx_below(&rng, 128);
        uint32_t tf[128], ttf[128], dl[128];
        seg_bound s = {0, 0, 0, UINT32_MAX, 0, 0};
        for (uint32_t i = 0; i < n; i++) {
            dl[i] = 1 + fx_below(&rng, 2000);
            tf[i] = 1 + fx_below(&rng, dl[i] < 50 ? dl[i] : 50);
            ttf[i] = fx_below(&rng, tf[i] + 1);
            if (tf[i] > s.max_tf)
                s.max_tf = tf[i];
            if (ttf[i] > s.max_ttf)
                s.max_ttf = ttf[i];
            if (dl[i] < s.min_dl)
                s.min_dl = dl[i];
            uint32_t r1 = (uint32_t)(((uint64_t)tf[i] * 65535 + dl[i] - 1) / dl[i]);
            uint32_t r2 = (uint32_t)(((uint64_t)ttf[i] * 65535 + dl[i] - 1) / dl[i]);
            if (r1 > s.ratio_tf)
                s.ratio_tf = (uint16_t)(r1 > 65535 ? 65535 : r1);
            if (r2 > s.ratio_ttf)
                s.ratio_ttf = (uint16_t)(r2 > 65535 ? 65535 : r2);
        }
        double idf = 0.1 + fx_below(&rng, 100) / 10.0;
        double ub = bm25_bound(&p, idf, &s, false);
        double ubt = bm25_bound(&p, idf, &s, true);
        for (uint32_t i = 0; i < n; i++) {
            double norm = bm25_norm(&p, dl[i]);
            double sc = bm25_term(&p, idf, bm25_tf_text(&p, tf[i], ttf[i]), norm);
            double st = bm25_term(&p, idf, bm25_tf_title(&p, ttf[i]), norm);
            cr_assert_leq(sc, ub, "iteration %d doc %u: %.17g > %.17g", it, i, sc, ub);
            cr_assert_leq(st, ubt, "iteration %d doc %u (title)", it, i);
        }
    }
}
