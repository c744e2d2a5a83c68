/*
 * stem.h: the Indonesian stemmer: dictionary-based confix stripping in the
 * Nazief-Adriani / CS / ECS family (docs/ANALYSIS.md has the rules).  It
 * reads the root lexicon (lexicon.h) and nothing else; analyzer.c calls it
 * once per distinct word (results are cached there).
 */
#ifndef WARTA_STEM_H
#define WARTA_STEM_H

#include <stddef.h>
#include <stdint.h>

#include "wordset.h"

/* License bits stored with each root (from the hunspell affix flags): which
 * outermost prefixes and derivational suffixes the root is known to take. */
enum {
    LIC_DI = 1 << 0,
    LIC_KE = 1 << 1,
    LIC_SE = 1 << 2,
    LIC_BER = 1 << 3,
    LIC_TER = 1 << 4,
    LIC_MEN = 1 << 5,
    LIC_PE = 1 << 6,     /* peN- and per- (hunspell-id does not tell them apart) */
    LIC_KU = 1 << 7,     /* ku-, kau- */
    LIC_I = 1 << 8,
    LIC_KAN = 1 << 9,
    LIC_AN = 1 << 10,
    LIC_ANY = 1 << 15    /* the root had affix flags at all */
};

/* Longest word the stemmer looks at; longer words are left as they are. */
#define STEM_MAX_WORD 48

/* Stems the lower-case word w (n bytes) into out (at least n + 1 bytes,
 * NUL-terminated) and returns the stem's length.  roots NULL: rules only
 * (no lexicon).  Words that are not plain a-z letters, shorter than 4 or
 * longer than STEM_MAX_WORD bytes are copied unchanged. */
size_t stem_word(const wordset *roots, const char *w, size_t n, char *out);

#endif
