/*
 * arena.c: the bump allocator of arena.h.  Chunks come from wmalloc (so the
 * fault-injection tests reach them); a reset keeps the newest, largest chunk
 * so a steady stream of queries stops allocating after the first few.
 */
#include "query/arena.h"

#include <stdint.h>
#include <string.h>

#include "corpus/base.h"

struct arena_chunk {
    arena_chunk *next;          /* older chunk */
    size_t size;                /* usable bytes after the header */
    max_align_t data[];         /* the bytes handed out */
};

void arena_init(qarena *a, size_t first_chunk)
{
    a->head = NULL;
    a->used = 0;
    a->chunk_size = first_chunk < 1024 ? 1024 : first_chunk;
}

void *arena_alloc(qarena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    if (!a->head || a->head->size - a->used < n) {
        size_t size = a->chunk_size;
        while (size < n)
            size *= 2;
        if (size > SIZE_MAX / 2 - sizeof(arena_chunk))
            return NULL;
        arena_chunk *c = wmalloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->next = a->head;
        c->size = size;
        a->head = c;
        a->used = 0;
        a->chunk_size = size * 2;
    }
    void *p = (char *)a->head->data + a->used;
    a->used += n;
    return p;
}

void *arena_calloc(qarena *a, size_t count, size_t n)
{
    if (n && count > SIZE_MAX / n)
        return NULL;
    void *p = arena_alloc(a, count * n);
    if (p)
        memset(p, 0, count * n);
    return p;
}

char *arena_strndup(qarena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1);
    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

void arena_reset(qarena *a)
{
    if (!a->head)
        return;
    /* The head is the newest and largest chunk: keep it alone. */
    arena_chunk *c = a->head->next;
    while (c) {
        arena_chunk *next = c->next;
        wfree(c);
        c = next;
    }
    a->head->next = NULL;
    a->used = 0;
}

void arena_free(qarena *a)
{
    arena_chunk *c = a->head;
    while (c) {
        arena_chunk *next = c->next;
        wfree(c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
}
