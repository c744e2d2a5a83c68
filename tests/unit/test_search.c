/*
 * test_search.c: warta_search() end to end on indexes written by the
 * writer: ranked OR, required and excluded words, phrases with a stopword
 * inside, title:, prefixes, filters, sort by date, paging, explanations
 * that add up to the score, snippets, deletions (never returned, statistics
 * over live articles), several segments giving the same scores as one, and
 * pruned search equal to exhaustive search on random queries.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include "warta.h"

static char dir[64], dir2[64];

typedef struct doc {
    const char *id, *title, *body, *date, *source;
} doc;

static const doc docs[] = {
    {"a1", "Pasukan Korea Utara tiba di Kursk",
     "Ribuan pasukan Korea Utara dilaporkan tiba di wilayah Kursk, Rusia. Presiden dan wakil "
     "presiden Ukraina memperingatkan dunia.", "2024-10-29", "Kabar"},
    {"a2", "Korea Selatan tinjau ekspor senjata",
     "Pemerintah Korea Selatan meninjau kebijakan ekspor senjata setelah laporan pasukan "
     "Korea Utara di Kursk.", "2024-10-30", "Warta"},
    {"a3", "Banjir melanda Jakarta",
     "Hujan deras sejak malam membuat banjir di Jakarta Utara. Warga mengungsi ke masjid.",
     "2024-11-02", "Kabar"},
    {"a4", "Presiden dan wakil presiden dilantik",
     "Presiden dan wakil presiden baru dilantik di gedung parlemen. Presiden wakil rakyat "
     "hadir.", "2024-10-20", "Warta"},
    {"a5", "Harga cabai naik",
     "Harga cabai di pasar tradisional naik menjelang akhir tahun. Pedagang mengeluh sepi.",
     NULL, NULL},
    {"a6", "Timnas menang di Korea",
     "Tim nasional menang dua gol di Korea. Pelatih memuji pasukan muda yang bermain di Seoul "
     "dengan semangat Zürich.", "2024-09-01", "Sporta"},
};
#define NDOCS (sizeof docs / sizeof docs[0])

static void add_doc(warta_writer *w, const doc *d)
{
    warta_article a;
    memset(&a, 0, sizeof a);
    a.id = d->id;
    a.id_len = strlen(d->id);
    a.title = d->title;
    a.title_len = strlen(d->title);
    a.body = d->body;
    a.body_len = strlen(d->body);
    if (d->date) {
        a.date = d->date;
        a.date_len = strlen(d->date);
    }
    if (d->source) {
        a.source = d->source;
        a.source_len = strlen(d->source);
    }
    cr_assert_eq(warta_writer_add(w, &a), 0, "%s", warta_writer_errmsg(w));
}

static void writer_opts(warta_writer_options *o)
{
    memset(o, 0, sizeof *o);
    o->analysis.no_lexicon = true;
    o->jobs = 1;
    o->no_merge = true;
}

/* Writes docs [from, to) as one commit. */
static void write_docs(const char *d, size_t from, size_t to)
{
    warta_writer_options o;
    writer_opts(&o);
    warta_writer *w;
    char err[512];
    cr_assert_eq(warta_writer_open(&w, d, &o, err, sizeof err), 0, "%s", err);
    for (size_t i = from; i < to; i++)
        add_doc(w, &docs[i]);
    cr_assert_eq(warta_writer_commit(w), 0, "%s", warta_writer_errmsg(w));
    warta_writer_close(w);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/warta-search-XXXXXX");
    snprintf(dir2, sizeof dir2, "/tmp/warta-search2-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_not_null(mkdtemp(dir2));
    write_docs(dir, 0, NDOCS);
}

static void teardown(void)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir, dir2);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(search, .init = setup, .fini = teardown);

static warta_index *open_ix(const char *d)
{
    warta_index *ix;
    char err[512];
    cr_assert_eq(warta_index_open(&ix, d, err, sizeof err), 0, "%s", err);
    return ix;
}

/* The ids of the hits, joined by spaces. */
static void ids(const warta_results *r, char *buf, size_t cap)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < warta_results_count(r); i++) {
        const warta_hit *h = warta_results_hit(r, i);
        at += (size_t)snprintf(buf + at, cap - at, "%s%.*s", i ? " " : "", (int)h->id_len, h->id);
    }
}

static warta_results *run(warta_index *ix, const char *q, const warta_search_options *o)
{
    warta_results *r;
    char err[512];
    int rc = warta_search(ix, q, strlen(q), o, &r, err, sizeof err);
    cr_assert_eq(rc, 0, "'%s': %s", q, err);
    return r;
}

static void expect_ids(warta_index *ix, const char *q, const warta_search_options *o,
                       const char *want, uint64_t total)
{
    warta_results *r = run(ix, q, o);
    char got[512];
    ids(r, got, sizeof got);
    cr_expect_str_eq(got, want, "'%s': got '%s' want '%s'", q, got, want);
    cr_expect_eq(warta_results_total_hits(r), total, "'%s': total %llu", q,
                 (unsigned long long)warta_results_total_hits(r));
    warta_results_free(r);
}

/* Plain BM25 (title weight 1: title and body one bag of terms). */
static const warta_search_options *plain_bm25(void)
{
    static warta_search_options o;
    warta_search_options_init(&o);
    o.title_boost = 1.0;
    return &o;
}

Test(search, ranks_more_and_rarer_matches_first)
{
    warta_index *ix = open_ix(dir);
    warta_results *r = run(ix, "pasukan korea utara kursk", plain_bm25());
    cr_assert_geq(warta_results_count(r), 2);
    const warta_hit *h0 = warta_results_hit(r, 0), *h1 = warta_results_hit(r, 1);
    cr_expect(h0->id_len == 2 && memcmp(h0->id, "a1", 2) == 0);
    cr_expect(h1->id_len == 2 && memcmp(h1->id, "a2", 2) == 0);
    cr_expect_gt(h0->score, h1->score);
    cr_expect_eq(h0->rank, 1);
    cr_expect_eq(warta_results_total_hits(r), 4);   /* a1 a2 a3 (utara) a6 (korea, pasukan) */
    cr_expect(h0->title_len && memcmp(h0->title, "Pasukan", 7) == 0);
    cr_expect(h0->date_len == 10 && memcmp(h0->date, "2024-10-29", 10) == 0);
    cr_expect(h0->source_len == 5 && memcmp(h0->source, "Kabar", 5) == 0);
    cr_expect_geq(warta_results_took_ms(r), 0.0);
    warta_results_free(r);
    warta_index_close(ix);
}

/* The title weight decides between a1 (every query word in its title and
 * once in its body) and a2 (korea twice in its body, once in its title):
 * plain BM25 puts a1 first, the default weight (chosen on the TyDi
 * questions, README "Figures") reads the bodies alone and puts a2 first,
 * and a title weight of 3 widens a1's lead. */
Test(search, the_title_weight_moves_headline_matches)
{
    warta_index *ix = open_ix(dir);
    cr_expect_lt(WARTA_TITLE_BOOST, 1.0);
    expect_ids(ix, "pasukan korea utara kursk", NULL, "a2 a1 a6 a3", 4);
    expect_ids(ix, "pasukan korea utara kursk", plain_bm25(), "a1 a2 a6 a3", 4);
    warta_search_options o;
    warta_search_options_init(&o);
    o.title_boost = 3.0;
    warta_results *r3 = run(ix, "pasukan korea utara kursk", &o);
    warta_results *r1 = run(ix, "pasukan korea utara kursk", plain_bm25());
    const warta_hit *a3 = warta_results_hit(r3, 0), *b3 = warta_results_hit(r3, 1);
    const warta_hit *a1 = warta_results_hit(r1, 0), *b1 = warta_results_hit(r1, 1);
    cr_expect(a3->id_len == 2 && memcmp(a3->id, "a1", 2) == 0);
    cr_expect_gt(a3->score - b3->score, a1->score - b1->score);
    warta_results_free(r3);
    warta_results_free(r1);
    /* title:word counts title occurrences at a weight of at least 1, so a
     * small default does not silence it */
    warta_search_options_init(&o);
    o.title_boost = 0.01;
    warta_results *rt = run(ix, "title:kursk", &o);
    warta_results *rp = run(ix, "title:kursk", plain_bm25());
    cr_assert_eq(warta_results_count(rt), 1);
    cr_expect_eq(warta_results_hit(rt, 0)->score, warta_results_hit(rp, 0)->score);
    warta_results_free(rt);
    warta_results_free(rp);
    warta_index_close(ix);
}

Test(search, required_excluded_and_boolean_operators)
{
    warta_index *ix = open_ix(dir);
    expect_ids(ix, "+kursk korea", plain_bm25(), "a1 a2", 2);
    expect_ids(ix, "+kursk korea", NULL, "a2 a1", 2);
    expect_ids(ix, "korea -utara", NULL, "a6", 1);
    expect_ids(ix, "korea AND banjir", NULL, "", 0);
    expect_ids(ix, "banjir OR cabai", NULL, "a3 a5", 2);
    expect_ids(ix, "(banjir OR cabai) AND harga", NULL, "a5", 1);
    expect_ids(ix, "korea NOT (kursk OR timnas)", NULL, "", 0);
    warta_index_close(ix);
}

Test(search, phrases_keep_the_place_of_stopwords)
{
    warta_index *ix = open_ix(dir);
    /* "dan" is a stopword: it keeps its place, so "presiden wakil" (a4's
     * last sentence) does not match "presiden dan wakil". */
    expect_ids(ix, "\"presiden dan wakil presiden\"", NULL, "a4 a1", 2);
    expect_ids(ix, "\"korea utara\"", NULL, "a1 a2", 2);
    expect_ids(ix, "\"utara korea\"", NULL, "", 0);
    warta_index_close(ix);
}

Test(search, title_restricts_to_the_title)
{
    warta_index *ix = open_ix(dir);
    expect_ids(ix, "title:kursk", NULL, "a1", 1);
    expect_ids(ix, "title:\"korea utara\"", NULL, "a1", 1);
    expect_ids(ix, "title:banjir title:cabai", NULL, "a3 a5", 2);
    warta_index_close(ix);
}

Test(search, prefixes_expand_to_index_terms)
{
    warta_index *ix = open_ix(dir);
    warta_results *r = run(ix, "kurs*", NULL);
    cr_expect_eq(warta_results_total_hits(r), 2);
    warta_results_free(r);
    warta_index_close(ix);
}

Test(search, filters_sorting_and_paging)
{
    warta_index *ix = open_ix(dir);
    warta_search_options o;
    warta_search_options_init(&o);
    const char *src[] = {"Warta"};
    o.sources = src;
    o.nsources = 1;
    expect_ids(ix, "korea presiden", &o, "a4 a2", 2);
    warta_search_options_init(&o);
    o.since = "2024-10-29";
    o.until = "30/10/2024";
    expect_ids(ix, "korea", &o, "a2 a1", 2);
    warta_search_options_init(&o);
    o.sort = WARTA_SORT_DATE;
    expect_ids(ix, "korea", &o, "a2 a1 a6", 3);
    warta_search_options_init(&o);
    o.k = 1;
    o.offset = 1;
    warta_results *r = run(ix, "korea", &o);
    cr_expect_eq(warta_results_count(r), 1);
    cr_expect_eq(warta_results_hit(r, 0)->rank, 2);
    cr_expect_eq(warta_results_total_hits(r), 3);
    warta_results_free(r);
    o.since = "not a date";
    char err[256];
    cr_expect_eq(warta_search(ix, "korea", 5, &o, &r, err, sizeof err), WARTA_EINVAL);
    cr_expect_null(r);
    warta_index_close(ix);
}

Test(search, explanations_add_up_to_the_score)
{
    warta_index *ix = open_ix(dir);
    warta_search_options o;
    warta_search_options_init(&o);
    o.explain = true;
    static const char *qs[] = {"pasukan korea \"korea utara\"",
                               "korea (utara -selatan) OR (presiden AND wakil)",
                               "title:korea +kursk \"wakil presiden\""};
    for (size_t qi = 0; qi < sizeof qs / sizeof qs[0]; qi++) {
        warta_results *r = run(ix, qs[qi], &o);
        cr_assert_gt(warta_results_count(r), 0);
        for (size_t i = 0; i < warta_results_count(r); i++) {
            const warta_hit *h = warta_results_hit(r, i);
            double sum = 0;
            for (size_t k = 0; k < h->nexplain; k++) {
                const warta_explain *e = &h->explain[k];
                sum += e->score;
                cr_expect_gt(e->idf, 0);
                if (!strstr(e->field, "phrase"))
                    cr_expect_float_eq(e->idf, log(1.0 + (NDOCS - e->df + 0.5) / (e->df + 0.5)),
                                       1e-9);
            }
            cr_expect_float_eq(sum, h->score, 1e-9, "'%s' hit %zu", qs[qi], i);
        }
        warta_results_free(r);
    }
    warta_index_close(ix);
}

Test(search, snippets_highlight_the_matches)
{
    warta_index *ix = open_ix(dir);
    warta_search_options o;
    warta_search_options_init(&o);
    o.snippets = true;
    warta_results *r = run(ix, "zürich", &o);
    cr_assert_eq(warta_results_count(r), 1);
    const warta_hit *h = warta_results_hit(r, 0);
    cr_assert_not_null(h->snippet);
    cr_assert_eq(h->nspans, 1);
    cr_expect_eq(h->spans[0].end - h->spans[0].start, strlen("Zürich"));
    cr_expect(memcmp(h->snippet + h->spans[0].start, "Zürich", strlen("Zürich")) == 0);
    char *json;
    size_t len;
    cr_assert_eq(warta_results_json(r, 0, &json, &len), 0);
    cr_expect(strstr(json, "[Zürich]") != NULL, "%s", json);
    free(json);
    warta_results_free(r);
    warta_index_close(ix);
}

Test(search, malformed_and_empty_queries)
{
    warta_index *ix = open_ix(dir);
    warta_results *r;
    char err[256];
    cr_expect_eq(warta_search(ix, "\"korea", 6, NULL, &r, err, sizeof err), WARTA_ESYNTAX);
    cr_expect_str_eq(err, "query:1:1: unterminated phrase (add the closing '\"')");
    cr_expect_eq(warta_search(ix, "yang dan", 8, NULL, &r, err, sizeof err), WARTA_ESYNTAX);
    cr_expect(strncmp(err, "query:1:1: nothing to search for", 32) == 0, "%s", err);
    expect_ids(ix, "tidakadadimanapun", NULL, "", 0);
    warta_index_close(ix);
}

Test(search, deleted_articles_never_appear)
{
    warta_writer_options o;
    writer_opts(&o);
    warta_writer *w;
    char err[512];
    cr_assert_eq(warta_writer_open(&w, dir, &o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(warta_writer_delete(w, "a1", 2), 0);
    cr_assert_eq(warta_writer_commit(w), 0);
    warta_writer_close(w);
    warta_index *ix = open_ix(dir);
    expect_ids(ix, "kursk", NULL, "a2", 1);
    warta_search_options so;
    warta_search_options_init(&so);
    so.explain = true;
    warta_results *r = run(ix, "kursk", &so);
    cr_assert_eq(warta_results_count(r), 1);
    /* df and N count live articles: kursk is now in 1 of 5 */
    cr_expect_float_eq(warta_results_hit(r, 0)->explain[0].df, 1.0, 0);
    cr_expect_float_eq(warta_results_hit(r, 0)->explain[0].idf, log(1.0 + 4.5 / 1.5), 1e-12);
    warta_results_free(r);
    warta_index_close(ix);
}

Test(search, several_segments_score_like_one)
{
    write_docs(dir2, 0, 3);
    write_docs(dir2, 3, NDOCS);
    warta_index *one = open_ix(dir), *two = open_ix(dir2);
    const char *qs[] = {"korea", "pasukan korea utara kursk", "presiden wakil", "harga banjir",
                        "\"korea utara\" -selatan"};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        warta_results *a = run(one, qs[i], NULL), *b = run(two, qs[i], NULL);
        cr_assert_eq(warta_results_count(a), warta_results_count(b), "'%s'", qs[i]);
        cr_expect_eq(warta_results_total_hits(a), warta_results_total_hits(b));
        for (size_t k = 0; k < warta_results_count(a); k++) {
            const warta_hit *x = warta_results_hit(a, k), *y = warta_results_hit(b, k);
            cr_expect(x->id_len == y->id_len && memcmp(x->id, y->id, x->id_len) == 0);
            cr_expect(memcmp(&x->score, &y->score, sizeof x->score) == 0, "'%s' hit %zu", qs[i], k);
        }
        warta_results_free(a);
        warta_results_free(b);
    }
    warta_index_close(one);
    warta_index_close(two);
}

Test(search, pruned_equals_exhaustive_on_an_index)
{
    /* A larger generated index: 600 articles from a small vocabulary. */
    static const char *vocab[] = {"korea", "utara", "pasukan", "kursk", "banjir", "jakarta",
                                  "presiden", "harga", "cabai", "pasar", "gempa", "timnas",
                                  "menang", "ekspor", "senjata", "hujan", "warga", "kota"};
    const size_t nv = sizeof vocab / sizeof vocab[0];
    warta_writer_options o;
    writer_opts(&o);
    warta_writer *w;
    char err[512];
    cr_assert_eq(warta_writer_open(&w, dir2, &o, err, sizeof err), 0, "%s", err);
    uint64_t s = 12345;
    char body[4096], title[256], id[32];
    for (int d = 0; d < 600; d++) {
        size_t at = 0, n = 5 + (size_t)(s % 120);
        for (size_t i = 0; i < n; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            size_t v = (size_t)((s >> 33) % nv);
            v = (v * v) % nv;   /* skewed */
            at += (size_t)snprintf(body + at, sizeof body - at, "%s ", vocab[v]);
        }
        snprintf(title, sizeof title, "%s %s", vocab[(s >> 40) % nv], vocab[(s >> 20) % nv]);
        snprintf(id, sizeof id, "g%d", d);
        warta_article a;
        memset(&a, 0, sizeof a);
        a.id = id;
        a.id_len = strlen(id);
        a.title = title;
        a.title_len = strlen(title);
        a.body = body;
        a.body_len = at;
        cr_assert_eq(warta_writer_add(w, &a), 0);
        if (d == 299)
            cr_assert_eq(warta_writer_commit(w), 0);   /* two segments */
    }
    cr_assert_eq(warta_writer_commit(w), 0);
    warta_writer_close(w);
    warta_index *ix = open_ix(dir2);
    for (int it = 0; it < 400; it++) {
        char q[256];
        size_t at = 0, n = 1 + (size_t)(it % 5);
        for (size_t i = 0; i < n; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            const char *op = (s >> 60) == 0 && i ? "-" : (s >> 58) == 1 ? "title:" : "";
            at += (size_t)snprintf(q + at, sizeof q - at, "%s%s ", op, vocab[(s >> 33) % nv]);
        }
        warta_search_options po, eo;
        warta_search_options_init(&po);
        po.k = 1 + (unsigned)(it % 20);
        po.title_boost = it % 3 == 0 ? 1.0 : it % 3 == 1 ? 2.5 : WARTA_TITLE_BOOST;
        eo = po;
        eo.exhaustive = true;
        warta_results *a = run(ix, q, &po), *b = run(ix, q, &eo);
        cr_assert_eq(warta_results_count(a), warta_results_count(b), "'%s'", q);
        cr_assert_eq(warta_results_total_hits(a), warta_results_total_hits(b), "'%s'", q);
        for (size_t k = 0; k < warta_results_count(a); k++) {
            const warta_hit *x = warta_results_hit(a, k), *y = warta_results_hit(b, k);
            cr_assert(x->id_len == y->id_len && memcmp(x->id, y->id, x->id_len) == 0, "'%s'", q);
            cr_assert(memcmp(&x->score, &y->score, sizeof x->score) == 0, "'%s'", q);
        }
        warta_results_free(a);
        warta_results_free(b);
    }
    warta_index_close(ix);
}

Test(search, survives_every_failed_allocation)
{
    warta_index *ix = open_ix(dir);
    warta_search_options o;
    warta_search_options_init(&o);
    o.snippets = true;
    o.explain = true;
    const char *q = "pasukan \"korea utara\" -banjir kurs* title:kursk";
    int ok = 0;
    for (long n = 0; n < 400; n++) {
        warta_results *r = NULL;
        char err[256];
        warta_alloc_fail_after(n);
        int rc = warta_search(ix, q, strlen(q), &o, &r, err, sizeof err);
        warta_alloc_fail_after(-1);
        cr_assert(rc == 0 || rc == WARTA_ENOMEM, "allocation %ld: rc %d (%s)", n, rc, err);
        if (rc == 0) {
            ok++;
            char *json;
            size_t len;
            if (warta_results_json(r, 0, &json, &len) == 0)
                free(json);
            warta_results_free(r);
        } else {
            cr_assert_null(r);
        }
    }
    cr_expect_gt(ok, 0);
    warta_index_close(ix);
}

typedef struct thread_job {
    warta_index *ix;        /* shared */
    const char *const *qs;  /* queries */
    size_t nq;
    char (*want)[256];      /* expected ids and scores per query */
    int failures;           /* mismatches seen */
} thread_job;

static void describe(const warta_results *r, char *buf, size_t cap)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < warta_results_count(r) && at < cap; i++) {
        const warta_hit *h = warta_results_hit(r, i);
        at += (size_t)snprintf(buf + at, cap - at, "%.*s:%.17g ", (int)h->id_len, h->id, h->score);
    }
}

static void *search_thread(void *p)
{
    thread_job *j = p;
    for (int round = 0; round < 30; round++) {
        for (size_t i = 0; i < j->nq; i++) {
            warta_results *r;
            char err[256], got[256];
            if (warta_search(j->ix, j->qs[i], strlen(j->qs[i]), NULL, &r, err, sizeof err) != 0) {
                j->failures++;
                continue;
            }
            describe(r, got, sizeof got);
            if (strcmp(got, j->want[i]) != 0)
                j->failures++;
            warta_results_free(r);
        }
    }
    return NULL;
}

Test(search, many_threads_share_one_index)
{
    static const char *qs[] = {"korea", "pasukan korea utara kursk", "\"presiden dan wakil\"",
                               "banjir OR cabai", "title:korea", "kurs*", "korea -utara"};
    const size_t nq = sizeof qs / sizeof qs[0];
    char want[8][256];
    warta_index *ix = open_ix(dir);
    for (size_t i = 0; i < nq; i++) {
        warta_results *r = run(ix, qs[i], NULL);
        describe(r, want[i], sizeof want[i]);
        warta_results_free(r);
    }
    thread_job jobs[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (thread_job){ix, qs, nq, want, 0};
        cr_assert_eq(pthread_create(&t[i], NULL, search_thread, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        cr_expect_eq(jobs[i].failures, 0, "thread %d", i);
    }
    warta_index_close(ix);
}
