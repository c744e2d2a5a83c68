/*
 * writer.c: the build pipeline behind warta_writer_* (include/warta.h).
 *
 *   add() -> batches of stored records (one document-store block each)
 *         -> N analysis threads: terms, positions, lengths, date, and the
 *            block compressed with the preset dictionary
 *         -> the inverter (the caller's thread, batches taken in input
 *            order, so docids and index content do not depend on N):
 *            replace-on-add by external id, in-memory postings per term
 *         -> flushed to a segment file when the memory budget is reached
 *   commit() -> deletion files + manifest (manifest.c), then the tiered
 *            merge policy (merge.c).
 * Called by `warta index`, `warta delete`, `warta optimize` and tests.
 */
#include "indexer/writer.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "indexer/analysis/analyzer.h"
#include "indexer/segment/format.h"

uint32_t writer_test_flush_docs = 0;

/* ------------------------------------------------------------------------ */
/* Data                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct worker worker;

/* A batch of articles: analyzed and compressed by one worker. */
typedef struct batch {
    struct batch *next;         /* in the todo queue (or the pending list) */
    struct batch *fly_next;     /* in the in-order list of submitted batches */
    uint64_t seq;               /* input order */
    wbuf raw;                   /* stored block records, back to back */
    wbuf heads;                 /* head records (id, title), back to back */
    uint32_t ndocs;             /* records in raw */
    wbuf terms;                 /* per document: analysis output (see analyze_doc) */
    uint32_t *dl;               /* per document: length in index terms */
    uint32_t *tl;               /* per document: title length */
    int64_t *date;              /* per document: seconds since 1970 or SEG_DATE_NONE */
    uint32_t cap;               /* room in dl/tl/date */
    wbuf comp;                  /* the compressed block */
    int rc;                     /* worker's result */
    bool done;                  /* worker finished */
} batch;

/* One distinct term of the in-memory index. */
typedef struct mterm {
    uint64_t hash;              /* of the term bytes */
    uint32_t term_off;          /* in the term arena */
    uint32_t term_len;
    uint32_t df;                /* documents so far */
    uint32_t last_doc;          /* last docid appended */
    uint64_t cf;                /* occurrences */
    uint8_t *docs;              /* varint gap, varint (tf-1)<<1|has_ttf, [varint ttf-1] */
    size_t docs_len, docs_cap;
    uint8_t *pos;               /* positions as stored: per doc tf varints, gap-coded */
    size_t pos_len, pos_cap;
} mterm;

/* A segment of the index as the writer sees it. */
typedef struct wseg {
    seg_reader *r;              /* open reader (for id lookups and merging) */
    man_seg m;                  /* its manifest entry (ndeleted, del_gen as committed) */
    uint8_t *del;               /* deletions including pending ones; NULL when none */
    uint32_t ndeleted;          /* bits set in del */
    bool dirty;                 /* del changed since the last commit */
    bool committed;             /* named by the manifest */
} wseg;

/* The in-memory segment being built. */
typedef struct membuf {
    mterm *terms;               /* distinct terms */
    uint32_t nterms, terms_cap;
    uint64_t *slots;            /* open addressing: high 32 bits of the hash, index+1 */
    uint32_t nslots;
    wbuf arena;                 /* term bytes */
    segw_docinfo di;            /* per-document arrays and ids */
    source_table sources;       /* source names */
    wbuf idtext;                /* the documents' ids, back to back */
    wbuf idoff;                 /* per doc: u32 offset, u32 length into idtext */
    uint32_t *idslots;          /* open addressing: docid+1, keyed by id hash */
    uint32_t nidslots;
    uint8_t *del;               /* docs replaced within the buffer */
    uint32_t del_cap;           /* bytes in del */
    uint32_t ndeleted;
    uint64_t npostings, npositions;
    size_t mem;                 /* bytes held (for the budget) */
    bool open;                  /* w->segw holds an open segment file */
} membuf;

/* The id hashes of every document in the writer's segments: replace-on-add
 * looks an article's id up here first, and searches the segments' id
 * tables only on a hit, so adding to a large index costs one probe an
 * article instead of a binary search in every segment.  Built on first
 * use; merged segments add nothing new (their documents were here). */
typedef struct idset {
    uint64_t *slot;             /* open addressing: hash | 1, 0 = empty */
    size_t cap;                 /* slots, a power of two (0: not built) */
    size_t n;                   /* hashes held */
    bool broken;                /* a segment's id table failed its check: search them all */
} idset;

struct warta_writer {
    char *dir;                  /* the index directory */
    int lock_fd;                /* the writer lock */
    manifest man;               /* the last commit */
    bool have_manifest;         /* an index existed (or was committed) */
    warta_analyzer *analyzer;   /* the index's analyzer */
    wseg *segs;                 /* committed segments, then this session's */
    size_t nsegs, segs_cap;
    idset ids;                  /* their documents' id hashes */
    membuf buf;                 /* the in-memory segment */
    seg_writer segw;            /* its file while being built */
    wbuf dict;                  /* document-store preset dictionary (once built) */
    bool dict_ready;
    size_t budget;              /* bytes of buffer before a flush */
    size_t budget_mb;           /* the --memory value */
    unsigned jobs;              /* analysis threads */
    bool no_merge;
    /* pipeline */
    pthread_t *threads;
    worker **workers;           /* one per thread */
    unsigned nthreads;
    pthread_mutex_t mu;
    pthread_cond_t cv_todo;     /* a batch was queued, or stop */
    pthread_cond_t cv_done;     /* a batch was finished */
    batch *todo_head, *todo_tail;   /* waiting for a worker */
    batch *fly_head, *fly_tail;     /* submitted, in input order */
    unsigned inflight;
    bool stop;
    batch *cur;                 /* being filled by add() */
    batch *pending_head, *pending_tail; /* held until the dictionary is built */
    size_t pending_bytes;
    uint64_t next_seq;
    int worker_rc;              /* first worker error */
    /* counters */
    uint64_t added, replaced, deleted, flushes, merges;
    double cpu_invert;          /* caller's thread CPU seconds inverting and flushing */
    double cpu_analysis, cpu_compress;  /* summed over stopped workers */
    double build_secs;
    struct timespec t0;
    char errmsg[512];
};

static int werr(warta_writer *w, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int werr(warta_writer *w, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->errmsg, sizeof w->errmsg, fmt, ap);
    va_end(ap);
    return rc;
}

WARTA_API const char *warta_writer_errmsg(const warta_writer *w)
{
    return w ? w->errmsg : "";
}

/* ------------------------------------------------------------------------ */
/* Dates                                                                    */
/* ------------------------------------------------------------------------ */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* ISO 8601 "YYYY-MM-DD[THH:MM[:SS]]" to seconds since 1970 (as UTC). */
static int64_t parse_iso(const char *s, size_t n)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (n < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &mo) ||
        !digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
        return SEG_DATE_NONE;
    if (n >= 16 && (s[10] == 'T' || s[10] == ' ') && s[13] == ':' && digits(s + 11, 2, &h) &&
        digits(s + 14, 2, &mi)) {
        if (n >= 19 && s[16] == ':')
            digits(s + 17, 2, &se);
    }
    return days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
}

static int64_t doc_date(const char *s, size_t n)
{
    if (!s || n == 0)
        return SEG_DATE_NONE;
    int64_t t = parse_iso(s, n);
    if (t != SEG_DATE_NONE)
        return t;
    char iso[32];
    size_t m = warta_date_normalize(s, n, iso);
    return m ? parse_iso(iso, m) : SEG_DATE_NONE;
}

/* ------------------------------------------------------------------------ */
/* Analysis worker                                                          */
/* ------------------------------------------------------------------------ */

/* One distinct term of the document being analyzed. */
typedef struct dterm {
    uint64_t hash;
    uint32_t off, len;          /* term bytes in the worker's arena */
    uint32_t tf, ttf;
    uint32_t head, tail;        /* first/last token index in the position chain */
} dterm;

struct worker {
    warta_writer *w;
    warta_analyzer *a;          /* this thread's analyzer */
    void *z;                    /* deflate state */
    dterm *dt;                  /* distinct terms of the document */
    uint32_t ndt, dt_cap;
    uint32_t *slots;            /* index+1 into dt */
    uint32_t nslots;
    uint32_t *used;             /* slots to clear after the document */
    uint32_t nused;
    uint32_t *tokpos, *toknext; /* per token: position, next token of the same term */
    uint32_t ntok, tok_cap;
    wbuf arena;                 /* term bytes of the document */
    uint32_t body_start;        /* first body position */
    uint32_t title_terms;       /* index terms in the title */
    int rc;
    double cpu_analysis;        /* thread CPU seconds in analysis */
    double cpu_compress;        /* and in compression */
};

static uint64_t term_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

static bool worker_grow_slots(worker *k)
{
    uint32_t ns = k->nslots ? k->nslots * 2 : 1024;
    uint32_t *s = wcalloc(ns, sizeof *s);
    uint32_t *u = wrealloc(k->used, (size_t)ns * sizeof *u);
    if (!s || !u) {
        wfree(s);
        if (u)
            k->used = u;
        return false;
    }
    k->used = u;
    k->nused = 0;
    for (uint32_t i = 0; i < k->ndt; i++) {
        uint32_t m = (uint32_t)k->dt[i].hash & (ns - 1);
        while (s[m])
            m = (m + 1) & (ns - 1);
        s[m] = i + 1;
        k->used[k->nused++] = m;
    }
    wfree(k->slots);
    k->slots = s;
    k->nslots = ns;
    return true;
}

/* Cuts a term to SEG_MAX_TERM bytes without splitting a UTF-8 sequence. */
static size_t cut_term(const char *s, size_t n)
{
    if (n <= SEG_MAX_TERM)
        return n;
    n = SEG_MAX_TERM;
    while (n > 0 && ((uint8_t)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

static int on_token(void *ctx, const warta_token *t)
{
    worker *k = ctx;
    size_t len = cut_term(t->term, t->term_len);
    if (len == 0)
        return 0;
    if ((k->ndt + 1) * 2 > k->nslots && !worker_grow_slots(k))
        return WARTA_ENOMEM;
    if (k->ntok == k->tok_cap) {
        uint32_t nc = k->tok_cap ? k->tok_cap * 2 : 4096;
        uint32_t *a = wrealloc(k->tokpos, (size_t)nc * sizeof *a);
        if (!a)
            return WARTA_ENOMEM;
        k->tokpos = a;
        uint32_t *b = wrealloc(k->toknext, (size_t)nc * sizeof *b);
        if (!b)
            return WARTA_ENOMEM;
        k->toknext = b;
        k->tok_cap = nc;
    }
    uint64_t h = term_hash(t->term, len);
    uint32_t m = (uint32_t)h & (k->nslots - 1);
    dterm *d = NULL;
    while (k->slots[m]) {
        dterm *c = &k->dt[k->slots[m] - 1];
        if (c->hash == h && c->len == len && memcmp(k->arena.data + c->off, t->term, len) == 0) {
            d = c;
            break;
        }
        m = (m + 1) & (k->nslots - 1);
    }
    uint32_t tok = k->ntok++;
    k->tokpos[tok] = t->position;
    k->toknext[tok] = UINT32_MAX;
    if (!d) {
        if (k->ndt == k->dt_cap) {
            uint32_t nc = k->dt_cap ? k->dt_cap * 2 : 512;
            dterm *nd = wrealloc(k->dt, (size_t)nc * sizeof *nd);
            if (!nd)
                return WARTA_ENOMEM;
            k->dt = nd;
            k->dt_cap = nc;
        }
        d = &k->dt[k->ndt];
        d->hash = h;
        d->off = (uint32_t)k->arena.len;
        d->len = (uint32_t)len;
        d->tf = d->ttf = 0;
        d->head = tok;
        wbuf_append(&k->arena, t->term, len);
        if (k->arena.oom)
            return WARTA_ENOMEM;
        k->slots[m] = ++k->ndt;
        k->used[k->nused++] = m;
    } else {
        k->toknext[d->tail] = tok;
    }
    d->tail = tok;
    d->tf++;
    if (t->position < k->body_start) {
        d->ttf++;
        k->title_terms++;
    }
    return 0;
}

static void put_u64(wbuf *b, uint64_t v)
{
    wbuf_put_u64le(b, v);
}

/* Analyzes one record and appends its term list to out:
 *   varint nterms, then per term: u64 hash, varint len, bytes, varint tf,
 *   varint ttf, varint poslen, positions (varints, first absolute then gaps)
 */
static int analyze_doc(worker *k, const seg_doc *d, wbuf *out, uint32_t *dl, uint32_t *tl)
{
    k->ndt = 0;
    k->ntok = 0;
    k->title_terms = 0;
    wbuf_reset(&k->arena);
    for (uint32_t i = 0; i < k->nused; i++)
        k->slots[k->used[i]] = 0;
    k->nused = 0;
    if (!k->slots && !worker_grow_slots(k))
        return WARTA_ENOMEM;
    uint32_t next = 0;
    k->body_start = UINT32_MAX;
    int rc = 0;
    if (d->title_len)
        rc = analysis_run(k->a, d->title, d->title_len, 0, on_token, k, &next);
    if (rc)
        return rc;
    k->body_start = next + (next ? FMT_BODY_GAP : 0);
    if (d->body_len)
        rc = analysis_run(k->a, d->body, d->body_len, k->body_start, on_token, k, NULL);
    if (rc)
        return rc;
    *dl = k->ntok;
    *tl = k->title_terms;
    wbuf_put_varint(out, k->ndt);
    uint8_t tmp[10];
    for (uint32_t i = 0; i < k->ndt; i++) {
        const dterm *t = &k->dt[i];
        put_u64(out, t->hash);
        wbuf_put_varint(out, t->len);
        wbuf_append(out, k->arena.data + t->off, t->len);
        wbuf_put_varint(out, t->tf);
        wbuf_put_varint(out, t->ttf);
        /* positions: measure, then write */
        size_t plen = 0;
        uint32_t prev = 0;
        for (uint32_t j = t->head; j != UINT32_MAX; j = k->toknext[j]) {
            uint32_t v = k->tokpos[j] - prev;
            prev = k->tokpos[j];
            plen += v < 128 ? 1 : v < 16384 ? 2 : v < 2097152 ? 3 : v < 268435456 ? 4 : 5;
        }
        wbuf_put_varint(out, plen);
        if (wbuf_reserve(out, plen))
            return WARTA_ENOMEM;
        prev = 0;
        for (uint32_t j = t->head; j != UINT32_MAX; j = k->toknext[j]) {
            uint32_t v = k->tokpos[j] - prev;
            prev = k->tokpos[j];
            size_t n = 0;
            while (v >= 0x80) {
                tmp[n++] = (uint8_t)(v | 0x80);
                v >>= 7;
            }
            tmp[n++] = (uint8_t)v;
            wbuf_append(out, tmp, n);
        }
    }
    return out->oom ? WARTA_ENOMEM : 0;
}

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int process_batch(worker *k, batch *b)
{
    double t0 = thread_cpu();
    warta_writer *w = k->w;
    wbuf_reset(&b->terms);
    if (b->cap < b->ndocs) {
        wfree(b->dl);
        wfree(b->tl);
        wfree(b->date);
        b->dl = wmalloc((size_t)b->ndocs * sizeof *b->dl);
        b->tl = wmalloc((size_t)b->ndocs * sizeof *b->tl);
        b->date = wmalloc((size_t)b->ndocs * sizeof *b->date);
        b->cap = b->ndocs;
        if (!b->dl || !b->tl || !b->date) {
            b->cap = 0;
            return WARTA_ENOMEM;
        }
    }
    const uint8_t *p = (const uint8_t *)b->raw.data, *end = p + b->raw.len;
    const uint8_t *hp = (const uint8_t *)b->heads.data, *hend = hp + b->heads.len;
    for (uint32_t i = 0; i < b->ndocs; i++) {
        seg_doc d;
        if (docstore_next(&p, end, &d) != 0 || docstore_head_next(&hp, hend, &d) != 0)
            return WARTA_EINVAL;
        int rc = analyze_doc(k, &d, &b->terms, &b->dl[i], &b->tl[i]);
        if (rc)
            return rc;
        b->date[i] = doc_date(d.date, d.date_len);
    }
    double t1 = thread_cpu();
    int rc = docstore_compress(&k->z, (const uint8_t *)b->raw.data, b->raw.len,
                               (const uint8_t *)w->dict.data, w->dict.len, DOCSTORE_LEVEL, &b->comp);
    double t2 = thread_cpu();
    k->cpu_analysis += t1 - t0;
    k->cpu_compress += t2 - t1;
    return rc;
}

static void *worker_main(void *arg)
{
    worker *k = arg;
    warta_writer *w = k->w;
    pthread_setname_np(pthread_self(), "warta-analyze");
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->todo_head && !w->stop)
            pthread_cond_wait(&w->cv_todo, &w->mu);
        if (!w->todo_head)
            break;
        batch *b = w->todo_head;
        w->todo_head = b->next;
        if (!w->todo_head)
            w->todo_tail = NULL;
        b->next = NULL;
        pthread_mutex_unlock(&w->mu);
        int rc = k->rc ? k->rc : process_batch(k, b);
        pthread_mutex_lock(&w->mu);
        b->rc = rc;
        b->done = true;
        pthread_cond_broadcast(&w->cv_done);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void worker_free(worker *k)
{
    if (!k)
        return;
    warta_analyzer_close(k->a);
    docstore_zfree(k->z);
    wfree(k->dt);
    wfree(k->slots);
    wfree(k->used);
    wfree(k->tokpos);
    wfree(k->toknext);
    wbuf_free(&k->arena);
    wfree(k);
}

/* ------------------------------------------------------------------------ */
/* Batches and the pipeline                                                 */
/* ------------------------------------------------------------------------ */

static void batch_free(batch *b)
{
    if (!b)
        return;
    wbuf_free(&b->raw);
    wbuf_free(&b->heads);
    wbuf_free(&b->terms);
    wbuf_free(&b->comp);
    wfree(b->dl);
    wfree(b->tl);
    wfree(b->date);
    wfree(b);
}

static int start_threads(warta_writer *w)
{
    if (w->workers)
        return 0;
    w->threads = wcalloc(w->jobs, sizeof *w->threads);
    w->workers = wcalloc(w->jobs, sizeof *w->workers);
    if (!w->threads || !w->workers)
        return WARTA_ENOMEM;
    for (unsigned i = 0; i < w->jobs; i++) {
        worker *k = wcalloc(1, sizeof *k);
        if (!k)
            return WARTA_ENOMEM;
        w->workers[i] = k;
        k->w = w;
        int rc = warta_analyzer_clone(&k->a, w->analyzer);
        if (rc)
            return rc;
    }
    for (unsigned i = 0; i < w->jobs; i++) {
        if (pthread_create(&w->threads[i], NULL, worker_main, w->workers[i]) != 0)
            return werr(w, WARTA_ENOMEM, "cannot start analysis threads: %s", strerror(errno));
        w->nthreads++;
    }
    return 0;
}

static void stop_threads(warta_writer *w)
{
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_broadcast(&w->cv_todo);
    pthread_mutex_unlock(&w->mu);
    for (unsigned i = 0; i < w->nthreads; i++)
        pthread_join(w->threads[i], NULL);
    w->nthreads = 0;
    for (unsigned i = 0; w->workers && i < w->jobs; i++) {
        if (w->workers[i]) {
            w->cpu_analysis += w->workers[i]->cpu_analysis;
            w->cpu_compress += w->workers[i]->cpu_compress;
        }
        worker_free(w->workers[i]);
    }
    wfree(w->workers);
    wfree(w->threads);
    w->workers = NULL;
    w->threads = NULL;
    w->stop = false;
}

/* ------------------------------------------------------------------------ */
/* The in-memory index                                                      */
/* ------------------------------------------------------------------------ */

static void membuf_free(membuf *m)
{
    for (uint32_t i = 0; i < m->nterms; i++) {
        wfree(m->terms[i].docs);
        wfree(m->terms[i].pos);
    }
    wfree(m->terms);
    wfree(m->slots);
    wbuf_free(&m->arena);
    segw_docinfo_free(&m->di);
    source_table_free(&m->sources);
    wbuf_free(&m->idtext);
    wbuf_free(&m->idoff);
    wfree(m->idslots);
    wfree(m->del);
    memset(m, 0, sizeof *m);
}

static int grow_bytes(uint8_t **p, size_t *cap, size_t need, size_t *mem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    while (nc < need)
        nc *= 2;
    uint8_t *q = wrealloc(*p, nc);
    if (!q)
        return WARTA_ENOMEM;
    *mem += nc - *cap;
    *p = q;
    *cap = nc;
    return 0;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

static mterm *membuf_term(membuf *m, uint64_t h, const char *t, size_t len, int *rc)
{
    /* the slot keeps the hash's high half, so a probe that misses does not
     * touch the term array (a cache miss per posting otherwise) */
    if ((m->nterms + 1) * 2 > m->nslots) {
        uint32_t ns = m->nslots ? m->nslots * 2 : 1 << 16;
        uint64_t *sl = wcalloc(ns, sizeof *sl);
        if (!sl) {
            *rc = WARTA_ENOMEM;
            return NULL;
        }
        for (uint32_t i = 0; i < m->nterms; i++) {
            uint32_t k = (uint32_t)m->terms[i].hash & (ns - 1);
            while (sl[k])
                k = (k + 1) & (ns - 1);
            sl[k] = (m->terms[i].hash & 0xFFFFFFFF00000000ull) | (i + 1);
        }
        m->mem += (size_t)(ns - m->nslots) * sizeof *sl;
        wfree(m->slots);
        m->slots = sl;
        m->nslots = ns;
    }
    uint32_t k = (uint32_t)h & (m->nslots - 1);
    uint64_t hi = h & 0xFFFFFFFF00000000ull;
    for (uint64_t v; (v = m->slots[k]) != 0; k = (k + 1) & (m->nslots - 1)) {
        if ((v & 0xFFFFFFFF00000000ull) != hi)
            continue;
        mterm *c = &m->terms[(uint32_t)v - 1];
        if (c->hash == h && c->term_len == len && memcmp(m->arena.data + c->term_off, t, len) == 0)
            return c;
    }
    if (m->nterms == m->terms_cap) {
        uint32_t nc = m->terms_cap ? m->terms_cap * 2 : 1 << 15;
        mterm *nt = wrealloc(m->terms, (size_t)nc * sizeof *nt);
        if (!nt) {
            *rc = WARTA_ENOMEM;
            return NULL;
        }
        m->mem += (size_t)(nc - m->terms_cap) * sizeof *nt;
        m->terms = nt;
        m->terms_cap = nc;
    }
    mterm *e = &m->terms[m->nterms];
    memset(e, 0, sizeof *e);
    e->hash = h;
    e->term_off = (uint32_t)m->arena.len;
    e->term_len = (uint32_t)len;
    size_t before = m->arena.cap;
    wbuf_append(&m->arena, t, len);
    if (m->arena.oom) {
        *rc = WARTA_ENOMEM;
        return NULL;
    }
    m->mem += m->arena.cap - before;
    m->slots[k] = hi | ++m->nterms;
    return e;
}

static void set_bit(uint8_t *bits, uint32_t i)
{
    bits[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static bool get_bit(const uint8_t *bits, uint32_t i)
{
    return bits && (bits[i >> 3] >> (i & 7) & 1);
}

/* Looks an id up among the buffer's documents; returns docid or UINT32_MAX. */
static uint32_t membuf_find_id(const membuf *m, uint64_t h, const char *id, size_t len)
{
    if (!m->nidslots)
        return UINT32_MAX;
    uint32_t k = (uint32_t)h & (m->nidslots - 1);
    uint32_t found = UINT32_MAX;
    while (m->idslots[k]) {
        uint32_t d = m->idslots[k] - 1;
        const uint8_t *o = (const uint8_t *)m->idoff.data + 8 * (size_t)d;
        if (le32_get(o + 4) == len && memcmp(m->idtext.data + le32_get(o), id, len) == 0 &&
            !get_bit(m->del, d))
            found = d;
        k = (k + 1) & (m->nidslots - 1);
    }
    return found;
}

static int membuf_add_id(membuf *m, uint64_t h, uint32_t doc)
{
    if ((doc + 1) * 2 > m->nidslots) {
        uint32_t ns = m->nidslots ? m->nidslots * 2 : 1024;
        uint32_t *s = wcalloc(ns, sizeof *s);
        if (!s)
            return WARTA_ENOMEM;
        for (uint32_t d = 0; d < doc; d++) {
            uint64_t hh = le64_get(m->di.ids.data + (size_t)d * FMT_ID_ENTRY);
            uint32_t k = (uint32_t)hh & (ns - 1);
            while (s[k])
                k = (k + 1) & (ns - 1);
            s[k] = d + 1;
        }
        m->mem += (size_t)(ns - m->nidslots) * sizeof *s;
        wfree(m->idslots);
        m->idslots = s;
        m->nidslots = ns;
    }
    uint32_t k = (uint32_t)h & (m->nidslots - 1);
    while (m->idslots[k])
        k = (k + 1) & (m->nidslots - 1);
    m->idslots[k] = doc + 1;
    return 0;
}

static int membuf_delete(membuf *m, uint32_t doc)
{
    uint32_t need = doc / 8 + 1;
    if (need > m->del_cap) {
        uint32_t nc = m->del_cap ? m->del_cap * 2 : 256;
        while (nc < need)
            nc *= 2;
        uint8_t *d = wrealloc(m->del, nc);
        if (!d)
            return WARTA_ENOMEM;
        memset(d + m->del_cap, 0, nc - m->del_cap);
        m->del = d;
        m->del_cap = nc;
    }
    if (!get_bit(m->del, doc)) {
        set_bit(m->del, doc);
        m->ndeleted++;
    }
    return 0;
}

static int idset_put(idset *set, uint64_t h)
{
    h |= 1;
    if ((set->n + 1) * 4 > set->cap * 3) {
        size_t nc = set->cap ? set->cap * 2 : 1024;
        uint64_t *ns = wcalloc(nc, sizeof *ns);
        if (!ns)
            return WARTA_ENOMEM;
        for (size_t i = 0; i < set->cap; i++) {
            uint64_t v = set->slot[i];
            if (!v)
                continue;
            size_t j = (size_t)(v >> 1) & (nc - 1);
            while (ns[j])
                j = (j + 1) & (nc - 1);
            ns[j] = v;
        }
        wfree(set->slot);
        set->slot = ns;
        set->cap = nc;
    }
    size_t j = (size_t)(h >> 1) & (set->cap - 1);
    while (set->slot[j]) {
        if (set->slot[j] == h)
            return 0;
        j = (j + 1) & (set->cap - 1);
    }
    set->slot[j] = h;
    set->n++;
    return 0;
}

static bool idset_has(const idset *set, uint64_t h)
{
    h |= 1;
    size_t j = (size_t)(h >> 1) & (set->cap - 1);
    while (set->slot[j]) {
        if (set->slot[j] == h)
            return true;
        j = (j + 1) & (set->cap - 1);
    }
    return false;
}

/* Adds segment r's id hashes (its id table checked first).  The set is
 * only a shortcut: when it cannot be kept (a damaged id table, no memory)
 * it is dropped and every look-up searches the segments. */
static void idset_add_seg(idset *set, seg_reader *r)
{
    if (set->broken)
        return;
    bool ok = seg_ids_verify(r) == 0;
    for (uint32_t i = 0; ok && i < r->ndocs; i++)
        ok = idset_put(set, le64_get(r->ids + (size_t)i * FMT_ID_ENTRY)) == 0;
    if (!ok) {
        wfree(set->slot);
        set->slot = NULL;
        set->cap = set->n = 0;
        set->broken = true;
    }
}

/* Whether an older copy of the id with hash h may be in the segments;
 * builds the set on first use. */
static bool segs_may_have(warta_writer *w, uint64_t h)
{
    if (w->nsegs == 0)
        return false;
    if (!w->ids.cap && !w->ids.broken) {
        w->ids.slot = wcalloc(1024, sizeof *w->ids.slot);
        if (!w->ids.slot) {
            w->ids.broken = true;
            return true;
        }
        w->ids.cap = 1024;
        for (size_t i = 0; i < w->nsegs; i++)
            idset_add_seg(&w->ids, w->segs[i].r);
    }
    return w->ids.broken || idset_has(&w->ids, h);
}

/* Marks deleted the live copy of id outside the buffer (newest segment
 * first).  Returns 0 (found and marked), WARTA_ENOTFOUND, or an error. */
static int segs_delete_id(warta_writer *w, const char *id, size_t len)
{
    if (!segs_may_have(w, fmt_id_hash(id, len)))
        return WARTA_ENOTFOUND;
    wbuf scratch = WBUF_INIT;
    int rc = WARTA_ENOTFOUND;
    for (size_t i = w->nsegs; i-- > 0;) {
        wseg *s = &w->segs[i];
        uint32_t d;
        int r = seg_find_id(s->r, id, len, &scratch, &d);
        if (r == WARTA_ENOTFOUND)
            continue;
        if (r) {
            rc = werr(w, r, "%s", seg_reader_errmsg(s->r));
            break;
        }
        if (get_bit(s->del, d))
            continue;
        if (!s->del) {
            s->del = wcalloc(((size_t)s->r->ndocs + 7) / 8 + 1, 1);
            if (!s->del) {
                rc = WARTA_ENOMEM;
                break;
            }
        }
        set_bit(s->del, d);
        s->ndeleted++;
        s->dirty = true;
        rc = 0;
        break;
    }
    wbuf_free(&scratch);
    return rc;
}

/* Appends a batch's documents to the buffer (in input order). */
static int invert_batch(warta_writer *w, batch *b)
{
    membuf *m = &w->buf;
    int rc = 0;
    if (!m->open) {
        rc = segw_open(&w->segw, w->dir, w->man.next_id);
        if (rc)
            return werr(w, rc, "%s", w->segw.errmsg);
        w->man.next_id++;
        segw_add_dict(&w->segw, (const uint8_t *)w->dict.data, w->dict.len);
        m->open = true;
    }
    uint32_t first = m->di.ndocs;
    segw_store_block(&w->segw, (const uint8_t *)b->comp.data, b->comp.len, (uint32_t)b->raw.len,
                     b->ndocs, 0);
    if (w->segw.err)
        return werr(w, w->segw.err, "%s", w->segw.errmsg[0] ? w->segw.errmsg : "out of memory");
    const uint8_t *rp = (const uint8_t *)b->raw.data, *rend = rp + b->raw.len;
    const uint8_t *hp = (const uint8_t *)b->heads.data, *hend = hp + b->heads.len;
    const uint8_t *tp = (const uint8_t *)b->terms.data, *tend = tp + b->terms.len;
    uint8_t tmp[32];
    for (uint32_t i = 0; i < b->ndocs && !rc; i++) {
        uint32_t doc = first + i;
        seg_doc d;
        const uint8_t *head = hp;
        if (docstore_next(&rp, rend, &d) != 0 || docstore_head_next(&hp, hend, &d) != 0)
            return WARTA_EINVAL;
        /* replace-on-add: the older copy goes */
        uint64_t h = fmt_id_hash(d.id ? d.id : "", d.id_len);
        /* an article without id replaces nothing */
        uint32_t old = d.id_len ? membuf_find_id(m, h, d.id, d.id_len) : UINT32_MAX;
        if (old != UINT32_MAX) {
            rc = membuf_delete(m, old);
            w->replaced++;
        } else if (d.id_len) {
            int r = segs_delete_id(w, d.id, d.id_len);
            if (r == 0)
                w->replaced++;
            else if (r != WARTA_ENOTFOUND)
                rc = r;
        }
        if (rc)
            break;
        size_t before = m->idtext.cap + m->idoff.cap + m->di.ids.cap + m->di.dl.cap +
                        m->di.tl.cap + m->di.date.cap + m->di.src.cap + m->di.heads.cap +
                        m->di.head_off.cap;
        wbuf_put_u32le(&m->di.head_off, (uint32_t)m->di.heads.len);
        wbuf_append(&m->di.heads, head, (size_t)(hp - head));
        wbuf_put_u32le(&m->idoff, (uint32_t)m->idtext.len);
        wbuf_put_u32le(&m->idoff, (uint32_t)d.id_len);
        wbuf_append(&m->idtext, d.id ? d.id : "", d.id_len);
        wbuf_put_u64le(&m->di.ids, h);
        wbuf_put_u32le(&m->di.ids, doc);
        if (d.id_len)
            rc = membuf_add_id(m, h, doc);
        uint32_t src = SEG_SOURCE_NONE;
        if (!rc && d.source_len)
            src = source_table_add(&m->sources, d.source, d.source_len, &rc);
        wbuf_put_u32le(&m->di.dl, b->dl[i]);
        uint16_t tl = b->tl[i] > 65535 ? 65535 : (uint16_t)b->tl[i];
        wbuf_append(&m->di.tl, &tl, 2);
        wbuf_put_u64le(&m->di.date, (uint64_t)b->date[i]);
        wbuf_put_u32le(&m->di.src, src);
        m->di.ndocs++;
        m->mem += m->idtext.cap + m->idoff.cap + m->di.ids.cap + m->di.dl.cap + m->di.tl.cap +
                  m->di.date.cap + m->di.src.cap + m->di.heads.cap + m->di.head_off.cap - before;
        if (m->idtext.oom || m->idoff.oom || m->di.ids.oom || m->di.dl.oom || m->di.tl.oom ||
            m->di.date.oom || m->di.src.oom || m->di.heads.oom || m->di.head_off.oom)
            rc = WARTA_ENOMEM;
        if (rc)
            break;
        /* the document's terms */
        uint64_t nterms;
        if (!varint_get(&tp, tend, &nterms))
            return WARTA_EINVAL;
        for (uint64_t t = 0; t < nterms; t++) {
            uint64_t th = le64_get(tp), len, tf, ttf, plen;
            tp += 8;
            varint_get(&tp, tend, &len);
            const char *term = (const char *)tp;
            tp += len;
            varint_get(&tp, tend, &tf);
            varint_get(&tp, tend, &ttf);
            varint_get(&tp, tend, &plen);
            mterm *e = membuf_term(m, th, term, len, &rc);
            if (!e)
                break;
            size_t n = put_varint(tmp, doc - (e->df ? e->last_doc + 1 : 0));
            n += put_varint(tmp + n, (tf - 1) << 1 | (ttf > 0));
            if (ttf > 0)
                n += put_varint(tmp + n, ttf - 1);
            if (grow_bytes(&e->docs, &e->docs_cap, e->docs_len + n, &m->mem) ||
                grow_bytes(&e->pos, &e->pos_cap, e->pos_len + plen, &m->mem)) {
                rc = WARTA_ENOMEM;
                break;
            }
            memcpy(e->docs + e->docs_len, tmp, n);
            e->docs_len += n;
            memcpy(e->pos + e->pos_len, tp, plen);
            e->pos_len += plen;
            tp += plen;
            e->df++;
            e->last_doc = doc;
            e->cf += tf;
            m->npostings++;
            m->npositions += tf;
        }
    }
    return rc;
}

static int term_cmp(const void *a, const void *b, void *ctx)
{
    const membuf *m = ctx;
    const mterm *x = &m->terms[*(const uint32_t *)a], *y = &m->terms[*(const uint32_t *)b];
    size_t n = x->term_len < y->term_len ? x->term_len : y->term_len;
    int c = memcmp(m->arena.data + x->term_off, m->arena.data + y->term_off, n);
    if (c)
        return c;
    return x->term_len < y->term_len ? -1 : x->term_len > y->term_len;
}

static int add_seg(warta_writer *w, const wseg *s)
{
    if (w->nsegs == w->segs_cap) {
        size_t nc = w->segs_cap ? w->segs_cap * 2 : 16;
        wseg *ns = wrealloc(w->segs, nc * sizeof *ns);
        if (!ns)
            return WARTA_ENOMEM;
        w->segs = ns;
        w->segs_cap = nc;
    }
    w->segs[w->nsegs++] = *s;
    /* once built, the id set follows every segment added */
    if (w->ids.cap)
        idset_add_seg(&w->ids, s->r);
    return 0;
}

/* Writes the buffer as a segment file and starts a new buffer. */
static int flush_buffer(warta_writer *w)
{
    membuf *m = &w->buf;
    if (!m->open)
        return 0;
    int rc = 0;
    uint32_t *order = wmalloc(((size_t)m->nterms + 1) * sizeof *order);
    if (!order)
        return WARTA_ENOMEM;
    for (uint32_t i = 0; i < m->nterms; i++)
        order[i] = i;
    qsort_r(order, m->nterms, sizeof *order, term_cmp, m);
    wbuf post = WBUF_INIT, pos = WBUF_INIT;
    dict_builder dict;
    dict_builder_init(&dict);
    uint32_t *docs = NULL, *tfs = NULL, *ttfs = NULL;
    uint32_t cap = 0;
    segw_postings_begin(&w->segw);
    for (uint32_t oi = 0; oi < m->nterms && !rc; oi++) {
        mterm *e = &m->terms[order[oi]];
        if (e->df > cap) {
            uint32_t nc = cap ? cap : 1024;
            while (nc < e->df)
                nc *= 2;
            wfree(docs);
            wfree(tfs);
            wfree(ttfs);
            docs = wmalloc((size_t)nc * 4);
            tfs = wmalloc((size_t)nc * 4);
            ttfs = wmalloc((size_t)nc * 4);
            cap = nc;
            if (!docs || !tfs || !ttfs) {
                rc = WARTA_ENOMEM;
                break;
            }
        }
        const uint8_t *p = e->docs, *end = e->docs + e->docs_len;
        uint32_t d = 0;
        for (uint32_t i = 0; i < e->df; i++) {
            uint64_t gap, tfv, ttf = 0;
            varint_get(&p, end, &gap);
            varint_get(&p, end, &tfv);
            if (tfv & 1) {
                varint_get(&p, end, &ttf);
                ttf++;
            }
            d += (uint32_t)gap;
            docs[i] = d++;
            tfs[i] = (uint32_t)(tfv >> 1) + 1;
            ttfs[i] = (uint32_t)ttf;
        }
        postings_list l = {e->df, docs, tfs, ttfs, e->pos, NULL, e->pos_len};
        wbuf_reset(&post);
        wbuf_reset(&pos);
        postings_encode(&l, (const uint8_t *)m->di.dl.data, &post, &pos, &rc);
        dict_builder_add(&dict, m->arena.data + e->term_off, e->term_len, e->df, e->cf,
                         w->segw.post_len, post.len, w->segw.pos_len, pos.len, post.data, pos.data,
                         &rc);
        if (!rc)
            segw_postings_term(&w->segw, post.data, post.len, pos.data, pos.len);
        wfree(e->docs);
        wfree(e->pos);
        e->docs = e->pos = NULL;
    }
    segw_postings_end(&w->segw);
    wfree(docs);
    wfree(tfs);
    wfree(ttfs);
    wfree(order);
    dict_builder_finish(&dict, &rc);
    uint64_t id = w->segw.id;
    uint32_t ndocs = m->di.ndocs;
    if (!rc) {
        rc = segw_finish(&w->segw, &m->di, &dict, &m->sources, m->npostings, m->npositions);
        if (rc)
            werr(w, rc, "%s", w->segw.errmsg[0] ? w->segw.errmsg : warta_strerror(rc));
    }
    wbuf_free(&post);
    wbuf_free(&pos);
    dict_builder_free(&dict);
    if (rc) {
        segw_abort(&w->segw);
        return rc;
    }
    wseg s;
    memset(&s, 0, sizeof s);
    s.m.id = id;
    s.m.ndocs = ndocs;
    char name[64], path[4200];
    fmt_seg_name(name, sizeof name, id);
    fmt_path(path, sizeof path, w->dir, name);
    struct stat st;
    s.m.bytes = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
    if (m->ndeleted) {
        s.del = wcalloc(((size_t)ndocs + 7) / 8 + 1, 1);
        if (!s.del)
            return WARTA_ENOMEM;
        memcpy(s.del, m->del, ((size_t)ndocs + 7) / 8 < m->del_cap ? ((size_t)ndocs + 7) / 8 : m->del_cap);
        s.ndeleted = m->ndeleted;
        s.dirty = true;
    }
    membuf_free(m);
    char detail[512] = "";
    rc = seg_reader_open(&s.r, w->dir, id, 0, detail, sizeof detail);
    if (rc) {
        wfree(s.del);
        return werr(w, rc, "%s", detail);
    }
    rc = add_seg(w, &s);
    if (rc) {
        seg_reader_close(s.r);
        wfree(s.del);
        return rc;
    }
    w->flushes++;
    return 0;
}

/* Inverts finished batches in input order; with `wait`, waits for all. */
static int drain(warta_writer *w, bool wait_all)
{
    int rc = 0;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        batch *b = w->fly_head;
        while (b && !b->done && (wait_all || w->inflight > 2 * w->jobs + 2))
            pthread_cond_wait(&w->cv_done, &w->mu);
        if (!b || !b->done) {
            pthread_mutex_unlock(&w->mu);
            return rc;
        }
        w->fly_head = b->fly_next;
        if (!w->fly_head)
            w->fly_tail = NULL;
        w->inflight--;
        pthread_mutex_unlock(&w->mu);
        if (!rc && b->rc)
            rc = werr(w, b->rc, "analysis failed: %s", warta_strerror(b->rc));
        double t0 = thread_cpu();
        if (!rc)
            rc = invert_batch(w, b);
        batch_free(b);
        if (!rc) {
            bool full = w->buf.mem + w->segw.store_index.cap >= w->budget ||
                        (writer_test_flush_docs && w->buf.di.ndocs >= writer_test_flush_docs);
            if (full)
                rc = flush_buffer(w);
        }
        w->cpu_invert += thread_cpu() - t0;
        if (rc && !w->worker_rc)
            w->worker_rc = rc;
    }
}

/* Queues b for a worker and appends it to the in-order list. */
static int submit_batch(warta_writer *w, batch *b)
{
    int rc = start_threads(w);
    if (rc)
        return rc;
    pthread_mutex_lock(&w->mu);
    b->next = NULL;
    b->fly_next = NULL;
    b->done = false;
    if (w->todo_tail)
        w->todo_tail->next = b;
    else
        w->todo_head = b;
    w->todo_tail = b;
    if (w->fly_tail)
        w->fly_tail->fly_next = b;
    else
        w->fly_head = b;
    w->fly_tail = b;
    w->inflight++;
    pthread_cond_signal(&w->cv_todo);
    pthread_mutex_unlock(&w->mu);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Adding                                                                   */
/* ------------------------------------------------------------------------ */

/* Builds the document store's preset dictionary from the held batches and
 * submits them. */
static int release_pending(warta_writer *w)
{
    if (!w->dict_ready) {
        wbuf sample = WBUF_INIT;
        for (batch *b = w->pending_head; b && sample.len < WRITER_DICT_SAMPLE; b = b->next)
            wbuf_append(&sample, b->raw.data, b->raw.len);
        if (sample.oom) {
            wbuf_free(&sample);
            return WARTA_ENOMEM;
        }
        docstore_make_dict(sample.data ? sample.data : "", sample.len, &w->dict);
        wbuf_free(&sample);
        if (w->dict.oom)
            return WARTA_ENOMEM;
        w->dict_ready = true;
    }
    while (w->pending_head) {
        batch *b = w->pending_head;
        w->pending_head = b->next;
        int rc = submit_batch(w, b);
        if (rc) {
            batch_free(b);
            return rc;
        }
        rc = drain(w, false);
        if (rc)
            return rc;
    }
    w->pending_tail = NULL;
    w->pending_bytes = 0;
    return 0;
}

static int finish_batch(warta_writer *w)
{
    batch *b = w->cur;
    if (!b)
        return 0;
    w->cur = NULL;
    if (b->ndocs == 0) {
        batch_free(b);
        return 0;
    }
    b->seq = w->next_seq++;
    if (!w->dict_ready) {
        b->next = NULL;
        if (w->pending_tail)
            w->pending_tail->next = b;
        else
            w->pending_head = b;
        w->pending_tail = b;
        w->pending_bytes += b->raw.len;
        if (w->pending_bytes >= WRITER_DICT_SAMPLE)
            return release_pending(w);
        return 0;
    }
    int rc = submit_batch(w, b);
    if (rc) {
        batch_free(b);
        return rc;
    }
    return drain(w, false);
}

WARTA_API int warta_writer_add(warta_writer *w, const warta_article *a)
{
    if (!w || !a)
        return WARTA_EINVAL;
    if (w->worker_rc)
        return w->worker_rc;
    if (!w->cur) {
        w->cur = wcalloc(1, sizeof *w->cur);
        if (!w->cur)
            return WARTA_ENOMEM;
    }
    batch *b = w->cur;
    docstore_record(&b->raw, &b->heads, a);
    if (b->raw.oom || b->heads.oom)
        return WARTA_ENOMEM;
    b->ndocs++;
    w->added++;
    int rc = 0;
    if (b->raw.len >= DOCSTORE_BLOCK || b->ndocs >= WRITER_BATCH_DOCS)
        rc = finish_batch(w);
    if (rc && !w->worker_rc)
        w->worker_rc = rc;
    return rc;
}

/* Everything added so far reaches the in-memory index. */
static int sync_pipeline(warta_writer *w)
{
    if (w->worker_rc)
        return w->worker_rc;
    int rc = finish_batch(w);
    if (!rc && (w->pending_head || !w->dict_ready))
        rc = release_pending(w);
    if (!rc && w->fly_head)
        rc = drain(w, true);
    if (rc && !w->worker_rc)
        w->worker_rc = rc;
    return rc;
}

WARTA_API int warta_writer_delete(warta_writer *w, const char *id, size_t len)
{
    if (!w || (!id && len))
        return WARTA_EINVAL;
    if (len == 0)
        return werr(w, WARTA_ENOTFOUND, "an empty id names no article");
    int rc = sync_pipeline(w);
    if (rc)
        return rc;
    uint64_t h = fmt_id_hash(id ? id : "", len);
    uint32_t d = membuf_find_id(&w->buf, h, id ? id : "", len);
    if (d != UINT32_MAX) {
        rc = membuf_delete(&w->buf, d);
    } else {
        rc = segs_delete_id(w, id ? id : "", len);
        if (rc == WARTA_ENOTFOUND)
            return werr(w, rc, "no live article has id '%.*s'", (int)(len > 200 ? 200 : len),
                        id ? id : "");
    }
    if (!rc)
        w->deleted++;
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Commit and merge                                                         */
/* ------------------------------------------------------------------------ */

static void build_info(warta_writer *w, wbuf *out)
{
    warta_analyzer_options o = analysis_options(w->analyzer);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    wbuf_printf(out, "warta %s; committed %s; jobs %u; memory %zu MB; stemming %s; stopwords %s; "
                "lexicon %zu roots; document store zlib level %d, %d KiB blocks, preset "
                "dictionary", warta_version(), when, w->jobs, w->budget_mb,
                o.no_stem ? "off" : "on", o.keep_stopwords ? "kept" : "dropped",
                analysis_lexicon_size(w->analyzer), DOCSTORE_LEVEL, DOCSTORE_BLOCK / 1024);
}

/* Writes deletion files and the manifest for the current segment list. */
static int publish(warta_writer *w)
{
    manifest nm;
    memset(&nm, 0, sizeof nm);
    nm.generation = w->man.generation + 1;
    nm.next_id = w->man.next_id;
    nm.analyzer_crc = w->man.analyzer_crc;
    nm.segs = wcalloc(w->nsegs + 1, sizeof *nm.segs);
    commit_del *dels = wcalloc(w->nsegs + 1, sizeof *dels);
    wbuf info = WBUF_INIT;
    build_info(w, &info);
    int rc = 0;
    if (!nm.segs || !dels || info.oom) {
        rc = WARTA_ENOMEM;
        goto out_free;
    }
    nm.build_info = info.data;
    size_t ndels = 0;
    for (size_t i = 0; i < w->nsegs; i++) {
        wseg *s = &w->segs[i];
        if (s->ndeleted == s->r->ndocs)
            continue; /* nothing live: drop it */
        man_seg ms = s->m;
        ms.ndeleted = s->ndeleted;
        if (s->dirty) {
            ms.del_gen = s->ndeleted ? nm.generation : 0;
            if (s->ndeleted) {
                commit_del *d = &dels[ndels++];
                d->id = ms.id;
                d->gen = nm.generation;
                d->bits = s->del;
                d->ndocs = s->r->ndocs;
                d->ndeleted = s->ndeleted;
            }
        }
        nm.segs[nm.nsegs++] = ms;
    }
    rc = commit_publish(w->dir, &nm, dels, ndels, w->errmsg, sizeof w->errmsg);
    if (rc) {
        /* the manifest on disk may be either commit now: this writer stops
         * here (close it; the next one starts from what is on disk) */
        w->worker_rc = rc;
        goto out_free;
    }
    /* the new commit is durable: adopt it */
    size_t keep = 0;
    for (size_t i = 0; i < w->nsegs; i++) {
        wseg *s = &w->segs[i];
        if (s->ndeleted == s->r->ndocs) {
            seg_reader_close(s->r);
            wfree(s->del);
            continue;
        }
        if (s->dirty) {
            s->m.del_gen = s->ndeleted ? nm.generation : 0;
            s->r->deleted = s->del;
            s->r->ndeleted = s->ndeleted;
        }
        s->m.ndeleted = s->ndeleted;
        s->dirty = false;
        s->committed = true;
        w->segs[keep++] = *s;
    }
    w->nsegs = keep;
    manifest_free(&w->man);
    w->man = nm;
    nm.segs = NULL;
    nm.build_info = NULL;
    info.data = NULL;
    w->have_manifest = true;
    commit_cleanup(w->dir, &w->man);
out_free:
    wfree(nm.segs);
    wfree(dels);
    wbuf_free(&info);
    return rc;
}

/* Merges segments [i, i+n) into one and publishes the result. */
static int merge_run(warta_writer *w, size_t i, size_t n)
{
    seg_reader **rs = wcalloc(n + 1, sizeof *rs);
    if (!rs)
        return WARTA_ENOMEM;
    for (size_t k = 0; k < n; k++)
        rs[k] = w->segs[i + k].r;
    uint64_t id = w->man.next_id++;
    uint32_t ndocs = 0;
    uint64_t bytes = 0;
    int rc = merge_segments(w->dir, rs, n, id, &ndocs, &bytes, w->errmsg, sizeof w->errmsg);
    wfree(rs);
    if (rc)
        return rc;
    wseg s;
    memset(&s, 0, sizeof s);
    s.m.id = id;
    s.m.ndocs = ndocs;
    s.m.bytes = bytes;
    rc = seg_reader_open(&s.r, w->dir, id, 0, w->errmsg, sizeof w->errmsg);
    if (rc)
        return rc;
    for (size_t k = 0; k < n; k++) {
        seg_reader_close(w->segs[i + k].r);
        wfree(w->segs[i + k].del);
    }
    w->segs[i] = s;
    memmove(w->segs + i + 1, w->segs + i + n, (w->nsegs - i - n) * sizeof *w->segs);
    w->nsegs -= n - 1;
    w->merges++;
    return publish(w);
}

static int merge_policy(warta_writer *w)
{
    while (w->nsegs > WRITER_MERGE_MAX) {
        size_t best = 0;
        uint64_t best_bytes = UINT64_MAX;
        for (size_t i = 0; i + WRITER_MERGE_FACTOR <= w->nsegs; i++) {
            uint64_t sum = 0;
            for (size_t k = 0; k < WRITER_MERGE_FACTOR; k++)
                sum += w->segs[i + k].m.bytes;
            if (sum < best_bytes) {
                best_bytes = sum;
                best = i;
            }
        }
        int rc = merge_run(w, best, WRITER_MERGE_FACTOR);
        if (rc)
            return rc;
    }
    return 0;
}

WARTA_API int warta_writer_commit(warta_writer *w)
{
    if (!w)
        return WARTA_EINVAL;
    int rc = sync_pipeline(w);
    double t0 = thread_cpu();
    if (!rc)
        rc = flush_buffer(w);
    w->cpu_invert += thread_cpu() - t0;
    if (rc)
        return rc;
    bool dirty = !w->have_manifest;
    for (size_t i = 0; i < w->nsegs; i++)
        dirty |= w->segs[i].dirty || !w->segs[i].committed;
    if (dirty)
        rc = publish(w);
    if (!rc && !w->no_merge)
        rc = merge_policy(w);
    return rc;
}

WARTA_API int warta_writer_optimize(warta_writer *w)
{
    int rc = warta_writer_commit(w);
    if (rc)
        return rc;
    bool deletions = false;
    for (size_t i = 0; i < w->nsegs; i++)
        deletions |= w->segs[i].ndeleted > 0;
    if (w->nsegs > 1 || deletions)
        rc = merge_run(w, 0, w->nsegs);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Open and close                                                           */
/* ------------------------------------------------------------------------ */

WARTA_API void warta_writer_close(warta_writer *w)
{
    if (!w)
        return;
    stop_threads(w);
    for (batch *b = w->fly_head; b;) {
        batch *n = b->fly_next;
        batch_free(b);
        b = n;
    }
    for (batch *b = w->pending_head; b;) {
        batch *n = b->next;
        batch_free(b);
        b = n;
    }
    batch_free(w->cur);
    segw_abort(&w->segw);
    membuf_free(&w->buf);
    for (size_t i = 0; i < w->nsegs; i++) {
        seg_reader_close(w->segs[i].r);
        wfree(w->segs[i].del);
    }
    wfree(w->segs);
    wfree(w->ids.slot);
    /* segments flushed but never committed are garbage now */
    if (w->lock_fd >= 0 && w->have_manifest)
        commit_cleanup(w->dir, &w->man);
    manifest_free(&w->man);
    wbuf_free(&w->dict);
    warta_analyzer_close(w->analyzer);
    lock_release(w->lock_fd);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv_todo);
    pthread_cond_destroy(&w->cv_done);
    wfree(w->dir);
    wfree(w);
}

static int open_existing(warta_writer *w)
{
    wbuf blob = WBUF_INIT;
    uint32_t crc = 0;
    int rc = analyzer_file_read(w->dir, &blob, &crc, w->errmsg, sizeof w->errmsg);
    if (!rc && crc != w->man.analyzer_crc)
        rc = werr(w, WARTA_ECORRUPT, "%s/%s: does not match the manifest", w->dir, FMT_ANALYZER);
    if (!rc) {
        char detail[256] = "";
        rc = analysis_open_serialized(&w->analyzer, blob.data, blob.len, detail, sizeof detail);
        if (rc && rc != WARTA_ENOMEM)
            werr(w, rc, "%s/%s: %s", w->dir, FMT_ANALYZER, detail);
    }
    wbuf_free(&blob);
    for (uint32_t i = 0; !rc && i < w->man.nsegs; i++) {
        wseg s;
        memset(&s, 0, sizeof s);
        s.m = w->man.segs[i];
        s.committed = true;
        rc = seg_reader_open(&s.r, w->dir, s.m.id, s.m.del_gen, w->errmsg, sizeof w->errmsg);
        if (rc)
            break;
        if (s.r->ndeleted) {
            size_t nb = ((size_t)s.r->ndocs + 7) / 8;
            s.del = wcalloc(nb + 1, 1);
            if (!s.del) {
                seg_reader_close(s.r);
                rc = WARTA_ENOMEM;
                break;
            }
            memcpy(s.del, s.r->deleted, nb);
            s.ndeleted = s.r->ndeleted;
        }
        rc = add_seg(w, &s);
        if (rc) {
            seg_reader_close(s.r);
            wfree(s.del);
        }
    }
    return rc;
}

static int create_new(warta_writer *w, const warta_writer_options *opts)
{
    int rc = warta_analyzer_open(&w->analyzer, opts ? &opts->analysis : NULL, w->errmsg,
                                 sizeof w->errmsg);
    if (rc)
        return rc;
    wbuf blob = WBUF_INIT;
    rc = analysis_serialize(w->analyzer, &blob);
    if (!rc)
        rc = analyzer_file_write(w->dir, &blob, &w->man.analyzer_crc, w->errmsg, sizeof w->errmsg);
    wbuf_free(&blob);
    w->man.generation = 0;
    w->man.next_id = 1;
    return rc;
}

WARTA_API int warta_writer_open(warta_writer **out, const char *dir,
                                const warta_writer_options *opts, char *errmsg, size_t errlen)
{
    *out = NULL;
    int early = !dir || !*dir ? WARTA_EINVAL : 0;
    warta_writer *w = early ? NULL : wcalloc(1, sizeof *w);
    if (!w) {
        early = early ? early : WARTA_ENOMEM;
        if (errmsg && errlen)
            snprintf(errmsg, errlen, "%s", warta_strerror(early));
        return early;
    }
    w->lock_fd = -1;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv_todo, NULL);
    pthread_cond_init(&w->cv_done, NULL);
    clock_gettime(CLOCK_MONOTONIC, &w->t0);
    int rc = 0;
    w->dir = wstrndup(dir, strlen(dir));
    if (!w->dir) {
        rc = WARTA_ENOMEM;
        goto out_fail;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        rc = werr(w, errno == ENOSPC ? WARTA_ENOSPC : errno == ENOENT ? WARTA_ENOTFOUND : WARTA_EIO,
                  "%s: cannot create the index directory: %s", dir, strerror(errno));
        goto out_fail;
    }
    rc = lock_acquire(dir, &w->lock_fd, w->errmsg, sizeof w->errmsg);
    if (rc)
        goto out_fail;
    rc = manifest_read(&w->man, dir, w->errmsg, sizeof w->errmsg);
    if (rc == 0) {
        w->have_manifest = true;
        rc = open_existing(w);
    } else if (rc == WARTA_ENOTFOUND) {
        rc = create_new(w, opts);
    }
    if (rc)
        goto out_fail;
    /* a dead writer's temporary and unreferenced files */
    commit_cleanup(dir, &w->man);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    w->jobs = opts && opts->jobs ? opts->jobs : (ncpu > 0 ? (unsigned)ncpu : 1);
    if (w->jobs > 256)
        w->jobs = 256;
    w->budget_mb = opts && opts->memory_mb ? opts->memory_mb : 256;
    /* the buffer may use about 60 %: a flush needs room for the encoded
     * sections, and batches in flight need some too */
    w->budget = w->budget_mb * 1024 * 1024 / 10 * 6;
    w->no_merge = opts && opts->no_merge;
    *out = w;
    return 0;
out_fail:
    if (errmsg && errlen)
        snprintf(errmsg, errlen, "%s", w->errmsg[0] ? w->errmsg : warta_strerror(rc));
    warta_writer_close(w);
    return rc;
}

WARTA_API void warta_writer_get_info(const warta_writer *w, warta_writer_info *out)
{
    memset(out, 0, sizeof *out);
    if (!w)
        return;
    out->added = w->added;
    out->replaced = w->replaced;
    out->deleted = w->deleted;
    out->flushes = w->flushes;
    out->merges = w->merges;
    out->segments = w->nsegs;
    for (size_t i = 0; i < w->nsegs; i++)
        out->live = out->live + w->segs[i].r->ndocs - w->segs[i].ndeleted;
    out->generation = w->man.generation;
    out->cpu_invert = w->cpu_invert;
    out->cpu_analysis = w->cpu_analysis;
    out->cpu_compress = w->cpu_compress;
    /* running workers: their counters are read without a lock, as figures */
    for (unsigned i = 0; w->workers && i < w->jobs; i++) {
        if (w->workers[i]) {
            out->cpu_analysis += w->workers[i]->cpu_analysis;
            out->cpu_compress += w->workers[i]->cpu_compress;
        }
    }
}
