/*
 * test_dates.c: warta_date_normalize() over a table of the date forms
 * Indonesian news writes, and of texts that must not pass for dates.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "warta.h"

typedef struct date_case {
    const char *text;      /* as written */
    const char *iso;       /* expected result, "" when not a date */
} date_case;

static const date_case cases[] = {
    /* ISO 8601 */
    {"2024-10-29", "2024-10-29"},
    {"2024-10-29T14:30", "2024-10-29T14:30"},
    {"2024-10-29T14:30:05", "2024-10-29T14:30:05"},
    {"2024-10-29 14:30:05", "2024-10-29T14:30:05"},
    {"2024-10-29T14:30:05Z", "2024-10-29T14:30:05"},
    {"2024-10-29T14:30:05+07:00", "2024-10-29T14:30:05"},
    {"2024-10-29T14:30:05.123+0700", "2024-10-29T14:30:05"},
    {"  2024-02-29  ", "2024-02-29"},
    {"2024/10/29", "2024-10-29"},
    /* day first */
    {"29/10/2024", "2024-10-29"},
    {"9/1/2019", "2019-01-09"},
    {"10/9/2019", "2019-09-10"},
    {"29-10-2024", "2024-10-29"},
    {"29.10.2024", "2024-10-29"},
    {"10/09/2019 14:30", "2019-09-10T14:30"},
    {"10/09/2019, 14.30 WIB", "2019-09-10T14:30"},
    /* month names */
    {"29 Oktober 2024", "2024-10-29"},
    {"1 januari 2020", "2020-01-01"},
    {"29 Okt 2024", "2024-10-29"},
    {"29 Okt. 2024", "2024-10-29"},
    {"17 Agu 2023", "2023-08-17"},
    {"17 Agustus 1945", "1945-08-17"},
    {"25 Des 2023", "2023-12-25"},
    {"5 Mei 2021", "2021-05-05"},
    {"5 Pebruari 2021", "2021-02-05"},
    {"10 Nopember 2021", "2021-11-10"},
    {"29 October 2024", "2024-10-29"},
    {"October 29, 2024", "2024-10-29"},
    {"Oct 29 2024", "2024-10-29"},
    {"Dec 1, 2020 08:00", "2020-12-01T08:00"},
    /* weekdays, parentheses, times and zones */
    {"Selasa (10/9/2019)", "2019-09-10"},
    {"Selasa, 10/9/2019", "2019-09-10"},
    {"Selasa, 10 September 2019 14:30 WIB", "2019-09-10T14:30"},
    {"Selasa, 10 September 2019 | 14:30 WIB", "2019-09-10T14:30"},
    {"Jumat, 1 November 2024 - 07:15 WITA", "2024-11-01T07:15"},
    {"Jum'at, 1 November 2024", "2024-11-01"},
    {"Minggu 3 Maret 2024 pukul 20.00 WIT", "2024-03-03T20:00"},
    {"Senin (27/3/2017) 10:00", "2017-03-27T10:00"},
    {"Monday, 27 March 2017", "2017-03-27"},
    {"Rabu, 11 Sep 2019 07:00:30 GMT", "2019-09-11T07:00:30"},
    {"Tuesday, September 10, 2019 2:30 PM", "2019-09-10T14:30"},
    {"10/09/2019 12:05 am", "2019-09-10T00:05"},
    {"10/09/2019 12:05 PM", "2019-09-10T12:05"},
    /* not dates */
    {"10/09/2019 13:05 PM", ""},
    {"", ""},
    {"kemarin", ""},
    {"Selasa", ""},
    {"2024-13-01", ""},
    {"2023-02-29", ""},
    {"31/04/2024", ""},
    {"32 Oktober 2024", ""},
    {"29 Oktober", ""},
    {"29 Oktober 24", ""},
    {"10/9/19", ""},
    {"2024-10-29 25:00", ""},
    {"2024-10-29 14:61", ""},
    {"2024-10-29 dan seterusnya", ""},
    {"Selasa (10/9/2019", ""},
    {"29 Foo 2024", ""},
    {"Sumber: 29 Oktober 2024", ""},
    {"12345678901234567890-01-01", ""},
    {"0999-01-01", ""},
};

Test(dates, normalizes_every_form_in_the_table)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[32];
        memset(out, 'x', sizeof out);
        size_t n = warta_date_normalize(cases[i].text, strlen(cases[i].text), out);
        cr_expect_str_eq(out, cases[i].iso, "'%s' gave '%s', expected '%s'", cases[i].text, out, cases[i].iso);
        cr_expect_eq(n, strlen(cases[i].iso), "length for '%s'", cases[i].text);
    }
}

Test(dates, reads_only_the_given_length)
{
    char out[32];
    const char *text = "2024-10-29T14:30 and more";
    cr_assert_eq(warta_date_normalize(text, 10, out), 10);
    cr_assert_str_eq(out, "2024-10-29");
}

Test(dates, refuses_long_texts_and_null)
{
    char out[32];
    char big[400];
    memset(big, ' ', sizeof big);
    memcpy(big + 300, "2024-10-29", 10);
    cr_assert_eq(warta_date_normalize(big, sizeof big, out), 0);
    cr_assert_eq(warta_date_normalize(NULL, 0, out), 0);
    cr_assert_str_eq(out, "");
}

Test(dates, handles_leap_years)
{
    char out[32];
    cr_assert_eq(warta_date_normalize("29/02/2000", 10, out), 10);
    cr_assert_eq(warta_date_normalize("29/02/1900", 10, out), 0);
    cr_assert_eq(warta_date_normalize("29/02/2024", 10, out), 10);
}
