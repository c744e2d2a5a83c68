/*
 * test_writer.c: the build pipeline (indexer/writer.c): the index content
 * does not depend on the number of analysis threads (segment files are
 * byte-identical), replace-on-add across commits and within one, deletes
 * (committed, buffered, unknown ids), flushing at the memory budget into
 * several segments with the merge policy keeping their number bounded,
 * and allocation failures reported without leaks.
 */
#include "seg_fixture.h"

static uint8_t *seg_bytes(const char *dir, uint64_t id, size_t *len)
{
    char name[64], path[256];
    fmt_seg_name(name, sizeof name, id);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return fx_read(path, len);
}

Test(writer, thread_count_does_not_change_the_index)
{
    char d1[64], d3[64];
    fx_tmpdir(d1, sizeof d1);
    fx_tmpdir(d3, sizeof d3);
    fx_build(d1, 1, 31, 0, 700, 150);
    fx_build(d3, 3, 31, 0, 700, 150);
    size_t l1, l3;
    uint8_t *b1 = seg_bytes(d1, 1, &l1), *b3 = seg_bytes(d3, 1, &l3);
    cr_assert_not_null(b1);
    cr_assert_not_null(b3);
    cr_assert_eq(l1, l3);
    cr_assert_eq(memcmp(b1, b3, l1), 0);
    free(b1);
    free(b3);
    fx_rmdir(d1);
    fx_rmdir(d3);
}

/* dir and ref hold the same index (their dumps agree); both are removed. */
static void same_then_remove(const char *dir, const char *ref)
{
    int rc;
    char *a = fx_dump(dir, &rc), *b = fx_dump(ref, &rc);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    fx_rmdir(dir);
    fx_rmdir(ref);
}

Test(writer, replaces_an_article_with_the_same_id)
{
    char dir[64], ref[64];
    fx_tmpdir(dir, sizeof dir);
    fx_tmpdir(ref, sizeof ref);
    fx_build(dir, 2, 41, 0, 60, 50);
    /* a second run re-adds 20..29 (same ids, same text) and 60..69 */
    fx_build(dir, 2, 41, 20, 30, 50);
    fx_build(dir, 2, 41, 60, 70, 50);
    warta_index *ix;
    char err[512];
    cr_assert_eq(warta_index_open(&ix, dir, err, sizeof err), 0, "%s", err);
    cr_assert_eq(seg_snapshot_live_docs(seg_index_snapshot(ix)), 70);
    wbuf scratch = WBUF_INIT;
    size_t seg;
    uint32_t doc;
    cr_assert_eq(seg_snapshot_find_id(seg_index_snapshot(ix), "doc-00025", 9, &scratch, &seg,
                                      &doc), 0);
    cr_assert_eq(seg, 1);
    wbuf_free(&scratch);
    warta_index_close(ix);
    cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "%s", err);
    /* logically: 0..19, 30..59, 20..29, 60..69 */
    warta_writer_options o = fx_opts(2);
    warta_writer *w;
    cr_assert_eq(warta_writer_open(&w, ref, &o, err, sizeof err), 0, "%s", err);
    fx_add(w, 41, 0, 20, 50);
    fx_add(w, 41, 30, 60, 50);
    fx_add(w, 41, 20, 30, 50);
    fx_add(w, 41, 60, 70, 50);
    cr_assert_eq(warta_writer_commit(w), 0);
    warta_writer_close(w);
    same_then_remove(dir, ref);
}

Test(writer, replaces_within_one_session)
{
    char dir[64];
    fx_tmpdir(dir, sizeof dir);
    warta_writer_options o = fx_opts(2);
    warta_writer *w;
    char err[512];
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    fx_add(w, 51, 0, 30, 40);
    fx_add(w, 52, 10, 15, 40); /* same ids, other text */
    cr_assert_eq(warta_writer_commit(w), 0);
    warta_writer_info wi;
    warta_writer_get_info(w, &wi);
    cr_assert_eq(wi.live, 30);
    cr_assert_eq(wi.replaced, 5);
    warta_writer_close(w);
    warta_index *ix;
    cr_assert_eq(warta_index_open(&ix, dir, err, sizeof err), 0, "%s", err);
    seg_snapshot *s = seg_index_snapshot(ix);
    cr_assert_eq(seg_snapshot_live_docs(s), 30);
    wbuf scratch = WBUF_INIT;
    size_t seg;
    uint32_t doc;
    cr_assert_eq(seg_snapshot_find_id(s, "doc-00012", 9, &scratch, &seg, &doc), 0);
    seg_doc sd;
    cr_assert_eq(seg_doc_fetch(seg_snapshot_segment(s, seg), doc, &scratch, &sd), 0);
    fx_article a;
    fx_make(&a, 52, 12, 40 + 12 % 7 * 13);
    cr_assert_eq(sd.body_len, strlen(a.body));
    cr_assert_eq(memcmp(sd.body, a.body, sd.body_len), 0);
    fx_free(&a);
    wbuf_free(&scratch);
    warta_index_close(ix);
    cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "%s", err);
    fx_rmdir(dir);
}

Test(writer, replaces_across_segments_flushed_in_the_session)
{
    /* flushes every 10 documents: the id set is built at the first
     * look-up that reaches the segments and follows every later flush */
    char dir[64], ref[64];
    fx_tmpdir(dir, sizeof dir);
    fx_tmpdir(ref, sizeof ref);
    char err[512];
    warta_writer_options o = fx_opts(2);
    o.no_merge = true;
    writer_test_flush_docs = 10;
    warta_writer *w;
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    fx_add(w, 61, 0, 30, 40);
    fx_add(w, 61, 5, 25, 40);   /* again: older copies in flushed segments */
    fx_add(w, 61, 28, 35, 40);  /* 28, 29 again, 30..34 new */
    fx_add(w, 61, 12, 13, 40);  /* a third copy */
    cr_assert_eq(warta_writer_commit(w), 0);
    warta_writer_info wi;
    warta_writer_get_info(w, &wi);
    cr_assert_eq(wi.live, 35);
    cr_assert_eq(wi.replaced, 23);
    warta_writer_close(w);
    writer_test_flush_docs = 0;
    /* logically: 0..4, 25..27, 5..11, 13..24, 28..34, 12 */
    cr_assert_eq(warta_writer_open(&w, ref, &o, err, sizeof err), 0, "%s", err);
    fx_add(w, 61, 0, 5, 40);
    fx_add(w, 61, 25, 28, 40);
    fx_add(w, 61, 5, 12, 40);
    fx_add(w, 61, 13, 25, 40);
    fx_add(w, 61, 28, 35, 40);
    fx_add(w, 61, 12, 13, 40);
    cr_assert_eq(warta_writer_commit(w), 0);
    warta_writer_close(w);
    cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "%s", err);
    same_then_remove(dir, ref);
}

Test(writer, deletes_by_id)
{
    char dir[64];
    fx_tmpdir(dir, sizeof dir);
    fx_build(dir, 1, 61, 0, 40, 40);
    warta_writer_options o = fx_opts(1);
    warta_writer *w;
    char err[512];
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(warta_writer_delete(w, "doc-00003", 9), 0);
    cr_assert_eq(warta_writer_delete(w, "doc-00003", 9), WARTA_ENOTFOUND);
    cr_assert_eq(warta_writer_delete(w, "nope", 4), WARTA_ENOTFOUND);
    fx_add(w, 61, 40, 45, 40);
    cr_assert_eq(warta_writer_delete(w, "doc-00042", 9), 0); /* still in the buffer */
    cr_assert_eq(warta_writer_commit(w), 0);
    warta_writer_close(w);
    warta_index *ix;
    cr_assert_eq(warta_index_open(&ix, dir, err, sizeof err), 0, "%s", err);
    seg_snapshot *s = seg_index_snapshot(ix);
    cr_assert_eq(seg_snapshot_live_docs(s), 43);
    wbuf scratch = WBUF_INIT;
    size_t seg;
    uint32_t doc;
    cr_assert_eq(seg_snapshot_find_id(s, "doc-00003", 9, &scratch, &seg, &doc), WARTA_ENOTFOUND);
    cr_assert_eq(seg_snapshot_find_id(s, "doc-00042", 9, &scratch, &seg, &doc), WARTA_ENOTFOUND);
    cr_assert_eq(seg_snapshot_find_id(s, "doc-00044", 9, &scratch, &seg, &doc), 0);
    /* live df excludes deleted documents */
    seg_reader *r = seg_snapshot_segment(s, 0);
    cr_assert_eq(seg_ndeleted(r), 1);
    dict_iter it;
    cr_assert_eq(dict_iter_start(&it, r, 0), 0);
    cr_assert_eq(dict_iter_next(&it), 1);
    seg_term t = it.t;
    uint32_t live;
    cr_assert_eq(seg_term_live_df(r, &t, &live), 0);
    cr_assert_leq(live, t.df);
    wbuf_free(&scratch);
    warta_index_close(ix);
    cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "%s", err);
    fx_rmdir(dir);
}

Test(writer, flushes_at_the_budget_and_bounds_the_segment_count, .timeout = 120)
{
    char dir[64], ref[64];
    fx_tmpdir(dir, sizeof dir);
    fx_tmpdir(ref, sizeof ref);
    writer_test_flush_docs = 25;
    warta_writer_options o = fx_opts(2);
    warta_writer *w;
    char err[512];
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    fx_add(w, 71, 0, 600, 400);
    cr_assert_eq(warta_writer_commit(w), 0, "%s", warta_writer_errmsg(w));
    warta_writer_info wi;
    warta_writer_get_info(w, &wi);
    cr_assert_gt(wi.flushes, 10);
    cr_assert_gt(wi.merges, 0);
    cr_assert_leq(wi.segments, WRITER_MERGE_MAX);
    cr_assert_eq(wi.live, 600);
    warta_writer_close(w);
    writer_test_flush_docs = 0;
    cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "%s", err);
    fx_build(ref, 2, 71, 0, 600, 400);
    int rc;
    char *a = fx_dump(dir, &rc), *b = fx_dump(ref, &rc);
    cr_assert_not_null(a);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    fx_rmdir(dir);
    fx_rmdir(ref);
}

Test(writer, allocation_failures_are_reported_and_leave_the_index_intact, .timeout = 240)
{
    char dir[64];
    fx_tmpdir(dir, sizeof dir);
    fx_build(dir, 1, 81, 0, 30, 30);
    int rc;
    char *before = fx_dump(dir, &rc);
    for (long n = 0; n < 4000; n += 1 + n / 8) {
        warta_writer_options o = fx_opts(1);
        warta_writer *w = NULL;
        char err[512];
        warta_alloc_fail_after(n);
        rc = warta_writer_open(&w, dir, &o, err, sizeof err);
        if (rc == 0) {
            for (unsigned i = 30; i < 40 && rc == 0; i++) {
                fx_article a;
                fx_make(&a, 81, i, 30);
                warta_article v = fx_view(&a);
                rc = warta_writer_add(w, &v);
                fx_free(&a);
            }
            if (rc == 0)
                rc = warta_writer_commit(w);
        }
        warta_alloc_fail_after(-1);
        char detail[600];
        snprintf(detail, sizeof detail, "%s", w ? warta_writer_errmsg(w) : err);
        warta_writer_close(w);
        cr_assert(rc == 0 || rc == WARTA_ENOMEM || rc == WARTA_ENOLEXICON, "n %ld rc %d: %s", n, rc,
                  detail);
        char *now = fx_dump(dir, &rc);
        cr_assert_not_null(now, "n %ld", n);
        cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "n %ld: %s", n, err);
        free(now);
        if (rc == 0 && n > 3000)
            break;
    }
    free(before);
    fx_rmdir(dir);
}
