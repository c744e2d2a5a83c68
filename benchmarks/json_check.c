/*
 * json_check.c: validates that a file (or stdin) holds exactly one JSON
 * document, and prints top-level fields of an object for the shell scripts
 * (compare.sh, eval.sh, scale.sh read `warta bench --json` and
 * `warta stats --json` with it, so they need no jq).  Used by the tests of
 * `warta bench --json`.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "benchlib.h"

static const char usage[] =
    "usage: json_check [--get KEY]... [FILE]\n"
    "Exit 0 when FILE (default stdin) is one JSON document; with --get, prints\n"
    "each top-level KEY's value on its own line (a dotted KEY descends into\n"
    "objects; a missing key prints an empty line and exits 1).\n";

/* Prints a scalar value, or the JSON text of an array or object. */
static void print_value(const json_t *v)
{
    if (json_is_string(v))
        printf("%s\n", json_string_value(v));
    else if (json_is_integer(v))
        printf("%lld\n", (long long)json_integer_value(v));
    else if (json_is_real(v))
        printf("%.15g\n", json_real_value(v));
    else if (json_is_true(v))
        puts("true");
    else if (json_is_false(v))
        puts("false");
    else if (json_is_null(v))
        puts("null");
    else {
        char *s = json_dumps(v, JSON_COMPACT);
        printf("%s\n", s ? s : "");
        free(s);
    }
}

/* Follows a dotted key ("bytes.postings") through nested objects. */
static const json_t *lookup(const json_t *root, const char *key)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", key);
    const json_t *v = root;
    char *save = NULL;
    for (char *part = strtok_r(buf, ".", &save); part && v; part = strtok_r(NULL, ".", &save))
        v = json_is_object(v) ? json_object_get(v, part) : NULL;
    return v;
}

int main(int argc, char **argv)
{
    bl_set_progname(argv[0]);
    const char *keys[64];
    size_t nkeys = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--get") == 0 && i + 1 < argc && nkeys < 64) {
            keys[nkeys++] = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fputs(usage, stderr);
            return 2;
        } else if (!path) {
            path = argv[i];
        } else {
            fputs(usage, stderr);
            return 2;
        }
    }
    json_error_t err;
    json_t *root = path && strcmp(path, "-") != 0 ? json_load_file(path, 0, &err)
                                                    : json_loadf(stdin, 0, &err);
    if (!root) {
        bl_error("%s:%d:%d: %s", path ? path : "stdin", err.line, err.column, err.text);
        return 1;
    }
    int rc = 0;
    for (size_t i = 0; i < nkeys; i++) {
        const json_t *v = lookup(root, keys[i]);
        if (!v) {
            puts("");
            rc = 1;
        } else {
            print_value(v);
        }
    }
    json_decref(root);
    return rc;
}
