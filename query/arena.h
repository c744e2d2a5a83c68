/*
 * arena.h: the per-query arena.  Everything a query needs while it runs
 * (AST nodes, analyzed terms, cursors, heaps, bitmaps, snippet text) comes
 * from one arena that grows in chunks and is reset, not freed, between
 * queries, so the hot loops of searching never call malloc.  Used by every
 * file of query/.
 */
#ifndef WARTA_QUERY_ARENA_H
#define WARTA_QUERY_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct qarena {
    arena_chunk *head;          /* chunk being filled; older chunks follow through ->next */
    size_t used;                /* bytes used in head */
    size_t chunk_size;          /* size of the next chunk to allocate */
} qarena;

/* An empty arena; nothing is allocated until the first arena_alloc(). */
void arena_init(qarena *a, size_t first_chunk);

/* n bytes aligned to 16, or NULL when out of memory.  Valid until
 * arena_reset() or arena_free(). */
void *arena_alloc(qarena *a, size_t n);

/* Like arena_alloc, zero-filled. */
void *arena_calloc(qarena *a, size_t count, size_t n);

/* A NUL-terminated copy of s[0..n), or NULL. */
char *arena_strndup(qarena *a, const char *s, size_t n);

/* Forgets every allocation but keeps the largest chunk for reuse. */
void arena_reset(qarena *a);

/* Releases all memory; the arena may be reused after arena_init(). */
void arena_free(qarena *a);

#endif
