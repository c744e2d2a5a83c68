/*
 * test_kernels.c: the vector and the plain versions of the inner loops
 * agree: kern_take() (query/kernels.c) picks the same documents with the
 * same sums and clears the same groups, and postings_unpack() gives what
 * postings_unpack_scalar() gives for every bit width.  On a processor
 * without the vector instructions both sides run the plain code.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "indexer/segment/format.h"
#include "query/kernels.h"

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
