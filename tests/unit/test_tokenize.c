/*
 * test_tokenize.c: word segmentation (indexer/analysis/tokenize.c): a table
 * of texts and their words (numbers, hyphens, punctuation, URLs, e-mail
 * addresses, mixed scripts, invalid UTF-8), and the fast ASCII/Latin path
 * checked against ICU's word break iterator on random text.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "indexer/analysis/tokenize.h"

typedef struct tok_case {
    const char *text;      /* input */
    const char *words;     /* expected words joined by '|' */
} tok_case;

static const tok_case cases[] = {
    {"", ""},
    {"   \t\n ", ""},
    {"Presiden Jokowi", "Presiden|Jokowi"},
    /* numbers: separators join digits, not letters */
    {"Rp12.000 dan 2,5 persen", "Rp12.000|dan|2,5|persen"},
    {"1.234.567,89", "1.234.567,89"},
    {"pukul 10:30 WIB", "pukul|10|30|WIB"},
    {"09.30", "09.30"},
    {"10/9/2019", "10|9|2019"},
    {"3,5%", "3,5"},
    {"a,b a;b 1;2", "a|b|a|b|1;2"},
    /* hyphens split; the analyzer joins them back */
    {"anak-anak Korea-Rusia", "anak|anak|Korea|Rusia"},
    {"ke-74", "ke|74"},
    /* punctuation */
    {"(Antara) \"Kata dia,\" ujarnya.", "Antara|Kata|dia|ujarnya"},
    {"...tidak!!! ya?", "tidak|ya"},
    {"e.g. U.S.A.", "e.g|U.S.A"},
    {"a.1 1.a", "a|1|1|a"},
    {"can't Jum'at Jum’at", "can't|Jum'at|Jum’at"},
    {"a_b ___ _x", "a_b|_x"},
    /* URLs and e-mail addresses */
    {"https://kompas.com/read/2019/x?y=1", "https|kompas.com|read|2019|x|y|1"},
    {"redaksi@tempo.co.id", "redaksi@tempo.co.id"},
    {"#tag @user", "tag|@user"},
    /* Latin letters with diacritics */
    {"café naïve Zürich", "café|naïve|Zürich"},
    {"“Kutipan” – kata", "Kutipan|kata"},
    /* other scripts go through ICU */
    {"Москва и Київ", "Москва|и|Київ"},
    {"سلام عليكم", "سلام|عليكم"},
    {"Seoul 서울 Tokyo", "Seoul|서울|Tokyo"},
    {"x² ½ 5€", "x|5"},
    /* invalid UTF-8 never joins words and never crashes */
    {"ab\xff" "cd", "ab|cd"},
    {"\xc3", ""},
    {"caf\xc3", "caf"},
    {"a\xe2\x80", "a"},
    /* reference markers glued to the text (copied from Wikipedia) are no
     * words; a bracketed number after a space, or a longer one, is */
    {"Seoul.[6] lahir 1917[10]", "Seoul|lahir|1917"},
    {"1578.[8][10] (PBB)[4] kota,[12][3] x[999]", "1578|PBB|kota|x"},
    {"daftar [1] dan [2][3] x[1234] [a] x[b] [5", "daftar|1|dan|2|3|x|1234|a|x|b|5"},
    {"Москва[1] 서울.[2]", "Москва|서울"},
    {"[7]", "7"},
    /* soft hyphen (a format character) stays inside the word, via ICU */
    {"ab\xc2\xad" "cd", "ab\xc2\xad" "cd"},
};

static void joined(const tokenizer *tz, const char *text, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < tz->nwords; i++) {
        size_t n = tz->words[i].end - tz->words[i].start;
        if (k + n + 2 >= cap)
            break;
        if (i)
            out[k++] = '|';
        memcpy(out + k, text + tz->words[i].start, n);
        k += n;
        out[k] = '\0';
    }
}

Test(tokenize, splits_the_table_of_texts)
{
    tokenizer tz = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(tokenize(&tz, cases[i].text, strlen(cases[i].text), false), 0);
        char got[1024];
        joined(&tz, cases[i].text, got, sizeof got);
        cr_expect_str_eq(got, cases[i].words, "text \"%s\"", cases[i].text);
    }
    tokenizer_free(&tz);
}

Test(tokenize, gives_the_same_words_as_icu_on_the_table)
{
    tokenizer fast = {0}, icu = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *t = cases[i].text;
        cr_assert_eq(tokenize(&fast, t, strlen(t), false), 0);
        cr_assert_eq(tokenize(&icu, t, strlen(t), true), 0);
        char a[1024], b[1024];
        joined(&fast, t, a, sizeof a);
        joined(&icu, t, b, sizeof b);
        cr_expect_str_eq(a, b, "text \"%s\"", t);
    }
    tokenizer_free(&fast);
    tokenizer_free(&icu);
}

/* Pieces random text is made of: everything the fast path knows, and some
 * things it hands to ICU. */
static const char *const pieces[] = {
    "a", "b", "Z", "k", "@", "0", "7", "_", ".", ",", ";", ":", "'", "-", "/", "!", "\"", "(",
    "[", "]", "[1]", ")", "%", "#", "$", " ", " ", "\t", "\n", "é", "Ü", "ß", "ø", "ł", "ǆ",
    "ª", "µ", "·",
    "’", "‘", "“", "”", "–", "—", "…", "\xc2\xa0", "×", "²", "€", "․", "ạ", "ж", "ש",
    "\xcc\x81", "\xc2\xad", "\xe2\x80\x8b", "\xef\xbb\xbf", "😀", "中", "\xff", "\xc3",
};

Test(tokenize, fast_path_matches_icu_on_random_text)
{
    tokenizer fast = {0}, icu = {0};
    uint64_t seed = 0x5eed;
    char text[256];
    for (int round = 0; round < 20000; round++) {
        size_t k = 0;
        int len = 1 + (int)(seed % 24);
        for (int i = 0; i < len; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            const char *p = pieces[(seed >> 33) % (sizeof pieces / sizeof pieces[0])];
            size_t n = strlen(p);
            if (k + n >= sizeof text)
                break;
            memcpy(text + k, p, n);
            k += n;
        }
        text[k] = '\0';
        cr_assert_eq(tokenize(&fast, text, k, false), 0);
        cr_assert_eq(tokenize(&icu, text, k, true), 0);
        char a[2048], b[2048];
        joined(&fast, text, a, sizeof a);
        joined(&icu, text, b, sizeof b);
        if (strcmp(a, b) != 0) {
            cr_assert_str_eq(a, b, "round %d text \"%s\"", round, text);
        }
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    }
    tokenizer_free(&fast);
    tokenizer_free(&icu);
}

Test(tokenize, keeps_byte_offsets_into_the_text)
{
    tokenizer tz = {0};
    const char *t = "  Café, ‘anak’ 12.000";
    cr_assert_eq(tokenize(&tz, t, strlen(t), false), 0);
    cr_assert_eq(tz.nwords, 3);
    cr_expect_eq(tz.words[0].start, 2);
    cr_expect_eq(tz.words[0].end, 7);
    cr_expect_eq(tz.words[1].start, 12);
    cr_expect_eq(tz.words[1].end, 16);
    cr_expect_eq(tz.words[2].start, 20);
    cr_expect_eq(tz.words[2].end, 26);
    tokenizer_free(&tz);
}
