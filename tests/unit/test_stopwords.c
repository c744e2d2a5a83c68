/*
 * test_stopwords.c: the built-in Indonesian stopword list and how analysis
 * treats stopwords: dropped from the terms but keeping their positions,
 * passed with keep_stopwords, replaced by a user's file.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "indexer/analysis/analyzer.h"
#include "indexer/analysis/stopwords.h"

typedef struct collected {
    char terms[64][64];
    uint32_t pos[64];
    bool stop[64];
    size_t n;
} collected;

static int collect(void *ctx, const warta_token *t)
{
    collected *c = ctx;
    if (c->n < 64) {
        snprintf(c->terms[c->n], 64, "%.*s", (int)t->term_len, t->term);
        c->pos[c->n] = t->position;
        c->stop[c->n] = t->stopword;
        c->n++;
    }
    return 0;
}

static warta_analyzer *open_opts(bool keep, const char *file)
{
    warta_analyzer_options o = {.no_lexicon = true, .no_stem = true, .keep_stopwords = keep,
                                .stopword_path = file};
    warta_analyzer *a;
    char err[256];
    cr_assert_eq(warta_analyzer_open(&a, &o, err, sizeof err), 0, "%s", err);
    return a;
}

Test(stopwords, builtin_list_has_function_and_question_words)
{
    wordset s;
    cr_assert_eq(wordset_init(&s, 256), 0);
    cr_assert_eq(stopwords_builtin(&s), 0);
    static const char *const in[] = {"yang", "dan", "di", "ke", "dari", "ini", "itu", "dengan",
                                     "untuk", "pada", "adalah", "apakah", "siapakah",
                                     "bagaimana", "kapan", "dimana", "berapa", "mengapa",
                                     "seberapa", "seberapakah", "pengertian", "definisi"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        cr_expect(wordset_has(&s, in[i], strlen(in[i])), "%s missing", in[i]);
    static const char *const out[] = {"tahun", "orang", "presiden", "baru", "hari", "korea"};
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++)
        cr_expect(!wordset_has(&s, out[i], strlen(out[i])), "%s is not a stopword", out[i]);
    wordset_free(&s);
}

Test(stopwords, are_dropped_but_keep_their_positions)
{
    warta_analyzer *a = open_opts(false, NULL);
    collected c = {0};
    const char *t = "Apakah presiden yang baru datang ke Jakarta?";
    cr_assert_eq(warta_analyze(a, t, strlen(t), collect, &c), 0);
    cr_assert_eq(c.n, 4);
    cr_expect_str_eq(c.terms[0], "presiden");
    cr_expect_eq(c.pos[0], 1);
    cr_expect_str_eq(c.terms[1], "baru");
    cr_expect_eq(c.pos[1], 3);
    cr_expect_str_eq(c.terms[3], "jakarta");
    cr_expect_eq(c.pos[3], 6);
    warta_analyzer_close(a);
}

Test(stopwords, are_passed_and_flagged_with_keep_stopwords)
{
    warta_analyzer *a = open_opts(true, NULL);
    collected c = {0};
    const char *t = "Siapakah menteri itu";
    cr_assert_eq(warta_analyze(a, t, strlen(t), collect, &c), 0);
    cr_assert_eq(c.n, 3);
    cr_expect_str_eq(c.terms[0], "siapakah");
    cr_expect(c.stop[0]);
    cr_expect(!c.stop[1]);
    cr_expect(c.stop[2]);
    cr_expect_eq(c.pos[2], 2);
    cr_expect(!analysis_is_stopword(a, "itu", 3));
    warta_analyzer_close(a);
}

Test(stopwords, a_file_replaces_the_builtin_list)
{
    char path[] = "/tmp/warta-stop-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# my list\n\n  Presiden \nJAKARTA\r\n", f);
    fclose(f);
    warta_analyzer *a = open_opts(false, path);
    collected c = {0};
    const char *t = "Presiden yang ke Jakarta";
    cr_assert_eq(warta_analyze(a, t, strlen(t), collect, &c), 0);
    cr_assert_eq(c.n, 2);
    cr_expect_str_eq(c.terms[0], "yang");
    cr_expect_eq(c.pos[0], 1);
    cr_expect_str_eq(c.terms[1], "ke");
    cr_expect(analysis_is_stopword(a, "presiden", 8));
    warta_analyzer_close(a);
    unlink(path);
}

Test(stopwords, a_missing_file_is_an_io_error)
{
    warta_analyzer_options o = {.no_lexicon = true, .stopword_path = "/nonexistent/stop.txt"};
    warta_analyzer *a = (warta_analyzer *)1;
    char err[256] = "";
    cr_expect_eq(warta_analyzer_open(&a, &o, err, sizeof err), WARTA_EIO);
    cr_expect_null(a);
    cr_expect(strstr(err, "/nonexistent/stop.txt") != NULL, "%s", err);
}

Test(stopwords, with_a_clitic_are_still_stopwords)
{
    warta_analyzer_options o = {0};
    warta_analyzer *a;
    char err[512];
    int rc = warta_analyzer_open(&a, &o, err, sizeof err);
    if (rc == WARTA_ENOLEXICON)
        cr_skip_test("no lexicon: %s", err);
    cr_assert_eq(rc, 0, "%s", err);
    collected c = {0};
    const char *t = "Itulah berita padanya, keadaan dirinya";
    cr_assert_eq(warta_analyze(a, t, strlen(t), collect, &c), 0);
    cr_assert_eq(c.n, 3);
    cr_expect_str_eq(c.terms[0], "berita");
    cr_expect_eq(c.pos[0], 1);
    cr_expect_str_eq(c.terms[1], "ada");   /* ke-ada-an is a content word */
    cr_expect_str_eq(c.terms[2], "diri");
    warta_analyzer_close(a);
}

Test(stopwords, questions_asking_for_a_definition_keep_only_the_topic)
{
    warta_analyzer *a = open_opts(false, NULL);
    static const struct {
        const char *text, *terms;
    } cases[] = {
        {"Apa pengertian dari demokrasi?", "demokrasi"},
        {"Apakah definisi budaya ?", "budaya"},
        {"Seberapa luas Samudra Hindia?", "luas samudra hindia"},
        {"seberapakah tinggi Monas", "tinggi monas"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        collected c = {0};
        cr_assert_eq(warta_analyze(a, cases[i].text, strlen(cases[i].text), collect, &c), 0);
        char got[256] = "";
        for (size_t k = 0; k < c.n; k++) {
            if (k)
                strcat(got, " ");
            strcat(got, c.terms[k]);
        }
        cr_expect_str_eq(got, cases[i].terms, "analyze(%s)", cases[i].text);
    }
    warta_analyzer_close(a);
}
