/*
 * cmd_stem.c: `warta stem`, which prints the stem of each word, one a line:
 * the word is normalized and case-folded first, then stemmed (no stopword
 * removal).  With no WORD it reads one word a line from standard input and
 * prints one line per input line.  Exit 0, 2 on usage errors, 7 when the
 * lexicon is missing.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char stem_usage[] = "warta stem [--no-lexicon] [--lexicon PATH] [WORD...]";

static void stem_help(void)
{
    printf("usage: %s\n"
           "\n"
           "Prints the stem of each WORD, one a line.  With no WORD, reads one word a line\n"
           "from standard input.  The word is normalized and case-folded first; stopwords\n"
           "are stemmed like any word.\n"
           "\n"
           "Options:\n"
           "      --no-lexicon    stem by rules only, without the root lexicon\n"
           "      --lexicon PATH  hunspell .dic with the roots (default: the hunspell-id\n"
           "                      package's /usr/share/hunspell/id_ID.dic)\n"
           "  -h, --help          show this help\n"
           "      --version       show the version\n"
           "\n"
           "Exit status: 0 done, 2 usage error, 7 lexicon missing (install hunspell-id).\n",
           stem_usage);
}

static int stem_one(warta_analyzer *a, const char *w, size_t n)
{
    while (n && (*w == ' ' || *w == '\t'))
        w++, n--;
    while (n && (w[n - 1] == ' ' || w[n - 1] == '\t' || w[n - 1] == '\r'))
        n--;
    char out[512];
    int r = n ? warta_stem(a, w, n, out, sizeof out) : 0;
    if (r < 0) {
        cli_error("stem: %s", warta_strerror(r));
        return cli_exit_code(r);
    }
    fwrite(out, 1, (size_t)r, stdout);
    putchar('\n');
    return EXIT_OK;
}

static int stem_line(void *ctx, const char *line, size_t len)
{
    return stem_one(ctx, line, len);
}

int cmd_stem(int argc, char **argv)
{
    enum { OPT_HELP = 256, OPT_VERSION, OPT_NO_LEX, OPT_LEX };
    static const struct option longopts[] = {
        {"no-lexicon", no_argument, NULL, OPT_NO_LEX},
        {"lexicon", required_argument, NULL, OPT_LEX},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    warta_analyzer_options opts = {0};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_NO_LEX: opts.no_lexicon = true; break;
        case OPT_LEX: opts.lexicon_path = optarg; break;
        case 'h':
        case OPT_HELP:
            stem_help();
            return EXIT_OK;
        case OPT_VERSION:
            printf("warta %s\n", warta_version());
            return EXIT_OK;
        default:
            return cli_bad_option("stem", stem_usage, argv);
        }
    }
    warta_analyzer *a;
    int code = cli_open_analyzer(&opts, &a);
    if (code != EXIT_OK)
        return code;
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    int ex = EXIT_OK;
    if (optind < argc) {
        for (int i = optind; i < argc && ex == EXIT_OK; i++)
            ex = stem_one(a, argv[i], strlen(argv[i]));
    } else {
        ex = cli_each_stdin_line("stem", stem_line, a);
    }
    warta_analyzer_close(a);
    if (fflush(stdout) != 0 && ex == EXIT_OK) {
        cli_error("stem: cannot write standard output");
        ex = EXIT_IO;
    }
    return ex;
}
