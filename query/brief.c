/*
 * brief.c: the short-field cache of brief.h.  Entries are packed records
 * (six u32 lengths, then the bytes) in chunks owned by the cache; each
 * document has an atomic slot that is written once, under the cache's
 * mutex, and read without locking.  The block layout comes from the
 * segment's document-store index (indexer/segment/format.h).
 */
#include "query/brief.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "indexer/segment/format.h"

#define BRIEF_CHUNK ((size_t)1 << 20)
#define BRIEF_NONE UINT32_MAX

typedef struct brief_chunk {
    struct brief_chunk *next;  /* older chunk */
    size_t used, size;         /* bytes handed out, bytes available */
    max_align_t data[];
} brief_chunk;

struct brief_cache {
    pthread_mutex_t mu;              /* guards filling and the chunks */
    seg_snapshot *snap;              /* the segments */
    size_t nseg;
    uint64_t *base;                  /* per segment: first slot */
    _Atomic(const uint8_t *) *slot;  /* per document: its packed record or NULL */
    brief_chunk *chunks;             /* storage */
    size_t bytes;                    /* stored so far */
};

int brief_open(brief_cache **out, seg_snapshot *snap)
{
    *out = NULL;
    brief_cache *c = wcalloc(1, sizeof *c);
    if (!c)
        return WARTA_ENOMEM;
    c->snap = snap;
    c->nseg = seg_snapshot_count(snap);
    c->base = wcalloc(c->nseg + 1, sizeof *c->base);
    if (!c->base) {
        wfree(c);
        return WARTA_ENOMEM;
    }
    uint64_t total = 0;
    for (size_t i = 0; i < c->nseg; i++) {
        c->base[i] = total;
        total += seg_ndocs(seg_snapshot_segment(snap, i));
    }
    c->base[c->nseg] = total;
    /* calloc of a large array maps zero pages: no cost until touched. */
    c->slot = wcalloc(total ? total : 1, sizeof *c->slot);
    if (!c->slot) {
        wfree(c->base);
        wfree(c);
        return WARTA_ENOMEM;
    }
    pthread_mutex_init(&c->mu, NULL);
    *out = c;
    return 0;
}

void brief_free(brief_cache *c)
{
    if (!c)
        return;
    brief_chunk *k = c->chunks;
    while (k) {
        brief_chunk *next = k->next;
        wfree(k);
        k = next;
    }
    pthread_mutex_destroy(&c->mu);
    wfree((void *)c->slot);
    wfree(c->base);
    wfree(c);
}

/* Storage for n bytes; called with the mutex held. */
static uint8_t *store(brief_cache *c, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (!c->chunks || c->chunks->size - c->chunks->used < n) {
        size_t size = n > BRIEF_CHUNK ? n : BRIEF_CHUNK;
        brief_chunk *k = wmalloc(sizeof *k + size);
        if (!k)
            return NULL;
        k->next = c->chunks;
        k->used = 0;
        k->size = size;
        c->chunks = k;
    }
    uint8_t *p = (uint8_t *)c->chunks->data + c->chunks->used;
    c->chunks->used += n;
    c->bytes += n;
    return p;
}

static void unpack(const uint8_t *p, brief_doc *out)
{
    const char *s = (const char *)p + 6 * 4;
    for (int i = 0; i < 6; i++) {
        uint32_t l;
        memcpy(&l, p + 4 * i, 4);
        if (l == BRIEF_NONE) {
            out->f[i] = NULL;
            out->len[i] = 0;
        } else {
            out->f[i] = s;
            out->len[i] = l;
            s += l;
        }
    }
}

/* Packs d's short fields; called with the mutex held. */
static const uint8_t *pack(brief_cache *c, const seg_doc *d)
{
    const char *f[6] = {d->id, d->title, d->date, d->url, d->source, d->path};
    size_t l[6] = {d->id_len, d->title_len, d->date_len, d->url_len, d->source_len, d->path_len};
    size_t n = 6 * 4;
    for (int i = 0; i < 6; i++) {
        if (l[i] >= BRIEF_NONE)
            l[i] = BRIEF_NONE - 1;
        n += f[i] ? l[i] : 0;
    }
    uint8_t *p = store(c, n);
    if (!p)
        return NULL;
    uint8_t *s = p + 6 * 4;
    for (int i = 0; i < 6; i++) {
        uint32_t v = f[i] ? (uint32_t)l[i] : BRIEF_NONE;
        memcpy(p + 4 * i, &v, 4);
        if (f[i]) {
            memcpy(s, f[i], l[i]);
            s += l[i];
        }
    }
    return p;
}

static uint32_t find_block(const seg_reader *r, uint32_t doc)
{
    uint32_t lo = 0, hi = r->ds_nblocks;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (le32_get(r->ds_index + (size_t)mid * FMT_STORE_ENTRY + 16) <= doc)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

int brief_get(brief_cache *c, uint32_t seg, uint32_t doc, wbuf *scratch, brief_doc *out)
{
    if (seg >= c->nseg)
        return WARTA_EINVAL;
    seg_reader *r = seg_snapshot_segment(c->snap, seg);
    if (doc >= seg_ndocs(r) || r->ds_nblocks == 0)
        return WARTA_EINVAL;
    _Atomic(const uint8_t *) *slots = c->slot + c->base[seg];
    const uint8_t *p = atomic_load_explicit(&slots[doc], memory_order_acquire);
    if (p) {
        unpack(p, out);
        return 0;
    }
    if (c->bytes > BRIEF_BUDGET)
        return WARTA_ENOTFOUND;
    uint32_t b = find_block(r, doc);
    const uint8_t *e = r->ds_index + (size_t)b * FMT_STORE_ENTRY;
    uint32_t first = le32_get(e + 16), n = le32_get(e + 20);
    if (doc < first || doc - first >= n || n > seg_ndocs(r) - first)
        return WARTA_ECORRUPT;
    int rc = docstore_load_block(r, b, scratch);
    if (rc)
        return rc;
    const uint8_t *q = (const uint8_t *)scratch->data, *end = q + scratch->len;
    pthread_mutex_lock(&c->mu);
    for (uint32_t i = 0; i < n && !rc; i++) {
        seg_doc d;
        memset(&d, 0, sizeof d);
        rc = docstore_next(&q, end, &d);
        if (rc)
            break;
        if (atomic_load_explicit(&slots[first + i], memory_order_relaxed))
            continue;
        const uint8_t *packed = pack(c, &d);
        if (!packed) {
            rc = WARTA_ENOMEM;
            break;
        }
        atomic_store_explicit(&slots[first + i], packed, memory_order_release);
    }
    pthread_mutex_unlock(&c->mu);
    if (rc)
        return rc;
    p = atomic_load_explicit(&slots[doc], memory_order_acquire);
    if (!p)
        return WARTA_ECORRUPT;
    unpack(p, out);
    return 0;
}
