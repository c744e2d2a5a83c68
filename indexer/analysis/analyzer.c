/*
 * analyzer.c: the analysis pipeline and the analyzer handle (warta.h's
 * "Text analysis" and analyzer.h).  Text is segmented into words
 * (tokenize.c); words joined by one hyphen, slash or colon are read
 * together (reduplication, compounds, dates, times); each word is
 * normalized (normalize.c), checked against the stopwords and stemmed
 * (stem.c).  The result for a word's exact bytes is cached per analyzer, so
 * a repeated word costs one hash lookup.  The lexicon and stopwords are
 * immutable and shared by clones.  Called by the indexer (analysis_run),
 * query/, the CLI and the benchmarks.
 */
#include "analyzer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lexicon.h"
#include "normalize.h"
#include "stem.h"
#include "stopwords.h"
#include "tokenize.h"
#include "warta_config.h"
#include "wordset.h"

/* What an analyzer and its clones share, immutable once built. */
typedef struct analysis_shared {
    atomic_int refs;             /* analyzers using it */
    wordset roots;               /* root lexicon (empty with no_lexicon); when lazy, filled
                                    from roots_ix after ROOTS_BUILD_AFTER stemmings */
    bool lazy;                   /* roots opened from an index: read in place until built */
    wordlist_index roots_ix;     /* lazy: the stored list */
    wordset roots_view;          /* lazy: a wordset answering from roots_ix */
    _Atomic(const wordset *) roots_now; /* lazy: roots_view, then roots once built */
    atomic_uint stemmings;       /* lazy: stem_word calls so far (up to the build) */
    pthread_mutex_t build_mu;    /* lazy: guards the build */
    wordset stops;               /* stopwords */
    bool no_stem;                /* option: terms are not stemmed */
    bool keep_stopwords;         /* option: stopwords are passed as terms */
    bool no_lexicon;             /* option: rules-only stemming */
    char *lexicon_path;          /* as given (NULL: default or serialized) */
    char *stopword_path;         /* as given (NULL: built-in or serialized) */
    const void *map;             /* the mapped analyzer file roots_ix reads in place, when it
                                    was handed over (analysis_open_serialized_mapped) */
    size_t map_len;              /* its length (munmap at release) */
} analysis_shared;

/* Cached analysis of one word's exact bytes.  Entries sit in an array in
 * the order words were first seen, so the frequent words of a corpus are
 * packed together at its start; a hash table of 4-byte slots points into
 * it.  Key and term live in the entry itself when they fit (nearly
 * always), else in the arena. */
#define CENTRY_INLINE 28
#define CENTRY_SPLIT 2
typedef struct centry {
    uint8_t klen;                /* key length */
    uint8_t tlen;                /* term length */
    uint8_t stop;                /* bit 0: a stopword; bit 1: two terms (CENTRY_SPLIT) */
    uint8_t in_arena;            /* key and term are in the arena at u.off */
    union {
        char bytes[CENTRY_INLINE];   /* key bytes, then term bytes */
        uint32_t off;                /* arena offset of key bytes, then term bytes */
    } u;
} centry;

/* A slot: 0 empty, else SLOT_TAG bits of the hash above the entry index + 1. */
#define SLOT_INDEX_BITS 21
#define SLOT_INDEX_MASK ((1u << SLOT_INDEX_BITS) - 1)

/* Words longer than this are analyzed every time (rare, and it keeps
 * cache entries small). */
#define CACHE_MAX_KEY 64
/* The cache is emptied when its arena passes this many bytes or it holds
 * CACHE_MAX_WORDS words, so an analyzer stays under about 40 MB whatever
 * the corpus (a year of news has a few hundred thousand distinct words). */
#define CACHE_MAX_ARENA (16u << 20)

struct warta_analyzer {
    analysis_shared *sh;         /* lexicon, stopwords, options */
    tokenizer tz;                /* word segmentation state */
    normalizer nz;               /* ICU scratch */
    uint32_t *slots;             /* open-addressing table: tag | entry index + 1 */
    size_t cache_mask;           /* slots - 1 */
    centry *cache;               /* entries, in the order words were first seen */
    size_t cache_count;          /* entries used */
    size_t cache_cap;            /* entries allocated */
    char *arena;                 /* cached keys and terms */
    char scratch[NORM_MAX + 1];  /* the term of a word that is not cached */
    size_t arena_len;            /* bytes used */
    size_t arena_cap;            /* bytes allocated */
};

/* The analysis of one word. */
typedef struct wres {
    const char *term;            /* index term (stem); valid until the next lookup */
    size_t len;                  /* its length; 0: the word vanished */
    bool stop;                   /* a stopword */
    bool split;                  /* term is two terms separated by one space (a closed compound) */
} wres;

static void shared_release(analysis_shared *sh)
{
    if (!sh || atomic_fetch_sub(&sh->refs, 1) != 1)
        return;
    wordset_free(&sh->roots);
    wordset_free(&sh->stops);
    if (sh->lazy) {
        wordlist_index_free(&sh->roots_ix);
        pthread_mutex_destroy(&sh->build_mu);
    }
    wfree(sh->lexicon_path);
    wfree(sh->stopword_path);
    if (sh->map)
        munmap((void *)sh->map, sh->map_len);
    wfree(sh);
}

static int cache_init(warta_analyzer *a)
{
    a->cache_mask = 4095;
    a->slots = wcalloc(a->cache_mask + 1, sizeof *a->slots);
    a->cache_cap = 1024;
    a->cache = wmalloc(a->cache_cap * sizeof *a->cache);
    a->arena_cap = 1 << 16;
    a->arena = wmalloc(a->arena_cap);
    if (!a->slots || !a->cache || !a->arena)
        return WARTA_ENOMEM;
    return 0;
}

static int analyzer_new(warta_analyzer **out, analysis_shared *sh)
{
    *out = NULL;
    warta_analyzer *a = wcalloc(1, sizeof *a);
    if (!a)
        return WARTA_ENOMEM;
    a->sh = sh;
    if (normalize_init() != 0 || cache_init(a) != 0) {
        wfree(a->slots);
        wfree(a->cache);
        wfree(a->arena);
        wfree(a);
        return WARTA_ENOMEM;
    }
    atomic_fetch_add(&sh->refs, 1);
    *out = a;
    return 0;
}

/* roots_expect: the root table's first size (a lexicon's 31,000 roots, or
 * almost nothing when the roots are read in place until built). */
static analysis_shared *shared_new(size_t roots_expect)
{
    analysis_shared *sh = wcalloc(1, sizeof *sh);
    if (!sh)
        return NULL;
    atomic_init(&sh->refs, 0);
    if (wordset_init(&sh->stops, 256) != 0) {
        wfree(sh);
        return NULL;
    }
    if (wordset_init(&sh->roots, roots_expect) != 0) {
        wordset_free(&sh->stops);
        wfree(sh);
        return NULL;
    }
    return sh;
}

/* A process answering one query stems a few words: a binary search in the
 * stored list serves them.  One that goes on (a server, a benchmark, an
 * indexer) gets the hash table after this many stemmings. */
#define ROOTS_BUILD_AFTER 1024

/* Fills sh->roots from the stored list once; 0 or WARTA_ENOMEM. */
static int roots_build(analysis_shared *sh)
{
    int rc = 0;
    pthread_mutex_lock(&sh->build_mu);
    if (atomic_load_explicit(&sh->roots_now, memory_order_acquire) != &sh->roots) {
        /* sized for the whole list at once (it was opened nearly empty) */
        wordset_free(&sh->roots);
        rc = wordset_init(&sh->roots, (size_t)sh->roots_ix.count);
        if (rc == 0)
            rc = wordlist_index_fill(&sh->roots_ix, &sh->roots);
        if (rc == 0)
            atomic_store_explicit(&sh->roots_now, &sh->roots, memory_order_release);
    }
    pthread_mutex_unlock(&sh->build_mu);
    return rc;
}

/* The root set the stemmer uses now (NULL: rules only). */
static const wordset *roots_of(analysis_shared *sh)
{
    if (sh->no_lexicon)
        return NULL;
    if (!sh->lazy)
        return &sh->roots;
    const wordset *r = atomic_load_explicit(&sh->roots_now, memory_order_acquire);
    if (r == &sh->roots)
        return r;
    if (atomic_fetch_add_explicit(&sh->stemmings, 1, memory_order_relaxed) + 1 == ROOTS_BUILD_AFTER)
        (void)roots_build(sh);   /* out of memory: the list keeps serving */
    return atomic_load_explicit(&sh->roots_now, memory_order_acquire);
}

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

WARTA_API int warta_analyzer_open(warta_analyzer **out, const warta_analyzer_options *opts,
                                  char *errmsg, size_t errlen)
{
    *out = NULL;
    warta_analyzer_options o = {0};
    if (opts)
        o = *opts;
    if (normalize_init() != 0)
        return WARTA_ENOMEM;
    analysis_shared *sh = shared_new(40000);
    if (!sh) {
        set_err(errmsg, errlen, "out of memory");
        return WARTA_ENOMEM;
    }
    atomic_fetch_add(&sh->refs, 1);
    sh->no_stem = o.no_stem;
    sh->keep_stopwords = o.keep_stopwords;
    sh->no_lexicon = o.no_lexicon;
    int rc = 0;
    if ((o.lexicon_path && !(sh->lexicon_path = wstrndup(o.lexicon_path, strlen(o.lexicon_path)))) ||
        (o.stopword_path &&
         !(sh->stopword_path = wstrndup(o.stopword_path, strlen(o.stopword_path))))) {
        rc = WARTA_ENOMEM;
        goto out_release;
    }
    if (!o.no_lexicon) {
        const char *path = o.lexicon_path ? o.lexicon_path : WARTA_DEFAULT_LEXICON;
        rc = lexicon_load(&sh->roots, path, errmsg, errlen);
        if (rc != 0)
            goto out_release;
    }
    if (o.stopword_path) {
        normalizer nz = {0};
        rc = stopwords_load(&sh->stops, &nz, o.stopword_path, errmsg, errlen);
        normalizer_free(&nz);
    } else {
        rc = stopwords_builtin(&sh->stops);
    }
    if (rc != 0)
        goto out_release;
    warta_analyzer *a;
    rc = analyzer_new(&a, sh);
    if (rc != 0)
        goto out_release;
    shared_release(sh);
    *out = a;
    return 0;

out_release:
    if (rc == WARTA_ENOMEM)
        set_err(errmsg, errlen, "out of memory");
    shared_release(sh);
    return rc;
}

WARTA_API int warta_analyzer_clone(warta_analyzer **out, const warta_analyzer *a)
{
    *out = NULL;
    if (!a)
        return WARTA_EINVAL;
    return analyzer_new(out, a->sh);
}

WARTA_API void warta_analyzer_close(warta_analyzer *a)
{
    if (!a)
        return;
    tokenizer_free(&a->tz);
    normalizer_free(&a->nz);
    wfree(a->slots);
    wfree(a->cache);
    wfree(a->arena);
    shared_release(a->sh);
    wfree(a);
}

/* True when s is made only of an optional possessive (-ku, -mu, -nya)
 * followed by an optional particle (-lah, -kah, -tah, -pun). */
static bool only_clitics(const char *s, size_t n)
{
    static const char *const particles[] = {"lah", "kah", "tah", "pun"};
    for (size_t i = 0; i < 4; i++)
        if (n >= 3 && memcmp(s + n - 3, particles[i], 3) == 0) {
            n -= 3;
            break;
        }
    return n == 0 || (n == 2 && (memcmp(s, "ku", 2) == 0 || memcmp(s, "mu", 2) == 0)) ||
           (n == 3 && memcmp(s, "nya", 3) == 0);
}

/* Closed compounds that Indonesian writes both joined and apart (the
 * standard spelling keeps them apart: "ibu kota", "wali kota", "sepak
 * bola"), as the joined form and its two index terms.  The joined form,
 * alone or with clitics (ibukotanya), gives both terms at two positions,
 * so "ibukota" finds "ibu kota" and the phrase "ibu kota" finds
 * "ibukota".  Each part is a root that is no stopword and that the
 * stemmer leaves as it is: test_analyzer checks that the joined forms
 * analyze like the open ones. */
static const char *const compounds[][3] = {
    {"ibukota", "ibu", "kota"},           {"walikota", "wali", "kota"},
    {"sepakbola", "sepak", "bola"},       {"bolavoli", "bola", "voli"},
    {"bolabasket", "bola", "basket"},     {"tandatangan", "tanda", "tangan"},
    {"dutabesar", "duta", "besar"},       {"tatasurya", "tata", "surya"},
    {"tatacara", "tata", "cara"},         {"tatabahasa", "tata", "bahasa"},
    {"tanggungjawab", "tanggung", "jawab"}, {"rumahsakit", "rumah", "sakit"},
    {"rumahtangga", "rumah", "tangga"},   {"orangtua", "orang", "tua"},
    {"perdanamenteri", "perdana", "menteri"}, {"tanahair", "tanah", "air"},
    {"luarnegeri", "luar", "negeri"},     {"sumberdaya", "sumber", "daya"},
    {"keretaapi", "kereta", "api"},       {"kerjasama", "kerja", "sama"},
    {"hakcipta", "hak", "cipta"},         {"ibupertiwi", "ibu", "pertiwi"},
    {"gempabumi", "gempa", "bumi"},       {"balaikota", "balai", "kota"},
    {"beladiri", "bela", "diri"},         {"sepedamotor", "sepeda", "motor"},
    {"hongkong", "hong", "kong"},         {"srilanka", "sri", "lanka"},
};

/* Length of s without its clitics: an optional particle (-lah, -kah,
 * -tah, -pun) after an optional possessive (-ku, -mu, -nya), at most
 * keep bytes left; ends receives the lengths without them, longest
 * first, and the count is returned. */
static size_t clitic_bases(const char *s, size_t n, size_t keep, size_t ends[2])
{
    static const char *const particles[] = {"lah", "kah", "tah", "pun"};
    size_t k = 0, m = n;
    for (size_t i = 0; i < 4; i++)
        if (m >= keep + 3 && memcmp(s + m - 3, particles[i], 3) == 0) {
            m -= 3;
            ends[k++] = m;
            break;
        }
    if (m >= keep + 3 && memcmp(s + m - 3, "nya", 3) == 0)
        ends[k++] = m - 3;
    else if (m >= keep + 2 && (memcmp(s + m - 2, "ku", 2) == 0 || memcmp(s + m - 2, "mu", 2) == 0))
        ends[k++] = m - 2;
    return k;
}

/* Writes the two terms of the closed compound s (with clitics too when
 * clitics is true, as stemming strips them) into out as "part part"; 0
 * when s is not one. */
static size_t compound_terms(const char *s, size_t n, bool clitics, char *out)
{
    size_t ends[3];
    size_t k = clitics ? clitic_bases(s, n, 6, ends + 1) : 0;
    ends[0] = n;
    for (size_t e = 0; e <= k; e++)
        for (size_t i = 0; i < sizeof compounds / sizeof compounds[0]; i++)
            if (strlen(compounds[i][0]) == ends[e] && memcmp(compounds[i][0], s, ends[e]) == 0) {
                size_t x = strlen(compounds[i][1]), y = strlen(compounds[i][2]);
                memcpy(out, compounds[i][1], x);
                out[x] = ' ';
                memcpy(out + x + 1, compounds[i][2], y + 1);
                return x + 1 + y;
            }
    return 0;
}

/* Analyzes one word without the cache, into a->scratch. */
static int analyze_word(warta_analyzer *a, const char *s, size_t n, wres *r)
{
    char norm[NORM_MAX + 1];
    size_t nn;
    int rc = normalize_word(&a->nz, s, n, norm, &nn);
    if (rc != 0)
        return rc;
    r->stop = nn > 0 && wordset_has(&a->sh->stops, norm, nn);
    r->split = false;
    r->term = a->scratch;
    if (!r->stop && (r->len = compound_terms(norm, nn, !a->sh->no_stem, a->scratch)) > 0) {
        r->split = true;
        return 0;
    }
    if (r->stop || a->sh->no_stem) {
        memcpy(a->scratch, norm, nn + 1);
        r->len = nn;
        return 0;
    }
    const wordset *roots = roots_of(a->sh);
    r->len = stem_word(roots, norm, nn, a->scratch);
    /* A stopword with a clitic (itulah, padanya, adanya) is a stopword. */
    if (r->len < nn && memcmp(norm, a->scratch, r->len) == 0 &&
        only_clitics(norm + r->len, nn - r->len) &&
        wordset_has(&a->sh->stops, a->scratch, r->len)) {
        r->stop = true;
        memcpy(a->scratch, norm, nn + 1);
        r->len = nn;
    } else if (r->len == nn && !(roots && wordset_has(roots, norm, nn))) {
        /* A stopword with clitics that the stemmer left whole because it
         * is no root (darimanakah, kemanakah); a root stays (makalah). */
        size_t ends[2];
        size_t k = clitic_bases(norm, nn, 3, ends);
        for (size_t i = 0; i < k && !r->stop; i++)
            r->stop = wordset_has(&a->sh->stops, norm, ends[i]);
    }
    return 0;
}

static inline bool same_bytes(const char *x, const char *y, size_t n)
{
    while (n >= 8) {
        uint64_t u, v;
        memcpy(&u, x, 8);
        memcpy(&v, y, 8);
        if (u != v)
            return false;
        x += 8;
        y += 8;
        n -= 8;
    }
    while (n--)
        if (*x++ != *y++)
            return false;
    return true;
}

static void cache_clear(warta_analyzer *a)
{
    memset(a->slots, 0, (a->cache_mask + 1) * sizeof *a->slots);
    a->cache_count = 0;
    a->arena_len = 0;
}

static const char *centry_key(const warta_analyzer *a, const centry *e)
{
    return e->in_arena ? a->arena + e->u.off : e->u.bytes;
}

static uint32_t slot_of(uint64_t h, size_t index)
{
    return (uint32_t)(h >> 32) << SLOT_INDEX_BITS | (uint32_t)(index + 1);
}

/* Doubles the slot table and places every entry again. */
static int cache_grow(warta_analyzer *a)
{
    size_t n = (a->cache_mask + 1) * 2;
    uint32_t *t = wcalloc(n, sizeof *t);
    if (!t)
        return WARTA_ENOMEM;
    for (size_t i = 0; i < a->cache_count; i++) {
        const centry *e = &a->cache[i];
        uint64_t h = whash(centry_key(a, e), e->klen);
        size_t j = (size_t)h & (n - 1);
        while (t[j])
            j = (j + 1) & (n - 1);
        t[j] = slot_of(h, i);
    }
    wfree(a->slots);
    a->slots = t;
    a->cache_mask = n - 1;
    return 0;
}

/* Most words kept in the cache before it is emptied (at most the slots'
 * index bits allow). */
#define CACHE_MAX_WORDS (1u << 19)

/* The analysis of the word s, through the cache.  r->term stays valid until
 * the next call. */
static int word_result(warta_analyzer *a, const char *s, size_t n, uint64_t h, wres *r)
{
    if (n > CACHE_MAX_KEY)
        return analyze_word(a, s, n, r);
    if (!h)
        h = whash(s, n);
    uint32_t tag = (uint32_t)(h >> 32) << SLOT_INDEX_BITS;
    size_t i = (size_t)h & a->cache_mask;
    for (;;) {
        uint32_t sl = a->slots[i];
        if (!sl)
            break;
        if ((sl & ~SLOT_INDEX_MASK) == tag) {
            const centry *e = &a->cache[(sl & SLOT_INDEX_MASK) - 1];
            const char *k = centry_key(a, e);
            if (e->klen == n && same_bytes(k, s, n)) {
                r->term = k + n;
                r->len = e->tlen;
                r->stop = e->stop & 1;
                r->split = (e->stop & CENTRY_SPLIT) != 0;
                return 0;
            }
        }
        i = (i + 1) & a->cache_mask;
    }
    int rc = analyze_word(a, s, n, r);
    if (rc != 0)
        return rc;
    size_t need = n + r->len;
    bool inl = need <= CENTRY_INLINE;
    if ((!inl && a->arena_len + need > CACHE_MAX_ARENA) || a->cache_count >= CACHE_MAX_WORDS) {
        cache_clear(a);
        i = (size_t)h & a->cache_mask;
    }
    if ((a->cache_count + 1) * 2 > a->cache_mask + 1) {
        if (cache_grow(a) != 0)
            return 0;  /* the result stands; it is just not cached */
        i = (size_t)h & a->cache_mask;
        while (a->slots[i])
            i = (i + 1) & a->cache_mask;
    }
    if (a->cache_count == a->cache_cap) {
        centry *c = wrealloc(a->cache, a->cache_cap * 2 * sizeof *c);
        if (!c)
            return 0;
        a->cache = c;
        a->cache_cap *= 2;
    }
    centry *e = &a->cache[a->cache_count];
    char *dst;
    if (inl) {
        dst = e->u.bytes;
        e->in_arena = 0;
    } else {
        if (a->arena_len + need > a->arena_cap) {
            size_t cap = a->arena_cap * 2;
            while (cap < a->arena_len + need)
                cap *= 2;
            char *ar = wrealloc(a->arena, cap);
            if (!ar)
                return 0;
            a->arena = ar;
            a->arena_cap = cap;
        }
        e->u.off = (uint32_t)a->arena_len;
        e->in_arena = 1;
        dst = a->arena + a->arena_len;
        a->arena_len += need;
    }
    e->klen = (uint8_t)n;
    e->tlen = (uint8_t)r->len;
    e->stop = (uint8_t)(r->stop | (r->split ? CENTRY_SPLIT : 0));
    memcpy(dst, s, n);
    memcpy(dst + n, r->term, r->len);
    r->term = dst + n;
    a->slots[i] = slot_of(h, a->cache_count);
    a->cache_count++;
    return 0;
}

/* The emitter of one analysis_run call. */
typedef struct run {
    warta_analyzer *a;           /* the analyzer */
    const char *text;            /* the text analyzed, for surface offsets */
    int (*fn)(void *ctx, const warta_token *t);  /* the caller's callback */
    void *ctx;                   /* its context */
    uint32_t pos;                /* next position */
} run;

static int emit(run *R, const char *term, size_t len, bool stop, size_t start, size_t end)
{
    if (len == 0)
        return 0;
    uint32_t pos = R->pos++;
    if (stop && !R->a->sh->keep_stopwords)
        return 0;
    warta_token t = {term, len, start, end, pos, stop};
    return R->fn(R->ctx, &t);
}

/* Emits a word's result: one term, or the two of a closed compound, each
 * spanning the whole word. */
static int emit_res(run *R, const wres *r, size_t start, size_t end)
{
    if (r->split) {
        const char *sp = memchr(r->term, ' ', r->len);
        size_t x = (size_t)(sp - r->term);
        int rc = emit(R, r->term, x, r->stop, start, end);
        return rc ? rc : emit(R, sp + 1, r->len - x - 1, r->stop, start, end);
    }
    return emit(R, r->term, r->len, r->stop, start, end);
}

static int emit_word(run *R, const rawword *w)
{
    wres r;
    int rc = word_result(R->a, R->text + w->start, w->end - w->start, w->hash, &r);
    if (rc != 0)
        return rc;
    return emit_res(R, &r, w->start, w->end);
}

enum { J_NONE, J_HYPHEN, J_SLASH, J_COLON };

/* The joiner between two words: their gap is exactly one joining sign. */
static int joiner(const char *text, const rawword *a, const rawword *b)
{
    size_t gap = b->start - a->end;
    const char *g = text + a->end;
    if (gap == 1)
        return g[0] == '-' ? J_HYPHEN : g[0] == '/' ? J_SLASH : g[0] == ':' ? J_COLON : J_NONE;
    if (gap == 3 && (unsigned char)g[0] == 0xE2 && (unsigned char)g[1] == 0x80 &&
        ((unsigned char)g[2] == 0x90 || (unsigned char)g[2] == 0x91))
        return J_HYPHEN;
    return J_NONE;
}

static bool all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

#define WSTR(w) (R->text + (w)->start)
#define WLEN(w) ((w)->end - (w)->start)

static int emit_group(run *R, const rawword *g, size_t n, int j)
{
    char tmp[16];
    size_t k = 0;
    bool digits = true;
    for (size_t i = 0; i < n; i++)
        digits &= all_digits(WSTR(&g[i]), WLEN(&g[i]));
    if (digits && n == 3 && (j == J_SLASH || j == J_HYPHEN)) {
        k = normalize_date(WSTR(&g[0]), WLEN(&g[0]), WSTR(&g[1]), WLEN(&g[1]), WSTR(&g[2]),
                           WLEN(&g[2]), tmp);
        if (!k)
            k = normalize_date(WSTR(&g[2]), WLEN(&g[2]), WSTR(&g[1]), WLEN(&g[1]), WSTR(&g[0]),
                               WLEN(&g[0]), tmp);
    } else if (digits && (n == 2 || n == 3) && j == J_COLON) {
        k = normalize_time(WSTR(&g[0]), WLEN(&g[0]), WSTR(&g[1]), WLEN(&g[1]),
                           n == 3 ? WSTR(&g[2]) : NULL, n == 3 ? WLEN(&g[2]) : 0, tmp);
    } else if (n == 2 && j == J_HYPHEN) {
        wres x, y;
        char xt[NORM_MAX + 1];
        int rc = word_result(R->a, WSTR(&g[0]), WLEN(&g[0]), g[0].hash, &x);
        if (rc != 0)
            return rc;
        /* the next lookup may move the arena: keep a copy */
        memcpy(xt, x.term, x.len);
        x.term = xt;
        rc = word_result(R->a, WSTR(&g[1]), WLEN(&g[1]), g[1].hash, &y);
        if (rc != 0)
            return rc;
        if (x.len > 0 && x.len == y.len && x.split == y.split && memcmp(x.term, y.term, x.len) == 0) {
            x.stop = x.stop || y.stop;
            return emit_res(R, &x, g[0].start, g[1].end);
        }
        rc = emit_res(R, &x, g[0].start, g[0].end);
        if (rc == 0)
            rc = emit_res(R, &y, g[1].start, g[1].end);
        return rc;
    }
    if (k)
        return emit(R, tmp, k, false, g[0].start, g[n - 1].end);
    for (size_t i = 0; i < n; i++) {
        int rc = emit_word(R, &g[i]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* Looking words up in the cache is bound by memory latency, not work: the
 * run hashes words PREFETCH_SLOT words ahead and fetches their slot, then
 * PREFETCH_ENTRY words ahead reads the slot and fetches its entry, so the
 * lookup itself finds both in cache. */
#define PREFETCH_SLOT 8
#define PREFETCH_ENTRY 4

static void prefetch_slot(warta_analyzer *a, const char *text, rawword *w)
{
    size_t n = w->end - w->start;
    if (n > CACHE_MAX_KEY)
        return;
    w->hash = whash(text + w->start, n);
    PREFETCH(&a->slots[(size_t)w->hash & a->cache_mask]);
}

static void prefetch_entry(const warta_analyzer *a, const rawword *w)
{
    if (!w->hash)
        return;
    uint32_t sl = a->slots[(size_t)w->hash & a->cache_mask];
    if (sl && (sl & ~SLOT_INDEX_MASK) == (uint32_t)(w->hash >> 32) << SLOT_INDEX_BITS)
        PREFETCH(&a->cache[(sl & SLOT_INDEX_MASK) - 1]);
}

/* Longest run of joined words looked at together. */
#define GROUP_MAX 8

int analysis_run(warta_analyzer *a, const char *text, size_t len, uint32_t first_pos,
                 int (*fn)(void *ctx, const warta_token *t), void *ctx, uint32_t *next_pos)
{
    if (next_pos)
        *next_pos = first_pos;
    if (!a || (!text && len))
        return WARTA_EINVAL;
    int rc = tokenize(&a->tz, text, len, false);
    if (rc != 0)
        return rc;
    run R = {a, text, fn, ctx, first_pos};
    rawword *w = a->tz.words;
    size_t nw = a->tz.nwords, i = 0, pa = 0, pb = 0;
    while (i < nw && rc == 0) {
        while (pa < nw && pa < i + GROUP_MAX + PREFETCH_SLOT)
            prefetch_slot(a, text, &w[pa++]);
        while (pb < pa && pb < i + GROUP_MAX + PREFETCH_ENTRY)
            prefetch_entry(a, &w[pb++]);
        size_t e = i;
        int j = J_NONE;
        while (e + 1 < nw && e - i + 1 < GROUP_MAX) {
            int jj = joiner(text, &w[e], &w[e + 1]);
            if (jj == J_NONE || (j != J_NONE && jj != j))
                break;
            j = jj;
            e++;
        }
        if (e == i)
            rc = emit_word(&R, &w[i]);
        else
            rc = emit_group(&R, &w[i], e - i + 1, j);
        i = e + 1;
    }
    if (next_pos)
        *next_pos = R.pos;
    if (a->tz.cap > (1u << 20)) {
        /* a huge text: give its word array back rather than keep it */
        wfree(a->tz.words);
        a->tz.words = NULL;
        a->tz.cap = a->tz.nwords = 0;
    }
    return rc;
}

WARTA_API int warta_analyze(warta_analyzer *a, const char *text, size_t len,
                            int (*fn)(void *ctx, const warta_token *t), void *ctx)
{
    return analysis_run(a, text, len, 0, fn, ctx, NULL);
}

WARTA_API int warta_stem(warta_analyzer *a, const char *word, size_t len, char *out, size_t cap)
{
    if (!a || !out || cap == 0 || (!word && len))
        return WARTA_EINVAL;
    char norm[NORM_MAX + 1], stem[NORM_MAX + 1];
    size_t nn;
    int rc = normalize_word(&a->nz, word, len, norm, &nn);
    if (rc != 0)
        return rc;
    const wordset *roots = roots_of(a->sh);
    size_t sn = stem_word(roots, norm, nn, stem);
    const char *hy = memchr(norm, '-', nn);
    if (hy && !memchr(hy + 1, '-', nn - (size_t)(hy - norm) - 1) && hy > norm &&
        hy < norm + nn - 1) {
        /* A reduplication (anak-anak, berlari-lari) stems to its base, as in analysis. */
        char x[NORM_MAX + 1], y[NORM_MAX + 1];
        size_t xn = stem_word(roots, norm, (size_t)(hy - norm), x);
        size_t yn = stem_word(roots, hy + 1, nn - (size_t)(hy - norm) - 1, y);
        if (xn == yn && memcmp(x, y, xn) == 0) {
            memcpy(stem, x, xn + 1);
            sn = xn;
        }
    }
    if (sn + 1 > cap)
        return WARTA_EINVAL;
    memcpy(out, stem, sn + 1);
    return (int)sn;
}

int analysis_normalize(warta_analyzer *a, const char *word, size_t len, wbuf *out)
{
    char norm[NORM_MAX + 1];
    size_t nn;
    int rc = normalize_word(&a->nz, word, len, norm, &nn);
    if (rc != 0)
        return rc;
    wbuf_reset(out);
    wbuf_append(out, norm, nn);
    if (!out->data)
        wbuf_append(out, "", 0);
    return out->oom ? WARTA_ENOMEM : 0;
}

bool analysis_is_stopword(const warta_analyzer *a, const char *word, size_t len)
{
    if (a->sh->keep_stopwords)
        return false;
    if (wordset_has(&a->sh->stops, word, len))
        return true;
    if (a->sh->no_stem || len > NORM_MAX)
        return false;
    char stem[NORM_MAX + 1];
    size_t sn = stem_word(roots_of(a->sh), word, len, stem);
    return sn < len && memcmp(word, stem, sn) == 0 && only_clitics(word + sn, len - sn) &&
           wordset_has(&a->sh->stops, stem, sn);
}

size_t analysis_lexicon_size(const warta_analyzer *a)
{
    return a->sh->no_lexicon ? 0 : a->sh->lazy ? a->sh->roots_view.count : a->sh->roots.count;
}

warta_analyzer_options analysis_options(const warta_analyzer *a)
{
    warta_analyzer_options o = {a->sh->no_stem, a->sh->keep_stopwords, a->sh->no_lexicon,
                                a->sh->lexicon_path, a->sh->stopword_path};
    return o;
}

/* Serialized analyzer:
 *   "WANL"  u8 format (2)  u8 rules version  u8 flags  u8 0
 *   stopwords: wordlist without values (lexicon.h wordlist_encode)
 *   roots: the list with license values stored ready to search
 *          (lexicon.h wordlist_index_encode), so opening builds nothing
 *   u32le CRC-32C of everything before it
 * flags: bit 0 no_stem, bit 1 keep_stopwords, bit 2 no_lexicon.
 * Format 1 (index format 1) kept the roots as a plain wordlist. */
#define SER_MAGIC "WANL"
#define SER_FORMAT 2

int analysis_serialize(const warta_analyzer *a, wbuf *out)
{
    size_t base = out->len;
    wbuf_append(out, SER_MAGIC, 4);
    wbuf_putc(out, SER_FORMAT);
    wbuf_putc(out, ANALYSIS_RULES_VERSION);
    wbuf_putc(out, (char)((a->sh->no_stem ? 1 : 0) | (a->sh->keep_stopwords ? 2 : 0) |
                          (a->sh->no_lexicon ? 4 : 0)));
    wbuf_putc(out, 0);
    if (a->sh->lazy && roots_build(a->sh) != 0)
        return WARTA_ENOMEM;
    wordlist_encode(&a->sh->stops, false, out);
    wordlist_index_encode(&a->sh->roots, out);
    if (out->oom)
        return WARTA_ENOMEM;
    wbuf_put_u32le(out, wcrc32(0, out->data + base, out->len - base));
    return out->oom ? WARTA_ENOMEM : 0;
}

static int open_serialized(warta_analyzer **out, const void *p, size_t len, bool in_place,
                           char *err, size_t errlen);

int analysis_open_serialized(warta_analyzer **out, const void *p, size_t len, char *err,
                             size_t errlen)
{
    return open_serialized(out, p, len, false, err, errlen);
}

int analysis_open_serialized_mapped(warta_analyzer **out, const void *map, size_t map_len,
                                    size_t off, size_t len, char *err, size_t errlen)
{
    int rc = off <= map_len && len <= map_len - off
                 ? open_serialized(out, (const uint8_t *)map + off, len, true, err, errlen)
                 : WARTA_ECORRUPT;
    if (rc == 0)
        (*out)->sh->map = map, (*out)->sh->map_len = map_len;
    else
        munmap((void *)map, map_len);
    return rc;
}

/* in_place: the roots are read where they lie (the caller keeps the bytes
 * for the analyzer's life), not copied; the caller (the index's analyzer
 * file, whose own checksum covers these bytes and was checked) vouches for
 * them, so the payload's checksum is not computed a second time. */
static int open_serialized(warta_analyzer **out, const void *p, size_t len, bool in_place,
                           char *err, size_t errlen)
{
    *out = NULL;
    const uint8_t *b = p;
    if (!p || len < 8 + 2 + 4 || memcmp(b, SER_MAGIC, 4) != 0) {
        set_err(err, errlen, "analyzer: not a serialized analyzer (bad magic or too short)");
        return WARTA_ECORRUPT;
    }
    if (!in_place && le32_get(b + len - 4) != wcrc32(0, b, len - 4)) {
        set_err(err, errlen, "analyzer: checksum mismatch");
        return WARTA_ECORRUPT;
    }
    if (b[4] < SER_FORMAT) {
        set_err(err, errlen, "analyzer: written by an older warta (rebuild the index)");
        return WARTA_EFORMAT;
    }
    if (b[4] != SER_FORMAT || b[5] > ANALYSIS_RULES_VERSION) {
        set_err(err, errlen, "analyzer: written by a newer warta (format or rules version)");
        return WARTA_EFORMAT;
    }
    if (b[5] == 0 || (b[6] & ~7) || b[7] != 0) {
        set_err(err, errlen, "analyzer: bad header");
        return WARTA_ECORRUPT;
    }
    if (normalize_init() != 0)
        return WARTA_ENOMEM;
    analysis_shared *sh = shared_new(8);
    if (!sh)
        return WARTA_ENOMEM;
    atomic_fetch_add(&sh->refs, 1);
    sh->no_stem = b[6] & 1;
    sh->keep_stopwords = (b[6] & 2) != 0;
    sh->no_lexicon = (b[6] & 4) != 0;
    const uint8_t *q = b + 8, *end = b + len - 4;
    int rc = wordlist_decode(&sh->stops, false, &q, end);
    if (rc == 0) {
        /* Read in place: no table is built at open (see roots_of). */
        rc = in_place ? wordlist_index_open_in_place(&sh->roots_ix, &q, end)
                 : wordlist_index_open(&sh->roots_ix, &q, end);
        if (rc == 0) {
            sh->lazy = true;
            pthread_mutex_init(&sh->build_mu, NULL);
            sh->roots_view.ext_get = wordlist_index_get;
            sh->roots_view.ext = &sh->roots_ix;
            sh->roots_view.count = (size_t)sh->roots_ix.count;
            atomic_init(&sh->stemmings, 0);
            atomic_init(&sh->roots_now, &sh->roots_view);
        }
    }
    if (rc == 0 && q != end)
        rc = WARTA_ECORRUPT;
    if (rc == 0)
        rc = analyzer_new(out, sh);

    if (rc == WARTA_ECORRUPT)
        set_err(err, errlen, "analyzer: malformed word lists");
    else if (rc == WARTA_ENOMEM)
        set_err(err, errlen, "out of memory");
    shared_release(sh);
    return rc;
}
