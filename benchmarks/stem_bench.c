/*
 * stem_bench.c: warta's stemmer against Snowball's Indonesian stemmer
 * (libstemmer), side by side.
 *  1. Accuracy on the gold list tests/data/stem-gold.tsv: exact roots,
 *     unaffixed words left unchanged, different roots merged into one stem
 *     (over the whole list and over stem-gold-pairs.tsv).  Both stemmers get
 *     the same case-folded word; a reduplication (anak-anak) gets the stem
 *     of its parts when both parts stem alike, for both.
 *  2. Speed on the corpus token stream (default: the shared clickid-2019):
 *     Snowball stemming the normalized words alone, warta_stem on the same
 *     words without a cache, and warta's whole analysis of the text (one
 *     thread, empty cache at the start), in MB of text per second.
 * Uses include/warta.h, libstemmer and benchlib.
 *
 *   stem_bench [--gold FILE] [--pairs FILE] [--runs N] [FILE.jsonl[.gz]...]
 */
#include <ctype.h>
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchlib.h"
#include "warta.h"

#ifndef WARTA_SOURCE_ROOT
#define WARTA_SOURCE_ROOT "."
#endif

typedef struct gold {
    char word[128];      /* as written */
    char root[128];      /* expected stem */
    char cat[64];        /* category */
} gold;

typedef struct stemmer {
    const char *name;            /* column title */
    warta_analyzer *a;           /* warta, or NULL for Snowball */
    struct sb_stemmer *sb;       /* Snowball */
} stemmer;

static void lower(const char *w, char *out, size_t cap)
{
    size_t i = 0;
    for (; w[i] && i + 1 < cap; i++)
        out[i] = (char)tolower((unsigned char)w[i]);
    out[i] = '\0';
}

static void stem_plain(const stemmer *s, const char *w, char *out, size_t cap)
{
    if (s->a) {
        int n = warta_stem(s->a, w, strlen(w), out, cap);
        if (n < 0)
            snprintf(out, cap, "%s", w);
        return;
    }
    char lw[256];
    lower(w, lw, sizeof lw);
    const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)lw, (int)strlen(lw));
    snprintf(out, cap, "%.*s", r ? sb_stemmer_length(s->sb) : 0, r ? (const char *)r : "");
}

static void stem_word(const stemmer *s, const char *w, char *out, size_t cap)
{
    const char *hy = strchr(w, '-');
    if (!s->a && hy && !strchr(hy + 1, '-')) {
        char a[128], b[128], sa[256], sb[256];
        snprintf(a, sizeof a, "%.*s", (int)(hy - w), w);
        snprintf(b, sizeof b, "%s", hy + 1);
        stem_plain(s, a, sa, sizeof sa);
        stem_plain(s, b, sb, sizeof sb);
        if (strcmp(sa, sb) == 0) {
            snprintf(out, cap, "%s", sa);
            return;
        }
    }
    stem_plain(s, w, out, cap);
}

static gold *load_gold(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        bl_error("%s: cannot read the gold list", path);
        return NULL;
    }
    size_t cap = 2048;
    gold *g = malloc(cap * sizeof *g);
    char line[512];
    *n = 0;
    while (g && fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        if (*n == cap) {
            cap *= 2;
            g = realloc(g, cap * sizeof *g);
            if (!g)
                break;
        }
        if (sscanf(line, "%127[^\t]\t%127[^\t]\t%63[^\t\n]", g[*n].word, g[*n].root, g[*n].cat) == 3)
            (*n)++;
    }
    fclose(f);
    return g;
}

static bool unaffixed(const gold *g)
{
    for (size_t i = 0; g->word[i] || g->root[i]; i++)
        if (tolower((unsigned char)g->word[i]) != g->root[i])
            return false;
    return true;
}

typedef struct score {
    size_t exact, un, un_ok, merges, pair_merges, pairs, n;
} score;

static score evaluate(const stemmer *s, const gold *g, size_t n, const char *pairs_path,
                      FILE *misses)
{
    score sc = {0};
    sc.n = n;
    char (*got)[256] = malloc(n * sizeof *got);
    if (!got)
        return sc;
    for (size_t i = 0; i < n; i++) {
        stem_word(s, g[i].word, got[i], sizeof got[i]);
        bool ok = strcmp(got[i], g[i].root) == 0;
        sc.exact += ok;
        if (unaffixed(&g[i])) {
            sc.un++;
            sc.un_ok += ok;
        }
        if (!ok && misses)
            fprintf(misses, "  %-10s %-22s -> %-18s (gold %s, %s)\n", s->name, g[i].word, got[i],
                    g[i].root, g[i].cat);
    }
    /* Merges: pairs of different gold roots that end up with one stem. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(got[i], got[j]) == 0 && strcmp(g[i].root, g[j].root) != 0)
                sc.merges++;
    free(got);
    FILE *f = fopen(pairs_path, "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        char wa[128], ra[128], wb[128], rb[128], sa[256], sb[256];
        if (line[0] == '#' ||
            sscanf(line, "%127[^\t]\t%127[^\t]\t%127[^\t]\t%127[^\t\n]", wa, ra, wb, rb) != 4)
            continue;
        stem_word(s, wa, sa, sizeof sa);
        stem_word(s, wb, sb, sizeof sb);
        sc.pairs++;
        sc.pair_merges += strcmp(sa, sb) == 0;
    }
    if (f)
        fclose(f);
    return sc;
}

/* The corpus's words, normalized (no stemming, stopwords kept). */
typedef struct stream {
    char *bytes;         /* words, each NUL-terminated */
    size_t len, cap;     /* bytes used, allocated */
    size_t *off;         /* start of each word */
    size_t n, ncap;      /* words, allocated */
} stream;

static int add_token(void *ctx, const warta_token *t)
{
    stream *s = ctx;
    if (s->len + t->term_len + 1 > s->cap) {
        s->cap = (s->cap + t->term_len + 1) * 2;
        s->bytes = realloc(s->bytes, s->cap);
        if (!s->bytes)
            return 1;
    }
    if (s->n == s->ncap) {
        s->ncap = s->ncap ? s->ncap * 2 : 1 << 20;
        s->off = realloc(s->off, s->ncap * sizeof *s->off);
        if (!s->off)
            return 1;
    }
    s->off[s->n++] = s->len;
    memcpy(s->bytes + s->len, t->term, t->term_len);
    s->len += t->term_len;
    s->bytes[s->len++] = '\0';
    return 0;
}

static int count_token(void *ctx, const warta_token *t)
{
    (void)t;
    (*(uint64_t *)ctx)++;
    return 0;
}

/* CPU time of this thread in nanoseconds: a shared, busy machine slows the
 * wall clock of both stemmers unevenly, their CPU time much less. */
static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
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
    bl_set_progname("stem_bench");
    const char *gold_path = WARTA_SOURCE_ROOT "/tests/data/stem-gold.tsv";
    const char *pairs_path = WARTA_SOURCE_ROOT "/tests/data/stem-gold-pairs.tsv";
    const char *paths[64];
    size_t npaths = 0;
    int runs = 3;
    bool show_misses = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--gold") == 0 && i + 1 < argc)
            gold_path = argv[++i];
        else if (strcmp(argv[i], "--pairs") == 0 && i + 1 < argc)
            pairs_path = argv[++i];
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]) > 0 && atoi(argv[i]) < 100 ? atoi(argv[i]) : 3;
        else if (strcmp(argv[i], "--misses") == 0)
            show_misses = true;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: stem_bench [--gold FILE] [--pairs FILE] [--runs N] [--misses] "
                            "[FILE.jsonl[.gz]...]\n");
            return 2;
        } else if (npaths < 64)
            paths[npaths++] = argv[i];
    }
    if (npaths == 0)
        paths[npaths++] = WARTA_SOURCE_ROOT "/../shared/corpus/clickid-2019.jsonl.gz";

    char err[512];
    warta_analyzer *wa, *wr, *norm;
    warta_analyzer_options rules = {.no_lexicon = true};
    warta_analyzer_options plain = {.no_lexicon = true, .no_stem = true, .keep_stopwords = true};
    if (warta_analyzer_open(&wa, NULL, err, sizeof err) != 0 ||
        warta_analyzer_open(&wr, &rules, err, sizeof err) != 0 ||
        warta_analyzer_open(&norm, &plain, err, sizeof err) != 0) {
        bl_error("%s", err);
        return 1;
    }
    struct sb_stemmer *sb = sb_stemmer_new("indonesian", NULL);
    if (!sb) {
        bl_error("libstemmer has no Indonesian stemmer");
        return 1;
    }
    stemmer st[3] = {{"warta", wa, NULL}, {"warta-rules", wr, NULL}, {"snowball", NULL, sb}};

    size_t n;
    gold *g = load_gold(gold_path, &n);
    if (!g)
        return 1;
    printf("Accuracy on %s (%zu words)\n", gold_path, n);
    printf("  %-26s %12s %14s %12s\n", "", "warta", "warta-rules", "snowball");
    score sc[3];
    for (int i = 0; i < 3; i++)
        sc[i] = evaluate(&st[i], g, n, pairs_path, show_misses ? stdout : NULL);
    printf("  %-26s", "exact roots");
    for (int i = 0; i < 3; i++)
        printf(" %6.1f %% %4zu", 100.0 * (double)sc[i].exact / (double)n, sc[i].exact);
    printf("\n  %-26s", "unaffixed left unchanged");
    for (int i = 0; i < 3; i++)
        printf(" %6.1f %% %4zu", 100.0 * (double)sc[i].un_ok / (double)sc[i].un, sc[i].un_ok);
    printf("\n  %-26s", "different roots merged");
    for (int i = 0; i < 3; i++)
        printf(" %13zu", sc[i].merges);
    printf("\n  %-26s", "merged pairs (of the list)");
    for (int i = 0; i < 3; i++)
        printf("   %5zu of %3zu", sc[i].pair_merges, sc[i].pairs);
    printf("\n\n");
    free(g);

    /* The corpus, and its normalized token stream. */
    bl_jsonl *r;
    if (bl_jsonl_open(&r, paths, npaths) != 0)
        return 1;
    char **texts = NULL;
    size_t *lens = NULL, ntexts = 0, cap = 0;
    uint64_t bytes = 0;
    bl_doc d;
    int k;
    stream s = {0};
    while ((k = bl_jsonl_next(r, &d)) == 1) {
        for (int f = 0; f < 2; f++) {
            const char *t = f ? d.body : d.title;
            size_t tl = f ? d.body_len : d.title_len;
            if (ntexts == cap) {
                cap = cap ? cap * 2 : 1024;
                texts = realloc(texts, cap * sizeof *texts);
                lens = realloc(lens, cap * sizeof *lens);
                if (!texts || !lens)
                    return 1;
            }
            texts[ntexts] = malloc(tl + 1);
            if (!texts[ntexts])
                return 1;
            memcpy(texts[ntexts], t, tl);
            lens[ntexts++] = tl;
            bytes += tl;
            if (warta_analyze(norm, t, tl, add_token, &s) != 0)
                return 1;
        }
    }
    bl_jsonl_close(r);
    if (k < 0)
        return 1;
    double mb = (double)bytes / 1e6;
    printf("Speed on %s: %.1f MB of text, %zu words (thread CPU time, median of %d runs)\n",
           paths[0], mb, s.n, runs);

    double t_sb[99], t_ws[99], t_an[99];
    uint64_t sink = 0, terms = 0;
    for (int run = 0; run < runs; run++) {
        uint64_t t0 = cpu_ns();
        for (size_t i = 0; i < s.n; i++) {
            const char *w = s.bytes + s.off[i];
            const sb_symbol *o = sb_stemmer_stem(sb, (const sb_symbol *)w, (int)strlen(w));
            sink += o ? (uint64_t)o[0] : 0;
        }
        t_sb[run] = (double)(cpu_ns() - t0) / 1e9;

        warta_analyzer *c;
        if (warta_analyzer_clone(&c, wa) != 0)
            return 1;
        t0 = cpu_ns();
        char out[256];
        for (size_t i = 0; i < s.n; i++) {
            const char *w = s.bytes + s.off[i];
            int m = warta_stem(c, w, strlen(w), out, sizeof out);
            sink += m > 0 ? (uint64_t)out[0] : 0;
        }
        t_ws[run] = (double)(cpu_ns() - t0) / 1e9;
        warta_analyzer_close(c);

        if (warta_analyzer_clone(&c, wa) != 0)
            return 1;
        terms = 0;
        t0 = cpu_ns();
        for (size_t i = 0; i < ntexts; i++)
            if (warta_analyze(c, texts[i], lens[i], count_token, &terms) != 0)
                return 1;
        t_an[run] = (double)(cpu_ns() - t0) / 1e9;
        warta_analyzer_close(c);
    }
    double a = median(t_sb, runs), b = median(t_ws, runs), c = median(t_an, runs);
    printf("  %-52s %8.3f s %8.1f MB/s %6.2f M words/s\n",
           "snowball: stem the normalized words alone", a, mb / a, (double)s.n / 1e6 / a);
    printf("  %-52s %8.3f s %8.1f MB/s %6.2f M words/s\n",
           "warta_stem: the same words, no cache", b, mb / b, (double)s.n / 1e6 / b);
    printf("  %-52s %8.3f s %8.1f MB/s %6.2f M words/s\n",
           "warta analyze: the whole pipeline on the text", c, mb / c, (double)s.n / 1e6 / c);
    printf("  (warta analyze emits %llu index terms; ratio analyze/snowball speed: %.2fx)\n",
           (unsigned long long)terms, a / c);
    if (sink == 42)
        printf("\n");
    for (size_t i = 0; i < ntexts; i++)
        free(texts[i]);
    free(texts);
    free(lens);
    free(s.bytes);
    free(s.off);
    sb_stemmer_delete(sb);
    warta_analyzer_close(wa);
    warta_analyzer_close(wr);
    warta_analyzer_close(norm);
    return 0;
}
