/*
 * test_docstore.c: the document store (indexer/segment/docstore.c): record
 * round trips, compression with and without the preset dictionary, fetching
 * every field of every article from a written index with one block per
 * fetch, ids and titles from the small blocks, and a damaged block
 * reported instead of returned.
 */
#include "seg_fixture.h"

#include <zlib.h>

Test(docstore, records_roundtrip)
{
    warta_article a;
    memset(&a, 0, sizeof a);
    a.id = "x1";
    a.id_len = 2;
    a.title = "Judul";
    a.title_len = 5;
    a.body = "isi berita";
    a.body_len = 10;
    a.url = "https://u";
    a.url_len = 9;
    a.line = 42;
    wbuf raw = WBUF_INIT, head = WBUF_INIT;
    docstore_record(&raw, &head, &a);
    a.id = "second";
    a.id_len = 6;
    a.body = NULL;
    a.body_len = 0;
    docstore_record(&raw, &head, &a);
    seg_doc d;
    cr_assert_eq(docstore_parse((const uint8_t *)raw.data, raw.len, 0, &d), 0);
    cr_assert_eq(d.body_len, 10);
    cr_assert_eq(memcmp(d.body, "isi berita", 10), 0);
    cr_assert_eq(d.line, 42);
    cr_assert_eq(d.url_len, 9);
    cr_assert_eq(docstore_parse((const uint8_t *)raw.data, raw.len, 1, &d), 0);
    cr_assert_null(d.body);
    cr_assert_eq(docstore_parse((const uint8_t *)raw.data, raw.len, 2, &d), WARTA_ECORRUPT);
    const uint8_t *p = (const uint8_t *)head.data, *end = p + head.len;
    cr_assert_eq(docstore_head_next(&p, end, &d), 0);
    cr_assert_eq(d.id_len, 2);
    cr_assert_eq(docstore_head_next(&p, end, &d), 0);
    cr_assert_eq(memcmp(d.id, "second", 6), 0);
    cr_assert_eq(memcmp(d.title, "Judul", 5), 0);
    cr_assert_eq(p, end);
    /* every truncation of the records is refused */
    for (size_t cut = 0; cut < raw.len; cut++) {
        const uint8_t *q = (const uint8_t *)raw.data, *e = q + cut;
        seg_doc x;
        int ok = docstore_next(&q, e, &x) == 0 && docstore_next(&q, e, &x) == 0;
        cr_assert(!ok, "cut %zu", cut);
    }
    wbuf_free(&raw);
    wbuf_free(&head);
}

Test(docstore, preset_dictionary_helps_small_blocks)
{
    fx_article a;
    wbuf sample = WBUF_INIT;
    for (unsigned i = 0; i < 50; i++) {
        fx_make(&a, 7, i, 300);
        wbuf_puts(&sample, a.body);
        fx_free(&a);
    }
    wbuf dict = WBUF_INIT, with = WBUF_INIT, without = WBUF_INIT;
    docstore_make_dict(sample.data, sample.len, &dict);
    cr_assert_gt(dict.len, 100);
    cr_assert_leq(dict.len, 32768);
    fx_make(&a, 8, 99, 300);
    void *z1 = NULL, *z2 = NULL;
    size_t len = strlen(a.body);
    cr_assert_eq(docstore_compress(&z1, (const uint8_t *)a.body, len, (const uint8_t *)dict.data,
                                   dict.len, 6, &with), 0);
    cr_assert_eq(docstore_compress(&z2, (const uint8_t *)a.body, len, NULL, 0, 6, &without), 0);
    cr_assert_lt(with.len, without.len);
    /* and it decompresses with the same dictionary */
    uint8_t *out = malloc(len);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    cr_assert_eq(inflateInit2(&zs, -15), Z_OK);
    cr_assert_eq(inflateSetDictionary(&zs, (const Bytef *)dict.data, (uInt)dict.len), Z_OK);
    zs.next_in = (Bytef *)with.data;
    zs.avail_in = (uInt)with.len;
    zs.next_out = out;
    zs.avail_out = (uInt)len;
    cr_assert_eq(inflate(&zs, Z_FINISH), Z_STREAM_END);
    inflateEnd(&zs);
    cr_assert_eq(memcmp(out, a.body, len), 0);
    free(out);
    docstore_zfree(z1);
    docstore_zfree(z2);
    fx_free(&a);
    wbuf_free(&sample);
    wbuf_free(&dict);
    wbuf_free(&with);
    wbuf_free(&without);
}

Test(docstore, fetches_every_field_of_every_article)
{
    char dir[64];
    fx_tmpdir(dir, sizeof dir);
    fx_build(dir, 2, 3, 0, 300, 400);
    warta_index *ix;
    char err[512];
    cr_assert_eq(warta_index_open(&ix, dir, err, sizeof err), 0, "%s", err);
    seg_snapshot *s = seg_index_snapshot(ix);
    cr_assert_eq(seg_snapshot_count(s), 1);
    seg_reader *r = seg_snapshot_segment(s, 0);
    cr_assert_eq(seg_ndocs(r), 300);
    cr_assert_gt(r->ds_nblocks, 1);
    wbuf scratch = WBUF_INIT;
    for (uint32_t d = 0; d < 300; d++) {
        fx_article a;
        fx_make(&a, 3, d, 400 + d % 7 * 13);
        seg_doc sd;
        cr_assert_eq(seg_doc_fetch(r, d, &scratch, &sd), 0, "%s", seg_reader_errmsg(r));
        cr_assert_eq(sd.id_len, strlen(a.id));
        cr_assert_eq(memcmp(sd.id, a.id, sd.id_len), 0);
        cr_assert_eq(sd.title_len, strlen(a.title));
        cr_assert_eq(memcmp(sd.title, a.title, sd.title_len), 0);
        cr_assert_eq(sd.body_len, strlen(a.body));
        cr_assert_eq(memcmp(sd.body, a.body, sd.body_len), 0);
        cr_assert_eq(memcmp(sd.url, a.url, sd.url_len), 0);
        cr_assert_eq(memcmp(sd.source, a.source, sd.source_len), 0);
        const char *id, *title;
        size_t il, tl;
        cr_assert_eq(seg_doc_head(r, d, &scratch, &id, &il, &title, &tl), 0);
        cr_assert_eq(il, strlen(a.id));
        cr_assert_eq(memcmp(id, a.id, il), 0);
        cr_assert_eq(memcmp(title, a.title, tl), 0);
        uint32_t found;
        cr_assert_eq(seg_find_id(r, a.id, strlen(a.id), &scratch, &found), 0);
        cr_assert_eq(found, d);
        fx_free(&a);
    }
    uint32_t found;
    cr_assert_eq(seg_find_id(r, "nope", 4, &scratch, &found), WARTA_ENOTFOUND);
    seg_doc sd;
    cr_assert_eq(seg_doc_fetch(r, 300, &scratch, &sd), WARTA_EINVAL);
    wbuf_free(&scratch);
    warta_index_close(ix);
    fx_rmdir(dir);
}

Test(docstore, reports_a_damaged_block)
{
    char dir[64];
    fx_tmpdir(dir, sizeof dir);
    fx_build(dir, 1, 4, 0, 200, 400);
    char path[256];
    snprintf(path, sizeof path, "%s/s0000000001.seg", dir);
    size_t len;
    uint8_t *p = fx_read(path, &len);
    p[FMT_HEADER_LEN + 100] ^= 0x10; /* inside the first store block */
    fx_write(path, p, len);
    free(p);
    warta_index *ix;
    char err[512];
    cr_assert_eq(warta_index_open(&ix, dir, err, sizeof err), 0, "%s", err);
    seg_reader *r = seg_snapshot_segment(seg_index_snapshot(ix), 0);
    wbuf scratch = WBUF_INIT;
    seg_doc sd;
    cr_assert_eq(seg_doc_fetch(r, 0, &scratch, &sd), WARTA_ECORRUPT);
    cr_assert_neq(strstr(seg_reader_errmsg(r), "s0000000001.seg"), NULL);
    cr_assert_neq(strstr(seg_reader_errmsg(r), "checksum"), NULL);
    wbuf_free(&scratch);
    warta_index_close(ix);
    fx_rmdir(dir);
}

Test(docstore, ids_and_titles_roundtrip_byte_for_byte)
{
    static const char *const titles[] = {
        "", " ", "  ", "Banjir Jakarta", "Banjir  Jakarta", " Banjir Jakarta ", "Banjir",
        "banjir banjir banjir", "Gempa: 5,6 SR di \xc3\xa9 Maluku!", "a b c d e f g h i j k l m n",
        "Banjir Jakarta", "x", "Banjir", "   tiga spasi di depan",
    };
    const size_t nt = sizeof titles / sizeof titles[0];
    char dir[64];
    fx_tmpdir(dir, sizeof dir);
    warta_writer_options o = fx_opts(2);
    warta_writer *w;
    char err[512];
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    char ids[100][64];
    for (unsigned i = 0; i < 100; i++) {
        if (i % 9 == 0)
            snprintf(ids[i], sizeof ids[i], "z%u", i);
        else if (i % 5 == 0)
            snprintf(ids[i], sizeof ids[i], "clickid-fimela-%05u-panjang-sekali-%u", i, i * 7);
        else
            snprintf(ids[i], sizeof ids[i], "clickid-fimela-%05u", i);
        warta_article a;
        memset(&a, 0, sizeof a);
        a.id = ids[i];
        a.id_len = strlen(ids[i]);
        a.title = titles[i % nt];
        a.title_len = strlen(titles[i % nt]);
        a.body = "isi";
        a.body_len = 3;
        cr_assert_eq(warta_writer_add(w, &a), 0);
    }
    cr_assert_eq(warta_writer_commit(w), 0);
    warta_writer_close(w);
    warta_index *ix;
    cr_assert_eq(warta_index_open(&ix, dir, err, sizeof err), 0, "%s", err);
    seg_reader *r = seg_snapshot_segment(seg_index_snapshot(ix), 0);
    wbuf scratch = WBUF_INIT;
    for (unsigned i = 0; i < 100; i++) {
        const char *id, *title;
        size_t il, tl;
        cr_assert_eq(seg_doc_head(r, i, &scratch, &id, &il, &title, &tl), 0);
        cr_assert_eq(il, strlen(ids[i]));
        cr_assert_eq(memcmp(id, ids[i], il), 0, "id %u", i);
        cr_assert_eq(tl, strlen(titles[i % nt]), "title %u", i);
        cr_assert_eq(memcmp(title ? title : "", titles[i % nt], tl), 0, "title %u", i);
        seg_doc sd;
        cr_assert_eq(seg_doc_fetch(r, i, &scratch, &sd), 0);
        cr_assert_eq(sd.title_len, tl);
        cr_assert_eq(memcmp(sd.id, ids[i], il), 0);
        cr_assert_eq(sd.body_len, 3);
    }
    cr_assert_eq(seg_doc_head(r, 100, &scratch, &(const char *){NULL}, &(size_t){0},
                              &(const char *){NULL}, &(size_t){0}), WARTA_EINVAL);
    wbuf_free(&scratch);
    warta_index_close(ix);
    cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "%s", err);
    fx_rmdir(dir);
}
