/*
 * stopwords.h: the Indonesian stopword list (written for warta: function
 * words and question words, see docs/ANALYSIS.md) and loading a
 * replacement list from a file.  Called by analyzer.c.
 */
#ifndef WARTA_STOPWORDS_H
#define WARTA_STOPWORDS_H

#include <stddef.h>

#include "normalize.h"
#include "wordset.h"

/* Fills the empty initialized set with the built-in list.  0 or WARTA_ENOMEM. */
int stopwords_builtin(wordset *s);

/* Fills the empty initialized set from a file: one word a line, blank
 * lines and lines starting with '#' ignored, words normalized like text.
 * Returns 0, WARTA_EIO (err names the file and why), WARTA_ENOMEM. */
int stopwords_load(wordset *s, normalizer *nz, const char *path, char *err, size_t errlen);

/* The built-in list, NULL-terminated (for docs and tests). */
extern const char *const stopwords_default[];

#endif
