/*
 * base.c: the allocation hook, the growable buffer and CRC32 declared in
 * base.h.  Every module allocates through wmalloc() and friends so that the
 * fault-injection tests (tests/unit/test_alloc.c) reach every path.
 */
#include "base.h"
#include "warta.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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

uint32_t wcrc32(uint32_t crc, const void *p, size_t n)
{
#ifdef WARTA_FUZZ_NO_CRC
    /* Fuzz builds only (tests/fuzz/fuzz_segment.c): every checksum is 0, so
     * damaged bytes reach the structure checks that stand behind the CRCs. */
    (void)crc, (void)p, (void)n;
    return 0;
#endif
    /* zlib's crc32 takes a uInt length; feed large spans in pieces. */
    const unsigned char *b = p;
    while (n > 0) {
        uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
        crc = (uint32_t)crc32(crc, b, chunk);
        b += chunk;
        n -= chunk;
    }
    return crc;
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
