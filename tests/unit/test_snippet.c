/*
 * test_snippet.c: snippets (query/snippet.c): the highlighted spans are
 * exactly the matched words, also on multi-byte text; the window holds the
 * most distinct query terms; text is never cut inside a character; control
 * characters and runs of spaces become one space; invalid UTF-8 is
 * repaired; "..." marks a cut.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "query/snippet.h"
#include "warta.h"

static warta_analyzer *an;

static void setup(void)
{
    warta_analyzer_options o;
    memset(&o, 0, sizeof o);
    o.no_lexicon = true;
    char err[256];
    cr_assert_eq(warta_analyzer_open(&an, &o, err, sizeof err), 0, "%s", err);
}

static void teardown(void)
{
    warta_analyzer_close(an);
}

TestSuite(snippet, .init = setup, .fini = teardown);

static int first_term(void *ctx, const warta_token *t)
{
    char *out = ctx;
    if (!out[0]) {
        memcpy(out, t->term, t->term_len < 63 ? t->term_len : 63);
        out[t->term_len < 63 ? t->term_len : 63] = '\0';
    }
    return 0;
}

/* The index term of one word. */
static void term_of(const char *word, char out[64])
{
    out[0] = '\0';
    cr_assert_eq(warta_analyze(an, word, strlen(word), first_term, out), 0);
    cr_assert(out[0], "'%s' has no term", word);
}

static bool valid_utf8(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t l = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!l || i + l > n)
            return false;
        for (size_t k = 1; k < l; k++)
            if (((unsigned char)s[i + k] & 0xC0) != 0x80)
                return false;
        i += l;
    }
    return true;
}

typedef struct snip {
    const char *text;
    size_t len;
    const warta_span *spans;
    size_t nspans;
} snip;

static snip make(qarena *a, const char *const *words, size_t nwords, const char *text,
                 unsigned max_chars)
{
    char terms[8][64];
    const char *tp[8];
    size_t tl[8];
    for (size_t i = 0; i < nwords; i++) {
        term_of(words[i], terms[i]);
        tp[i] = terms[i];
        tl[i] = strlen(terms[i]);
    }
    snip s;
    cr_assert_eq(snippet_terms(an, tp, tl, nwords, text, strlen(text), max_chars, a, &s.text,
                               &s.len, &s.spans, &s.nspans), 0);
    return s;
}

Test(snippet, highlights_exactly_the_matched_words_in_multibyte_text)
{
    qarena a;
    arena_init(&a, 0);
    const char *words[] = {"korea", "zürich"};
    const char *text = "Delegasi dari Zürich — kota di Swiss — bertemu pejabat Korea "
                       "Selatan; “Korea” disebut dua kali 👍 di sini.";
    snip s = make(&a, words, 2, text, 200);
    cr_assert(valid_utf8(s.text, s.len));
    cr_assert_eq(s.nspans, 3, "%zu spans in '%s'", s.nspans, s.text);
    const char *want[] = {"Zürich", "Korea", "Korea"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = s.spans[i].end - s.spans[i].start;
        cr_expect_eq(n, strlen(want[i]), "span %zu", i);
        cr_expect(memcmp(s.text + s.spans[i].start, want[i], n) == 0, "span %zu: '%.*s'", i,
                  (int)n, s.text + s.spans[i].start);
    }
    arena_free(&a);
}

Test(snippet, picks_the_window_with_the_most_distinct_terms)
{
    qarena a;
    arena_init(&a, 0);
    const char *words[] = {"pasukan", "kursk"};
    char text[4096];
    snprintf(text, sizeof text, "%s", "Pasukan cadangan disiagakan di perbatasan. ");
    for (int i = 0; i < 30; i++)
        strcat(text, "Kalimat pengisi tanpa kata yang dicari sama sekali. ");
    strcat(text, "Akhirnya pasukan itu tiba di wilayah Kursk pada malam hari. ");
    for (int i = 0; i < 10; i++)
        strcat(text, "Penutup yang panjang juga tidak relevan. ");
    snip s = make(&a, words, 2, text, 120);
    cr_assert(strstr(s.text, "Kursk") != NULL, "'%s'", s.text);
    cr_expect(strncmp(s.text, "...", 3) == 0, "'%s'", s.text);
    cr_expect(s.len >= 3 && memcmp(s.text + s.len - 3, "...", 3) == 0, "'%s'", s.text);
    cr_expect_eq(s.nspans, 2, "'%s'", s.text);
    arena_free(&a);
}

Test(snippet, never_cuts_inside_a_character)
{
    qarena a;
    arena_init(&a, 0);
    const char *words[] = {"kata"};
    char text[8192] = "";
    for (int i = 0; i < 200; i++)
        strcat(text, i == 120 ? "kata " : "日本語é ");
    for (unsigned max = 20; max < 90; max += 7) {
        snip s = make(&a, words, 1, text, max);
        cr_assert(valid_utf8(s.text, s.len), "max %u", max);
        cr_assert_eq(s.nspans, 1);
        cr_expect(memcmp(s.text + s.spans[0].start, "kata", 4) == 0);
    }
    arena_free(&a);
}

Test(snippet, cleans_spaces_and_repairs_utf8)
{
    qarena a;
    arena_init(&a, 0);
    const char *words[] = {"banjir"};
    const char *text = "Banjir\n\n\tmelanda   kota\x01 itu \xff\xfe lagi.";
    snip s = make(&a, words, 1, text, 200);
    cr_assert(valid_utf8(s.text, s.len));
    cr_expect_str_eq(s.text, "Banjir melanda kota itu \xEF\xBF\xBD\xEF\xBF\xBD lagi.");
    cr_assert_eq(s.nspans, 1);
    cr_expect_eq(s.spans[0].start, 0);
    cr_expect_eq(s.spans[0].end, 6);
    arena_free(&a);
}

Test(snippet, starts_at_the_beginning_without_a_match)
{
    qarena a;
    arena_init(&a, 0);
    const char *words[] = {"gempa"};
    const char *text = "Harga cabai naik menjelang hari raya di banyak pasar tradisional.";
    snip s = make(&a, words, 1, text, 30);
    cr_expect_eq(s.nspans, 0);
    cr_expect(strncmp(s.text, "Harga cabai", 11) == 0, "'%s'", s.text);
    cr_expect(memcmp(s.text + s.len - 3, "...", 3) == 0, "'%s'", s.text);
    /* empty text: no snippet */
    const char *tp[1] = {"x"};
    size_t tl[1] = {1};
    const char *out = "set";
    size_t len = 9;
    const warta_span *sp;
    size_t ns;
    cr_assert_eq(snippet_terms(an, tp, tl, 1, "", 0, 100, &a, &out, &len, &sp, &ns), 0);
    cr_expect_null(out);
    cr_expect_eq(len, 0);
    arena_free(&a);
}
