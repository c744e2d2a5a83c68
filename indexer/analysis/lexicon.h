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

/* A word list with values stored ready to search (the roots of an index's
 * analyzer), so that opening it costs the same whatever its size and
 * builds nothing (what a one-query process wants):
 *   u32le count, nvals, nrest, list_len
 *   u32le vals[nvals]            the distinct values, ascending
 *   u32le first[257]             restarts whose key starts with byte c:
 *                                first[c] .. first[c + 1] - 1; first[256] = nrest
 *   u8    prefix[nrest][8]       each restart key's first 8 bytes, zero-padded
 *   u32le off[nrest]             each restart key's entry, from the list's start
 *   list  count entries          varint shared, varint suffix_len, suffix bytes,
 *                                varint value index; keys ascending bytewise,
 *                                shared = 0 every WORDLIST_RESTART keys (restarts)
 * A lookup is a binary search over the restarts of its first byte (on the
 * 8-byte prefixes) and a scan of at most WORDLIST_RESTART entries. */
#define WORDLIST_RESTART 8
typedef struct wordlist_index {
    uint8_t *bytes;             /* copy of the stored index (NULL when read in place) */
    size_t len;                 /* its length */
    uint64_t count;             /* keys */
    uint64_t nvals;             /* distinct values */
    uint32_t nrest;             /* restarts: keys 0, R, 2R, ... */
    const uint8_t *vals;        /* nvals x u32le, into bytes */
    const uint8_t *first;       /* 257 x u32le */
    const uint8_t *pfx;         /* nrest x 8 bytes */
    const uint8_t *off;         /* nrest x u32le */
    const uint8_t *list;        /* the entries */
    size_t list_len;            /* their bytes */
} wordlist_index;

/* Appends s (keys with values) in the stored form above.  Deterministic.
 * Errors are left in out->oom. */
void wordlist_index_encode(const wordset *s, wbuf *out);
/* Opens the stored form at [*p, end), advancing *p past it: checks the
 * sizes and the first-byte table only (constant time; the bytes are
 * trusted to the checksum around them, and lookups stay within them
 * whatever they hold).  0, WARTA_ENOMEM or WARTA_ECORRUPT. */
int wordlist_index_open(wordlist_index *ix, const uint8_t **p, const uint8_t *end);
/* The same without a copy: the bytes must outlive ix. */
int wordlist_index_open_in_place(wordlist_index *ix, const uint8_t **p, const uint8_t *end);
/* wordset_get() over the list (ix is a const wordlist_index *). */
bool wordlist_index_get(const void *ix, const char *key, size_t len, uint32_t *val);
/* Decodes the whole list into the empty initialized set s, checking the
 * order of the keys.  0, WARTA_ENOMEM or WARTA_ECORRUPT. */
int wordlist_index_fill(const wordlist_index *ix, wordset *s);
void wordlist_index_free(wordlist_index *ix);

#endif
