/*
 * normalize.h: turning one segmented word into its index form before
 * stemming: NFKC, case folding, diacritics folded (é -> e), apostrophes
 * unified and dropped (jum'at, jum’at -> jumat), Indonesian number
 * separators (12.000 -> 12000), times (09.30 -> 9.30) and dates
 * (10.9.2019 -> 2019-09-10), single-letter abbreviations (u.s.a -> usa).
 * ASCII and Latin letters take a table-driven path; anything else goes
 * through ICU.  Called by analyzer.c and lexicon.c.
 */
#ifndef WARTA_NORMALIZE_H
#define WARTA_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include <unicode/utypes.h>

/* Longest term kept, in bytes; longer words are cut at a character
 * boundary (such "words" are junk: hashes, runs of letters). */
#define NORM_MAX 120

/* Scratch space for the ICU path (one per analyzer, reused). */
typedef struct normalizer {
    UChar *u1, *u2;      /* UTF-16 buffers */
    int32_t ucap;        /* UChars in each */
} normalizer;

/* Builds the Latin folding table (once per process, thread-safe).
 * Returns 0 or WARTA_ENOMEM. */
int normalize_init(void);

/* Normalizes the word s (len bytes, any bytes) into out (NORM_MAX + 1
 * bytes, NUL-terminated); *outlen receives the length (0 when nothing is
 * left, e.g. a lone apostrophe).  Returns 0 or WARTA_ENOMEM. */
int normalize_word(normalizer *nz, const char *s, size_t len, char *out, size_t *outlen);

void normalizer_free(normalizer *nz);

/* "yyyy-mm-dd" into out (11 bytes) when d, m, y (digit strings) make a
 * plausible date (y: 4 digits 1000-2999, m 1-12, d 1-31); returns 10, or 0. */
size_t normalize_date(const char *d, size_t dn, const char *m, size_t mn, const char *y, size_t yn,
                      char *out);

/* "H.MM" or "H.MM.SS" into out (9 bytes) when h (1-2 digits, <= 24), m
 * (2 digits, < 60) and s (NULL or 2 digits, < 60) make a time; returns the
 * length, or 0. */
size_t normalize_time(const char *h, size_t hn, const char *m, size_t mn, const char *s, size_t sn,
                      char *out);

#endif
