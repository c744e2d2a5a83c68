/*
 * kernels.c: kern_score_add(), kern_take(), kern_group_max() and
 * kern_kth_group_max() (kernels.h).  The vector versions use AVX2 and
 * AVX-512 (F, VL) through function attributes, so the
 * rest of the project keeps the baseline instruction set; each call takes
 * the vector version when the processor reports the instructions (the
 * compiler's runtime reads that once at start-up).  -DWARTA_NO_SIMD builds
 * the plain versions alone (scripts/test runs the suite so too).
 */
#include "query/kernels.h"

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

void kern_score_add_plain(const bm25 *p, double idf, const uint32_t *docs, const uint32_t *tfs,
                          const uint32_t *ttfs, size_t n, const uint8_t *dl, double *acc,
                          uint32_t lo)
{
    const double k1p1 = p->k1p1, c0 = p->c0, c1 = p->c1;
    for (size_t i = 0; i < n; i++) {
        uint32_t len;
        memcpy(&len, dl + 4 * (size_t)docs[i], 4);
        double tf = ttfs ? bm25_tf_text(p, tfs[i], ttfs[i]) : (double)tfs[i];
        /* bm25_term(p, idf, tf, bm25_norm(p, len)) spelled out (tf > 0) */
        acc[docs[i] - lo] += idf * (tf * k1p1) / (tf + (c0 + c1 * (double)len));
    }
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(WARTA_NO_SIMD)
#include <immintrin.h>
#define HAVE_KERN_VECTOR 1

static inline uint32_t dl_at(const uint8_t *dl, uint32_t d)
{
    uint32_t v;
    memcpy(&v, dl + 4 * (size_t)d, 4);
    return v;
}

/* Four unsigned 32-bit integers to doubles, exactly, with AVX2 alone:
 * (x - 2^31) as a signed integer, plus 2^31. */
__attribute__((target("avx2")))
static inline __m256d u32_to_pd(__m128i x)
{
    __m128i s = _mm_xor_si128(x, _mm_set1_epi32((int)0x80000000u));
    return _mm256_add_pd(_mm256_cvtepi32_pd(s), _mm256_set1_pd(2147483648.0));
}

/* Four postings' lengths, loaded one by one (a gather instruction is
 * slower here). */
__attribute__((target("avx2"), always_inline))
static inline __m128i lens4(const uint8_t *dl, const uint32_t *d)
{
    return _mm_setr_epi32((int)dl_at(dl, d[0]), (int)dl_at(dl, d[1]), (int)dl_at(dl, d[2]),
                          (int)dl_at(dl, d[3]));
}

/* The constants of bm25_term() and bm25_norm() in every lane, loaded once
 * per call (the sums written in the loop could alias the bm25 struct). */
typedef struct lanes4 {
    __m256d idf, k1p1, c0, c1, boost;
} lanes4;

__attribute__((target("avx2"), always_inline))
static inline lanes4 lanes4_of(const bm25 *p, double idf)
{
    lanes4 k = {_mm256_set1_pd(idf), _mm256_set1_pd(p->k1p1), _mm256_set1_pd(p->c0),
                _mm256_set1_pd(p->c1), _mm256_set1_pd(p->boost)};
    return k;
}

/* bm25_term(p, idf, tf, bm25_norm(p, len)) in each of four lanes, in its
 * order of operations, added to the postings' sums: the arithmetic both
 * vector versions share. */
__attribute__((target("avx2"), always_inline))
static inline void add4(const lanes4 *k, const uint32_t *d, __m256d tf, __m256d len, double *acc,
                        uint32_t lo)
{
    __m256d norm = _mm256_add_pd(k->c0, _mm256_mul_pd(k->c1, len));
    __m256d num = _mm256_mul_pd(k->idf, _mm256_mul_pd(tf, k->k1p1));
    __m256d v = _mm256_div_pd(num, _mm256_add_pd(tf, norm));
    double s[4];
    _mm256_storeu_pd(s, v);
    acc[d[0] - lo] += s[0];
    acc[d[1] - lo] += s[1];
    acc[d[2] - lo] += s[2];
    acc[d[3] - lo] += s[3];
}

/* Four postings at a time.  Each lane does the operations of
 * kern_score_add_plain() in its order: with title counts, tf' is
 * (double)(tf - min(tf, ttf)) + boost * (double)ttf, as bm25_tf_text(). */
__attribute__((target("avx2")))
static void score_add_avx2(const bm25 *p, double idf, const uint32_t *docs, const uint32_t *tfs,
                           const uint32_t *ttfs, size_t n, const uint8_t *dl, double *acc,
                           uint32_t lo)
{
    const lanes4 k = lanes4_of(p, idf);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m128i t = _mm_loadu_si128((const __m128i *)(const void *)(tfs + i));
        __m256d tf;
        if (ttfs) {
            __m128i tt = _mm_loadu_si128((const __m128i *)(const void *)(ttfs + i));
            __m128i body = _mm_sub_epi32(t, _mm_min_epu32(t, tt));
            tf = _mm256_add_pd(u32_to_pd(body), _mm256_mul_pd(k.boost, u32_to_pd(tt)));
        } else {
            tf = u32_to_pd(t);
        }
        add4(&k, docs + i, tf, u32_to_pd(lens4(dl, docs + i)), acc, lo);
    }
    kern_score_add_plain(p, idf, docs + i, tfs + i, ttfs ? ttfs + i : NULL, n - i, dl, acc, lo);
}

/* The same with AVX-512 VL, four lanes still (this processor divides no
 * faster in wider vectors), for its exact u32 -> double conversion in one
 * instruction; the loop is written once per kind (with or without title
 * counts) so that neither tests the kind per step. */
__attribute__((target("avx512f,avx512vl"), always_inline))
static inline void score_add_vl_body(const bm25 *p, double idf, const uint32_t *docs,
                                     const uint32_t *tfs, const uint32_t *ttfs, size_t n,
                                     const uint8_t *dl, double *acc, uint32_t lo, bool titled)
{
    const lanes4 k = lanes4_of(p, idf);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m128i t = _mm_loadu_si128((const __m128i *)(const void *)(tfs + i));
        __m256d tf;
        if (titled) {
            __m128i tt = _mm_loadu_si128((const __m128i *)(const void *)(ttfs + i));
            __m128i body = _mm_sub_epi32(t, _mm_min_epu32(t, tt));
            tf = _mm256_add_pd(_mm256_cvtepu32_pd(body),
                               _mm256_mul_pd(k.boost, _mm256_cvtepu32_pd(tt)));
        } else {
            tf = _mm256_cvtepu32_pd(t);
        }
        add4(&k, docs + i, tf, _mm256_cvtepu32_pd(lens4(dl, docs + i)), acc, lo);
    }
    kern_score_add_plain(p, idf, docs + i, tfs + i, titled ? ttfs + i : NULL, n - i, dl, acc, lo);
}

__attribute__((target("avx512f,avx512vl")))
static void score_add_avx512(const bm25 *p, double idf, const uint32_t *docs, const uint32_t *tfs,
                             const uint32_t *ttfs, size_t n, const uint8_t *dl, double *acc,
                             uint32_t lo)
{
    if (ttfs)
        score_add_vl_body(p, idf, docs, tfs, ttfs, n, dl, acc, lo, true);
    else
        score_add_vl_body(p, idf, docs, tfs, NULL, n, dl, acc, lo, false);
}

/* What the processor reports (read once by the compiler's runtime at
 * start-up: each call is a load and a test). */
static bool have_avx2(void)
{
    return __builtin_cpu_supports("avx2");
}

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

__attribute__((target("avx512f")))
static void group_max_avx512(const double *acc, uint64_t groups, double *out)
{
    while (groups) {
        uint32_t g = (uint32_t)__builtin_ctzll(groups);
        groups &= groups - 1;
        const double *a = acc + (size_t)g * 64;
        __m512d m0 = _mm512_max_pd(_mm512_loadu_pd(a), _mm512_loadu_pd(a + 8));
        __m512d m1 = _mm512_max_pd(_mm512_loadu_pd(a + 16), _mm512_loadu_pd(a + 24));
        __m512d m2 = _mm512_max_pd(_mm512_loadu_pd(a + 32), _mm512_loadu_pd(a + 40));
        __m512d m3 = _mm512_max_pd(_mm512_loadu_pd(a + 48), _mm512_loadu_pd(a + 56));
        out[g] = _mm512_reduce_max_pd(_mm512_max_pd(_mm512_max_pd(m0, m1), _mm512_max_pd(m2, m3)));
    }
}

static bool have_avx512(void)
{
    return __builtin_cpu_supports("avx512f");
}

static bool have_avx512vl(void)
{
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
}
#endif

bool kern_vector(void)
{
#ifdef HAVE_KERN_VECTOR
    return have_avx512();
#else
    return false;
#endif
}

void kern_group_max_plain(const double *acc, uint64_t groups, double *out)
{
    while (groups) {
        uint32_t g = (uint32_t)__builtin_ctzll(groups);
        groups &= groups - 1;
        const double *a = acc + (size_t)g * 64;
        double m = a[0];
        for (uint32_t i = 1; i < 64; i++)
            m = a[i] > m ? a[i] : m;
        out[g] = m;
    }
}

double kern_kth_group_max_plain(const double *acc, uint64_t groups, size_t k)
{
    double gm[64], top[64];
    if (k == 0 || k > 64 || (size_t)__builtin_popcountll(groups) < k)
        return 0.0;
    kern_group_max_plain(acc, groups, gm);
    size_t n = 0;
    for (uint64_t g = groups; g; g &= g - 1) {
        double v = gm[__builtin_ctzll(g)];
        if (!(v > 0.0) || (n == k && v <= top[k - 1]))
            continue;
        /* insertion into the k best, largest first */
        size_t j = n < k ? n++ : k - 1;
        while (j > 0 && top[j - 1] < v) {
            top[j] = top[j - 1];
            j--;
        }
        top[j] = v;
    }
    return n == k ? top[k - 1] : 0.0;
}

#ifdef HAVE_KERN_VECTOR
/* The k-th largest is the largest maximum v with at least k maxima >= v. */
__attribute__((target("avx512f,popcnt")))
static double kth_group_max_avx512(const double *acc, uint64_t groups, size_t k)
{
    double gm[64];
    memset(gm, 0, sizeof gm);   /* unmarked groups count as 0, never >= a positive v */
    group_max_avx512(acc, groups, gm);
    __m512d m[8];
    for (uint32_t j = 0; j < 8; j++)
        m[j] = _mm512_loadu_pd(gm + 8 * j);
    double best = 0.0;
    for (uint64_t g = groups; g; g &= g - 1) {
        double v = gm[__builtin_ctzll(g)];
        __m512d b = _mm512_set1_pd(v);
        uint64_t ge = (uint64_t)_mm512_cmp_pd_mask(m[0], b, _CMP_GE_OQ) |
                      (uint64_t)_mm512_cmp_pd_mask(m[1], b, _CMP_GE_OQ) << 8 |
                      (uint64_t)_mm512_cmp_pd_mask(m[2], b, _CMP_GE_OQ) << 16 |
                      (uint64_t)_mm512_cmp_pd_mask(m[3], b, _CMP_GE_OQ) << 24 |
                      (uint64_t)_mm512_cmp_pd_mask(m[4], b, _CMP_GE_OQ) << 32 |
                      (uint64_t)_mm512_cmp_pd_mask(m[5], b, _CMP_GE_OQ) << 40 |
                      (uint64_t)_mm512_cmp_pd_mask(m[6], b, _CMP_GE_OQ) << 48 |
                      (uint64_t)_mm512_cmp_pd_mask(m[7], b, _CMP_GE_OQ) << 56;
        double cand = (size_t)__builtin_popcountll(ge) >= k && v > 0.0 ? v : 0.0;
        best = cand > best ? cand : best;
    }
    return best;
}
#endif

double kern_kth_group_max(const double *acc, uint64_t groups, size_t k)
{
#ifdef HAVE_KERN_VECTOR
    if (k >= 1 && k <= 64 && have_avx512()) {
        if ((size_t)__builtin_popcountll(groups) < k)
            return 0.0;
        return kth_group_max_avx512(acc, groups, k);
    }
#endif
    return kern_kth_group_max_plain(acc, groups, k);
}

void kern_group_max(const double *acc, uint64_t groups, double *out)
{
#ifdef HAVE_KERN_VECTOR
    if (have_avx512()) {
        group_max_avx512(acc, groups, out);
        return;
    }
#endif
    kern_group_max_plain(acc, groups, out);
}

void kern_score_add(const bm25 *p, double idf, const uint32_t *docs, const uint32_t *tfs,
                    const uint32_t *ttfs, size_t n, const uint8_t *dl, double *acc, uint32_t lo)
{
#ifdef HAVE_KERN_VECTOR
    if (have_avx512vl()) {
        score_add_avx512(p, idf, docs, tfs, ttfs, n, dl, acc, lo);
        return;
    }
    if (have_avx2()) {
        score_add_avx2(p, idf, docs, tfs, ttfs, n, dl, acc, lo);
        return;
    }
#endif
    kern_score_add_plain(p, idf, docs, tfs, ttfs, n, dl, acc, lo);
}

bool kern_score_add_at(int level, const bm25 *p, double idf, const uint32_t *docs,
                       const uint32_t *tfs, const uint32_t *ttfs, size_t n, const uint8_t *dl,
                       double *acc, uint32_t lo)
{
#ifdef HAVE_KERN_VECTOR
    if (level == 0 && have_avx512vl()) {
        score_add_avx512(p, idf, docs, tfs, ttfs, n, dl, acc, lo);
        return true;
    }
    if (level == 1 && have_avx2()) {
        score_add_avx2(p, idf, docs, tfs, ttfs, n, dl, acc, lo);
        return true;
    }
#else
    (void)level, (void)p, (void)idf, (void)docs, (void)tfs, (void)ttfs, (void)n, (void)dl;
    (void)acc, (void)lo;
#endif
    return false;
}

size_t kern_take(double *acc, uint64_t groups, double theta, uint32_t *off, double *sc)
{
#ifdef HAVE_KERN_VECTOR
    if (have_avx512())
        return take_avx512(acc, groups, theta, off, sc);
#endif
    return kern_take_plain(acc, groups, theta, off, sc);
}
