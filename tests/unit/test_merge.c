/*
 * test_merge.c: merging segments (indexer/segment/merge.c): an index built
 * in many segments and optimized equals a fresh build of the same articles,
 * also with deleted and replaced articles (dropped by the merge), and the
 * merged segment passes the full verification.
 */
#include "seg_fixture.h"

static void build_in_pieces(const char *dir, uint64_t seed, unsigned n, unsigned piece)
{
    warta_writer_options o = fx_opts(2);
    o.no_merge = true;
    for (unsigned a = 0; a < n; a += piece) {
        warta_writer *w;
        char err[512];
        cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
        fx_add(w, seed, a, a + piece < n ? a + piece : n, 90);
        cr_assert_eq(warta_writer_commit(w), 0);
        warta_writer_close(w);
    }
}

static void optimize(const char *dir)
{
    warta_writer *w;
    char err[512];
    warta_writer_options o = fx_opts(1);
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(warta_writer_optimize(w), 0, "%s", warta_writer_errmsg(w));
    warta_writer_info wi;
    warta_writer_get_info(w, &wi);
    cr_assert_eq(wi.segments, 1);
    warta_writer_close(w);
}

Test(merge, equals_a_fresh_build, .timeout = 120)
{
    char dir[64], ref[64];
    fx_tmpdir(dir, sizeof dir);
    fx_tmpdir(ref, sizeof ref);
    build_in_pieces(dir, 91, 500, 70);
    fx_build(ref, 2, 91, 0, 500, 90);
    int rc;
    char *want = fx_dump(ref, &rc);
    char *got = fx_dump(dir, &rc);
    cr_assert_str_eq(got, want); /* already equal logically before merging */
    free(got);
    optimize(dir);
    got = fx_dump(dir, &rc);
    cr_assert_not_null(got);
    cr_assert_str_eq(got, want);
    char err[512];
    cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "%s", err);
    /* postings of the merged segment are byte-identical to a fresh build's */
    warta_index *a, *b;
    cr_assert_eq(warta_index_open(&a, dir, err, sizeof err), 0);
    cr_assert_eq(warta_index_open(&b, ref, err, sizeof err), 0);
    seg_reader *ra = seg_snapshot_segment(seg_index_snapshot(a), 0);
    seg_reader *rb = seg_snapshot_segment(seg_index_snapshot(b), 0);
    cr_assert_eq(ra->post_len, rb->post_len);
    cr_assert_eq(memcmp(ra->post, rb->post, ra->post_len), 0);
    cr_assert_eq(ra->pos_len, rb->pos_len);
    cr_assert_eq(memcmp(ra->pos, rb->pos, ra->pos_len), 0);
    cr_assert_eq(ra->dict_len, rb->dict_len);
    cr_assert_eq(memcmp(ra->dict_data, rb->dict_data, ra->dict_len), 0);
    warta_index_close(a);
    warta_index_close(b);
    free(got);
    free(want);
    fx_rmdir(dir);
    fx_rmdir(ref);
}

Test(merge, drops_deleted_and_replaced_articles, .timeout = 120)
{
    char dir[64], ref[64];
    fx_tmpdir(dir, sizeof dir);
    fx_tmpdir(ref, sizeof ref);
    build_in_pieces(dir, 92, 300, 100);
    warta_writer_options o = fx_opts(1);
    o.no_merge = true;
    warta_writer *w;
    char err[512];
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    for (unsigned i = 0; i < 300; i += 7) {
        char id[32];
        snprintf(id, sizeof id, "doc-%05u", i);
        cr_assert_eq(warta_writer_delete(w, id, strlen(id)), 0);
    }
    fx_add(w, 92, 150, 160, 90); /* re-added: replaced */
    cr_assert_eq(warta_writer_commit(w), 0);
    warta_writer_close(w);
    int rc;
    char *before = fx_dump(dir, &rc);
    optimize(dir);
    char *after = fx_dump(dir, &rc);
    cr_assert_not_null(after);
    cr_assert_str_eq(after, before);
    warta_index *ix;
    cr_assert_eq(warta_index_open(&ix, dir, err, sizeof err), 0);
    seg_snapshot *s = seg_index_snapshot(ix);
    cr_assert_eq(seg_snapshot_count(s), 1);
    cr_assert_eq(seg_ndeleted(seg_snapshot_segment(s, 0)), 0);
    warta_index_close(ix);
    cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "%s", err);
    /* a fresh build of the surviving articles in the same order */
    cr_assert_eq(warta_writer_open(&w, ref, &o, err, sizeof err), 0, "%s", err);
    for (unsigned i = 0; i < 300; i++) {
        if (i % 7 == 0 || (i >= 150 && i < 160))
            continue;
        fx_add(w, 92, i, i + 1, 90);
    }
    /* re-added after the deletes: 154 was deleted, then re-added, so it lives */
    fx_add(w, 92, 150, 160, 90);
    cr_assert_eq(warta_writer_commit(w), 0);
    warta_writer_close(w);
    char *want = fx_dump(ref, &rc);
    cr_assert_str_eq(after, want);
    free(want);
    free(before);
    free(after);
    fx_rmdir(dir);
    fx_rmdir(ref);
}
