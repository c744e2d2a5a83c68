/*
 * cli.c: helpers shared by the subcommands (cli.h): exit codes, messages,
 * option values.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

int cli_exit_code(int rc)
{
    switch (rc) {
    case WARTA_OK: return EXIT_OK;
    case WARTA_ENOMEM: return EXIT_NOMEM;
    case WARTA_EIO: return EXIT_IO;
    case WARTA_ENOSPC: return EXIT_IO;
    case WARTA_ENOTFOUND: return EXIT_NOTFOUND;
    case WARTA_ECORRUPT: return EXIT_CORRUPT;
    case WARTA_EFORMAT: return EXIT_CORRUPT;
    case WARTA_ESYNTAX: return EXIT_USAGE;
    case WARTA_ECONFIG: return EXIT_USAGE;
    case WARTA_ELOCKED: return EXIT_LOCKED;
    case WARTA_EINVAL: return EXIT_USAGE;
    case WARTA_ENOLEXICON: return EXIT_NOLEXICON;
    default: return EXIT_IO;
    }
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("warta: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *usage)
{
    fprintf(stderr, "usage: %s\nTry 'warta help %s' for more.\n", usage, cmd);
    return EXIT_USAGE;
}

const char *cli_index_path(const char *opt)
{
    if (opt && *opt)
        return opt;
    const char *env = getenv("WARTA_INDEX");
    if (env && *env)
        return env;
    return "warta-index";
}

bool cli_stderr_is_tty(void)
{
    return isatty(2) == 1;
}

bool cli_parse_uint(const char *cmd, const char *name, const char *v,
                    unsigned long min, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long x = (v && *v != '-') ? strtoul(v, &end, 10) : 0;
    if (!v || *v == '-' || !end || *end || end == v || errno || x < min || x > max) {
        cli_error("%s: invalid value '%s' for %s (expected a whole number from %lu to %lu)",
                  cmd, v ? v : "", name, min, max);
        return false;
    }
    *out = x;
    return true;
}

bool cli_parse_double(const char *cmd, const char *name, const char *v,
                      double min, double max, double *out)
{
    char *end = NULL;
    errno = 0;
    double x = v ? strtod(v, &end) : NAN;
    if (!v || !end || *end || end == v || errno || !(x >= min && x <= max)) {
        cli_error("%s: invalid value '%s' for %s (expected a number from %g to %g)",
                  cmd, v ? v : "", name, min, max);
        return false;
    }
    *out = x;
    return true;
}

int cli_bad_option(const char *cmd, const char *usage, char **argv)
{
    if (optopt && optopt < 256)
        cli_error("%s: unknown option '-%c' or missing value", cmd, optopt);
    else
        cli_error("%s: unknown option '%s' or missing value", cmd, argv[optind - 1]);
    return cli_usage_error(cmd, usage);
}

int cli_parse_index_quiet(const char *cmd, const char *usage, void (*help)(void),
                          int argc, char **argv, const char **dir, bool *quiet, int *first)
{
    enum { OPT_HELP = 256, OPT_VERSION };
    static const struct option longopts[] = {
        {"index", required_argument, NULL, 'i'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, OPT_HELP},   {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    *dir = NULL;
    *quiet = false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "i:q", longopts, NULL)) != -1) {
        switch (c) {
        case 'i':
            *dir = optarg;
            break;
        case 'q':
            *quiet = true;
            break;
        case OPT_HELP:
            help();
            return EXIT_OK;
        case OPT_VERSION:
            printf("warta %s\n", warta_version());
            return EXIT_OK;
        default:
            return cli_bad_option(cmd, usage, argv);
        }
    }
    *first = optind;
    return -1;
}

int cli_open_analyzer(const warta_analyzer_options *opts, warta_analyzer **out)
{
    char err[512] = "";
    int rc = warta_analyzer_open(out, opts, err, sizeof err);
    if (rc != 0) {
        cli_error("%s", err[0] ? err : warta_strerror(rc));
        return cli_exit_code(rc);
    }
    return EXIT_OK;
}

int cli_each_stdin_line(const char *cmd, int (*fn)(void *ctx, const char *line, size_t len),
                        void *ctx)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int ex = EXIT_OK;
    while (ex == EXIT_OK && (n = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)n;
        if (len && line[len - 1] == '\n')
            len--;
        if (len && line[len - 1] == '\r')
            len--;
        ex = fn(ctx, line, len);
    }
    free(line);
    if (ex == EXIT_OK && ferror(stdin)) {
        cli_error("%s: -: cannot read standard input", cmd);
        ex = EXIT_IO;
    }
    return ex;
}
