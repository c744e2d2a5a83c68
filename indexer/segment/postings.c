/*
 * postings.c: the postings codec.  Writing: postings_encode() turns one
 * term's document list into skip entries, bit-packed blocks of SEG_BLOCK
 * documents (frame of reference: docid gaps, tf-1, title tf) and a final
 * varint block, plus its positions stream (called by the flush in
 * indexer/writer.c and by merge.c).  Reading: the seg_cursor of segment.h
 * (next, seek, shallow seek, block bounds, positions), used by query/,
 * merge and check.  docs/FORMAT.md "Postings" is the byte-level spec.
 */
#include "indexer/segment/format.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ------------------------------------------------------------------------ */
/* Bit packing                                                              */
/* ------------------------------------------------------------------------ */

unsigned postings_bits(const uint32_t *v, unsigned n)
{
    uint32_t all = 0;
    for (unsigned i = 0; i < n; i++)
        all |= v[i];
    unsigned b = 0;
    while (b < 32 && (all >> b) != 0)
        b++;
    return b;
}

void postings_pack(wbuf *out, const uint32_t *v, unsigned n, unsigned bits)
{
    if (bits == 0)
        return;
    size_t bytes = (size_t)SEG_BLOCK * bits / 8;
    if (wbuf_reserve(out, bytes))
        return;
    uint8_t *p = (uint8_t *)out->data + out->len;
    memset(p, 0, bytes);
    uint64_t acc = 0;
    unsigned have = 0;
    size_t o = 0;
    for (unsigned i = 0; i < SEG_BLOCK; i++) {
        uint64_t x = i < n ? v[i] : 0;
        acc |= x << have;
        have += bits;
        while (have >= 8) {
            p[o++] = (uint8_t)acc;
            acc >>= 8;
            have -= 8;
        }
    }
    out->len += bytes;
    out->data[out->len] = '\0';
}

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w; /* little-endian host (FORMAT.md) */
}

/* Eight values of b bits occupy exactly b bytes, so each group of eight
 * starts on a byte; within a group every shift is a constant once b is. */
static inline __attribute__((always_inline)) void unpack_const(const uint8_t *p, uint32_t *v,
                                                               const unsigned b)
{
    const uint64_t mask = (b >= 32) ? 0xffffffffu : ((1u << b) - 1);
    for (unsigned g = 0; g < SEG_BLOCK / 8; g++) {
        const uint8_t *q = p + (size_t)g * b;
        uint32_t *o = v + g * 8;
#pragma GCC unroll 8
        for (unsigned j = 0; j < 8; j++)
            o[j] = (uint32_t)((load64(q + (j * b) / 8) >> ((j * b) % 8)) & mask);
    }
}

#define UNPACK_CASE(b) case b: unpack_const(p, v, b); break;
void postings_unpack_scalar(const uint8_t *p, unsigned bits, uint32_t *v)
{
    switch (bits) {
    case 0: memset(v, 0, SEG_BLOCK * sizeof *v); break;
    UNPACK_CASE(1) UNPACK_CASE(2) UNPACK_CASE(3) UNPACK_CASE(4) UNPACK_CASE(5)
    UNPACK_CASE(6) UNPACK_CASE(7) UNPACK_CASE(8) UNPACK_CASE(9) UNPACK_CASE(10)
    UNPACK_CASE(11) UNPACK_CASE(12) UNPACK_CASE(13) UNPACK_CASE(14) UNPACK_CASE(15)
    UNPACK_CASE(16) UNPACK_CASE(17) UNPACK_CASE(18) UNPACK_CASE(19) UNPACK_CASE(20)
    UNPACK_CASE(21) UNPACK_CASE(22) UNPACK_CASE(23) UNPACK_CASE(24) UNPACK_CASE(25)
    UNPACK_CASE(26) UNPACK_CASE(27) UNPACK_CASE(28) UNPACK_CASE(29) UNPACK_CASE(30)
    UNPACK_CASE(31)
    default: unpack_const(p, v, 32); break;
    }
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(WARTA_NO_SIMD)
#include <immintrin.h>
#define HAVE_UNPACK_VBMI 1

/* With AVX-512 VBMI a group of eight values (b bytes) is unpacked at
 * once: a byte permutation puts into 64-bit lane j the eight bytes from
 * byte (j*b)/8 of the group, a shift per lane drops the (j*b)%8 bits
 * before value j, a mask keeps b bits.  The tables below are those byte
 * indexes and shifts for every b. */
#define VB_IDX(b, j) (j * b) / 8, (j * b) / 8 + 1, (j * b) / 8 + 2, (j * b) / 8 + 3, \
                     (j * b) / 8 + 4, (j * b) / 8 + 5, (j * b) / 8 + 6, (j * b) / 8 + 7
#define VB_ROW(b) {VB_IDX(b, 0), VB_IDX(b, 1), VB_IDX(b, 2), VB_IDX(b, 3), \
                   VB_IDX(b, 4), VB_IDX(b, 5), VB_IDX(b, 6), VB_IDX(b, 7)}
#define VB_SH(b) {0, (1 * b) % 8, (2 * b) % 8, (3 * b) % 8, (4 * b) % 8, (5 * b) % 8, \
                  (6 * b) % 8, (7 * b) % 8}
#define VB_ALL(M) M(1), M(2), M(3), M(4), M(5), M(6), M(7), M(8), M(9), M(10), M(11), \
                  M(12), M(13), M(14), M(15), M(16), M(17), M(18), M(19), M(20), M(21), \
                  M(22), M(23), M(24), M(25), M(26), M(27), M(28), M(29), M(30), M(31), M(32)
static const uint8_t vb_idx[32][64] __attribute__((aligned(64))) = {VB_ALL(VB_ROW)};
static const uint64_t vb_sh[32][8] __attribute__((aligned(64))) = {VB_ALL(VB_SH)};

__attribute__((target("avx512f,avx512bw,avx512vbmi")))
static void unpack_vbmi(const uint8_t *p, unsigned b, uint32_t *v, uint32_t add)
{
    const __m512i plus = _mm512_set1_epi64(add);
    const __m512i idx = _mm512_load_si512((const void *)vb_idx[b - 1]);
    const __m512i sh = _mm512_load_si512((const void *)vb_sh[b - 1]);
    const __m512i mask = _mm512_set1_epi64(b >= 32 ? 0xffffffffll : (long long)((1u << b) - 1));
    /* Only the bytes the lanes use: up to byte (7b)/8 + 7 of the group,
     * within the 8 bytes a reader may load at any packed byte. */
    const __mmask64 lm = ((__mmask64)1 << ((7 * b) / 8 + 8)) - 1;
    for (unsigned g = 0; g < SEG_BLOCK / 8; g++) {
        __m512i d = _mm512_maskz_loadu_epi8(lm, p + (size_t)g * b);
        d = _mm512_permutexvar_epi8(idx, d);
        d = _mm512_add_epi64(_mm512_and_si512(_mm512_srlv_epi64(d, sh), mask), plus);
        _mm256_storeu_si256((__m256i *)(void *)(v + g * 8), _mm512_cvtepi64_epi32(d));
    }
}
#endif

bool postings_unpack_fast(void)
{
#ifdef HAVE_UNPACK_VBMI
    return __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512bw");
#else
    return false;
#endif
}

/* postings_unpack() plus add to every value (1 for the tfs, stored minus
 * one). */
static void unpack_add(const uint8_t *p, unsigned bits, uint32_t *v, uint32_t add)
{
#ifdef HAVE_UNPACK_VBMI
    if (bits > 0 && postings_unpack_fast()) {
        unpack_vbmi(p, bits, v, add);
        return;
    }
#endif
    postings_unpack_scalar(p, bits, v);
    if (add)
        for (unsigned i = 0; i < SEG_BLOCK; i++)
            v[i] += add;
}

void postings_unpack(const uint8_t *p, unsigned bits, uint32_t *v)
{
    unpack_add(p, bits, v, 0);
}

static void unpack_tfs(const uint8_t *p, unsigned bits, uint32_t *v)
{
    unpack_add(p, bits, v, 1);
}

/* ------------------------------------------------------------------------ */
/* Encoding                                                                 */
/* ------------------------------------------------------------------------ */

const uint8_t *postings_skip_varints(const uint8_t *p, const uint8_t *end, uint64_t n)
{
    while (n > 0) {
        if (p >= end)
            return NULL;
        if (!(*p++ & 0x80))
            n--;
    }
    return p;
}

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
    put_u32(p, (uint32_t)v);
    put_u32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t ratio_of(uint32_t x, uint32_t dl)
{
    if (dl == 0 || x >= dl)
        return x ? 65535 : 0;
    uint64_t r = ((uint64_t)x * 65535 + dl - 1) / dl;
    return (uint16_t)(r > 65535 ? 65535 : r);
}

/* The largest counts and the smallest length of a bound. */
static inline void bound_counts(seg_bound *b, uint32_t tf, uint32_t ttf, uint32_t dl)
{
    if (tf > b->max_tf)
        b->max_tf = tf;
    if (ttf > b->max_ttf)
        b->max_ttf = ttf;
    if (dl < b->min_dl)
        b->min_dl = dl;
}

static void bound_add(seg_bound *b, uint32_t doc, uint32_t tf, uint32_t ttf, uint32_t dl)
{
    b->last_doc = doc;
    bound_counts(b, tf, ttf, dl);
    uint16_t r = ratio_of(tf, dl);
    if (r > b->ratio_tf)
        b->ratio_tf = r;
    r = ratio_of(ttf, dl);
    if (r > b->ratio_ttf)
        b->ratio_ttf = r;
}

static void bound_init(seg_bound *b)
{
    memset(b, 0, sizeof *b);
    b->min_dl = UINT32_MAX;
}

/* Whether x/dl > bx/bdl, a zero length counting as infinitely short. */
static inline bool ratio_above(uint32_t x, uint32_t dl, uint32_t bx, uint32_t bdl)
{
    if (dl == 0 || bdl == 0)
        return dl == 0 && x > 0 && (bdl != 0 || bx == 0);
    return (uint64_t)x * bdl > (uint64_t)bx * dl;
}

/* The bound of n postings, as bound_add() over each gives it, with two
 * divisions in all: ratio_of() grows with x/dl, so its largest value is
 * that of the largest ratio, found by multiplying. */
static void bound_of(seg_bound *b, const uint32_t *docs, const uint32_t *tfs,
                     const uint32_t *ttfs, uint32_t n, const seg_reader *r)
{
    bound_init(b);
    uint32_t bt = 0, btd = 1, bq = 0, bqd = 1;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t dl = seg_doc_len(r, docs[i]), tf = tfs[i], ttf = ttfs[i];
        bound_counts(b, tf, ttf, dl);
        if (ratio_above(tf, dl, bt, btd)) {
            bt = tf;
            btd = dl;
        }
        if (ratio_above(ttf, dl, bq, bqd)) {
            bq = ttf;
            bqd = dl;
        }
    }
    if (n > 0)
        b->last_doc = docs[n - 1];
    b->ratio_tf = ratio_of(bt, btd);
    b->ratio_ttf = ratio_of(bq, bqd);
}

void postings_encode(const postings_list *l, const uint8_t *dl_le32, wbuf *post, wbuf *pos, int *rc)
{
    if (*rc)
        return;
    uint32_t n = l->n;
    uint32_t nblocks = (n + SEG_BLOCK - 1) / SEG_BLOCK;
    bool skips = n >= SEG_BLOCK;
    size_t skip_at = post->len;
    if (skips) {
        if (wbuf_reserve(post, (size_t)nblocks * FMT_SKIP_ENTRY)) {
            *rc = WARTA_ENOMEM;
            return;
        }
        memset(post->data + post->len, 0, (size_t)nblocks * FMT_SKIP_ENTRY);
        post->len += (size_t)nblocks * FMT_SKIP_ENTRY;
    }
    size_t blocks_at = post->len;
    size_t pos_at = pos->len;
    wbuf_append(pos, l->pos, l->pos_bytes);

    uint32_t prev = UINT32_MAX; /* gaps are doc - prev - 1, so the first is the docid */
    const uint8_t *pp = l->pos, *pend = l->pos + l->pos_bytes;
    uint64_t pos_off = 0;
    uint32_t gaps[SEG_BLOCK], tf1[SEG_BLOCK];
    for (uint32_t k = 0; k < nblocks; k++) {
        uint32_t first = k * SEG_BLOCK;
        uint32_t m = n - first < SEG_BLOCK ? n - first : SEG_BLOCK;
        seg_bound b;
        bound_init(&b);
        for (uint32_t i = 0; i < m; i++) {
            uint32_t d = l->docs[first + i];
            uint32_t dl;
            memcpy(&dl, dl_le32 + 4 * (size_t)d, 4);
            bound_add(&b, d, l->tfs[first + i], l->ttfs[first + i], dl);
        }
        if (skips) {
            uint8_t *e = (uint8_t *)post->data + skip_at + (size_t)k * FMT_SKIP_ENTRY;
            put_u32(e, b.last_doc);
            put_u32(e + 4, b.max_tf);
            put_u32(e + 8, b.max_ttf);
            put_u32(e + 12, b.min_dl);
            put_u16(e + 16, b.ratio_tf);
            put_u16(e + 18, b.ratio_ttf);
            put_u32(e + 20, (uint32_t)(post->len - blocks_at));
            put_u64(e + 24, pos_off);
        }
        if (m == SEG_BLOCK) {
            for (uint32_t i = 0; i < m; i++) {
                gaps[i] = l->docs[first + i] - prev - 1;
                prev = l->docs[first + i];
                tf1[i] = l->tfs[first + i] - 1;
            }
            unsigned bd = postings_bits(gaps, m), bt = postings_bits(tf1, m);
            unsigned bq = postings_bits(l->ttfs + first, m);
            uint8_t hdr[3] = {(uint8_t)bd, (uint8_t)bt, (uint8_t)bq};
            wbuf_append(post, hdr, 3);
            postings_pack(post, gaps, m, bd);
            postings_pack(post, tf1, m, bt);
            postings_pack(post, l->ttfs + first, m, bq);
        } else {
            for (uint32_t i = 0; i < m; i++) {
                uint32_t d = l->docs[first + i], tf = l->tfs[first + i], ttf = l->ttfs[first + i];
                wbuf_put_varint(post, d - prev - 1);
                prev = d;
                wbuf_put_varint(post, (uint64_t)(tf - 1) << 1 | (ttf > 0));
                if (ttf > 0)
                    wbuf_put_varint(post, ttf - 1);
            }
        }
        /* advance the positions offset past this block's documents */
        if (k + 1 < nblocks && skips) {
            for (uint32_t i = 0; i < m; i++) {
                if (l->pos_len) {
                    pos_off += l->pos_len[first + i];
                } else {
                    const uint8_t *q = postings_skip_varints(pp, pend, l->tfs[first + i]);
                    if (!q) {
                        *rc = WARTA_ECORRUPT;
                        return;
                    }
                    pos_off += (uint64_t)(q - pp);
                    pp = q;
                }
            }
        }
    }
    (void)pos_at;
    if (post->oom || pos->oom)
        *rc = WARTA_ENOMEM;
}

/* ------------------------------------------------------------------------ */
/* Cursor                                                                   */
/* ------------------------------------------------------------------------ */

static inline uint32_t skip_last(const seg_cursor *c, uint32_t k)
{
    return le32_get(c->skip + (size_t)k * FMT_SKIP_ENTRY);
}

static void read_skip(const uint8_t *e, seg_bound *b)
{
    b->last_doc = le32_get(e);
    b->max_tf = le32_get(e + 4);
    b->max_ttf = le32_get(e + 8);
    b->min_dl = le32_get(e + 12);
    b->ratio_tf = (uint16_t)(e[16] | e[17] << 8);
    b->ratio_ttf = (uint16_t)(e[18] | e[19] << 8);
}

static uint32_t corrupt(seg_cursor *c, const char *what)
{
    if (!c->err) {
        c->err = WARTA_ECORRUPT;
        seg_reader_set_error(c->r, "%s: postings %s", c->r->path, what);
    }
    c->doc = SEG_END;
    c->n = 0;
    c->i = 0;
    return SEG_END;
}

/* v[i] = first + v[0] + ... + v[i] + i, in place over a block (docids
 * from gaps, each gap being doc - previous - 1); the caller has ruled out
 * 32-bit overflow. */
#ifdef HAVE_UNPACK_VBMI
/* prefix_docs() sixteen lanes at a time: within a register the sums of
 * 1, 2, 4, 8 lanes before, then the running total of the blocks before. */
__attribute__((target("avx512f")))
static void prefix_docs_avx512(uint32_t *v, uint32_t first)
{
    const __m512i zero = _mm512_setzero_si512();
    const __m512i one = _mm512_set1_epi32(1);
    const __m512i last = _mm512_set1_epi32(15);
    __m512i carry = _mm512_set1_epi32((int)(first - 1));
    for (unsigned i = 0; i < SEG_BLOCK; i += 16) {
        __m512i x = _mm512_add_epi32(_mm512_loadu_si512((const void *)(v + i)), one);
        x = _mm512_add_epi32(x, _mm512_alignr_epi32(x, zero, 15));
        x = _mm512_add_epi32(x, _mm512_alignr_epi32(x, zero, 14));
        x = _mm512_add_epi32(x, _mm512_alignr_epi32(x, zero, 12));
        x = _mm512_add_epi32(x, _mm512_alignr_epi32(x, zero, 8));
        x = _mm512_add_epi32(x, carry);
        _mm512_storeu_si512((void *)(v + i), x);
        carry = _mm512_permutexvar_epi32(last, x);
    }
}
#endif

static void prefix_docs(uint32_t *v, uint32_t first)
{
#ifdef HAVE_UNPACK_VBMI
    if (__builtin_cpu_supports("avx512f")) {
        prefix_docs_avx512(v, first);
        return;
    }
#endif
#if defined(__SSE2__)
    __m128i carry = _mm_set1_epi32((int)(first - 1));
    const __m128i one = _mm_set1_epi32(1);
    for (unsigned i = 0; i < SEG_BLOCK; i += 4) {
        __m128i x = _mm_add_epi32(_mm_loadu_si128((const __m128i *)(const void *)(v + i)), one);
        x = _mm_add_epi32(x, _mm_slli_si128(x, 4));
        x = _mm_add_epi32(x, _mm_slli_si128(x, 8));
        x = _mm_add_epi32(x, carry);
        _mm_storeu_si128((__m128i *)(void *)(v + i), x);
        carry = _mm_shuffle_epi32(x, 0xFF);
    }
#else
    uint32_t d = first;
    for (unsigned i = 0; i < SEG_BLOCK; i++) {
        d += v[i];
        v[i] = d;
        d++;
    }
#endif
}

/* Decodes block k into docs/tfs/ttfs. Returns false on corruption. */
static bool decode_block(seg_cursor *c, uint32_t k)
{
    uint32_t base = k == 0 ? UINT32_MAX : skip_last(c, k - 1);
    const uint8_t *p = c->blocks;
    c->pos_blk = c->pos_base;
    if (c->skip) {
        const uint8_t *e = c->skip + (size_t)k * FMT_SKIP_ENTRY;
        uint32_t off = le32_get(e + 20);
        uint64_t poff = le64_get(e + 24);
        if (off > (size_t)(c->end - c->blocks) || poff > (uint64_t)(c->pos_end - c->pos_base))
            return corrupt(c, "skip entry out of range"), false;
        p = c->blocks + off;
        c->pos_blk = c->pos_base + poff;
    }
    uint32_t n = (k + 1 < c->nblocks || c->df % SEG_BLOCK == 0) ? SEG_BLOCK : c->df % SEG_BLOCK;
    uint64_t d = (uint64_t)base + 1;
    if (base == UINT32_MAX)
        d = 0;
    uint32_t ndocs = c->r->ndocs;
    if (n == SEG_BLOCK) {
        if (c->end - p < 3)
            return corrupt(c, "block truncated"), false;
        unsigned bd = p[0], bt = p[1], bq = p[2];
        if (bd > 32 || bt > 32 || bq > 32 ||
            (size_t)(c->end - p - 3) < (size_t)16 * (bd + bt + bq))
            return corrupt(c, "block header invalid"), false;
        p += 3;
        postings_unpack(p, bd, c->docs);
        c->tf_src = p + 16 * bd;
        c->tf_bits = (uint8_t)bt;
        c->ttf_bits = (uint8_t)bq;
        c->has_title = bq != 0;
        c->tf_ready = c->tfs_ready = false;
        if (bd <= 24 && ndocs <= ((uint32_t)1 << 31)) {
            /* 128 gaps below 2^24 add less than 2^31 to a docid below
             * 2^31: 32-bit sums cannot wrap, the last docid decides. */
            prefix_docs(c->docs, (uint32_t)d);
            if (c->docs[SEG_BLOCK - 1] >= ndocs)
                return corrupt(c, "docid out of range"), false;
        } else {
            for (unsigned i = 0; i < SEG_BLOCK; i++) {
                d += c->docs[i];
                c->docs[i] = (uint32_t)d;
                d++;
            }
            if (d - 1 >= ndocs)
                return corrupt(c, "docid out of range"), false;
        }
    } else {
        c->tf_ready = c->tfs_ready = true;
        c->has_title = false;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t gap, tfv, ttf;
            if (!fmt_varint(&p, c->end, &gap) || !fmt_varint(&p, c->end, &tfv))
                return corrupt(c, "block truncated"), false;
            /* The title count follows when tf's low bit says so; it is
             * read without a branch on that bit (which is as good as
             * random) in its common one-byte form. */
            uint64_t has = tfv & 1;
            unsigned b = p < c->end ? *p : 0x80;
            if (has & (b >> 7)) {
                if (!fmt_varint(&p, c->end, &ttf))
                    return corrupt(c, "block truncated"), false;
                ttf++;
            } else {
                ttf = has ? (uint64_t)b + 1 : 0;
                p += has;
            }
            d += gap;
            if (d >= ndocs || (tfv >> 1) >= UINT32_MAX || ttf > UINT32_MAX)
                return corrupt(c, "docid out of range"), false;
            c->docs[i] = (uint32_t)d;
            c->tfs[i] = (uint32_t)(tfv >> 1) + 1;
            c->ttfs[i] = (uint32_t)ttf;
            c->has_title |= ttf != 0;
            d++;
        }
    }
    /* The skip entry names the block's last docid; the next block's gaps
     * start from it, so a block that decodes past it would hand out docids
     * out of order. */
    if (c->skip && c->docs[n - 1] != skip_last(c, k))
        return corrupt(c, "block disagrees with its skip entry"), false;
    c->blk = k;
    c->n = n;
    c->i = 0;
    c->pos_cur = c->pos_blk;
    c->pos_i = 0;
    return true;
}

void seg_cursor_load_tfs(seg_cursor *c)
{
    if (c->blk == UINT32_MAX || c->n == 0) {
        /* nothing decoded (a cursor not started, or stopped by corruption) */
        memset(c->tfs, 0, sizeof c->tfs);
        memset(c->ttfs, 0, sizeof c->ttfs);
        c->tf_ready = c->tfs_ready = true;
        return;
    }
    if (!c->tfs_ready) {
        unpack_tfs(c->tf_src, c->tf_bits, c->tfs);
    }
    postings_unpack(c->tf_src + 16 * (size_t)c->tf_bits, c->ttf_bits, c->ttfs);
    c->tf_ready = c->tfs_ready = true;
}

void seg_cursor_load_tf_only(seg_cursor *c)
{
    if (c->tf_ready || c->blk == UINT32_MAX || c->n == 0) {
        seg_cursor_load_tfs(c);
        return;
    }
    unpack_tfs(c->tf_src, c->tf_bits, c->tfs);
    c->tfs_ready = true;
}

int seg_cursor_open(seg_cursor *c, seg_reader *r, const seg_term *t)
{
    c->r = r;
    c->err = 0;
    c->started = false;
    c->doc = 0;
    c->blk = UINT32_MAX;
    c->shallow = 0;
    c->i = c->n = 0;
    c->df = t->df;
    c->tf_ready = c->tfs_ready = true;
    c->tf_src = NULL;
    c->tf_bits = c->ttf_bits = 0;
    c->has_title = false;
    c->bound_lazy = false;
    int rc = dict_verify_block(r, t->block);
    if (rc)
        return c->err = rc;
    if (t->df == 0 || t->post_off > r->post_len || t->post_len > r->post_len - t->post_off ||
        t->pos_off > r->pos_len || t->pos_len > r->pos_len - t->pos_off) {
        corrupt(c, "term offsets out of range");
        return c->err;
    }
    const uint8_t *p = r->post + t->post_off;
    c->end = p + t->post_len;
    c->pos_base = r->pos + t->pos_off;
    c->pos_end = c->pos_base + t->pos_len;
    c->nblocks = (t->df + SEG_BLOCK - 1) / SEG_BLOCK;
    if (t->df >= SEG_BLOCK) {
        if (t->post_len / FMT_SKIP_ENTRY < c->nblocks) {
            corrupt(c, "skip data truncated");
            return c->err;
        }
        c->skip = p;
        c->blocks = p + (size_t)c->nblocks * FMT_SKIP_ENTRY;
        /* The skip entries' order is checked here; the list's bound over
         * them is computed when first asked for (seg_cursor_term_bound():
         * term at a time never asks). */
        uint32_t prev_last = 0;
        for (uint32_t k = 0; k < c->nblocks; k++) {
            uint32_t last = skip_last(c, k);
            if ((k > 0 && last <= prev_last) || last >= r->ndocs) {
                corrupt(c, "skip entries out of order");
                return c->err;
            }
            prev_last = last;
        }
        bound_init(&c->term_bound);
        c->term_bound.last_doc = prev_last;
        c->bound_lazy = true;
    } else {
        c->skip = NULL;
        c->blocks = p;
        if (!decode_block(c, 0))
            return c->err;
        bound_of(&c->term_bound, c->docs, c->tfs, c->ttfs, c->n, r);
    }
    return 0;
}

void seg_cursor_rewind(seg_cursor *c)
{
    if (c->err)
        return;
    c->started = false;
    c->doc = 0;
    c->shallow = 0;
    if (!c->skip && c->blk == 0) {
        /* The only block stays decoded; back to its first document. */
        c->i = 0;
        c->pos_cur = c->pos_blk;
        c->pos_i = 0;
        return;
    }
    c->blk = UINT32_MAX;
    c->i = c->n = 0;
    c->tf_ready = c->tfs_ready = true;
}

uint32_t seg_cursor_next(seg_cursor *c)
{
    if (!c->started) {
        c->started = true;
        if (c->blk != 0 && !decode_block(c, 0))
            return SEG_END;
        c->i = 0;
        return c->doc = c->docs[0];
    }
    if (c->doc == SEG_END)
        return SEG_END;
    if (++c->i >= c->n) {
        if (c->blk + 1 >= c->nblocks) {
            c->i = c->n ? c->n - 1 : 0;
            return c->doc = SEG_END;
        }
        if (!decode_block(c, c->blk + 1))
            return SEG_END;
    }
    return c->doc = c->docs[c->i];
}

/* The first block from k whose last docid is >= target (nblocks when
 * none): a galloping search over the skip entries, so that short hops stay
 * cheap and long ones logarithmic. */
static uint32_t skip_find(const seg_cursor *c, uint32_t k, uint32_t target)
{
    uint32_t n = c->nblocks;
    if (k >= n || skip_last(c, k) >= target)
        return k;
    /* skip_last(lo) < target; find hi with skip_last(hi) >= target */
    uint32_t lo = k, step = 1, hi;
    for (;;) {
        hi = lo + step;
        if (hi >= n) {
            hi = n;
            break;
        }
        if (skip_last(c, hi) >= target)
            break;
        lo = hi;
        step *= 2;
    }
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (skip_last(c, mid) >= target)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

uint32_t seg_cursor_block_find(const seg_cursor *c, uint32_t i, uint32_t target)
{
    uint32_t n = c->n;
    if (i >= n || c->docs[i] >= target)
        return i;
    if (c->docs[n - 1] < target)
        return n;
    /* docs[lo] < target <= docs[hi] */
    uint32_t lo = i, hi = n - 1;
    while (hi - lo > 8) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->docs[mid] >= target)
            hi = mid;
        else
            lo = mid;
    }
    while (c->docs[lo] < target)
        lo++;
    return lo;
}

uint32_t seg_cursor_seek(seg_cursor *c, uint32_t target)
{
    if (c->started) {
        if (c->doc == SEG_END || c->doc >= target)
            return c->doc;
    } else {
        c->started = true;
    }
    uint32_t k = c->blk == UINT32_MAX ? 0 : c->blk;
    if (c->skip) {
        k = skip_find(c, k, target);
        if (k >= c->nblocks) {
            if (c->blk == UINT32_MAX && !decode_block(c, 0))
                return SEG_END;
            c->i = c->n - 1;
            return c->doc = SEG_END;
        }
    }
    if (k != c->blk) {
        if (!decode_block(c, k))
            return SEG_END;
    }
    uint32_t i = seg_cursor_block_find(c, c->i, target);
    if (i >= c->n) {
        c->i = c->n - 1;
        return c->doc = SEG_END;
    }
    c->i = i;
    return c->doc = c->docs[i];
}

uint32_t seg_cursor_goto(seg_cursor *c, uint32_t target)
{
    if (c->err)
        return c->doc = SEG_END;
    bool back = c->started && (c->doc == SEG_END || c->doc > target);
    if (!back)
        return seg_cursor_seek(c, target);
    /* Backwards: find the block from the start, keep the decoded one when
     * it is the right one. */
    uint32_t k = c->skip ? skip_find(c, 0, target) : 0;
    if (k >= c->nblocks) {
        c->i = c->n ? c->n - 1 : 0;
        return c->doc = SEG_END;
    }
    if (k != c->blk) {
        if (!decode_block(c, k))
            return SEG_END;
    }
    uint32_t i = seg_cursor_block_find(c, 0, target);
    if (i >= c->n) {
        c->i = c->n - 1;
        return c->doc = SEG_END;
    }
    c->i = i;
    c->pos_cur = c->pos_blk;   /* positions are walked from the block start again */
    c->pos_i = 0;
    return c->doc = c->docs[i];
}

int postings_cursor_raw_positions(seg_cursor *c, const uint8_t **out, size_t *len)
{
    if (c->err)
        return c->err;
    if (c->doc == SEG_END || !c->started)
        return WARTA_EINVAL;
    seg_cursor_need_tfs(c);
    uint64_t skip = 0;
    for (uint32_t j = c->pos_i; j < c->i; j++)
        skip += c->tfs[j];
    if (c->pos_i > c->i) {
        c->pos_cur = c->pos_blk;
        skip = 0;
        for (uint32_t j = 0; j < c->i; j++)
            skip += c->tfs[j];
    }
    const uint8_t *p = postings_skip_varints(c->pos_cur, c->pos_end, skip);
    const uint8_t *q = p ? postings_skip_varints(p, c->pos_end, c->tfs[c->i]) : NULL;
    if (!q) {
        corrupt(c, "positions truncated");
        return c->err;
    }
    *out = p;
    *len = (size_t)(q - p);
    c->pos_cur = q;
    c->pos_i = c->i + 1;
    return 0;
}

int seg_cursor_positions(seg_cursor *c, uint32_t *out)
{
    const uint8_t *p;
    size_t len;
    int rc = postings_cursor_raw_positions(c, &p, &len);
    if (rc)
        return rc;
    const uint8_t *end = p + len;
    uint64_t acc = 0;
    for (uint32_t j = 0; j < c->tfs[c->i]; j++) {
        uint64_t v;
        if (!varint_get(&p, end, &v))
            return corrupt(c, "positions truncated"), c->err;
        acc += v;
        if (acc > UINT32_MAX)
            return corrupt(c, "position out of range"), c->err;
        out[j] = (uint32_t)acc;
    }
    return 0;
}

void seg_term_prefetch(const seg_reader *r, const seg_term *t)
{
    if (t->post_off < r->post_len) {
        const uint8_t *p = r->post + t->post_off;
        __builtin_prefetch(p);
        if (t->post_len > 64 && r->post_len - t->post_off > 64)
            __builtin_prefetch(p + 64);
    }
}

void seg_cursor_fill_bound(seg_cursor *c)
{
    seg_bound *b = &c->term_bound;
    bound_init(b);
    for (uint32_t k = 0; k < c->nblocks; k++) {
        seg_bound e;
        read_skip(c->skip + (size_t)k * FMT_SKIP_ENTRY, &e);
        b->last_doc = e.last_doc;
        if (e.max_tf > b->max_tf) b->max_tf = e.max_tf;
        if (e.max_ttf > b->max_ttf) b->max_ttf = e.max_ttf;
        if (e.min_dl < b->min_dl) b->min_dl = e.min_dl;
        if (e.ratio_tf > b->ratio_tf) b->ratio_tf = e.ratio_tf;
        if (e.ratio_ttf > b->ratio_ttf) b->ratio_ttf = e.ratio_ttf;
    }
    c->bound_lazy = false;
}

uint32_t seg_cursor_shallow_seek(seg_cursor *c, uint32_t target)
{
    if (!c->skip) {
        if (c->shallow == 0 && c->term_bound.last_doc >= target)
            return c->term_bound.last_doc;
        c->shallow = 1;
        return SEG_END;
    }
    uint32_t k = c->shallow;
    while (k < c->nblocks && skip_last(c, k) < target)
        k++;
    c->shallow = k;
    return k < c->nblocks ? skip_last(c, k) : SEG_END;
}

uint32_t seg_cursor_blocks_in(const seg_cursor *c, uint32_t lo, uint32_t hi, seg_bound *out,
                              uint32_t max)
{
    if (!c->skip) {
        if (c->nblocks == 0 || c->term_bound.last_doc < lo || max == 0)
            return 0;
        out[0] = c->term_bound;
        return 1;
    }
    uint32_t k = skip_find(c, 0, lo), n = 0;
    for (; k < c->nblocks && n < max; k++) {
        if (k > 0 && skip_last(c, k - 1) >= hi)
            break;
        read_skip(c->skip + (size_t)k * FMT_SKIP_ENTRY, &out[n++]);
    }
    return n;
}

void seg_cursor_block_bound(const seg_cursor *c, seg_bound *out)
{
    if (c->shallow >= c->nblocks) {
        memset(out, 0, sizeof *out);
        out->last_doc = SEG_END;
        return;
    }
    if (!c->skip) {
        *out = c->term_bound;
        return;
    }
    read_skip(c->skip + (size_t)c->shallow * FMT_SKIP_ENTRY, out);
}

int seg_term_live_df(seg_reader *r, const seg_term *t, uint32_t *df)
{
    if (!r->deleted || r->ndeleted == 0) {
        *df = t->df;
        return 0;
    }
    seg_cursor c;
    int rc = seg_cursor_open(&c, r, t);
    if (rc)
        return rc;
    uint32_t n = 0;
    for (uint32_t d = seg_cursor_next(&c); d != SEG_END; d = seg_cursor_next(&c))
        n += !seg_is_deleted(r, d);
    if (c.err)
        return c.err;
    *df = n;
    return 0;
}
