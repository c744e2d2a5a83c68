/*
 * fuzz_markdown.c: libFuzzer target for the .md reader (corpus/markdown.c):
 * YAML front matter through libyaml and Markdown syntax removal.  Build and
 * run: see docs/FUZZING.md.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_corpus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_read(data, size, "fuzz.md", CORPUS_MARKDOWN);
    /* The stripper alone must keep every byte count sane too. */
    wbuf out = WBUF_INIT;
    markdown_strip((const char *)data, size, &out);
    if (!out.oom && out.len > size * 2 + 16)
        abort();
    wbuf_free(&out);
    return 0;
}
