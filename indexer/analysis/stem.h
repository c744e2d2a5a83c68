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

/* License bits stored with each root, from its hunspell affix flags: which
 * affixes the root is known to take.  A prefix or suffix "alone" comes from
 * a plain PFX/SFX flag; a confix (prefix and suffix together, hunspell's
 * CIRCUMFIX) from a suffix flag that continues with a circumfix prefix. */
enum {
    /* prefixes alone: LIC_PFX << prefix type */
    LIC_DI = 1u << 0,
    LIC_KE = 1u << 1,
    LIC_SE = 1u << 2,
    LIC_BER = 1u << 3,
    LIC_TER = 1u << 4,
    LIC_MEN = 1u << 5,
    LIC_PE = 1u << 6,     /* peN- and per- (hunspell-id does not tell them apart) */
    LIC_KU = 1u << 7,     /* ku-, kau- */
    /* suffixes alone */
    LIC_I = 1u << 8,
    LIC_KAN = 1u << 9,
    LIC_AN = 1u << 10,
    LIC_KUMU = 1u << 11,  /* the possessives -ku, -mu */
    /* confixes: the pairs Indonesian forms */
    LIC_DI_I = 1u << 12,
    LIC_DI_KAN = 1u << 13,
    LIC_KE_AN = 1u << 14,
    LIC_SE_AN = 1u << 15,
    LIC_BER_KAN = 1u << 16,
    LIC_BER_AN = 1u << 17,
    LIC_TER_I = 1u << 18,
    LIC_TER_KAN = 1u << 19,
    LIC_MEN_I = 1u << 20,
    LIC_MEN_KAN = 1u << 21,
    LIC_PE_I = 1u << 22,
    LIC_PE_KAN = 1u << 23,
    LIC_PE_AN = 1u << 24
};
#define LIC_ANY 0x80000000u  /* the root had affix flags at all */

/* The confix bit of a prefix bit (LIC_DI..LIC_KU) and a suffix bit
 * (LIC_I, LIC_KAN, LIC_AN); 0 when the pair is not a confix. */
uint32_t stem_confix_bit(uint32_t prefix, uint32_t suffix);

/* Longest word the stemmer looks at; longer words are left as they are. */
#define STEM_MAX_WORD 48

/* Stems the lower-case word w (n bytes) into out (at least n + 2 bytes:
 * a spelling variant can be one letter longer in its standard form, jendral
 * -> jenderal; NUL-terminated) and returns the stem's length.  roots NULL: rules only
 * (no lexicon).  Words that are not plain a-z letters, shorter than 4 or
 * longer than STEM_MAX_WORD bytes are copied unchanged. */
size_t stem_word(const wordset *roots, const char *w, size_t n, char *out);

/* The i-th entry of the stemmer's table of spelling variants (resiko,
 * praktek, jadual...), its standard spelling in *std; NULL past the end.
 * For tests and documentation. */
const char *stem_variant(size_t i, const char **std);

#endif
