/*
 * benchlib.h: what the benchmark programs in benchmarks/ share: a JSON Lines
 * reader (plain or gzip, via zlib and jansson), a query file reader (one
 * query a line, or qid<TAB>query), a monotonic clock, latency statistics, a
 * seeded PRNG that gives the same numbers on every platform, file sizes and
 * TREC run output.  Used by peer_fts5.c, peer_xapian.cc, gen_queries.c,
 * scale_corpus.c and trec_eval_lite.c; nothing of warta's is included.
 */
#ifndef WARTA_BENCHLIB_H
#define WARTA_BENCHLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One article of a JSON Lines corpus.  The strings are borrowed until the
 * next bl_jsonl_next() or bl_jsonl_close(); missing fields are "" with
 * length 0.  Strings are NUL-terminated. */
typedef struct bl_doc {
    const char *id;      size_t id_len;      /* "id" field, else "<file>:<line>" */
    const char *title;   size_t title_len;   /* "title" field */
    const char *body;    size_t body_len;    /* "body" field (or "text") */
    const char *date;    size_t date_len;    /* "date" field */
    const char *source;  size_t source_len;  /* "source" field */
    const char *url;     size_t url_len;     /* "url" field */
    unsigned long line;                      /* line number in its file */
} bl_doc;

typedef struct bl_jsonl bl_jsonl;

/* Opens one or more JSON Lines files (.gz or plain, read in order).
 * Returns 0, or -1 after printing "PROG: PATH: why" on stderr. */
int bl_jsonl_open(bl_jsonl **out, const char *const *paths, size_t npaths);

/* Reads the next article: 1 when one was read, 0 at the end of the last
 * file, -1 on a read error (printed).  Lines that are not JSON objects are
 * counted as skipped and passed over. */
int bl_jsonl_next(bl_jsonl *r, bl_doc *d);

/* Lines skipped so far because they were not JSON objects. */
unsigned long bl_jsonl_skipped(const bl_jsonl *r);

void bl_jsonl_close(bl_jsonl *r);

/* A query file: each non-empty line is a query, or "qid<TAB>query".  When
 * no qid is given, the qid is the 1-based line number among queries. */
typedef struct bl_queries {
    char **qid;          /* qid of each query (owned) */
    char **text;         /* text of each query (owned) */
    size_t n;            /* number of queries */
} bl_queries;

/* Returns 0, or -1 after printing why. */
int bl_queries_load(bl_queries *q, const char *path);
void bl_queries_free(bl_queries *q);

/* Monotonic time in nanoseconds (CLOCK_MONOTONIC). */
uint64_t bl_now_ns(void);

/* Latency summary of n samples in microseconds.  Sorts `us` in place. */
typedef struct bl_stats {
    size_t n;            /* samples */
    double mean, p50, p90, p99, max;  /* microseconds */
    double total_s;      /* sum of samples, seconds */
} bl_stats;

void bl_stats_compute(bl_stats *s, double *us, size_t n);

/* The nearest-rank percentile p (0..100) of sorted values. */
double bl_percentile(const double *sorted, size_t n, double p);

/* A small PRNG (splitmix64): the same sequence for a seed everywhere. */
typedef struct bl_rng {
    uint64_t state;      /* advanced by each draw */
} bl_rng;

void bl_rng_seed(bl_rng *r, uint64_t seed);
uint64_t bl_rng_next(bl_rng *r);
/* Uniform in [0, n), n > 0, without modulo bias. */
uint64_t bl_rng_below(bl_rng *r, uint64_t n);

/* Bytes of a file, or of every file below a directory; -1 on error. */
long long bl_path_bytes(const char *path);

/* Splits a query into words for engines without a query analyzer: maximal
 * runs of ASCII letters and digits and of bytes >= 0x80.  Calls fn for each
 * word; returns the number of words. */
size_t bl_words(const char *text, size_t len,
                void (*fn)(void *ctx, const char *w, size_t n), void *ctx);

/* Prints "PROG: message" to stderr; the program name is set once. */
void bl_set_progname(const char *name);
void bl_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* A report: "key value" lines, or one flat JSON object when json is true.
 * bl_report_begin, then any number of fields, then bl_report_end. */
typedef struct bl_report {
    FILE *f;             /* where it goes */
    bool json;           /* one JSON object instead of lines */
    unsigned fields;     /* fields written so far */
} bl_report;

void bl_report_begin(bl_report *r, FILE *f, bool json);
void bl_report_str(bl_report *r, const char *key, const char *value);
void bl_report_int(bl_report *r, const char *key, long long value);
void bl_report_num(bl_report *r, const char *key, double value);  /* 3 decimals */
/* The latency fields: queries, hits, mean_us, p50_us, p90_us, p99_us,
 * max_us, qps. */
void bl_report_latency(bl_report *r, const bl_stats *s, unsigned long long hits);
void bl_report_end(bl_report *r);

#ifdef __cplusplus
}
#endif
#endif
