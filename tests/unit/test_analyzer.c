/*
 * test_analyzer.c: the whole analysis pipeline (indexer/analysis/analyzer.c):
 * terms, positions and byte offsets; hyphenated words, dates and times;
 * title and body positions through analysis_run; clones; the serialized
 * analyzer (round trip, determinism, rejection of corrupt bytes); and
 * allocation failures.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/analysis/analyzer.h"

typedef struct tok {
    char term[128];
    size_t start, end;
    uint32_t pos;
    bool stop;
} tok;

typedef struct toks {
    tok t[256];
    size_t n;
} toks;

static int collect(void *ctx, const warta_token *t)
{
    toks *c = ctx;
    if (c->n < 256) {
        snprintf(c->t[c->n].term, 128, "%.*s", (int)t->term_len, t->term);
        c->t[c->n].start = t->start;
        c->t[c->n].end = t->end;
        c->t[c->n].pos = t->position;
        c->t[c->n].stop = t->stopword;
        c->n++;
    }
    return 0;
}

/* The terms of text joined by spaces. */
static char *terms(warta_analyzer *a, const char *text)
{
    static char buf[4096];
    toks c = {0};
    cr_assert_eq(warta_analyze(a, text, strlen(text), collect, &c), 0);
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < c.n; i++)
        k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s", i ? " " : "", c.t[i].term);
    return buf;
}

static warta_analyzer *open_with(bool no_lexicon, bool no_stem)
{
    warta_analyzer_options o = {.no_lexicon = no_lexicon, .no_stem = no_stem};
    warta_analyzer *a;
    char err[512];
    int rc = warta_analyzer_open(&a, &o, err, sizeof err);
    if (rc == WARTA_ENOLEXICON)
        cr_skip_test("no lexicon: %s", err);
    cr_assert_eq(rc, 0, "%s", err);
    return a;
}

typedef struct an_case {
    const char *text;
    const char *terms;
} an_case;

/* With the lexicon and stemming (the default analyzer). */
static const an_case cases[] = {
    {"Pemerintah menulis berita", "perintah tulis berita"},
    {"anak-anak negara-negara langkah-langkah", "anak negara langkah"},
    {"berlari-lari bermain-main sebaik-baiknya", "lari main baik"},
    {"Korea-Rusia pasca-perang", "korea rusia pasca perang"},
    {"harga Rp12.000 naik 2,5 persen", "harga rp12000 naik 2,5 persen"},
    {"Selasa (10/9/2019) pukul 10:30 WIB", "selasa 2019-09-10 pukul 10.30 wib"},
    {"2019-09-10 09.30", "2019-09-10 9.30"},
    {"Apakah Jum’at café ditutup?", "jumat cafe tutup"},
    {"kunjungi https://kompas.com/read atau redaksi@tempo.co.id",
     "kunjung https kompas.com read redaksi@tempo.co.id"},
    {"Zelensky di Kyiv, Пyongyang", "zelensky kyiv пyongyang"},
    /* closed compounds written joined give the terms of their open spelling */
    {"Ibukota ibukotanya, ibu kota; Walikota sepakbola", "ibu kota ibu kota ibu kota wali kota sepak bola"},
    {"ibukota-ibukota tanda-tangan", "ibu kota tanda tangan"},
    /* question words with clitics the stemmer leaves are stopwords too */
    {"Darimanakah kemanakah asalnya?", "asal"},
    {"Apa yang dimaksud dengan tatasurya?", "tata surya"},
    {"siku kamu makalah itulah", "siku makalah"},
    {"", ""},
    {"... !!! ---", ""},
};

Test(analyzer, turns_texts_into_terms)
{
    warta_analyzer *a = open_with(false, false);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_str_eq(terms(a, cases[i].text), cases[i].terms, "text \"%s\"", cases[i].text);
    warta_analyzer_close(a);
}

Test(analyzer, keeps_offsets_and_positions)
{
    warta_analyzer *a = open_with(true, true);
    const char *t = "Anak-anak di Korea-Rusia, 10/9/2019.";
    toks c = {0};
    cr_assert_eq(warta_analyze(a, t, strlen(t), collect, &c), 0);
    cr_assert_eq(c.n, 4);
    /* reduplication: one term, one position, the whole surface */
    cr_expect_str_eq(c.t[0].term, "anak");
    cr_expect_eq(c.t[0].start, 0);
    cr_expect_eq(c.t[0].end, 9);
    cr_expect_eq(c.t[0].pos, 0);
    /* "di" is a stopword at position 1; the compound's parts are 2 and 3 */
    cr_expect_str_eq(c.t[1].term, "korea");
    cr_expect_eq(c.t[1].pos, 2);
    cr_expect_eq(c.t[1].start, 13);
    cr_expect_eq(c.t[1].end, 18);
    cr_expect_str_eq(c.t[2].term, "rusia");
    cr_expect_eq(c.t[2].pos, 3);
    cr_expect_str_eq(c.t[3].term, "2019-09-10");
    cr_expect_eq(c.t[3].pos, 4);
    cr_expect_eq(c.t[3].start, 26);
    cr_expect_eq(c.t[3].end, 35);
    warta_analyzer_close(a);
}

Test(analyzer, closed_compounds_analyze_like_their_open_spelling)
{
    warta_analyzer *a = open_with(false, false);
    static const char joined[] =
        "ibukota walikota sepakbola bolavoli bolabasket tandatangan dutabesar tatasurya "
        "tatacara tatabahasa tanggungjawab rumahsakit rumahtangga orangtua perdanamenteri "
        "tanahair luarnegeri sumberdaya keretaapi kerjasama hakcipta ibupertiwi gempabumi "
        "balaikota beladiri sepedamotor hongkong srilanka";
    static const char opened[] =
        "ibu kota wali kota sepak bola bola voli bola basket tanda tangan duta besar tata "
        "surya tata cara tata bahasa tanggung jawab rumah sakit rumah tangga orang tua "
        "perdana menteri tanah air luar negeri sumber daya kereta api kerja sama hak "
        "cipta ibu pertiwi gempa bumi balai kota bela diri sepeda motor hong kong sri "
        "lanka";
    char want[1024];
    snprintf(want, sizeof want, "%s", terms(a, opened));
    cr_expect_str_eq(want, opened, "a part is a stopword or stems");
    cr_expect_str_eq(terms(a, joined), want);
    warta_analyzer_close(a);
}

Test(analyzer, closed_compound_takes_two_positions_over_one_word)
{
    warta_analyzer *a = open_with(false, false);
    const char *t = "di ibukotanya";
    toks c = {0};
    cr_assert_eq(warta_analyze(a, t, strlen(t), collect, &c), 0);
    cr_assert_eq(c.n, 2);
    cr_expect_str_eq(c.t[0].term, "ibu");
    cr_expect_str_eq(c.t[1].term, "kota");
    for (size_t i = 0; i < 2; i++) {
        cr_expect_eq(c.t[i].pos, 1 + i);
        cr_expect_eq(c.t[i].start, 3);
        cr_expect_eq(c.t[i].end, 13);
    }
    /* the second time comes from the cache, the same */
    cr_expect_str_eq(terms(a, "ibukotanya ibukotanya"), "ibu kota ibu kota");
    warta_analyzer_close(a);
}

Test(analyzer, body_positions_continue_after_the_title)
{
    warta_analyzer *a = open_with(true, true);
    const char *title = "Banjir di Jakarta", *body = "Hujan deras";
    toks c = {0};
    uint32_t next;
    cr_assert_eq(analysis_run(a, title, strlen(title), 0, collect, &c, &next), 0);
    cr_expect_eq(next, 3);
    cr_assert_eq(analysis_run(a, body, strlen(body), next, collect, &c, &next), 0);
    cr_expect_eq(next, 5);
    cr_assert_eq(c.n, 4);
    cr_expect_eq(c.t[2].pos, 3);
    cr_expect_eq(c.t[2].start, 0);
    cr_expect_eq(c.t[3].pos, 4);
    cr_assert_eq(analysis_run(a, "", 0, 7, collect, &c, &next), 0);
    cr_expect_eq(next, 7);
    warta_analyzer_close(a);
}

static int stop_after_two(void *ctx, const warta_token *t)
{
    (void)t;
    return ++*(int *)ctx == 2 ? 42 : 0;
}

Test(analyzer, stops_when_the_callback_says_so)
{
    warta_analyzer *a = open_with(true, true);
    int n = 0;
    cr_expect_eq(warta_analyze(a, "satu dua tiga empat", 19, stop_after_two, &n), 42);
    cr_expect_eq(n, 2);
    warta_analyzer_close(a);
}

Test(analyzer, clone_analyzes_like_the_original)
{
    warta_analyzer *a = open_with(false, false);
    warta_analyzer *b;
    cr_assert_eq(warta_analyzer_clone(&b, a), 0);
    const char *t = "Para pengungsi dipindahkan ke kawasan pertanian di selatan";
    char x[4096];
    snprintf(x, sizeof x, "%s", terms(a, t));
    warta_analyzer_close(a);  /* the clone outlives it */
    cr_expect_str_eq(terms(b, t), x);
    cr_expect_str_eq(x, "ungsi pindah kawasan tani selatan");
    warta_analyzer_close(b);
}

Test(analyzer, repeated_words_come_from_the_cache_unchanged)
{
    warta_analyzer *a = open_with(false, false);
    char text[20000];
    size_t k = 0;
    for (int i = 0; i < 1000 && k + 20 < sizeof text; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "Menulis w%d ", i % 300);
    toks c = {0};
    cr_assert_eq(warta_analyze(a, "Menulis", 7, collect, &c), 0);
    cr_assert_eq(warta_analyze(a, text, k, collect, &c), 0);
    cr_assert_eq(warta_analyze(a, "Menulis", 7, collect, &c), 0);
    cr_expect_str_eq(c.t[0].term, "tulis");
    cr_expect_str_eq(c.t[c.n - 1].term, "tulis");
    warta_analyzer_close(a);
}

Test(analyzer, long_words_are_cached_apart_from_short_ones)
{
    warta_analyzer *a = open_with(true, true);
    const char *t = "Supercalifragilisticexpialidocious1234567890 kata "
                    "supercalifragilisticexpialidocious1234567890 Kata";
    for (int round = 0; round < 3; round++)
        cr_expect_str_eq(terms(a, t), "supercalifragilisticexpialidocious1234567890 kata "
                                      "supercalifragilisticexpialidocious1234567890 kata");
    warta_analyzer_close(a);
}

typedef struct thread_job {
    warta_analyzer *a;
    char out[4096];
} thread_job;

static int append_term(void *ctx, const warta_token *t)
{
    thread_job *j = ctx;
    size_t k = strlen(j->out);
    if (k + t->term_len + 2 < sizeof j->out) {
        memcpy(j->out + k, t->term, t->term_len);
        j->out[k + t->term_len] = ' ';
        j->out[k + t->term_len + 1] = '\0';
    }
    return 0;
}

static void *thread_run(void *arg)
{
    thread_job *j = arg;
    static const char t[] = "Para menteri mempertanyakan kebijakan pemerintah di Jakarta";
    for (int i = 0; i < 200; i++) {
        j->out[0] = '\0';
        warta_analyze(j->a, t, sizeof t - 1, append_term, j);
    }
    return NULL;
}

Test(analyzer, clones_run_in_parallel_threads)
{
    warta_analyzer *a = open_with(false, false);
    thread_job jobs[4];
    pthread_t tid[4];
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(warta_analyzer_clone(&jobs[i].a, a), 0);
        pthread_create(&tid[i], NULL, thread_run, &jobs[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(tid[i], NULL);
        cr_expect_str_eq(jobs[i].out, "menteri tanya bijak perintah jakarta ");
        warta_analyzer_close(jobs[i].a);
    }
    warta_analyzer_close(a);
}

static void serialize(warta_analyzer *a, wbuf *b)
{
    wbuf_reset(b);
    cr_assert_eq(analysis_serialize(a, b), 0);
}

Test(analyzer, serialized_analyzer_round_trips)
{
    warta_analyzer *a = open_with(false, false);
    wbuf b1 = WBUF_INIT, b2 = WBUF_INIT;
    serialize(a, &b1);
    cr_expect(b1.len > 10000 && b1.len < 400000, "serialized size %zu", b1.len);
    warta_analyzer *s;
    char err[256];
    cr_assert_eq(analysis_open_serialized(&s, b1.data, b1.len, err, sizeof err), 0, "%s", err);
    cr_expect_eq(analysis_lexicon_size(s), analysis_lexicon_size(a));
    serialize(s, &b2);
    cr_assert_eq(b1.len, b2.len);
    cr_expect(memcmp(b1.data, b2.data, b1.len) == 0, "not deterministic");
    const char *t = "Pemerintah mempertanyakan keberhasilan penembakan berlari-lari menteri";
    char x[4096];
    snprintf(x, sizeof x, "%s", terms(a, t));
    cr_expect_str_eq(terms(s, t), x);
    warta_analyzer_options o = analysis_options(s);
    cr_expect(!o.no_stem && !o.keep_stopwords && !o.no_lexicon);
    warta_analyzer_close(s);
    warta_analyzer_close(a);
    wbuf_free(&b1);
    wbuf_free(&b2);
}

Test(analyzer, serialized_options_and_stopwords_survive)
{
    warta_analyzer_options o = {.no_lexicon = true, .no_stem = true, .keep_stopwords = true};
    warta_analyzer *a;
    cr_assert_eq(warta_analyzer_open(&a, &o, NULL, 0), 0);
    wbuf b = WBUF_INIT;
    serialize(a, &b);
    warta_analyzer *s;
    cr_assert_eq(analysis_open_serialized(&s, b.data, b.len, NULL, 0), 0);
    warta_analyzer_options so = analysis_options(s);
    cr_expect(so.no_stem && so.keep_stopwords && so.no_lexicon);
    cr_expect_str_eq(terms(s, "Yang Menulis"), "yang menulis");
    warta_analyzer_close(s);
    warta_analyzer_close(a);
    wbuf_free(&b);
}

Test(analyzer, rejects_corrupt_serialized_bytes)
{
    warta_analyzer_options o = {.no_lexicon = true};
    warta_analyzer *a, *s;
    cr_assert_eq(warta_analyzer_open(&a, &o, NULL, 0), 0);
    wbuf b = WBUF_INIT;
    serialize(a, &b);
    char err[256];
    /* every truncation */
    for (size_t n = 0; n < b.len; n++) {
        s = (warta_analyzer *)1;
        int rc = analysis_open_serialized(&s, b.data, n, err, sizeof err);
        cr_expect(rc == WARTA_ECORRUPT, "truncated to %zu: %d", n, rc);
        cr_expect_null(s);
    }
    /* every flipped byte */
    for (size_t i = 0; i < b.len; i++) {
        b.data[i] ^= 0x5a;
        int rc = analysis_open_serialized(&s, b.data, b.len, err, sizeof err);
        cr_expect(rc == WARTA_ECORRUPT || rc == WARTA_EFORMAT, "byte %zu: %d", i, rc);
        b.data[i] ^= 0x5a;
    }
    cr_expect_eq(analysis_open_serialized(&s, NULL, 0, err, sizeof err), WARTA_ECORRUPT);
    warta_analyzer_close(a);
    wbuf_free(&b);
}

Test(analyzer, survives_allocation_failures)
{
    warta_analyzer_options o = {.no_lexicon = true};
    const char *t = "Anak-anak bermain di Zürich, Москва 10/9/2019";
    for (long n = 0; n < 60; n++) {
        warta_analyzer *a = NULL;
        warta_alloc_fail_after(n);
        int rc = warta_analyzer_open(&a, &o, NULL, 0);
        if (rc == 0) {
            toks c = {0};
            rc = warta_analyze(a, t, strlen(t), collect, &c);
            cr_expect(rc == 0 || rc == WARTA_ENOMEM);
        } else {
            cr_expect_eq(rc, WARTA_ENOMEM);
        }
        warta_alloc_fail_after(-1);
        warta_analyzer_close(a);
    }
}

Test(analyzer, missing_lexicon_names_the_package)
{
    warta_analyzer_options o = {.lexicon_path = "/nonexistent/id_ID.dic"};
    warta_analyzer *a;
    char err[512];
    cr_expect_eq(warta_analyzer_open(&a, &o, err, sizeof err), WARTA_ENOLEXICON);
    cr_expect(strstr(err, "hunspell-id") != NULL, "%s", err);
    cr_expect(strstr(err, "/nonexistent/id_ID.dic") != NULL, "%s", err);
}

/* ---- the stored root list read in place (wordlist_index) ---------------- */

#include "indexer/analysis/lexicon.h"

typedef struct wl_check {
    const wordlist_index *ix;  /* the list read in place */
    const wordset *set;        /* the table it was written from */
    size_t n;                  /* keys checked */
} wl_check;

static void wl_check_key(void *ctx, const char *key, size_t len, uint32_t val)
{
    wl_check *c = ctx;
    uint32_t got = 0xdeadbeef;
    cr_expect(wordlist_index_get(c->ix, key, len, &got), "%.*s missing", (int)len, key);
    cr_expect_eq(got, val, "%.*s: value %u, want %u", (int)len, key, got, val);
    char longer[WORDSET_MAX_KEY + 2];
    if (len < WORDSET_MAX_KEY) {
        memcpy(longer, key, len);
        longer[len] = '\x01';
        cr_expect_eq(wordlist_index_get(c->ix, longer, len + 1, NULL),
                     wordset_has(c->set, longer, len + 1), "%.*s+1", (int)len, key);
    }
    c->n++;
}

Test(analyzer, stored_word_list_answers_in_place_like_the_table)
{
    wordset s;
    cr_assert_eq(wordset_init(&s, 64), 0);
    char k[64];
    /* shared prefixes, every first byte range, restart boundaries */
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(k, sizeof k, "%c%c%d", 'a' + i % 26, 'a' + (i / 26) % 26, i * 7919 % 1000);
        cr_assert_eq(wordset_put(&s, k, (size_t)n, (uint32_t)(i % 5) * 3), 0);
    }
    cr_assert_eq(wordset_put(&s, "\xff\xfe", 2, 9), 0);
    /* keys alike in their first 8 bytes (the restarts' prefixes tie) */
    for (int i = 0; i < 40; i++) {
        int n = snprintf(k, sizeof k, "pemberantasan%d", i * 37 % 100);
        cr_assert_eq(wordset_put(&s, k, (size_t)n, (uint32_t)i % 3), 0);
        cr_assert_eq(wordset_put(&s, k, 8 + (size_t)(i % 5), 1), 0);
    }
    wbuf b = WBUF_INIT;
    wordlist_index_encode(&s, &b);
    cr_assert(!b.oom);
    wordlist_index ix;
    const uint8_t *p = (const uint8_t *)b.data;
    cr_assert_eq(wordlist_index_open(&ix, &p, p + b.len), 0);
    cr_expect_eq(p, (const uint8_t *)b.data + b.len);
    cr_expect_eq(ix.count, s.count);
    wl_check c = {&ix, &s, 0};
    wordset_each(&s, wl_check_key, &c);
    cr_expect_eq(c.n, s.count);
    const char *absent[] = {"", "a", "zz", "aa00", "\x01", "\xff", "\xff\xfe\xfd", "mzzzz",
                            "pemberan", "pemberantasan", "pemberantasan5", "pemberantasan99",
                            "pemberantasan990", "pemberantasaz", "pemberantas", "pemz"};
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
        cr_expect_eq(wordlist_index_get(&ix, absent[i], strlen(absent[i]), NULL),
                     wordset_has(&s, absent[i], strlen(absent[i])), "'%s'", absent[i]);
    /* filling a table from it gives the same set */
    wordset t;
    cr_assert_eq(wordset_init(&t, 64), 0);
    cr_assert_eq(wordlist_index_fill(&ix, &t), 0);
    cr_expect_eq(t.count, s.count);
    /* truncated lists are refused */
    for (size_t n = 0; n < b.len; n += 97) {
        wordlist_index bad;
        const uint8_t *q = (const uint8_t *)b.data;
        cr_expect_neq(wordlist_index_open(&bad, &q, q + n), 0, "cut at %zu", n);
    }
    wordlist_index_free(&ix);
    wordset_free(&s);
    wordset_free(&t);
    wbuf_free(&b);
}

Test(analyzer, serialized_analyzer_stems_alike_before_and_after_its_table_is_built)
{
    warta_analyzer *a = open_with(false, false);
    wbuf b = WBUF_INIT;
    serialize(a, &b);
    warta_analyzer *s;
    char err[256];
    cr_assert_eq(analysis_open_serialized(&s, b.data, b.len, err, sizeof err), 0, "%s", err);
    const char *t = "Pemerintah mempertanyakan keberhasilan penembakan berlari-lari menteri "
                    "pembangunan kebijakan perekonomian dipermasalahkan ketidakadilan";
    char x[4096];
    snprintf(x, sizeof x, "%s", terms(a, t));
    cr_expect_str_eq(terms(s, t), x);           /* read in place */
    char w[64];
    for (int i = 0; i < 5000; i++) {            /* enough new words to build the table */
        snprintf(w, sizeof w, "kata%dnya", i);
        terms(s, w);
    }
    warta_analyzer *s2;
    cr_assert_eq(warta_analyzer_clone(&s2, s), 0);
    cr_expect_str_eq(terms(s2, t), x);          /* from the table */
    warta_analyzer_close(s2);
    warta_analyzer_close(s);
    warta_analyzer_close(a);
    wbuf_free(&b);
}
