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
    _Atomic(const uint8_t *) *slot;  /* per document: date, url, source, path packed, or NULL */
    _Atomic(const uint8_t *) *head;  /* per document: id and title packed, or NULL */
    brief_chunk *chunks;             /* storage */
    _Atomic size_t bytes;            /* stored so far (read without the lock) */
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
    c->head = wcalloc(total ? total : 1, sizeof *c->head);
    if (!c->slot || !c->head) {
        wfree((void *)c->slot);
        wfree((void *)c->head);
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
    wfree((void *)c->head);
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
    atomic_fetch_add_explicit(&c->bytes, n, memory_order_relaxed);
    return p;
}

/* A packed record: n u32 lengths (BRIEF_NONE for a missing field), then
 * the bytes of the fields present. */
static void unpack(const uint8_t *p, int n, const char **f, uint32_t *len)
{
    const char *s = (const char *)p + (size_t)n * 4;
    for (int i = 0; i < n; i++) {
        uint32_t l;
        memcpy(&l, p + 4 * i, 4);
        if (l == BRIEF_NONE) {
            f[i] = NULL;
            len[i] = 0;
        } else {
            f[i] = s;
            len[i] = l;
            s += l;
        }
    }
}

/* Packs n fields; called with the mutex held. */
static const uint8_t *pack(brief_cache *c, int n, const char *const *f, const size_t *l_in)
{
    size_t l[6];
    size_t total = (size_t)n * 4;
    for (int i = 0; i < n; i++) {
        l[i] = l_in[i] >= BRIEF_NONE ? BRIEF_NONE - 1 : l_in[i];
        total += f[i] ? l[i] : 0;
    }
    uint8_t *p = store(c, total);
    if (!p)
        return NULL;
    uint8_t *s = p + (size_t)n * 4;
    for (int i = 0; i < n; i++) {
        uint32_t v = f[i] ? (uint32_t)l[i] : BRIEF_NONE;
        memcpy(p + 4 * i, &v, 4);
        if (f[i]) {
            memcpy(s, f[i], l[i]);
            s += l[i];
        }
    }
    return p;
}

int brief_head(brief_cache *c, uint32_t seg, uint32_t doc, wbuf *scratch, brief_doc *out)
{
    if (seg >= c->nseg)
        return WARTA_EINVAL;
    seg_reader *r = seg_snapshot_segment(c->snap, seg);
    if (doc >= seg_ndocs(r))
        return WARTA_EINVAL;
    if (seg_reader_failed(r))
        return WARTA_ECORRUPT;   /* a per-document chunk failed: the message is set */
    _Atomic(const uint8_t *) *slot = &c->head[c->base[seg] + doc];
    const uint8_t *p = atomic_load_explicit(slot, memory_order_acquire);
    if (!p) {
        const char *f[2];
        size_t l[2];
        int rc = seg_doc_head(r, doc, scratch, &f[0], &l[0], &f[1], &l[1]);
        if (rc)
            return rc;
        if (atomic_load_explicit(&c->bytes, memory_order_relaxed) > BRIEF_BUDGET) {
            /* Full: hand out the scratch copy (valid until its reuse). */
            out->f[BRIEF_ID] = f[0];
            out->len[BRIEF_ID] = (uint32_t)l[0];
            out->f[BRIEF_TITLE] = f[1];
            out->len[BRIEF_TITLE] = (uint32_t)l[1];
            return WARTA_ENOTFOUND;
        }
        pthread_mutex_lock(&c->mu);
        p = atomic_load_explicit(slot, memory_order_relaxed);
        if (!p) {
            p = pack(c, 2, f, l);
            if (p)
                atomic_store_explicit(slot, p, memory_order_release);
        }
        pthread_mutex_unlock(&c->mu);
        if (!p)
            return WARTA_ENOMEM;
    }
    unpack(p, 2, &out->f[BRIEF_ID], &out->len[BRIEF_ID]);
    return 0;
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
        unpack(p, 4, &out->f[BRIEF_DATE], &out->len[BRIEF_DATE]);
        return brief_head(c, seg, doc, scratch, out) == 0 ? 0 : WARTA_ENOTFOUND;
    }
    if (atomic_load_explicit(&c->bytes, memory_order_relaxed) > BRIEF_BUDGET)
        return WARTA_ENOTFOUND;
    uint32_t b = docstore_block_of(r, doc);
    const uint8_t *e = r->ds_index + (size_t)b * FMT_STORE_ENTRY;
    uint32_t first = le32_get(e + 16), n = le32_get(e + 20);
    if (!docstore_entry_ok(r, b) || doc < first || doc - first >= n || n > seg_ndocs(r) - first) {
        seg_reader_set_error(r, "%s: document store index entry %u is damaged (the index is "
                             "damaged; rebuild it)", r->path, b);
        return WARTA_ECORRUPT;
    }
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
        const char *f[4] = {d.date, d.url, d.source, d.path};
        size_t l[4] = {d.date_len, d.url_len, d.source_len, d.path_len};
        const uint8_t *packed = pack(c, 4, f, l);
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
    unpack(p, 4, &out->f[BRIEF_DATE], &out->len[BRIEF_DATE]);
    return brief_head(c, seg, doc, scratch, out) == 0 ? 0 : WARTA_ENOTFOUND;
}
