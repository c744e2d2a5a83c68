/*
 * wordset.c: the open-addressing string set of wordset.h.  Linear probing
 * over a power-of-two table kept at most half full; keys are copied into one
 * growing arena.  Used for the root lexicon and the stopword list.
 */
#include "wordset.h"

#include "corpus/base.h"
#include "warta.h"

int wordset_init(wordset *s, size_t expect)
{
    memset(s, 0, sizeof *s);
    size_t n = 16;
    while (n < expect * 2)
        n <<= 1;
    s->slots = wcalloc(n, sizeof *s->slots);
    s->tags = wcalloc(n, sizeof *s->tags);
    s->arena_cap = expect * 8 + 64;
    s->arena = wmalloc(s->arena_cap);
    if (!s->slots || !s->tags || !s->arena) {
        wordset_free(s);
        return WARTA_ENOMEM;
    }
    s->mask = n - 1;
    return 0;
}

static size_t probe(const wordset *s, const char *key, size_t len, uint64_t h, bool *found)
{
    uint32_t tag = (uint32_t)(h >> 32);
    size_t i = (size_t)h & s->mask;
    for (;;) {
        uint32_t off = s->slots[i];
        if (off == 0) {
            *found = false;
            return i;
        }
        if (s->tags[i] == tag) {
            const unsigned char *k = (const unsigned char *)s->arena + off - 1;
            if (k[0] == len && memcmp(k + 1, key, len) == 0) {
                *found = true;
                return i;
            }
        }
        i = (i + 1) & s->mask;
    }
}

static int grow(wordset *s)
{
    size_t n = (s->mask + 1) * 2;
    uint32_t *slots = wcalloc(n, sizeof *slots);
    uint32_t *tags = wcalloc(n, sizeof *tags);
    if (!slots || !tags) {
        wfree(slots);
        wfree(tags);
        return WARTA_ENOMEM;
    }
    for (size_t i = 0; i <= s->mask; i++) {
        uint32_t off = s->slots[i];
        if (!off)
            continue;
        const unsigned char *k = (const unsigned char *)s->arena + off - 1;
        uint64_t h = whash(k + 1, k[0]);
        size_t j = (size_t)h & (n - 1);
        while (slots[j])
            j = (j + 1) & (n - 1);
        slots[j] = off;
        tags[j] = (uint32_t)(h >> 32);
    }
    wfree(s->slots);
    wfree(s->tags);
    s->slots = slots;
    s->tags = tags;
    s->mask = n - 1;
    return 0;
}

int wordset_put(wordset *s, const char *key, size_t len, uint32_t val)
{
    if (len > WORDSET_MAX_KEY)
        return 0;
    if ((s->count + 1) * 2 > s->mask + 1 && grow(s) != 0)
        return WARTA_ENOMEM;
    uint64_t h = whash(key, len);
    bool found;
    size_t i = probe(s, key, len, h, &found);
    if (found) {
        char *v = s->arena + s->slots[i] + len;
        uint32_t old;
        memcpy(&old, v, 4);
        old |= val;
        memcpy(v, &old, 4);
        return 0;
    }
    if (s->arena_len + len + 5 > s->arena_cap) {
        size_t cap = s->arena_cap * 2;
        while (cap < s->arena_len + len + 5)
            cap *= 2;
        if (cap > UINT32_MAX - 1)
            return WARTA_ENOMEM;
        char *a = wrealloc(s->arena, cap);
        if (!a)
            return WARTA_ENOMEM;
        s->arena = a;
        s->arena_cap = cap;
    }
    size_t off = s->arena_len;
    s->arena[off] = (char)(unsigned char)len;
    memcpy(s->arena + off + 1, key, len);
    memcpy(s->arena + off + 1 + len, &val, 4);
    s->arena_len += len + 5;
    s->slots[i] = (uint32_t)off + 1;
    s->tags[i] = (uint32_t)(h >> 32);
    s->count++;
    return 0;
}

bool wordset_get(const wordset *s, const char *key, size_t len, uint32_t *val)
{
    if (s->ext_get)
        return len <= WORDSET_MAX_KEY && s->ext_get(s->ext, key, len, val);
    if (!s->slots || len > WORDSET_MAX_KEY)
        return false;
    bool found;
    size_t i = probe(s, key, len, whash(key, len), &found);
    if (found && val) {
        memcpy(val, s->arena + s->slots[i] + len, 4);
    }
    return found;
}

void wordset_each(const wordset *s,
                  void (*fn)(void *ctx, const char *key, size_t len, uint32_t val), void *ctx)
{
    size_t off = 0;
    while (off < s->arena_len) {
        const unsigned char *k = (const unsigned char *)s->arena + off;
        size_t len = k[0];
        uint32_t v;
        memcpy(&v, k + 1 + len, 4);
        fn(ctx, (const char *)k + 1, len, v);
        off += len + 5;
    }
}

void wordset_free(wordset *s)
{
    wfree(s->arena);
    wfree(s->slots);
    wfree(s->tags);
    memset(s, 0, sizeof *s);
}
