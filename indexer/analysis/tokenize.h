/*
 * tokenize.h: word segmentation.  Finds the words of a text the way ICU's
 * word break iterator (UAX #29 as ICU tailors it) does, keeping only
 * segments with a letter or digit, with byte offsets.  Chunks of text made
 * of ASCII and Latin characters are segmented by a hand-written state
 * machine that gives the same words; any other chunk goes through ICU.
 * Called by analyzer.c; joining words across hyphens, slashes and colons
 * (reduplication, dates, times) is done there.
 */
#ifndef WARTA_TOKENIZE_H
#define WARTA_TOKENIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <unicode/ubrk.h>
#include <unicode/utext.h>

/* One word: bytes [start, end) of the text. */
typedef struct rawword {
    size_t start, end;   /* byte offsets in the text */
    uint64_t hash;       /* whash of the bytes, filled in by the analyzer */
} rawword;

typedef struct tokenizer {
    UBreakIterator *bi;  /* ICU word iterator, opened on first use */
    UText ut;            /* reused UText over the current chunk */
    bool ut_open;        /* ut has been opened */
    rawword *words;      /* words found by the last tokenize() */
    size_t nwords;       /* entries used in words */
    size_t cap;          /* entries allocated in words */
    uint64_t icu_chunks; /* chunks handed to ICU (for benchmarks) */
} tokenizer;

/* Finds the words of text into tz->words.  force_icu: segment everything
 * with ICU (for tests comparing the two paths).  Returns 0, WARTA_ENOMEM. */
int tokenize(tokenizer *tz, const char *text, size_t len, bool force_icu);

void tokenizer_free(tokenizer *tz);

#endif
