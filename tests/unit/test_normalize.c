/*
 * test_normalize.c: word normalization (indexer/analysis/normalize.c): case
 * folding, NFKC, diacritics, apostrophes, number separators, times, dates
 * and abbreviations, and the table-driven Latin path against ICU's.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "indexer/analysis/normalize.h"

typedef struct norm_case {
    const char *word;      /* as segmented */
    const char *norm;      /* expected term */
} norm_case;

static const norm_case cases[] = {
    {"Jakarta", "jakarta"},
    {"JOKOWI", "jokowi"},
    {"Café", "cafe"},
    {"naïve", "naive"},
    {"Zürich", "zurich"},
    {"Straße", "strasse"},
    {"İstanbul", "istanbul"},
    {"Ωμέγα", "ωμεγα"},
    {"Москва", "москва"},
    {"ﬁsika", "fisika"},                 /* NFKC ligature */
    {"Ｊａｋａｒｔａ", "jakarta"},       /* fullwidth */
    {"Jum'at", "jumat"},
    {"Jum’at", "jumat"},
    {"Jum‘at", "jumat"},
    {"Qurʼan", "quran"},
    {"e\xcc\x81", "e"},                  /* combining acute */
    /* numbers: Indonesian thousands separators go, the decimal comma stays */
    {"12.000", "12000"},
    {"1.234.567", "1234567"},
    {"1.234.567,89", "1234567,89"},
    {"2,5", "2,5"},
    {"3.14", "3.14"},
    {"12.0000", "12.0000"},
    {"1234.567", "1234.567"},
    {"Rp12.000", "rp12000"},
    {"2019", "2019"},
    /* times and dates */
    {"09.30", "9.30"},
    {"10.30", "10.30"},
    {"23.59.59", "23.59.59"},
    {"25.30", "25.30"},
    {"10.9.2019", "2019-09-10"},
    {"31.12.2019", "2019-12-31"},
    {"32.12.2019", "32.12.2019"},
    /* single-letter abbreviations lose their dots */
    {"U.S.A", "usa"},
    {"e.g", "eg"},
    {"kompas.com", "kompas.com"},
    {"'", ""},
};

Test(normalize, folds_the_table_of_words)
{
    cr_assert_eq(normalize_init(), 0);
    normalizer nz = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[NORM_MAX + 1];
        size_t n;
        cr_assert_eq(normalize_word(&nz, cases[i].word, strlen(cases[i].word), out, &n), 0);
        cr_expect_eq(n, strlen(out));
        cr_expect_str_eq(out, cases[i].norm, "word \"%s\"", cases[i].word);
    }
    normalizer_free(&nz);
}

/* Every Latin letter folded by the table gives what ICU gives: the table
 * path handles "Xa", ICU handles "Xж" (the Cyrillic letter forces it). */
Test(normalize, latin_table_agrees_with_icu)
{
    cr_assert_eq(normalize_init(), 0);
    normalizer nz = {0};
    for (unsigned cp = 0xC0; cp < 0x250; cp++) {
        if (cp == 0xD7 || cp == 0xF7)
            continue;
        char a[8], b[8];
        size_t k = 0;
        a[k++] = (char)(0xC0 | cp >> 6);
        a[k++] = (char)(0x80 | (cp & 0x3F));
        memcpy(b, a, k);
        a[k] = 'a';
        memcpy(b + k, "ж", 2);
        char fa[NORM_MAX + 1], fb[NORM_MAX + 1];
        size_t na, nb;
        cr_assert_eq(normalize_word(&nz, a, k + 1, fa, &na), 0);
        cr_assert_eq(normalize_word(&nz, b, k + 2, fb, &nb), 0);
        cr_assert(na >= 1 && nb >= 2);
        cr_expect(na - 1 == nb - 2 && memcmp(fa, fb, na - 1) == 0, "U+%04X: %s vs %s", cp, fa, fb);
    }
    normalizer_free(&nz);
}

Test(normalize, cuts_long_words_at_a_character_boundary)
{
    cr_assert_eq(normalize_init(), 0);
    normalizer nz = {0};
    char w[1000];
    for (size_t i = 0; i + 1 < sizeof w; i += 2) {
        w[i] = (char)0xC3;
        w[i + 1] = (char)0xA9;  /* é */
    }
    char out[NORM_MAX + 1];
    size_t n;
    cr_assert_eq(normalize_word(&nz, w, sizeof w - 2, out, &n), 0);
    cr_expect_eq(n, NORM_MAX);
    memcpy(w, "жж", 4);
    cr_assert_eq(normalize_word(&nz, w, sizeof w - 2, out, &n), 0);
    cr_expect(n <= NORM_MAX && n > 100);
    cr_expect(((unsigned char)out[n - 1] & 0xC0) == 0x80 || (unsigned char)out[n - 1] < 0x80);
    normalizer_free(&nz);
}

Test(normalize, dates_and_times_from_parts)
{
    char out[16];
    cr_expect_eq(normalize_date("10", 2, "9", 1, "2019", 4, out), 10);
    cr_expect_str_eq(out, "2019-09-10");
    cr_expect_eq(normalize_date("31", 2, "13", 2, "2019", 4, out), 0);
    cr_expect_eq(normalize_date("1", 1, "1", 1, "19", 2, out), 0);
    cr_expect_eq(normalize_time("09", 2, "30", 2, NULL, 0, out), 4);
    cr_expect_str_eq(out, "9.30");
    cr_expect_eq(normalize_time("9", 1, "75", 2, NULL, 0, out), 0);
    cr_expect_eq(normalize_time("23", 2, "59", 2, "01", 2, out), 8);
    cr_expect_str_eq(out, "23.59.01");
}
