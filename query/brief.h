/*
 * brief.h: a per-index cache of the hits' short stored fields (id, title,
 * date, url, source, path).  The document store keeps them in zlib blocks
 * of 32 KiB, so a cold fetch costs one block decompression; the first time
 * a block is needed, every document of it is parsed into the cache, so
 * later hits on any of them cost a pointer load.  Bounded by
 * BRIEF_BUDGET bytes; past it hits are fetched directly.  Thread-safe:
 * lookups take no lock.  Used by searcher.c.
 */
#ifndef WARTA_QUERY_BRIEF_H
#define WARTA_QUERY_BRIEF_H

#include <stddef.h>
#include <stdint.h>

#include "corpus/base.h"
#include "indexer/segment/segment.h"

#define BRIEF_BUDGET ((size_t)256 << 20)

typedef struct brief_cache brief_cache;

/* The short fields of one document, borrowed until brief_free(). */
typedef struct brief_doc {
    const char *f[6];        /* id, title, date, url, source, path (NULL when absent) */
    uint32_t len[6];         /* their lengths */
} brief_doc;

/* Fills out's id and title (the segment's small head blocks on a miss,
 * one document at a time).  Same returns as brief_get(). */
int brief_head(brief_cache *c, uint32_t seg, uint32_t doc, wbuf *scratch, brief_doc *out);

enum { BRIEF_ID, BRIEF_TITLE, BRIEF_DATE, BRIEF_URL, BRIEF_SOURCE, BRIEF_PATH };

/* A cache for the segments of snap.  Returns 0 or WARTA_ENOMEM. */
int brief_open(brief_cache **out, seg_snapshot *snap);
void brief_free(brief_cache *c);

/* Fills out with doc's fields from the cache, loading its document-store
 * block on a miss, which caches date, url, source and path of every
 * document of the block (scratch is the caller's decompression buffer); id
 * and title come from brief_head().  Returns 0,
 * WARTA_ENOTFOUND (over budget: fetch the document directly),
 * WARTA_ECORRUPT, WARTA_ENOMEM, WARTA_EINVAL. */
int brief_get(brief_cache *c, uint32_t seg, uint32_t doc, wbuf *scratch, brief_doc *out);

#endif
