/*
 * cmd_search.c: `warta search`, which runs a query against an index and
 * prints the ranked articles: human-readable (rank, score, title, date,
 * source, url, a highlighted snippet, then the number of hits and the time
 * taken) or one JSON document with --json.  Options come first: parsing
 * stops at the first query word, so `warta search korea -utara` excludes
 * "utara", and `warta search -- -utara korea` starts a query with '-'.
 * Settings come from warta.yaml (--config, $WARTA_CONFIG or INDEX/warta.yaml),
 * options override them.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char search_usage[] =
    "warta search [-i INDEX] [-k N] [--offset N] [--json] [--explain] [--since DATE] "
    "[--until DATE] [--source NAME]... [--sort score|date] [--k1 X] [--b X] "
    "[--title-boost X] [--config FILE] [--colour WHEN] [--] QUERY...";

static void search_help(void)
{
    printf("usage: %s\n"
           "\n"
           "Searches the index and prints the best articles for QUERY (the arguments\n"
           "joined by spaces).  Options come before the query: the first word that is\n"
           "not an option starts it, so `warta search korea -utara` excludes utara; use\n"
           "`--` to start a query with '-'.\n"
           "\n"
           "Query language:\n"
           "  kata lain          ranked OR: more and rarer matches rank higher\n"
           "  +kata  -kata       required, excluded (also NOT kata)\n"
           "  \"frasa kata\"       the words in this order (stopwords keep their places)\n"
           "  title:kata         in the title only (also title:\"frasa\")\n"
           "  a AND b, a OR b    both required / either; parentheses group\n"
           "  kat*               every term starting with kat (at most 64)\n"
           "\n"
           "Options:\n"
           "  -i, --index INDEX     the index (default $WARTA_INDEX, else ./warta-index)\n"
           "  -k N                  hits to show (default 10, or output.k of warta.yaml)\n"
           "      --offset N        skip the N best hits first (paging)\n"
           "      --json            one JSON document: query, total_hits, took_ms, hits\n"
           "      --explain         how each term scored each hit (tf, df, idf, dl, avgdl)\n"
           "      --since DATE      only articles dated DATE or later (e.g. 2019-07-01)\n"
           "      --until DATE      only articles dated DATE or earlier\n"
           "      --source NAME     only articles from this source (repeatable)\n"
           "      --sort score|date best first (default) or newest first\n"
           "      --k1 X, --b X     BM25 parameters (default 1.2 and 0.75)\n"
           "      --title-boost X   weight of a title occurrence (default 0.01, chosen on\n"
           "                        TyDi QA; 1: plain BM25, title and body one bag)\n"
           "      --snippet-length N  snippet length in characters (default 200)\n"
           "      --no-snippets     do not show snippets (faster)\n"
           "      --exhaustive      score every match without pruning (same hits, slower)\n"
           "      --config FILE     settings file (default $WARTA_CONFIG, else INDEX/warta.yaml)\n"
           "      --colour WHEN     highlight matches in bold: auto (on a terminal),\n"
           "                        always, never (then matches are [marked])\n"
           "  -h, --help            show this help\n"
           "      --version         show the version\n"
           "\n"
           "Exit status: 0 done (also with no hits), 2 usage error or malformed query,\n"
           "3 corrupt index, 4 I/O error, 6 no index there.\n",
           search_usage);
}

enum {
    OPT_OFFSET = 256, OPT_JSON, OPT_EXPLAIN, OPT_SINCE, OPT_UNTIL, OPT_SOURCE, OPT_SORT,
    OPT_K1, OPT_B, OPT_BOOST, OPT_CONFIG, OPT_COLOUR, OPT_VERSION, OPT_SNIPLEN,
    OPT_NOSNIP, OPT_EXHAUSTIVE
};

static const struct option search_opts[] = {
    {"index", required_argument, NULL, 'i'},
    {"offset", required_argument, NULL, OPT_OFFSET},
    {"json", no_argument, NULL, OPT_JSON},
    {"explain", no_argument, NULL, OPT_EXPLAIN},
    {"since", required_argument, NULL, OPT_SINCE},
    {"until", required_argument, NULL, OPT_UNTIL},
    {"source", required_argument, NULL, OPT_SOURCE},
    {"sort", required_argument, NULL, OPT_SORT},
    {"k1", required_argument, NULL, OPT_K1},
    {"b", required_argument, NULL, OPT_B},
    {"title-boost", required_argument, NULL, OPT_BOOST},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"colour", required_argument, NULL, OPT_COLOUR},
    {"color", required_argument, NULL, OPT_COLOUR},
    {"snippet-length", required_argument, NULL, OPT_SNIPLEN},
    {"no-snippets", no_argument, NULL, OPT_NOSNIP},
    {"exhaustive", no_argument, NULL, OPT_EXHAUSTIVE},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

/* Display width of UTF-8 text in characters. */
static size_t text_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

/* Prints s[0..n) with control characters as spaces. */
static void put_clean(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        putchar(c < 0x20 || c == 0x7F ? ' ' : c);
    }
}

/* Prints the snippet word-wrapped at width columns after an indent,
 * matches in bold or in [brackets]. */
static void print_snippet(const warta_hit *h, bool bold, size_t width)
{
    const char *s = h->snippet;
    size_t n = h->snippet_len, col = 0, sp = 0;
    fputs("   ", stdout);
    size_t i = 0;
    while (i < n) {
        /* the next word: up to a space */
        size_t j = i;
        while (j < n && s[j] != ' ')
            j++;
        size_t w = text_chars(s + i, j - i);
        for (size_t k = sp; k < h->nspans; k++)
            if (h->spans[k].start >= i && h->spans[k].start < j && !bold)
                w += 2;
        if (col > 0 && col + 1 + w > width) {
            fputs("\n   ", stdout);
            col = 0;
        } else if (col > 0) {
            putchar(' ');
            col++;
        }
        for (size_t k = i; k < j;) {
            while (sp < h->nspans && h->spans[sp].end <= k)
                sp++;
            if (sp < h->nspans && h->spans[sp].start == k) {
                size_t e = h->spans[sp].end < j ? h->spans[sp].end : j;
                fputs(bold ? "\033[1m" : "[", stdout);
                put_clean(s + k, e - k);
                fputs(bold ? "\033[0m" : "]", stdout);
                k = e;
                sp++;
                continue;
            }
            size_t e = j;
            if (sp < h->nspans && h->spans[sp].start > k && h->spans[sp].start < j)
                e = h->spans[sp].start;
            put_clean(s + k, e - k);
            k = e;
        }
        col += w;
        i = j < n ? j + 1 : j;
    }
    putchar('\n');
}

static void print_field(const char *s, size_t n)
{
    put_clean(s, n);
}

static void print_human(const warta_results *r, bool bold, bool explain)
{
    size_t n = warta_results_count(r);
    for (size_t i = 0; i < n; i++) {
        const warta_hit *h = warta_results_hit(r, i);
        printf("%u. ", h->rank);
        if (bold)
            fputs("\033[1m", stdout);
        if (h->title_len)
            print_field(h->title, h->title_len);
        else if (h->id_len)
            print_field(h->id, h->id_len);
        else
            fputs("(untitled)", stdout);
        if (bold)
            fputs("\033[0m", stdout);
        printf("  (score %.4f)\n   ", h->score);
        bool any = false;
        const char *parts[3] = {h->date, h->source, h->url};
        size_t lens[3] = {h->date_len, h->source_len, h->url_len};
        for (int k = 0; k < 3; k++) {
            if (!lens[k])
                continue;
            if (any)
                fputs(" | ", stdout);
            print_field(parts[k], lens[k]);
            any = true;
        }
        if (!any)
            print_field(h->id, h->id_len);
        putchar('\n');
        if (h->snippet_len)
            print_snippet(h, bold, 78);
        if (explain) {
            for (size_t k = 0; k < h->nexplain; k++) {
                const warta_explain *e = &h->explain[k];
                fputs("   = ", stdout);
                print_field(e->term, e->term_len);
                printf(" (%s): tf %g, df %.0f, idf %.4f, dl %.0f, avgdl %.2f -> %.4f\n", e->field,
                       e->tf, e->df, e->idf, e->dl, e->avgdl, e->score);
            }
        }
        putchar('\n');
    }
    uint64_t total = warta_results_total_hits(r);
    double ms = warta_results_took_ms(r);
    if (n == 0 && total == 0)
        printf("No hits (%.2f ms)\n", ms);
    else if (n == 0)
        printf("No hits on this page; %llu hit%s in all (%.2f ms)\n", (unsigned long long)total,
               total == 1 ? "" : "s", ms);
    else
        printf("%u-%u of %llu hit%s (%.2f ms)\n", warta_results_hit(r, 0)->rank,
               warta_results_hit(r, n - 1)->rank, (unsigned long long)total,
               total == 1 ? "" : "s", ms);
}

int cmd_search(int argc, char **argv)
{
    const char *index_opt = NULL, *config_path = NULL, *colour_opt = NULL;
    const char *since = NULL, *until = NULL, *sort = NULL;
    unsigned long k = 0, offset = 0, sniplen = 0;
    bool have_k = false, have_sniplen = false, json = false, explain = false;
    bool no_snippets = false, exhaustive = false;
    double k1 = 0, b = 0, boost = 0;
    bool have_k1 = false, have_b = false, have_boost = false;
    const char **sources = NULL;
    size_t nsources = 0;
    int rc = EXIT_OK;

    sources = calloc((size_t)argc + 1, sizeof *sources);
    if (!sources) {
        cli_error("search: out of memory");
        return EXIT_NOMEM;
    }
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+i:k:h", search_opts, NULL)) != -1) {
        switch (c) {
        case 'i': index_opt = optarg; break;
        case 'k':
            if (!cli_parse_uint("search", "-k", optarg, 0, 100000, &k)) {
                rc = EXIT_USAGE;
                goto out;
            }
            have_k = true;
            break;
        case OPT_OFFSET:
            if (!cli_parse_uint("search", "--offset", optarg, 0, 100000, &offset)) {
                rc = EXIT_USAGE;
                goto out;
            }
            break;
        case OPT_JSON: json = true; break;
        case OPT_EXPLAIN: explain = true; break;
        case OPT_SINCE: since = optarg; break;
        case OPT_UNTIL: until = optarg; break;
        case OPT_SOURCE: sources[nsources++] = optarg; break;
        case OPT_SORT: sort = optarg; break;
        case OPT_K1:
            if (!cli_parse_double("search", "--k1", optarg, 0, 1000, &k1)) {
                rc = EXIT_USAGE;
                goto out;
            }
            have_k1 = true;
            break;
        case OPT_B:
            if (!cli_parse_double("search", "--b", optarg, 0, 1, &b)) {
                rc = EXIT_USAGE;
                goto out;
            }
            have_b = true;
            break;
        case OPT_BOOST:
            if (!cli_parse_double("search", "--title-boost", optarg, 0, 1000, &boost)) {
                rc = EXIT_USAGE;
                goto out;
            }
            have_boost = true;
            break;
        case OPT_CONFIG: config_path = optarg; break;
        case OPT_COLOUR: colour_opt = optarg; break;
        case OPT_SNIPLEN:
            if (!cli_parse_uint("search", "--snippet-length", optarg, 20, 10000, &sniplen)) {
                rc = EXIT_USAGE;
                goto out;
            }
            have_sniplen = true;
            break;
        case OPT_NOSNIP: no_snippets = true; break;
        case OPT_EXHAUSTIVE: exhaustive = true; break;
        case 'h':
            search_help();
            goto out;
        case OPT_VERSION:
            printf("warta %s\n", warta_version());
            goto out;
        default:
            if (optopt && optopt < 256)
                cli_error("search: unknown option '-%c'", optopt);
            else
                cli_error("search: unknown option '%s'", argv[optind - 1]);
            rc = cli_usage_error("search", search_usage);
            goto out;
        }
    }
    if (optind >= argc) {
        cli_error("search: no query given");
        rc = cli_usage_error("search", search_usage);
        goto out;
    }
    warta_sort sort_by = WARTA_SORT_SCORE;
    if (sort && strcmp(sort, "score") != 0) {
        if (strcmp(sort, "date") == 0) {
            sort_by = WARTA_SORT_DATE;
        } else {
            cli_error("search: invalid value '%s' for --sort (expected score or date)", sort);
            rc = EXIT_USAGE;
            goto out;
        }
    }
    warta_colour colour_cli = WARTA_COLOUR_AUTO;
    bool have_colour = false;
    if (colour_opt) {
        have_colour = true;
        if (strcmp(colour_opt, "auto") == 0)
            colour_cli = WARTA_COLOUR_AUTO;
        else if (strcmp(colour_opt, "always") == 0)
            colour_cli = WARTA_COLOUR_ALWAYS;
        else if (strcmp(colour_opt, "never") == 0)
            colour_cli = WARTA_COLOUR_NEVER;
        else {
            cli_error("search: invalid value '%s' for --colour (expected auto, always or never)",
                      colour_opt);
            rc = EXIT_USAGE;
            goto out;
        }
    }

    /* The query: the remaining arguments joined by spaces. */
    size_t qlen = 0;
    for (int i = optind; i < argc; i++)
        qlen += strlen(argv[i]) + 1;
    char *query = malloc(qlen + 1);
    if (!query) {
        cli_error("search: out of memory");
        rc = EXIT_NOMEM;
        goto out;
    }
    size_t at = 0;
    for (int i = optind; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (at)
            query[at++] = ' ';
        memcpy(query + at, argv[i], n);
        at += n;
    }
    query[at] = '\0';

    const char *dir = cli_index_path(index_opt);
    char err[512] = "";
    warta_config *cfg = NULL;
    int lrc = warta_config_load(&cfg, config_path, dir, err, sizeof err);
    if (lrc) {
        cli_error("%s", err[0] ? err : warta_strerror(lrc));
        rc = cli_exit_code(lrc);
        free(query);
        goto out;
    }
    warta_search_options o = cfg->search;
    if (have_k)
        o.k = (unsigned)k;
    o.offset = (unsigned)offset;
    if (have_k1)
        o.k1 = k1;
    if (have_b)
        o.b = b;
    if (have_boost)
        o.title_boost = boost;
    if (have_sniplen)
        o.snippet_len = (unsigned)sniplen;
    o.since = since;
    o.until = until;
    o.sources = sources;
    o.nsources = nsources;
    o.sort = sort_by;
    o.explain = explain;
    o.snippets = !no_snippets;
    o.exhaustive = exhaustive;
    warta_colour colour = have_colour ? colour_cli : cfg->colour;
    bool bold = !json && (colour == WARTA_COLOUR_ALWAYS ||
                          (colour == WARTA_COLOUR_AUTO && isatty(1) == 1));

    warta_index *ix = NULL;
    int orc = warta_index_open(&ix, dir, err, sizeof err);
    if (orc) {
        if (orc == WARTA_ENOTFOUND)
            cli_error("%s: no index there (build one with 'warta index -i %s PATH...')", dir, dir);
        else
            cli_error("%s", err[0] ? err : warta_strerror(orc));
        rc = cli_exit_code(orc);
        goto out_config;
    }
    warta_results *res = NULL;
    int src = warta_search(ix, query, strlen(query), &o, &res, err, sizeof err);
    if (src) {
        cli_error("%s", err[0] ? err : warta_strerror(src));
        rc = cli_exit_code(src);
        goto out_index;
    }
    if (json) {
        char *doc = NULL;
        size_t len = 0;
        if (warta_results_json(res, 2, &doc, &len)) {
            cli_error("search: out of memory");
            rc = EXIT_NOMEM;
        } else {
            fwrite(doc, 1, len, stdout);
            putchar('\n');
            free(doc);
        }
    } else {
        print_human(res, bold, explain);
    }
    if (fflush(stdout) != 0) {
        cli_error("search: cannot write the results");
        rc = EXIT_IO;
    }
    warta_results_free(res);
out_index:
    warta_index_close(ix);
out_config:
    warta_config_free(cfg);
    free(query);
out:
    free(sources);
    return rc;
}
