/*
 * analyze_bench.c: speed of warta's text analysis on a real corpus.  Reads
 * the titles and bodies of JSON Lines files (default: the shared clickid-2019
 * corpus) into memory, then analyzes all of them with 1 and 2 threads (one
 * analyzer clone per thread, each starting with an empty stem cache, as the
 * indexer does) and prints MB/s and tokens/s of wall time and MB/s per thread
 * of CPU time (what a busy shared machine disturbs least), the median of
 * --runs runs, and how long opening the analyzer (loading the root lexicon)
 * takes.
 * Uses include/warta.h and benchlib only.
 *
 *   analyze_bench [--runs N] [--threads LIST] [FILE.jsonl[.gz]...]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchlib.h"
#include "warta.h"

#ifndef WARTA_SOURCE_ROOT
#define WARTA_SOURCE_ROOT "."
#endif

typedef struct text {
    char *s;             /* the text (owned) */
    size_t n;            /* its length */
} text;

typedef struct job {
    const text *texts;   /* all texts */
    size_t from, to;     /* this thread's share [from, to) */
    warta_analyzer *a;   /* this thread's analyzer */
    uint64_t tokens;     /* tokens seen */
    uint64_t bytes;      /* bytes analyzed */
    int rc;              /* warta_analyze's result */
    double cpu;          /* thread CPU seconds */
} job;

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_token(void *ctx, const warta_token *t)
{
    (void)t;
    (*(uint64_t *)ctx)++;
    return 0;
}

static void *run_job(void *arg)
{
    job *j = arg;
    double c0 = thread_cpu();
    for (size_t i = j->from; i < j->to && j->rc == 0; i++) {
        j->rc = warta_analyze(j->a, j->texts[i].s, j->texts[i].n, count_token, &j->tokens);
        j->bytes += j->texts[i].n;
    }
    j->cpu = thread_cpu() - c0;
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    bl_set_progname("analyze_bench");
    int runs = 5;
    unsigned threads[8] = {1, 2};
    int nthreads = 2;
    const char *paths[64];
    size_t npaths = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = atoi(argv[++i]);
            if (runs < 1 || runs > 99)
                runs = 5;
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            nthreads = 0;
            for (char *p = strtok(argv[++i], ","); p && nthreads < 8; p = strtok(NULL, ","))
                if (atoi(p) > 0 && atoi(p) <= 64)
                    threads[nthreads++] = (unsigned)atoi(p);
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: analyze_bench [--runs N] [--threads 1,2] [FILE.jsonl[.gz]...]\n");
            return 2;
        } else if (npaths < 64) {
            paths[npaths++] = argv[i];
        }
    }
    if (npaths == 0)
        paths[npaths++] = WARTA_SOURCE_ROOT "/../shared/corpus/clickid-2019.jsonl.gz";

    bl_jsonl *r;
    if (bl_jsonl_open(&r, paths, npaths) != 0)
        return 1;
    text *texts = NULL;
    size_t ntexts = 0, cap = 0;
    uint64_t total = 0;
    bl_doc d;
    int k;
    while ((k = bl_jsonl_next(r, &d)) == 1) {
        for (int f = 0; f < 2; f++) {
            const char *s = f ? d.body : d.title;
            size_t n = f ? d.body_len : d.title_len;
            if (ntexts == cap) {
                cap = cap ? cap * 2 : 1024;
                texts = realloc(texts, cap * sizeof *texts);
                if (!texts)
                    return 1;
            }
            texts[ntexts].s = malloc(n + 1);
            if (!texts[ntexts].s)
                return 1;
            memcpy(texts[ntexts].s, s, n);
            texts[ntexts].n = n;
            total += n;
            ntexts++;
        }
    }
    bl_jsonl_close(r);
    if (k < 0)
        return 1;

    double open_ms[99];
    warta_analyzer *base = NULL;
    for (int i = 0; i < runs; i++) {
        char err[512];
        uint64_t t0 = bl_now_ns();
        warta_analyzer *a;
        int rc = warta_analyzer_open(&a, NULL, err, sizeof err);
        open_ms[i] = (double)(bl_now_ns() - t0) / 1e6;
        if (rc != 0) {
            bl_error("%s", err);
            return 1;
        }
        if (base)
            warta_analyzer_close(base);
        base = a;
    }
    printf("corpus          %zu texts, %.1f MB\n", ntexts, (double)total / 1e6);
    printf("analyzer open   %.2f ms (median of %d; loads the root lexicon)\n",
           median(open_ms, runs), runs);

    for (int t = 0; t < nthreads; t++) {
        unsigned nt = threads[t];
        double secs[99], cpus[99];
        uint64_t tokens = 0;
        for (int run = 0; run < runs; run++) {
            job jobs[64];
            pthread_t tid[64];
            /* Contiguous shares of equal bytes. */
            size_t from = 0;
            uint64_t acc = 0;
            for (unsigned j = 0; j < nt; j++) {
                size_t to = from;
                uint64_t goal = total * (j + 1) / nt;
                while (to < ntexts && (acc < goal || j + 1 == nt))
                    acc += texts[to++].n;
                jobs[j] = (job){texts, from, to, NULL, 0, 0, 0, 0};
                if (warta_analyzer_clone(&jobs[j].a, base) != 0)
                    return 1;
                from = to;
            }
            uint64_t t0 = bl_now_ns();
            for (unsigned j = 0; j < nt; j++)
                pthread_create(&tid[j], NULL, run_job, &jobs[j]);
            tokens = 0;
            cpus[run] = 0;
            for (unsigned j = 0; j < nt; j++) {
                pthread_join(tid[j], NULL);
                tokens += jobs[j].tokens;
                cpus[run] += jobs[j].cpu;
                if (jobs[j].rc != 0)
                    return 1;
            }
            secs[run] = (double)(bl_now_ns() - t0) / 1e9;
            for (unsigned j = 0; j < nt; j++)
                warta_analyzer_close(jobs[j].a);
        }
        double s = median(secs, runs), c = median(cpus, runs);
        printf("threads %-2u      %.3f s  %.1f MB/s  %.2f M tokens/s wall;  %.1f MB/s per thread "
               "of CPU  (%llu index terms, median of %d)\n",
               nt, s, (double)total / 1e6 / s, (double)tokens / 1e6 / s, (double)total / 1e6 / c,
               (unsigned long long)tokens, runs);
    }
    warta_analyzer_close(base);
    for (size_t i = 0; i < ntexts; i++)
        free(texts[i].s);
    free(texts);
    return 0;
}
