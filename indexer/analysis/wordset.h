/*
 * wordset.h: an immutable-after-build set of short byte strings (the root
 * lexicon, the stopword list) and the string hash every analysis table uses.
 * Keys live in one arena; the table holds 32-bit offsets and hash tags, so a
 * 31,000-root lexicon is two allocations and a lookup is one probe or two.
 * Built by lexicon.c and stopwords.c, read by stem.c and analyzer.c.
 */
#ifndef WARTA_WORDSET_H
#define WARTA_WORDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Longest key a wordset holds (longer words are never roots or stopwords). */
#define WORDSET_MAX_KEY 255

typedef struct wordset {
    char *arena;          /* keys, each as one length byte, its bytes, a 32-bit value (host order) */
    size_t arena_len;     /* bytes used in arena */
    size_t arena_cap;     /* bytes allocated in arena */
    uint32_t *slots;      /* per slot: arena offset + 1 of its key, 0 = empty */
    uint32_t *tags;       /* per slot: the high 32 bits of the key's hash */
    size_t mask;          /* slot count - 1 (slot count is a power of two) */
    size_t count;         /* keys stored */
    /* When set, lookups are answered by ext_get(ext, ...) instead of the
     * table (a set read in place from its stored form, see lexicon.h). */
    bool (*ext_get)(const void *ext, const char *key, size_t len, uint32_t *val);
    const void *ext;
} wordset;

/* A fast 64-bit hash of n bytes (not for hostile-collision resistance: the
 * tables it serves are bounded and built from our own data or one text). */
static inline uint64_t whash(const void *p, size_t n)
{
    const uint8_t *s = p;
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xff51afd7ed558ccdull);
    while (n > 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        h = (h ^ v) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    /* 1 to 8 bytes left: two overlapping fixed-size loads, no loop. */
    uint64_t v;
    if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        v = (uint64_t)x | (uint64_t)y << 32;
    } else if (n > 0) {
        v = (uint64_t)s[0] | (uint64_t)s[n / 2] << 8 | (uint64_t)s[n - 1] << 16;
    } else {
        v = 0;
    }
    h = (h ^ v) * 0x94d049bb133111ebull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h;
}

/* Prepares an empty set sized for about `expect` keys.  0 or WARTA_ENOMEM. */
int wordset_init(wordset *s, size_t expect);

/* Adds a key with a 32-bit value (keys longer than WORDSET_MAX_KEY are
 * ignored); a key already present gets its value ORed with val.
 * 0 or WARTA_ENOMEM. */
int wordset_put(wordset *s, const char *key, size_t len, uint32_t val);

static inline int wordset_add(wordset *s, const char *key, size_t len)
{
    return wordset_put(s, key, len, 0);
}

/* True when key is in the set; *val (if not NULL) receives its value. */
bool wordset_get(const wordset *s, const char *key, size_t len, uint32_t *val);

static inline bool wordset_has(const wordset *s, const char *key, size_t len)
{
    return wordset_get(s, key, len, NULL);
}

/* Calls fn for every key and value, in insertion order. */
void wordset_each(const wordset *s,
                  void (*fn)(void *ctx, const char *key, size_t len, uint32_t val), void *ctx);

void wordset_free(wordset *s);

#endif
