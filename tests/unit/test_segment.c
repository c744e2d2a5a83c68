/*
 * test_segment.c: a segment written by the writer and read back
 * (indexer/segment/segread.c and friends): every term's postings and
 * positions equal what the analyzer produces for the same articles,
 * document lengths, title lengths, dates, sources, the snapshot's totals,
 * and the full verification of warta check.
 */
#include "seg_fixture.h"

#include <time.h>

#include "indexer/analysis/analyzer.h"

#define NDOCS 400

typedef struct exp_tok {
    char term[64];
    uint32_t pos;
    bool title;
} exp_tok;

typedef struct exp_doc {
    exp_tok *t;
    size_t n, cap;
    uint32_t body_start;
    bool in_title;
} exp_doc;

static int on_tok(void *ctx, const warta_token *t)
{
    exp_doc *d = ctx;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->t = realloc(d->t, d->cap * sizeof *d->t);
    }
    snprintf(d->t[d->n].term, sizeof d->t[d->n].term, "%.*s", (int)t->term_len, t->term);
    d->t[d->n].pos = t->position;
    d->t[d->n].title = d->in_title;
    d->n++;
    return 0;
}

Test(segment, postings_equal_the_analysis_of_the_articles)
{
    char dir[64];
    fx_tmpdir(dir, sizeof dir);
    fx_build(dir, 2, 11, 0, NDOCS, 200);
    warta_analyzer_options ao = {.no_lexicon = true};
    warta_analyzer *a;
    char err[512];
    cr_assert_eq(warta_analyzer_open(&a, &ao, err, sizeof err), 0, "%s", err);
    static exp_doc docs[NDOCS];
    uint64_t total_len = 0;
    for (unsigned i = 0; i < NDOCS; i++) {
        fx_article art;
        fx_make(&art, 11, i, 200 + i % 7 * 13);
        exp_doc *d = &docs[i];
        memset(d, 0, sizeof *d);
        uint32_t next = 0;
        d->in_title = true;
        cr_assert_eq(analysis_run(a, art.title, strlen(art.title), 0, on_tok, d, &next), 0);
        d->in_title = false;
        d->body_start = next + (next ? FMT_BODY_GAP : 0);
        cr_assert_eq(analysis_run(a, art.body, strlen(art.body), d->body_start, on_tok, d, NULL), 0);
        total_len += d->n;
        fx_free(&art);
    }
    warta_index *ix;
    cr_assert_eq(warta_index_open(&ix, dir, err, sizeof err), 0, "%s", err);
    seg_snapshot *s = seg_index_snapshot(ix);
    cr_assert_eq(seg_snapshot_count(s), 1);
    cr_assert_eq(seg_snapshot_live_docs(s), NDOCS);
    cr_assert_eq(seg_snapshot_live_length(s), total_len);
    seg_reader *r = seg_snapshot_segment(s, 0);
    uint32_t pos[8192];
    for (unsigned i = 0; i < NDOCS; i++) {
        exp_doc *d = &docs[i];
        cr_assert_eq(seg_doc_len(r, i), d->n, "doc %u", i);
        uint32_t tl = 0;
        for (size_t k = 0; k < d->n; k++)
            tl += d->t[k].title;
        cr_assert_eq(seg_title_len(r, i), tl);
        /* each distinct term of the document: its tf, ttf and positions */
        for (size_t k = 0; k < d->n; k++) {
            bool first = true;
            for (size_t j = 0; j < k; j++)
                if (strcmp(d->t[j].term, d->t[k].term) == 0)
                    first = false;
            if (!first)
                continue;
            uint32_t tf = 0, ttf = 0, want[8192];
            for (size_t j = k; j < d->n; j++)
                if (strcmp(d->t[j].term, d->t[k].term) == 0) {
                    want[tf++] = d->t[j].pos;
                    ttf += d->t[j].title;
                }
            seg_term t;
            cr_assert_eq(seg_term_lookup(r, d->t[k].term, strlen(d->t[k].term), &t), 0, "%s",
                         d->t[k].term);
            seg_cursor c;
            cr_assert_eq(seg_cursor_open(&c, r, &t), 0);
            cr_assert_eq(seg_cursor_seek(&c, i), i, "term %s doc %u", d->t[k].term, i);
            cr_assert_eq(seg_cursor_tf(&c), tf);
            cr_assert_eq(seg_cursor_title_tf(&c), ttf);
            cr_assert_eq(seg_cursor_positions(&c, pos), 0);
            for (uint32_t j = 0; j < tf; j++)
                cr_assert_eq(pos[j], want[j], "term %s doc %u pos %u", d->t[k].term, i, j);
        }
    }
    /* dates and sources */
    for (unsigned i = 0; i < NDOCS; i++) {
        int64_t days = seg_doc_date(r, i) / 86400;
        cr_assert_eq(seg_doc_date(r, i) % 86400, 0);
        char want[32];
        snprintf(want, sizeof want, "2019-%02u-%02u", 1 + i % 12, 1 + i % 28);
        time_t tt = (time_t)(days * 86400);
        struct tm tm;
        gmtime_r(&tt, &tm);
        char got[32];
        strftime(got, sizeof got, "%Y-%m-%d", &tm);
        cr_assert_str_eq(got, want);
        size_t sl;
        const char *sn = seg_source_name(r, seg_doc_source(r, i), &sl);
        char ws[16];
        snprintf(ws, sizeof ws, "sumber%u", i % 5);
        cr_assert_eq(sl, strlen(ws));
        cr_assert_eq(memcmp(sn, ws, sl), 0);
        cr_assert_eq(seg_source_find(r, ws, strlen(ws)), seg_doc_source(r, i));
    }
    cr_assert_eq(seg_source_count(r), 5);
    cr_assert_eq(seg_source_find(r, "nope", 4), SEG_SOURCE_NONE);
    /* full verification passes */
    cr_assert_eq(seg_reader_verify(r), 0, "%s", seg_reader_errmsg(r));
    for (unsigned i = 0; i < NDOCS; i++)
        free(docs[i].t);
    warta_analyzer_close(a);
    /* the stored analyzer is the one used */
    cr_assert_not_null(warta_index_analyzer(ix));
    warta_index_close(ix);
    cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "%s", err);
    fx_rmdir(dir);
}

Test(segment, an_empty_index_opens)
{
    char dir[64];
    fx_tmpdir(dir, sizeof dir);
    warta_writer_options o = fx_opts(1);
    warta_writer *w;
    char err[512];
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(warta_writer_commit(w), 0);
    warta_writer_close(w);
    warta_index *ix;
    cr_assert_eq(warta_index_open(&ix, dir, err, sizeof err), 0, "%s", err);
    cr_assert_eq(seg_snapshot_count(seg_index_snapshot(ix)), 0);
    cr_assert_eq(seg_snapshot_live_docs(seg_index_snapshot(ix)), 0);
    warta_index_close(ix);
    cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "%s", err);
    fx_rmdir(dir);
}

Test(segment, no_index_is_not_found)
{
    warta_index *ix;
    char err[512];
    cr_assert_eq(warta_index_open(&ix, "/tmp/warta-no-such-index-here", err, sizeof err),
                 WARTA_ENOTFOUND);
    cr_assert_neq(strstr(err, "no such index"), NULL, "%s", err);
}

Test(segment, articles_without_text_or_date)
{
    char dir[64];
    fx_tmpdir(dir, sizeof dir);
    warta_writer_options o = fx_opts(1);
    warta_writer *w;
    char err[512];
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    warta_article a;
    memset(&a, 0, sizeof a);
    a.id = "kosong";
    a.id_len = 6;
    cr_assert_eq(warta_writer_add(w, &a), 0);
    a.id = "judul";
    a.id_len = 5;
    a.title = "Hanya judul";
    a.title_len = strlen(a.title);
    a.date = "bukan tanggal";
    a.date_len = strlen(a.date);
    cr_assert_eq(warta_writer_add(w, &a), 0);
    cr_assert_eq(warta_writer_commit(w), 0);
    warta_writer_close(w);
    warta_index *ix;
    cr_assert_eq(warta_index_open(&ix, dir, err, sizeof err), 0, "%s", err);
    seg_reader *r = seg_snapshot_segment(seg_index_snapshot(ix), 0);
    cr_assert_eq(seg_ndocs(r), 2);
    cr_assert_eq(seg_doc_len(r, 0), 0);
    cr_assert_eq(seg_doc_date(r, 0), SEG_DATE_NONE);
    cr_assert_eq(seg_doc_date(r, 1), SEG_DATE_NONE);
    cr_assert_eq(seg_doc_source(r, 0), SEG_SOURCE_NONE);
    cr_assert_gt(seg_doc_len(r, 1), 0);
    cr_assert_eq(seg_title_len(r, 1), seg_doc_len(r, 1));
    warta_index_close(ix);
    cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "%s", err);
    fx_rmdir(dir);
}

/* A small index written by format version 2 is kept in tests/data/index-v2
 * with its expected content; every later build must read it the same.
 * WARTA_WRITE_GOLDEN=1 rewrites it (only when the format version changes). */
Test(segment, golden_version_2_index_still_reads_the_same)
{
    const char *golden = WARTA_TEST_DATA "/index-v2";
    const char *expect = WARTA_TEST_DATA "/index-v2.dump";
    if (getenv("WARTA_WRITE_GOLDEN")) {
        mkdir(WARTA_TEST_DATA, 0777);
        fx_rmdir(golden);
        fx_build(golden, 1, 7, 0, 24, 30);
        warta_writer_options o = fx_opts(1);
        warta_writer *w;
        char err[512];
        cr_assert_eq(warta_writer_open(&w, golden, &o, err, sizeof err), 0, "%s", err);
        cr_assert_eq(warta_writer_delete(w, "doc-00004", 9), 0);
        fx_add(w, 7, 24, 30, 30);
        cr_assert_eq(warta_writer_commit(w), 0);
        warta_writer_close(w);
        char lock[512];
        snprintf(lock, sizeof lock, "%s/lock", golden);
        unlink(lock);
        int rc;
        char *d = fx_dump(golden, &rc);
        cr_assert_not_null(d);
        fx_write(expect, (const uint8_t *)d, strlen(d));
        free(d);
    }
    char err[512];
    cr_assert_eq(warta_index_check(golden, err, sizeof err), 0, "%s", err);
    int rc;
    char *got = fx_dump(golden, &rc);
    cr_assert_not_null(got, "rc %d", rc);
    size_t len;
    uint8_t *want = fx_read(expect, &len);
    cr_assert_not_null(want);
    cr_assert_eq(strlen(got), len);
    cr_assert_eq(memcmp(got, want, len), 0);
    free(got);
    free(want);
}

/* The version 1 index (tests/data/index-v1, zlib CRC-32 checksums, 64 KiB
 * store blocks) is refused as a whole with the "rebuild" advice, by search
 * and by check alike. */
Test(segment, version_1_index_is_refused_with_rebuild_advice)
{
    const char *old = WARTA_TEST_DATA "/index-v1";
    char err[512] = "";
    warta_index *ix = NULL;
    cr_assert_eq(warta_index_open(&ix, old, err, sizeof err), WARTA_EFORMAT, "%s", err);
    cr_assert_null(ix);
    cr_expect(strstr(err, "format version 1, this warta reads 2") != NULL, "%s", err);
    cr_expect(strstr(err, "rebuild") != NULL, "%s", err);
    err[0] = '\0';
    cr_assert_eq(warta_index_check(old, err, sizeof err), WARTA_EFORMAT, "%s", err);
    cr_expect(strstr(err, "rebuild") != NULL, "%s", err);
}
