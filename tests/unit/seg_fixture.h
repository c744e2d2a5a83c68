/*
 * seg_fixture.h: helpers shared by the index tests (test_segment, test_dict,
 * test_docstore, test_manifest, test_writer, test_merge, test_corrupt):
 * temporary index directories, a deterministic generated corpus of
 * Indonesian-looking articles, building an index with the writer, and a
 * whole-index dump (terms, postings, positions, per-document data, stored
 * fields) used to compare indexes logically.  Header-only (static
 * functions), each test includes it once.
 */
#ifndef WARTA_SEG_FIXTURE_H
#define WARTA_SEG_FIXTURE_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "indexer/segment/format.h"
#include "indexer/writer.h"

/* Criterion's parallel runner leaks one small allocation of its own in
 * some runs (in criterion_run_all_tests, not in a test); LeakSanitizer
 * reads this hook, so that leak does not fail the sanitizer build. */
const char *__lsan_default_suppressions(void);
__attribute__((used, visibility("default"))) const char *__lsan_default_suppressions(void)
{
    return "leak:libcriterion.so\n";
}

/* A fresh empty directory under /tmp; the caller removes it with fx_rmdir. */
static inline void fx_tmpdir(char *out, size_t cap)
{
    snprintf(out, cap, "/tmp/warta-test-XXXXXX");
    cr_assert_not_null(mkdtemp(out));
}

static inline void fx_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[4200];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static const char *const fx_words[] = {
    "pasukan", "korea", "utara", "kursk", "rusia", "ukraina", "pemerintah", "presiden",
    "jakarta", "banjir", "gempa", "ekonomi", "inflasi", "bank", "indonesia", "sepak",
    "bola", "pertandingan", "menteri", "kebijakan", "harga", "beras", "petani", "nelayan",
    "sekolah", "guru", "murid", "rumah", "sakit", "dokter", "vaksin", "pemilu", "partai",
    "suara", "kota", "desa", "jalan", "tol", "kereta", "bandara", "pesawat", "laut",
    "gunung", "api", "hujan", "angin", "teknologi", "internet", "ponsel", "data",
};
#define FX_NWORDS (sizeof fx_words / sizeof fx_words[0])

/* Deterministic pseudo-random numbers. */
static inline uint64_t fx_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* One generated article: owns its strings. */
typedef struct fx_article {
    char id[64], title[256], date[32], url[128], source[32];
    char *body;
} fx_article;

/* Fills a with article number i of the corpus seeded by seed; body_words
 * words of body (skewed so that a few words are frequent). */
static inline void fx_make(fx_article *a, uint64_t seed, unsigned i, unsigned body_words)
{
    uint64_t s = seed * 1000003u + i + 1;
    for (int k = 0; k < 4; k++)
        fx_rand(&s);
    snprintf(a->id, sizeof a->id, "doc-%05u", i);
    size_t t = 0;
    unsigned nt = 3 + (unsigned)(fx_rand(&s) % 6);
    for (unsigned k = 0; k < nt; k++)
        t += (size_t)snprintf(a->title + t, sizeof a->title - t, "%s%s", k ? " " : "",
                              fx_words[fx_rand(&s) % FX_NWORDS]);
    snprintf(a->date, sizeof a->date, "2019-%02u-%02u", 1 + i % 12, 1 + i % 28);
    snprintf(a->url, sizeof a->url, "https://berita.example/%u", i);
    snprintf(a->source, sizeof a->source, "sumber%u", i % 5);
    a->body = malloc((size_t)body_words * 16 + 16);
    size_t b = 0;
    for (unsigned k = 0; k < body_words; k++) {
        uint64_t r = fx_rand(&s);
        unsigned w = (unsigned)((r % FX_NWORDS) * (r % FX_NWORDS) / FX_NWORDS);
        b += (size_t)sprintf(a->body + b, "%s%s", k ? " " : "", fx_words[w]);
        if (k % 17 == 16)
            b += (size_t)sprintf(a->body + b, " %u", (unsigned)(r % 100000));
    }
    a->body[b] = '\0';
}

static inline void fx_free(fx_article *a)
{
    free(a->body);
    a->body = NULL;
}

static inline warta_article fx_view(const fx_article *a)
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
    v.url = a->url;
    v.url_len = strlen(a->url);
    v.source = a->source;
    v.source_len = strlen(a->source);
    return v;
}

static inline warta_writer_options fx_opts(unsigned jobs)
{
    warta_writer_options o;
    memset(&o, 0, sizeof o);
    o.analysis.no_lexicon = true;
    o.jobs = jobs;
    o.memory_mb = 16;
    return o;
}

/* Adds articles [from, to) of corpus `seed` to w. */
static inline void fx_add(warta_writer *w, uint64_t seed, unsigned from, unsigned to, unsigned words)
{
    for (unsigned i = from; i < to; i++) {
        fx_article a;
        fx_make(&a, seed, i, words + i % 7 * 13);
        warta_article v = fx_view(&a);
        cr_assert_eq(warta_writer_add(w, &v), 0, "%s", warta_writer_errmsg(w));
        fx_free(&a);
    }
}

/* Builds (or adds to) the index in dir with articles [from, to). */
static inline void fx_build(const char *dir, unsigned jobs, uint64_t seed, unsigned from, unsigned to,
                     unsigned words)
{
    warta_writer_options o = fx_opts(jobs);
    warta_writer *w;
    char err[512];
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    fx_add(w, seed, from, to, words);
    cr_assert_eq(warta_writer_commit(w), 0, "%s", warta_writer_errmsg(w));
    warta_writer_close(w);
}

typedef struct fx_dump_ctx {
    seg_reader *r;
    wbuf *out;
    const uint32_t *map;   /* docid -> logical number (UINT32_MAX: deleted) */
    int rc;
} fx_dump_ctx;

/* One line per live posting: term, logical doc, tf, ttf, positions. */
static inline int fx_dump_term(void *ctx, const char *term, size_t len, const seg_term *t)
{
    fx_dump_ctx *c = ctx;
    seg_cursor cur;
    int rc = seg_cursor_open(&cur, c->r, t);
    if (rc)
        return rc;
    uint32_t pos[4096];
    for (uint32_t d = seg_cursor_next(&cur); d != SEG_END; d = seg_cursor_next(&cur)) {
        if (c->map[d] == UINT32_MAX)
            continue;
        uint32_t tf = seg_cursor_tf(&cur);
        if (tf > 4096)
            return WARTA_ECORRUPT;
        rc = seg_cursor_positions(&cur, pos);
        if (rc)
            return rc;
        wbuf_printf(c->out, "%.*s %u %u %u:", (int)len, term, c->map[d], tf,
                    seg_cursor_title_tf(&cur));
        for (uint32_t j = 0; j < tf; j++)
            wbuf_printf(c->out, " %u", pos[j]);
        wbuf_putc(c->out, '\n');
    }
    return seg_cursor_error(&cur);
}

static inline int fx_line_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The logical content of the index in dir as text (live documents in
 * segment order renumbered 0..N-1): per document its stored fields and
 * per-document data, then every posting, lines sorted.  Returns malloc'd
 * text, or NULL when the index cannot be read (rc set). */
static inline char *fx_dump(const char *dir, int *rc_out)
{
    warta_index *ix;
    char err[512];
    *rc_out = warta_index_open(&ix, dir, err, sizeof err);
    if (*rc_out)
        return NULL;
    seg_snapshot *s = seg_index_snapshot(ix);
    wbuf out = WBUF_INIT, scratch = WBUF_INIT;
    uint32_t base = 0;
    int rc = 0;
    wbuf_printf(&out, "live %llu len %llu\n", (unsigned long long)seg_snapshot_live_docs(s),
                (unsigned long long)seg_snapshot_live_length(s));
    for (size_t i = 0; i < seg_snapshot_count(s) && !rc; i++) {
        seg_reader *r = seg_snapshot_segment(s, i);
        uint32_t *map = malloc(((size_t)seg_ndocs(r) + 1) * sizeof *map);
        for (uint32_t d = 0; d < seg_ndocs(r); d++)
            map[d] = seg_is_deleted(r, d) ? UINT32_MAX : base++;
        for (uint32_t d = 0; d < seg_ndocs(r) && !rc; d++) {
            if (map[d] == UINT32_MAX)
                continue;
            seg_doc sd;
            rc = seg_doc_fetch(r, d, &scratch, &sd);
            if (rc)
                break;
            size_t sl = 0;
            const char *src = seg_doc_source(r, d) == SEG_SOURCE_NONE
                                  ? "-" : seg_source_name(r, seg_doc_source(r, d), &sl);
            wbuf_printf(&out, "#%06u id=%.*s title=%.*s date=%.*s url=%.*s body=%zu dl=%u tl=%u "
                        "t=%lld src=%.*s\n", map[d], (int)sd.id_len, sd.id ? sd.id : "",
                        (int)sd.title_len, sd.title ? sd.title : "", (int)sd.date_len,
                        sd.date ? sd.date : "", (int)sd.url_len, sd.url ? sd.url : "",
                        sd.body_len, seg_doc_len(r, d), seg_title_len(r, d),
                        (long long)seg_doc_date(r, d), src[0] == '-' ? 1 : (int)sl, src);
        }
        fx_dump_ctx c = {r, &out, map, 0};
        if (!rc)
            rc = seg_term_each(r, fx_dump_term, &c);
        free(map);
    }
    wbuf_free(&scratch);
    warta_index_close(ix);
    *rc_out = rc;
    if (rc || out.oom) {
        wbuf_free(&out);
        return NULL;
    }
    /* sort lines so that segment boundaries do not matter */
    size_t n = 0;
    for (size_t i = 0; i < out.len; i++)
        n += out.data[i] == '\n';
    char **lines = malloc((n + 1) * sizeof *lines);
    size_t k = 0;
    for (char *p = out.data; *p;) {
        char *e = strchr(p, '\n');
        *e = '\0';
        lines[k++] = p;
        p = e + 1;
    }
    qsort(lines, k, sizeof *lines, fx_line_cmp);
    char *res = malloc(out.len + 2);
    size_t o = 0;
    for (size_t i = 0; i < k; i++) {
        size_t l = strlen(lines[i]);
        memcpy(res + o, lines[i], l);
        o += l;
        res[o++] = '\n';
    }
    res[o] = '\0';
    free(lines);
    wbuf_free(&out);
    return res;
}

/* Bytes of a whole file (malloc'd), or NULL. */
static inline uint8_t *fx_read(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n + 1);
    *len = fread(p, 1, (size_t)n, f);
    fclose(f);
    return p;
}

static inline void fx_write(const char *path, const uint8_t *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(p, 1, len, f), len);
    fclose(f);
}

#endif
