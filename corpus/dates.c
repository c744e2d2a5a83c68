/*
 * dates.c: warta_date_normalize(), turning the ways Indonesian news writes
 * dates ("Selasa, 10 September 2019 14:30 WIB", "Selasa (10/9/2019)",
 * "29 Okt 2024", ISO 8601, dd/mm/yyyy) into ISO 8601.  Called by
 * corpus_emit() for every article's date and by the .txt reader to spot a
 * date line.  The whole text must be a date: anything left over means 0.
 */
#include "corpus.h"

#include <stdio.h>
#include <string.h>

/* A token of a date text. */
typedef struct dtok {
    int kind;            /* 'n' number, 'w' word, or the punctuation character */
    const char *s;       /* where it starts */
    size_t len;          /* its length in bytes */
    long value;          /* the number's value ('n' only) */
} dtok;

#define DT_MAX 24

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Splits text into numbers, words and punctuation; white space separates.
 * Returns the number of tokens, or -1 for a character no date uses. */
static int tokenize(const char *text, size_t len, dtok *t)
{
    int n = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            i++;
            continue;
        }
        if (c == 0xC2 && i + 1 < len && (unsigned char)text[i + 1] == 0xA0) {
            i += 2; /* no-break space */
            continue;
        }
        if (n == DT_MAX)
            return -1;
        dtok *k = &t[n++];
        k->s = text + i;
        if (c >= '0' && c <= '9') {
            size_t j = i;
            long v = 0;
            while (j < len && text[j] >= '0' && text[j] <= '9' && j - i < 9)
                v = v * 10 + (text[j++] - '0');
            if (j < len && text[j] >= '0' && text[j] <= '9')
                return -1;
            k->kind = 'n';
            k->len = j - i;
            k->value = v;
            i = j;
        } else if (is_alpha(c)) {
            size_t j = i;
            while (j < len && (is_alpha((unsigned char)text[j]) || text[j] == '\''))
                j++;
            k->kind = 'w';
            k->len = j - i;
            i = j;
        } else if (strchr("-/.,:()+|", c) && c) {
            k->kind = c;
            k->len = 1;
            i++;
        } else {
            return -1;
        }
    }
    return n;
}

/* Case-insensitive comparison of a word token with an ASCII name. */
static bool word_is(const dtok *t, const char *name)
{
    size_t n = strlen(name);
    if (t->kind != 'w' || t->len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = t->s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != name[i])
            return false;
    }
    return true;
}

static bool word_in(const dtok *t, const char *const *names)
{
    for (; *names; names++)
        if (word_is(t, *names))
            return true;
    return false;
}

/* 1..12 when the token names a month (Indonesian or English, full or
 * abbreviated), else 0. */
static int month_of(const dtok *t)
{
    static const char *const months[12][7] = {
        {"januari", "january", "jan", NULL},
        {"februari", "pebruari", "february", "feb", "peb", NULL},
        {"maret", "march", "mar", "mrt", NULL},
        {"april", "apr", NULL},
        {"mei", "may", NULL},
        {"juni", "june", "jun", NULL},
        {"juli", "july", "jul", NULL},
        {"agustus", "august", "agu", "agt", "ags", "aug", NULL},
        {"september", "sep", "sept", NULL},
        {"oktober", "october", "okt", "oct", NULL},
        {"november", "nopember", "nov", "nop", NULL},
        {"desember", "december", "des", "dec", NULL},
    };
    if (t->kind != 'w')
        return 0;
    for (int m = 0; m < 12; m++)
        if (word_in(t, months[m]))
            return m + 1;
    return 0;
}

static bool weekday(const dtok *t)
{
    static const char *const days[] = {
        "senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", NULL};
    return word_in(t, days);
}

static bool zone_word(const dtok *t)
{
    static const char *const zones[] = {"wib", "wita", "wit", "utc", "gmt", "z", NULL};
    return word_in(t, zones);
}

static bool valid_date(long y, long m, long d)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return false;
    return true;
}

/* Parses an optional time of day at t[*i]: HH:MM[:SS[.frac]] or HH.MM, then
 * an optional zone (WIB, +07:00, Z...).  Returns false when tokens are there
 * but are not a time. */
static bool parse_time(const dtok *t, int n, int *i, long *hh, long *mm, long *ss)
{
    int k = *i;
    *hh = *mm = *ss = -1;
    if (k < n && (t[k].kind == ',' || t[k].kind == '|' || t[k].kind == '-' || word_is(&t[k], "t")))
        k++;
    if (k < n && (word_is(&t[k], "pukul") || word_is(&t[k], "jam") || word_is(&t[k], "at")))
        k++;
    if (k >= n) {
        *i = k;
        return true;
    }
    if (!(k + 2 < n && t[k].kind == 'n' && t[k].len <= 2 && (t[k + 1].kind == ':' || t[k + 1].kind == '.') &&
          t[k + 2].kind == 'n' && t[k + 2].len == 2))
        return false;
    *hh = t[k].value;
    *mm = t[k + 2].value;
    k += 3;
    if (k + 1 < n && t[k].kind == ':' && t[k + 1].kind == 'n' && t[k + 1].len == 2) {
        *ss = t[k + 1].value;
        k += 2;
        if (k + 1 < n && t[k].kind == '.' && t[k + 1].kind == 'n')
            k += 2; /* fraction of a second, dropped */
    }
    if (*hh > 23 || *mm > 59 || *ss > 60)
        return false;
    /* 12-hour clock: 2:30 PM, 12:05 am */
    if (k < n && (word_is(&t[k], "am") || word_is(&t[k], "pm"))) {
        if (*hh < 1 || *hh > 12)
            return false;
        bool pm = word_is(&t[k], "pm");
        *hh = *hh % 12 + (pm ? 12 : 0);
        k++;
    }
    /* Zone: a word, Z, or +HH[:MM] / -HH[:MM] / +HHMM. */
    if (k < n && zone_word(&t[k]))
        k++;
    if (k < n && (t[k].kind == '+' || t[k].kind == '-') && k + 1 < n && t[k + 1].kind == 'n') {
        k += 2;
        if (k + 1 < n && t[k].kind == ':' && t[k + 1].kind == 'n')
            k += 2;
    }
    *i = k;
    return true;
}

WARTA_API size_t warta_date_normalize(const char *text, size_t len, char out[32])
{
    out[0] = '\0';
    if (!text || len == 0 || len > 128)
        return 0;
    dtok t[DT_MAX];
    int n = tokenize(text, len, t);
    if (n <= 0)
        return 0;
    int i = 0;
    bool paren = false;
    if (weekday(&t[i])) {
        i++;
        if (i < n && t[i].kind == ',')
            i++;
    }
    if (i < n && t[i].kind == '(') {
        paren = true;
        i++;
    }
    long y = 0, m = 0, d = 0;
    if (i + 4 < n && t[i].kind == 'n' && t[i].len == 4 && t[i + 1].kind == '-' && t[i + 2].kind == 'n' &&
        t[i + 3].kind == '-' && t[i + 4].kind == 'n') {
        /* ISO 8601: 2024-10-29 */
        y = t[i].value;
        m = t[i + 2].value;
        d = t[i + 4].value;
        if (t[i + 2].len > 2 || t[i + 4].len > 2)
            return 0;
        i += 5;
    } else if (i + 4 < n && t[i].kind == 'n' && t[i].len == 4 && t[i + 1].kind == '/' && t[i + 2].kind == 'n' &&
               t[i + 3].kind == '/' && t[i + 4].kind == 'n') {
        /* 2024/10/29 */
        y = t[i].value;
        m = t[i + 2].value;
        d = t[i + 4].value;
        i += 5;
    } else if (i + 4 < n && t[i].kind == 'n' && t[i].len <= 2 && (t[i + 1].kind == '/' || t[i + 1].kind == '-' ||
               t[i + 1].kind == '.') && t[i + 2].kind == 'n' && t[i + 2].len <= 2 &&
               t[i + 3].kind == t[i + 1].kind && t[i + 4].kind == 'n' && t[i + 4].len == 4) {
        /* dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy */
        d = t[i].value;
        m = t[i + 2].value;
        y = t[i + 4].value;
        i += 5;
    } else if (i + 2 < n && t[i].kind == 'n' && t[i].len <= 2 && month_of(&t[i + 1])) {
        /* 29 Oktober 2024, 29 Okt. 2024 */
        d = t[i].value;
        m = month_of(&t[i + 1]);
        i += 2;
        if (t[i].kind == '.')
            i++;
        if (i >= n || t[i].kind != 'n' || t[i].len != 4)
            return 0;
        y = t[i].value;
        i++;
    } else if (i + 2 < n && month_of(&t[i])) {
        /* October 29, 2024 */
        m = month_of(&t[i]);
        i++;
        if (t[i].kind == '.')
            i++;
        if (i + 1 >= n || t[i].kind != 'n' || t[i].len > 2)
            return 0;
        d = t[i].value;
        i++;
        if (i < n && t[i].kind == ',')
            i++;
        if (i >= n || t[i].kind != 'n' || t[i].len != 4)
            return 0;
        y = t[i].value;
        i++;
    } else {
        return 0;
    }
    if (!valid_date(y, m, d))
        return 0;
    if (paren && i < n && t[i].kind == ')') {
        paren = false;
        i++;
    }
    long hh, mm, ss;
    if (!parse_time(t, n, &i, &hh, &mm, &ss))
        return 0;
    if (paren && i < n && t[i].kind == ')') {
        paren = false;
        i++;
    }
    if (i != n || paren)
        return 0;
    int w;
    if (hh < 0)
        w = snprintf(out, 32, "%04ld-%02ld-%02ld", y, m, d);
    else if (ss < 0)
        w = snprintf(out, 32, "%04ld-%02ld-%02ldT%02ld:%02ld", y, m, d, hh, mm);
    else
        w = snprintf(out, 32, "%04ld-%02ld-%02ldT%02ld:%02ld:%02ld", y, m, d, hh, mm, ss == 60 ? 59 : ss);
    return w > 0 ? (size_t)w : 0;
}
