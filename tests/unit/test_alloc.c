/*
 * test_alloc.c: out-of-memory behaviour of the public API (docs/
 * GUARANTEES.md "Out of memory").  For each operation, the Nth allocation
 * through wmalloc & co. is made to fail (warta_alloc_fail_after) for N = 0,
 * 1, 2, ... until the operation completes without meeting the failure: each
 * run must return 0 or WARTA_ENOMEM (never crash, never another code), leak
 * nothing (LeakSanitizer in the sanitizer build checks at exit) and leave
 * the index on disk intact and equal to the state before or after.
 * Operations: opening an index, searching it (every query form, snippets,
 * explain, JSON), opening an analyzer and analyzing, and writing: open, add,
 * delete, commit, optimize, on an existing index and on a new one.  (These
 * loops found a NULL read in merge.c, an endless padding loop on a failed
 * buffer and a leak in segwrite.c, all fixed since.)
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus/base.h"
#include "warta.h"

/* True when the failure planted by warta_alloc_fail_after(n) was consumed
 * by the operation; false when the operation made fewer than n+1
 * allocations (then the probe meets the failure itself).  Turns failures
 * off either way. */
static bool failure_fired(long n)
{
    bool fired = true;
    for (long i = 0; i <= n; i++) {
        void *p = wmalloc(1);
        if (!p) {
            fired = false;
            break;
        }
        wfree(p);
    }
    warta_alloc_fail_after(-1);
    return fired;
}

/* A fresh directory on tmpfs when there is one (fsync is free there). */
static void tmpdir(char *out, size_t cap)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(out, cap, "%s/warta-alloc.XXXXXX", base);
    cr_assert_not_null(mkdtemp(out));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    return remove(path);
}

static int remove_inside(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    return f->level == 0 ? 0 : remove_entry(path, st, flag, f);
}

/* Removes dir and everything in it (no shell: valgrind runs stay fast). */
static void rmdir_all(const char *dir)
{
    cr_assert_eq(nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0, "%s", dir);
}

/* Empties dir. */
static void empty_dir(const char *dir)
{
    cr_assert_eq(nftw(dir, remove_inside, 16, FTW_DEPTH | FTW_PHYS), 0, "%s", dir);
}

static const char *const words[] = {
    "pemerintah", "presiden", "banjir", "jakarta", "gempa", "harga", "beras", "pasar",
    "korupsi", "hakim", "sungai", "pendidikan", "pembangunan", "petani", "nelayan",
    "anak-anak", "berlari-lari", "Korea-Rusia", "10/9/2019", "12.000", "Zürich", "Москва",
};
#define NWORDS (sizeof words / sizeof words[0])

typedef struct article {
    char id[32], title[256], body[2048], date[16];
} article;

static void make(article *a, unsigned i)
{
    unsigned long s = i * 2654435761u + 17;
    snprintf(a->id, sizeof a->id, "doc-%u", i);
    size_t len = 0;
    for (unsigned k = 0; k < 3 + i % 4; k++, s = s * 6364136223846793005ul + 1)
        len += (size_t)snprintf(a->title + len, sizeof a->title - len, "%s%s", k ? " " : "",
                                words[(s >> 33) % NWORDS]);
    len = 0;
    for (unsigned k = 0; k < 20 + i % 30; k++, s = s * 6364136223846793005ul + 1)
        len += (size_t)snprintf(a->body + len, sizeof a->body - len, "%s%s", k ? " " : "",
                                words[(s >> 33) % NWORDS]);
    snprintf(a->date, sizeof a->date, "2024-%02u-%02u", 1 + i % 12, 1 + i % 28);
}

static warta_article view(const article *a, unsigned i)
{
    warta_article v;
    memset(&v, 0, sizeof v);
    v.id = a->id;
    v.id_len = strlen(a->id);
    v.title = a->title;
    v.title_len = strlen(a->title);
    v.body = a->body;
    v.body_len = strlen(a->body);
    v.date = a->date;
    v.date_len = strlen(a->date);
    v.source = i % 2 ? "Warta Kota" : "Suara Timur";
    v.source_len = strlen(v.source);
    return v;
}

static warta_writer_options writer_opts(void)
{
    warta_writer_options o;
    memset(&o, 0, sizeof o);
    o.jobs = 1;
    o.analysis.no_lexicon = true;
    return o;
}

/* Adds articles [from, to) and commits; 0 or the first error. */
static int add_range(warta_writer *w, unsigned from, unsigned to)
{
    int rc = 0;
    for (unsigned i = from; i < to && !rc; i++) {
        article a;
        make(&a, i);
        warta_article v = view(&a, i);
        rc = warta_writer_add(w, &v);
    }
    return rc;
}

static void build(const char *dir, unsigned from, unsigned to)
{
    warta_writer_options o = writer_opts();
    warta_writer *w = NULL;
    char err[512] = "";
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(add_range(w, from, to), 0, "%s", warta_writer_errmsg(w));
    cr_assert_eq(warta_writer_commit(w), 0, "%s", warta_writer_errmsg(w));
    warta_writer_close(w);
}

/* Live articles of the index at dir (checked sound first). */
static uint64_t live_count(const char *dir)
{
    char err[512] = "";
    cr_assert_eq(warta_index_check(dir, err, sizeof err), 0, "%s", err);
    warta_index *ix = NULL;
    cr_assert_eq(warta_index_open(&ix, dir, err, sizeof err), 0, "%s", err);
    warta_index_info info;
    cr_assert_eq(warta_index_get_info(ix, &info), 0);
    warta_index_close(ix);
    return info.live;
}

Test(alloc, opening_an_index)
{
    char dir[128];
    tmpdir(dir, sizeof dir);
    build(dir, 0, 20);
    long n = 0;
    for (;; n++) {
        warta_index *ix = NULL;
        char err[512] = "";
        warta_alloc_fail_after(n);
        int rc = warta_index_open(&ix, dir, err, sizeof err);
        warta_index_info info;
        if (!rc)
            rc = warta_index_get_info(ix, &info);
        if (!rc && !warta_index_analyzer(ix))
            rc = WARTA_ENOMEM;
        bool fired = failure_fired(n);
        warta_index_close(ix);
        cr_assert(rc == 0 || rc == WARTA_ENOMEM, "n %ld: %s (%s)", n, warta_strerror(rc), err);
        if (!fired) {
            cr_assert_eq(rc, 0, "n %ld", n);
            break;
        }
    }
    fprintf(stderr, "# opening an index: %ld allocation points\n", n);
    rmdir_all(dir);
}

Test(alloc, searching)
{
    char dir[128];
    tmpdir(dir, sizeof dir);
    build(dir, 0, 40);
    char err[512] = "";
    warta_index *ix = NULL;
    cr_assert_eq(warta_index_open(&ix, dir, err, sizeof err), 0, "%s", err);
    static const char *const queries[] = {
        "banjir jakarta", "+harga -beras", "\"harga beras\"", "title:gempa", "pen*",
        "(korupsi OR hakim) AND pasar", "anak-anak berlari", "NOT banjir sungai",
    };
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        for (int variant = 0; variant < 2; variant++) {
            warta_search_options o;
            warta_search_options_init(&o);
            o.snippets = true;
            o.explain = variant == 1;
            o.sort = variant == 1 ? WARTA_SORT_DATE : WARTA_SORT_SCORE;
            o.since = variant == 1 ? "2024-03-01" : NULL;
            static const char *const src[] = {"Warta Kota"};
            o.sources = variant == 1 ? src : NULL;
            o.nsources = variant == 1 ? 1 : 0;
            long n = 0;
            for (;; n++) {
                warta_results *r = NULL;
                char *json = NULL;
                size_t jlen = 0;
                warta_alloc_fail_after(n);
                int rc = warta_search(ix, queries[q], strlen(queries[q]), &o, &r, err, sizeof err);
                if (!rc)
                    rc = warta_results_json(r, 2, &json, &jlen);
                bool fired = failure_fired(n);
                free(json);
                warta_results_free(r);
                cr_assert(rc == 0 || rc == WARTA_ENOMEM, "'%s' n %ld: %s (%s)", queries[q], n,
                          warta_strerror(rc), err);
                if (!fired) {
                    cr_assert_eq(rc, 0, "'%s' n %ld", queries[q], n);
                    break;
                }
            }
            fprintf(stderr, "# search '%s' (variant %d): %ld allocation points\n", queries[q], variant, n);
        }
    }
    warta_index_close(ix);
    rmdir_all(dir);
}

static int count_token(void *ctx, const warta_token *t)
{
    (void)t;
    ++*(unsigned *)ctx;
    return 0;
}

Test(alloc, analyzing)
{
    static const char text[] = "Anak-anak berlari-lari di Zürich, Korea-Rusia 10/9/2019 pukul "
                               "10:30 seharga Rp12.000; pemerintah memperingatkan Москва.";
    long n = 0;
    for (;; n++) {
        warta_analyzer_options o = {.no_lexicon = true};
        warta_analyzer *a = NULL, *c = NULL;
        warta_alloc_fail_after(n);
        int rc = warta_analyzer_open(&a, &o, NULL, 0);
        if (!rc)
            rc = warta_analyzer_clone(&c, a);
        if (!rc) {
            char out[64];
            int k = warta_stem(c, "pembangunan", 11, out, sizeof out);
            rc = k < 0 ? k : 0;
        }
        unsigned ntok = 0;
        if (!rc)
            rc = warta_analyze(c, text, sizeof text - 1, count_token, &ntok);
        bool fired = failure_fired(n);
        warta_analyzer_close(c);
        warta_analyzer_close(a);
        cr_assert(rc == 0 || rc == WARTA_ENOMEM, "n %ld: %s", n, warta_strerror(rc));
        if (!fired) {
            cr_assert_eq(rc, 0, "n %ld", n);
            break;
        }
    }
    fprintf(stderr, "# analyzing: %ld allocation points\n", n);
}

/* One writing session on dir: add [from, to), delete one id, commit, and
 * optimize when asked. */
static int write_session(const char *dir, unsigned from, unsigned to, bool optimize,
                         char *err, size_t errlen)
{
    warta_writer_options o = writer_opts();
    warta_writer *w = NULL;
    int rc = warta_writer_open(&w, dir, &o, err, errlen);
    if (!rc)
        rc = add_range(w, from, to);
    if (!rc) {
        rc = warta_writer_delete(w, "doc-1", 5);
        if (rc == WARTA_ENOTFOUND)
            rc = 0;
    }
    if (!rc)
        rc = optimize ? warta_writer_optimize(w) : warta_writer_commit(w);
    if (rc && w)
        snprintf(err, errlen, "%s", warta_writer_errmsg(w));
    warta_writer_close(w);
    return rc;
}

/* Runs write_session(dir, 12, 18, optimize) failing each allocation in turn
 * on an index of two segments; checks the index after each. */
static void writing_case(bool optimize)
{
    char dir[128], ref[128];
    tmpdir(dir, sizeof dir);
    tmpdir(ref, sizeof ref);
    build(dir, 0, 10);
    build(dir, 5, 15); /* two segments, so that optimize merges */
    build(ref, 0, 10);
    build(ref, 5, 15);
    uint64_t before = live_count(dir);
    char err[512] = "";
    cr_assert_eq(write_session(ref, 12, 18, optimize, err, sizeof err), 0, "%s", err);
    uint64_t after = live_count(ref);
    long n = 0;
    for (;; n++) {
        err[0] = '\0';
        warta_alloc_fail_after(n);
        int rc = write_session(dir, 12, 18, optimize, err, sizeof err);
        bool fired = failure_fired(n);
        cr_assert(rc == 0 || rc == WARTA_ENOMEM, "n %ld: %s (%s)", n, warta_strerror(rc), err);
        uint64_t now = live_count(dir);
        cr_assert(now == before || now == after, "n %ld: %llu live articles", n,
                  (unsigned long long)now);
        if (!fired) {
            cr_assert_eq(rc, 0, "n %ld", n);
            cr_assert_eq(now, after);
            break;
        }
        if (now == after) {
            /* the commit got through before the failure: start again from
             * the state before */
            empty_dir(dir);
            build(dir, 0, 10);
            build(dir, 5, 15);
        }
    }
    fprintf(stderr, "# writing (optimize %d): %ld allocation points\n", optimize, n);
    rmdir_all(dir);
    rmdir_all(ref);
}

Test(alloc, adding_and_committing)
{
    writing_case(false);
}

Test(alloc, optimizing)
{
    writing_case(true);
}

Test(alloc, creating_an_index)
{
    char dir[128], ref[128], err[512] = "";
    tmpdir(dir, sizeof dir);
    tmpdir(ref, sizeof ref);
    cr_assert_eq(write_session(ref, 0, 5, false, err, sizeof err), 0, "%s", err);
    uint64_t expected = live_count(ref);
    rmdir_all(ref);
    long n = 0;
    for (;; n++) {
        empty_dir(dir);
        warta_alloc_fail_after(n);
        int rc = write_session(dir, 0, 5, false, err, sizeof err);
        bool fired = failure_fired(n);
        cr_assert(rc == 0 || rc == WARTA_ENOMEM, "n %ld: %s (%s)", n, warta_strerror(rc), err);
        /* no index yet, or the articles */
        int crc = warta_index_check(dir, err, sizeof err);
        cr_assert(crc == 0 || (rc != 0 && crc == WARTA_ENOTFOUND), "n %ld: %s", n, err);
        if (crc == 0) {
            uint64_t live = live_count(dir);
            cr_assert_eq(live, expected, "n %ld: rc %s, %llu live articles", n, warta_strerror(rc),
                         (unsigned long long)live);
        }
        if (!fired) {
            cr_assert_eq(rc, 0, "n %ld", n);
            break;
        }
    }
    fprintf(stderr, "# creating an index: %ld allocation points\n", n);
    rmdir_all(dir);
}
