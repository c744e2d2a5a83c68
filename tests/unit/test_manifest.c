/*
 * test_manifest.c: the manifest and the commit protocol
 * (indexer/segment/manifest.c): encoding round trip and rejection of
 * damaged manifests; the writer lock (a second writer is refused naming the
 * PID, a stale lock is taken over); a simulated crash between every two
 * steps of a commit leaves the previous commit (or, once the manifest is
 * renamed, the new one) fully readable, the next writer cleans up, and
 * re-running the same work completes it.
 */
#include "seg_fixture.h"

Test(manifest, encodes_and_decodes)
{
    manifest m;
    memset(&m, 0, sizeof m);
    m.generation = 7;
    m.next_id = 12;
    m.analyzer_crc = 0xdeadbeef;
    man_seg segs[2] = {{3, 100, 4, 6, 5000}, {11, 20, 0, 0, 700}};
    m.segs = segs;
    m.nsegs = 2;
    m.build_info = "jobs 2";
    wbuf b = WBUF_INIT;
    manifest_encode(&m, &b);
    manifest d;
    char err[256];
    cr_assert_eq(manifest_decode(&d, (const uint8_t *)b.data, b.len, err, sizeof err), 0, "%s", err);
    cr_assert_eq(d.generation, 7);
    cr_assert_eq(d.next_id, 12);
    cr_assert_eq(d.analyzer_crc, 0xdeadbeef);
    cr_assert_eq(d.nsegs, 2);
    cr_assert_eq(d.segs[0].id, 3);
    cr_assert_eq(d.segs[0].ndeleted, 4);
    cr_assert_eq(d.segs[0].del_gen, 6);
    cr_assert_eq(d.segs[1].bytes, 700);
    cr_assert_str_eq(d.build_info, "jobs 2");
    manifest_free(&d);
    /* every flipped byte and every truncation is refused */
    for (size_t i = 0; i < b.len; i++) {
        b.data[i] ^= 0x01;
        cr_assert_neq(manifest_decode(&d, (const uint8_t *)b.data, b.len, err, sizeof err), 0,
                      "flip %zu", i);
        b.data[i] ^= 0x01;
    }
    for (size_t cut = 0; cut < b.len; cut++)
        cr_assert_neq(manifest_decode(&d, (const uint8_t *)b.data, cut, err, sizeof err), 0);
    /* another version */
    b.data[8] = 9;
    cr_assert_eq(manifest_decode(&d, (const uint8_t *)b.data, b.len, err, sizeof err),
                 WARTA_EFORMAT);
    wbuf_free(&b);
}

Test(manifest, a_second_writer_is_locked_out)
{
    char dir[64];
    fx_tmpdir(dir, sizeof dir);
    warta_writer_options o = fx_opts(1);
    warta_writer *w1, *w2;
    char err[512];
    cr_assert_eq(warta_writer_open(&w1, dir, &o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(warta_writer_open(&w2, dir, &o, err, sizeof err), WARTA_ELOCKED);
    char want[64];
    snprintf(want, sizeof want, "locked by PID %ld", (long)getpid());
    cr_assert_neq(strstr(err, want), NULL, "%s", err);
    cr_assert_null(w2);
    warta_writer_close(w1);
    cr_assert_eq(warta_writer_open(&w2, dir, &o, err, sizeof err), 0, "%s", err);
    warta_writer_close(w2);
    fx_rmdir(dir);
}

Test(manifest, a_stale_lock_is_recovered)
{
    char dir[64], path[128];
    fx_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/lock", dir);
    fx_write(path, (const uint8_t *)"999999\n", 7); /* a dead writer's PID, no flock held */
    warta_writer_options o = fx_opts(1);
    warta_writer *w;
    char err[512];
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    warta_writer_close(w);
    fx_rmdir(dir);
}

static bool has_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    bool found = false;
    while ((e = readdir(d)) != NULL)
        found |= strstr(e->d_name, ".tmp") != NULL;
    closedir(d);
    return found;
}

/* The second commit's work: 50 new articles, one replaced, one deleted. */
static int second_commit(warta_writer *w)
{
    fx_add(w, 21, 100, 150, 60);
    fx_article a;
    fx_make(&a, 99, 10, 80); /* same id doc-00010, new text */
    warta_article v = fx_view(&a);
    cr_assert_eq(warta_writer_add(w, &v), 0);
    fx_free(&a);
    int rc = warta_writer_delete(w, "doc-00005", 9);
    cr_assert(rc == 0 || rc == WARTA_ENOTFOUND);
    return warta_writer_commit(w);
}

Test(manifest, a_crash_at_any_commit_step_leaves_a_readable_commit, .timeout = 120)
{
    char err[512];
    /* the expected states: before and after the second commit */
    char ref[64];
    fx_tmpdir(ref, sizeof ref);
    fx_build(ref, 1, 21, 0, 100, 60);
    int rc;
    char *before = fx_dump(ref, &rc);
    cr_assert_not_null(before);
    warta_writer_options o = fx_opts(1);
    warta_writer *w;
    cr_assert_eq(warta_writer_open(&w, ref, &o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(second_commit(w), 0, "%s", warta_writer_errmsg(w));
    warta_writer_close(w);
    char *after = fx_dump(ref, &rc);
    cr_assert_not_null(after);
    cr_assert_str_neq(before, after);
    fx_rmdir(ref);

    for (int step = 1; step <= 7; step++) {
        char dir[64];
        fx_tmpdir(dir, sizeof dir);
        fx_build(dir, 1, 21, 0, 100, 60);
        cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
        commit_crash_step = step;
        cr_assert_eq(second_commit(w), COMMIT_CRASHED, "step %d", step);
        commit_crash_step = 0;
        /* the "dead" writer still holds its files; a reader sees one commit */
        char *now = fx_dump(dir, &rc);
        cr_assert_not_null(now, "step %d: rc %d", step, rc);
        cr_assert_str_eq(now, step <= 5 ? before : after, "step %d", step);
        free(now);
        warta_writer_close(w);
        /* the next writer cleans up; the index checks and reads the same */
        cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
        warta_writer_close(w);
        cr_assert(!has_tmp(dir), "step %d left temporary files", step);
        cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "step %d: %s", step, err);
        now = fx_dump(dir, &rc);
        cr_assert_str_eq(now, step <= 5 ? before : after, "step %d", step);
        free(now);
        /* re-running the same work completes it */
        cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
        cr_assert_eq(second_commit(w), 0, "%s", warta_writer_errmsg(w));
        warta_writer_close(w);
        now = fx_dump(dir, &rc);
        cr_assert_str_eq(now, after, "step %d rerun", step);
        free(now);
        cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "%s", err);
        fx_rmdir(dir);
    }
    free(before);
    free(after);
}

Test(manifest, leftover_temporary_files_are_removed_by_the_next_writer)
{
    char dir[64], path[128];
    fx_tmpdir(dir, sizeof dir);
    fx_build(dir, 1, 5, 0, 20, 30);
    snprintf(path, sizeof path, "%s/s0000000009.seg.tmp", dir);
    fx_write(path, (const uint8_t *)"partial", 7);
    snprintf(path, sizeof path, "%s/manifest.tmp", dir);
    fx_write(path, (const uint8_t *)"partial", 7);
    snprintf(path, sizeof path, "%s/s0000000008.seg", dir); /* flushed, never committed */
    fx_write(path, (const uint8_t *)"orphan", 6);
    warta_writer_options o = fx_opts(1);
    warta_writer *w;
    char err[512];
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    warta_writer_close(w);
    cr_assert(!has_tmp(dir));
    cr_assert_neq(access(path, F_OK), 0);
    cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "%s", err);
    fx_rmdir(dir);
}
