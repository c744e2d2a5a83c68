/*
 * cmd_analyze.c: `warta analyze`, which prints the index terms of a text:
 * the words of TEXT (or of each line of standard input) after
 * normalization, stopword removal and stemming, exactly as `warta index`
 * and `warta search` see them.  With --json, each token's surface form,
 * term, byte offsets and position.  Exit 0, 2 on usage errors, 4 when a
 * stopword file cannot be read, 7 when the lexicon is missing.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char analyze_usage[] =
    "warta analyze [--no-stem] [--keep-stopwords] [--json] [--no-lexicon] [--lexicon PATH] "
    "[--stopwords FILE] [TEXT...]";

static void analyze_help(void)
{
    printf("usage: %s\n"
           "\n"
           "Prints the index terms of TEXT (the arguments joined by spaces) on one line,\n"
           "separated by single spaces.  With no TEXT, reads standard input and prints\n"
           "exactly one line per input line (an empty line when a line has no terms).\n"
           "\n"
           "Options:\n"
           "      --no-stem         keep words unstemmed (still normalized)\n"
           "      --keep-stopwords  print stopwords too\n"
           "      --json            one JSON array per text: each token's surface form,\n"
           "                        term, byte offsets (start, end) and position\n"
           "      --no-lexicon      stem by rules only, without the root lexicon\n"
           "      --lexicon PATH    hunspell .dic with the roots (default: the hunspell-id\n"
           "                        package's /usr/share/hunspell/id_ID.dic)\n"
           "      --stopwords FILE  one stopword a line instead of the built-in list\n"
           "  -h, --help            show this help\n"
           "      --version         show the version\n"
           "\n"
           "Exit status: 0 done, 2 usage error, 4 a file could not be read,\n"
           "7 lexicon missing (install hunspell-id or use --no-lexicon).\n",
           analyze_usage);
}

/* Output state for one text. */
typedef struct analyze_out {
    const char *text;      /* the analyzed text, for surface forms */
    bool json;             /* JSON output */
    json_t *arr;           /* --json: the tokens so far */
    char *line;            /* plain: the terms so far */
    size_t len, cap;       /* bytes used and allocated in line */
    bool oom;              /* an allocation failed */
} analyze_out;

static void line_append(analyze_out *o, const char *s, size_t n)
{
    if (o->oom)
        return;
    if (o->len + n + 2 > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 4096;
        while (cap < o->len + n + 2)
            cap *= 2;
        char *p = realloc(o->line, cap);
        if (!p) {
            o->oom = true;
            return;
        }
        o->line = p;
        o->cap = cap;
    }
    memcpy(o->line + o->len, s, n);
    o->len += n;
}

/* A JSON string of bytes that may not be valid UTF-8 (bad bytes become U+FFFD). */
static json_t *json_bytes(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    if (j)
        return j;
    char *buf = malloc(n * 3 + 1);
    if (!buf)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                   : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        bool ok = len > 0 && i + len <= n;
        for (size_t m = 1; ok && m < len; m++)
            ok = ((unsigned char)s[i + m] & 0xC0) == 0x80;
        if (ok && len > 1 && !json_stringn(s + i, len))
            ok = false;
        if (ok) {
            memcpy(buf + k, s + i, len);
            k += len;
            i += len;
        } else {
            memcpy(buf + k, "\xEF\xBF\xBD", 3);
            k += 3;
            i++;
        }
    }
    j = json_stringn(buf, k);
    free(buf);
    return j;
}

static int on_token(void *ctx, const warta_token *t)
{
    analyze_out *o = ctx;
    if (!o->json) {
        if (o->len)
            line_append(o, " ", 1);
        line_append(o, t->term, t->term_len);
        return 0;
    }
    json_t *tok = json_object();
    if (!tok || json_array_append_new(o->arr, tok) != 0) {
        o->oom = true;
        return 0;
    }
    json_object_set_new(tok, "surface", json_bytes(o->text + t->start, t->end - t->start));
    json_object_set_new(tok, "term", json_bytes(t->term, t->term_len));
    json_object_set_new(tok, "start", json_integer((json_int_t)t->start));
    json_object_set_new(tok, "end", json_integer((json_int_t)t->end));
    json_object_set_new(tok, "position", json_integer((json_int_t)t->position));
    if (t->stopword)
        json_object_set_new(tok, "stopword", json_true());
    return 0;
}

/* Analyzes one text and prints its line.  Returns 0 or an exit code. */
static int analyze_one(warta_analyzer *a, analyze_out *o, const char *text, size_t len)
{
    o->text = text;
    o->len = 0;
    if (o->json) {
        o->arr = json_array();
        if (!o->arr)
            return EXIT_NOMEM;
    }
    int rc = warta_analyze(a, text, len, on_token, o);
    if (rc == 0 && o->oom)
        rc = WARTA_ENOMEM;
    if (rc != 0) {
        json_decref(o->arr);
        o->arr = NULL;
        cli_error("analyze: %s", warta_strerror(rc));
        return cli_exit_code(rc);
    }
    if (o->json) {
        char *s = json_dumps(o->arr, JSON_COMPACT);
        json_decref(o->arr);
        o->arr = NULL;
        if (!s)
            return EXIT_NOMEM;
        fputs(s, stdout);
        free(s);
    } else if (o->len) {
        fwrite(o->line, 1, o->len, stdout);
    }
    putchar('\n');
    return 0;
}

typedef struct analyze_line_ctx {
    warta_analyzer *a;
    analyze_out *o;
} analyze_line_ctx;

static int analyze_line(void *ctx, const char *line, size_t len)
{
    analyze_line_ctx *lc = ctx;
    return analyze_one(lc->a, lc->o, line, len);
}

int cmd_analyze(int argc, char **argv)
{
    enum { OPT_HELP = 256, OPT_VERSION, OPT_NO_STEM, OPT_KEEP, OPT_JSON, OPT_NO_LEX, OPT_LEX,
           OPT_STOP };
    static const struct option longopts[] = {
        {"no-stem", no_argument, NULL, OPT_NO_STEM},
        {"keep-stopwords", no_argument, NULL, OPT_KEEP},
        {"json", no_argument, NULL, OPT_JSON},
        {"no-lexicon", no_argument, NULL, OPT_NO_LEX},
        {"lexicon", required_argument, NULL, OPT_LEX},
        {"stopwords", required_argument, NULL, OPT_STOP},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    warta_analyzer_options opts = {0};
    bool json = false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_NO_STEM: opts.no_stem = true; break;
        case OPT_KEEP: opts.keep_stopwords = true; break;
        case OPT_JSON: json = true; break;
        case OPT_NO_LEX: opts.no_lexicon = true; break;
        case OPT_LEX: opts.lexicon_path = optarg; break;
        case OPT_STOP: opts.stopword_path = optarg; break;
        case 'h':
        case OPT_HELP:
            analyze_help();
            return EXIT_OK;
        case OPT_VERSION:
            printf("warta %s\n", warta_version());
            return EXIT_OK;
        default:
            return cli_bad_option("analyze", analyze_usage, argv);
        }
    }
    warta_analyzer *a;
    int code = cli_open_analyzer(&opts, &a);
    if (code != EXIT_OK)
        return code;
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    analyze_out o = {0};
    o.json = json;
    int ex = EXIT_OK;
    if (optind < argc) {
        /* The arguments joined by single spaces make one text. */
        size_t total = 0;
        for (int i = optind; i < argc; i++)
            total += strlen(argv[i]) + 1;
        char *text = malloc(total + 1);
        if (!text) {
            ex = EXIT_NOMEM;
        } else {
            size_t k = 0;
            for (int i = optind; i < argc; i++) {
                if (i > optind)
                    text[k++] = ' ';
                size_t n = strlen(argv[i]);
                memcpy(text + k, argv[i], n);
                k += n;
            }
            ex = analyze_one(a, &o, text, k);
            free(text);
        }
    } else {
        analyze_line_ctx lc = {a, &o};
        ex = cli_each_stdin_line("analyze", analyze_line, &lc);
    }
    free(o.line);
    warta_analyzer_close(a);
    if (fflush(stdout) != 0 && ex == EXIT_OK) {
        cli_error("analyze: cannot write standard output");
        ex = EXIT_IO;
    }
    return ex;
}
