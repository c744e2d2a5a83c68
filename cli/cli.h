/*
 * cli.h: what the subcommands of the `warta` command share: the documented
 * exit codes, one-line messages, and mapping library codes to exit codes.
 * Subcommands use only include/warta.h and this header.
 */
#ifndef WARTA_CLI_H
#define WARTA_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "warta.h"

/* Exit codes, documented in README ("Exit codes") and warta(1). */
enum {
    EXIT_OK = 0,          /* everything done */
    EXIT_PARTIAL = 1,     /* done, but some inputs were skipped (each reported on stderr) */
    EXIT_USAGE = 2,       /* bad command line, malformed query or configuration */
    EXIT_CORRUPT = 3,     /* the index is corrupt or of an incompatible format version */
    EXIT_IO = 4,          /* a file could not be read or written (including a full disk) */
    EXIT_LOCKED = 5,      /* another process is writing the index */
    EXIT_NOTFOUND = 6,    /* no index at that path, or no such article */
    EXIT_NOLEXICON = 7,   /* the stemmer's root lexicon is missing (install hunspell-id) */
    EXIT_NOMEM = 8        /* out of memory */
};

/* Maps a WARTA_E* code to the exit code above. */
int cli_exit_code(int rc);

/* Prints "warta: <message>\n" on stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Prints "usage: <usage>\nTry 'warta help <cmd>' for more.\n" on stderr and
 * returns EXIT_USAGE, for unknown options and missing arguments. */
int cli_usage_error(const char *cmd, const char *usage);

/* The index directory: the -i value if given, else $WARTA_INDEX, else
 * ./warta-index. */
const char *cli_index_path(const char *opt);

/* True when stderr (fd 2) is a terminal: progress lines only then. */
bool cli_stderr_is_tty(void);

/* Parses a non-negative integer option value in [min, max]; on error prints
 * "warta <cmd>: invalid value 'v' for --name" and returns false. */
bool cli_parse_uint(const char *cmd, const char *name, const char *v,
                    unsigned long min, unsigned long max, unsigned long *out);
bool cli_parse_double(const char *cmd, const char *name, const char *v,
                      double min, double max, double *out);

/* Reports the option getopt_long() just refused ("CMD: unknown option 'X'
 * or missing value") and the usage line; returns EXIT_USAGE.  Call it from
 * the default case of the option loop. */
int cli_bad_option(const char *cmd, const char *usage, char **argv);

/* Parses the options of the index-maintenance commands (delete, optimize,
 * check): -i/--index DIR, -q/--quiet, --help (calls help), --version.
 * Returns -1 to go on, with *dir (the -i value or NULL), *quiet and *first
 * (argv index of the first operand) set; otherwise the exit code to return
 * (help and version printed, or a usage error reported). */
int cli_parse_index_quiet(const char *cmd, const char *usage, void (*help)(void),
                          int argc, char **argv, const char **dir, bool *quiet, int *first);

/* Opens an analyzer with opts into *out; on failure reports it in one line
 * and returns the exit code (EXIT_OK when opened). */
int cli_open_analyzer(const warta_analyzer_options *opts, warta_analyzer **out);

/* Calls fn on each line of standard input (without its "\n" or "\r\n")
 * until it returns another code than EXIT_OK; a read error is reported as
 * "CMD: -: cannot read standard input" (EXIT_IO).  Returns the last code. */
int cli_each_stdin_line(const char *cmd, int (*fn)(void *ctx, const char *line, size_t len),
                        void *ctx);

/* Each subcommand: argv[0] is the subcommand's name. */
int cmd_index(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_stem(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_optimize(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_bench(int argc, char **argv);

#endif
