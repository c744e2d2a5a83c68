/*
 * cmd_stats.c: `warta stats [-i INDEX] [--json]`: articles (live, deleted),
 * segments, distinct terms, postings, positions, bytes per component, bits
 * per posting, average document length and how the index was built
 * (warta_index_get_info).  Human-readable table, or one JSON object.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char stats_usage[] = "warta stats [-i INDEX] [--json]";

static void stats_help(void)
{
    printf("usage: %s\n"
           "\n"
           "Prints an index's size and statistics: articles (live and deleted), segments,\n"
           "distinct terms, postings, positions, bytes per component, bits per posting,\n"
           "average article length in index terms, and how the index was built.\n"
           "\n"
           "Options:\n"
           "  -i, --index DIR   the index directory (default: $WARTA_INDEX, else ./warta-index)\n"
           "      --json        one JSON object instead of the table\n"
           "      --help        show this help\n"
           "      --version     show the version\n"
           "\n"
           "JSON fields: articles, deleted, segments, generation, terms, postings, positions,\n"
           "bytes {dictionary, postings, positions, lengths, ids, store, other, index_without_text,\n"
           "total}, bits_per_posting, bits_per_position, avg_doc_len, build.\n"
           "\n"
           "Exit status: 0 ok, 3 corrupt or incompatible index, 4 I/O error, 6 no index.\n",
           stats_usage);
}

static void json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

int cmd_stats(int argc, char **argv)
{
    enum { OPT_HELP = 256, OPT_VERSION, OPT_JSON };
    static const struct option longopts[] = {
        {"index", required_argument, NULL, 'i'}, {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, OPT_HELP},   {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL;
    bool json = false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "i:", longopts, NULL)) != -1) {
        switch (c) {
        case 'i':
            dir = optarg;
            break;
        case OPT_JSON:
            json = true;
            break;
        case OPT_HELP:
            stats_help();
            return EXIT_OK;
        case OPT_VERSION:
            printf("warta %s\n", warta_version());
            return EXIT_OK;
        default:
            return cli_bad_option("stats", stats_usage, argv);
        }
    }
    if (optind < argc) {
        cli_error("stats: unexpected argument '%s'", argv[optind]);
        return cli_usage_error("stats", stats_usage);
    }
    dir = cli_index_path(dir);
    char err[512] = "";
    warta_index *ix = NULL;
    int rc = warta_index_open(&ix, dir, err, sizeof err);
    warta_index_info in;
    if (!rc)
        rc = warta_index_get_info(ix, &in);
    if (rc) {
        cli_error("%s", err[0] ? err : warta_strerror(rc));
        warta_index_close(ix);
        return cli_exit_code(rc);
    }
    uint64_t no_text = in.bytes_dictionary + in.bytes_postings + in.bytes_positions + in.bytes_lengths;
    double bpp = in.postings ? 8.0 * (double)(in.bytes_postings) / (double)in.postings : 0.0;
    double bppos = in.positions ? 8.0 * (double)in.bytes_positions / (double)in.positions : 0.0;
    if (json) {
        printf("{\"index\": ");
        json_string(dir);
        printf(", \"articles\": %llu, \"deleted\": %llu, \"segments\": %llu, \"generation\": %llu, "
               "\"terms\": %llu, \"postings\": %llu, \"positions\": %llu, \"bytes\": {"
               "\"dictionary\": %llu, \"postings\": %llu, \"positions\": %llu, \"lengths\": %llu, "
               "\"ids\": %llu, \"store\": %llu, \"other\": %llu, \"index_without_text\": %llu, "
               "\"total\": %llu}, \"bits_per_posting\": %.3f, \"bits_per_position\": %.3f, "
               "\"avg_doc_len\": %.3f, \"build\": ",
               (unsigned long long)in.live, (unsigned long long)in.deleted,
               (unsigned long long)in.segments, (unsigned long long)in.generation,
               (unsigned long long)in.terms, (unsigned long long)in.postings,
               (unsigned long long)in.positions, (unsigned long long)in.bytes_dictionary,
               (unsigned long long)in.bytes_postings, (unsigned long long)in.bytes_positions,
               (unsigned long long)in.bytes_lengths, (unsigned long long)in.bytes_ids,
               (unsigned long long)in.bytes_store, (unsigned long long)in.bytes_other,
               (unsigned long long)no_text, (unsigned long long)in.bytes_total, bpp, bppos,
               in.avg_doc_len);
        json_string(in.build_info);
        printf("}\n");
    } else {
        printf("index             %s\n", dir);
        printf("articles          %llu live, %llu deleted\n", (unsigned long long)in.live,
               (unsigned long long)in.deleted);
        printf("segments          %llu (commit %llu)\n", (unsigned long long)in.segments,
               (unsigned long long)in.generation);
        printf("distinct terms    %llu\n", (unsigned long long)in.terms);
        printf("postings          %llu (%.2f bits each, skip data included)\n",
               (unsigned long long)in.postings, bpp);
        printf("positions         %llu (%.2f bits each)\n", (unsigned long long)in.positions, bppos);
        printf("avg doc length    %.1f index terms\n", in.avg_doc_len);
        printf("bytes\n");
        printf("  dictionary      %12llu\n", (unsigned long long)in.bytes_dictionary);
        printf("  docids+freqs    %12llu\n", (unsigned long long)in.bytes_postings);
        printf("  positions       %12llu\n", (unsigned long long)in.bytes_positions);
        printf("  lengths/dates   %12llu\n", (unsigned long long)in.bytes_lengths);
        printf("  index w/o text  %12llu\n", (unsigned long long)no_text);
        printf("  id table        %12llu\n", (unsigned long long)in.bytes_ids);
        printf("  document store  %12llu\n", (unsigned long long)in.bytes_store);
        printf("  other           %12llu\n", (unsigned long long)in.bytes_other);
        printf("  total           %12llu\n", (unsigned long long)in.bytes_total);
        printf("built             %s\n", in.build_info);
    }
    warta_index_close(ix);
    return EXIT_OK;
}
