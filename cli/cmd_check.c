/*
 * cmd_check.c: `warta check [-i INDEX]`: verifies every checksum and
 * structural invariant of an index (warta_index_check).  Prints "ok" with a
 * one-line summary on stdout and exits 0 when sound; otherwise one line on
 * stderr naming the file and the fault, exit 3 (corrupt or incompatible).
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char check_usage[] = "warta check [-i INDEX] [--quiet]";

static void check_help(void)
{
    printf("usage: %s\n"
           "\n"
           "Verifies an index: the manifest, the stored analyzer, every segment file's\n"
           "checksums, and every structural invariant (sorted terms, increasing docids,\n"
           "frequencies within document lengths, positions ascending, block bounds,\n"
           "document lengths equal to their postings, every stored article readable,\n"
           "the id table).  Reads the whole index.\n"
           "\n"
           "Options:\n"
           "  -i, --index DIR   the index directory (default: $WARTA_INDEX, else ./warta-index)\n"
           "  -q, --quiet       print nothing when the index is sound\n"
           "      --help        show this help\n"
           "      --version     show the version\n"
           "\n"
           "Exit status: 0 sound, 3 corrupt or incompatible, 4 I/O error, 6 no index there,\n"
           "8 out of memory.\n",
           check_usage);
}

int cmd_check(int argc, char **argv)
{
    const char *dir;
    bool quiet;
    int first;
    int code = cli_parse_index_quiet("check", check_usage, check_help, argc, argv, &dir, &quiet,
                                     &first);
    if (code >= 0)
        return code;
    if (first < argc) {
        cli_error("check: unexpected argument '%s'", argv[first]);
        return cli_usage_error("check", check_usage);
    }
    dir = cli_index_path(dir);
    char err[512] = "";
    int rc = warta_index_check(dir, err, sizeof err);
    if (rc) {
        cli_error("%s", err[0] ? err : warta_strerror(rc));
        return cli_exit_code(rc);
    }
    if (!quiet) {
        warta_index *ix = NULL;
        warta_index_info info;
        if (warta_index_open(&ix, dir, err, sizeof err) == 0 && warta_index_get_info(ix, &info) == 0)
            printf("ok: %s: %llu article%s, %llu segment%s, %llu terms, %llu postings checked\n",
                   dir, (unsigned long long)info.live, info.live == 1 ? "" : "s",
                   (unsigned long long)info.segments, info.segments == 1 ? "" : "s",
                   (unsigned long long)info.terms, (unsigned long long)info.postings);
        else
            printf("ok: %s\n", dir);
        warta_index_close(ix);
    }
    return EXIT_OK;
}
