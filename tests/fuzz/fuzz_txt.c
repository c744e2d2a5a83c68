/*
 * fuzz_txt.c: libFuzzer target for the .txt reader (corpus/txt.c), with
 * front matter and date lines reached through it.  Build and run: see
 * docs/FUZZING.md.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_corpus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_read(data, size, "fuzz.txt", CORPUS_TXT);
    return 0;
}
