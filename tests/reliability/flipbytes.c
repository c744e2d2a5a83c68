/*
 * flipbytes.c: the corruption sweep (docs/GUARANTEES.md "Bad index files").
 * Usage: flipbytes [SAMPLE [SEED]]
 *
 * Builds a small index in a new temporary directory (removed at the end;
 * $TMPDIR or /tmp) through the writer API (two commits, so
 * there are two segments, a deletion file and a replaced article; rule-only
 * stemming so that the analyzer file is small), records the answers of a
 * few queries, then for every byte of every index file (or SAMPLE bytes
 * chosen at random with SEED, when SAMPLE > 0 and there are more), flips
 * one bit of it and checks:
 *   - warta_index_check() fails with WARTA_ECORRUPT or WARTA_EFORMAT and
 *     its message names the file;
 *   - opening the index and running each query either fails the same way,
 *     naming the file, or gives exactly the uncorrupted answer (ids,
 *     scores, stored fields, snippets);
 * and the same after truncating each file at several lengths.  The byte is
 * restored after each case.  Exit 0 when every case holds, else 1 with the
 * first few failures on stderr.  Crashes are caught by the caller (and by
 * the sanitizer build).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "warta.h"

#define MAX_FILES 64

static const char *const queries[] = {
    "banjir jakarta", "\"harga beras\" pasar", "title:gempa -hakim", "pen*", "+korupsi OR sungai",
};
#define NQUERIES (sizeof queries / sizeof queries[0])

static const char *const words[] = {
    "pemerintah", "presiden", "banjir", "jakarta", "gempa", "harga", "beras", "pasar",
    "korupsi", "hakim", "sungai", "pendidikan", "pembangunan", "petani", "nelayan",
    "menteri", "rakyat", "ekonomi", "rupiah", "sekolah", "berlari", "perjalanan",
    "pelabuhan", "jembatan", "hujan", "desa", "kota", "polisi", "tentara", "damai",
};
#define NWORDS (sizeof words / sizeof words[0])

static unsigned long rng = 1;
static unsigned rnd(unsigned n)
{
    rng = rng * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)(rng >> 33) % n;
}

static bool corrupt_code(int rc)
{
    return rc == WARTA_ECORRUPT || rc == WARTA_EFORMAT;
}

static int failures;
static long cases;

#define FAIL(...)                                                                          \
    do {                                                                                   \
        if (failures++ < (getenv("FLIP_ALL") ? 1000000 : 10)) {                                                             \
            fprintf(stderr, "FAIL: ");                                                     \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fputc('\n', stderr);                                                           \
        }                                                                                  \
    } while (0)

static void text(char *out, size_t cap, unsigned nwords)
{
    size_t len = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < nwords && len + 20 < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", words[rnd(NWORDS)]);
}

static int add_articles(warta_writer *w, unsigned first, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        char id[32], title[256], body[2048], date[16];
        snprintf(id, sizeof id, "doc-%u", first + i);
        text(title, sizeof title, 2 + rnd(5));
        text(body, sizeof body, 10 + rnd(60));
        snprintf(date, sizeof date, "2024-%02u-%02u", 1 + rnd(12), 1 + rnd(28));
        warta_article a = {0};
        a.id = id;
        a.id_len = strlen(id);
        a.title = title;
        a.title_len = strlen(title);
        a.body = body;
        a.body_len = strlen(body);
        a.date = date;
        a.date_len = strlen(date);
        a.source = i % 2 ? "Warta Kota" : "Suara Timur";
        a.source_len = strlen(a.source);
        int rc = warta_writer_add(w, &a);
        if (rc)
            return rc;
    }
    return 0;
}

static int build(const char *ix)
{
    warta_writer_options o;
    memset(&o, 0, sizeof o);
    o.jobs = 1;
    o.analysis.no_lexicon = true;
    o.no_merge = true;
    char err[512] = "";
    for (int round = 0; round < 2; round++) {
        warta_writer *w = NULL;
        int rc = warta_writer_open(&w, ix, &o, err, sizeof err);
        if (!rc)
            rc = add_articles(w, round ? 20 : 0, 30); /* the second replaces doc-20..29 */
        if (!rc && round)
            rc = warta_writer_delete(w, "doc-3", 5);
        if (!rc)
            rc = warta_writer_commit(w);
        if (rc) {
            fprintf(stderr, "flipbytes: building %s: %s: %s %s\n", ix, warta_strerror(rc), err,
                    w ? warta_writer_errmsg(w) : "");
            warta_writer_close(w);
            return 1;
        }
        warta_writer_close(w);
    }
    return 0;
}

/* Appends everything a user sees of one query's answer to out. */
static int answer(warta_index *ix, const char *q, char **out, char *err, size_t errlen)
{
    warta_search_options o;
    warta_search_options_init(&o);
    o.k = 50;
    o.snippets = true;
    warta_results *r = NULL;
    int rc = warta_search(ix, q, strlen(q), &o, &r, err, errlen);
    if (rc)
        return rc;
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
    len += (size_t)snprintf(s, cap, "%llu|", (unsigned long long)warta_results_total_hits(r));
    for (size_t i = 0; i < warta_results_count(r); i++) {
        const warta_hit *h = warta_results_hit(r, i);
        size_t need = h->id_len + h->title_len + h->date_len + h->source_len + h->snippet_len + 128;
        if (len + need >= cap) {
            cap = 2 * (len + need);
            s = realloc(s, cap);
        }
        len += (size_t)snprintf(s + len, cap - len, "%u %.17g %.*s %.*s %.*s %.*s %.*s\n", h->rank,
                                h->score, (int)h->id_len, h->id ? h->id : "", (int)h->title_len,
                                h->title ? h->title : "", (int)h->date_len, h->date ? h->date : "",
                                (int)h->source_len, h->source ? h->source : "",
                                (int)h->snippet_len, h->snippet ? h->snippet : "");
    }
    warta_results_free(r);
    *out = s;
    return 0;
}

static char *reference[NQUERIES];


/* The checks after one file was damaged (what: description for messages). */
static void check_case(const char *ix, const char *file, const char *what)
{
    cases++;
    char err[1024] = "";
    int rc = warta_index_check(ix, err, sizeof err);
    if (!corrupt_code(rc))
        FAIL("%s %s: check returns %s (%s)", file, what, warta_strerror(rc), err);
    else if (!strstr(err, file))
        FAIL("%s %s: check's message does not name the file: %s", file, what, err);
    warta_index *x = NULL;
    err[0] = '\0';
    rc = warta_index_open(&x, ix, err, sizeof err);
    if (rc) {
        if (!corrupt_code(rc))
            FAIL("%s %s: open returns %s (%s)", file, what, warta_strerror(rc), err);
        else if (!strstr(err, file))
            FAIL("%s %s: open's message does not name the file: %s", file, what, err);
        return;
    }
    for (size_t q = 0; q < NQUERIES; q++) {
        char *got = NULL;
        err[0] = '\0';
        rc = answer(x, queries[q], &got, err, sizeof err);
        if (rc) {
            if (!corrupt_code(rc))
                FAIL("%s %s: query '%s' returns %s (%s)", file, what, queries[q],
                     warta_strerror(rc), err);
            else if (!strstr(err, file))
                FAIL("%s %s: query '%s': the message does not name the file: %s", file, what,
                     queries[q], err);
            continue;
        }
        if (strcmp(got, reference[q]) != 0)
            FAIL("%s %s: query '%s' silently gives a different answer", file, what, queries[q]);
        free(got);
    }
    warta_index_close(x);
}

static int read_all(const char *path, unsigned char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *out = malloc((size_t)n + 1);
    *len = fread(*out, 1, (size_t)n, f);
    fclose(f);
    return 0;
}

static void write_all(const char *path, const unsigned char *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, len, f) != len) {
        perror(path);
        exit(2);
    }
    fclose(f);
}

static char workdir[4096];

static void remove_workdir(void)
{
    char cmd[4200 + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", workdir);
    if (system(cmd) != 0)
        fprintf(stderr, "flipbytes: cannot remove %s\n", workdir);
}

int main(int argc, char **argv)
{
    long sample = argc > 1 ? atol(argv[1]) : 0;
    rng = argc > 2 ? strtoul(argv[2], NULL, 10) : 1;
    const char *tmp = getenv("TMPDIR");
    snprintf(workdir, sizeof workdir, "%s/warta-flip.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(workdir)) {
        perror(workdir);
        return 2;
    }
    atexit(remove_workdir);
    char ix[4200];
    snprintf(ix, sizeof ix, "%s/ix", workdir);
    if (build(ix))
        return 1;
    warta_index *x = NULL;
    char err[1024] = "";
    if (warta_index_open(&x, ix, err, sizeof err) != 0) {
        fprintf(stderr, "flipbytes: %s\n", err);
        return 1;
    }
    for (size_t q = 0; q < NQUERIES; q++)
        if (answer(x, queries[q], &reference[q], err, sizeof err) != 0) {
            fprintf(stderr, "flipbytes: query '%s': %s\n", queries[q], err);
            return 1;
        }
    warta_index_close(x);

    /* the files of the index (the lock file is not part of its content) */
    char *files[MAX_FILES];
    size_t nfiles = 0, total = 0;
    DIR *d = opendir(ix);
    struct dirent *e;
    while ((e = readdir(d)) && nfiles < MAX_FILES) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "lock") == 0)
            continue;
        files[nfiles++] = strdup(e->d_name);
    }
    closedir(d);
    unsigned char *data[MAX_FILES];
    size_t len[MAX_FILES];
    static char path[MAX_FILES][4200 + 260];
    for (size_t i = 0; i < nfiles; i++) {
        snprintf(path[i], sizeof path[i], "%s/%s", ix, files[i]);
        read_all(path[i], &data[i], &len[i]);
        total += len[i];
        printf("# %s: %zu bytes\n", files[i], len[i]);
    }
    if (nfiles < 4) {
        fprintf(stderr, "flipbytes: expected manifest, analyzer, 2 segments, got %zu files\n",
                nfiles);
        return 1;
    }

    /* flipped bits: every byte, or a seeded sample */
    bool every = sample <= 0 || (size_t)sample >= total;
    long todo = every ? (long)total : sample;
    for (long k = 0; k < todo; k++) {
        size_t g = every ? (size_t)k : (size_t)rnd((unsigned)total);
        size_t f = 0;
        while (g >= len[f]) {
            g -= len[f];
            f++;
        }
        unsigned char orig = data[f][g];
        unsigned char bit = (unsigned char)(1u << (k % 8));
        int fd = open(path[f], O_WRONLY);
        unsigned char v = orig ^ bit;
        if (fd < 0 || pwrite(fd, &v, 1, (off_t)g) != 1) {
            perror(path[f]);
            return 2;
        }
        char what[64];
        snprintf(what, sizeof what, "byte %zu bit %u", g, (unsigned)(k % 8));
        check_case(ix, files[f], what);
        if (pwrite(fd, &orig, 1, (off_t)g) != 1) {
            perror(path[f]);
            return 2;
        }
        close(fd);
    }

    /* truncations */
    for (size_t f = 0; f < nfiles; f++) {
        size_t cuts[] = {0, 1, 7, 8, 16, len[f] / 3, len[f] / 2, len[f] - 5, len[f] - 4, len[f] - 1,
                         rnd((unsigned)len[f]), rnd((unsigned)len[f])};
        for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
            if (cuts[c] >= len[f])
                continue;
            if (truncate(path[f], (off_t)cuts[c]) != 0) {
                perror(path[f]);
                return 2;
            }
            char what[64];
            snprintf(what, sizeof what, "truncated to %zu bytes", cuts[c]);
            check_case(ix, files[f], what);
            write_all(path[f], data[f], len[f]);
        }
        /* a missing file (without the manifest, there is no index: that is
         * what open and check say) */
        if (strcmp(files[f], "manifest") != 0 && unlink(path[f]) == 0) {
            check_case(ix, files[f], "removed");
            write_all(path[f], data[f], len[f]);
        }
    }
    for (size_t q = 0; q < NQUERIES; q++)
        free(reference[q]);
    for (size_t i = 0; i < nfiles; i++) {
        free(data[i]);
        free(files[i]);
    }
    printf("# %ld cases over %zu files (%zu bytes), %d failures\n", cases, nfiles, total, failures);
    return failures ? 1 : 0;
}
