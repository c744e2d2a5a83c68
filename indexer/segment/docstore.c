/*
 * docstore.c: the document store.  Articles' stored fields are serialized as
 * records, grouped into blocks of about DOCSTORE_BLOCK raw bytes and
 * compressed as raw deflate with a preset dictionary built from a sample of
 * the corpus (so small blocks compress almost like one stream).  A fetch
 * decompresses one block.  The writer's analysis threads compress blocks
 * (indexer/writer.c); merge.c copies or recompresses them; query/ fetches
 * through seg_doc_fetch().
 */
#include "indexer/segment/format.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <pthread.h>
#include <stdatomic.h>

static void put_field(wbuf *raw, const char *s, size_t len)
{
    wbuf_put_varint(raw, len);
    wbuf_append(raw, s ? s : "", s ? len : 0);
}

void docstore_record(wbuf *raw, wbuf *head, const warta_article *a)
{
    put_field(head, a->id, a->id_len);
    put_field(head, a->title, a->title_len);
    wbuf_put_varint(raw, a->line);
    put_field(raw, a->date, a->date_len);
    put_field(raw, a->url, a->url_len);
    put_field(raw, a->source, a->source_len);
    put_field(raw, a->author, a->author_len);
    put_field(raw, a->tags, a->tags_len);
    put_field(raw, a->path, a->path_len);
    put_field(raw, a->body, a->body_len);
}

/* Skips or reads one record at *p; fills out when not NULL. */
static bool parse_record(const uint8_t **p, const uint8_t *end, seg_doc *out)
{
    uint64_t line, len;
    const char **fields[7];
    size_t *lens[7];
    seg_doc tmp;
    seg_doc *d = out ? out : &tmp;
    fields[0] = &d->date;   lens[0] = &d->date_len;
    fields[1] = &d->url;    lens[1] = &d->url_len;
    fields[2] = &d->source; lens[2] = &d->source_len;
    fields[3] = &d->author; lens[3] = &d->author_len;
    fields[4] = &d->tags;   lens[4] = &d->tags_len;
    fields[5] = &d->path;   lens[5] = &d->path_len;
    fields[6] = &d->body;   lens[6] = &d->body_len;
    d->id = d->title = NULL;
    d->id_len = d->title_len = 0;
    if (!varint_get(p, end, &line) || line > UINT32_MAX)
        return false;
    d->line = (uint32_t)line;
    for (int i = 0; i < 7; i++) {
        if (!varint_get(p, end, &len) || len > (uint64_t)(end - *p))
            return false;
        *fields[i] = len ? (const char *)*p : NULL;
        *lens[i] = (size_t)len;
        *p += len;
    }
    return true;
}

int docstore_head_next(const uint8_t **p, const uint8_t *end, seg_doc *out)
{
    uint64_t len;
    if (!varint_get(p, end, &len) || len > (uint64_t)(end - *p))
        return WARTA_ECORRUPT;
    out->id = len ? (const char *)*p : NULL;
    out->id_len = (size_t)len;
    *p += len;
    if (!varint_get(p, end, &len) || len > (uint64_t)(end - *p))
        return WARTA_ECORRUPT;
    out->title = len ? (const char *)*p : NULL;
    out->title_len = (size_t)len;
    *p += len;
    return 0;
}

int docstore_next(const uint8_t **p, const uint8_t *end, seg_doc *out)
{
    return parse_record(p, end, out) ? 0 : WARTA_ECORRUPT;
}

int docstore_parse(const uint8_t *p, size_t len, uint32_t i, seg_doc *out)
{
    const uint8_t *end = p + len;
    for (uint32_t k = 0; k < i; k++)
        if (!parse_record(&p, end, NULL))
            return WARTA_ECORRUPT;
    return parse_record(&p, end, out) ? 0 : WARTA_ECORRUPT;
}

/* ------------------------------------------------------------------------ */
/* Preset dictionary                                                        */
/* ------------------------------------------------------------------------ */

typedef struct dict_word {
    uint32_t off, len;          /* the word (with its leading space) in the sample */
    uint32_t count;             /* occurrences */
    uint64_t hash;
} dict_word;

static int word_score_cmp(const void *a, const void *b)
{
    const dict_word *x = a, *y = b;
    uint64_t sx = (uint64_t)x->count * x->len, sy = (uint64_t)y->count * y->len;
    if (sx != sy)
        return sx < sy ? 1 : -1;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* The dictionary is the sample's most valuable words (count x length),
 * each with its leading space, the most valuable last (nearest to the data,
 * so the cheapest distances).  Deterministic for a given sample. */
void docstore_make_dict(const char *sample, size_t len, wbuf *dict)
{
    wbuf_reset(dict);
    if (len > ((size_t)1 << 30))
        len = (size_t)1 << 30;
    size_t nslots = 1 << 16;
    while (nslots < len / 4)
        nslots <<= 1;
    dict_word *slots = wcalloc(nslots, sizeof *slots);
    if (!slots)
        return;
    size_t nwords = 0;
    size_t i = 0;
    while (i < len) {
        size_t s = i;
        /* a word: an optional space then a run of non-space bytes */
        if (sample[i] == ' ')
            i++;
        while (i < len && sample[i] != ' ' && sample[i] != '\n' && i - s < 40)
            i++;
        if (i == s) {
            i++;
            continue;
        }
        size_t wl = i - s;
        if (wl < 4)
            continue;
        uint64_t h = 1469598103934665603ull;
        for (size_t k = s; k < i; k++)
            h = (h ^ (uint8_t)sample[k]) * 1099511628211ull;
        size_t m = (size_t)(h & (nslots - 1));
        while (slots[m].count) {
            if (slots[m].hash == h && slots[m].len == wl &&
                memcmp(sample + slots[m].off, sample + s, wl) == 0)
                break;
            m = (m + 1) & (nslots - 1);
        }
        if (!slots[m].count) {
            if (nwords * 2 > nslots)
                continue;
            slots[m].off = (uint32_t)s;
            slots[m].len = (uint32_t)wl;
            slots[m].hash = h;
            nwords++;
        }
        slots[m].count++;
    }
    size_t n = 0;
    for (size_t k = 0; k < nslots; k++)
        if (slots[k].count > 1)
            slots[n++] = slots[k];
    qsort(slots, n, sizeof *slots, word_score_cmp);
    size_t total = 0, take = 0;
    while (take < n && total + slots[take].len <= 32768 - 8) {
        total += slots[take].len;
        take++;
    }
    for (size_t k = take; k-- > 0;)
        wbuf_append(dict, sample + slots[k].off, slots[k].len);
    wfree(slots);
}

/* ------------------------------------------------------------------------ */
/* Compression                                                              */
/* ------------------------------------------------------------------------ */

void docstore_zfree(void *z)
{
    if (z) {
        deflateEnd(z);
        wfree(z);
    }
}

int docstore_compress(void **zctx, const uint8_t *raw, size_t len, const uint8_t *dict,
                      size_t dict_len, int level, wbuf *out)
{
    z_stream *z = *zctx;
    if (!z) {
        z = wcalloc(1, sizeof *z);
        if (!z)
            return WARTA_ENOMEM;
        if (deflateInit2(z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            wfree(z);
            return WARTA_ENOMEM;
        }
        *zctx = z;
    } else if (deflateReset(z) != Z_OK) {
        return WARTA_ENOMEM;
    }
    if (dict_len && deflateSetDictionary(z, dict, (uInt)dict_len) != Z_OK)
        return WARTA_ENOMEM;
    /* the store's level with a shorter match chain: measured on
     * clickid-2019, 11 % less compression time for 0.6 % more bytes */
    if (level == DOCSTORE_LEVEL &&
        deflateTune(z, DOCSTORE_GOOD, DOCSTORE_LAZY, DOCSTORE_NICE, DOCSTORE_CHAIN) != Z_OK)
        return WARTA_ENOMEM;
    wbuf_reset(out);
    size_t bound = deflateBound(z, (uLong)len) + 16;
    if (wbuf_reserve(out, bound))
        return WARTA_ENOMEM;
    z->next_in = (Bytef *)raw;
    z->avail_in = (uInt)len;
    z->next_out = (Bytef *)out->data;
    z->avail_out = (uInt)bound;
    int zr = deflate(z, Z_FINISH);
    if (zr != Z_STREAM_END)
        return WARTA_ENOMEM;
    out->len = bound - z->avail_out;
    return 0;
}

/* One inflate state per thread, kept between fetches: setting one up
 * (about 40 KB of allocations) cost more than inflating a small block. */
static pthread_key_t inflate_key;
static pthread_once_t inflate_once = PTHREAD_ONCE_INIT;
static bool inflate_key_ok;

static void inflate_state_free(void *p)
{
    if (p) {
        inflateEnd(p);
        free(p);
    }
}

static void inflate_key_init(void)
{
    inflate_key_ok = pthread_key_create(&inflate_key, inflate_state_free) == 0;
}

/* The calling thread's inflate state, reset; NULL when none can be made. */
static z_stream *inflate_state(bool *owned)
{
    *owned = false;
    pthread_once(&inflate_once, inflate_key_init);
    z_stream *z = inflate_key_ok ? pthread_getspecific(inflate_key) : NULL;
    if (z) {
        if (inflateReset(z) == Z_OK)
            return z;
        inflate_state_free(z);
        pthread_setspecific(inflate_key, NULL);
    }
    /* plain malloc: the state outlives any one call (fault-injection
     * tests count calls into wmalloc, and this is not one of them) */
    z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    if (inflateInit2(z, -15) != Z_OK) {
        free(z);
        return NULL;
    }
    if (!inflate_key_ok || pthread_setspecific(inflate_key, z) != 0)
        *owned = true;
    return z;
}

/* Inflates exactly rlen bytes from (p, clen) into out. */
static int inflate_exact(const uint8_t *p, size_t clen, const uint8_t *dict, size_t dict_len,
                         uint8_t *out, size_t rlen)
{
    bool owned;
    z_stream *z = inflate_state(&owned);
    if (!z)
        return WARTA_ENOMEM;
    int rc = 0;
    if (dict_len && inflateSetDictionary(z, dict, (uInt)dict_len) != Z_OK)
        rc = WARTA_ECORRUPT;
    if (!rc) {
        z->next_in = (Bytef *)p;
        z->avail_in = (uInt)clen;
        z->next_out = out;
        z->avail_out = (uInt)rlen;
        int zr = inflate(z, Z_FINISH);
        if (zr != Z_STREAM_END || z->avail_out != 0)
            rc = zr == Z_MEM_ERROR ? WARTA_ENOMEM : WARTA_ECORRUPT;
    }
    if (owned)
        inflate_state_free(z);
    return rc;
}

bool docstore_entry_ok(const seg_reader *r, uint32_t b)
{
    if (b >= r->ds_nblocks)
        return false;
    const uint8_t *e = r->ds_index + (size_t)b * FMT_STORE_ENTRY;
    return wcrc32(0, e, 32) == le32_get(e + 32);
}

/* Checks preset dictionary i's checksum once. */
static bool dict_ok(seg_reader *r, uint32_t i)
{
    uint8_t v = atomic_load_explicit(&r->ds_dict_ok[i], memory_order_acquire);
    if (v == 0) {
        v = wcrc32(0, r->ds_dict[i], r->ds_dict_len[i]) == r->ds_dict_crc[i] ? 1 : 2;
        atomic_store_explicit(&r->ds_dict_ok[i], v, memory_order_release);
    }
    return v == 1;
}

int docstore_check_index(seg_reader *r)
{
    uint32_t next = 0;
    for (uint32_t b = 0; b < r->ds_nblocks; b++) {
        const uint8_t *e = r->ds_index + (size_t)b * FMT_STORE_ENTRY;
        uint32_t dict = (uint32_t)(e[28] | e[29] << 8);
        if (!docstore_entry_ok(r, b) || le32_get(e + 16) != next || le32_get(e + 20) == 0 ||
            le32_get(e + 20) > r->ndocs - next || (dict != 0xFFFF && dict >= r->ds_ndicts)) {
            seg_reader_set_error(r, "%s: document store index entry %u is damaged (rebuild the "
                                 "index)", r->path, b);
            return WARTA_ECORRUPT;
        }
        next += le32_get(e + 20);
    }
    if (next != r->ndocs) {
        seg_reader_set_error(r, "%s: store index does not cover every document (rebuild the "
                             "index)", r->path);
        return WARTA_ECORRUPT;
    }
    for (uint32_t i = 0; i < r->ds_ndicts; i++)
        if (!dict_ok(r, i)) {
            seg_reader_set_error(r, "%s: document store dictionary %u fails its checksum "
                                 "(rebuild the index)", r->path, i);
            return WARTA_ECORRUPT;
        }
    return 0;
}

/* Checks block b's entry, place and checksum, and its preset dictionary;
 * sets its bytes and sizes. */
static int store_block_at(seg_reader *r, uint32_t b, const uint8_t **p, uint32_t *clen,
                          uint32_t *rlen, uint32_t *dict)
{
    if (!docstore_entry_ok(r, b)) {
        seg_reader_set_error(r, "%s: document store index entry %u fails its checksum "
                             "(the index is damaged; rebuild it)", r->path, b);
        return WARTA_ECORRUPT;
    }
    const uint8_t *e = r->ds_index + (size_t)b * FMT_STORE_ENTRY;
    uint64_t off = le64_get(e);
    *clen = le32_get(e + 8);
    *rlen = le32_get(e + 12);
    *dict = (uint32_t)(e[28] | e[29] << 8);
    if (off > r->ds_len || *clen > r->ds_len - off || (*dict != 0xFFFF && *dict >= r->ds_ndicts)) {
        seg_reader_set_error(r, "%s: document store block %u out of range", r->path, b);
        return WARTA_ECORRUPT;
    }
    if (*dict != 0xFFFF && !dict_ok(r, *dict)) {
        seg_reader_set_error(r, "%s: document store dictionary %u fails its checksum "
                             "(the index is damaged; rebuild it)", r->path, *dict);
        return WARTA_ECORRUPT;
    }
    *p = r->ds + off;
    if (wcrc32(0, *p, *clen) != le32_get(e + 24)) {
        seg_reader_set_error(r, "%s: document store block %u fails its checksum "
                             "(the index is damaged; rebuild it)", r->path, b);
        return WARTA_ECORRUPT;
    }
    return 0;
}

/* Inflates block b to out (rlen bytes, from store_block_at). */
static int store_inflate(seg_reader *r, uint32_t b, const uint8_t *p, uint32_t clen,
                         uint32_t dict, uint8_t *out, uint32_t rlen)
{
    int rc = inflate_exact(p, clen, dict != 0xFFFF ? r->ds_dict[dict] : NULL,
                           dict != 0xFFFF ? r->ds_dict_len[dict] : 0, out, rlen);
    if (rc == WARTA_ECORRUPT)
        seg_reader_set_error(r, "%s: document store block %u does not decompress", r->path, b);
    return rc;
}

/* Inflation of one block as far as needed. */
typedef struct partial {
    z_stream *z;
    uint8_t *out;               /* the block's raw bytes so far */
    size_t have;                /* bytes inflated */
    size_t rlen;                /* the block's raw length */
    int rc;                     /* sticky: WARTA_ECORRUPT, WARTA_ENOMEM */
} partial;

/* Inflates until `need` bytes (at most rlen) are out, in one inflate()
 * call when the input allows. */
static void partial_fill(partial *f, size_t need)
{
    if (need > f->rlen)
        need = f->rlen;
    while (!f->rc && f->have < need) {
        f->z->next_out = f->out + f->have;
        f->z->avail_out = (uInt)(need - f->have);
        int zr = inflate(f->z, Z_NO_FLUSH);
        size_t now = (size_t)(f->z->next_out - f->out);
        if (zr == Z_MEM_ERROR)
            f->rc = WARTA_ENOMEM;
        else if ((zr != Z_OK && zr != Z_BUF_ERROR && zr != Z_STREAM_END) || now == f->have ||
                 (zr == Z_STREAM_END && now != f->rlen))
            f->rc = WARTA_ECORRUPT;   /* an error, no progress, or an early or late end */
        f->have = now;
    }
}

/* The length of the record at raw offset pos when the bytes out hold all
 * its length fields (true); else false with *more set to the bytes from
 * pos worth having before trying again. */
static bool record_span(const partial *f, size_t pos, size_t *len, size_t *more)
{
    size_t q = pos;
    for (int i = 0; i < 8; i++) {   /* line, then 7 length-prefixed fields */
        const uint8_t *v = f->out + q, *end = f->out + f->have;
        uint64_t x;
        if (q > f->have || !varint_get(&v, end, &x)) {
            *more = q - pos + 10;
            return false;
        }
        q = (size_t)(v - f->out);
        if (i > 0) {
            if (x > f->rlen - q) {
                *more = SIZE_MAX;   /* runs past the block: malformed */
                return false;
            }
            q += (size_t)x;
        }
    }
    *len = q - pos;
    return true;
}

/* Inflates block b (checked by store_block_at) into out (rlen bytes of
 * room) only as far as record idx reaches, and parses that record into d.
 * The compressed bytes passed their checksum, so the rest of the block
 * need not be decompressed to be trusted.  Records before idx are stepped
 * over by their length fields; the last inflate() call stops exactly at
 * the end of record idx (no bytes past it, and no stops inside the data
 * but to read length fields).  *produced receives the bytes written. */
static int inflate_record(seg_reader *r, uint32_t b, const uint8_t *p, uint32_t clen,
                          uint32_t dict, uint8_t *out, uint32_t rlen, uint32_t idx, seg_doc *d,
                          size_t *produced)
{
    bool owned;
    z_stream *z = inflate_state(&owned);
    if (!z)
        return WARTA_ENOMEM;
    partial f = {z, out, 0, rlen, 0};
    if (dict != 0xFFFF && inflateSetDictionary(z, r->ds_dict[dict], (uInt)r->ds_dict_len[dict]) != Z_OK)
        f.rc = WARTA_ECORRUPT;
    z->next_in = (Bytef *)p;
    z->avail_in = (uInt)clen;
    size_t pos = 0;                     /* start of record k */
    uint32_t k = 0;
    while (!f.rc) {
        size_t len, more;
        if (record_span(&f, pos, &len, &more)) {
            if (k == idx) {
                partial_fill(&f, pos + len);
                if (!f.rc && !parse_record(&(const uint8_t *){out + pos}, out + pos + len, d))
                    f.rc = WARTA_ECORRUPT;
                break;
            }
            pos += len;
            k++;
            continue;
        }
        if (more == SIZE_MAX || f.have == rlen || pos >= rlen) {
            f.rc = WARTA_ECORRUPT;
            break;
        }
        /* enough for the length fields, and at least DOCSTORE_STEP more
         * while stepping over earlier records */
        size_t need = pos + more;
        if (need < f.have + DOCSTORE_STEP)
            need = f.have + DOCSTORE_STEP;
        size_t before = f.have;
        partial_fill(&f, need);
        if (!f.rc && f.have == before)
            f.rc = WARTA_ECORRUPT;
    }
    if (owned)
        inflate_state_free(z);
    *produced = f.have;
    if (f.rc == WARTA_ECORRUPT)
        seg_reader_set_error(r, "%s: document store block %u does not decompress", r->path, b);
    return f.rc;
}

int docstore_load_block(seg_reader *r, uint32_t b, wbuf *scratch)
{
    const uint8_t *p;
    uint32_t clen, rlen, dict;
    int rc = store_block_at(r, b, &p, &clen, &rlen, &dict);
    if (rc)
        return rc;
    wbuf_reset(scratch);
    if (wbuf_reserve(scratch, (size_t)rlen + 16))
        return WARTA_ENOMEM;
    rc = store_inflate(r, b, p, clen, dict, (uint8_t *)scratch->data, rlen);
    if (rc)
        return rc;
    scratch->len = rlen;
    scratch->data[rlen] = '\0';
    return 0;
}

uint32_t docstore_block_of(const seg_reader *r, uint32_t doc)
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

int seg_doc_fetch(seg_reader *r, uint32_t doc, wbuf *scratch, seg_doc *out)
{
    if (doc >= r->ndocs || r->ds_nblocks == 0)
        return WARTA_EINVAL;
    if (seg_reader_failed(r))
        return WARTA_ECORRUPT;   /* a per-document chunk failed: the message is set */
    uint32_t b = docstore_block_of(r, doc);
    const uint8_t *e = r->ds_index + (size_t)b * FMT_STORE_ENTRY;
    uint32_t first = le32_get(e + 16), n = le32_get(e + 20);
    /* the search read entries not yet checked: this one must pass and
     * hold doc */
    if (!docstore_entry_ok(r, b)) {
        seg_reader_set_error(r, "%s: document store index entry %u fails its checksum "
                             "(the index is damaged; rebuild it)", r->path, b);
        return WARTA_ECORRUPT;
    }
    if (doc < first || doc - first >= n) {
        seg_reader_set_error(r, "%s: document store has no block for document %u", r->path, doc);
        return WARTA_ECORRUPT;
    }
    const uint8_t *p;
    uint32_t clen, rlen, dict;
    int rc = store_block_at(r, b, &p, &clen, &rlen, &dict);
    if (rc)
        return rc;
    /* id and title first, then the block after them; pointers are set at
     * the end, once nothing moves any more */
    wbuf_reset(scratch);
    size_t io, il, to, tl;
    rc = heads_append(r, doc, scratch, &io, &il, &to, &tl);
    if (rc)
        return rc;
    size_t at = (scratch->len + 15) & ~(size_t)15;
    if (wbuf_reserve(scratch, at - scratch->len + (size_t)rlen + 16))
        return WARTA_ENOMEM;
    uint8_t *big = (uint8_t *)scratch->data + at;
    memset(out, 0, sizeof *out);
    size_t got = 0;
    rc = inflate_record(r, b, p, clen, dict, big, rlen, doc - first, out, &got);
    if (rc)
        return rc;
    scratch->len = at + got;
    scratch->data[scratch->len] = '\0';
    out->id = il ? scratch->data + io : NULL;
    out->id_len = il;
    out->title = tl ? scratch->data + to : NULL;
    out->title_len = tl;
    return 0;
}
