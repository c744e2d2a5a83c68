/*
 * cmd_delete.c: `warta delete [-i INDEX] ID...`: removes articles by
 * external id (deletion bitmaps, applied at search time and dropped at the
 * next merge), in one commit.  An id with no live article is reported and
 * makes the exit status 6; the others are still deleted.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char delete_usage[] = "warta delete [-i INDEX] [--quiet] ID...";

static void delete_help(void)
{
    printf("usage: %s\n"
           "\n"
           "Removes the articles with these external ids from the index, in one commit.\n"
           "Deleted articles disappear from search at once; their space is reclaimed when\n"
           "segments are merged (warta optimize).\n"
           "\n"
           "Options:\n"
           "  -i, --index DIR   the index directory (default: $WARTA_INDEX, else ./warta-index)\n"
           "  -q, --quiet       print nothing on success\n"
           "      --help        show this help\n"
           "      --version     show the version\n"
           "\n"
           "Exit status: 0 all deleted, 6 some id had no live article (the others are\n"
           "deleted), 3 corrupt index, 4 I/O error, 5 index locked, 8 out of memory.\n",
           delete_usage);
}

int cmd_delete(int argc, char **argv)
{
    const char *dir;
    bool quiet;
    int first;
    int code = cli_parse_index_quiet("delete", delete_usage, delete_help, argc, argv, &dir, &quiet,
                                     &first);
    if (code >= 0)
        return code;
    if (first >= argc) {
        cli_error("delete: no ID given (name the ids of the articles to remove)");
        return cli_usage_error("delete", delete_usage);
    }
    dir = cli_index_path(dir);
    /* deleting from a missing index must not create one */
    warta_index *ix = NULL;
    char err[512] = "";
    int rc = warta_index_open(&ix, dir, err, sizeof err);
    warta_index_close(ix);
    if (rc) {
        cli_error("%s", err[0] ? err : warta_strerror(rc));
        return cli_exit_code(rc);
    }
    warta_writer *w = NULL;
    rc = warta_writer_open(&w, dir, NULL, err, sizeof err);
    if (rc) {
        cli_error("%s", err[0] ? err : warta_strerror(rc));
        return cli_exit_code(rc);
    }
    code = EXIT_OK;
    unsigned long deleted = 0;
    for (int i = first; i < argc; i++) {
        rc = warta_writer_delete(w, argv[i], strlen(argv[i]));
        if (rc == WARTA_ENOTFOUND) {
            cli_error("%s: no live article has id '%s'", dir, argv[i]);
            code = EXIT_NOTFOUND;
            continue;
        }
        if (rc) {
            cli_error("%s: %s", dir, warta_writer_errmsg(w));
            warta_writer_close(w);
            return cli_exit_code(rc);
        }
        deleted++;
    }
    rc = warta_writer_commit(w);
    if (rc) {
        cli_error("%s: %s (nothing was deleted)", dir, warta_writer_errmsg(w)[0]
                  ? warta_writer_errmsg(w) : warta_strerror(rc));
        warta_writer_close(w);
        return cli_exit_code(rc);
    }
    warta_writer_close(w);
    if (!quiet)
        printf("deleted %lu article%s\n", deleted, deleted == 1 ? "" : "s");
    return code;
}
