/*
 * test_corrupt.c: damaged index files are detected, never read silently:
 * a flipped byte anywhere in a segment, the manifest, the analyzer or a
 * deletion file makes warta_index_check fail naming the file, and reading
 * the whole index (every term, posting, position, stored field) either
 * fails with WARTA_ECORRUPT or gives exactly the original content (a flip
 * in padding changes nothing read).  Truncations and another format
 * version are refused at open.
 */
#include "seg_fixture.h"

#include <stdatomic.h>

static char dir[64];
static char *original;

static void setup(void)
{
    fx_tmpdir(dir, sizeof dir);
    fx_build(dir, 1, 101, 0, 40, 60);
    warta_writer_options o = fx_opts(1);
    warta_writer *w;
    char err[512];
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(warta_writer_delete(w, "doc-00007", 9), 0); /* a deletion file */
    fx_add(w, 101, 40, 50, 60);
    cr_assert_eq(warta_writer_commit(w), 0);
    warta_writer_close(w);
    int rc;
    original = fx_dump(dir, &rc);
    cr_assert_not_null(original);
}

static void teardown(void)
{
    free(original);
    fx_rmdir(dir);
}

/* Flips byte i of file name and checks detection; restores it. */
static void flip_and_check(const char *name, size_t i, const uint8_t *orig, size_t len)
{
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    uint8_t *p = malloc(len);
    memcpy(p, orig, len);
    p[i] ^= (uint8_t)(1u << (i % 8));
    fx_write(path, p, len);
    int rc = warta_index_check(dir, err, sizeof err);
    cr_assert(rc == WARTA_ECORRUPT || rc == WARTA_EFORMAT, "%s byte %zu: check gave %d", name, i,
              rc);
    cr_assert_neq(strstr(err, name), NULL, "%s byte %zu: message '%s'", name, i, err);
    char *now = fx_dump(dir, &rc);
    if (now) {
        cr_assert_str_eq(now, original, "%s byte %zu read silently wrong", name, i);
        free(now);
    } else {
        cr_assert(rc == WARTA_ECORRUPT || rc == WARTA_EFORMAT, "%s byte %zu: rc %d", name, i, rc);
    }
    fx_write(path, orig, len);
    free(p);
}

static void sweep(const char *name, size_t stride)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t len;
    uint8_t *orig = fx_read(path, &len);
    cr_assert_not_null(orig, "%s", path);
    for (size_t i = 0; i < len; i += (i < 64 || i + 64 > len) ? 1 : stride)
        flip_and_check(name, i, orig, len);
    free(orig);
}

Test(corrupt, flipped_bytes_in_segments, .init = setup, .fini = teardown, .timeout = 600)
{
    sweep("s0000000001.seg", 97);
    sweep("s0000000002.seg", 89);
}

Test(corrupt, flipped_bytes_in_the_manifest_analyzer_and_deletions, .init = setup,
     .fini = teardown, .timeout = 600)
{
    sweep("manifest", 1);
    sweep("s0000000001-g0000000002.del", 1);
    sweep("analyzer", 4099);
}

Test(corrupt, truncated_files_are_refused, .init = setup, .fini = teardown, .timeout = 300)
{
    const char *names[] = {"s0000000001.seg", "manifest", "analyzer", "s0000000001-g0000000002.del"};
    for (size_t f = 0; f < 4; f++) {
        char path[256], err[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[f]);
        size_t len;
        uint8_t *orig = fx_read(path, &len);
        for (size_t cut = 0; cut < len; cut += 1 + len / 37) {
            fx_write(path, orig, cut);
            warta_index *ix;
            int rc = warta_index_open(&ix, dir, err, sizeof err);
            cr_assert(rc == WARTA_ECORRUPT || rc == WARTA_EFORMAT, "%s cut %zu: %d", names[f],
                      cut, rc);
            cr_assert_neq(strstr(err, names[f]), NULL, "%s", err);
            cr_assert_eq(warta_index_check(dir, err, sizeof err), rc);
        }
        fx_write(path, orig, len);
        free(orig);
    }
}

Test(corrupt, another_format_version_is_refused, .init = setup, .fini = teardown)
{
    const char *names[] = {"s0000000001.seg", "manifest", "analyzer"};
    for (size_t f = 0; f < 3; f++) {
        char path[256], err[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[f]);
        size_t len;
        uint8_t *orig = fx_read(path, &len);
        uint8_t *p = malloc(len);
        memcpy(p, orig, len);
        p[8] = FMT_VERSION + 1;
        fx_write(path, p, len);
        warta_index *ix;
        cr_assert_eq(warta_index_open(&ix, dir, err, sizeof err), WARTA_EFORMAT, "%s", names[f]);
        cr_assert_neq(strstr(err, "version"), NULL, "%s", err);
        cr_assert_eq(warta_index_check(dir, err, sizeof err), WARTA_EFORMAT);
        fx_write(path, orig, len);
        free(p);
        free(orig);
    }
}

Test(corrupt, a_missing_segment_is_reported, .init = setup, .fini = teardown)
{
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/s0000000002.seg", dir);
    size_t len;
    uint8_t *orig = fx_read(path, &len);
    unlink(path);
    warta_index *ix;
    int rc = warta_index_open(&ix, dir, err, sizeof err);
    cr_assert_eq(rc, WARTA_ECORRUPT);
    cr_assert_neq(strstr(err, "s0000000002.seg"), NULL, "%s", err);
    fx_write(path, orig, len);
    free(orig);
}

/* Everything a search or a merge could read from r; errors are fine,
 * crashes and over-reads (under ASan) are not. */
static void read_everything(seg_reader *r)
{
    dict_iter it;
    if (dict_iter_start(&it, r, 0) == 0) {
        uint32_t pos[256];
        int k;
        while ((k = dict_iter_next(&it)) == 1) {
            seg_cursor c;
            if (seg_cursor_open(&c, r, &it.t) != 0)
                continue;
            seg_bound b;
            seg_cursor_shallow_seek(&c, 5);
            seg_cursor_block_bound(&c, &b);
            for (uint32_t d = seg_cursor_next(&c); d != SEG_END; d = seg_cursor_next(&c))
                if (seg_cursor_tf(&c) <= 256 && seg_cursor_positions(&c, pos) != 0)
                    break;
        }
    }
    wbuf scratch = WBUF_INIT;
    for (uint32_t d = 0; d < seg_ndocs(r); d++) {
        seg_doc sd;
        (void)seg_doc_fetch(r, d, &scratch, &sd);
        (void)seg_doc_len(r, d);
        (void)seg_doc_date(r, d);
    }
    uint32_t doc;
    (void)seg_find_id(r, "doc-00003", 9, &scratch, &doc);
    wbuf_free(&scratch);
    (void)seg_reader_verify(r);
}

Test(corrupt, random_damage_to_a_segment_in_memory, .init = setup, .fini = teardown,
     .timeout = 600)
{
    char path[256];
    snprintf(path, sizeof path, "%s/s0000000001.seg", dir);
    size_t len;
    uint8_t *orig = fx_read(path, &len);
    uint8_t *p = malloc(len + 16);
    uint64_t s = 0x9e3779b97f4a7c15ull;
    char err[512];
    /* the undamaged bytes open and verify */
    memcpy(p, orig, len);
    memset(p + len, 0, 16);
    seg_reader *r;
    cr_assert_eq(seg_reader_open_bytes(&r, p, len, 1, err, sizeof err), 0, "%s", err);
    cr_assert_eq(seg_reader_verify(r), 0, "%s", seg_reader_errmsg(r));
    seg_reader_close(r);
    for (int round = 0; round < 300; round++) {
        memcpy(p, orig, len);
        size_t n = len;
        int kind = round % 3;
        int flips = 1 + (int)(fx_rand(&s) % 8);
        for (int f = 0; f < flips; f++)
            p[fx_rand(&s) % len] ^= (uint8_t)(1 + fx_rand(&s) % 255);
        if (kind == 1)
            n = (size_t)(fx_rand(&s) % len);
        if (kind == 2) /* damage with the checksums recomputed: only structure checks stand */
            n = len;
        memset(p + n, 0, 16);
        if (seg_reader_open_bytes(&r, p, n, 1, err, sizeof err) == 0) {
            if (kind == 2) {
                /* make the lazily checked parts pass their checksums too */
                for (uint32_t b = 0; b < r->ndict_blocks; b++)
                    atomic_store(&r->verified[b], 1);
                atomic_store(&r->ids_verified, 1);
                for (uint32_t b = 0; b < r->head_nblocks; b++)
                    atomic_store(&r->heads_verified[b], 1);
            }
            read_everything(r);
            seg_reader_close(r);
        }
    }
    free(p);
    free(orig);
}

/* Builds a one-segment index of 2,100 articles in a new directory d, reads
 * its segment file into *orig and a copy to damage into *p (both *len
 * bytes, freed by the caller), and opens a reader on the copy. */
static seg_reader *open_copy(char *d, uint8_t **orig, uint8_t **p, size_t *len)
{
    fx_tmpdir(d, 64);
    fx_build(d, 1, 7, 0, 2100, 3);
    char path[256];
    snprintf(path, sizeof path, "%s/s0000000001.seg", d);
    *orig = fx_read(path, len);
    cr_assert_not_null(*orig);
    *p = calloc(1, *len + 16);
    cr_assert_not_null(*p);
    memcpy(*p, *orig, *len);
    char err[512];
    seg_reader *r;
    cr_assert_eq(seg_reader_open_bytes(&r, *p, *len, 1, err, sizeof err), 0, "%s", err);
    return r;
}

/* The per-document arrays are checked by chunks of 1024 documents the first
 * time one of their documents is read: a damaged length opens fine, leaves
 * the other chunks usable, and the first read of its chunk fails the reader
 * (cursors, fetches and lookups then report WARTA_ECORRUPT naming the file);
 * a full check finds it. */
Test(corrupt, a_damaged_document_length_fails_its_chunk_on_first_read)
{
    char d[64];
    size_t len;
    uint8_t *orig, *p;
    char err[512];
    seg_reader *r = open_copy(d, &orig, &p, &len);
    cr_assert_eq(seg_ndocs(r), 2100);
    size_t dl_off = (size_t)(r->dl - r->map);
    uint32_t want = seg_doc_len(r, 1500);
    seg_reader_close(r);
    p[dl_off + 4 * 1500] ^= 0x10;   /* document 1500: chunk 1 of 0..2 */
    cr_assert_eq(seg_reader_open_bytes(&r, p, len, 1, err, sizeof err), 0, "%s", err);
    cr_expect_eq(seg_reader_failed(r), 0);
    cr_expect_gt(seg_doc_len(r, 5), 0);          /* chunk 0 is fine */
    cr_expect_gt(seg_doc_len(r, 2099), 0);       /* chunk 2 too */
    cr_expect_eq(seg_reader_failed(r), 0);
    cr_expect_neq(seg_doc_len(r, 1500), want ^ 0x10);
    cr_expect_eq(seg_doc_len(r, 1500), 1);       /* the neutral value */
    cr_expect_eq(seg_doc_source(r, 1024), SEG_SOURCE_NONE);
    cr_expect_eq(seg_reader_failed(r), WARTA_ECORRUPT);
    cr_expect(strstr(seg_reader_errmsg(r), "documents 1024-2047 fail their checksum") != NULL,
              "%s", seg_reader_errmsg(r));
    wbuf scratch = WBUF_INIT;
    seg_doc sd;
    cr_expect_eq(seg_doc_fetch(r, 3, &scratch, &sd), WARTA_ECORRUPT);
    seg_term t;
    int rc = seg_term_lookup(r, "a", 1, &t);
    (void)rc;
    cr_expect_eq(dict_verify_block(r, 0), WARTA_ECORRUPT);
    wbuf_free(&scratch);
    seg_reader_close(r);
    /* a fresh reader's full check finds it */
    cr_assert_eq(seg_reader_open_bytes(&r, p, len, 1, err, sizeof err), 0, "%s", err);
    cr_expect_eq(seg_reader_verify(r), WARTA_ECORRUPT);
    seg_reader_close(r);
    free(p);
    free(orig);
    fx_rmdir(d);
}

/* Dictionary and store index entries carry their own checksums, checked
 * when used: a damaged entry fails the lookups and fetches that need it,
 * and only those. */
Test(corrupt, a_damaged_index_entry_fails_only_what_uses_it)
{
    char d[64];
    size_t len;
    uint8_t *orig, *p;
    char err[512];
    seg_reader *r = open_copy(d, &orig, &p, &len);
    cr_assert_gt(r->ds_nblocks, 2);
    size_t store_off = (size_t)(r->ds_index - r->map);
    uint32_t first1 = le32_get(r->ds_index + FMT_STORE_ENTRY + 16);
    seg_reader_close(r);
    p[store_off + FMT_STORE_ENTRY + 4] ^= 0x01;   /* block 1's offset */
    cr_assert_eq(seg_reader_open_bytes(&r, p, len, 1, err, sizeof err), 0, "%s", err);
    wbuf scratch = WBUF_INIT;
    seg_doc sd;
    cr_expect_eq(seg_doc_fetch(r, 0, &scratch, &sd), 0, "%s", seg_reader_errmsg(r));
    cr_expect_eq(seg_doc_fetch(r, first1, &scratch, &sd), WARTA_ECORRUPT);
    cr_expect(strstr(seg_reader_errmsg(r), "index entry 1") != NULL, "%s", seg_reader_errmsg(r));
    cr_expect_eq(docstore_check_index(r), WARTA_ECORRUPT);
    seg_reader_close(r);
    memcpy(p, orig, len);
    /* a dictionary entry: a term of that block fails, the others answer */
    cr_assert_eq(seg_reader_open_bytes(&r, p, len, 1, err, sizeof err), 0, "%s", err);
    cr_assert_gt(r->ndict_blocks, 2);
    size_t dict_off = (size_t)(r->dict_index - r->map);
    dict_iter it;
    cr_assert_eq(dict_iter_start(&it, r, 1), 0);
    cr_assert_eq(dict_iter_next(&it), 1);
    char term1[SEG_MAX_TERM + 1];
    memcpy(term1, it.term, it.term_len);
    size_t term1_len = it.term_len;
    seg_reader_close(r);
    p[dict_off + FMT_DICT_ENTRY + 36] ^= 0x01;    /* block 1's term count */
    cr_assert_eq(seg_reader_open_bytes(&r, p, len, 1, err, sizeof err), 0, "%s", err);
    seg_term t;
    cr_expect_eq(seg_term_lookup(r, term1, term1_len, &t), WARTA_ECORRUPT);
    cr_expect(strstr(seg_reader_errmsg(r), "block 1 fail their checksum") != NULL, "%s",
              seg_reader_errmsg(r));
    cr_assert_eq(dict_iter_start(&it, r, r->ndict_blocks - 1), 0);
    cr_assert_eq(dict_iter_next(&it), 1);
    cr_expect_eq(seg_term_lookup(r, it.term, it.term_len, &t), 0);
    seg_reader_close(r);
    wbuf_free(&scratch);
    free(p);
    free(orig);
    fx_rmdir(d);
}
