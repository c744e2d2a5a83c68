/*
 * main.c: the `warta` command.  Dispatches `warta <command> [options]` to
 * cmd_<command>() through one table, and answers --help, --version and
 * `warta help <command>`.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

typedef struct command {
    const char *name;                      /* as typed after `warta` */
    int (*run)(int argc, char **argv);     /* argv[0] is the name */
    const char *summary;                   /* one line for `warta --help` */
} command;

static const command commands[] = {
#ifdef WARTA_HAVE_CMD_INDEX
    {"index", cmd_index, "build or add to an index from article files"},
#endif
#ifdef WARTA_HAVE_CMD_SEARCH
    {"search", cmd_search, "search an index and print ranked articles"},
#endif
#ifdef WARTA_HAVE_CMD_ANALYZE
    {"analyze", cmd_analyze, "print the index terms of a text"},
#endif
#ifdef WARTA_HAVE_CMD_STEM
    {"stem", cmd_stem, "print the stem of each word"},
#endif
#ifdef WARTA_HAVE_CMD_DELETE
    {"delete", cmd_delete, "remove articles from an index by id"},
#endif
#ifdef WARTA_HAVE_CMD_OPTIMIZE
    {"optimize", cmd_optimize, "merge an index's segments into one"},
#endif
#ifdef WARTA_HAVE_CMD_STATS
    {"stats", cmd_stats, "print an index's size and statistics"},
#endif
#ifdef WARTA_HAVE_CMD_CHECK
    {"check", cmd_check, "verify an index's checksums and structure"},
#endif
#ifdef WARTA_HAVE_CMD_BENCH
    {"bench", cmd_bench, "time queries or indexing"},
#endif
};

static const size_t ncommands = sizeof commands / sizeof commands[0];

static void print_help(FILE *f)
{
    fputs("usage: warta <command> [options] [arguments]\n"
          "       warta help <command>\n"
          "       warta --version\n"
          "\n"
          "Full-text search for Indonesian news.\n"
          "\n"
          "Commands:\n", f);
    for (size_t i = 0; i < ncommands; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "Run 'warta help <command>' or 'warta <command> --help' for a command's options.\n"
          "Exit codes: 0 ok, 1 some inputs skipped, 2 usage, 3 corrupt or incompatible index,\n"
          "4 I/O error, 5 index locked, 6 not found, 7 lexicon missing, 8 out of memory.\n", f);
}

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < ncommands; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_help(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("warta %s\n", warta_version());
        return EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            print_help(stdout);
            return EXIT_OK;
        }
        const command *c = find_command(argv[2]);
        if (!c) {
            cli_error("'%s' is not a warta command; see 'warta --help'", argv[2]);
            return EXIT_USAGE;
        }
        char *sub[] = {(char *)c->name, "--help", NULL};
        return c->run(2, sub);
    }
    if (name[0] == '-') {
        cli_error("unknown option '%s'", name);
        fputs("usage: warta <command> [options] [arguments]\n", stderr);
        return EXIT_USAGE;
    }
    const command *c = find_command(name);
    if (!c) {
        cli_error("'%s' is not a warta command; see 'warta --help'", name);
        return EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
