/*
 * peer_fts5.c: the SQLite FTS5 side of the comparison (compare.sh, eval.sh,
 * scale.sh).  Builds a contentless FTS5 table (unicode61 tokenizer, title and
 * body columns) from JSON Lines files in one transaction, then runs a query
 * file as ranked OR top-k (bm25, k1 1.2, b 0.75, fixed by FTS5), mapping
 * rowids to external ids through an id list loaded before timing.  Prints
 * the same figures as `warta bench` and can write a TREC run file.
 */
#include <errno.h>
#include <getopt.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchlib.h"

static const char usage[] =
    "usage: peer_fts5 --db FILE [--no-optimize] [CORPUS.jsonl[.gz]...]\n"
    "                 [--queries FILE] [-k N] [--warmup N] [--repeat N]\n"
    "                 [--run FILE] [--latencies FILE] [--json]\n"
    "With CORPUS files, (re)builds the contentless FTS5 table in FILE (ids in\n"
    "FILE.ids) and reports build_seconds and index_bytes; with --queries, runs\n"
    "each line (or qid<TAB>query) as ranked OR top-k and reports latencies.\n";

typedef struct options {
    const char *db;          /* database file */
    const char *queries;     /* query file or NULL */
    const char *run;         /* TREC run output or NULL */
    const char *latencies;   /* per-query µs output or NULL */
    unsigned long k;         /* hits per query */
    unsigned long warmup;    /* untimed queries first */
    unsigned long repeat;    /* timed passes */
    bool optimize;           /* merge FTS5 segments after the build */
    bool json;               /* one JSON object */
} options;

static int exec_sql(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        bl_error("sqlite: %s: %s", sql, err ? err : "?");
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

/* Writes an id on its own line (newlines inside ids become spaces). */
static void put_id(FILE *f, const char *id, size_t len)
{
    for (size_t i = 0; i < len; i++)
        fputc(id[i] == '\n' || id[i] == '\r' ? ' ' : id[i], f);
    fputc('\n', f);
}

/* The integer a one-value PRAGMA returns, 0 on error. */
static long long pragma_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Builds the table; *used is the bytes of the database's pages in use (the
 * file minus the free pages `optimize` leaves behind). */
static int build(const options *o, char **paths, size_t npaths, long long *docs, double *secs,
                 long long *used)
{
    char idpath[4096];
    snprintf(idpath, sizeof idpath, "%s.ids", o->db);
    uint64_t t0 = bl_now_ns();
    unlink(o->db);
    bl_jsonl *r = NULL;
    if (bl_jsonl_open(&r, (const char *const *)paths, npaths))
        return -1;
    FILE *ids = fopen(idpath, "w");
    if (!ids) {
        bl_error("%s: cannot create: %s", idpath, strerror(errno));
        bl_jsonl_close(r);
        return -1;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL;
    int rc = -1;
    if (sqlite3_open(o->db, &db) != SQLITE_OK) {
        bl_error("%s: %s", o->db, sqlite3_errmsg(db));
        goto out_close;
    }
    if (exec_sql(db, "CREATE VIRTUAL TABLE docs USING fts5(title, body, "
                     "tokenize='unicode61', content='')") ||
        exec_sql(db, "BEGIN"))
        goto out_close;
    if (sqlite3_prepare_v2(db, "INSERT INTO docs(rowid, title, body) VALUES(?1, ?2, ?3)", -1,
                           &ins, NULL) != SQLITE_OK) {
        bl_error("sqlite: %s", sqlite3_errmsg(db));
        goto out_close;
    }
    bl_doc d;
    int got;
    long long n = 0;
    while ((got = bl_jsonl_next(r, &d)) == 1) {
        n++;
        sqlite3_bind_int64(ins, 1, n);
        sqlite3_bind_text(ins, 2, d.title, (int)d.title_len, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, d.body, (int)d.body_len, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            bl_error("sqlite: insert: %s", sqlite3_errmsg(db));
            goto out_close;
        }
        sqlite3_reset(ins);
        put_id(ids, d.id, d.id_len);
    }
    if (got < 0 || exec_sql(db, "COMMIT"))
        goto out_close;
    if (o->optimize && exec_sql(db, "INSERT INTO docs(docs) VALUES('optimize')"))
        goto out_close;
    if (fflush(ids) != 0) {
        bl_error("%s: write error: %s", idpath, strerror(errno));
        goto out_close;
    }
    *docs = n;
    *used = pragma_int(db, "PRAGMA page_count") - pragma_int(db, "PRAGMA freelist_count");
    *used *= pragma_int(db, "PRAGMA page_size");
    rc = 0;
out_close:
    sqlite3_finalize(ins);
    sqlite3_close(db);
    if (fclose(ids) != 0 && rc == 0) {
        bl_error("%s: write error: %s", idpath, strerror(errno));
        rc = -1;
    }
    bl_jsonl_close(r);
    *secs = (double)(bl_now_ns() - t0) / 1e9;
    return rc;
}

/* The id list, rowid i at ids[i - 1]. */
typedef struct idmap {
    char **ids;              /* external ids (owned) */
    size_t n;                /* how many */
} idmap;

static void idmap_free(idmap *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->ids[i]);
    free(m->ids);
}

static int idmap_load(idmap *m, const char *db)
{
    char path[4096];
    snprintf(path, sizeof path, "%s.ids", db);
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "r");
    if (!f) {
        bl_error("%s: cannot open: %s (build the database first)", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t lcap = 0, cap = 0;
    ssize_t len;
    int rc = 0;
    while ((len = getline(&line, &lcap, f)) >= 0) {
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        if (m->n == cap) {
            cap = cap ? cap * 2 : 4096;
            char **a = realloc(m->ids, cap * sizeof *a);
            if (!a) {
                rc = -1;
                break;
            }
            m->ids = a;
        }
        m->ids[m->n] = strdup(line);
        if (!m->ids[m->n]) {
            rc = -1;
            break;
        }
        m->n++;
    }
    free(line);
    fclose(f);
    if (rc)
        bl_error("out of memory");
    return rc;
}

/* A growable string for MATCH expressions. */
typedef struct strbuf {
    char *p;                 /* text, NUL-terminated */
    size_t len, cap;         /* used and allocated bytes */
    bool oom;                /* an append failed */
} strbuf;

static void sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = (b->len + n + 1) * 2;
        char *p = realloc(b->p, ncap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void add_term(void *ctx, const char *w, size_t n)
{
    strbuf *b = ctx;
    if (b->len)
        sb_add(b, " OR ", 4);
    sb_add(b, "\"", 1);
    sb_add(b, w, n);
    sb_add(b, "\"", 1);
}

/* Touched with every hit's id so that fetching it is not optimized away. */
static volatile unsigned char id_sink;

/* Runs one query; returns the number of hits, or -1 on error.  With run,
 * writes the hits as TREC lines. */
static long run_query(sqlite3 *db, sqlite3_stmt *st, strbuf *expr, const idmap *m,
                      const char *qid, const char *text, unsigned long k, FILE *run)
{
    expr->len = 0;
    if (expr->p)
        expr->p[0] = '\0';
    bl_words(text, strlen(text), add_term, expr);
    if (expr->oom) {
        bl_error("out of memory");
        return -1;
    }
    if (expr->len == 0)
        return 0;
    sqlite3_bind_text(st, 1, expr->p, (int)expr->len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)k);
    long hits = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 rowid = sqlite3_column_int64(st, 0);
        const char *id = rowid >= 1 && (size_t)rowid <= m->n ? m->ids[rowid - 1] : "?";
        hits++;
        if (run)
            fprintf(run, "%s Q0 %s %ld %.6f fts5\n", qid, id, hits, -sqlite3_column_double(st, 1));
        id_sink ^= (unsigned char)id[0];
    }
    sqlite3_reset(st);
    if (s != SQLITE_DONE) {
        bl_error("query '%s': %s", text, sqlite3_errmsg(db));
        return -1;
    }
    return hits;
}

static int run_queries(const options *o, bl_report *rep)
{
    bl_queries q;
    if (bl_queries_load(&q, o->queries))
        return -1;
    idmap m;
    if (idmap_load(&m, o->db)) {
        bl_queries_free(&q);
        return -1;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    FILE *run = NULL;
    double *us = NULL;
    strbuf expr = {0};
    int rc = -1;
    if (sqlite3_open_v2(o->db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        bl_error("%s: %s", o->db, sqlite3_errmsg(db));
        goto out;
    }
    if (sqlite3_prepare_v2(db, "SELECT rowid, rank FROM docs WHERE docs MATCH ?1 "
                               "ORDER BY rank LIMIT ?2", -1, &st, NULL) != SQLITE_OK) {
        bl_error("%s: %s", o->db, sqlite3_errmsg(db));
        goto out;
    }
    if (o->run && !(run = fopen(o->run, "w"))) {
        bl_error("%s: cannot create: %s", o->run, strerror(errno));
        goto out;
    }
    size_t total = q.n * o->repeat;
    us = malloc((total ? total : 1) * sizeof *us);
    if (!us) {
        bl_error("out of memory");
        goto out;
    }
    for (size_t i = 0; i < q.n && i < o->warmup; i++)
        if (run_query(db, st, &expr, &m, q.qid[i], q.text[i], o->k, NULL) < 0)
            goto out;
    unsigned long long hits = 0;
    size_t ns = 0;
    for (unsigned long pass = 0; pass < o->repeat; pass++) {
        for (size_t i = 0; i < q.n; i++) {
            uint64_t t0 = bl_now_ns();
            long h = run_query(db, st, &expr, &m, q.qid[i], q.text[i], o->k,
                               pass == 0 ? run : NULL);
            uint64_t t1 = bl_now_ns();
            if (h < 0)
                goto out;
            hits += (unsigned long long)h;
            us[ns++] = (double)(t1 - t0) / 1e3;
        }
    }
    if (o->latencies) {
        FILE *lf = fopen(o->latencies, "w");
        if (!lf) {
            bl_error("%s: cannot create: %s", o->latencies, strerror(errno));
            goto out;
        }
        for (size_t i = 0; i < ns; i++)
            fprintf(lf, "%.3f\n", us[i]);
        fclose(lf);
    }
    bl_stats s;
    bl_stats_compute(&s, us, ns);
    bl_report_latency(rep, &s, hits);
    rc = 0;
out:
    if (run && fclose(run) != 0 && rc == 0) {
        bl_error("%s: write error", o->run);
        rc = -1;
    }
    free(us);
    free(expr.p);
    sqlite3_finalize(st);
    sqlite3_close(db);
    idmap_free(&m);
    bl_queries_free(&q);
    return rc;
}

int main(int argc, char **argv)
{
    bl_set_progname(argv[0]);
    options o = {.k = 10, .warmup = 100, .repeat = 1, .optimize = true};
    enum { OPT_DB = 256, OPT_QUERIES, OPT_RUN, OPT_LAT, OPT_WARMUP, OPT_REPEAT, OPT_NOOPT, OPT_JSON };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"queries", required_argument, NULL, OPT_QUERIES},
        {"run", required_argument, NULL, OPT_RUN},
        {"latencies", required_argument, NULL, OPT_LAT},
        {"warmup", required_argument, NULL, OPT_WARMUP},
        {"repeat", required_argument, NULL, OPT_REPEAT},
        {"no-optimize", no_argument, NULL, OPT_NOOPT},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "k:h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case OPT_DB: o.db = optarg; break;
        case OPT_QUERIES: o.queries = optarg; break;
        case OPT_RUN: o.run = optarg; break;
        case OPT_LAT: o.latencies = optarg; break;
        case OPT_NOOPT: o.optimize = false; break;
        case OPT_JSON: o.json = true; break;
        case 'k':
        case OPT_WARMUP:
        case OPT_REPEAT: {
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (errno || *end || optarg[0] == '-' || (c != OPT_WARMUP && v == 0)) {
                bl_error("invalid number '%s'", optarg);
                return 2;
            }
            if (c == 'k')
                o.k = v;
            else if (c == OPT_WARMUP)
                o.warmup = v;
            else
                o.repeat = v;
            break;
        }
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (!o.db || (optind == argc && !o.queries)) {
        fputs(usage, stderr);
        return 2;
    }
    bl_report rep;
    bl_report_begin(&rep, stdout, o.json);
    bl_report_str(&rep, "engine", "fts5");
    if (optind < argc) {
        long long docs = 0, used = 0;
        double secs = 0;
        if (build(&o, argv + optind, (size_t)(argc - optind), &docs, &secs, &used))
            return 1;
        bl_report_int(&rep, "docs", docs);
        bl_report_num(&rep, "build_seconds", secs);
        bl_report_int(&rep, "index_bytes", bl_path_bytes(o.db));
        bl_report_int(&rep, "used_bytes", used);
    }
    if (o.queries && run_queries(&o, &rep))
        return 1;
    bl_report_end(&rep);
    return 0;
}
