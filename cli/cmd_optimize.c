/*
 * cmd_optimize.c: `warta optimize [-i INDEX]`: merges all segments into one,
 * dropping deleted articles, and commits (warta_writer_optimize).
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char optimize_usage[] = "warta optimize [-i INDEX] [--quiet]";

static void optimize_help(void)
{
    printf("usage: %s\n"
           "\n"
           "Merges all segments of the index into one and drops deleted articles, in one\n"
           "commit.  Searches running meanwhile keep seeing the previous commit.\n"
           "\n"
           "Options:\n"
           "  -i, --index DIR   the index directory (default: $WARTA_INDEX, else ./warta-index)\n"
           "  -q, --quiet       print nothing on success\n"
           "      --help        show this help\n"
           "      --version     show the version\n"
           "\n"
           "Exit status: 0 ok, 3 corrupt index, 4 I/O error (or disk full), 5 index locked,\n"
           "6 no index there, 8 out of memory.\n",
           optimize_usage);
}

int cmd_optimize(int argc, char **argv)
{
    const char *dir;
    bool quiet;
    int first;
    int code = cli_parse_index_quiet("optimize", optimize_usage, optimize_help, argc, argv, &dir, &quiet,
                                     &first);
    if (code >= 0)
        return code;
    if (first < argc) {
        cli_error("optimize: unexpected argument '%s'", argv[first]);
        return cli_usage_error("optimize", optimize_usage);
    }
    dir = cli_index_path(dir);
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
    rc = warta_writer_optimize(w);
    if (rc) {
        cli_error("%s: %s", dir, warta_writer_errmsg(w)[0] ? warta_writer_errmsg(w)
                                                            : warta_strerror(rc));
        warta_writer_close(w);
        return cli_exit_code(rc);
    }
    warta_writer_info wi;
    warta_writer_get_info(w, &wi);
    warta_writer_close(w);
    if (!quiet)
        printf("%s: %llu articles in %llu segment%s\n", dir, (unsigned long long)wi.live,
               (unsigned long long)wi.segments, wi.segments == 1 ? "" : "s");
    return EXIT_OK;
}
