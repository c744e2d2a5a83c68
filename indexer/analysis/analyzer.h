/*
 * analyzer.h: the internal interface of indexer/analysis/ for indexer/ (the
 * build pipeline and the segment writer) and query/ (queries are analyzed
 * with the same analyzer).  The public half (warta_analyzer_open, _clone,
 * _close, warta_analyze, warta_stem) is in include/warta.h; this header adds
 * what the index needs: analysis with a starting position, and storing the
 * analyzer (configuration + root lexicon) inside an index so that searching
 * always stems exactly as indexing did.
 *
 * Threads: a warta_analyzer is used by one thread at a time.  Its lexicon
 * and stopword set are immutable and shared (refcounted) between an analyzer
 * and its clones, so N threads cost one lexicon plus N small stem caches.
 */
#ifndef WARTA_ANALYZER_H
#define WARTA_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "corpus/base.h"
#include "warta.h"

/* Version of the stemming rules and token rules.  Stored in the serialized
 * analyzer; an index written with a newer version is refused (WARTA_EFORMAT). */
#define ANALYSIS_RULES_VERSION 5

/* Analyzes text like warta_analyze(), but the first token gets position
 * first_pos, and *next_pos (if not NULL) receives the first free position
 * after the text (first_pos when the text has no words).  The indexer
 * analyzes an article's title with first_pos 0 and its body with first_pos
 * = the title's *next_pos, so body positions continue after the title.
 * Token offsets are byte offsets into text.  t->term is borrowed until fn
 * returns.  Stopwords consume a position even when not passed to fn.
 * Returns 0, WARTA_ENOMEM, or fn's non-zero value (analysis stops there). */
int analysis_run(warta_analyzer *a, const char *text, size_t len, uint32_t first_pos,
                 int (*fn)(void *ctx, const warta_token *t), void *ctx, uint32_t *next_pos);

/* Appends to out a compact, deterministic description of the analyzer: the
 * rules version, its options (no_stem, keep_stopwords, no_lexicon), the
 * stopword list and the sorted root set, front-coded, with a CRC32 at the
 * end.  Two analyzers with the same configuration and roots serialize to the
 * same bytes.  Paths are not stored (the data is).  About 200 KB with the
 * default lexicon.  Returns 0 or WARTA_ENOMEM (out->oom is then set). */
int analysis_serialize(const warta_analyzer *a, wbuf *out);

/* Opens an analyzer from bytes written by analysis_serialize() (no file is
 * read).  Any bytes are safe: bad magic, checksum, truncation, unsorted or
 * oversized entries give WARTA_ECORRUPT, a newer rules version gives
 * WARTA_EFORMAT; err (errlen bytes, may be NULL) says what was wrong.  The
 * bytes are copied: p may go once this returns.  Returns 0, WARTA_ENOMEM,
 * WARTA_ECORRUPT, WARTA_EFORMAT; on failure *out is NULL. */
int analysis_open_serialized(warta_analyzer **out, const void *p, size_t len,
                             char *err, size_t errlen);

/* The same over len bytes at off of a read-only mapping (mmap) of map_len
 * bytes, which the analyzer takes over whatever the outcome (the root list
 * is then read in place, not copied; the mapping is unmapped when the
 * analyzer and its clones are closed, or at once on failure).  The caller
 * has checked the bytes (the analyzer file's checksum covers them), so
 * their own checksum is not computed again. */
int analysis_open_serialized_mapped(warta_analyzer **out, const void *map, size_t map_len,
                                    size_t off, size_t len, char *err, size_t errlen);

/* Normalizes one word without stemming or stopword removal (NFKC, case
 * folding, diacritics folded, apostrophes and number separators as in
 * analysis), for prefix queries (`word*`).  Replaces out's contents.
 * Returns 0 or WARTA_ENOMEM. */
int analysis_normalize(warta_analyzer *a, const char *word, size_t len, wbuf *out);

/* True when the analyzer would drop this normalized word as a stopword,
 * alone or with a clitic ("itulah"); false when keep_stopwords is set. */
bool analysis_is_stopword(const warta_analyzer *a, const char *word, size_t len);

/* Number of roots in the lexicon (0 with no_lexicon). */
size_t analysis_lexicon_size(const warta_analyzer *a);

/* The options the analyzer runs with (paths are NULL for an analyzer opened
 * from serialized bytes). */
warta_analyzer_options analysis_options(const warta_analyzer *a);

#endif
