/*
 * dict.c: the term dictionary of a segment.  Terms are sorted by bytes and
 * front-coded in blocks of FMT_DICT_BLOCK; a block index (offsets and
 * checksums of the block and of its terms' postings and positions) and the
 * first term of every block form the sparse in-memory index searched by
 * binary search.  Written by dict_builder (flush and merge), read by
 * seg_term_lookup/prefix/each (query/, merge, check).
 */
#include "indexer/segment/format.h"

#include <stdatomic.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Building                                                                 */
/* ------------------------------------------------------------------------ */

void dict_builder_init(dict_builder *d)
{
    memset(d, 0, sizeof *d);
}

void dict_builder_free(dict_builder *d)
{
    wbuf_free(&d->data);
    wbuf_free(&d->index);
    wbuf_free(&d->keys);
    wbuf_free(&d->key_offs);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void close_block(dict_builder *d)
{
    if (d->in_block == 0)
        return;
    uint8_t *e = (uint8_t *)d->index.data + d->index.len - FMT_DICT_ENTRY;
    put_le32(e + 20, (uint32_t)(d->data.len - d->block_data));
    put_le32(e + 24, wcrc32(0, d->data.data + d->block_data, d->data.len - d->block_data));
    put_le32(e + 28, d->post_crc);
    put_le32(e + 32, d->pos_crc);
    put_le32(e + 36, d->in_block);
    /* the entry's own checksum, over its fields and its block's key, so a
     * reader checks just the entries it uses */
    uint32_t ko = le32_get(d->key_offs.data + d->key_offs.len - 4);
    put_le32(e + 40, wcrc32(wcrc32(0, e, 40), d->keys.data + ko, d->keys.len - ko));
    d->in_block = 0;
}

void dict_builder_add(dict_builder *d, const char *term, size_t len, uint32_t df, uint64_t cf,
                      uint64_t post_off, uint64_t post_len, uint64_t pos_off, uint64_t pos_len,
                      const void *post, const void *pos, int *rc)
{
    if (*rc)
        return;
    if (len > SEG_MAX_TERM)
        len = SEG_MAX_TERM;
    if (d->in_block == FMT_DICT_BLOCK)
        close_block(d);
    size_t shared = 0;
    if (d->in_block == 0) {
        if (d->index.oom) {
            *rc = WARTA_ENOMEM;
            return;
        }
        uint8_t e[FMT_DICT_ENTRY] = {0};
        for (int i = 0; i < 8; i++) {
            e[i] = (uint8_t)(post_off >> (8 * i));
            e[8 + i] = (uint8_t)(pos_off >> (8 * i));
        }
        put_le32(e + 16, (uint32_t)d->data.len);
        wbuf_append(&d->index, e, sizeof e);
        wbuf_put_u32le(&d->key_offs, (uint32_t)d->keys.len);
        wbuf_append(&d->keys, term, len);
        d->block_data = d->data.len;
        d->post_crc = d->pos_crc = 0;
    } else {
        while (shared < len && shared < d->last_len && term[shared] == d->last[shared])
            shared++;
    }
    d->post_crc = wcrc32(d->post_crc, post_len ? post : "", post_len);
    d->pos_crc = wcrc32(d->pos_crc, pos_len ? pos : "", pos_len);
    wbuf_put_varint(&d->data, shared);
    wbuf_put_varint(&d->data, len - shared);
    wbuf_append(&d->data, term + shared, len - shared);
    wbuf_put_varint(&d->data, df);
    wbuf_put_varint(&d->data, cf - df);
    wbuf_put_varint(&d->data, post_len);
    wbuf_put_varint(&d->data, pos_len);
    memcpy(d->last, term, len);
    d->last_len = len;
    d->in_block++;
    d->nterms++;
    if (d->data.oom || d->index.oom || d->keys.oom || d->key_offs.oom || d->keys.len > UINT32_MAX)
        *rc = WARTA_ENOMEM;
}

void dict_builder_finish(dict_builder *d, int *rc)
{
    if (*rc)
        return;
    close_block(d);
    /* DICT_KEYS: the offsets (one more than blocks, the last the terms'
     * length), then the terms */
    wbuf sec = WBUF_INIT;
    wbuf_append(&sec, d->key_offs.data, d->key_offs.len);
    wbuf_put_u32le(&sec, (uint32_t)d->keys.len);
    wbuf_append(&sec, d->keys.data, d->keys.len);
    wbuf_free(&d->keys);
    d->keys = sec;
    if (d->data.oom || d->index.oom || d->keys.oom || d->key_offs.oom)
        *rc = WARTA_ENOMEM;
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */
/* ------------------------------------------------------------------------ */

int dict_reader_init(seg_reader *r)
{
    uint32_t nb = r->ndict_blocks;
    r->verified = wcalloc((size_t)nb + 1, 1);
    if (!r->verified)
        return WARTA_ENOMEM;
    size_t offs = 4 * ((size_t)nb + 1);
    if (r->dict_keys_len < offs)
        return WARTA_ECORRUPT;
    r->dict_key_bytes = r->dict_keys + offs;
    r->dict_key_bytes_len = r->dict_keys_len - offs;
    if (le32_get(r->dict_keys) != 0 || le32_get(r->dict_keys + 4 * (size_t)nb) != r->dict_key_bytes_len)
        return WARTA_ECORRUPT;
    return 0;
}

/* Block b's first term; false when its offsets are malformed. */
static bool block_key(const seg_reader *r, uint32_t b, const uint8_t **key, size_t *len)
{
    uint32_t o0 = le32_get(r->dict_keys + 4 * (size_t)b);
    uint32_t o1 = le32_get(r->dict_keys + 4 * ((size_t)b + 1));
    if (o0 > o1 || o1 > r->dict_key_bytes_len || o1 - o0 > SEG_MAX_TERM || o1 == o0)
        return false;
    *key = r->dict_key_bytes + o0;
    *len = o1 - o0;
    return true;
}

bool dict_entry_ok(const seg_reader *r, uint32_t b)
{
    const uint8_t *k;
    size_t len;
    if (b >= r->ndict_blocks || !block_key(r, b, &k, &len))
        return false;
    const uint8_t *e = r->dict_index + (size_t)b * FMT_DICT_ENTRY;
    return wcrc32(wcrc32(0, e, 40), k, len) == le32_get(e + 40);
}

int dict_verify_keys(seg_reader *r)
{
    const uint8_t *prev = NULL;
    size_t prev_len = 0;
    for (uint32_t b = 0; b < r->ndict_blocks; b++) {
        const uint8_t *k;
        size_t len;
        bool ok = block_key(r, b, &k, &len);
        if (ok && prev) {
            size_t m = prev_len < len ? prev_len : len;
            int c = memcmp(prev, k, m);
            ok = c < 0 || (c == 0 && prev_len < len);
        }
        if (!ok) {
            seg_reader_set_error(r, "%s: dictionary keys are malformed or out of order "
                                 "(the index is damaged; rebuild it)", r->path);
            return WARTA_ECORRUPT;
        }
        prev = k;
        prev_len = len;
    }
    return 0;
}

int dict_verify_block(seg_reader *r, uint32_t b)
{
    if (b >= r->ndict_blocks || seg_reader_failed(r))
        return WARTA_ECORRUPT;
    uint8_t v = atomic_load_explicit(&r->verified[b], memory_order_acquire);
    if (v == 1)
        return 0;
    if (v == 2)
        return WARTA_ECORRUPT;
    if (!dict_entry_ok(r, b) || (b + 1 < r->ndict_blocks && !dict_entry_ok(r, b + 1))) {
        seg_reader_set_error(r, "%s: index entry of dictionary block %u fails its checksum "
                             "(the index is damaged; rebuild it)", r->path, b);
        atomic_store_explicit(&r->verified[b], 2, memory_order_release);
        return WARTA_ECORRUPT;
    }
    const uint8_t *e = r->dict_index + (size_t)b * FMT_DICT_ENTRY;
    uint64_t pb = le64_get(e), qb = le64_get(e + 8);
    uint64_t pe = b + 1 < r->ndict_blocks ? le64_get(e + FMT_DICT_ENTRY) : r->post_len;
    uint64_t qe = b + 1 < r->ndict_blocks ? le64_get(e + FMT_DICT_ENTRY + 8) : r->pos_len;
    uint64_t off = le32_get(e + 16), len = le32_get(e + 20);
    uint32_t nterms = le32_get(e + 36);
    const char *what = NULL;
    /* the entry itself (its section's checksum passed at open) */
    if (off + len > r->dict_len || nterms == 0 || nterms > FMT_DICT_BLOCK || pb > pe ||
        pe > r->post_len || qb > qe || qe > r->pos_len)
        what = "";
    else if (wcrc32(0, r->dict_data + off, len) != le32_get(e + 24))
        what = "dictionary";
    else if (wcrc32(0, r->post + pb, pe - pb) != le32_get(e + 28))
        what = "postings";
    else if (wcrc32(0, r->pos + qb, qe - qb) != le32_get(e + 32))
        what = "positions";
    if (what && !*what) {
        seg_reader_set_error(r, "%s: index entry of dictionary block %u is malformed "
                             "(the index is damaged; rebuild it)", r->path, b);
        atomic_store_explicit(&r->verified[b], 2, memory_order_release);
        return WARTA_ECORRUPT;
    }
    if (what) {
        seg_reader_set_error(r, "%s: %s of dictionary block %u fail their checksum "
                             "(the index is damaged; rebuild it)", r->path, what, b);
        atomic_store_explicit(&r->verified[b], 2, memory_order_release);
        return WARTA_ECORRUPT;
    }
    atomic_store_explicit(&r->verified[b], 1, memory_order_release);
    return 0;
}

int dict_iter_start(dict_iter *it, seg_reader *r, uint32_t block)
{
    memset(it, 0, sizeof *it);
    it->r = r;
    it->block = block;
    if (block >= r->ndict_blocks) {
        it->block = r->ndict_blocks;
        return 0;
    }
    int rc = dict_verify_block(r, block);
    if (rc)
        return rc;
    const uint8_t *e = r->dict_index + (size_t)block * FMT_DICT_ENTRY;
    /* the ranges once more, whatever the checksums said (they are what
     * keeps the reads inside the map) */
    uint64_t off = le32_get(e + 16), len = le32_get(e + 20);
    if (off + len > r->dict_len || le32_get(e + 36) > FMT_DICT_BLOCK) {
        seg_reader_set_error(r, "%s: index entry of dictionary block %u is malformed", r->path,
                             block);
        return WARTA_ECORRUPT;
    }
    it->post_off = le64_get(e);
    it->pos_off = le64_get(e + 8);
    it->p = r->dict_data + off;
    it->end = it->p + len;
    it->block_n = le32_get(e + 36);
    it->in_block = 0;
    it->term_len = 0;
    return 0;
}

int dict_iter_next(dict_iter *it)
{
    seg_reader *r = it->r;
    while (it->in_block >= it->block_n) {
        if (it->block >= r->ndict_blocks)
            return 0;
        uint32_t nb = it->block + 1;
        if (nb >= r->ndict_blocks) {
            it->block = r->ndict_blocks;
            return 0;
        }
        int rc = dict_iter_start(it, r, nb);
        if (rc)
            return rc;
    }
    uint64_t shared, suf, df, cfx, plen, qlen;
    if (!varint_get(&it->p, it->end, &shared) || !varint_get(&it->p, it->end, &suf) ||
        shared > it->term_len || suf > SEG_MAX_TERM - shared || suf > (uint64_t)(it->end - it->p) ||
        (it->in_block == 0 && shared != 0))
        goto bad;
    memcpy(it->term + shared, it->p, suf);
    it->p += suf;
    it->term_len = shared + suf;
    it->term[it->term_len] = '\0';
    if (!varint_get(&it->p, it->end, &df) || !varint_get(&it->p, it->end, &cfx) ||
        !varint_get(&it->p, it->end, &plen) || !varint_get(&it->p, it->end, &qlen))
        goto bad;
    if (df == 0 || df > r->ndocs || cfx > UINT64_MAX - df || plen > r->post_len - it->post_off ||
        qlen > r->pos_len - it->pos_off || it->post_off > r->post_len || it->pos_off > r->pos_len)
        goto bad;
    it->t.df = (uint32_t)df;
    it->t.cf = df + cfx;
    it->t.post_off = it->post_off;
    it->t.post_len = plen;
    it->t.pos_off = it->pos_off;
    it->t.pos_len = qlen;
    it->t.block = it->block;
    it->post_off += plen;
    it->pos_off += qlen;
    it->in_block++;
    return 1;
bad:
    seg_reader_set_error(r, "%s: dictionary block %u is malformed", r->path, it->block);
    return WARTA_ECORRUPT;
}

static int key_cmp(const seg_reader *r, uint32_t b, const char *term, size_t len)
{
    const uint8_t *p;
    size_t klen;
    if (!block_key(r, b, &p, &klen))
        return -1;   /* only a damaged index (its checksum passed): any block will do */
    /* terms are short: a byte loop beats a call to memcmp */
    size_t m = klen < len ? klen : len;
    const uint8_t *t = (const uint8_t *)term;
    for (size_t i = 0; i < m; i++)
        if (p[i] != t[i])
            return p[i] < t[i] ? -1 : 1;
    return klen < len ? -1 : klen > len;
}

/* The last block whose first term <= term (0 when none). */
static uint32_t find_block(const seg_reader *r, const char *term, size_t len)
{
    uint32_t lo = 0, hi = r->ndict_blocks;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (key_cmp(r, mid, term, len) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

uint32_t seg_term_locate(const seg_reader *r, const char *term, size_t len)
{
    if (r->ndict_blocks == 0 || len > SEG_MAX_TERM)
        return 0;
    uint32_t b = find_block(r, term, len);
    const uint8_t *e = r->dict_index + (size_t)b * FMT_DICT_ENTRY;
    uint64_t off = le32_get(e + 16), blen = le32_get(e + 20);
    if (off + blen <= r->dict_len) {   /* else damaged: the lookup will say so */
        const uint8_t *p = r->dict_data + off;
        for (uint64_t o = 0; o < blen && o < 256; o += 64)
            __builtin_prefetch(p + o);
    }
    return b;
}

/* Whether block b may hold term: the binary search read keys not yet
 * checked, so the answer stands only once the two keys around it pass
 * their entries' checksums and bracket the term (the order of all keys is
 * the writer's, checked by warta check).  0 or WARTA_ECORRUPT. */
static int check_block(seg_reader *r, uint32_t b, const char *term, size_t len)
{
    bool ok = b < r->ndict_blocks;
    /* a block already verified had both entries checked */
    bool checked = ok && atomic_load_explicit(&r->verified[b], memory_order_acquire) == 1;
    ok = ok && (checked || dict_entry_ok(r, b)) && (b == 0 || key_cmp(r, b, term, len) <= 0);
    if (ok && b + 1 < r->ndict_blocks)
        ok = (checked || dict_entry_ok(r, b + 1)) && key_cmp(r, b + 1, term, len) > 0;
    if (!ok) {
        seg_reader_set_error(r, "%s: dictionary keys near block %u fail their checksum "
                             "(the index is damaged; rebuild it)", r->path, b);
        return WARTA_ECORRUPT;
    }
    return 0;
}

static int term_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t m = alen < blen ? alen : blen;
    int c = memcmp(a, b, m);
    if (c)
        return c;
    return alen < blen ? -1 : alen > blen;
}

int seg_term_lookup(seg_reader *r, const char *term, size_t len, seg_term *out)
{
    if (r->ndict_blocks == 0 || len > SEG_MAX_TERM)
        return WARTA_ENOTFOUND;
    return seg_term_lookup_in(r, find_block(r, term, len), term, len, out);
}

int seg_term_lookup_in(seg_reader *r, uint32_t b, const char *term, size_t len, seg_term *out)
{
    if (r->ndict_blocks == 0 || len > SEG_MAX_TERM)
        return WARTA_ENOTFOUND;
    if (seg_reader_failed(r))
        return WARTA_ECORRUPT;
    int rc = check_block(r, b, term, len);
    if (rc)
        return rc;
    dict_iter it;
    rc = dict_iter_start(&it, r, b);
    if (rc)
        return rc;
    /* The block is scanned without rebuilding its terms: `matched` is how
     * many leading bytes the current term shares with the wanted one.  A
     * term sharing more than that with its predecessor is still smaller;
     * one sharing less is already greater (terms are sorted and `shared` is
     * the whole common prefix); only at equality are suffix bytes compared.
     * Every entry passed gets the checks dict_iter_next() makes. */
    const uint8_t *p = it.p, *end = it.end;
    const uint8_t *want = (const uint8_t *)term;
    uint64_t post_off = it.post_off, pos_off = it.pos_off;
    size_t cur_len = 0, matched = 0;
    for (uint32_t i = 0; i < it.block_n; i++) {
        uint64_t shared, suf, df, cfx, plen, qlen;
        if (!fmt_varint(&p, end, &shared) || !fmt_varint(&p, end, &suf) || shared > cur_len ||
            suf > SEG_MAX_TERM - shared || suf > (uint64_t)(end - p) || (i == 0 && shared != 0))
            goto bad;
        const uint8_t *sfx = p;
        p += suf;
        if (!fmt_varint(&p, end, &df) || !fmt_varint(&p, end, &cfx) ||
            !fmt_varint(&p, end, &plen) || !fmt_varint(&p, end, &qlen))
            goto bad;
        if (df == 0 || df > r->ndocs || cfx > UINT64_MAX - df || post_off > r->post_len ||
            pos_off > r->pos_len || plen > r->post_len - post_off || qlen > r->pos_len - pos_off)
            goto bad;
        cur_len = (size_t)(shared + suf);
        int c;
        if (i > 0 && shared > matched) {
            c = -1;
        } else if (i > 0 && shared < matched) {
            c = 1;
        } else {
            size_t j = 0, m = len - (size_t)shared;
            if (m > suf)
                m = (size_t)suf;
            while (j < m && sfx[j] == want[shared + j])
                j++;
            matched = (size_t)shared + j;
            if (j < m)
                c = sfx[j] < want[matched] ? -1 : 1;
            else
                c = cur_len < len ? -1 : cur_len > len;
        }
        if (c == 0) {
            out->df = (uint32_t)df;
            out->cf = df + cfx;
            out->post_off = post_off;
            out->post_len = plen;
            out->pos_off = pos_off;
            out->pos_len = qlen;
            out->block = b;
            return 0;
        }
        if (c > 0)
            break;
        post_off += plen;
        pos_off += qlen;
    }
    return WARTA_ENOTFOUND;
bad:
    seg_reader_set_error(r, "%s: dictionary block %u is malformed", r->path, b);
    return WARTA_ECORRUPT;
}

int seg_term_prefix(seg_reader *r, const char *prefix, size_t len, size_t cap,
                    int (*fn)(void *ctx, const char *term, size_t term_len, const seg_term *t),
                    void *ctx, bool *truncated)
{
    if (truncated)
        *truncated = false;
    if (r->ndict_blocks == 0)
        return 0;
    uint32_t b = find_block(r, prefix, len);
    int rc = check_block(r, b, prefix, len);
    if (rc)
        return rc;
    dict_iter it;
    rc = dict_iter_start(&it, r, b);
    if (rc)
        return rc;
    size_t n = 0;
    while ((rc = dict_iter_next(&it)) == 1) {
        int c = term_cmp(it.term, it.term_len, prefix, len);
        if (c < 0)
            continue;
        if (it.term_len < len || memcmp(it.term, prefix, len) != 0)
            break;
        if (n == cap) {
            if (truncated)
                *truncated = true;
            break;
        }
        n++;
        rc = fn(ctx, it.term, it.term_len, &it.t);
        if (rc)
            return rc;
    }
    return rc < 0 ? rc : 0;
}

int seg_term_each(seg_reader *r,
                  int (*fn)(void *ctx, const char *term, size_t term_len, const seg_term *t),
                  void *ctx)
{
    dict_iter it;
    int rc = dict_iter_start(&it, r, 0);
    if (rc)
        return rc;
    while ((rc = dict_iter_next(&it)) == 1) {
        rc = fn(ctx, it.term, it.term_len, &it.t);
        if (rc)
            return rc;
    }
    return rc;
}
