/*
 * fuzz_jsonl.c: libFuzzer target for the JSON Lines and .json readers
 * (corpus/jsonl.c).  Besides the article checks of fuzz_corpus.h, every
 * line the fast parser accepts is parsed by jansson too, and both must give
 * the same fields: the fast path may decline a line, never misread one.
 * Build and run: see docs/FUZZING.md.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_corpus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_or_abort(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen || (alen && memcmp(a, b, alen) != 0))
        abort();
}

static void differential(const char *line, size_t len)
{
    warta_walk_callbacks cb = {0};
    warta_walk_stats st = {0};
    corpus_reader r;
    corpus_reader_init(&r, "fuzz.jsonl", NULL, &cb, &st);
    size_t fixed_len;
    const char *fixed = corpus_utf8_repair(line, len, &r.fix, &fixed_len);
    if (fixed) {
        corpus_fields fast, slow;
        if (jsonl_fast_fields(&r, fixed, fixed_len, &fast)) {
            json_t *root = NULL;
            char msg[160];
            int col;
            if (jsonl_slow_fields(&r, fixed, fixed_len, &slow, &root, msg, sizeof msg, &col, 1) != 1)
                abort();
            same_or_abort(fast.id, fast.id_len, slow.id, slow.id_len);
            same_or_abort(fast.title, fast.title_len, slow.title, slow.title_len);
            same_or_abort(fast.body, fast.body_len, slow.body, slow.body_len);
            same_or_abort(fast.date, fast.date_len, slow.date, slow.date_len);
            same_or_abort(fast.time, fast.time_len, slow.time, slow.time_len);
            same_or_abort(fast.url, fast.url_len, slow.url, slow.url_len);
            same_or_abort(fast.source, fast.source_len, slow.source, slow.source_len);
            same_or_abort(fast.author, fast.author_len, slow.author, slow.author_len);
            same_or_abort(fast.tags, fast.tags_len, slow.tags, slow.tags_len);
            json_decref(root);
        }
    }
    corpus_reader_finish(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_read(data, size, "fuzz.jsonl", CORPUS_JSONL);
    fuzz_read(data, size, "fuzz.json", CORPUS_JSON);
    const char *s = (const char *)data;
    size_t off = 0;
    while (off < size) {
        const char *e = memchr(s + off, '\n', size - off);
        size_t n = e ? (size_t)(e - s) - off : size - off;
        differential(s + off, n);
        off += n + 1;
    }
    return 0;
}
