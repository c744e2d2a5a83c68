/*
 * test_walk.c: warta_walk() over trees built in a temporary directory:
 * deterministic byte order, hidden entries, ids relative to the PATH
 * argument, gzip, symlink loops and broken links, FIFOs, unreadable files
 * and directories, missing arguments, stopping, and allocation failures.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "corpus_collect.h"

static collect c;
static char root[256];

static void write_file(const char *rel, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    /* make parent directories */
    for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot create %s", path);
    fwrite(data, 1, len, f);
    fclose(f);
}

static void write_text(const char *rel, const char *text)
{
    write_file(rel, text, strlen(text));
}

static void write_gz(const char *rel, const char *text, size_t keep)
{
    unsigned char out[4096];
    z_stream z;
    memset(&z, 0, sizeof z);
    cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)text;
    z.avail_in = (unsigned)strlen(text);
    z.next_out = out;
    z.avail_out = sizeof out;
    cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = sizeof out - z.avail_out;
    deflateEnd(&z);
    write_file(rel, out, keep && keep < n ? keep : n);
}

static char *in_root(const char *rel)
{
    static char path[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s%s%s", root, *rel ? "/" : "", rel);
    return path[k];
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    chmod(path, 0755);
    return remove(path);
}

static void setup(void)
{
    snprintf(root, sizeof root, "/tmp/warta-walk-XXXXXX");
    cr_assert(mkdtemp(root));
}

static void teardown(void)
{
    cc_free(&c);
    warta_alloc_fail_after(-1);
    /* restore permissions first so the tree can be removed */
    nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(walk, .init = setup, .fini = teardown);

static int walk_root(void)
{
    const char *paths[] = {root};
    return cc_walk(&c, paths, 1);
}

static void make_tree(void)
{
    write_text("b.txt", "Judul B\nIsi B.\n");
    write_text("a.txt", "Judul a\nIsi a.\n");
    write_text("B.txt", "Judul besar B\nIsi.\n");
    write_text("sub/c.md", "---\ntitle: Judul C\n---\nIsi C.\n");
    write_text("sub/d.jsonl", "{\"title\": \"D1\"}\n{\"title\": \"D2\"}\n");
    write_text(".hidden.txt", "Tersembunyi\nJangan dibaca.\n");
    write_text(".git/x.txt", "Tersembunyi\nJangan dibaca.\n");
    write_text("sub/.cache/y.md", "# Tersembunyi\n");
    write_text("notes.doc", "bukan artikel");
    write_text("README", "bukan artikel");
}

Test(walk, visits_entries_in_byte_order_and_skips_hidden_ones)
{
    make_tree();
    cr_assert_eq(walk_root(), 0);
    cc_dump(&c);
    static const char *const ids[] = {"B.txt", "a.txt", "b.txt", "sub/c.md", "sub/d.jsonl:1", "sub/d.jsonl:2"};
    cr_assert_eq(c.narts, 6);
    for (size_t i = 0; i < 6; i++)
        cr_expect_str_eq(c.arts[i].id, ids[i]);
    cr_expect_eq(c.nprobs, 0);
    cr_expect_eq(c.stats.files, 5);
    cr_expect_eq(c.stats.ignored, 2);
    cr_expect_eq(c.stats.skipped, 0);
}

Test(walk, gives_the_same_order_every_time)
{
    make_tree();
    for (int i = 0; i < 20; i++) {
        char name[32];
        snprintf(name, sizeof name, "m/%02d-%c.txt", (i * 7) % 20, 'a' + i % 3);
        write_text(name, "Judul\nIsi.\n");
    }
    walk_root();
    char *first = strdup(c.files);
    cc_free(&c);
    walk_root();
    cr_expect_str_eq(c.files, first);
    free(first);
}

Test(walk, makes_ids_relative_to_each_path_argument)
{
    make_tree();
    char with_slash[600];
    snprintf(with_slash, sizeof with_slash, "%s/", in_root("sub"));
    const char *paths[] = {with_slash, in_root("b.txt"), in_root("sub")};
    cr_assert_eq(cc_walk(&c, paths, 3), 0);
    cc_dump(&c);
    cr_assert_eq(c.narts, 7);
    cr_expect_str_eq(c.arts[0].id, "c.md");
    cr_expect_str_eq(c.arts[1].id, "d.jsonl:1");
    cr_expect_str_eq(c.arts[3].id, "b.txt");
    cr_expect_str_eq(c.arts[4].id, "c.md");
    cr_expect(strstr(c.arts[0].path, "//") == NULL, "%s", c.arts[0].path);
}

Test(walk, reads_gzip_files_and_reports_truncated_ones)
{
    write_gz("ok.txt.gz", "Judul Terkompresi\nIsi yang dikompresi.\n", 0);
    write_gz("rusak.md.gz", "# Judul Rusak\nIsi yang akan terpotong di tengah jalan oleh tes ini.\n", 30);
    write_text("palsu.txt.gz", "Bukan gzip\nIsi.\n");
    cr_assert_eq(walk_root(), 0);
    cc_dump(&c);
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].title, "Judul Terkompresi");
    cr_expect_str_eq(c.arts[0].id, "ok.txt.gz");
    cr_assert_eq(c.nprobs, 2);
    cr_expect(strstr(c.probs[0].path, "palsu.txt.gz") != NULL);
    cr_expect(strstr(c.probs[0].what, "not gzip data") != NULL);
    cr_expect(strstr(c.probs[1].path, "rusak.md.gz") != NULL);
    cr_expect(strstr(c.probs[1].what, "truncated or corrupt gzip data") != NULL);
    cr_expect_eq(c.stats.skipped, 2);
}

Test(walk, guards_against_symlink_loops)
{
    write_text("d/a.txt", "Judul\nIsi.\n");
    cr_assert_eq(symlink("..", in_root("d/ke-atas")), 0);
    cr_assert_eq(symlink("sendiri", in_root("d/sendiri")), 0);
    cr_assert_eq(walk_root(), 0);
    cc_dump(&c);
    cr_expect_eq(c.narts, 1);
    cr_expect(cc_has_problem(&c, "symbolic link loop"));
    cr_expect_eq(c.stats.skipped, 2);
}

Test(walk, follows_symlinks_that_do_not_loop_and_reports_broken_ones)
{
    write_text("asli/a.txt", "Judul\nIsi.\n");
    cr_assert_eq(symlink("asli", in_root("tautan")), 0);
    cr_assert_eq(symlink("tidak-ada.txt", in_root("patah.txt")), 0);
    cr_assert_eq(walk_root(), 0);
    cr_expect_eq(c.narts, 2);
    cr_expect_str_eq(c.arts[1].id, "tautan/a.txt");
    cr_expect(cc_has_problem(&c, "broken symbolic link"));
}

Test(walk, skips_a_fifo_without_blocking)
{
    cr_assert_eq(mkfifo(in_root("pipa.txt"), 0644), 0);
    write_text("z.txt", "Judul\nIsi.\n");
    cr_assert_eq(walk_root(), 0);
    cr_expect_eq(c.narts, 1);
    cr_expect(cc_has_problem(&c, "not a regular file"));
}

/* The walk of the unreadable tree, as a process that permissions stop. */
static bool unreadable_walk_ok(void)
{
    return walk_root() == 0 && c.narts == 1 && cc_has_problem(&c, "cannot open file (Permission denied)") &&
           cc_has_problem(&c, "cannot read directory (Permission denied)") && c.stats.skipped == 2;
}

Test(walk, reports_unreadable_files_and_directories)
{
    write_text("tertutup.txt", "Judul\nIsi.\n");
    write_text("kunci/a.txt", "Judul\nIsi.\n");
    write_text("z.txt", "Judul\nIsi.\n");
    chmod(in_root("tertutup.txt"), 0);
    chmod(in_root("kunci"), 0);
    if (geteuid() != 0) {
        bool ok = unreadable_walk_ok();
        cc_dump(&c);
        cr_expect(ok);
        return;
    }
    /* Root reads everything: walk from a child that gives up root. */
    chmod(root, 0755);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        _exit(unreadable_walk_ok() ? 0 : 1);
    }
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the unprivileged walk failed (status %d)", status);
}

Test(walk, reports_a_directory_named_like_an_article_as_a_directory)
{
    write_text("arsip.txt/dalam.txt", "Judul\nIsi.\n");
    cr_assert_eq(walk_root(), 0);
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].id, "arsip.txt/dalam.txt");
}

Test(walk, reports_missing_and_unsupported_arguments)
{
    write_text("catatan.doc", "x");
    const char *paths[] = {in_root("tidak-ada"), in_root("catatan.doc"), ""};
    cr_assert_eq(cc_walk(&c, paths, 3), 0);
    cc_dump(&c);
    cr_assert_eq(c.nprobs, 3);
    cr_expect(strstr(c.probs[0].what, "cannot open (No such file or directory)") != NULL);
    cr_expect(strstr(c.probs[1].what, "no reader for this file") != NULL);
    cr_expect(strstr(c.probs[2].what, "empty path") != NULL);
    cr_expect_eq(c.stats.skipped, 3);
}

Test(walk, skips_an_oversized_article_file)
{
    size_t n = CORPUS_MAX_ARTICLE + 1;
    char *big = malloc(n);
    memset(big, 'x', n);
    write_file("besar.txt", big, n);
    free(big);
    write_text("kecil.txt", "Judul\nIsi.\n");
    cr_assert_eq(walk_root(), 0);
    cr_expect_eq(c.narts, 1);
    cr_expect(cc_has_problem(&c, "larger than the 16 MiB cap"));
}

Test(walk, stops_when_the_article_callback_says_so)
{
    make_tree();
    c.stop_after = 2;
    cr_expect_eq(walk_root(), 99);
    cr_expect_eq(c.narts, 2);
}

Test(walk, works_without_stats_or_callbacks)
{
    make_tree();
    warta_walk_callbacks cb = {0};
    const char *paths[] = {root};
    cr_expect_eq(warta_walk(paths, 1, &cb, NULL), 0);
}

Test(walk, fails_cleanly_when_allocations_fail)
{
    make_tree();
    write_gz("z.jsonl.gz", "{\"title\": \"Z\", \"body\": \"isi \\u00e9\"}\n", 0);
    for (long n = 0; n < 400; n++) {
        cc_free(&c);
        warta_alloc_fail_after(n);
        int rc = walk_root();
        warta_alloc_fail_after(-1);
        cr_assert(rc == 0 || rc == WARTA_ENOMEM, "failing allocation %ld gave %d", n, rc);
        if (rc == 0)
            cr_expect_eq(c.narts, 7, "allocation %ld was failed but the walk lost articles", n);
    }
}

Test(walk, chooses_readers_by_extension_in_any_case)
{
    write_text("a.MD", "# Judul A\nIsi.\n");
    write_text("b.markdown", "# Judul B\nIsi.\n");
    write_text("c.NDJSON", "{\"title\": \"Judul C\"}\n");
    write_gz("d.json.gz", "[{\"title\": \"Judul D\"}]", 0);
    write_text("e.Txt", "Judul E\n");
    write_text("f.md.bak", "# bukan\n");
    write_text(".md", "# tersembunyi\n");
    write_text("txt", "bukan\n");
    cr_assert_eq(walk_root(), 0);
    cc_dump(&c);
    static const char *const titles[] = {"Judul A", "Judul B", "Judul C", "Judul D", "Judul E"};
    cr_assert_eq(c.narts, 5);
    for (size_t i = 0; i < 5; i++)
        cr_expect_str_eq(c.arts[i].title, titles[i]);
    cr_expect_eq(c.stats.ignored, 2);
    bool gz;
    cr_expect_eq(corpus_format_of("x.jsonl.GZ", &gz), CORPUS_JSONL);
    cr_expect(gz);
    cr_expect_eq(corpus_format_of(".gz", &gz), CORPUS_NONE);
    cr_expect_eq(corpus_format_of("a.gz", &gz), CORPUS_NONE);
}

Test(walk, streams_past_an_oversized_json_line)
{
    size_t n = CORPUS_MAX_ARTICLE + 3 * 1000 * 1000;
    char *big = malloc(n + 128);
    size_t off = 0;
    off += (size_t)sprintf(big, "{\"title\": \"satu\"}\n{\"title\": \"");
    memset(big + off, 'a', n);
    off += n;
    off += (size_t)sprintf(big + off, "\"}\n{\"title\": \"tiga\"}\n{\"title\": \"empat\"}");
    write_file("besar.jsonl", big, off);
    free(big);
    cr_assert_eq(walk_root(), 0);
    cc_dump(&c);
    cr_assert_eq(c.narts, 3);
    cr_expect_str_eq(c.arts[0].id, "besar.jsonl:1");
    cr_expect_str_eq(c.arts[1].id, "besar.jsonl:3");
    cr_expect_str_eq(c.arts[2].id, "besar.jsonl:4");
    cr_assert_eq(c.nprobs, 1);
    cr_expect_eq(c.probs[0].line, 2);
    cr_expect(strstr(c.probs[0].what, "line longer than the 16 MiB cap") != NULL);
    cr_expect_eq(c.stats.bytes, (uint64_t)off);
}
