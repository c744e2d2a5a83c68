/*
 * benchlib.c: the helpers declared in benchlib.h, shared by the benchmark
 * programs (peers, generators, evaluation).  Kept free of warta's internals
 * so that the peers measure only themselves.
 */
#include "benchlib.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

static const char *progname = "bench";

void bl_set_progname(const char *name)
{
    const char *slash = strrchr(name, '/');
    progname = slash ? slash + 1 : name;
}

void bl_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- JSON Lines ------------------------------------------------------- */

struct bl_jsonl {
    const char *const *paths;   /* files to read, in order (borrowed) */
    size_t npaths;              /* how many */
    size_t cur;                 /* index of the open file */
    gzFile gz;                  /* the open file, NULL between files */
    char *line;                 /* current line (grown as needed) */
    size_t cap;                 /* bytes allocated for line */
    unsigned long lineno;       /* line number in the open file */
    unsigned long skipped;      /* lines that were not JSON objects */
    json_t *obj;                /* the parsed current line */
    char idbuf[512];            /* "<file>:<line>" when an article has no id */
};

int bl_jsonl_open(bl_jsonl **out, const char *const *paths, size_t npaths)
{
    *out = NULL;
    bl_jsonl *r = calloc(1, sizeof *r);
    if (!r) {
        bl_error("out of memory");
        return -1;
    }
    r->paths = paths;
    r->npaths = npaths;
    r->cap = 1 << 16;
    r->line = malloc(r->cap);
    if (!r->line) {
        free(r);
        bl_error("out of memory");
        return -1;
    }
    *out = r;
    return 0;
}

/* Reads one whole line into r->line; returns its length, or -1 at the end
 * of the open file, -2 on error. */
static long read_line(bl_jsonl *r)
{
    size_t len = 0;
    for (;;) {
        if (r->cap - len < 2) {
            size_t ncap = r->cap * 2;
            char *n = realloc(r->line, ncap);
            if (!n)
                return -2;
            r->line = n;
            r->cap = ncap;
        }
        if (!gzgets(r->gz, r->line + len, (int)(r->cap - len > 0x7fffffff ? 0x7fffffff : r->cap - len))) {
            int err = 0;
            gzerror(r->gz, &err);
            if (err != Z_OK && err != Z_BUF_ERROR)
                return -2;
            return len ? (long)len : -1;
        }
        len += strlen(r->line + len);
        if (len && r->line[len - 1] == '\n')
            return (long)len;
    }
}

static const char *field(json_t *o, const char *key, size_t *len)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v)) {
        *len = 0;
        return "";
    }
    *len = json_string_length(v);
    return json_string_value(v);
}

int bl_jsonl_next(bl_jsonl *r, bl_doc *d)
{
    if (r->obj) {
        json_decref(r->obj);
        r->obj = NULL;
    }
    for (;;) {
        if (!r->gz) {
            if (r->cur >= r->npaths)
                return 0;
            r->gz = gzopen(r->paths[r->cur], "rb");
            if (!r->gz) {
                bl_error("%s: cannot open: %s", r->paths[r->cur], strerror(errno ? errno : ENOENT));
                return -1;
            }
            gzbuffer(r->gz, 1 << 17);
            r->lineno = 0;
        }
        long n = read_line(r);
        if (n == -2) {
            bl_error("%s:%lu: read error (is the gzip file truncated?)", r->paths[r->cur], r->lineno + 1);
            return -1;
        }
        if (n == -1) {
            gzclose(r->gz);
            r->gz = NULL;
            r->cur++;
            continue;
        }
        r->lineno++;
        size_t len = (size_t)n;
        while (len && (r->line[len - 1] == '\n' || r->line[len - 1] == '\r'))
            len--;
        if (len == 0)
            continue;
        json_error_t jerr;
        json_t *o = json_loadb(r->line, len, 0, &jerr);
        if (!json_is_object(o)) {
            json_decref(o);
            r->skipped++;
            continue;
        }
        r->obj = o;
        memset(d, 0, sizeof *d);
        d->id = field(o, "id", &d->id_len);
        if (d->id_len == 0) {
            int w = snprintf(r->idbuf, sizeof r->idbuf, "%s:%lu", r->paths[r->cur], r->lineno);
            d->id = r->idbuf;
            d->id_len = w < 0 ? 0 : (size_t)w >= sizeof r->idbuf ? sizeof r->idbuf - 1 : (size_t)w;
        }
        d->title = field(o, "title", &d->title_len);
        d->body = field(o, "body", &d->body_len);
        if (d->body_len == 0)
            d->body = field(o, "text", &d->body_len);
        d->date = field(o, "date", &d->date_len);
        d->source = field(o, "source", &d->source_len);
        d->url = field(o, "url", &d->url_len);
        d->line = r->lineno;
        return 1;
    }
}

unsigned long bl_jsonl_skipped(const bl_jsonl *r)
{
    return r->skipped;
}

void bl_jsonl_close(bl_jsonl *r)
{
    if (!r)
        return;
    if (r->obj)
        json_decref(r->obj);
    if (r->gz)
        gzclose(r->gz);
    free(r->line);
    free(r);
}

/* ---- query files ------------------------------------------------------ */

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

int bl_queries_load(bl_queries *q, const char *path)
{
    memset(q, 0, sizeof *q);
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        bl_error("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t lcap = 0, cap = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &lcap, f)) >= 0) {
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        size_t start = 0;
        while (start < len && (line[start] == ' ' || line[start] == '\t'))
            start++;
        if (start == len)
            continue;
        if (q->n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            char **a = realloc(q->qid, ncap * sizeof *a);
            if (!a)
                goto out_nomem;
            q->qid = a;
            char **b = realloc(q->text, ncap * sizeof *b);
            if (!b)
                goto out_nomem;
            q->text = b;
            cap = ncap;
        }
        const char *tab = memchr(line, '\t', len);
        char *qid, *text;
        if (tab) {
            qid = dup_n(line, (size_t)(tab - line));
            text = dup_n(tab + 1, len - (size_t)(tab + 1 - line));
        } else {
            char num[32];
            snprintf(num, sizeof num, "%zu", q->n + 1);
            qid = dup_n(num, strlen(num));
            text = dup_n(line + start, len - start);
        }
        if (!qid || !text) {
            free(qid);
            free(text);
            goto out_nomem;
        }
        q->qid[q->n] = qid;
        q->text[q->n] = text;
        q->n++;
    }
    if (ferror(f)) {
        bl_error("%s: read error: %s", path, strerror(errno));
        rc = -1;
    }
    goto out_close;
out_nomem:
    bl_error("out of memory");
    rc = -1;
out_close:
    free(line);
    if (f != stdin)
        fclose(f);
    if (rc)
        bl_queries_free(q);
    return rc;
}

void bl_queries_free(bl_queries *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->qid[i]);
        free(q->text[i]);
    }
    free(q->qid);
    free(q->text);
    memset(q, 0, sizeof *q);
}

/* ---- time and statistics ---------------------------------------------- */

uint64_t bl_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bl_percentile(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return 0;
    double rank = ceil(p / 100.0 * (double)n);
    size_t i = rank < 1 ? 0 : (size_t)rank - 1;
    return sorted[i < n ? i : n - 1];
}

void bl_stats_compute(bl_stats *s, double *us, size_t n)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    if (n == 0)
        return;
    qsort(us, n, sizeof *us, cmp_double);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += us[i];
    s->mean = sum / (double)n;
    s->p50 = bl_percentile(us, n, 50);
    s->p90 = bl_percentile(us, n, 90);
    s->p99 = bl_percentile(us, n, 99);
    s->max = us[n - 1];
    s->total_s = sum / 1e6;
}

/* ---- PRNG --------------------------------------------------------------- */

void bl_rng_seed(bl_rng *r, uint64_t seed)
{
    r->state = seed ^ 0x6a09e667f3bcc909u;
}

uint64_t bl_rng_next(bl_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

uint64_t bl_rng_below(bl_rng *r, uint64_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = bl_rng_next(r);
    while (x >= limit);
    return x % n;
}

/* ---- files -------------------------------------------------------------- */

long long bl_path_bytes(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return S_ISREG(st.st_mode) ? (long long)st.st_size : 0;
    DIR *d = opendir(path);
    if (!d)
        return -1;
    long long total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *sub = malloc(n);
        if (!sub) {
            total = -1;
            break;
        }
        snprintf(sub, n, "%s/%s", path, e->d_name);
        long long b = bl_path_bytes(sub);
        free(sub);
        if (b < 0) {
            total = -1;
            break;
        }
        total += b;
    }
    closedir(d);
    return total;
}

/* ---- words -------------------------------------------------------------- */

static bool is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

size_t bl_words(const char *text, size_t len,
                void (*fn)(void *ctx, const char *w, size_t n), void *ctx)
{
    size_t count = 0, i = 0;
    while (i < len) {
        while (i < len && !is_word_byte((unsigned char)text[i]))
            i++;
        size_t start = i;
        while (i < len && is_word_byte((unsigned char)text[i]))
            i++;
        if (i > start) {
            fn(ctx, text + start, i - start);
            count++;
        }
    }
    return count;
}

/* ---- reports ------------------------------------------------------------ */

void bl_report_begin(bl_report *r, FILE *f, bool json)
{
    r->f = f;
    r->json = json;
    r->fields = 0;
    if (json)
        fputc('{', f);
}

static void report_key(bl_report *r, const char *key)
{
    if (r->json)
        fprintf(r->f, "%s\"%s\": ", r->fields ? ", " : "", key);
    else
        fprintf(r->f, "%s ", key);
    r->fields++;
}

void bl_report_str(bl_report *r, const char *key, const char *value)
{
    report_key(r, key);
    if (!r->json) {
        fprintf(r->f, "%s\n", value);
        return;
    }
    fputc('"', r->f);
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(r->f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(r->f, "\\u%04x", *p);
        else
            fputc(*p, r->f);
    }
    fputc('"', r->f);
}

void bl_report_int(bl_report *r, const char *key, long long value)
{
    report_key(r, key);
    fprintf(r->f, r->json ? "%lld" : "%lld\n", value);
}

void bl_report_num(bl_report *r, const char *key, double value)
{
    report_key(r, key);
    if (!isfinite(value))
        value = 0;
    fprintf(r->f, r->json ? "%.3f" : "%.3f\n", value);
}

void bl_report_latency(bl_report *r, const bl_stats *s, unsigned long long hits)
{
    bl_report_int(r, "queries", (long long)s->n);
    bl_report_int(r, "hits", (long long)hits);
    bl_report_num(r, "mean_us", s->mean);
    bl_report_num(r, "p50_us", s->p50);
    bl_report_num(r, "p90_us", s->p90);
    bl_report_num(r, "p99_us", s->p99);
    bl_report_num(r, "max_us", s->max);
    bl_report_num(r, "qps", s->total_s > 0 ? (double)s->n / s->total_s : 0);
}

void bl_report_end(bl_report *r)
{
    if (r->json)
        fputs("}\n", r->f);
    fflush(r->f);
}
