/*
 * scale_corpus.c: writes a larger JSON Lines corpus from a real one, for the
 * scaling benchmark (scale.sh) and for indexing far beyond the memory budget.
 * Output article i takes input article i mod N as its base: its headline,
 * date, source and its number of sentences (so the length distribution is
 * the input's, exactly, at whole multiples); each sentence slot is the base's
 * own sentence (1/2), a sentence of a random partner article (1/4) or of any
 * article (1/4), so topics stay bursty while bodies are new.  Deterministic
 * for a seed; streams its output (memory is the input's text only).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "benchlib.h"

static const char usage[] =
    "usage: scale_corpus (-n ARTICLES | --factor F) [--seed N] [--id-prefix P]\n"
    "                    [-o OUT.jsonl[.gz]] CORPUS.jsonl[.gz]...\n"
    "Writes ARTICLES (or F times the input's count) recombined articles with\n"
    "new ids P1, P2, ... (default prefix 'scaled-'); gzip when OUT ends in .gz.\n";

/* A span of the text buffer. */
typedef struct span {
    size_t off;              /* offset in the text buffer */
    uint32_t len;            /* bytes */
} span;

/* One input article as the generator needs it. */
typedef struct article {
    span title, date, source; /* copied fields */
    size_t first;            /* its first sentence in the sentence array */
    uint32_t count;          /* its number of sentences */
} article;

typedef struct corpus {
    char *text;              /* all copied text */
    size_t len, cap;         /* used and allocated bytes */
    span *sent;              /* every sentence of every body */
    size_t nsent, capsent;   /* used and allocated */
    article *art;            /* every input article */
    size_t nart, capart;     /* used and allocated */
} corpus;

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : 4096;
    while (ncap < need)
        ncap *= 2;
    void *n = realloc(*p, ncap * size);
    if (!n)
        return false;
    *p = n;
    *cap = ncap;
    return true;
}

static bool copy_text(corpus *c, const char *s, size_t n, span *out)
{
    if (n > UINT32_MAX)
        n = UINT32_MAX;
    out->off = c->len;
    out->len = (uint32_t)n;
    if (n == 0)
        return true;
    if (!grow((void **)&c->text, &c->cap, c->len + n, 1))
        return false;
    memcpy(c->text + c->len, s, n);
    c->len += n;
    return true;
}

/* Splits a body into sentences: a sentence ends after . ! ? followed by a
 * space, a comma (paragraph joins) or the end, and at line breaks. */
static bool add_body(corpus *c, article *a, const char *b, size_t n)
{
    a->first = c->nsent;
    a->count = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && (b[i] == ' ' || b[i] == ',' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t'))
            i++;
        size_t start = i;
        while (i < n) {
            char ch = b[i++];
            if (ch == '\n')
                break;
            if ((ch == '.' || ch == '!' || ch == '?') &&
                (i == n || b[i] == ' ' || b[i] == ',' || b[i] == '\n'))
                break;
        }
        size_t end = i;
        while (end > start && (b[end - 1] == ' ' || b[end - 1] == '\n' || b[end - 1] == '\r' ||
                               b[end - 1] == ','))
            end--;
        if (end == start)
            continue;
        if (!grow((void **)&c->sent, &c->capsent, c->nsent + 1, sizeof *c->sent) ||
            !copy_text(c, b + start, end - start, &c->sent[c->nsent]))
            return false;
        c->nsent++;
        a->count++;
    }
    return true;
}

/* Writes s as a JSON string body (without quotes). */
static void put_json(gzFile out, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        if (i > run)
            gzwrite(out, s + run, (unsigned)(i - run));
        char esc[8];
        if (ch == '"' || ch == '\\')
            snprintf(esc, sizeof esc, "\\%c", ch);
        else if (ch == '\n')
            snprintf(esc, sizeof esc, "\\n");
        else
            snprintf(esc, sizeof esc, "\\u%04x", ch);
        gzputs(out, esc);
        run = i + 1;
    }
    if (n > run)
        gzwrite(out, s + run, (unsigned)(n - run));
}

static void put_field(gzFile out, const char *name, const corpus *c, span s, bool comma)
{
    gzprintf(out, "%s\"%s\": \"", comma ? ", " : "", name);
    if (s.len)
        put_json(out, c->text + s.off, s.len);
    gzputc(out, '"');
}

static void free_corpus(corpus *c)
{
    free(c->text);
    free(c->sent);
    free(c->art);
}

int main(int argc, char **argv)
{
    bl_set_progname(argv[0]);
    unsigned long long count = 0, seed = 42;
    double factor = 0;
    const char *outpath = "-";
    const char *prefix = "scaled-";
    enum { OPT_FACTOR = 256, OPT_SEED, OPT_PREFIX };
    static const struct option longopts[] = {
        {"factor", required_argument, NULL, OPT_FACTOR},
        {"seed", required_argument, NULL, OPT_SEED},
        {"id-prefix", required_argument, NULL, OPT_PREFIX},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    while ((opt = getopt_long(argc, argv, "n:o:h", longopts, NULL)) != -1) {
        char *end = NULL;
        errno = 0;
        switch (opt) {
        case 'n': count = strtoull(optarg, &end, 10); break;
        case OPT_SEED: seed = strtoull(optarg, &end, 10); break;
        case OPT_FACTOR: factor = strtod(optarg, &end); break;
        case OPT_PREFIX: prefix = optarg; continue;
        case 'o': outpath = optarg; continue;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
        if (errno || *end || optarg[0] == '-' || optarg[0] == '\0') {
            bl_error("invalid number '%s'", optarg);
            return 2;
        }
    }
    if (optind == argc || (count == 0) == (factor <= 0)) {
        fputs(usage, stderr);
        return 2;
    }

    corpus c = {0};
    bl_jsonl *r = NULL;
    int rc = 1;
    gzFile out = NULL;
    if (bl_jsonl_open(&r, (const char *const *)(argv + optind), (size_t)(argc - optind)))
        return 1;
    bl_doc d;
    int got;
    while ((got = bl_jsonl_next(r, &d)) == 1) {
        if (!grow((void **)&c.art, &c.capart, c.nart + 1, sizeof *c.art))
            goto out_nomem;
        article *a = &c.art[c.nart];
        if (!copy_text(&c, d.title, d.title_len, &a->title) ||
            !copy_text(&c, d.date, d.date_len, &a->date) ||
            !copy_text(&c, d.source, d.source_len, &a->source) ||
            !add_body(&c, a, d.body, d.body_len))
            goto out_nomem;
        c.nart++;
    }
    if (got < 0)
        goto out;
    if (c.nart == 0 || c.nsent == 0) {
        bl_error("the input has no article with a body");
        goto out;
    }
    if (factor > 0)
        count = (unsigned long long)(factor * (double)c.nart + 0.5);

    size_t plen = strlen(outpath);
    bool gz = plen > 3 && strcmp(outpath + plen - 3, ".gz") == 0;
    out = strcmp(outpath, "-") == 0 ? gzdopen(1, "wT") : gzopen(outpath, gz ? "wb1" : "wT");
    if (!out) {
        bl_error("%s: cannot create: %s", outpath, strerror(errno));
        goto out;
    }
    gzbuffer(out, 1 << 18);
    bl_rng rng;
    bl_rng_seed(&rng, seed);
    for (unsigned long long i = 0; i < count; i++) {
        const article *base = &c.art[i % c.nart];
        const article *partner = &c.art[bl_rng_below(&rng, c.nart)];
        gzprintf(out, "{\"id\": \"");
        put_json(out, prefix, strlen(prefix));
        gzprintf(out, "%llu\"", i + 1);
        put_field(out, "title", &c, base->title, true);
        put_field(out, "date", &c, base->date, true);
        put_field(out, "source", &c, base->source, true);
        gzputs(out, ", \"body\": \"");
        for (uint32_t t = 0; t < base->count; t++) {
            uint64_t u = bl_rng_below(&rng, 4);
            size_t s;
            if (u < 2)
                s = base->first + t;
            else if (u == 2 && partner->count)
                s = partner->first + (size_t)bl_rng_below(&rng, partner->count);
            else
                s = (size_t)bl_rng_below(&rng, c.nsent);
            if (t)
                gzputc(out, ' ');
            put_json(out, c.text + c.sent[s].off, c.sent[s].len);
        }
        gzputs(out, "\"}\n");
    }
    if (gzclose(out) != Z_OK) {
        out = NULL;
        bl_error("%s: write error: %s", outpath, strerror(errno));
        goto out;
    }
    out = NULL;
    rc = 0;
    goto out;
out_nomem:
    bl_error("out of memory");
out:
    if (out)
        gzclose(out);
    bl_jsonl_close(r);
    free_corpus(&c);
    return rc;
}
