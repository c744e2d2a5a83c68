/*
 * kernels.c: kern_take() (kernels.h).  The vector version uses AVX-512
 * (F) through a function attribute, so the rest of the project keeps the
 * baseline instruction set; which version runs is decided once per
 * process from what the processor reports.
 */
#include "query/kernels.h"

#include <stdatomic.h>
#include <string.h>

size_t kern_take_plain(double *acc, uint64_t groups, double theta, uint32_t *off, double *sc)
{
    size_t n = 0;
    while (groups) {
        uint32_t g = (uint32_t)__builtin_ctzll(groups);
        groups &= groups - 1;
        double *a = acc + (size_t)g * 64;
        for (uint32_t i = 0; i < 64; i++) {
            if (a[i] >= theta) {
                off[n] = g * 64 + i;
                sc[n++] = a[i];
            }
            a[i] = 0.0;
        }
    }
    return n;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(WARTA_NO_SIMD)
#include <immintrin.h>
#define HAVE_KERN_AVX512 1

__attribute__((target("avx512f")))
static size_t take_avx512(double *acc, uint64_t groups, double theta, uint32_t *off, double *sc)
{
    const __m512d t = _mm512_set1_pd(theta);
    const __m512d zero = _mm512_setzero_pd();
    size_t n = 0;
    while (groups) {
        uint32_t g = (uint32_t)__builtin_ctzll(groups);
        groups &= groups - 1;
        double *a = acc + (size_t)g * 64;
        __m512d v[8];
        uint64_t m = 0;
        for (uint32_t j = 0; j < 8; j++) {
            v[j] = _mm512_loadu_pd(a + 8 * j);
            m |= (uint64_t)_mm512_cmp_pd_mask(v[j], t, _CMP_GE_OQ) << (8 * j);
        }
        if (m) {
            /* rare: most groups hold no document that can enter the heap */
            double vals[64];
            for (uint32_t j = 0; j < 8; j++)
                _mm512_storeu_pd(vals + 8 * j, v[j]);
            while (m) {
                uint32_t i = (uint32_t)__builtin_ctzll(m);
                m &= m - 1;
                off[n] = g * 64 + i;
                sc[n++] = vals[i];
            }
        }
        for (uint32_t j = 0; j < 8; j++)
            _mm512_storeu_pd(a + 8 * j, zero);
    }
    return n;
}

static bool have_avx512(void)
{
    /* 0 unknown, 1 no, 2 yes: every thread computes the same answer */
    static _Atomic int known;
    int k = atomic_load_explicit(&known, memory_order_relaxed);
    if (k == 0) {
        k = __builtin_cpu_supports("avx512f") ? 2 : 1;
        atomic_store_explicit(&known, k, memory_order_relaxed);
    }
    return k == 2;
}
#endif

bool kern_vector(void)
{
#ifdef HAVE_KERN_AVX512
    return have_avx512();
#else
    return false;
#endif
}

size_t kern_take(double *acc, uint64_t groups, double theta, uint32_t *off, double *sc)
{
#ifdef HAVE_KERN_AVX512
    if (have_avx512())
        return take_avx512(acc, groups, theta, off, sc);
#endif
    return kern_take_plain(acc, groups, theta, off, sc);
}
