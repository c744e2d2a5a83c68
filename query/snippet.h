/*
 * snippet.h: the best window of an article's text around the query's terms.
 * The text is analyzed again with the index's analyzer, so a match is an
 * index term of the query (stemmed forms included) and its byte offsets are
 * exact.  Called by searcher.c for each hit; tested by test_snippet.c.
 */
#ifndef WARTA_QUERY_SNIPPET_H
#define WARTA_QUERY_SNIPPET_H

#include "query/arena.h"
#include "query/exec.h"
#include "warta.h"

/* Text beyond this many bytes is not looked at for snippets. */
#define SNIPPET_MAX_SCAN (256 * 1024)

/* Makes a snippet of at most about max_chars characters of text[0..len):
 * the window with the most distinct query terms (then the most matches,
 * then the earliest), widened to max_chars on word boundaries, control
 * characters and runs of spaces made single spaces, invalid UTF-8 replaced
 * by U+FFFD, "..." where text was cut; never cut inside a character.  The
 * matched words come back as byte spans of the snippet.  Everything is
 * allocated from a.  With no text, *out is NULL.  Returns 0 or WARTA_ENOMEM. */
int snippet_make(warta_analyzer *an, const qplan *plan, const char *text, size_t len,
                 unsigned max_chars, qarena *a, const char **out, size_t *out_len,
                 const warta_span **spans, size_t *nspans);

/* The same over a plain list of terms (for tests and callers without a plan). */
int snippet_terms(warta_analyzer *an, const char *const *terms, const size_t *term_lens,
                  size_t nterms, const char *text, size_t len, unsigned max_chars, qarena *a,
                  const char **out, size_t *out_len, const warta_span **spans, size_t *nspans);

#endif
