/*
 * fuzz_query.c: libFuzzer target for the query language (query/parse.c)
 * and its analysis into a plan (query/plan.c).  Any bytes must give either
 * a tree or WARTA_ESYNTAX with a one-line "query:1:COL: ..." message, in
 * bounded time and memory.  Seeds: seeds/fuzz_query/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query/parse.h"
#include "query/plan.h"
#include "warta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static warta_analyzer *an;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!an) {
        warta_analyzer_options o;
        memset(&o, 0, sizeof o);
        o.no_lexicon = true;
        if (warta_analyzer_open(&an, &o, NULL, 0) != 0)
            abort();
    }
    qarena a;
    arena_init(&a, 0);
    qnode *root = NULL;
    char err[256];
    int rc = qparse((const char *)data, size, &a, &root, err, sizeof err);
    if (rc == 0) {
        char tree[1024];
        qnode_format(root, tree, sizeof tree);
        qplan plan;
        rc = qplan_build(&plan, root, an, NULL, &a, err, sizeof err);
        if (rc == 0) {
            qplan_format(&plan, tree, sizeof tree);
            if (!plan.root || plan.nleaves == 0)
                abort();
        } else if (rc != WARTA_ESYNTAX && rc != WARTA_ENOMEM) {
            abort();
        }
    } else {
        if (rc != WARTA_ESYNTAX || strncmp(err, "query:1:", 8) != 0 || strchr(err, '\n'))
            abort();
    }
    arena_free(&a);
    return 0;
}
