/*
 * base.h: the few things every layer of warta shares: the allocation hook
 * (so tests can fail the Nth allocation), a growable byte buffer, and the
 * CRC32 used by every file on disk.  It sits in corpus/ because corpus/ is the
 * bottom of the flow; every other folder may include it, it includes nothing
 * of warta's.
 */
#ifndef WARTA_BASE_H
#define WARTA_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation goes through these so that tests can make the Nth one fail
 * (warta_alloc_fail_after).  They behave like malloc/realloc/calloc/free. */
void *wmalloc(size_t n);
void *wcalloc(size_t count, size_t n);
void *wrealloc(void *p, size_t n);
void wfree(void *p);
char *wstrndup(const char *s, size_t n);

/* A growable byte buffer.  `data` is always NUL-terminated when non-NULL, so
 * a buffer holding text can be used as a C string.  Sticky error: once an
 * append fails, `oom` is set and further appends do nothing. */
typedef struct wbuf {
    char *data;                 /* bytes, NUL-terminated; NULL until first append */
    size_t len;                 /* bytes in use, not counting the NUL */
    size_t cap;                 /* bytes allocated */
    bool oom;                   /* an append failed; contents are incomplete */
} wbuf;

#define WBUF_INIT {NULL, 0, 0, false}

int wbuf_reserve(wbuf *b, size_t extra);            /* 0 or WARTA_ENOMEM */
void wbuf_append(wbuf *b, const void *p, size_t n);
void wbuf_putc(wbuf *b, char c);
void wbuf_puts(wbuf *b, const char *s);
void wbuf_printf(wbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void wbuf_put_varint(wbuf *b, uint64_t v);          /* LEB128, 7 bits a byte */
void wbuf_put_u32le(wbuf *b, uint32_t v);
void wbuf_put_u64le(wbuf *b, uint64_t v);
void wbuf_reset(wbuf *b);                           /* len = 0, keeps memory */
void wbuf_free(wbuf *b);                            /* releases memory; b is reusable */

/* Reads a LEB128 varint from [*p, end). Returns false (and leaves *p) when
 * the bytes end first or the value exceeds 64 bits. */
bool varint_get(const uint8_t **p, const uint8_t *end, uint64_t *out);

static inline uint32_t le32_get(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint64_t le64_get(const void *p)
{
    const uint8_t *b = p;
    return (uint64_t)le32_get(b) | (uint64_t)le32_get(b + 4) << 32;
}

/* Length (1..4) of the valid UTF-8 sequence at s, len bytes readable, or 0
 * when the bytes there are not valid UTF-8. */
size_t utf8_seq(const unsigned char *s, size_t len);

/* CRC-32C (Castagnoli polynomial, reflected 0x82F63B78, as iSCSI, ext4 and
 * SSE4.2's crc32 instruction compute it) of n bytes, continuing from crc
 * (start with 0): wcrc32(wcrc32(0, a, n), b, m) is the CRC of a then b.
 * Check value: wcrc32(0, "123456789", 9) == 0xE3069283.  Uses the
 * processor's instruction when it has one (chosen at run time). */
uint32_t wcrc32(uint32_t crc, const void *p, size_t n);

/* The same value by the portable table code (for tests), and whether
 * wcrc32() uses the processor's instruction. */
uint32_t wcrc32_portable(uint32_t crc, const void *p, size_t n);
bool wcrc32_hardware(void);

#endif
