/*
 * base.c: the allocation hook, the growable buffer and CRC-32C declared
 * in base.h.  Every module allocates through wmalloc() and friends so that the
 * fault-injection tests (tests/unit/test_alloc.c) reach every path.
 */
#include "base.h"
#include "warta.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include <stdatomic.h>

/* Countdown of allocations until one fails; negative: never fail. */
static _Atomic long alloc_countdown = -1;

WARTA_API void warta_alloc_fail_after(long n)
{
    atomic_store(&alloc_countdown, n);
}

static bool alloc_should_fail(void)
{
    long c = atomic_load(&alloc_countdown);
    if (c < 0)
        return false;
    while (c >= 0) {
        if (atomic_compare_exchange_weak(&alloc_countdown, &c, c - 1))
            return c == 0;
    }
    return false;
}

void *wmalloc(size_t n)
{
    if (alloc_should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *wcalloc(size_t count, size_t n)
{
    if (alloc_should_fail())
        return NULL;
    return calloc(count ? count : 1, n ? n : 1);
}

void *wrealloc(void *p, size_t n)
{
    if (alloc_should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void wfree(void *p)
{
    free(p);
}

char *wstrndup(const char *s, size_t n)
{
    char *d = wmalloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

int wbuf_reserve(wbuf *b, size_t extra)
{
    if (b->oom)
        return WARTA_ENOMEM;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            b->oom = true;
            return WARTA_ENOMEM;
        }
        cap *= 2;
    }
    char *d = wrealloc(b->data, cap);
    if (!d) {
        b->oom = true;
        return WARTA_ENOMEM;
    }
    b->data = d;
    b->cap = cap;
    return 0;
}

void wbuf_append(wbuf *b, const void *p, size_t n)
{
    if (wbuf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void wbuf_putc(wbuf *b, char c)
{
    wbuf_append(b, &c, 1);
}

void wbuf_puts(wbuf *b, const char *s)
{
    wbuf_append(b, s, strlen(s));
}

void wbuf_printf(wbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        wbuf_append(b, small, (size_t)n);
        return;
    }
    if (wbuf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void wbuf_put_varint(wbuf *b, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    wbuf_append(b, tmp, n);
}

void wbuf_put_u32le(wbuf *b, uint32_t v)
{
    uint8_t t[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    wbuf_append(b, t, 4);
}

void wbuf_put_u64le(wbuf *b, uint64_t v)
{
    wbuf_put_u32le(b, (uint32_t)v);
    wbuf_put_u32le(b, (uint32_t)(v >> 32));
}

void wbuf_reset(wbuf *b)
{
    b->len = 0;
    b->oom = false;
    if (b->data)
        b->data[0] = '\0';
}

void wbuf_free(wbuf *b)
{
    wfree(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}

bool varint_get(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
    const uint8_t *q = *p;
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (q >= end)
            return false;
        uint8_t c = *q++;
        if (shift == 63 && c > 1)
            return false;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *p = q;
            *out = v;
            return true;
        }
    }
    return false;
}

/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the x86-64
 * SSE4.2 crc32 instruction when the processor has it (chosen at run time),
 * else slicing-by-8 tables built on first use.  Both give the same value. */
#define CRC32C_POLY 0x82F63B78u

static uint32_t crc32c_table[8][256];
static pthread_once_t crc32c_once = PTHREAD_ONCE_INIT;

static void crc32c_table_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ CRC32C_POLY : c >> 1;
        crc32c_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            crc32c_table[t][i] = (crc32c_table[t - 1][i] >> 8) ^
                                 crc32c_table[0][crc32c_table[t - 1][i] & 0xFF];
}

/* The portable path: c is the running (inverted) register. */
static uint32_t crc32c_soft(uint32_t c, const uint8_t *b, size_t n)
{
    pthread_once(&crc32c_once, crc32c_table_init);
    while (n >= 8) {
        uint32_t lo = c ^ le32_get(b), hi = le32_get(b + 4);
        c = crc32c_table[7][lo & 0xFF] ^ crc32c_table[6][(lo >> 8) & 0xFF] ^
            crc32c_table[5][(lo >> 16) & 0xFF] ^ crc32c_table[4][lo >> 24] ^
            crc32c_table[3][hi & 0xFF] ^ crc32c_table[2][(hi >> 8) & 0xFF] ^
            crc32c_table[1][(hi >> 16) & 0xFF] ^ crc32c_table[0][hi >> 24];
        b += 8;
        n -= 8;
    }
    while (n--)
        c = (c >> 8) ^ crc32c_table[0][(c ^ *b++) & 0xFF];
    return c;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <nmmintrin.h>
#define CRC32C_HW 1

__attribute__((target("sse4.2")))
static uint32_t crc32c_hw(uint32_t c, const uint8_t *b, size_t n)
{
    uint64_t c64 = c;
    while (n >= 32) {
        uint64_t v0, v1, v2, v3;
        memcpy(&v0, b, 8);
        memcpy(&v1, b + 8, 8);
        memcpy(&v2, b + 16, 8);
        memcpy(&v3, b + 24, 8);
        c64 = _mm_crc32_u64(c64, v0);
        c64 = _mm_crc32_u64(c64, v1);
        c64 = _mm_crc32_u64(c64, v2);
        c64 = _mm_crc32_u64(c64, v3);
        b += 32;
        n -= 32;
    }
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, b, 8);
        c64 = _mm_crc32_u64(c64, v);
        b += 8;
        n -= 8;
    }
    uint32_t c32 = (uint32_t)c64;
    while (n--)
        c32 = _mm_crc32_u8(c32, *b++);
    return c32;
}

/* 1: the processor has SSE4.2; 0: it does not; -1: not asked yet. */
static _Atomic int crc32c_has_hw = -1;
#endif

bool wcrc32_hardware(void)
{
#ifdef CRC32C_HW
    int hw = atomic_load_explicit(&crc32c_has_hw, memory_order_relaxed);
    if (hw < 0) {
        /* one cpuid (leaf 1, ECX bit 20), not the compiler's full feature
         * probe: cpuid traps to the hypervisor on virtual machines */
        unsigned a, b, c, d;
        hw = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2) ? 1 : 0;
        atomic_store_explicit(&crc32c_has_hw, hw, memory_order_relaxed);
    }
    return hw == 1;
#else
    return false;
#endif
}

uint32_t wcrc32_portable(uint32_t crc, const void *p, size_t n)
{
    return ~crc32c_soft(~crc, p, n);
}

uint32_t wcrc32(uint32_t crc, const void *p, size_t n)
{
#ifdef WARTA_FUZZ_NO_CRC
    /* Fuzz builds only (tests/fuzz/fuzz_segment.c): every checksum is 0, so
     * damaged bytes reach the structure checks that stand behind the CRCs. */
    (void)crc, (void)p, (void)n;
    return 0;
#endif
#ifdef CRC32C_HW
    if (wcrc32_hardware())
        return ~crc32c_hw(~crc, p, n);
#endif
    return ~crc32c_soft(~crc, p, n);
}

#include "warta_config.h"

WARTA_API const char *warta_version(void)
{
    return WARTA_VERSION;
}

WARTA_API const char *warta_strerror(int code)
{
    switch (code) {
    case WARTA_OK: return "success";
    case WARTA_ENOMEM: return "out of memory";
    case WARTA_EIO: return "input/output error";
    case WARTA_ENOTFOUND: return "not found";
    case WARTA_ECORRUPT: return "corrupt index";
    case WARTA_EFORMAT: return "incompatible index format version";
    case WARTA_ESYNTAX: return "malformed query";
    case WARTA_ECONFIG: return "bad configuration";
    case WARTA_ELOCKED: return "index is locked by another process";
    case WARTA_EINVAL: return "invalid argument";
    case WARTA_ENOLEXICON: return "stemmer lexicon missing";
    case WARTA_ENOSPC: return "disk full";
    default: return "unknown error";
    }
}

/* Shortest-form UTF-8 only: overlongs, surrogates and code points above
 * U+10FFFF are invalid. */
size_t utf8_seq(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (len >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (len < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && s[1] >= 0xA0)
            return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (len < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0; /* overlong */
        if (c == 0xF4 && s[1] >= 0x90)
            return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}
