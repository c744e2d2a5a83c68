/*
 * corpus_collect.h: a test helper for the corpus/ suites (test_walk,
 * test_txt, test_markdown, test_jsonl): walk callbacks that copy every
 * article and problem into arrays the tests can inspect, and shortcuts to
 * read a buffer or walk paths into such a collection.
 */
#ifndef WARTA_CORPUS_COLLECT_H
#define WARTA_CORPUS_COLLECT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/corpus.h"
#include "warta.h"

/* One article as copied by the collector: NUL-terminated strings, "" when
 * the field was missing (has_* tell missing from empty where it matters). */
typedef struct got_article {
    char *id, *title, *body, *date, *url, *source, *author, *tags, *path;
    bool has_title;   /* the title pointer was not NULL */
    bool has_date;    /* the date pointer was not NULL */
    unsigned line;    /* warta_article.line */
} got_article;

typedef struct got_problem {
    char *path;       /* as reported */
    unsigned line;    /* 0 when none */
    char *what;       /* the message */
    bool skipped;     /* input dropped */
} got_problem;

typedef struct collect {
    got_article *arts;     /* articles in the order received */
    size_t narts;
    got_problem *probs;    /* problems in the order received */
    size_t nprobs;
    warta_walk_stats stats;
    char *files;           /* paths given to the file callback, one a line */
    size_t files_len;
    int stop_after;        /* > 0: return 99 from the article callback after this many */
} collect;

static inline char *cc_dup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static inline int cc_article(void *ctx, const warta_article *a)
{
    collect *c = ctx;
    c->arts = realloc(c->arts, (c->narts + 1) * sizeof *c->arts);
    got_article *g = &c->arts[c->narts++];
    g->id = cc_dup(a->id ? a->id : "", a->id_len);
    g->title = cc_dup(a->title ? a->title : "", a->title_len);
    g->body = cc_dup(a->body ? a->body : "", a->body_len);
    g->date = cc_dup(a->date ? a->date : "", a->date_len);
    g->url = cc_dup(a->url ? a->url : "", a->url_len);
    g->source = cc_dup(a->source ? a->source : "", a->source_len);
    g->author = cc_dup(a->author ? a->author : "", a->author_len);
    g->tags = cc_dup(a->tags ? a->tags : "", a->tags_len);
    g->path = cc_dup(a->path ? a->path : "", a->path_len);
    g->has_title = a->title != NULL;
    g->has_date = a->date != NULL;
    g->line = a->line;
    if (c->stop_after > 0 && (int)c->narts >= c->stop_after)
        return 99;
    return 0;
}

static inline void cc_problem(void *ctx, const char *path, unsigned line, const char *what, bool skipped)
{
    collect *c = ctx;
    c->probs = realloc(c->probs, (c->nprobs + 1) * sizeof *c->probs);
    got_problem *p = &c->probs[c->nprobs++];
    p->path = cc_dup(path, strlen(path));
    p->line = line;
    p->what = cc_dup(what, strlen(what));
    p->skipped = skipped;
}

static inline void cc_file(void *ctx, const char *path, uint64_t articles)
{
    collect *c = ctx;
    (void)articles;
    size_t n = strlen(path);
    c->files = realloc(c->files, c->files_len + n + 2);
    memcpy(c->files + c->files_len, path, n);
    c->files_len += n;
    c->files[c->files_len++] = '\n';
    c->files[c->files_len] = '\0';
}

static inline warta_walk_callbacks cc_callbacks(collect *c)
{
    warta_walk_callbacks cb = {
        .article = cc_article, .problem = cc_problem, .progress = NULL, .ctx = c, .file = cc_file};
    return cb;
}

/* Reads a NUL-terminated buffer as format into c (path "t.ext"). */
static inline int cc_read(collect *c, const char *path, const char *data, int format)
{
    warta_walk_callbacks cb = cc_callbacks(c);
    return corpus_read_buffer(path, NULL, data, strlen(data), format, &cb, &c->stats);
}

static inline int cc_read_len(collect *c, const char *path, const char *data, size_t len, int format)
{
    warta_walk_callbacks cb = cc_callbacks(c);
    return corpus_read_buffer(path, NULL, data, len, format, &cb, &c->stats);
}

static inline int cc_walk(collect *c, const char *const *paths, size_t n)
{
    warta_walk_callbacks cb = cc_callbacks(c);
    return warta_walk(paths, n, &cb, &c->stats);
}

/* True when some problem's message contains needle. */
static inline bool cc_has_problem(const collect *c, const char *needle)
{
    for (size_t i = 0; i < c->nprobs; i++)
        if (strstr(c->probs[i].what, needle))
            return true;
    return false;
}

static inline void cc_free(collect *c)
{
    for (size_t i = 0; i < c->narts; i++) {
        got_article *g = &c->arts[i];
        free(g->id), free(g->title), free(g->body), free(g->date), free(g->url);
        free(g->source), free(g->author), free(g->tags), free(g->path);
    }
    for (size_t i = 0; i < c->nprobs; i++)
        free(c->probs[i].path), free(c->probs[i].what);
    free(c->arts);
    free(c->probs);
    free(c->files);
    memset(c, 0, sizeof *c);
}

/* Prints what was collected, to help read a failing test's log. */
static inline void cc_dump(const collect *c)
{
    for (size_t i = 0; i < c->narts; i++)
        fprintf(stderr, "article %zu: id=[%s] title=[%s] date=[%s] url=[%s] body=[%s]\n", i, c->arts[i].id,
                c->arts[i].title, c->arts[i].date, c->arts[i].url, c->arts[i].body);
    for (size_t i = 0; i < c->nprobs; i++)
        fprintf(stderr, "problem %zu: %s:%u: %s (%s)\n", i, c->probs[i].path, c->probs[i].line, c->probs[i].what,
                c->probs[i].skipped ? "skipped" : "warning");
}

#endif
