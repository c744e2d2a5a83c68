/*
 * writer.h: internals of the build pipeline (indexer/writer.c) that tests
 * and the segment layer need beyond include/warta.h: the merge policy's
 * constants and test hooks.
 */
#ifndef WARTA_WRITER_H
#define WARTA_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "warta.h"

/* Tiered merge policy: after a commit, while more than WRITER_MERGE_MAX
 * segments are live, the contiguous run of WRITER_MERGE_FACTOR segments with
 * the fewest bytes is merged into one. */
#define WRITER_MERGE_FACTOR 8
#define WRITER_MERGE_MAX 10

/* Articles per analysis batch at most (a batch is also one document-store
 * block of about DOCSTORE_BLOCK raw bytes). */
#define WRITER_BATCH_DOCS 256

/* Bytes of the first articles used to build the document store's preset
 * dictionary. */
#define WRITER_DICT_SAMPLE (1024 * 1024)

/* Test hook: documents per segment before a flush regardless of memory
 * (0 = by memory only).  Lets tests make many small segments. */
extern uint32_t writer_test_flush_docs;

#endif
