/*
 * test_kernels.c: the vector and the plain versions of the inner loops
 * agree: kern_score_add() (query/kernels.c) adds the same bits as the
 * plain loop and as bm25_term(), kern_take() picks the same documents with
 * the same sums and clears the same groups, kern_group_max() finds the same
 * maxima, kern_kth_group_max() the k-th largest of them as sorting does,
 * and postings_unpack() gives what
 * postings_unpack_scalar() gives for every bit width.  On a processor
 * without the vector instructions both sides run the plain code.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/segment/format.h"
#include "query/kernels.h"
#include "warta.h"

static uint64_t rnd_state = 0x243F6A8885A308D3ull;

static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

#define WIN 4096

Test(kernels, take_agrees_with_the_plain_version)
{
    static double a[WIN], b[WIN];
    static uint32_t oa[WIN], ob[WIN];
    static double sa[WIN], sb[WIN];
    for (int it = 0; it < 200; it++) {
        uint64_t groups = rnd() & rnd();   /* about a quarter of the groups */
        for (unsigned i = 0; i < WIN; i++) {
            uint64_t r = rnd();
            /* zeros, small and large sums, exact ties with theta */
            a[i] = (r & 3) == 0 ? 0.0 : (r & 3) == 1 ? 2.5 : (double)(r >> 40) / 1e5;
        }
        memcpy(b, a, sizeof a);
        double theta = it % 3 == 0 ? 2.5 : it % 3 == 1 ? 1e-300 : (double)(rnd() >> 44) / 1e5;
        size_t na = kern_take(a, groups, theta, oa, sa);
        size_t nb = kern_take_plain(b, groups, theta, ob, sb);
        cr_assert_eq(na, nb, "iteration %d: %zu vs %zu taken", it, na, nb);
        for (size_t i = 0; i < na; i++) {
            cr_assert_eq(oa[i], ob[i]);
            cr_assert(memcmp(&sa[i], &sb[i], sizeof sa[i]) == 0);
            cr_assert(sa[i] >= theta);
        }
        /* marked groups cleared, the others untouched */
        cr_assert(memcmp(a, b, sizeof a) == 0);
        for (unsigned g = 0; g < 64; g++)
            if (groups >> g & 1)
                for (unsigned i = 0; i < 64; i++)
                    cr_assert_eq(a[g * 64 + i], 0.0);
    }
}

Test(kernels, score_add_agrees_with_bm25_term_to_the_bit)
{
    static double a[WIN], b[WIN], c[WIN];
    static uint8_t dl[4 * WIN];
    uint32_t docs[WIN], tfs[WIN], ttfs[WIN];
    for (unsigned d = 0; d < WIN; d++) {
        uint64_t r = rnd();
        /* lengths from 1 to huge, the top bit included */
        uint32_t len = (r & 7) == 0 ? (uint32_t)(r >> 32) : 1 + (uint32_t)(r >> 40) % 5000;
        memcpy(dl + 4 * d, &len, 4);
    }
    /* k1, b, title weight: plain BM25, the default, a heavy and a tiny weight */
    const double params[][3] = {{1.2, 0.75, 1.0}, {0.0, 0.0, 1.0}, {2.0, 1.0, 2.5},
                                {0.9, 0.4, 1.0}, {1.2, 0.75, WARTA_TITLE_BOOST},
                                {1.2, 0.75, 0.001}, {0.5, 0.3, 7.0}};
    for (size_t pi = 0; pi < sizeof params / sizeof params[0]; pi++) {
        bm25 p;
        bm25_init(&p, params[pi][0], params[pi][1], params[pi][2], 321.25);
        for (int it = 0; it < 50; it++) {
            /* a run of ascending documents from lo, as a block gives them */
            uint32_t lo = (uint32_t)(rnd() % 64), n = 0;
            for (uint32_t d = lo; d < WIN && n < WIN; d += 1 + (uint32_t)(rnd() % 5)) {
                docs[n] = d;
                uint64_t r = rnd();
                tfs[n] = (r & 15) == 0 ? (uint32_t)(r >> 33) | 1 : 1 + (uint32_t)(r >> 50) % 40;
                /* title counts: mostly none, some up to tf, a few above it */
                uint32_t t = (uint32_t)(r >> 20) & 7;
                ttfs[n] = t < 5 ? 0 : t < 7 ? 1 + (uint32_t)(r >> 8) % tfs[n] : tfs[n] + 1 + t;
                n++;
            }
            bool titled = it & 1;   /* half the runs weigh title counts */
            const uint32_t *tt = titled ? ttfs : NULL;
            size_t m = n - (size_t)(rnd() % 7);   /* lengths that are not multiples of 4 */
            for (unsigned i = 0; i < WIN; i++)
                a[i] = b[i] = c[i] = (double)(i % 13) / 7.0;
            double idf = 0.5 + (double)(rnd() % 1000) / 100.0;
            kern_score_add(&p, idf, docs, tfs, tt, m, dl, a, lo);
            kern_score_add_plain(&p, idf, docs, tfs, tt, m, dl, b, lo);
            /* each vector version the processor has, not only the chosen one */
            for (int level = 0; level < 2; level++) {
                static double v[WIN];
                for (unsigned i = 0; i < WIN; i++)
                    v[i] = (double)(i % 13) / 7.0;
                if (kern_score_add_at(level, &p, idf, docs, tfs, tt, m, dl, v, lo))
                    cr_assert(memcmp(v, b, sizeof v) == 0, "level %d params %zu iteration %d",
                              level, pi, it);
            }
            for (size_t i = 0; i < m; i++) {
                uint32_t len;
                memcpy(&len, dl + 4 * (size_t)docs[i], 4);
                double tf = titled ? bm25_tf_text(&p, tfs[i], ttfs[i]) : (double)tfs[i];
                c[docs[i] - lo] += bm25_term(&p, idf, tf, bm25_norm(&p, len));
            }
            cr_assert(memcmp(a, b, sizeof a) == 0, "params %zu iteration %d", pi, it);
            cr_assert(memcmp(a, c, sizeof a) == 0, "params %zu iteration %d", pi, it);
        }
    }
}

Test(kernels, group_max_agrees_with_the_plain_version)
{
    static double a[WIN];
    for (int it = 0; it < 100; it++) {
        for (unsigned i = 0; i < WIN; i++)
            a[i] = (rnd() & 3) ? 0.0 : (double)(rnd() >> 20) / 1e3;
        uint64_t groups = rnd() | 1;
        double ga[64], gb[64];
        for (unsigned g = 0; g < 64; g++)
            ga[g] = gb[g] = -1.0;
        kern_group_max(a, groups, ga);
        kern_group_max_plain(a, groups, gb);
        for (unsigned g = 0; g < 64; g++) {
            cr_assert(memcmp(&ga[g], &gb[g], sizeof ga[g]) == 0, "iteration %d group %u", it, g);
            if (groups >> g & 1) {
                double m = 0.0;
                for (unsigned i = 0; i < 64; i++)
                    m = a[g * 64 + i] > m ? a[g * 64 + i] : m;
                cr_assert_eq(ga[g], m);
            } else {
                cr_assert_eq(ga[g], -1.0);
            }
        }
    }
}

static int desc(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? 1 : a > b ? -1 : 0;
}

Test(kernels, kth_group_max_agrees_with_sorting)
{
    static double a[WIN];
    for (int it = 0; it < 300; it++) {
        /* sparse windows, windows of few distinct values (ties), empty groups */
        unsigned distinct = it % 3 == 0 ? 3 : 1000000;
        for (unsigned i = 0; i < WIN; i++)
            a[i] = (rnd() % (1 + (unsigned)(it % 7))) ? 0.0
                                                     : (double)(1 + rnd() % distinct) / 8.0;
        uint64_t groups = it % 5 == 0 ? rnd() & rnd() & rnd() : rnd();
        double m[64];
        size_t n = 0;
        for (unsigned g = 0; g < 64; g++) {
            if (!(groups >> g & 1))
                continue;
            double x = 0.0;
            for (unsigned i = 0; i < 64; i++)
                x = a[g * 64 + i] > x ? a[g * 64 + i] : x;
            if (x > 0.0)
                m[n++] = x;
        }
        qsort(m, n, sizeof m[0], desc);
        for (size_t k = 1; k <= 64; k++) {
            double want = k <= n ? m[k - 1] : 0.0;
            double got = kern_kth_group_max(a, groups, k);
            double plain = kern_kth_group_max_plain(a, groups, k);
            cr_assert_eq(got, want, "iteration %d k %zu", it, k);
            cr_assert_eq(plain, want, "iteration %d k %zu", it, k);
        }
    }
}

Test(kernels, unpack_agrees_with_the_scalar_version)
{
    uint8_t packed[16 * 32 + 8];
    for (unsigned bits = 0; bits <= 32; bits++) {
        for (int it = 0; it < 20; it++) {
            for (size_t i = 0; i < sizeof packed; i++)
                packed[i] = (uint8_t)rnd();
            uint32_t v[SEG_BLOCK], w[SEG_BLOCK];
            postings_unpack(packed, bits, v);
            postings_unpack_scalar(packed, bits, w);
            for (unsigned i = 0; i < SEG_BLOCK; i++)
                cr_assert_eq(v[i], w[i], "bits %u value %u", bits, i);
        }
    }
}

Test(kernels, reports_which_version_runs)
{
    /* informative: both answers are valid */
    cr_log_info("vector take: %d, vector unpack: %d", kern_vector(), postings_unpack_fast());
}
