/*
 * test_dict.c: the front-coded term dictionary (indexer/segment/dict.c):
 * exact lookups of every term and of absent ones, prefix enumeration with
 * its cap, the walk over all terms in order, block boundaries, and
 * malformed block indexes refused.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/segment/format.h"

typedef struct fdict {
    seg_reader r;
    dict_builder b;
    wbuf post, pos;
    char (*terms)[40];
    size_t n;
} fdict;

static int cmp_term(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* n sorted distinct terms ("a", "ab", ...) with fake postings ranges. */
static void fdict_build(fdict *f, size_t n)
{
    memset(f, 0, sizeof *f);
    f->terms = calloc(n + 1, sizeof *f->terms);
    uint64_t s = 12345;
    size_t k = 0;
    while (k < n) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        int len = 1 + (int)(s >> 60) % 12;
        for (int i = 0; i < len; i++)
            f->terms[k][i] = (char)('a' + (s >> (8 + i * 4)) % 6);
        f->terms[k][len] = '\0';
        k++;
    }
    qsort(f->terms, n, sizeof *f->terms, cmp_term);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || strcmp(f->terms[m - 1], f->terms[i]) != 0)
            memcpy(f->terms[m++], f->terms[i], sizeof f->terms[i]);
    f->n = m;
    int rc = 0;
    dict_builder_init(&f->b);
    for (size_t i = 0; i < m; i++) {
        uint64_t po = f->post.len, qo = f->pos.len;
        size_t plen = 1 + i % 5, qlen = i % 3;
        for (size_t j = 0; j < plen; j++)
            wbuf_putc(&f->post, (char)i);
        for (size_t j = 0; j < qlen; j++)
            wbuf_putc(&f->pos, (char)(i * 7));
        dict_builder_add(&f->b, f->terms[i], strlen(f->terms[i]), (uint32_t)(1 + i % 9),
                         (uint64_t)(1 + i % 9) * 2, po, plen, qo, qlen, f->post.data + po,
                         f->pos.data ? f->pos.data + qo : "", &rc);
    }
    dict_builder_finish(&f->b, &rc);
    cr_assert_eq(rc, 0);
    f->r.path = "fake";
    f->r.ndocs = 100;
    f->r.post = (const uint8_t *)f->post.data;
    f->r.post_len = f->post.len;
    f->r.pos = (const uint8_t *)(f->pos.data ? f->pos.data : "");
    f->r.pos_len = f->pos.len;
    f->r.dict_data = (const uint8_t *)f->b.data.data;
    f->r.dict_len = f->b.data.len;
    f->r.dict_index = (const uint8_t *)f->b.index.data;
    f->r.ndict_blocks = (uint32_t)(f->b.index.len / FMT_DICT_ENTRY);
    f->r.dict_keys = (const uint8_t *)f->b.keys.data;
    f->r.dict_keys_len = f->b.keys.len;
    f->r.nterms = m;
    cr_assert_eq(dict_reader_init(&f->r), 0);
}

static void fdict_free(fdict *f)
{
    wfree((void *)f->r.verified);
    dict_builder_free(&f->b);
    wbuf_free(&f->post);
    wbuf_free(&f->pos);
    free(f->terms);
}

Test(dict, finds_every_term_with_its_data)
{
    fdict f;
    fdict_build(&f, 3000);
    uint64_t po = 0;
    for (size_t i = 0; i < f.n; i++) {
        seg_term t;
        cr_assert_eq(seg_term_lookup(&f.r, f.terms[i], strlen(f.terms[i]), &t), 0, "%s",
                     f.terms[i]);
        cr_assert_eq(t.df, 1 + i % 9);
        cr_assert_eq(t.cf, (1 + i % 9) * 2);
        cr_assert_eq(t.post_off, po);
        cr_assert_eq(t.post_len, 1 + i % 5);
        po += t.post_len;
    }
    fdict_free(&f);
}

Test(dict, reports_absent_terms)
{
    fdict f;
    fdict_build(&f, 500);
    const char *absent[] = {"", "zzz", "aaaaaaaaaaaaaaaaaaaa", "g", "abcdefabcdefx", "\xff"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++) {
        seg_term t;
        int found = 0;
        for (size_t k = 0; k < f.n; k++)
            found |= strcmp(f.terms[k], absent[i]) == 0;
        if (!found)
            cr_assert_eq(seg_term_lookup(&f.r, absent[i], strlen(absent[i]), &t), WARTA_ENOTFOUND);
    }
    fdict_free(&f);
}

/* Lookups of near misses (a byte more, a byte less, the last byte moved
 * either way) agree with a plain search of the term list. */
Test(dict, near_misses_are_found_exactly_when_present)
{
    fdict f;
    fdict_build(&f, 2000);
    for (size_t i = 0; i < f.n; i++) {
        const char *w = f.terms[i];
        size_t n = strlen(w);
        char v[4][64];
        size_t vl[4];
        snprintf(v[0], sizeof v[0], "%s\x01", w);
        vl[0] = n + 1;
        memcpy(v[1], w, n);
        vl[1] = n ? n - 1 : 0;
        v[1][vl[1]] = '\0';
        memcpy(v[2], w, n + 1);
        memcpy(v[3], w, n + 1);
        vl[2] = vl[3] = n;
        if (n) {
            v[2][n - 1] = (char)(v[2][n - 1] + 1);
            v[3][n - 1] = (char)(v[3][n - 1] - 1);
        }
        for (int k = 0; k < 4; k++) {
            if (vl[k] == 0 || memchr(v[k], '\0', vl[k]))
                continue;
            size_t at = f.n;
            for (size_t j = 0; j < f.n; j++)
                if (strlen(f.terms[j]) == vl[k] && memcmp(f.terms[j], v[k], vl[k]) == 0)
                    at = j;
            seg_term t;
            int rc = seg_term_lookup(&f.r, v[k], vl[k], &t);
            cr_assert_eq(rc, at < f.n ? 0 : WARTA_ENOTFOUND, "variant %d of %s", k, w);
            if (rc == 0)
                cr_assert_eq(t.df, 1 + at % 9);
        }
    }
    fdict_free(&f);
}

typedef struct collect {
    char terms[4096][40];
    size_t n;
} collect;

static int on_term(void *ctx, const char *term, size_t len, const seg_term *t)
{
    collect *c = ctx;
    (void)t;
    cr_assert_lt(c->n, 4096);
    memcpy(c->terms[c->n], term, len);
    c->terms[c->n][len] = '\0';
    c->n++;
    return 0;
}

Test(dict, enumerates_prefixes_with_a_cap)
{
    fdict f;
    fdict_build(&f, 3000);
    const char *prefixes[] = {"a", "ab", "abc", "f", "fe", "c", "", "zz"};
    static collect c;
    for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
        size_t pl = strlen(prefixes[p]);
        size_t expect = 0;
        for (size_t i = 0; i < f.n; i++)
            expect += strncmp(f.terms[i], prefixes[p], pl) == 0;
        c.n = 0;
        bool trunc;
        cr_assert_eq(seg_term_prefix(&f.r, prefixes[p], pl, 4096, on_term, &c, &trunc), 0);
        cr_assert_eq(c.n, expect < 4096 ? expect : 4096, "prefix '%s'", prefixes[p]);
        for (size_t i = 0; i < c.n; i++) {
            cr_assert_eq(strncmp(c.terms[i], prefixes[p], pl), 0);
            if (i)
                cr_assert_lt(strcmp(c.terms[i - 1], c.terms[i]), 0);
        }
        c.n = 0;
        cr_assert_eq(seg_term_prefix(&f.r, prefixes[p], pl, 3, on_term, &c, &trunc), 0);
        cr_assert_eq(c.n, expect < 3 ? expect : 3);
        cr_assert_eq(trunc, expect > 3);
    }
    fdict_free(&f);
}

Test(dict, walks_all_terms_in_order)
{
    fdict f;
    fdict_build(&f, 2000);
    static collect c;
    c.n = 0;
    cr_assert_eq(seg_term_each(&f.r, on_term, &c), 0);
    cr_assert_eq(c.n, f.n);
    for (size_t i = 0; i < f.n; i++)
        cr_assert_str_eq(c.terms[i], f.terms[i]);
    fdict_free(&f);
}

Test(dict, detects_a_damaged_block)
{
    fdict f;
    fdict_build(&f, 500);
    /* flip a byte inside block 1's front-coded data */
    uint8_t *d = (uint8_t *)f.b.data.data;
    uint32_t off = le32_get(f.r.dict_index + FMT_DICT_ENTRY + 16);
    d[off + 3] ^= 0x40;
    const char *t1 = f.terms[FMT_DICT_BLOCK + 1];
    seg_term t;
    cr_assert_eq(seg_term_lookup(&f.r, t1, strlen(t1), &t), WARTA_ECORRUPT);
    cr_assert_neq(strstr(seg_reader_errmsg(&f.r), "fake"), NULL);
    /* other blocks still answer */
    cr_assert_eq(seg_term_lookup(&f.r, f.terms[0], strlen(f.terms[0]), &t), 0);
    fdict_free(&f);
}

Test(dict, check_refuses_unsorted_block_keys)
{
    fdict f;
    fdict_build(&f, 500);
    cr_assert_eq(dict_verify_keys(&f.r), 0);
    /* the second key made smaller than the first (keys follow the
     * nblocks + 1 offsets) */
    wbuf keys = WBUF_INIT;
    wbuf_append(&keys, f.b.keys.data, f.b.keys.len);
    uint8_t *k = (uint8_t *)keys.data;
    size_t nb = f.r.ndict_blocks;
    uint8_t *bytes = k + 4 * (nb + 1);
    bytes[0] = 'z';
    bytes[le32_get(k + 4)] = 'a';
    f.r.dict_keys = k;
    wfree((void *)f.r.verified);
    cr_assert_eq(dict_reader_init(&f.r), 0);   /* opening checks sizes only */
    cr_assert_eq(dict_verify_keys(&f.r), WARTA_ECORRUPT);
    /* offsets past the terms are refused at open */
    k[4 * nb] ^= 0x01;
    wfree((void *)f.r.verified);
    cr_assert_eq(dict_reader_init(&f.r), WARTA_ECORRUPT);
    wbuf_free(&keys);
    fdict_free(&f);
}
