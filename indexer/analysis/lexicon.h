/*
 * lexicon.h: the stemmer's root lexicon: reading the hunspell-id dictionary
 * (id_ID.dic, with license bits from the affix flags in id_ID.aff) into a
 * wordset, and the compact front-coded word list used to store the roots
 * and the stopwords inside an index.  Called by analyzer.c.
 */
#ifndef WARTA_LEXICON_H
#define WARTA_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "corpus/base.h"
#include "wordset.h"

/* Reads a hunspell .dic (first line a count, then "word[/FLAGS]" lines,
 * UTF-8 or ISO-8859-1) into roots: words lower-cased and folded like
 * analysis does, each with its LIC_* bits computed from the matching .aff
 * (same path, .aff instead of .dic; without it the bits are 0).  Returns 0,
 * WARTA_ENOLEXICON (err says the file and errno, and names hunspell-id),
 * WARTA_ENOMEM.  roots must be an initialized empty wordset. */
int lexicon_load(wordset *roots, const char *dic_path, char *err, size_t errlen);

/* Appends the keys of s, sorted bytewise, front-coded:
 *   with_values: varint nvalues, the distinct values ascending (varints);
 *   varint count, then per key: varint shared-prefix length, varint suffix
 *   length, suffix bytes, and (with_values) the varint index of its value.
 * Deterministic.  Errors are left in out->oom. */
void wordlist_encode(const wordset *s, bool with_values, wbuf *out);

/* Reads what wordlist_encode wrote from [*p, end) into the empty
 * initialized set s, advancing *p.  Returns 0, WARTA_ENOMEM, or
 * WARTA_ECORRUPT (truncated, keys or values not strictly increasing, key
 * too long or empty, a value index out of range, counts larger than the
 * bytes could hold). */
int wordlist_decode(wordset *s, bool with_values, const uint8_t **p, const uint8_t *end);

#endif
