/*
 * cmd_bench.c: `warta bench`, the product's own benchmark.  Query mode runs
 * every line of a query file through warta_search() exactly as `warta
 * search` does (parse, analyze, rank, fetch each hit's id and title), after
 * a warm-up, from one or more threads sharing one opened index, and reports
 * latency percentiles and throughput.  Index mode times a fresh build the
 * way `warta index` does it (walk, add, commit): articles/s, MB/s, peak RSS
 * and index bytes.  The benchmarks/ scripts read its --json output.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char bench_usage[] =
    "warta bench [-i INDEX] --queries FILE [-k N] [--threads N] [--warmup N]\n"
    "                   [--repeat N] [--snippets] [--exhaustive] [--slowest N] [--run FILE]\n"
    "                   [--json]\n"
    "       warta bench --index [-i DIR] [--jobs N] [--memory MB] [--no-stem]\n"
    "                   [--keep-stopwords] [--json] PATH...";

static const char bench_help[] =
    "Time queries or indexing.\n"
    "\n"
    "Query mode runs every line of FILE (one query a line; `qid<TAB>query` is\n"
    "accepted too) through the same code path as `warta search`: parse, analyze,\n"
    "rank and fetch each hit's id and title, without printing.  After a warm-up\n"
    "it prints queries, hits, mean, p50, p90, p99 and max latency in\n"
    "microseconds, and queries per second.\n"
    "  -i, --index-dir INDEX  the index (default $WARTA_INDEX or ./warta-index)\n"
    "      --queries FILE     the query file ('-' reads stdin)\n"
    "  -k N                   hits per query (default 10)\n"
    "      --threads N        N threads share the opened index (default 1)\n"
    "      --warmup N         run the first N queries untimed first (default 100)\n"
    "      --repeat N         timed passes over the file (default 1)\n"
    "      --snippets         also time a pass with snippets, reported apart\n"
    "      --exhaustive       score every match without pruning (for comparison)\n"
    "      --slowest N        list the N slowest queries with their latency\n"
    "      --run FILE         write the first pass's hits as a TREC run file\n"
    "      --config FILE      ranking options from this warta.yaml\n"
    "      --json             print the figures as one JSON object\n"
    "\n"
    "Index mode (--index) builds an index of PATH... as `warta index` does and\n"
    "prints articles, seconds, articles/s, MB/s of title and body text, peak\n"
    "resident memory and index bytes.\n"
    "  -i DIR                 build into DIR, which must be new or empty, and keep\n"
    "                         it (default: a temporary directory, removed after)\n"
    "      --jobs N           analysis threads (default: the number of cores)\n"
    "      --memory MB        buffer budget before a segment is flushed (default 256)\n"
    "      --no-stem          index words unstemmed\n"
    "      --keep-stopwords   index stopwords as terms\n";

/* ---- shared helpers ------------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted values. */
static double percentile(const double *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    double rank = ceil(p / 100.0 * (double)n);
    size_t i = rank < 1 ? 0 : (size_t)rank - 1;
    return v[i < n ? i : n - 1];
}

typedef struct latency {
    double mean, p50, p90, p99, max;   /* microseconds */
} latency;

/* Sorts us[0..n) and summarizes it. */
static latency summarize(double *us, size_t n)
{
    latency l = {0, 0, 0, 0, 0};
    if (n == 0)
        return l;
    qsort(us, n, sizeof *us, cmp_double);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += us[i];
    l.mean = sum / (double)n;
    l.p50 = percentile(us, n, 50);
    l.p90 = percentile(us, n, 90);
    l.p99 = percentile(us, n, 99);
    l.max = us[n - 1];
    return l;
}

/* Writes s as a JSON string (with quotes). */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* ---- query mode ------------------------------------------------------------ */

typedef struct qfile {
    char **qid;              /* query ids: the part before a TAB, else the line number */
    char **text;             /* query texts */
    size_t n;                /* queries */
} qfile;

static void qfile_free(qfile *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->qid[i]);
        free(q->text[i]);
    }
    free(q->qid);
    free(q->text);
}

/* Reads non-empty lines; returns 0 or an exit code after printing why. */
static int qfile_load(qfile *q, const char *path)
{
    memset(q, 0, sizeof *q);
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        cli_error("%s: cannot open the query file: %s", path, strerror(errno));
        return errno == ENOENT ? EXIT_NOTFOUND : EXIT_IO;
    }
    char *line = NULL;
    size_t lcap = 0, cap = 0;
    ssize_t got;
    int rc = EXIT_OK;
    unsigned long lineno = 0;
    while ((got = getline(&line, &lcap, f)) >= 0) {
        lineno++;
        size_t len = (size_t)got;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        line[len] = '\0';
        const char *tab = strchr(line, '\t');
        const char *text = tab ? tab + 1 : line;
        while (*text == ' ' || *text == '\t')
            text++;
        if (*text == '\0')
            continue;
        if (q->n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            char **a = realloc(q->qid, ncap * sizeof *a);
            if (a)
                q->qid = a;
            char **b = a ? realloc(q->text, ncap * sizeof *b) : NULL;
            if (b)
                q->text = b;
            if (!a || !b) {
                rc = EXIT_NOMEM;
                break;
            }
            cap = ncap;
        }
        char num[32];
        snprintf(num, sizeof num, "%lu", lineno);
        char *qid = tab ? strndup(line, (size_t)(tab - line)) : strdup(num);
        char *t = strdup(text);
        if (!qid || !t) {
            free(qid);
            free(t);
            rc = EXIT_NOMEM;
            break;
        }
        q->qid[q->n] = qid;
        q->text[q->n] = t;
        q->n++;
    }
    if (rc == EXIT_NOMEM)
        cli_error("%s: out of memory reading the query file", path);
    else if (ferror(f)) {
        cli_error("%s: cannot read the query file: %s", path, strerror(errno));
        rc = EXIT_IO;
    } else if (q->n == 0) {
        cli_error("%s: the query file has no queries (write one query a line)", path);
        rc = EXIT_USAGE;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    if (rc)
        qfile_free(q);
    return rc;
}

/* What the query threads share. */
typedef struct qrun {
    warta_index *ix;                  /* the one opened index */
    const qfile *q;                   /* the queries */
    warta_search_options opts;        /* as `warta search` would use them */
    size_t total;                     /* queries to run: passes * q->n */
    atomic_size_t next;               /* next query number to take */
    double *us;                       /* latency of each query number */
    atomic_ullong hits;               /* hits returned, summed */
    atomic_ulong rejected;            /* queries refused (malformed, or nothing left after analysis) */
    atomic_int failed;                /* first hard error (WARTA_E*), 0 if none */
    char err[512];                    /* its message */
    pthread_mutex_t lock;             /* guards err */
    FILE *run;                        /* TREC run output for the first pass, or NULL */
} qrun;

/* Touched with each hit's id and title so that fetching them is not optimized away. */
static volatile unsigned char bench_sink;

/* Runs query number i; returns 0 or a hard error code. */
static int run_one(qrun *r, size_t i, bool timed)
{
    size_t qi = i % r->q->n;
    const char *text = r->q->text[qi];
    char err[256] = "";
    warta_results *res = NULL;
    double t0 = now_s();
    int rc = warta_search(r->ix, text, strlen(text), &r->opts, &res, err, sizeof err);
    unsigned long long nh = 0;
    if (rc == 0) {
        nh = warta_results_count(res);
        for (size_t h = 0; h < nh; h++) {
            const warta_hit *hit = warta_results_hit(res, h);
            unsigned char c = 0;
            if (hit->id_len)
                c ^= (unsigned char)hit->id[0];
            if (hit->title_len)
                c ^= (unsigned char)hit->title[hit->title_len - 1];
            if (hit->snippet_len)
                c ^= (unsigned char)hit->snippet[0];
            bench_sink ^= c;
        }
    }
    double t1 = now_s();
    if (rc == WARTA_ESYNTAX) {
        if (timed)
            atomic_fetch_add(&r->rejected, 1);
        rc = 0;
    }
    if (rc) {
        pthread_mutex_lock(&r->lock);
        if (!atomic_load(&r->failed)) {
            snprintf(r->err, sizeof r->err, "query '%s': %s", text, err[0] ? err : warta_strerror(rc));
            atomic_store(&r->failed, rc);
        }
        pthread_mutex_unlock(&r->lock);
        return rc;
    }
    if (timed) {
        r->us[i] = (t1 - t0) * 1e6;
        atomic_fetch_add(&r->hits, nh);
        if (r->run && i < r->q->n) {
            /* only one thread writes the run file (threads == 1 is enforced with --run) */
            for (size_t h = 0; h < nh; h++) {
                const warta_hit *hit = warta_results_hit(res, h);
                fprintf(r->run, "%s Q0 %.*s %u %.6f warta\n", r->q->qid[qi],
                        (int)hit->id_len, hit->id_len ? hit->id : "", hit->rank, hit->score);
            }
        }
    }
    warta_results_free(res);
    return 0;
}

static void *query_thread(void *arg)
{
    qrun *r = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&r->next, 1);
        if (i >= r->total || atomic_load(&r->failed))
            break;
        if (run_one(r, i, true))
            break;
    }
    return NULL;
}

/* Runs all passes from nthreads threads; returns 0 or a WARTA_E* code. */
static int timed_pass(qrun *r, unsigned nthreads, double *wall)
{
    atomic_store(&r->next, 0);
    double t0 = now_s();
    pthread_t tids[256];
    unsigned started = 0;
    for (; started + 1 < nthreads; started++)
        if (pthread_create(&tids[started], NULL, query_thread, r) != 0)
            break;
    query_thread(r);
    for (unsigned t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    *wall = now_s() - t0;
    return atomic_load(&r->failed);
}

/* One of the slowest timed queries. */
typedef struct slow {
    size_t query;            /* index in the query file */
    double us;               /* its latency */
} slow;

static int cmp_slow(const void *a, const void *b)
{
    const slow *x = a, *y = b;
    return (x->us < y->us) - (x->us > y->us);
}

/* The want slowest of n timed queries (query number i is line i % nq),
 * slowest first; NULL when out of memory.  Call before us is sorted. */
static slow *find_slowest(const double *us, size_t n, size_t nq, size_t want)
{
    slow *all = malloc(n * sizeof *all);
    if (!all)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        all[i].query = i % nq;
        all[i].us = us[i];
    }
    qsort(all, n, sizeof *all, cmp_slow);
    slow *top = realloc(all, want * sizeof *top);
    return top ? top : all;
}

typedef struct qopts {
    const char *index;       /* index directory */
    const char *queries;     /* query file */
    const char *run;         /* TREC run output or NULL */
    const char *config;      /* warta.yaml or NULL */
    unsigned long k;         /* hits per query */
    unsigned long threads;   /* searching threads */
    unsigned long warmup;    /* untimed queries first */
    unsigned long repeat;    /* timed passes */
    bool snippets;           /* also time a pass with snippets */
    bool exhaustive;         /* no pruning */
    unsigned long slowest;   /* list this many slowest queries */
    bool json;               /* one JSON object */
} qopts;

static void print_latency(FILE *f, bool json, const char *prefix, const latency *l)
{
    if (json)
        fprintf(f, ", \"%smean_us\": %.3f, \"%sp50_us\": %.3f, \"%sp90_us\": %.3f, "
                   "\"%sp99_us\": %.3f, \"%smax_us\": %.3f",
                prefix, l->mean, prefix, l->p50, prefix, l->p90, prefix, l->p99, prefix, l->max);
    else
        fprintf(f, "%s latency (us): mean %.1f  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n",
                prefix[0] ? "snippet" : "query", l->mean, l->p50, l->p90, l->p99, l->max);
}

static int bench_queries(const qopts *o)
{
    qfile q;
    int ex = qfile_load(&q, o->queries);
    if (ex)
        return ex;
    warta_index *ix = NULL;
    warta_config *cfg = NULL;
    char err[512] = "";
    qrun r;
    slow *slowest = NULL;
    memset(&r, 0, sizeof r);
    pthread_mutex_init(&r.lock, NULL);
    int rc = warta_config_load(&cfg, o->config, o->index, err, sizeof err);
    if (rc) {
        cli_error("%s", err[0] ? err : warta_strerror(rc));
        ex = cli_exit_code(rc);
        goto out;
    }
    rc = warta_index_open(&ix, o->index, err, sizeof err);
    if (rc) {
        cli_error("%s: %s", o->index, err[0] ? err : warta_strerror(rc));
        ex = cli_exit_code(rc);
        goto out;
    }
    r.ix = ix;
    r.q = &q;
    r.opts = cfg->search;
    r.opts.k = (unsigned)o->k;
    r.opts.offset = 0;
    r.opts.explain = false;
    r.opts.snippets = false;
    r.opts.id_title_only = true;   /* ids and titles only, as the help says */
    r.opts.exhaustive = o->exhaustive;
    r.total = q.n * o->repeat;
    r.us = calloc(r.total, sizeof *r.us);
    if (!r.us) {
        cli_error("out of memory for %zu latencies", r.total);
        ex = EXIT_NOMEM;
        goto out;
    }
    if (o->run && !(r.run = fopen(o->run, "w"))) {
        cli_error("%s: cannot create the run file: %s", o->run, strerror(errno));
        ex = EXIT_IO;
        goto out;
    }

    for (size_t i = 0; i < o->warmup && i < q.n; i++) {
        rc = run_one(&r, i, false);
        if (rc)
            break;
    }
    double wall = 0;
    if (!rc)
        rc = timed_pass(&r, (unsigned)o->threads, &wall);
    if (rc) {
        cli_error("%s: %s", o->index, r.err);
        ex = cli_exit_code(rc);
        goto out;
    }
    size_t n = r.total;
    unsigned long long hits = atomic_load(&r.hits);
    unsigned long rejected = atomic_load(&r.rejected);
    size_t nslow = o->slowest < n ? (size_t)o->slowest : n;
    slowest = nslow ? find_slowest(r.us, n, q.n, nslow) : NULL;
    if (nslow && !slowest) {
        cli_error("out of memory listing the slowest queries");
        ex = EXIT_NOMEM;
        goto out;
    }
    latency main_l = summarize(r.us, n);

    latency snip_l = {0, 0, 0, 0, 0};
    double snip_wall = 0;
    if (o->snippets) {
        FILE *run = r.run;
        r.run = NULL;
        r.opts.snippets = true;
        atomic_store(&r.hits, 0);
        atomic_store(&r.rejected, 0);
        rc = timed_pass(&r, (unsigned)o->threads, &snip_wall);
        r.run = run;
        if (rc) {
            cli_error("%s: %s", o->index, r.err);
            ex = cli_exit_code(rc);
            goto out;
        }
        snip_l = summarize(r.us, n);
    }
    if (r.run) {
        FILE *run = r.run;
        r.run = NULL;
        if (fclose(run) != 0) {
            cli_error("%s: cannot write the run file: %s", o->run, strerror(errno));
            ex = EXIT_IO;
            goto out;
        }
    }
    double qps = wall > 0 ? (double)n / wall : 0;
    if (o->json) {
        printf("{\"index\": ");
        json_str(stdout, o->index);
        printf(", \"queries\": %zu, \"passes\": %lu, \"threads\": %lu, \"k\": %lu, "
               "\"hits\": %llu, \"rejected\": %lu",
               n, o->repeat, o->threads, o->k, hits, rejected);
        print_latency(stdout, true, "", &main_l);
        printf(", \"qps\": %.1f, \"wall_seconds\": %.6f", qps, wall);
        if (o->snippets) {
            print_latency(stdout, true, "snippet_", &snip_l);
            printf(", \"snippet_qps\": %.1f", snip_wall > 0 ? (double)n / snip_wall : 0);
        }
        if (nslow) {
            printf(", \"slowest\": [");
            for (size_t i = 0; i < nslow; i++) {
                printf("%s{\"query\": ", i ? ", " : "");
                json_str(stdout, q.text[slowest[i].query]);
                printf(", \"us\": %.3f}", slowest[i].us);
            }
            printf("]");
        }
        printf("}\n");
    } else {
        printf("index %s: %zu queries (%lu pass%s, %lu thread%s, k %lu), %llu hits",
               o->index, n, o->repeat, o->repeat == 1 ? "" : "es", o->threads,
               o->threads == 1 ? "" : "s", o->k, hits);
        if (rejected)
            printf(", %lu rejected (malformed, or nothing left to search after analysis)", rejected);
        printf("\n");
        print_latency(stdout, false, "", &main_l);
        printf("throughput: %.1f queries/s\n", qps);
        if (o->snippets) {
            print_latency(stdout, false, "snippet_", &snip_l);
            printf("throughput with snippets: %.1f queries/s\n",
                   snip_wall > 0 ? (double)n / snip_wall : 0);
        }
        if (nslow)
            printf("slowest queries (us):\n");
        for (size_t i = 0; i < nslow; i++)
            printf("%12.1f  %s\n", slowest[i].us, q.text[slowest[i].query]);
    }
    if (fflush(stdout) != 0)
        ex = EXIT_IO;
out:
    if (r.run)
        fclose(r.run);
    free(slowest);
    free(r.us);
    pthread_mutex_destroy(&r.lock);
    warta_index_close(ix);
    warta_config_free(cfg);
    qfile_free(&q);
    return ex;
}

/* ---- index mode -------------------------------------------------------------- */

typedef struct ictx {
    warta_writer *w;          /* the writer */
    unsigned long long articles;  /* articles added */
    unsigned long long text_bytes;  /* title + body bytes added */
    unsigned long problems;   /* problems reported by the walk (skipped or repaired) */
    int rc;                   /* first writer error */
} ictx;

static int on_article(void *ctx, const warta_article *a)
{
    ictx *c = ctx;
    int rc = warta_writer_add(c->w, a);
    if (rc) {
        c->rc = rc;
        return 1;
    }
    c->articles++;
    c->text_bytes += a->title_len + a->body_len;
    return 0;
}

/* Skipped inputs are printed as `warta index` prints them; repairs and
 * warnings (an article without a title, ...) are only counted, so that the
 * figures stay readable. */
static void on_problem(void *ctx, const char *path, unsigned line, const char *what, bool skipped)
{
    ictx *c = ctx;
    c->problems++;
    if (!skipped)
        return;
    if (line)
        cli_error("%s:%u: %s%s", path, line, what, skipped ? " (skipped)" : "");
    else
        cli_error("%s: %s%s", path, what, skipped ? " (skipped)" : "");
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path);
}

static long long tree_bytes_total;

static int add_bytes(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)path;
    (void)ftw;
    if (type == FTW_F)
        tree_bytes_total += (long long)st->st_size;
    return 0;
}

static long long tree_bytes(const char *dir)
{
    tree_bytes_total = 0;
    if (nftw(dir, add_bytes, 16, FTW_PHYS) != 0)
        return -1;
    return tree_bytes_total;
}

static bool dir_is_empty_or_missing(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT;
    bool empty = true;
    struct dirent *e;
    while (empty && (e = readdir(d)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

typedef struct iopts {
    const char *dir;          /* -i DIR or NULL for a temporary one */
    unsigned long jobs;       /* analysis threads, 0 = cores */
    unsigned long memory_mb;  /* buffer budget, 0 = default */
    bool no_stem;             /* analysis: no stemming */
    bool keep_stopwords;      /* analysis: stopwords are terms */
    bool json;                /* one JSON object */
} iopts;

static int bench_index(const iopts *o, char **paths, size_t npaths)
{
    char tmpdir[4096];
    const char *dir = o->dir;
    bool temporary = !dir;
    if (temporary) {
        const char *t = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/warta-bench-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmpdir)) {
            cli_error("%s: cannot create a temporary directory: %s (set TMPDIR)", tmpdir,
                      strerror(errno));
            return EXIT_IO;
        }
        dir = tmpdir;
    } else if (!dir_is_empty_or_missing(dir)) {
        cli_error("%s: not empty (bench times a fresh build: remove it or name a new directory)", dir);
        return EXIT_USAGE;
    }
    warta_writer_options wo;
    memset(&wo, 0, sizeof wo);
    wo.jobs = (unsigned)o->jobs;
    wo.memory_mb = o->memory_mb;
    wo.analysis.no_stem = o->no_stem;
    wo.analysis.keep_stopwords = o->keep_stopwords;
    char err[512] = "";
    ictx c;
    memset(&c, 0, sizeof c);
    int ex = EXIT_OK;
    warta_walk_stats ws;
    memset(&ws, 0, sizeof ws);

    double t0 = now_s();
    int rc = warta_writer_open(&c.w, dir, &wo, err, sizeof err);
    if (rc) {
        cli_error("%s: %s", dir, err[0] ? err : warta_strerror(rc));
        ex = cli_exit_code(rc);
        goto out;
    }
    warta_walk_callbacks cb = {.article = on_article, .problem = on_problem, .ctx = &c};
    rc = warta_walk((const char *const *)paths, npaths, &cb, &ws);
    if (c.rc)
        rc = c.rc;
    if (!rc)
        rc = warta_writer_commit(c.w);
    if (rc) {
        const char *m = c.w ? warta_writer_errmsg(c.w) : NULL;
        cli_error("%s: %s", dir, m && *m ? m : warta_strerror(rc));
        ex = cli_exit_code(rc);
        goto out;
    }
    warta_writer_close(c.w);
    c.w = NULL;
    double secs = now_s() - t0;

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss_mb = (double)ru.ru_maxrss / 1024.0;
    long long bytes = tree_bytes(dir);
    double mbps = secs > 0 ? (double)c.text_bytes / 1e6 / secs : 0;
    double aps = secs > 0 ? (double)c.articles / secs : 0;
    if (o->json) {
        printf("{\"index\": ");
        json_str(stdout, temporary ? "" : dir);
        printf(", \"articles\": %llu, \"skipped\": %llu, \"text_bytes\": %llu, "
               "\"warnings\": %llu, \"input_bytes\": %llu, \"seconds\": %.3f, \"articles_per_s\": %.1f, "
               "\"mb_per_s\": %.2f, \"peak_rss_mb\": %.1f, \"index_bytes\": %lld, "
               "\"jobs\": %lu, \"no_stem\": %s, \"keep_stopwords\": %s}\n",
               c.articles, (unsigned long long)ws.skipped, c.text_bytes,
               (unsigned long long)ws.warnings, (unsigned long long)ws.bytes, secs, aps, mbps, rss_mb,
               bytes, o->jobs,
               o->no_stem ? "true" : "false", o->keep_stopwords ? "true" : "false");
    } else {
        printf("indexed %llu articles (%.1f MB of title and body text) in %.3f s%s%s\n",
               c.articles, (double)c.text_bytes / 1e6, secs, temporary ? "" : " into ",
               temporary ? "" : dir);
        printf("throughput: %.1f articles/s, %.2f MB/s\n", aps, mbps);
        printf("peak resident memory: %.1f MB\n", rss_mb);
        printf("index bytes: %lld\n", bytes);
        if (ws.skipped || ws.warnings)
            printf("skipped inputs: %llu; warnings: %llu (run warta index to see them)\n",
                   (unsigned long long)ws.skipped, (unsigned long long)ws.warnings);
    }
    if (ws.skipped && ex == EXIT_OK)
        ex = EXIT_PARTIAL;
out:
    warta_writer_close(c.w);
    if (temporary)
        nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return ex;
}

/* ---- the command --------------------------------------------------------------- */

int cmd_bench(int argc, char **argv)
{
    enum {
        OPT_QUERIES = 256, OPT_THREADS, OPT_WARMUP, OPT_REPEAT, OPT_SNIPPETS, OPT_EXHAUSTIVE,
        OPT_RUN, OPT_CONFIG, OPT_JSON, OPT_INDEX, OPT_JOBS, OPT_MEMORY, OPT_NOSTEM, OPT_KEEPSTOP, OPT_SLOWEST, OPT_VERSION
    };
    static const struct option longopts[] = {
        {"index-dir", required_argument, NULL, 'i'},
        {"queries", required_argument, NULL, OPT_QUERIES},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"warmup", required_argument, NULL, OPT_WARMUP},
        {"repeat", required_argument, NULL, OPT_REPEAT},
        {"snippets", no_argument, NULL, OPT_SNIPPETS},
        {"exhaustive", no_argument, NULL, OPT_EXHAUSTIVE},
        {"slowest", required_argument, NULL, OPT_SLOWEST},
        {"run", required_argument, NULL, OPT_RUN},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"json", no_argument, NULL, OPT_JSON},
        {"index", no_argument, NULL, OPT_INDEX},
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"memory", required_argument, NULL, OPT_MEMORY},
        {"no-stem", no_argument, NULL, OPT_NOSTEM},
        {"keep-stopwords", no_argument, NULL, OPT_KEEPSTOP},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    qopts q = {NULL, NULL, NULL, NULL, 10, 1, 100, 1, false, false, 0, false};
    iopts ix = {NULL, 0, 0, false, false, false};
    bool index_mode = false, query_only = false;
    const char *dir = NULL;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "i:k:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'i': dir = optarg; break;
        case OPT_QUERIES: q.queries = optarg; query_only = true; break;
        case 'k':
            if (!cli_parse_uint("bench", "-k", optarg, 1, 100000, &q.k))
                return EXIT_USAGE;
            query_only = true;
            break;
        case OPT_THREADS:
            if (!cli_parse_uint("bench", "--threads", optarg, 1, 256, &q.threads))
                return EXIT_USAGE;
            query_only = true;
            break;
        case OPT_WARMUP:
            if (!cli_parse_uint("bench", "--warmup", optarg, 0, 100000000, &q.warmup))
                return EXIT_USAGE;
            query_only = true;
            break;
        case OPT_REPEAT:
            if (!cli_parse_uint("bench", "--repeat", optarg, 1, 10000, &q.repeat))
                return EXIT_USAGE;
            query_only = true;
            break;
        case OPT_SNIPPETS: q.snippets = true; query_only = true; break;
        case OPT_EXHAUSTIVE: q.exhaustive = true; query_only = true; break;
        case OPT_SLOWEST:
            if (!cli_parse_uint("bench", "--slowest", optarg, 0, 100000, &q.slowest))
                return EXIT_USAGE;
            query_only = true;
            break;
        case OPT_RUN: q.run = optarg; query_only = true; break;
        case OPT_CONFIG: q.config = optarg; query_only = true; break;
        case OPT_JSON: q.json = ix.json = true; break;
        case OPT_INDEX: index_mode = true; break;
        case OPT_JOBS:
            if (!cli_parse_uint("bench", "--jobs", optarg, 1, 256, &ix.jobs))
                return EXIT_USAGE;
            break;
        case OPT_MEMORY:
            if (!cli_parse_uint("bench", "--memory", optarg, 1, 1048576, &ix.memory_mb))
                return EXIT_USAGE;
            break;
        case OPT_NOSTEM: ix.no_stem = true; break;
        case OPT_KEEPSTOP: ix.keep_stopwords = true; break;
        case 'h':
            printf("usage: %s\n\n%s", bench_usage, bench_help);
            return EXIT_OK;
        case OPT_VERSION:
            printf("warta %s\n", warta_version());
            return EXIT_OK;
        default:
            return cli_usage_error("bench", bench_usage);
        }
    }
    if (index_mode) {
        if (query_only) {
            cli_error("bench: --index times indexing; the query options (--queries, -k, "
                      "--threads, ...) belong to query mode (use one mode per run)");
            return cli_usage_error("bench", bench_usage);
        }
        if (optind == argc) {
            cli_error("bench: --index needs the article files or directories to index");
            return cli_usage_error("bench", bench_usage);
        }
        ix.dir = dir;
        return bench_index(&ix, argv + optind, (size_t)(argc - optind));
    }
    if (!q.queries) {
        cli_error("bench: give --queries FILE (query mode) or --index PATH... (index mode)");
        return cli_usage_error("bench", bench_usage);
    }
    if (optind < argc) {
        cli_error("bench: unexpected argument '%s' (queries come from --queries FILE)", argv[optind]);
        return cli_usage_error("bench", bench_usage);
    }
    if (q.run && q.threads > 1) {
        cli_error("bench: --run writes hits in query order: use it with --threads 1");
        return cli_usage_error("bench", bench_usage);
    }
    if (ix.jobs || ix.memory_mb || ix.no_stem || ix.keep_stopwords) {
        cli_error("bench: --jobs, --memory, --no-stem and --keep-stopwords belong to index mode "
                  "(--index)");
        return cli_usage_error("bench", bench_usage);
    }
    q.index = cli_index_path(dir);
    return bench_queries(&q);
}
