/*
 * cmd_index.c: `warta index [-i INDEX] [--quiet] [--verbose] [--jobs N]
 * [--memory MB] PATH...`.  Walks the PATH arguments with warta_walk() and
 * prints the ingestion report on stderr: a progress line on a terminal, one
 * line per problem ("warta: PATH[:LINE]: what"), a final summary.  Each
 * article reaches index_article(), which hands it to the index writer
 * (warta_writer_add); the run ends with one commit.  Exit 0, 1 when an
 * input was skipped, 2 on usage errors, else the code of the library error.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char index_usage[] =
    "warta index [-i INDEX] [--quiet] [--verbose] [--jobs N] [--memory MB] [--no-stem]\n"
    "                   [--keep-stopwords] [--no-lexicon] [--lexicon PATH] [--stopwords FILE]\n"
    "                   [--config FILE] PATH...";

/* Options of one `warta index` run. */
typedef struct index_opts {
    const char *index_dir;    /* -i, else $WARTA_INDEX, else ./warta-index */
    bool quiet;               /* only problems and errors on stderr */
    bool verbose;             /* also one line per file read */
    unsigned long jobs;       /* analysis threads, 0 = one per core */
    unsigned long memory_mb;  /* buffer budget before a segment is flushed, 0 = default */
    bool no_stem;             /* --no-stem: index words unstemmed */
    bool keep_stopwords;      /* --keep-stopwords: index stopwords as terms */
    bool no_lexicon;          /* --no-lexicon: stem by rules only */
    const char *lexicon;      /* --lexicon PATH, else warta.yaml, else the default */
    const char *stopwords;    /* --stopwords FILE, else warta.yaml, else the built-in list */
    const char *config;       /* --config FILE, else $WARTA_CONFIG, else INDEX/warta.yaml */
} index_opts;

/* The state of a run, the ctx of every walk callback. */
typedef struct index_run {
    index_opts opts;          /* from the command line */
    bool tty;                 /* stderr is a terminal and not --quiet: show progress */
    bool progress_shown;      /* a progress line is on screen and must be cleared */
    double start;             /* monotonic seconds at the start */
    double last_progress;     /* when the progress line was last drawn */
    warta_walk_stats stats;   /* totals of the walk */
    warta_writer *writer;     /* the open index writer */
    int write_rc;             /* the writer's error that stopped the walk, 0 if none */
} index_run;

static double index_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void index_help(void)
{
    printf("usage: %s\n"
           "\n"
           "Reads the articles in each PATH (files, or directories walked recursively;\n"
           "hidden entries skipped) and adds them to the index.  Formats by extension,\n"
           "each optionally gzip-compressed (.gz): .txt (scraped article: first line the\n"
           "title), .md/.markdown (YAML front matter), .jsonl/.ndjson (one JSON object a\n"
           "line), .json (an object or an array of objects).\n"
           "\n"
           "Options:\n"
           "  -i, --index DIR   the index directory (default: $WARTA_INDEX, else ./warta-index)\n"
           "  -q, --quiet       print only problems and errors\n"
           "  -v, --verbose     also print each file read and its number of articles\n"
           "  -j, --jobs N      analysis threads (default 0: one per core)\n"
           "  -m, --memory MB   memory for buffered postings before a flush (default 256)\n"
           "\n"
           "Analysis (used when the index is created; an existing index keeps its own):\n"
           "      --no-stem         index words unstemmed\n"
           "      --keep-stopwords  index stopwords as terms\n"
           "      --no-lexicon      stem by rules only, without the root lexicon\n"
           "      --lexicon PATH    hunspell .dic with the roots (default: the hunspell-id\n"
           "                        package's /usr/share/hunspell/id_ID.dic)\n"
           "      --stopwords FILE  one stopword a line instead of the built-in list\n"
           "      --config FILE     warta.yaml with analysis settings (default\n"
           "                        $WARTA_CONFIG, else INDEX/warta.yaml); options win\n"
           "      --help        show this help\n"
           "      --version     show the version\n"
           "\n"
           "Each problem with an input is one line on stderr, 'warta: PATH[:LINE]: what';\n"
           "a summary line ends the run.  Exit status: 0 ok, 1 some inputs were skipped,\n"
           "2 usage error, 3 corrupt index, 4 I/O error (or disk full), 5 index locked,\n"
           "7 lexicon missing, 8 out of memory.\n",
           index_usage);
}

/* Parses the options.  Returns -1 to go on (*first set to the first PATH),
 * else the exit code. */
static int index_parse_args(int argc, char **argv, index_opts *o, int *first)
{
    enum { OPT_HELP = 256, OPT_VERSION, OPT_NO_STEM, OPT_KEEP_STOPWORDS, OPT_NO_LEXICON,
           OPT_LEXICON, OPT_STOPWORDS, OPT_CONFIG };
    static const struct option longopts[] = {
        {"index", required_argument, NULL, 'i'}, {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},     {"jobs", required_argument, NULL, 'j'},
        {"memory", required_argument, NULL, 'm'}, {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {"no-stem", no_argument, NULL, OPT_NO_STEM},
        {"keep-stopwords", no_argument, NULL, OPT_KEEP_STOPWORDS},
        {"no-lexicon", no_argument, NULL, OPT_NO_LEXICON},
        {"lexicon", required_argument, NULL, OPT_LEXICON},
        {"stopwords", required_argument, NULL, OPT_STOPWORDS},
        {"config", required_argument, NULL, OPT_CONFIG},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "i:qvj:m:", longopts, NULL)) != -1) {
        switch (c) {
        case 'i':
            o->index_dir = optarg;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'v':
            o->verbose = true;
            break;
        case 'j':
            if (!cli_parse_uint("index", "--jobs", optarg, 0, 1024, &o->jobs))
                return EXIT_USAGE;
            break;
        case 'm':
            if (!cli_parse_uint("index", "--memory", optarg, 16, 1048576, &o->memory_mb))
                return EXIT_USAGE;
            break;
        case OPT_NO_STEM:
            o->no_stem = true;
            break;
        case OPT_KEEP_STOPWORDS:
            o->keep_stopwords = true;
            break;
        case OPT_NO_LEXICON:
            o->no_lexicon = true;
            break;
        case OPT_LEXICON:
            o->lexicon = optarg;
            break;
        case OPT_STOPWORDS:
            o->stopwords = optarg;
            break;
        case OPT_CONFIG:
            o->config = optarg;
            break;
        case OPT_HELP:
            index_help();
            return EXIT_OK;
        case OPT_VERSION:
            printf("warta %s\n", warta_version());
            return EXIT_OK;
        default:
            return cli_bad_option("index", index_usage, argv);
        }
    }
    if (o->quiet && o->verbose) {
        cli_error("index: --quiet and --verbose exclude each other");
        return cli_usage_error("index", index_usage);
    }
    if (optind >= argc) {
        cli_error("index: no PATH given (name the article files or directories to read)");
        return cli_usage_error("index", index_usage);
    }
    o->index_dir = cli_index_path(o->index_dir);
    *first = optind;
    return -1;
}

/* Erases the progress line so that the next message starts clean. */
static void index_clear_progress(index_run *run)
{
    if (run->progress_shown) {
        fputs("\r\033[K", stderr);
        run->progress_shown = false;
    }
}

/* Where each article goes: into the writer (analysis runs in its threads). */
static int index_article(void *ctx, const warta_article *a)
{
    index_run *run = ctx;
    int rc = warta_writer_add(run->writer, a);
    if (rc)
        run->write_rc = rc;
    return rc;
}

static void index_problem(void *ctx, const char *path, unsigned line, const char *what, bool skipped)
{
    index_run *run = ctx;
    (void)skipped;
    index_clear_progress(run);
    if (line)
        cli_error("%s:%u: %s", path, line, what);
    else
        cli_error("%s: %s", path, what);
}

static void index_draw_progress(index_run *run, double t)
{
    double secs = t - run->start;
    double mb = (double)run->stats.bytes / 1e6;
    fprintf(stderr, "\r\033[Kwarta: %llu files, %llu articles, %.1f MB, %.1f MB/s, %.1f s",
            (unsigned long long)run->stats.files, (unsigned long long)run->stats.articles, mb,
            secs > 0 ? mb / secs : 0.0, secs);
    fflush(stderr);
    run->progress_shown = true;
    run->last_progress = t;
}

static void index_progress(void *ctx, const warta_walk_stats *s)
{
    index_run *run = ctx;
    (void)s;
    if (!run->tty)
        return;
    double t = index_now();
    if (t - run->last_progress >= 0.2)
        index_draw_progress(run, t);
}

static void index_file(void *ctx, const char *path, uint64_t articles)
{
    index_run *run = ctx;
    if (!run->opts.verbose)
        return;
    index_clear_progress(run);
    cli_error("%s: %llu article%s", path, (unsigned long long)articles, articles == 1 ? "" : "s");
}

static void index_summary(const index_run *run, double secs)
{
    const warta_walk_stats *s = &run->stats;
    warta_writer_info wi;
    warta_writer_get_info(run->writer, &wi);
    fprintf(stderr, "warta: read %llu article%s from %llu file%s (%.1f MB) in %.2f s; %llu input%s skipped",
            (unsigned long long)s->articles, s->articles == 1 ? "" : "s", (unsigned long long)s->files,
            s->files == 1 ? "" : "s", (double)s->bytes / 1e6, secs, (unsigned long long)s->skipped,
            s->skipped == 1 ? "" : "s");
    if (s->warnings)
        fprintf(stderr, "; %llu warning%s", (unsigned long long)s->warnings, s->warnings == 1 ? "" : "s");
    fputc('\n', stderr);
    fprintf(stderr, "warta: %s: %llu article%s live in %llu segment%s (%llu replaced, %llu merge%s)\n",
            run->opts.index_dir, (unsigned long long)wi.live, wi.live == 1 ? "" : "s",
            (unsigned long long)wi.segments, wi.segments == 1 ? "" : "s",
            (unsigned long long)wi.replaced, (unsigned long long)wi.merges,
            wi.merges == 1 ? "" : "s");
    if (run->opts.verbose)
        fprintf(stderr, "warta: CPU seconds: analysis %.2f, document store compression %.2f, "
                "inversion and segment writing %.2f\n", wi.cpu_analysis, wi.cpu_compress,
                wi.cpu_invert);
}

int cmd_index(int argc, char **argv)
{
    index_run run;
    memset(&run, 0, sizeof run);
    int first = 0;
    int code = index_parse_args(argc, argv, &run.opts, &first);
    if (code >= 0)
        return code;
    run.tty = !run.opts.quiet && cli_stderr_is_tty();
    run.start = index_now();
    run.last_progress = run.start;

    char err[512] = "";
    /* Analysis settings: the command line over warta.yaml over the defaults. */
    warta_config *cfg = NULL;
    int rc = warta_config_load(&cfg, run.opts.config, run.opts.index_dir, err, sizeof err);
    if (rc != 0) {
        cli_error("%s", err[0] ? err : warta_strerror(rc));
        return cli_exit_code(rc);
    }
    warta_writer_options wo;
    memset(&wo, 0, sizeof wo);
    wo.analysis = cfg->analysis;
    wo.analysis.no_stem |= run.opts.no_stem;
    wo.analysis.keep_stopwords |= run.opts.keep_stopwords;
    wo.analysis.no_lexicon |= run.opts.no_lexicon;
    if (run.opts.lexicon)
        wo.analysis.lexicon_path = run.opts.lexicon;
    if (run.opts.stopwords)
        wo.analysis.stopword_path = run.opts.stopwords;
    wo.jobs = (unsigned)run.opts.jobs;
    wo.memory_mb = run.opts.memory_mb;
    rc = warta_writer_open(&run.writer, run.opts.index_dir, &wo, err, sizeof err);
    warta_config_free(cfg);
    if (rc != 0) {
        cli_error("%s", err[0] ? err : warta_strerror(rc));
        return cli_exit_code(rc);
    }

    const warta_walk_callbacks cb = {
        .article = index_article,
        .problem = index_problem,
        .progress = index_progress,
        .file = index_file,
        .ctx = &run,
    };
    rc = warta_walk((const char *const *)argv + first, (size_t)(argc - first), &cb, &run.stats);
    index_clear_progress(&run);
    if (rc == 0)
        rc = warta_writer_commit(run.writer);
    if (rc != 0) {
        const char *detail = run.write_rc || rc != WARTA_ENOMEM ? warta_writer_errmsg(run.writer) : "";
        cli_error("index: %s%s%s (nothing of this run was committed)", warta_strerror(rc),
                  detail[0] ? ": " : "", detail);
        warta_writer_close(run.writer);
        return cli_exit_code(rc);
    }
    if (!run.opts.quiet)
        index_summary(&run, index_now() - run.start);
    warta_writer_close(run.writer);
    return run.stats.skipped ? EXIT_PARTIAL : EXIT_OK;
}
