/*
 * trec_eval_lite.c: scores a TREC run file (qid Q0 docid rank score tag)
 * against judgments (qid docid rel, tab or space separated) for eval.sh:
 * MRR@10, Recall@10 and Recall@100, averaged over the queries of a query
 * file (qid<TAB>text), so that a query with no hits counts as a miss.
 * Queries without any judgment are left out and counted.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "benchlib.h"

static const char usage[] =
    "usage: trec_eval_lite --qrels FILE [--queries FILE] [--json] RUN\n"
    "Prints queries, mrr10, recall10, recall100 (and judged, unjudged).\n"
    "Without --queries, the queries are those of the run file.\n";

/* A (qid, docid, number) row of a qrels or run file. */
typedef struct row {
    char *qid;               /* query id (owned) */
    char *doc;               /* document id (owned) */
    long num;                /* relevance (qrels) or rank (run) */
} row;

typedef struct table {
    row *r;                  /* rows, sorted by qid then num */
    size_t n, cap;           /* used and allocated */
} table;

static int cmp_row(const void *a, const void *b)
{
    const row *x = a, *y = b;
    int c = strcmp(x->qid, y->qid);
    if (c)
        return c;
    return (x->num > y->num) - (x->num < y->num);
}

static void table_free(table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->r[i].qid);
        free(t->r[i].doc);
    }
    free(t->r);
}

/* Loads a qrels file (qid doc rel; run = false) or a run file (qid Q0 doc
 * rank ...; run = true).  Rows with rel <= 0 are dropped. */
static int table_load(table *t, const char *path, bool run)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        bl_error("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t lcap = 0;
    unsigned long lineno = 0;
    int rc = 0;
    while (getline(&line, &lcap, f) >= 0) {
        lineno++;
        char *save = NULL;
        char *col[4] = {0};
        int nc = 0;
        for (char *tok = strtok_r(line, " \t\r\n", &save); tok && nc < 4;
             tok = strtok_r(NULL, " \t\r\n", &save))
            col[nc++] = tok;
        if (nc == 0)
            continue;
        if (nc < (run ? 4 : 3)) {
            bl_error("%s:%lu: expected %s", path, lineno,
                     run ? "qid Q0 docid rank score tag" : "qid docid relevance");
            rc = -1;
            break;
        }
        char *end;
        const char *numtxt = run ? col[3] : col[2];
        long num = strtol(numtxt, &end, 10);
        if (*end) {
            bl_error("%s:%lu: '%s' is not a number", path, lineno, numtxt);
            rc = -1;
            break;
        }
        if (!run && num <= 0)
            continue;
        if (t->n == t->cap) {
            size_t ncap = t->cap ? t->cap * 2 : 1024;
            row *nr = realloc(t->r, ncap * sizeof *nr);
            if (!nr) {
                rc = -1;
                bl_error("out of memory");
                break;
            }
            t->r = nr;
            t->cap = ncap;
        }
        row *w = &t->r[t->n];
        w->qid = strdup(col[0]);
        w->doc = strdup(run ? col[2] : col[1]);
        w->num = num;
        if (!w->qid || !w->doc) {
            free(w->qid);
            free(w->doc);
            rc = -1;
            bl_error("out of memory");
            break;
        }
        t->n++;
    }
    free(line);
    fclose(f);
    if (rc == 0)
        qsort(t->r, t->n, sizeof *t->r, cmp_row);
    return rc;
}

/* The rows of qid: [*lo, *hi). */
static void table_range(const table *t, const char *qid, size_t *lo, size_t *hi)
{
    size_t a = 0, b = t->n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (strcmp(t->r[m].qid, qid) < 0)
            a = m + 1;
        else
            b = m;
    }
    *lo = a;
    while (a < t->n && strcmp(t->r[a].qid, qid) == 0)
        a++;
    *hi = a;
}

int main(int argc, char **argv)
{
    bl_set_progname(argv[0]);
    const char *qrels_path = NULL, *queries_path = NULL;
    bool json = false;
    enum { OPT_QRELS = 256, OPT_QUERIES, OPT_JSON };
    static const struct option longopts[] = {
        {"qrels", required_argument, NULL, OPT_QRELS},
        {"queries", required_argument, NULL, OPT_QUERIES},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_QRELS: qrels_path = optarg; break;
        case OPT_QUERIES: queries_path = optarg; break;
        case OPT_JSON: json = true; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (!qrels_path || optind + 1 != argc) {
        fputs(usage, stderr);
        return 2;
    }
    table qrels = {0}, run = {0};
    bl_queries q = {0};
    int rc = 1;
    if (table_load(&qrels, qrels_path, false) || table_load(&run, argv[optind], true))
        goto out;
    size_t nq = 0;
    char **qids = NULL;
    if (queries_path) {
        if (bl_queries_load(&q, queries_path))
            goto out;
        qids = q.qid;
        nq = q.n;
    } else {
        qids = malloc((run.n ? run.n : 1) * sizeof *qids);
        if (!qids) {
            bl_error("out of memory");
            goto out;
        }
        for (size_t i = 0; i < run.n; i++)
            if (i == 0 || strcmp(run.r[i].qid, run.r[i - 1].qid) != 0)
                qids[nq++] = run.r[i].qid;
    }
    double mrr = 0, r10 = 0, r100 = 0;
    size_t judged = 0, unjudged = 0;
    for (size_t i = 0; i < nq; i++) {
        size_t qlo, qhi, rlo, rhi;
        table_range(&qrels, qids[i], &qlo, &qhi);
        if (qlo == qhi) {
            unjudged++;
            continue;
        }
        judged++;
        table_range(&run, qids[i], &rlo, &rhi);
        long first = 0;
        size_t in10 = 0, in100 = 0;
        for (size_t j = rlo; j < rhi; j++) {
            bool rel = false;
            for (size_t k = qlo; k < qhi && !rel; k++)
                rel = strcmp(run.r[j].doc, qrels.r[k].doc) == 0;
            if (!rel)
                continue;
            long rank = run.r[j].num;
            if (first == 0 || rank < first)
                first = rank;
            in10 += rank <= 10;
            in100 += rank <= 100;
        }
        size_t nrel = qhi - qlo;
        if (first >= 1 && first <= 10)
            mrr += 1.0 / (double)first;
        r10 += (double)in10 / (double)nrel;
        r100 += (double)in100 / (double)nrel;
    }
    if (!queries_path)
        free(qids);
    double den = judged ? (double)judged : 1;
    bl_report rep;
    bl_report_begin(&rep, stdout, json);
    bl_report_int(&rep, "queries", (long long)judged);
    bl_report_int(&rep, "unjudged", (long long)unjudged);
    bl_report_num(&rep, "mrr10", mrr / den);
    bl_report_num(&rep, "recall10", r10 / den);
    bl_report_num(&rep, "recall100", r100 / den);
    bl_report_end(&rep);
    rc = 0;
out:
    table_free(&qrels);
    table_free(&run);
    bl_queries_free(&q);
    return rc;
}
