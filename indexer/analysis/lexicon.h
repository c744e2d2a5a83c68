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

/* A word list (with values) read in place: opening checks it as
 * wordlist_decode() does and keeps a copy plus every WORDLIST_RESTART-th
 * key, so that a lookup is a binary search and a short scan, and opening
 * builds no hash table (what a one-query process wants).  Owns its memory. */
#define WORDLIST_RESTART 8
typedef struct wordlist_index {
    uint8_t *bytes;             /* copy of the encoded list */
    size_t len;                 /* its length */
    size_t entries;             /* offset of the first key entry in bytes */
    uint32_t *vals;             /* the distinct values */
    uint64_t nvals;
    uint64_t count;             /* keys */
    uint32_t nrest;             /* restart points: keys 0, R, 2R, ... */
    uint32_t *rest_next;        /* per restart: offset in bytes of the entry after its key */
    uint32_t *rest_key;         /* per restart: offset in keys of (u8 length, bytes, u32 value) */
    char *keys;                 /* restart keys */
    uint32_t first[257];        /* restarts whose key starts with byte c: first[c] .. first[c+1] */
} wordlist_index;

/* Opens what wordlist_encode(s, true, ...) wrote at [*p, end), advancing
 * *p.  0, WARTA_ENOMEM or WARTA_ECORRUPT (the same refusals as
 * wordlist_decode). */
int wordlist_index_open(wordlist_index *ix, const uint8_t **p, const uint8_t *end);
/* wordset_get() over the list (ix is a const wordlist_index *). */
bool wordlist_index_get(const void *ix, const char *key, size_t len, uint32_t *val);
/* Decodes the whole list into the empty initialized set s. */
int wordlist_index_fill(const wordlist_index *ix, wordset *s);
void wordlist_index_free(wordlist_index *ix);

#endif
