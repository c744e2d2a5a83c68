/*
 * fuzz_corpus.h: what the corpus/ fuzz targets (fuzz_txt, fuzz_markdown,
 * fuzz_jsonl) share: walk callbacks that check the promises every article
 * keeps whatever the input (valid UTF-8 without NUL bytes in every field, a
 * well-formed ISO 8601 date, a non-empty id, a title or a body) and abort()
 * when one is broken, so that libFuzzer reports the input.
 */
#ifndef WARTA_FUZZ_CORPUS_H
#define WARTA_FUZZ_CORPUS_H

#include <stdlib.h>
#include <string.h>

#include "corpus/corpus.h"
#include "warta.h"

static void fuzz_check_text(const char *s, size_t len)
{
    if (len && !s)
        abort();
    if (!s)
        return;
    if (corpus_utf8_valid_prefix(s, len) != len)
        abort();
    if (memchr(s, '\0', len))
        abort();
}

static void fuzz_check_date(const char *s, size_t len)
{
    if (!s)
        return;
    /* YYYY-MM-DD, optionally THH:MM or THH:MM:SS */
    if (len != 10 && len != 16 && len != 19)
        abort();
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    for (size_t i = 0; i < len; i++) {
        if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
            abort();
    }
}

static int fuzz_article(void *ctx, const warta_article *a)
{
    (void)ctx;
    fuzz_check_text(a->id, a->id_len);
    fuzz_check_text(a->title, a->title_len);
    fuzz_check_text(a->body, a->body_len);
    fuzz_check_text(a->url, a->url_len);
    fuzz_check_text(a->source, a->source_len);
    fuzz_check_text(a->author, a->author_len);
    fuzz_check_text(a->tags, a->tags_len);
    fuzz_check_date(a->date, a->date_len);
    if (a->id_len == 0 || (a->title_len == 0 && a->body_len == 0))
        abort();
    return 0;
}

static void fuzz_problem(void *ctx, const char *path, unsigned line, const char *what, bool skipped)
{
    (void)ctx, (void)path, (void)line, (void)skipped;
    if (!what || !*what || strchr(what, '\n'))
        abort(); /* a message is one non-empty line */
}

/* Reads data as one file of the given format and checks the totals. */
static void fuzz_read(const uint8_t *data, size_t size, const char *path, int format)
{
    warta_walk_callbacks cb = {.article = fuzz_article, .problem = fuzz_problem, .ctx = NULL};
    warta_walk_stats st = {0};
    int rc = corpus_read_buffer(path, NULL, (const char *)data, size, format, &cb, &st);
    if (rc != 0 && rc != WARTA_ENOMEM)
        abort();
    if (st.files != 1 || st.bytes != size)
        abort();
}

#endif
