/*
 * test_postings.c: the postings codec (indexer/segment/postings.c): bit
 * packing at every width, and encoded lists read back through the cursor
 * (next, seek, shallow seek, block bounds, positions) for random and
 * adversarial lists: all-equal gaps, maximal gaps, one-document lists,
 * lists at and around block boundaries; truncated data never over-reads.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/segment/format.h"

static uint64_t rnd_state = 88172645463325252ull;

static uint32_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (uint32_t)rnd_state;
}

Test(postings, packs_and_unpacks_every_width)
{
    for (unsigned bits = 0; bits <= 32; bits++) {
        uint32_t v[SEG_BLOCK], back[SEG_BLOCK];
        for (unsigned i = 0; i < SEG_BLOCK; i++) {
            uint32_t m = bits == 32 ? 0xffffffffu : ((1u << bits) - 1);
            v[i] = (i % 3 == 0) ? m : (rnd() & m);
        }
        wbuf b = WBUF_INIT;
        postings_pack(&b, v, SEG_BLOCK, bits);
        cr_assert_eq(b.len, (size_t)16 * bits);
        wbuf_append(&b, "\0\0\0\0\0\0\0\0", 8); /* the readable padding */
        postings_unpack((const uint8_t *)b.data, bits, back);
        for (unsigned i = 0; i < SEG_BLOCK; i++)
            cr_assert_eq(back[i], v[i], "bits %u value %u", bits, i);
        cr_assert_eq(postings_bits(v, SEG_BLOCK), bits);
        wbuf_free(&b);
    }
}

/* A list and a fake one-term segment holding it. */
typedef struct fake {
    seg_reader r;
    wbuf post, pos;
    uint8_t *dl;
    seg_term t;
    uint32_t *docs, *tfs, *ttfs;
    uint32_t **posv;     /* positions per document */
    uint32_t n;
    _Atomic uint8_t verified[1];
} fake;

static void fake_build(fake *f, uint32_t n, uint32_t ndocs, const uint32_t *docs,
                       uint32_t max_tf)
{
    memset(f, 0, sizeof *f);
    f->n = n;
    f->docs = malloc((n + 1) * sizeof *f->docs);
    f->tfs = malloc((n + 1) * sizeof *f->tfs);
    f->ttfs = malloc((n + 1) * sizeof *f->ttfs);
    f->posv = calloc(n + 1, sizeof *f->posv);
    f->dl = calloc((size_t)ndocs + 1, 4);
    wbuf posbytes = WBUF_INIT;
    for (uint32_t i = 0; i < n; i++) {
        f->docs[i] = docs[i];
        f->tfs[i] = 1 + rnd() % max_tf;
        f->ttfs[i] = rnd() % 3 == 0 ? rnd() % (f->tfs[i] + 1) : 0;
        uint32_t dl = f->tfs[i] + rnd() % 50;
        memcpy(f->dl + 4 * (size_t)docs[i], &dl, 4);
        f->posv[i] = malloc(f->tfs[i] * sizeof(uint32_t));
        uint32_t p = rnd() % 5, prev = 0;
        for (uint32_t j = 0; j < f->tfs[i]; j++) {
            f->posv[i][j] = p;
            wbuf_put_varint(&posbytes, p - prev);
            prev = p;
            p += 1 + rnd() % 300;
        }
    }
    postings_list l = {n, f->docs, f->tfs, f->ttfs, (const uint8_t *)posbytes.data, NULL,
                       posbytes.len};
    int rc = 0;
    postings_encode(&l, f->dl, &f->post, &f->pos, &rc);
    cr_assert_eq(rc, 0);
    wbuf_free(&posbytes);
    /* padding after the sections, as in a real file */
    wbuf_append(&f->post, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
    wbuf_append(&f->pos, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
    f->post.len -= 16;
    f->pos.len -= 16;
    f->r.path = "fake";
    f->r.ndocs = ndocs;
    f->r.dl = f->dl;
    f->r.post = (const uint8_t *)f->post.data;
    f->r.post_len = f->post.len;
    f->r.pos = (const uint8_t *)f->pos.data;
    f->r.pos_len = f->pos.len;
    f->r.ndict_blocks = 1;
    f->verified[0] = 1; /* pretend the checksums were checked */
    f->r.verified = f->verified;
    f->t.df = n;
    f->t.post_off = 0;
    f->t.post_len = f->post.len;
    f->t.pos_off = 0;
    f->t.pos_len = f->pos.len;
    f->t.block = 0;
}

static void fake_free(fake *f)
{
    for (uint32_t i = 0; i < f->n; i++)
        free(f->posv[i]);
    free(f->posv);
    free(f->docs);
    free(f->tfs);
    free(f->ttfs);
    free(f->dl);
    wbuf_free(&f->post);
    wbuf_free(&f->pos);
}

/* Reads the whole list back and checks everything, bounds included. */
static void check_list(fake *f)
{
    seg_cursor c;
    cr_assert_eq(seg_cursor_open(&c, &f->r, &f->t), 0);
    uint32_t i = 0;
    uint32_t pos[4096];
    for (uint32_t d = seg_cursor_next(&c); d != SEG_END; d = seg_cursor_next(&c), i++) {
        cr_assert_lt(i, f->n);
        cr_assert_eq(d, f->docs[i], "doc %u", i);
        cr_assert_eq(seg_cursor_tf(&c), f->tfs[i]);
        cr_assert_eq(seg_cursor_title_tf(&c), f->ttfs[i]);
        if (i % 3 == 0) {
            cr_assert_eq(seg_cursor_positions(&c, pos), 0);
            for (uint32_t j = 0; j < f->tfs[i]; j++)
                cr_assert_eq(pos[j], f->posv[i][j]);
        }
    }
    cr_assert_eq(i, f->n);
    cr_assert_eq(seg_cursor_error(&c), 0);
    /* block bounds hold for every document */
    seg_cursor b;
    cr_assert_eq(seg_cursor_open(&b, &f->r, &f->t), 0);
    for (i = 0; i < f->n; i++) {
        uint32_t last = seg_cursor_shallow_seek(&b, f->docs[i]);
        cr_assert_geq(last, f->docs[i]);
        seg_bound bd;
        seg_cursor_block_bound(&b, &bd);
        uint32_t dl;
        memcpy(&dl, f->dl + 4 * (size_t)f->docs[i], 4);
        cr_assert_leq(f->tfs[i], bd.max_tf);
        cr_assert_leq(f->ttfs[i], bd.max_ttf);
        cr_assert_geq(dl, bd.min_dl);
        cr_assert_leq((uint64_t)f->tfs[i] * 65535, (uint64_t)bd.ratio_tf * dl);
        cr_assert_leq((uint64_t)f->ttfs[i] * 65535, (uint64_t)bd.ratio_ttf * dl);
        const seg_bound *tb = seg_cursor_term_bound(&b);
        cr_assert_leq(f->tfs[i], tb->max_tf);
        cr_assert_geq(dl, tb->min_dl);
    }
    /* a list of one block: its bound is exactly that of its postings */
    if (f->n < SEG_BLOCK) {
        uint32_t want_tf = 0, want_ttf = 0;
        for (i = 0; i < f->n; i++) {
            uint32_t dl;
            memcpy(&dl, f->dl + 4 * (size_t)f->docs[i], 4);
            uint32_t xs[2] = {f->tfs[i], f->ttfs[i]}, *want[2] = {&want_tf, &want_ttf};
            for (int k = 0; k < 2; k++) {
                uint32_t x = xs[k], r;
                if (dl == 0 || x >= dl)
                    r = x ? 65535 : 0;
                else {
                    uint64_t q = ((uint64_t)x * 65535 + dl - 1) / dl;
                    r = q > 65535 ? 65535 : (uint32_t)q;
                }
                if (r > *want[k])
                    *want[k] = r;
            }
        }
        const seg_bound *tb = seg_cursor_term_bound(&b);
        cr_assert_eq(tb->ratio_tf, want_tf);
        cr_assert_eq(tb->ratio_ttf, want_ttf);
    }
    cr_assert_eq(seg_cursor_shallow_seek(&b, f->docs[f->n - 1] + 1 == 0 ? SEG_END
                                                                         : f->docs[f->n - 1] + 1),
                 SEG_END);
    /* seek to random targets, forward only */
    for (int round = 0; round < 5; round++) {
        seg_cursor s;
        cr_assert_eq(seg_cursor_open(&s, &f->r, &f->t), 0);
        uint32_t target = 0;
        uint32_t k = 0;
        while (true) {
            uint32_t d = seg_cursor_seek(&s, target);
            while (k < f->n && f->docs[k] < target)
                k++;
            if (k == f->n) {
                cr_assert_eq(d, SEG_END);
                break;
            }
            cr_assert_eq(d, f->docs[k], "seek %u", target);
            cr_assert_eq(seg_cursor_tf(&s), f->tfs[k]);
            if (rnd() % 4 == 0) {
                cr_assert_eq(seg_cursor_positions(&s, pos), 0);
                cr_assert_eq(pos[0], f->posv[k][0]);
            }
            uint32_t step = 1 + rnd() % (round == 0 ? 3 : round * 400);
            if (target > UINT32_MAX - 2 - step)
                break;
            target = d + step;
        }
    }
    /* blocks_in: the blocks returned for a range hold every posting in it */
    for (int round = 0; round < 100; round++) {
        seg_cursor q;
        cr_assert_eq(seg_cursor_open(&q, &f->r, &f->t), 0);
        uint32_t span = f->docs[f->n - 1] + 2;
        uint32_t lo = (uint32_t)(rnd() % span), hi = lo + (uint32_t)(rnd() % 3000);
        seg_bound bb[64];
        uint32_t nb = seg_cursor_blocks_in(&q, lo, hi, bb, 64);
        for (i = 0; i < f->n; i++) {
            uint32_t d = f->docs[i];
            if (d < lo || d > hi || nb == 64)
                continue;
            uint32_t k = 0;
            while (k < nb && bb[k].last_doc < d)
                k++;
            cr_assert_lt(k, nb, "doc %u in [%u, %u] not covered", d, lo, hi);
            uint32_t dl;
            memcpy(&dl, f->dl + 4 * (size_t)d, 4);
            cr_assert_leq(f->tfs[i], bb[k].max_tf);
            cr_assert_geq(dl, bb[k].min_dl);
        }
    }
    /* goto: random targets in any order, backwards too, interleaved with
     * next() and positions */
    seg_cursor g;
    cr_assert_eq(seg_cursor_open(&g, &f->r, &f->t), 0);
    uint32_t span = f->docs[f->n - 1] + 2;
    for (int round = 0; round < 300; round++) {
        uint32_t target = (uint32_t)(rnd() % span);
        uint32_t d = seg_cursor_goto(&g, target);
        uint32_t k = 0;
        while (k < f->n && f->docs[k] < target)
            k++;
        if (k == f->n) {
            cr_assert_eq(d, SEG_END, "goto %u", target);
            continue;
        }
        cr_assert_eq(d, f->docs[k], "goto %u", target);
        cr_assert_eq(seg_cursor_tf(&g), f->tfs[k]);
        cr_assert_eq(seg_cursor_title_tf(&g), f->ttfs[k]);
        cr_assert_eq(seg_cursor_positions(&g, pos), 0);
        for (uint32_t j = 0; j < f->tfs[k]; j++)
            cr_assert_eq(pos[j], f->posv[k][j], "goto %u position %u", target, j);
        if (k + 1 < f->n && rnd() % 2) {
            cr_assert_eq(seg_cursor_next(&g), f->docs[k + 1]);
            cr_assert_eq(seg_cursor_positions(&g, pos), 0);
            cr_assert_eq(pos[0], f->posv[k + 1][0]);
        }
    }
    cr_assert_eq(seg_cursor_error(&g), 0);
}

static void run_case(uint32_t n, uint32_t ndocs, const uint32_t *docs, uint32_t max_tf)
{
    fake f;
    fake_build(&f, n, ndocs, docs, max_tf);
    check_list(&f);
    fake_free(&f);
}

Test(postings, roundtrips_random_lists)
{
    for (int round = 0; round < 40; round++) {
        uint32_t n = 1 + rnd() % 2000;
        uint32_t ndocs = n + rnd() % 50000;
        uint32_t *docs = malloc(n * sizeof *docs);
        /* a sorted sample of [0, ndocs) */
        uint32_t k = 0;
        for (uint32_t d = 0; d < ndocs && k < n; d++)
            if (rnd() % (ndocs - d) < n - k)
                docs[k++] = d;
        run_case(k, ndocs, docs, 1 + rnd() % 40);
        free(docs);
    }
}

Test(postings, roundtrips_block_boundaries)
{
    const uint32_t sizes[] = {1, 2, 127, 128, 129, 255, 256, 257, 383, 384, 385, 1024};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint32_t n = sizes[s];
        uint32_t *docs = malloc(n * sizeof *docs);
        for (uint32_t i = 0; i < n; i++)
            docs[i] = i * 3 + 1;
        run_case(n, n * 3 + 2, docs, 5);
        free(docs);
    }
}

Test(postings, roundtrips_all_equal_gaps)
{
    uint32_t n = 1000;
    uint32_t *docs = malloc(n * sizeof *docs);
    for (uint32_t i = 0; i < n; i++)
        docs[i] = i; /* gap 1 everywhere: zero bits for the gaps */
    run_case(n, n, docs, 1);
    for (uint32_t i = 0; i < n; i++)
        docs[i] = i * 7;
    run_case(n, n * 7, docs, 1);
    free(docs);
}

Test(postings, roundtrips_maximal_gaps)
{
    /* docids near the top of the range: 32-bit gaps and docs */
    uint32_t docs[300];
    uint32_t ndocs = UINT32_MAX - 1;
    docs[0] = 0;
    for (uint32_t i = 1; i < 300; i++)
        docs[i] = ndocs - 300 + i - 1;
    docs[1] = ndocs / 2;
    /* dl for these ids would need 16 GB: use small lists directly */
    uint32_t small[3] = {0, 1u << 20, (1u << 24) - 1};
    run_case(3, 1u << 24, small, 3);
    uint32_t big[130];
    for (uint32_t i = 0; i < 130; i++)
        big[i] = i == 0 ? 0 : (1u << 23) + i * 60000;
    run_case(130, (1u << 23) + 131 * 60000, big, 2);
    (void)docs;
}

Test(postings, one_document_lists)
{
    for (uint32_t d = 0; d < 2000; d += 333) {
        uint32_t doc = d;
        run_case(1, 2000, &doc, 1 + d % 7);
    }
}

Test(postings, truncated_lists_are_reported_not_overread)
{
    uint32_t n = 600;
    uint32_t *docs = malloc(n * sizeof *docs);
    for (uint32_t i = 0; i < n; i++)
        docs[i] = i * 2;
    fake f;
    fake_build(&f, n, n * 2, docs, 9);
    for (uint64_t cut = 0; cut < f.post.len; cut += 1 + cut / 8) {
        seg_term t = f.t;
        t.post_len = cut;
        seg_cursor c;
        if (seg_cursor_open(&c, &f.r, &t) != 0)
            continue;
        uint32_t cnt = 0;
        for (uint32_t d = seg_cursor_next(&c); d != SEG_END; d = seg_cursor_next(&c))
            cnt++;
        cr_assert(cnt < n || seg_cursor_error(&c) == 0);
        if (cnt < n)
            cr_assert_eq(seg_cursor_error(&c), WARTA_ECORRUPT, "cut %llu", (unsigned long long)cut);
    }
    /* positions cut short */
    seg_term t = f.t;
    t.pos_len = f.t.pos_len / 2;
    seg_cursor c;
    cr_assert_eq(seg_cursor_open(&c, &f.r, &t), 0);
    uint32_t pos[64];
    int bad = 0;
    for (uint32_t d = seg_cursor_next(&c); d != SEG_END; d = seg_cursor_next(&c))
        if (seg_cursor_positions(&c, pos) != 0) {
            bad = 1;
            break;
        }
    cr_assert(bad);
    fake_free(&f);
    free(docs);
}
