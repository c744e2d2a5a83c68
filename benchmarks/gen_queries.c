/*
 * gen_queries.c: writes a keyword query set from the headlines of any JSON
 * Lines corpus: each query is 2 to 5 distinct words of one headline, in the
 * headline's order, lower-cased, stopwords, one-letter words and numbers
 * left out.  The same corpus, seed and options give the same file on every
 * machine (its own PRNG).  Used by compare.sh, scale.sh and run-all.sh.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "benchlib.h"

static const char usage[] =
    "usage: gen_queries [-n COUNT] [--seed N] [--min W] [--max W] [--tsv]\n"
    "                   [-o FILE] CORPUS.jsonl[.gz]...\n"
    "Writes COUNT (default 2000) queries of W words (default 2 to 5) picked\n"
    "from the headlines, one a line (with --tsv: q<N><TAB>query).\n";

/* Indonesian function words that no one types as a keyword (a fixed list,
 * so that query sets do not change when warta's analyzer does); sorted
 * at start for bsearch. */
static const char *stopwords[] = {
    "ada", "adalah", "agar", "akan", "aku", "anda", "apa", "apakah", "atas", "atau",
    "bagaimana", "bagi", "bahkan", "bahwa", "banyak", "baru", "beberapa", "begitu",
    "belum", "berapa", "bersama", "biasa", "bila", "bisa", "boleh", "bukan", "cukup",
    "dalam", "dan", "dapat", "dari", "daripada", "demi", "dengan", "di", "dia", "dimana",
    "dong", "hal", "hanya", "harus", "hingga", "ia", "ini", "itu", "jadi", "jangan",
    "jika", "juga", "kalau", "kami", "kamu", "kapan", "karena", "ke", "kenapa", "kepada",
    "ketika", "kini", "kita", "lagi", "lain", "lalu", "lebih", "maka", "mana", "masih",
    "mau", "melalui", "memang", "mengapa", "menjadi", "menurut", "mereka", "meski",
    "misalnya", "mungkin", "nya", "oleh", "pada", "para", "pernah", "pun", "saat", "saja",
    "sambil", "sampai", "sana", "sangat", "saya", "se", "sebagai", "sebelum", "sedang",
    "sedangkan", "sehingga", "sejak", "sekali", "selain", "selama", "semua", "sendiri",
    "seperti", "serta", "sesudah", "setelah", "siapa", "siapakah", "soal", "sudah",
    "supaya", "tak", "tanpa", "tapi", "telah", "tentang", "tersebut", "tetapi", "tidak",
    "untuk", "usai", "walau", "ya", "yaitu", "yakni", "yang",
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_stopword(const char *w)
{
    return bsearch(&w, stopwords, sizeof stopwords / sizeof stopwords[0], sizeof stopwords[0],
                   cmp_str) != NULL;
}

/* Every kept headline's words, in one text buffer. */
typedef struct pool {
    char *text;              /* words, each NUL-terminated */
    size_t len, cap;         /* bytes used and allocated */
    size_t *word;            /* offset of each word in text */
    size_t nword, capword;   /* words stored and allocated */
    size_t *first;           /* first word of each headline; first[nhead] = nword */
    size_t nhead, caphead;   /* headlines kept and allocated */
    size_t head_start;       /* first word of the headline being read */
    bool oom;                /* an allocation failed */
} pool;

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : 1024;
    while (ncap < need)
        ncap *= 2;
    void *n = realloc(*p, ncap * size);
    if (!n)
        return false;
    *p = n;
    *cap = ncap;
    return true;
}

static void add_word(void *ctx, const char *w, size_t n)
{
    pool *p = ctx;
    if (p->oom || n < 2 || n > 64)
        return;
    char low[65];
    bool digits = true;
    for (size_t i = 0; i < n; i++) {
        char c = w[i];
        low[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        if (c < '0' || c > '9')
            digits = false;
    }
    low[n] = '\0';
    if (digits || is_stopword(low))
        return;
    for (size_t i = p->head_start; i < p->nword; i++)
        if (strcmp(p->text + p->word[i], low) == 0)
            return;
    if (!grow((void **)&p->text, &p->cap, p->len + n + 1, 1) ||
        !grow((void **)&p->word, &p->capword, p->nword + 1, sizeof *p->word)) {
        p->oom = true;
        return;
    }
    memcpy(p->text + p->len, low, n + 1);
    p->word[p->nword++] = p->len;
    p->len += n + 1;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    bl_set_progname(argv[0]);
    unsigned long count = 2000, minw = 2, maxw = 5;
    unsigned long long seed = 42;
    bool tsv = false;
    const char *outpath = NULL;
    enum { OPT_SEED = 256, OPT_MIN, OPT_MAX, OPT_TSV };
    static const struct option longopts[] = {
        {"seed", required_argument, NULL, OPT_SEED},
        {"min", required_argument, NULL, OPT_MIN},
        {"max", required_argument, NULL, OPT_MAX},
        {"tsv", no_argument, NULL, OPT_TSV},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "n:o:h", longopts, NULL)) != -1) {
        char *end;
        errno = 0;
        switch (c) {
        case 'n': count = strtoul(optarg, &end, 10); break;
        case OPT_SEED: seed = strtoull(optarg, &end, 10); break;
        case OPT_MIN: minw = strtoul(optarg, &end, 10); break;
        case OPT_MAX: maxw = strtoul(optarg, &end, 10); break;
        case OPT_TSV: tsv = true; continue;
        case 'o': outpath = optarg; continue;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
        if (errno || *end || optarg[0] == '-' || optarg[0] == '\0') {
            bl_error("invalid number '%s'", optarg);
            return 2;
        }
    }
    if (optind == argc || minw < 1 || maxw < minw || maxw > 64) {
        fputs(usage, stderr);
        return 2;
    }
    qsort(stopwords, sizeof stopwords / sizeof stopwords[0], sizeof stopwords[0], cmp_str);

    pool p = {0};
    bl_jsonl *r = NULL;
    if (bl_jsonl_open(&r, (const char *const *)(argv + optind), (size_t)(argc - optind)))
        return 1;
    bl_doc d;
    int got;
    int rc = 1;
    FILE *out = NULL;
    while ((got = bl_jsonl_next(r, &d)) == 1) {
        p.head_start = p.nword;
        bl_words(d.title, d.title_len, add_word, &p);
        if (p.oom)
            break;
        if (p.nword - p.head_start < minw) {
            p.len = p.nword > p.head_start ? p.word[p.head_start] : p.len;
            p.nword = p.head_start;
            continue;
        }
        if (!grow((void **)&p.first, &p.caphead, p.nhead + 2, sizeof *p.first)) {
            p.oom = true;
            break;
        }
        p.first[p.nhead++] = p.head_start;
    }
    if (p.oom) {
        bl_error("out of memory");
        goto out;
    }
    if (got < 0)
        goto out;
    if (p.nhead == 0) {
        bl_error("no headline has %lu or more keywords (do the articles have titles?)", minw);
        goto out;
    }
    p.first[p.nhead] = p.nword;

    out = outpath ? fopen(outpath, "w") : stdout;
    if (!out) {
        bl_error("%s: cannot create: %s", outpath, strerror(errno));
        goto out;
    }
    bl_rng rng;
    bl_rng_seed(&rng, seed);
    size_t pick[64];
    for (unsigned long i = 0; i < count; i++) {
        size_t h = (size_t)bl_rng_below(&rng, p.nhead);
        size_t nw = p.first[h + 1] - p.first[h];
        size_t want = (size_t)(minw + bl_rng_below(&rng, maxw - minw + 1));
        if (nw > 64)
            nw = 64;
        if (want > nw)
            want = nw;
        size_t idx[64];
        for (size_t j = 0; j < nw; j++)
            idx[j] = j;
        for (size_t j = 0; j < want; j++) {
            size_t s = j + (size_t)bl_rng_below(&rng, nw - j);
            size_t t = idx[j];
            idx[j] = idx[s];
            idx[s] = t;
            pick[j] = idx[j];
        }
        qsort(pick, want, sizeof *pick, cmp_size);
        if (tsv)
            fprintf(out, "q%lu\t", i + 1);
        for (size_t j = 0; j < want; j++)
            fprintf(out, "%s%s", j ? " " : "", p.text + p.word[p.first[h] + pick[j]]);
        fputc('\n', out);
    }
    if (fflush(out) != 0 || ferror(out)) {
        bl_error("%s: write error: %s", outpath ? outpath : "stdout", strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (out && out != stdout && fclose(out) != 0 && rc == 0) {
        bl_error("%s: write error: %s", outpath, strerror(errno));
        rc = 1;
    }
    bl_jsonl_close(r);
    free(p.text);
    free(p.word);
    free(p.first);
    return rc;
}
