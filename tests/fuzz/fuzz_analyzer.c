/*
 * fuzz_analyzer.c: libFuzzer target for text analysis (indexer/analysis/).
 * The first byte picks what the rest is fed to:
 *   0: warta_analyze with the default analyzer (lexicon when installed);
 *      every token must lie inside the text, in order, with a non-empty term;
 *   1: the same with a rules-only, keep-stopwords analyzer;
 *   2: warta_stem;
 *   3: analysis_open_serialized; what opens must analyze, and serialize to
 *      canonical bytes that open again and serialize to themselves.
 * Seeds: seeds/fuzz_analyzer/ (texts, words, a serialized analyzer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/analysis/analyzer.h"
#include "warta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static warta_analyzer *full, *rules;

typedef struct check {
    size_t len;          /* text length */
    size_t last_start;   /* start of the previous token */
    uint32_t last_pos;   /* its position */
    size_t n;            /* tokens seen */
} check;

static int on_token(void *ctx, const warta_token *t)
{
    check *c = ctx;
    if (t->start >= t->end || t->end > c->len || t->term_len == 0 || !t->term)
        abort();
    if (c->n && (t->start < c->last_start || t->position <= c->last_pos))
        abort();
    c->last_start = t->start;
    c->last_pos = t->position;
    c->n++;
    return 0;
}

static void analyze(warta_analyzer *a, const char *text, size_t len)
{
    check c = {len, 0, 0, 0};
    if (warta_analyze(a, text, len, on_token, &c) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!full) {
        if (warta_analyzer_open(&full, NULL, NULL, 0) != 0) {
            warta_analyzer_options o = {.no_lexicon = true};
            if (warta_analyzer_open(&full, &o, NULL, 0) != 0)
                abort();
        }
        warta_analyzer_options o = {.no_lexicon = true, .keep_stopwords = true};
        if (warta_analyzer_open(&rules, &o, NULL, 0) != 0)
            abort();
    }
    if (size == 0)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    switch (data[0] & 3) {
    case 0:
        analyze(full, text, len);
        break;
    case 1:
        analyze(rules, text, len);
        break;
    case 2: {
        char out[256];
        int n = warta_stem(full, text, len, out, sizeof out);
        if (n >= (int)sizeof out || (n >= 0 && out[n] != '\0'))
            abort();
        break;
    }
    default: {
        warta_analyzer *a;
        if (analysis_open_serialized(&a, text, len, NULL, 0) != 0)
            break;
        analyze(a, "Pemerintah menulis berita anak-anak 10/9/2019", 45);
        /* What opened serializes to canonical bytes that open again and
         * serialize to themselves. */
        wbuf b = WBUF_INIT, b2 = WBUF_INIT;
        warta_analyzer *a2;
        if (analysis_serialize(a, &b) != 0 ||
            analysis_open_serialized(&a2, b.data, b.len, NULL, 0) != 0)
            abort();
        if (analysis_serialize(a2, &b2) != 0 || b2.len != b.len || memcmp(b.data, b2.data, b.len))
            abort();
        warta_analyzer_close(a2);
        wbuf_free(&b);
        wbuf_free(&b2);
        warta_analyzer_close(a);
        break;
    }
    }
    return 0;
}
