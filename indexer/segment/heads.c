/*
 * heads.c: the external ids and titles of a segment's documents, kept
 * apart from the compressed document store so that listing hits costs well
 * under a microsecond per hit: ids are front-coded in blocks of
 * FMT_HEADS_CHUNK documents, titles are sequences of codes into a
 * per-segment table of the title words seen more than once (the most
 * frequent get the one-byte codes), other words are stored literally.
 * Written by segw_finish() (flush and merge), read by seg_doc_head() and
 * seg_doc_fetch() (query/, replace-on-add, check).  FORMAT.md "Ids and
 * titles" is the spec.
 */
#include "indexer/segment/format.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* A distinct title word while encoding. */
typedef struct hword {
    uint64_t hash;
    uint32_t off, len;          /* its bytes in the word arena */
    uint32_t count;             /* occurrences */
    uint32_t code;              /* 0: stored literally, else its code */
    bool used;                  /* slot holds a word */
} hword;

typedef struct hwords {
    hword *e;                   /* open addressing */
    uint32_t cap, n;
    wbuf arena;                 /* the words' bytes */
} hwords;

static uint64_t word_hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)p[i]) * 1099511628211ull;
    return h ^ (h >> 31);
}

static hword *words_find(hwords *t, const char *p, size_t len, bool add, int *rc)
{
    if (add && (t->n + 1) * 2 > t->cap) {
        uint32_t nc = t->cap ? t->cap * 2 : 4096;
        hword *e = wcalloc(nc, sizeof *e);
        if (!e) {
            *rc = WARTA_ENOMEM;
            return NULL;
        }
        for (uint32_t i = 0; i < t->cap; i++) {
            if (!t->e[i].used)
                continue;
            uint32_t k = (uint32_t)t->e[i].hash & (nc - 1);
            while (e[k].used)
                k = (k + 1) & (nc - 1);
            e[k] = t->e[i];
        }
        wfree(t->e);
        t->e = e;
        t->cap = nc;
    }
    if (!t->cap)
        return NULL;
    uint64_t h = word_hash(p, len);
    uint32_t k = (uint32_t)h & (t->cap - 1);
    while (t->e[k].used) {
        if (t->e[k].hash == h && t->e[k].len == len &&
            memcmp(t->arena.data + t->e[k].off, p, len) == 0)
            return &t->e[k];
        k = (k + 1) & (t->cap - 1);
    }
    if (!add)
        return NULL;
    t->e[k].used = true;
    t->e[k].off = (uint32_t)t->arena.len;
    t->e[k].len = (uint32_t)len;
    t->e[k].hash = h;
    wbuf_append(&t->arena, p, len);
    if (t->arena.oom || t->arena.len > UINT32_MAX) {
        *rc = WARTA_ENOMEM;
        return NULL;
    }
    t->n++;
    return &t->e[k];
}

static int word_rank_cmp(const void *a, const void *b, void *ctx)
{
    const hwords *t = ctx;
    const hword *x = *(hword *const *)a, *y = *(hword *const *)b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    size_t m = x->len < y->len ? x->len : y->len;
    int c = memcmp(t->arena.data + x->off, t->arena.data + y->off, m);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* Document d's id and title: from the raw head records, or from the
 * docinfo's source (merge). */
static int get_head(const segw_docinfo *di, uint32_t d, seg_doc *out)
{
    memset(out, 0, sizeof *out);
    if (di->head_get)
        return di->head_get(di->head_ctx, d, out);
    const uint8_t *p = (const uint8_t *)di->heads.data + le32_get(di->head_off.data + 4 * (size_t)d);
    const uint8_t *end = d + 1 < di->ndocs
                             ? (const uint8_t *)di->heads.data +
                                   le32_get(di->head_off.data + 4 * (size_t)d + 4)
                             : (const uint8_t *)di->heads.data + di->heads.len;
    return docstore_head_next(&p, end, out);
}

int heads_encode(const segw_docinfo *di, wbuf *index, wbuf *data)
{
    hwords t;
    memset(&t, 0, sizeof t);
    hword **order = NULL;
    wbuf prev = WBUF_INIT;
    int rc = 0;
    /* pass 1: count the title words */
    for (uint32_t d = 0; d < di->ndocs && !rc; d++) {
        seg_doc h;
        rc = get_head(di, d, &h);
        if (rc || !h.title_len)
            continue;
        const char *s = h.title, *end = h.title + h.title_len;
        for (;;) {
            const char *sp = memchr(s, ' ', (size_t)(end - s));
            const char *we = sp ? sp : end;
            hword *w = words_find(&t, s, (size_t)(we - s), true, &rc);
            if (!w)
                break;
            w->count++;
            if (!sp)
                break;
            s = sp + 1;
        }
    }
    /* the words seen twice or more get codes, the most frequent the smallest */
    uint32_t nwords = 0;
    if (!rc && t.n) {
        order = wmalloc((size_t)t.n * sizeof *order);
        if (!order)
            rc = WARTA_ENOMEM;
        for (uint32_t i = 0; !rc && i < t.cap; i++)
            if (t.e[i].used && t.e[i].count >= 2)
                order[nwords++] = &t.e[i];
        if (!rc)
            qsort_r(order, nwords, sizeof *order, word_rank_cmp, &t);
        for (uint32_t i = 0; !rc && i < nwords; i++)
            order[i]->code = i + 1;
    }
    uint32_t nblocks = (di->ndocs + FMT_HEADS_CHUNK - 1) / FMT_HEADS_CHUNK;
    /* the words back to back, with an offset each, so that a reader finds
     * word i without reading the ones before */
    wbuf words = WBUF_INIT, woff = WBUF_INIT;
    for (uint32_t i = 0; !rc && i < nwords; i++) {
        wbuf_put_u32le(&woff, (uint32_t)words.len);
        wbuf_append(&words, t.arena.data + order[i]->off, order[i]->len);
    }
    wbuf_put_u32le(&woff, (uint32_t)words.len);
    wbuf_put_u32le(index, nblocks);
    wbuf_put_u32le(index, nwords);
    wbuf_put_u32le(index, (uint32_t)words.len);
    wbuf_append(index, woff.data, woff.len);
    wbuf_append(index, words.data, words.len);
    while (index->len % 4 && !index->oom) /* a failed buffer never grows */
        wbuf_putc(index, 0);
    size_t offs_at = index->len;
    for (uint32_t b = 0; b <= nblocks; b++)
        wbuf_put_u32le(index, 0);
    size_t crcs_at = index->len;
    for (uint32_t b = 0; b < nblocks; b++)
        wbuf_put_u32le(index, 0);
    if (index->oom || words.oom || woff.oom || words.len > UINT32_MAX)
        rc = WARTA_ENOMEM;
    wbuf_free(&words);
    wbuf_free(&woff);
    /* pass 2: the records */
    size_t block_start = 0;
    for (uint32_t d = 0; d < di->ndocs && !rc; d++) {
        if (d % FMT_HEADS_CHUNK == 0) {
            uint8_t *ix = (uint8_t *)index->data;
            uint32_t b = d / FMT_HEADS_CHUNK;
            if (b > 0) {
                uint32_t crc = wcrc32(0, data->data + block_start, data->len - block_start);
                for (int k = 0; k < 4; k++)
                    ix[crcs_at + 4 * (b - 1) + k] = (uint8_t)(crc >> (8 * k));
            }
            for (int k = 0; k < 4; k++)
                ix[offs_at + 4 * b + k] = (uint8_t)(data->len >> (8 * k));
            block_start = data->len;
            wbuf_reset(&prev);
        }
        seg_doc h;
        rc = get_head(di, d, &h);
        if (rc)
            break;
        size_t shared = 0;
        while (shared < prev.len && shared < h.id_len && prev.data[shared] == h.id[shared])
            shared++;
        wbuf_put_varint(data, shared);
        wbuf_put_varint(data, h.id_len - shared);
        wbuf_append(data, h.id ? h.id + shared : "", h.id_len - shared);
        wbuf_reset(&prev);
        wbuf_append(&prev, h.id ? h.id : "", h.id_len);
        if (!h.title_len) {
            wbuf_put_varint(data, 0);
            continue;
        }
        uint32_t ntok = 1;
        for (size_t i = 0; i < h.title_len; i++)
            ntok += h.title[i] == ' ';
        wbuf_put_varint(data, ntok);
        const char *s = h.title, *end = h.title + h.title_len;
        for (;;) {
            const char *sp = memchr(s, ' ', (size_t)(end - s));
            const char *we = sp ? sp : end;
            hword *w = words_find(&t, s, (size_t)(we - s), false, &rc);
            if (w && w->code) {
                wbuf_put_varint(data, w->code);
            } else {
                wbuf_put_varint(data, 0);
                wbuf_put_varint(data, (uint64_t)(we - s));
                wbuf_append(data, s, (size_t)(we - s));
            }
            if (!sp)
                break;
            s = sp + 1;
        }
    }
    if (!rc && nblocks) {
        uint8_t *ix = (uint8_t *)index->data;
        uint32_t crc = wcrc32(0, data->data + block_start, data->len - block_start);
        for (int k = 0; k < 4; k++) {
            ix[crcs_at + 4 * (nblocks - 1) + k] = (uint8_t)(crc >> (8 * k));
            ix[offs_at + 4 * nblocks + k] = (uint8_t)(data->len >> (8 * k));
        }
    }
    if (!rc && (data->oom || index->oom || prev.oom || data->len > UINT32_MAX))
        rc = WARTA_ENOMEM;
    wfree(order);
    wfree(t.e);
    wbuf_free(&t.arena);
    wbuf_free(&prev);
    return rc;
}

int heads_reader_init(seg_reader *r, const uint8_t *index, size_t len, const uint8_t *data,
                      size_t data_len)
{
    /* Only the sizes are checked here, so that opening costs the same
     * whatever the corpus: word offsets and block offsets are checked
     * where they are used (and all of them by warta check). */
    uint64_t nblocks = ((uint64_t)r->ndocs + FMT_HEADS_CHUNK - 1) / FMT_HEADS_CHUNK;
    if (len < 16 || le32_get(index) != nblocks || data_len > UINT32_MAX)
        return WARTA_ECORRUPT;
    uint64_t nwords = le32_get(index + 4), words_len = le32_get(index + 8);
    uint64_t wpad = (4 * (nwords + 1) + words_len + 3) / 4 * 4;
    if (len != 12 + wpad + 4 * (nblocks + 1) + 4 * nblocks)
        return WARTA_ECORRUPT;
    r->head_nblocks = (uint32_t)nblocks;
    r->head_nwords = (uint32_t)nwords;
    r->head_woff = index + 12;
    r->head_words = index + 12 + 4 * (nwords + 1);
    r->head_words_len = (uint32_t)words_len;
    r->head_off = index + 12 + wpad;
    r->head_crc = r->head_off + 4 * (nblocks + 1);
    r->heads = data;
    r->heads_len = data_len;
    r->heads_verified = wcalloc(nblocks + 1, 1);
    return r->heads_verified ? 0 : WARTA_ENOMEM;
}

/* Title word number i (code i + 1), or false when its offsets are wrong. */
static bool head_word(const seg_reader *r, uint32_t i, const uint8_t **w, size_t *len)
{
    uint32_t a = le32_get(r->head_woff + 4 * (size_t)i), b = le32_get(r->head_woff + 4 * (size_t)i + 4);
    if (a > b || b > r->head_words_len)
        return false;
    *w = r->head_words + a;
    *len = b - a;
    return true;
}

int heads_check_index(seg_reader *r)
{
    const uint8_t *w;
    size_t len;
    for (uint32_t i = 0; i < r->head_nwords; i++)
        if (!head_word(r, i, &w, &len))
            return WARTA_ECORRUPT;
    if (r->head_nwords && le32_get(r->head_woff + 4 * (size_t)r->head_nwords) != r->head_words_len)
        return WARTA_ECORRUPT;
    uint32_t prev = 0;
    for (uint64_t b = 0; b <= r->head_nblocks; b++) {
        uint32_t o = le32_get(r->head_off + 4 * b);
        if (o < prev || o > r->heads_len || (b == 0 && o != 0) ||
            (b == r->head_nblocks && o != r->heads_len))
            return WARTA_ECORRUPT;
        prev = o;
    }
    return 0;
}

/* Decodes document doc's id and title, appending their bytes to out;
 * sets their offsets in out. */
static int heads_decode(seg_reader *r, uint32_t doc, wbuf *out, size_t *id_off, size_t *id_len,
                        size_t *title_off, size_t *title_len)
{
    uint32_t b = doc / FMT_HEADS_CHUNK;
    uint32_t lo = le32_get(r->head_off + 4 * (size_t)b), hi = le32_get(r->head_off + 4 * (size_t)b + 4);
    if (lo > hi || hi > r->heads_len)
        goto bad;
    uint8_t v = atomic_load_explicit(&r->heads_verified[b], memory_order_acquire);
    if (v != 1) {
        bool ok = v == 0 && wcrc32(0, r->heads + lo, hi - lo) == le32_get(r->head_crc + 4 * (size_t)b);
        atomic_store_explicit(&r->heads_verified[b], ok ? 1 : 2, memory_order_release);
        if (!ok) {
            seg_reader_set_error(r, "%s: ids and titles block %u fails its checksum (the index "
                                 "is damaged; rebuild it)", r->path, b);
            return WARTA_ECORRUPT;
        }
    }
    const uint8_t *p = r->heads + lo, *end = r->heads + hi;
    /* Every id of the block is rebuilt in place at id_at: the shared
     * prefix of the previous one is already there.  Titles before doc are
     * skipped without copying. */
    size_t id_at = out->len, prev_len = 0;
    for (uint32_t d = b * FMT_HEADS_CHUNK; d <= doc; d++) {
        uint64_t shared, suf, ntok;
        if (!fmt_varint(&p, end, &shared) || !fmt_varint(&p, end, &suf) || shared > prev_len ||
            suf > (uint64_t)(end - p))
            goto bad;
        size_t len = (size_t)(shared + suf);
        if (id_at + len > out->len && wbuf_reserve(out, id_at + len - out->len))
            return WARTA_ENOMEM;
        memcpy(out->data + id_at + shared, p, (size_t)suf);
        out->len = id_at + len;
        out->data[out->len] = '\0';
        p += suf;
        prev_len = len;
        if (!fmt_varint(&p, end, &ntok) || ntok > (uint64_t)(end - p) + 1)
            goto bad;
        if (d < doc) {
            /* Skipped byte by byte: a code is a varint, 0 (one byte) starts
             * a literal; code ranges are checked when that title is read. */
            for (uint64_t k = 0; k < ntok; k++) {
                if (p >= end)
                    goto bad;
                uint8_t c = *p++;
                if (c == 0) {
                    uint64_t l;
                    if (!fmt_varint(&p, end, &l) || l > (uint64_t)(end - p))
                        goto bad;
                    p += l;
                    continue;
                }
                while (c & 0x80) {
                    if (p >= end)
                        goto bad;
                    c = *p++;
                }
            }
            continue;
        }
        size_t toff = out->len;
        for (uint64_t k = 0; k < ntok; k++) {
            uint64_t code, l;
            if (!fmt_varint(&p, end, &code))
                goto bad;
            if (k > 0)
                wbuf_putc(out, ' ');
            if (code == 0) {
                if (!fmt_varint(&p, end, &l) || l > (uint64_t)(end - p))
                    goto bad;
                wbuf_append(out, p, (size_t)l);
                p += l;
            } else {
                const uint8_t *w;
                size_t wl;
                if (code > r->head_nwords || !head_word(r, (uint32_t)(code - 1), &w, &wl))
                    goto bad;
                wbuf_append(out, w, wl);
            }
        }
        if (out->oom)
            return WARTA_ENOMEM;
        *id_off = id_at;
        *id_len = prev_len;
        *title_off = toff;
        *title_len = out->len - toff;
        return 0;
    }
bad:
    seg_reader_set_error(r, "%s: ids and titles block %u is malformed", r->path, b);
    return WARTA_ECORRUPT;
}

int seg_doc_head(seg_reader *r, uint32_t doc, wbuf *scratch, const char **id, size_t *id_len,
                 const char **title, size_t *title_len)
{
    if (doc >= r->ndocs)
        return WARTA_EINVAL;
    wbuf_reset(scratch);
    size_t io, il, to, tl;
    int rc = heads_decode(r, doc, scratch, &io, &il, &to, &tl);
    if (rc)
        return rc;
    *id = il ? scratch->data + io : NULL;
    *id_len = il;
    *title = tl ? scratch->data + to : NULL;
    *title_len = tl;
    return 0;
}

int heads_append(seg_reader *r, uint32_t doc, wbuf *out, size_t *id_off, size_t *id_len,
                 size_t *title_off, size_t *title_len)
{
    if (doc >= r->ndocs)
        return WARTA_EINVAL;
    return heads_decode(r, doc, out, id_off, id_len, title_off, title_len);
}
