/*
 * exec.c: ranking (exec.h).  The scorers share one heap and one scoring
 * function.  For flat ranked queries of terms (the common case: plain
 * words, -excluded words): term at a time (run_taat: every list added into
 * a window of sums, the vector loops of kernels.c) while the heap is not
 * full, block-max MaxScore (run_maxscore: 2 to 8 essential lists a window
 * of docids at a time, started from a threshold found in the strongest
 * list's best block) once earlier segments have filled it, and for a lone
 * term its blocks best first.  For the rest an exhaustive
 * document-at-a-time evaluator of the whole tree.  A document's score is
 * always the sum of its leaves' contributions in query order, so every
 * path gives the same bits, and the heap's total order (score, then
 * document) makes the visiting order irrelevant.  Matches are counted
 * exactly; where documents were skipped, by a separate pass over the
 * docids into a bitmap (on demand: qexec_count_segment).
 */
#include "query/exec.h"
#include "query/kernels.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

/* ---- cursors ----------------------------------------------------------- */

void qcur_empty(qcur *c)
{
    memset(c, 0, sizeof *c);
    c->mi = UINT32_MAX;
    c->doc = SEG_END;
}

void qcur_mem(qcur *c, const qmem_list *l)
{
    qcur_empty(c);
    c->ml = l;
    c->doc = l && l->n ? 0 : SEG_END;
}

void qcur_seg(qcur *c, seg_cursor *sc, seg_reader *r, const seg_term *t)
{
    qcur_empty(c);
    c->sc = sc;
    c->sr = r;
    c->st = *t;
    c->doc = 0;
}

static inline uint32_t cur_next(qcur *c)
{
    seg_cursor *sc = c->sc;
    if (sc) {
        /* Within the decoded block: no call (the common case). */
        if (sc->started && sc->doc != SEG_END && sc->i + 1 < sc->n) {
            sc->i++;
            return c->doc = sc->doc = sc->docs[sc->i];
        }
        return c->doc = seg_cursor_next(sc);
    }
    if (!c->ml)
        return c->doc = SEG_END;
    uint32_t i = c->mi == UINT32_MAX ? 0 : c->mi + 1;
    if (i >= c->ml->n) {
        c->mi = c->ml->n;
        return c->doc = SEG_END;
    }
    c->mi = i;
    return c->doc = c->ml->p[i].doc;
}

static inline uint32_t cur_seek(qcur *c, uint32_t target)
{
    seg_cursor *sc = c->sc;
    if (sc) {
        if (sc->started && sc->doc != SEG_END && sc->n) {
            if (sc->doc >= target)
                return c->doc = sc->doc;
            if (sc->docs[sc->n - 1] >= target) {
                uint32_t i = sc->i;
                while (sc->docs[i] < target)
                    i++;
                sc->i = i;
                return c->doc = sc->doc = sc->docs[i];
            }
        }
        return c->doc = seg_cursor_seek(sc, target);
    }
    if (!c->ml)
        return c->doc = SEG_END;
    uint32_t i = c->mi == UINT32_MAX ? 0 : c->mi;
    if (c->mi != UINT32_MAX && c->doc >= target)
        return c->doc;
    const qmem_posting *p = c->ml->p;
    uint32_t n = c->ml->n;
    while (i < n && p[i].doc < target)
        i++;
    c->mi = i;
    return c->doc = i < n ? p[i].doc : SEG_END;
}

static inline uint32_t cur_tf(const qcur *c)
{
    return c->sc ? seg_cursor_tf(c->sc) : c->ml->p[c->mi].tf;
}

static inline uint32_t cur_ttf(const qcur *c)
{
    return c->sc ? seg_cursor_title_tf(c->sc) : c->ml->p[c->mi].ttf;
}

/* Whether the decoded block of sc gives every posting tf' = tf: with a
 * title weight of 1, or (not title:) when no document of the block has the
 * term in its title (tf - 0 + X * 0.0 is tf exactly); its title counts
 * need not be unpacked then. */
static inline bool block_plain(const bm25 *p, bool title, const seg_cursor *sc)
{
    return bm25_plain(p, title) || (!title && !seg_cursor_block_has_title(sc));
}

/* The current posting's tf' (title occurrences weighted) for a leaf,
 * title-only or not, and in *ok whether it matches (a title leaf needs a
 * title occurrence).  Every scorer takes tf' from here or from
 * block_tfw(), so all agree; the title count is read only when it
 * matters (block_plain, bm25_plain). */
static inline double cur_tfw(const bm25 *p, bool title, qcur *c, bool *ok)
{
    if (c->sc ? block_plain(p, title, c->sc) : bm25_plain(p, title)) {
        *ok = true;
        return (double)cur_tf(c);
    }
    uint32_t tf = cur_tf(c), ttf = cur_ttf(c);
    *ok = !title || ttf > 0;
    return title ? bm25_tf_title(p, ttf) : bm25_tf_text(p, tf, ttf);
}

/* cur_tfw() for posting i of sc's decoded block, its counts loaded
 * (seg_cursor_block_tfs() when plain, else seg_cursor_need_tfs()). */
static inline double block_tfw(const bm25 *p, bool title, bool plain, const seg_cursor *sc,
                               uint32_t i, bool *ok)
{
    if (plain) {
        *ok = true;
        return (double)sc->tfs[i];
    }
    uint32_t ttf = sc->ttfs[i];
    *ok = !title || ttf > 0;
    return title ? bm25_tf_title(p, ttf) : bm25_tf_text(p, sc->tfs[i], ttf);
}

static inline int cur_positions(qcur *c, uint32_t *out)
{
    if (c->sc)
        return seg_cursor_positions(c->sc, out);
    const qmem_posting *p = &c->ml->p[c->mi];
    memcpy(out, p->pos, p->tf * sizeof *out);
    return 0;
}

static inline uint32_t cur_shallow(qcur *c, uint32_t target)
{
    if (c->sc)
        return seg_cursor_shallow_seek(c->sc, target);
    if (!c->ml)
        return SEG_END;
    while (c->mblk < c->ml->nblocks && c->ml->blocks[c->mblk].last_doc < target)
        c->mblk++;
    return c->mblk < c->ml->nblocks ? c->ml->blocks[c->mblk].last_doc : SEG_END;
}

static inline void cur_block_bound(const qcur *c, seg_bound *out)
{
    if (c->sc) {
        seg_cursor_block_bound(c->sc, out);
    } else if (c->ml && c->ml->nblocks) {
        uint32_t b = c->mblk < c->ml->nblocks ? c->mblk : c->ml->nblocks - 1;
        *out = c->ml->blocks[b];
    } else {
        memset(out, 0, sizeof *out);
    }
}

static inline void cur_term_bound(const qcur *c, seg_bound *out)
{
    if (c->sc)
        *out = *seg_cursor_term_bound(c->sc);
    else if (c->ml)
        *out = c->ml->term_bound;
    else
        memset(out, 0, sizeof *out);
}

static inline int cur_error(const qcur *c)
{
    return c->sc ? seg_cursor_error(c->sc) : 0;
}

static void cur_rewind(qcur *c)
{
    if (c->sc) {
        if (c->sc->err) {
            c->doc = SEG_END;
            return;
        }
        seg_cursor_rewind(c->sc);
        c->doc = 0;
        return;
    }
    c->mi = UINT32_MAX;
    c->mblk = 0;
    c->doc = c->ml && c->ml->n ? 0 : SEG_END;
}

/* After a loop over the decoded block of segment cursor c stopped at
 * posting k: leaves c on posting k and returns true when k is inside the
 * block, else moves c to the next block's first posting and returns false. */
static inline bool cur_block_resume(qcur *c, uint32_t k)
{
    seg_cursor *sc = c->sc;
    if (k < sc->n) {
        sc->i = k;
        sc->doc = c->doc = sc->docs[k];
        return true;
    }
    sc->i = sc->n - 1;
    sc->doc = c->doc = sc->docs[sc->n - 1];
    cur_next(c);
    return false;
}

void qmem_list_bounds(qmem_list *l, const seg_reader *r)
{
    memset(&l->term_bound, 0, sizeof l->term_bound);
    l->term_bound.min_dl = UINT32_MAX;
    l->nblocks = (l->n + SEG_BLOCK - 1) / SEG_BLOCK;
    for (uint32_t b = 0; b < l->nblocks; b++) {
        seg_bound s = {0, 0, 0, UINT32_MAX, 0, 0};
        uint32_t end = (b + 1) * SEG_BLOCK < l->n ? (b + 1) * SEG_BLOCK : l->n;
        for (uint32_t i = b * SEG_BLOCK; i < end; i++) {
            const qmem_posting *p = &l->p[i];
            uint32_t dl = seg_doc_len(r, p->doc);
            s.last_doc = p->doc;
            if (p->tf > s.max_tf)
                s.max_tf = p->tf;
            if (p->ttf > s.max_ttf)
                s.max_ttf = p->ttf;
            if (dl < s.min_dl)
                s.min_dl = dl;
            uint64_t rt = dl ? ((uint64_t)p->tf * 65535 + dl - 1) / dl : 65535;
            uint64_t rtt = dl ? ((uint64_t)p->ttf * 65535 + dl - 1) / dl : 65535;
            if (rt > 65535)
                rt = 65535;
            if (rtt > 65535)
                rtt = 65535;
            if (rt > s.ratio_tf)
                s.ratio_tf = (uint16_t)rt;
            if (rtt > s.ratio_ttf)
                s.ratio_ttf = (uint16_t)rtt;
        }
        l->blocks[b] = s;
        seg_bound *t = &l->term_bound;
        t->last_doc = s.last_doc;
        if (s.max_tf > t->max_tf)
            t->max_tf = s.max_tf;
        if (s.max_ttf > t->max_ttf)
            t->max_ttf = s.max_ttf;
        if (s.min_dl < t->min_dl)
            t->min_dl = s.min_dl;
        if (s.ratio_tf > t->ratio_tf)
            t->ratio_tf = s.ratio_tf;
        if (s.ratio_ttf > t->ratio_ttf)
            t->ratio_ttf = s.ratio_ttf;
    }
}

/* ---- phrases ----------------------------------------------------------- */

uint32_t phrase_count(const uint32_t *const *pos, const uint32_t *npos, const uint32_t *rel,
                      uint32_t n, uint32_t limit)
{
    uint32_t idx[64];
    uint32_t count = 0;
    if (n == 0 || n > 64)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        idx[i] = 0;
    for (uint32_t a = 0; a < npos[0]; a++) {
        uint64_t start = pos[0][a];
        bool all = true;
        for (uint32_t i = 1; i < n; i++) {
            uint64_t want = start + rel[i];
            while (idx[i] < npos[i] && pos[i][idx[i]] < want)
                idx[i]++;
            if (idx[i] >= npos[i])
                return count;
            if (pos[i][idx[i]] != want)
                all = false;
        }
        if (all && start + rel[n - 1] < limit)
            count++;
    }
    return count;
}

/* ---- scoring ----------------------------------------------------------- */

static void set_err(qexec *x, int rc)
{
    if (!x->err)
        x->err = rc;
}

static inline bool doc_ok(const qexec *x, uint32_t d)
{
    const seg_reader *r = x->r;
    if (seg_is_deleted(r, d))
        return false;
    if (x->has_since || x->has_until) {
        int64_t dt = seg_doc_date(r, d);
        if (dt == SEG_DATE_NONE || (x->has_since && dt < x->since) ||
            (x->has_until && dt > x->until))
            return false;
    }
    if (x->src_ok) {
        uint32_t s = seg_doc_source(r, d);
        if (s == SEG_SOURCE_NONE || s >= seg_source_count(r) || !x->src_ok[s])
            return false;
    }
    return true;
}

/* Whether leaf l matches doc d (its cursors are moved there), and its
 * contribution in *score. */
static bool leaf_match(qexec *x, qleaf *l, uint32_t d, double *score, double *tf_out)
{
    *score = 0.0;
    if (tf_out)
        *tf_out = 0;
    if (l->kind == QL_TERM) {
        qcur *c = &l->cur[0];
        if (cur_seek(c, d) != d)
            return false;
        bool ok;
        double tfw = cur_tfw(&x->p, l->title, c, &ok);
        if (!ok)
            return false;
        *score = bm25_term(&x->p, l->idf, tfw, bm25_norm(&x->p, seg_doc_len(x->r, d)));
        if (tf_out)
            *tf_out = tfw;
        return true;
    }
    for (uint32_t i = 0; i < l->nterms; i++)
        if (cur_seek(&l->cur[i], d) != d)
            return false;
    const uint32_t *pv[64];
    uint32_t nv[64];
    uint32_t n = l->nterms < 64 ? l->nterms : 64;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t tf = cur_tf(&l->cur[i]);
        if (tf > l->pcap[i]) {
            uint32_t cap = tf < 64 ? 64 : tf * 2;
            uint32_t *b = arena_alloc(x->arena, (size_t)cap * sizeof *b);
            if (!b) {
                set_err(x, WARTA_ENOMEM);
                return false;
            }
            l->pbuf[i] = b;
            l->pcap[i] = cap;
        }
        int rc = cur_positions(&l->cur[i], l->pbuf[i]);
        if (rc) {
            set_err(x, rc);
            return false;
        }
        pv[i] = l->pbuf[i];
        nv[i] = tf;
    }
    uint32_t limit = l->title ? seg_title_len(x->r, d) : UINT32_MAX;
    uint32_t count = phrase_count(pv, nv, l->relpos, n, limit);
    if (count == 0)
        return false;
    double tfw = l->title ? bm25_tf_title(&x->p, count) : (double)count;
    *score = bm25_term(&x->p, l->idf, tfw, bm25_norm(&x->p, seg_doc_len(x->r, d)));
    if (tf_out)
        *tf_out = tfw;
    return true;
}

double qexec_leaf_score(qexec *x, qleaf *l, uint32_t doc, double *tf_out)
{
    double s;
    return leaf_match(x, l, doc, &s, tf_out) ? s : 0.0;
}

/* Whether the tree matches d, with its score: the sum of its matching
 * positive clauses' scores in query order. */
static bool tree_match(qexec *x, const qtree *t, uint32_t d, double *score)
{
    if (t->is_leaf)
        return leaf_match(x, &x->plan->leaves[t->leaf], d, score, NULL);
    double sum = 0.0;
    bool has_must = false, any = false;
    for (size_t i = 0; i < t->nkids; i++) {
        const qtree *k = t->kids[i];
        double s;
        bool m = tree_match(x, k, d, &s);
        switch (k->occur) {
        case QO_MUST:
            has_must = true;
            if (!m) {
                *score = 0;
                return false;
            }
            sum += s;
            break;
        case QO_NOT:
            if (m) {
                *score = 0;
                return false;
            }
            break;
        case QO_SHOULD:
            if (m) {
                any = true;
                sum += s;
            }
            break;
        }
    }
    *score = sum;
    return has_must || any;
}

bool qexec_tree_match(qexec *x, const qtree *t, uint32_t doc, double *score)
{
    return tree_match(x, t, doc, score);
}

/* Whether d matches one of the excluded (NOT) clauses among kids (their
 * cursors are moved forward to d). */
static bool excluded_doc(qexec *x, const qtree *const *kids, size_t nk, uint32_t d)
{
    for (size_t i = 0; i < nk; i++) {
        if (kids[i]->occur != QO_NOT)
            continue;
        double s;
        if (leaf_match(x, &x->plan->leaves[kids[i]->leaf], d, &s, NULL))
            return true;
    }
    return false;
}

/* Term leaf l's contribution to d, the document its cursor c is on: 0
 * when d does not match (*ok false: a title leaf outside the title). */
static inline double cur_score(qexec *x, const qleaf *l, qcur *c, uint32_t d, bool *ok)
{
    double tfw = cur_tfw(&x->p, l->title, c, ok);
    return *ok ? bm25_term(&x->p, l->idf, tfw, bm25_norm(&x->p, seg_doc_len(x->r, d))) : 0.0;
}

/* Term leaf l's contribution to d through its cursor c, moved forward to
 * d: 0 when d is not in the list or does not match (*ok false). */
static inline double probe_leaf(qexec *x, const qleaf *l, qcur *c, uint32_t d, bool *ok)
{
    *ok = false;
    if (cur_seek(c, d) != d)
        return 0.0;
    return cur_score(x, l, c, d, ok);
}

/* ---- the heap ---------------------------------------------------------- */

static inline bool better(const qexec *x, const qhit *a, const qhit *b)
{
    if (x->sort == WARTA_SORT_DATE) {
        if (a->date != b->date)
            return a->date > b->date;
        return a->gdoc < b->gdoc;
    }
    if (a->score != b->score)
        return a->score > b->score;
    return a->gdoc < b->gdoc;
}

static void sift_down(const qexec *x, qhit *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < n && better(x, &h[w], &h[l]))
            w = l;
        if (r < n && better(x, &h[w], &h[r]))
            w = r;
        if (w == i)
            return;
        qhit t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

/* Offers a hit; returns true when the heap's worst entry changed. */
static bool heap_push(qexec *x, double score, uint32_t d)
{
    if (x->cap == 0)
        return false;
    qhit h = {score, x->sort == WARTA_SORT_DATE ? seg_doc_date(x->r, d) : 0,
              x->base + d, x->segi, d};
    if (x->nheap == x->cap && !better(x, &h, &x->heap[0]))
        return false;
    if (x->seeded) {
        /* A document scored by the seeding pass may come again. */
        for (size_t i = 0; i < x->nheap; i++)
            if (x->heap[i].gdoc == h.gdoc)
                return false;
    }
    if (x->nheap < x->cap) {
        size_t i = x->nheap++;
        x->heap[i] = h;
        while (i > 0) {
            size_t p = (i - 1) / 2;
            if (!better(x, &x->heap[p], &x->heap[i]))
                break;
            qhit t = x->heap[p];
            x->heap[p] = x->heap[i];
            x->heap[i] = t;
            i = p;
        }
        return x->nheap == x->cap;
    }
    x->heap[0] = h;
    sift_down(x, x->heap, x->nheap, 0);
    return true;
}

/* The pruning threshold once the heap is full: its worst score, or the
 * segment's floor when that is higher. */
static inline double heap_theta(const qexec *x)
{
    double t = x->heap[0].score;
    return t > x->floor ? t : x->floor;
}

void qexec_finish(qexec *x)
{
    /* Heap sort: repeatedly move the worst to the end. */
    size_t n = x->nheap;
    while (n > 1) {
        qhit t = x->heap[0];
        x->heap[0] = x->heap[n - 1];
        x->heap[n - 1] = t;
        n--;
        sift_down(x, x->heap, n, 0);
    }
}

/* ---- setup ------------------------------------------------------------- */

int qexec_init(qexec *x, const qplan *plan, const bm25 *p, size_t cap, qarena *a)
{
    memset(x, 0, sizeof *x);
    x->p = *p;
    x->plan = plan;
    x->cap = cap;
    x->arena = a;
    x->heap = arena_alloc(a, (cap ? cap : 1) * sizeof *x->heap);
    size_t nl = plan->nleaves ? plan->nleaves : 1;
    x->contrib = arena_calloc(a, nl, sizeof *x->contrib);
    x->order = arena_calloc(a, nl, sizeof *x->order);
    x->ub = arena_calloc(a, nl, sizeof *x->ub);
    x->bub = arena_calloc(a, nl, sizeof *x->bub);
    x->blast = arena_calloc(a, nl, sizeof *x->blast);
    x->bvalid = arena_calloc(a, nl, 1);
    if (!x->heap || !x->contrib || !x->order || !x->ub || !x->bub || !x->blast || !x->bvalid)
        return WARTA_ENOMEM;
    for (size_t i = 0; i < plan->nleaves; i++) {
        qleaf *l = &plan->leaves[i];
        if (l->kind == QL_PHRASE && !l->pbuf) {
            l->pbuf = arena_calloc(a, l->nterms, sizeof *l->pbuf);
            l->pcap = arena_calloc(a, l->nterms, sizeof *l->pcap);
            if (!l->pbuf || !l->pcap)
                return WARTA_ENOMEM;
        }
    }
    return 0;
}

/* The root as a list of clauses (a lone leaf is a group of one). */
static void root_clauses(const qplan *plan, const qtree *const **kids, size_t *n,
                         const qtree **one)
{
    if (plan->root->is_leaf) {
        *one = plan->root;
        *kids = one;
        *n = 1;
    } else {
        *kids = (const qtree *const *)plan->root->kids;
        *n = plan->root->nkids;
    }
}

bool qexec_prunes(const qexec *x)
{
    if (x->exhaustive || x->sort != WARTA_SORT_SCORE)
        return false;
    const qtree *const *kids;
    const qtree *one;
    size_t n;
    root_clauses(x->plan, &kids, &n, &one);
    for (size_t i = 0; i < n; i++) {
        const qtree *k = kids[i];
        if (!k->is_leaf)
            return false;
        if (k->occur == QO_MUST)
            return false;
        if (k->occur == QO_SHOULD && x->plan->leaves[k->leaf].kind != QL_TERM)
            return false;
    }
    return true;
}

/* ---- exhaustive evaluation ---------------------------------------------- */

/* Adds the cursors of the positive leaves under t to the driving set. */
static void collect_drivers(const qexec *x, const qtree *t, qcur **drv, size_t *n, size_t cap)
{
    if (t->occur == QO_NOT)
        return;
    if (t->is_leaf) {
        qleaf *l = &x->plan->leaves[t->leaf];
        for (uint32_t i = 0; i < l->nterms && *n < cap; i++)
            drv[(*n)++] = &l->cur[i];
        return;
    }
    /* A group with required clauses: its matches are among the required
     * clause with the fewest postings. */
    const qtree *best = NULL;
    uint64_t best_df = UINT64_MAX;
    for (size_t i = 0; i < t->nkids; i++) {
        const qtree *k = t->kids[i];
        if (k->occur != QO_MUST || !k->is_leaf)
            continue;
        const qleaf *l = &x->plan->leaves[k->leaf];
        uint64_t df = 0;
        for (uint32_t j = 0; j < l->nterms; j++) {
            const qcur *c = &l->cur[j];
            uint64_t cdf = c->sc ? c->sc->df : c->ml ? c->ml->n : 0;
            if (j == 0 || cdf < df)
                df = cdf;
        }
        if (df < best_df) {
            best_df = df;
            best = k;
        }
    }
    if (best) {
        qleaf *l = &x->plan->leaves[best->leaf];
        /* One cursor of the leaf is enough: every match has all its terms. */
        drv[(*n)++] = &l->cur[0];
        return;
    }
    for (size_t i = 0; i < t->nkids; i++) {
        if (t->kids[i]->occur == QO_MUST) {
            collect_drivers(x, t->kids[i], drv, n, cap);
            return;
        }
    }
    for (size_t i = 0; i < t->nkids; i++)
        collect_drivers(x, t->kids[i], drv, n, cap);
}

static size_t count_cursors(const qplan *plan)
{
    size_t n = 0;
    for (size_t i = 0; i < plan->nleaves; i++)
        n += plan->leaves[i].nterms;
    return n;
}

static int run_exhaustive(qexec *x)
{
    size_t cap = count_cursors(x->plan);
    qcur **drv = arena_alloc(x->arena, (cap ? cap : 1) * sizeof *drv);
    if (!drv)
        return WARTA_ENOMEM;
    size_t n = 0;
    collect_drivers(x, x->plan->root, drv, &n, cap);
    /* Driving cursors may be shared by several places only once each. */
    for (size_t i = 0; i < n; i++)
        cur_next(drv[i]);
    for (;;) {
        uint32_t d = SEG_END;
        for (size_t i = 0; i < n; i++)
            if (drv[i]->doc < d)
                d = drv[i]->doc;
        if (d == SEG_END)
            break;
        if (doc_ok(x, d)) {
            double s;
            if (tree_match(x, x->plan->root, d, &s)) {
                x->total++;
                heap_push(x, s, d);
            }
            if (x->err)
                return x->err;
        }
        for (size_t i = 0; i < n; i++)
            if (drv[i]->doc == d)
                cur_next(drv[i]);
    }
    for (size_t i = 0; i < n; i++)
        if (cur_error(drv[i]))
            return cur_error(drv[i]);
    return x->err;
}

/* ---- MaxScore ----------------------------------------------------------- */

static int count_flat(qexec *x, const qtree *const *kids, size_t nk)
{
    const seg_reader *r = x->r;
    uint32_t ndocs = seg_ndocs(r);
    bool filters = x->has_since || x->has_until || x->src_ok;
    size_t nshould = 0, nnot = 0;
    const qleaf *only = NULL;
    for (size_t i = 0; i < nk; i++) {
        if (kids[i]->occur == QO_SHOULD) {
            nshould++;
            only = &x->plan->leaves[kids[i]->leaf];
        } else {
            nnot++;
        }
    }
    if (nshould == 1 && nnot == 0 && !filters && seg_ndeleted(r) == 0 && !only->title) {
        const qcur *c = &only->cur[0];
        x->total += c->sc ? c->sc->df : c->ml ? c->ml->n : 0;
        return 0;
    }
    size_t words = ((size_t)ndocs + 63) / 64;
    if (words > x->bits_words) {
        x->bits = arena_alloc(x->arena, (words ? words : 1) * sizeof *x->bits);
        if (!x->bits)
            return WARTA_ENOMEM;
        x->bits_words = words;
    }
    memset(x->bits, 0, words * sizeof *x->bits);
    uint64_t *bits = x->bits;
    for (size_t i = 0; i < nk; i++) {
        if (kids[i]->occur != QO_SHOULD)
            continue;
        const qleaf *l = &x->plan->leaves[kids[i]->leaf];
        qcur *c = &l->cur[0];
        cur_rewind(c);
        if (c->sc) {
            /* A decoded block at a time: no call per posting. */
            seg_cursor *sc = c->sc;
            for (uint32_t d = cur_next(c); d != SEG_END;) {
                uint32_t n = sc->n;
                const uint32_t *docs = sc->docs;
                if (l->title)
                    seg_cursor_need_tfs(sc);
                for (uint32_t k = sc->i; k < n; k++) {
                    uint32_t dd = docs[k];
                    if (dd < ndocs && (!l->title || sc->ttfs[k] > 0))
                        bits[dd >> 6] |= (uint64_t)1 << (dd & 63);
                }
                d = cur_seek(c, docs[n - 1] + 1);
            }
        } else {
            for (uint32_t d = cur_next(c); d != SEG_END; d = cur_next(c))
                if (d < ndocs && (!l->title || cur_ttf(c) > 0))
                    bits[d >> 6] |= (uint64_t)1 << (d & 63);
        }
        if (cur_error(c))
            return cur_error(c);
    }
    if (seg_ndeleted(r) && r->deleted) {
        for (size_t w = 0; w < words; w++) {
            uint64_t del = 0;
            size_t nbytes = ((size_t)ndocs + 7) / 8;
            for (size_t b = 0; b < 8 && w * 8 + b < nbytes; b++)
                del |= (uint64_t)r->deleted[w * 8 + b] << (8 * b);
            bits[w] &= ~del;
        }
    }
    if (!filters && nnot == 0) {
        for (size_t w = 0; w < words; w++)
            x->total += (uint64_t)__builtin_popcountll(bits[w]);
        return 0;
    }
    for (size_t i = 0; i < nk; i++)
        if (kids[i]->occur == QO_NOT) {
            qleaf *l = &x->plan->leaves[kids[i]->leaf];
            for (uint32_t j = 0; j < l->nterms; j++)
                cur_rewind(&l->cur[j]);
        }
    for (size_t w = 0; w < words; w++) {
        uint64_t v = bits[w];
        while (v) {
            uint32_t d = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(v));
            v &= v - 1;
            if (filters && !doc_ok(x, d))
                continue;
            if (!excluded_doc(x, kids, nk, d))
                x->total++;
        }
    }
    return x->err;
}

/* The bound of leaf l's whole list: the largest of its blocks' bounds,
 * which is tighter than the bound computed from the list's extremes
 * (those come from different documents).  Leaves the cursor rewound. */
static double list_bound(qexec *x, qleaf *l)
{
    qcur *c = &l->cur[0];
    seg_bound tb;
    cur_term_bound(c, &tb);
    double whole = bm25_bound(&x->p, l->idf, &tb, l->title);
    double best = 0.0;
    uint32_t nb = c->sc ? c->sc->nblocks : c->ml ? c->ml->nblocks : 0;
    if (nb <= 1)
        return whole;
    for (uint32_t last = cur_shallow(c, 0); last != SEG_END; last = cur_shallow(c, last + 1)) {
        seg_bound bb;
        cur_block_bound(c, &bb);
        double u = bm25_bound(&x->p, l->idf, &bb, l->title);
        if (u > best)
            best = u;
        if (last == SEG_END - 1)
            break;
    }
    /* Only the block pointer moved: put it back. */
    if (c->sc)
        c->sc->shallow = 0;
    else
        c->mblk = 0;
    return best < whole ? best : whole;
}

/* The bound of the block of leaf li's list that holds the first document
 * >= d, and that block's last docid; cached until d passes it. */
static inline double block_ub(qexec *x, qleaf *l, uint32_t li, uint32_t d, uint32_t *last)
{
    if (x->bvalid[li] && d <= x->blast[li]) {
        *last = x->blast[li];
        return x->bub[li];
    }
    qcur *c = &l->cur[0];
    uint32_t lst = cur_shallow(c, d);
    double u = 0.0;
    if (lst != SEG_END) {
        seg_bound bb;
        cur_block_bound(c, &bb);
        u = bm25_bound(&x->p, l->idf, &bb, l->title);
    }
    x->blast[li] = lst;
    x->bub[li] = u;
    x->bvalid[li] = 1;
    *last = lst;
    return u;
}

/* One postings block of a list, for visiting blocks best first. */
typedef struct blockref {
    double ub;               /* bound of any contribution in it */
    uint32_t first;          /* first docid it can hold (the previous block's last + 1) */
    uint32_t last;           /* its last docid */
} blockref;

/* Best bound first, ties in list order. */
static int blockref_cmp(const void *a, const void *b)
{
    const blockref *x = a, *y = b;
    if (x->ub != y->ub)
        return x->ub > y->ub ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* The blocks of leaf l's list with their bounds, best first (ties in list
 * order); *n receives how many.  NULL when out of memory (x->err set). */
static blockref *list_blocks(qexec *x, qleaf *l, size_t *n)
{
    qcur *c = &l->cur[0];
    uint32_t nb = c->sc ? c->sc->nblocks : c->ml ? c->ml->nblocks : 0;
    blockref *b = arena_alloc(x->arena, (nb ? nb : 1) * sizeof *b);
    *n = 0;
    if (!b) {
        x->err = WARTA_ENOMEM;
        return NULL;
    }
    uint32_t first = 0;
    for (uint32_t last = cur_shallow(c, 0); last != SEG_END && *n < nb;
         last = cur_shallow(c, last + 1)) {
        seg_bound bb;
        cur_block_bound(c, &bb);
        b[(*n)++] = (blockref){bm25_bound(&x->p, l->idf, &bb, l->title), first, last};
        if (last == SEG_END - 1)
            break;
        first = last + 1;
    }
    qsort(b, *n, sizeof *b, blockref_cmp);
    if (c->sc)
        c->sc->shallow = 0;
    else
        c->mblk = 0;
    return b;
}

/* The block of leaf l's list with the largest bound (the first of equals)
 * in *out; false for an empty list.  Leaves the cursor rewound. */
static bool best_block(qexec *x, qleaf *l, blockref *out)
{
    qcur *c = &l->cur[0];
    bool any = false;
    uint32_t first = 0;
    for (uint32_t last = cur_shallow(c, 0); last != SEG_END; last = cur_shallow(c, last + 1)) {
        seg_bound bb;
        cur_block_bound(c, &bb);
        double u = bm25_bound(&x->p, l->idf, &bb, l->title);
        if (!any || u > out->ub)
            *out = (blockref){u, first, last};
        any = true;
        if (last == SEG_END - 1)
            break;
        first = last + 1;
    }
    if (c->sc)
        c->sc->shallow = 0;
    else
        c->mblk = 0;
    return any;
}

/* Moves c to the first document >= target, rewinding when it is past it. */
static uint32_t cur_goto(qcur *c, uint32_t target)
{
    if (c->sc)
        return c->doc = seg_cursor_goto(c->sc, target);
    bool started = c->mi != UINT32_MAX;
    if (started && (c->doc == SEG_END || c->doc > target))
        cur_rewind(c);
    return cur_seek(c, target);
}

/* A lone optional term: its blocks are scored best first, and the search
 * stops at the first block whose bound cannot beat the heap.  Documents
 * come out of order, which the heap's total order (score, then document)
 * absorbs; no document is pushed twice. */
static int run_single(qexec *x, qleaf *l)
{
    size_t nb;
    blockref *b = list_blocks(x, l, &nb);
    if (!b)
        return x->err;
    qcur *c = &l->cur[0];
    for (size_t i = 0; i < nb; i++) {
        if (x->nheap == x->cap && b[i].ub * BM25_SLACK < x->heap[0].score)
            break;
        for (uint32_t d = cur_goto(c, b[i].first); d != SEG_END && d <= b[i].last;
             d = cur_next(c)) {
            if (!doc_ok(x, d))
                continue;
            bool ok;
            double tfw = cur_tfw(&x->p, l->title, c, &ok);
            if (!ok)
                continue;
            heap_push(x, bm25_term(&x->p, l->idf, tfw, bm25_norm(&x->p, seg_doc_len(x->r, d))), d);
        }
        if (cur_error(c))
            return cur_error(c);
    }
    return x->err;
}

/* Seeds the heap before MaxScore so that it starts with a high threshold:
 * the documents where the strongest list (the highest bound) contributes
 * most in its best block are scored in full, in docid order.  Their scores are computed exactly as MaxScore
 * computes them (the sum of the contributions in query order); MaxScore
 * meets them again and heap_push() keeps each once.  Every cursor is
 * rewound afterwards.  With floor (queries without excluded words) nothing
 * is scored in full: *floor receives the k-th best of the lead's
 * contributions (documents passing the filters), a lower bound of the k-th
 * best score, or stays 0 when fewer than k were seen. */
static void seed_heap(qexec *x, const qtree *const *kids, size_t nk, double *floor)
{
    qleaf *leaves = x->plan->leaves;
    qleaf *lead = NULL;
    double lead_ub = -1.0;
    for (size_t i = 0; i < nk; i++) {
        if (kids[i]->occur != QO_SHOULD)
            continue;
        qleaf *l = &leaves[kids[i]->leaf];
        qcur *c = &l->cur[0];
        uint64_t df = c->sc ? c->sc->df : c->ml ? c->ml->n : 0;
        if (df == 0)
            continue;
        if (x->ub[kids[i]->leaf] > lead_ub) {
            lead_ub = x->ub[kids[i]->leaf];
            lead = l;
        }
    }
    if (!lead)
        return;
    size_t k = x->cap;
    uint32_t *best = arena_alloc(x->arena, k * sizeof *best);
    double *bs = arena_alloc(x->arena, k * sizeof *bs);
    if (!best || !bs) {
        x->err = WARTA_ENOMEM;
        return;
    }
    /* The k documents with the lead's largest contribution in its best
     * block (a small min-heap on the contribution). */
    size_t n = 0;
    blockref blk;
    if (!best_block(x, lead, &blk))
        return;
    qcur *c = &lead->cur[0];
    for (uint32_t d = cur_goto(c, blk.first); d != SEG_END && d <= blk.last; d = cur_next(c)) {
        bool ok;
        double tfw = cur_tfw(&x->p, lead->title, c, &ok);
        if (!ok)
            continue;
        if (floor && !doc_ok(x, d))
            continue;
        double sc = bm25_term(&x->p, lead->idf, tfw, bm25_norm(&x->p, seg_doc_len(x->r, d)));
        size_t i;
        if (n < k) {
            i = n++;
            bs[i] = sc;
            best[i] = d;
            while (i > 0 && bs[(i - 1) / 2] > bs[i]) {
                size_t p = (i - 1) / 2;
                double tv = bs[p];
                uint32_t td = best[p];
                bs[p] = bs[i];
                best[p] = best[i];
                bs[i] = tv;
                best[i] = td;
                i = p;
            }
            continue;
        }
        if (!(sc > bs[0]))
            continue;
        /* replace the root and sift it down */
        i = 0;
        for (;;) {
            size_t lc = 2 * i + 1, rc = lc + 1, m = i;
            double v = sc;
            if (lc < n && bs[lc] < v) {
                m = lc;
                v = bs[lc];
            }
            if (rc < n && bs[rc] < v)
                m = rc;
            if (m == i)
                break;
            bs[i] = bs[m];
            best[i] = best[m];
            i = m;
        }
        bs[i] = sc;
        best[i] = d;
    }
    if (floor) {
        /* Without excluded words, a document scores at least the lead's
         * contribution (a sum of non-negative terms never rounds below one
         * of them): k documents score at least the k-th best of these. */
        if (n == k)
            *floor = bs[0];
        cur_rewind(c);
        return;
    }
    /* In docid order, so every cursor only moves forward. */
    for (size_t i = 1; i < n; i++) {
        uint32_t v = best[i];
        size_t j = i;
        while (j > 0 && best[j - 1] > v) {
            best[j] = best[j - 1];
            j--;
        }
        best[j] = v;
    }
    for (size_t i = 0; i < nk; i++) {
        qleaf *l = &leaves[kids[i]->leaf];
        for (uint32_t j = 0; j < l->nterms; j++)
            cur_rewind(&l->cur[j]);
    }
    x->seeded = true;
    for (size_t s = 0; s < n; s++) {
        uint32_t d = best[s];
        if (!doc_ok(x, d))
            continue;
        bool excluded = false;
        double score = 0.0;
        for (size_t i = 0; i < nk && !excluded; i++) {
            double sc;
            bool m = leaf_match(x, &leaves[kids[i]->leaf], d, &sc, NULL);
            if (kids[i]->occur == QO_NOT)
                excluded = m;
            else
                score += sc;
        }
        if (!excluded)
            heap_push(x, score, d);
    }
    for (size_t i = 0; i < nk; i++) {
        qleaf *l = &leaves[kids[i]->leaf];
        for (uint32_t j = 0; j < l->nterms; j++) {
            if (cur_error(&l->cur[j]))
                x->err = cur_error(&l->cur[j]);
            cur_rewind(&l->cur[j]);
        }
    }
}

/* MaxScore once a single list E is essential (the rest cannot beat the
 * heap without it): E's decoded blocks are scanned in a tight loop, its
 * contribution computed for each document and compared with what the other
 * lists could add at most; only documents that pass are scored in full.
 * Returns true when the threshold moved enough to change the essential
 * set (the caller goes on with *ess and *theta), false when E is done. */
static bool one_essential(qexec *x, const qtree *const *kids, size_t nk, const uint32_t *ord,
                          size_t *ess_io, const double *pre, size_t ns, double *theta_io,
                          bool has_not)
{
    qleaf *leaves = x->plan->leaves;
    double *contrib = x->contrib;
    size_t ess = *ess_io;
    double theta = *theta_io;
    uint32_t eli = ord[ess];
    qleaf *e = &leaves[eli];
    qcur *c = &e->cur[0];
    seg_cursor *sc = c->sc;
    double ne = pre[ess - 1];
    while (c->doc != SEG_END) {
        uint32_t last;
        double ube = block_ub(x, e, eli, c->doc, &last);
        if (ube * BM25_SLACK + ne < theta) {
            /* The whole block cannot make it. */
            if (last == SEG_END || cur_seek(c, last + 1) == SEG_END)
                break;
            continue;
        }
        uint32_t n = sc->n;
        bool plain = block_plain(&x->p, e->title, sc);
        if (plain)
            seg_cursor_block_tfs(sc);
        else
            seg_cursor_need_tfs(sc);
        for (uint32_t i = sc->i; i < n; i++) {
            uint32_t d = sc->docs[i];
            bool ok;
            double tfw = block_tfw(&x->p, e->title, plain, sc, i, &ok);
            if (!ok)
                continue;
            if (!doc_ok(x, d))
                continue;
            double se = bm25_term(&x->p, e->idf, tfw, bm25_norm(&x->p, seg_doc_len(x->r, d)));
            if (se * BM25_SLACK + ne < theta)
                continue;
            sc->i = i;
            sc->doc = c->doc = d;
            contrib[eli] = se;
            double sum = se;
            bool pruned = false;
            for (size_t j = ess; j-- > 0;) {
                if (sum * BM25_SLACK + pre[j] < theta) {
                    pruned = true;
                    break;
                }
                qleaf *l = &leaves[ord[j]];
                qcur *cj = &l->cur[0];
                bool okj;
                double s = probe_leaf(x, l, cj, d, &okj);
                contrib[ord[j]] = s;
                sum += s;
            }
            if (pruned || (has_not && excluded_doc(x, kids, nk, d)))
                continue;
            double score = 0.0;
            for (size_t j = 0; j < nk; j++)
                if (kids[j]->occur == QO_SHOULD)
                    score += contrib[kids[j]->leaf];
            if (x->err)
                return false;
            if (heap_push(x, score, d)) {
                theta = heap_theta(x);
                size_t ness = ess;
                while (ness < ns && pre[ness] < theta)
                    ness++;
                if (ness != ess) {
                    *ess_io = ness;
                    *theta_io = theta;
                    cur_next(c);
                    return true;
                }
            }
        }
        /* On to E's next block. */
        cur_block_resume(c, n);
    }
    *theta_io = theta;
    return false;
}

/* MaxScore with two or more essential lists, a window of WIN_DOCS docids
 * at a time: each essential list's postings in the window are scored term
 * at a time into per-list slots (a bit per list and document says which
 * hold it), then the window's documents are visited in docid order and
 * completed as the document-at-a-time loop would: the non-essential lists
 * (bounded by their blocks' bounds there) only while they can still lift
 * the document over the heap.  The essential set is that of the window's
 * start; a threshold raised inside the window only prunes more.  Each
 * contribution is computed exactly as elsewhere and the score is still
 * added in query order. */
#define WIN_DOCS 2048
#define WIN_LISTS 8

#define TAAT_WIN 4096 /* one 64-bit word marks its 64 groups of 64 documents (kern_take) */

struct qwin {
    void *raw;                   /* the allocation holding this (64-byte aligned) */
    double tacc[TAAT_WIN] __attribute__((aligned(64))); /* term at a time: the window's sums, zero between windows */
    uint32_t toff[TAAT_WIN];     /* term at a time: the window's candidates (offsets) */
    double tsc[TAAT_WIN];        /* and their sums */
    double cw[WIN_LISTS * WIN_DOCS]; /* contributions, one row per essential list */
    double acc[WIN_DOCS];        /* sum of the document's contributions in cw, zero between windows */
    uint64_t bm[WIN_DOCS / 64];  /* documents with a nonzero pm, zero between windows */
    uint8_t pm[WIN_DOCS];        /* bit i when essential list i holds the document, zero between windows */
};

/* w aligned to 64 bytes inside the block raw (which has 64 bytes to spare),
 * so that vector loads and stores of 64 bytes never straddle two cache
 * lines. */
static qwin *win_align(void *raw)
{
    qwin *w = (qwin *)(void *)(((uintptr_t)raw + 63) & ~(uintptr_t)63);
    w->raw = raw;
    return w;
}

/* The parts that must be zero between uses. */
static void win_zero(qwin *w)
{
    memset(w->tacc, 0, sizeof w->tacc);
    memset(w->acc, 0, sizeof w->acc);
    memset(w->bm, 0, sizeof w->bm);
    memset(w->pm, 0, sizeof w->pm);
}

qwin *qwin_new(void)
{
    void *raw = wmalloc(sizeof(qwin) + 64);
    qwin *w = raw ? win_align(raw) : NULL;
    if (w)
        win_zero(w);
    return w;
}

void qwin_free(qwin *w)
{
    if (w)
        wfree(w->raw);
}

/* The scratch of window_pass() and run_taat(): the searcher's, or one
 * from the arena (zeroed) for callers that keep none.  NULL when out of
 * memory. */
static qwin *win_scratch(qexec *x)
{
    if (x->win)
        return x->win;
    void *raw = arena_alloc(x->arena, sizeof(qwin) + 64);
    if (!raw)
        return NULL;
    x->win = win_align(raw);
    win_zero(x->win);
    return x->win;
}

static int window_pass(qexec *x, const qtree *const *kids, size_t nk, const uint32_t *ord,
                       const uint32_t *qs, qcur **oc, size_t *ess_io, const double *pre, size_t ns,
                       double *theta_io, bool has_not, qwin *w, double *rp, uint32_t lo)
{
    qleaf *leaves = x->plan->leaves;
    double *contrib = x->contrib;
    size_t ess = *ess_io;
    size_t m = ns - ess;
    double theta = *theta_io;
    uint32_t hi = lo >= SEG_END - WIN_DOCS ? SEG_END - 1 : lo + (WIN_DOCS - 1);
    for (size_t i = 0; i < m; i++) {
        const qleaf *l = &leaves[ord[ess + i]];
        qcur *c = oc[ess + i];
        double *cw = w->cw + i * WIN_DOCS;
        uint8_t bit = (uint8_t)(1u << i);
        seg_cursor *sc = c->sc;
        if (sc) {
            while (c->doc <= hi) {
                bool plain = block_plain(&x->p, l->title, sc);
                if (plain)
                    seg_cursor_block_tfs(sc);
                else
                    seg_cursor_need_tfs(sc);
                uint32_t n = sc->n, k = sc->i;
                const uint32_t *docs = sc->docs;
                for (; k < n && docs[k] <= hi; k++) {
                    uint32_t d = docs[k];
                    bool ok;
                    double tfw = block_tfw(&x->p, l->title, plain, sc, k, &ok);
                    if (!ok)
                        continue;
                    uint32_t off = d - lo;
                    cw[off] = bm25_term(&x->p, l->idf, tfw,
                                        bm25_norm(&x->p, seg_doc_len(x->r, d)));
                    w->acc[off] += cw[off];
                    w->pm[off] |= bit;
                    w->bm[off >> 6] |= (uint64_t)1 << (off & 63);
                }
                if (cur_block_resume(c, k))
                    break;
            }
        } else {
            for (uint32_t d = c->doc; d <= hi; d = cur_next(c)) {
                bool ok;
                double s = cur_score(x, l, c, d, &ok);
                if (!ok)
                    continue;
                uint32_t off = d - lo;
                cw[off] = s;
                w->acc[off] += cw[off];
                w->pm[off] |= bit;
                w->bm[off >> 6] |= (uint64_t)1 << (off & 63);
            }
        }
    }
    /* What the non-essential lists can add in this window at most: the
     * sum of each one's best block bound here (tighter than pre[ess-1],
     * their whole lists' bounds), when they are segment lists. */
    double ne_bound = ess > 0 ? pre[ess - 1] : 0.0;
    if (ess > 0) {
        double a = 0.0;
        bool all = true;
        for (size_t j = 0; j < ess && all; j++) {
            const qleaf *l = &leaves[ord[j]];
            const seg_cursor *sc = oc[j]->sc;
            seg_bound bb[8];
            uint32_t nb = sc ? seg_cursor_blocks_in(sc, lo, hi, bb, 8) : 0;
            if (!sc || nb == 8) {
                all = false;
                break;
            }
            double u = 0.0;
            for (uint32_t b = 0; b < nb; b++) {
                double v = bm25_bound(&x->p, l->idf, &bb[b], l->title);
                if (v > u)
                    u = v;
            }
            a += u;
        }
        if (all && a * BM25_SLACK < ne_bound)
            ne_bound = a * BM25_SLACK;
    }
    for (uint32_t wi = 0; wi < WIN_DOCS / 64; wi++) {
        uint64_t v = w->bm[wi];
        if (!v)
            continue;
        w->bm[wi] = 0;
        while (v) {
            uint32_t off = wi * 64 + (uint32_t)__builtin_ctzll(v);
            v &= v - 1;
            uint8_t pm = w->pm[off];
            w->pm[off] = 0;
            /* the essential lists' sum, added as they were scanned */
            double sum = w->acc[off];
            w->acc[off] = 0.0;
            /* most documents stop here */
            if (sum * BM25_SLACK + ne_bound < theta)
                continue;
            uint32_t d = lo + off;
            if (x->err || !doc_ok(x, d))
                continue;
            for (size_t i = 0; i < m; i++)
                contrib[ord[ess + i]] = (pm >> i) & 1 ? w->cw[i * WIN_DOCS + off] : 0.0;
            bool pruned = false;
            if (ess > 0) {
                /* The non-essential lists' blocks holding d bound the rest. */
                double acc = 0.0;
                for (size_t j = 0; j < ess; j++) {
                    uint32_t last;
                    acc += block_ub(x, &leaves[ord[j]], ord[j], d, &last);
                    rp[j] = acc;
                }
                for (size_t j = ess; j-- > 0;) {
                    if (sum * BM25_SLACK + pre[j] < theta ||
                        sum * BM25_SLACK + rp[j] * BM25_SLACK < theta) {
                        pruned = true;
                        break;
                    }
                    bool ok;
                    double s = probe_leaf(x, &leaves[ord[j]], oc[j], d, &ok);
                    contrib[ord[j]] = s;
                    sum += s;
                }
            }
            /* Every contribution known: their sum bounds the score. */
            if (pruned || sum * BM25_SLACK < theta)
                continue;
            if (has_not && excluded_doc(x, kids, nk, d))
                continue;
            double score = 0.0;
            for (size_t i = 0; i < ns; i++)
                score += contrib[qs[i]];
            if (heap_push(x, score, d))
                theta = heap_theta(x);
        }
    }
    size_t ness = *ess_io;
    while (ness < ns && pre[ness] < theta)
        ness++;
    *ess_io = ness;
    *theta_io = theta;
    return x->err;
}

static int run_maxscore(qexec *x)
{
    const qtree *const *kids;
    const qtree *one;
    size_t nk;
    root_clauses(x->plan, &kids, &nk, &one);
    qleaf *leaves = x->plan->leaves;
    uint32_t *ord = x->order;
    double *ub = x->ub;
    double *contrib = x->contrib;
    size_t ns = 0;
    for (size_t i = 0; i < nk; i++) {
        if (kids[i]->occur != QO_SHOULD)
            continue;
        uint32_t li = kids[i]->leaf;
        qleaf *l = &leaves[li];
        ub[li] = list_bound(x, l);
        contrib[li] = 0.0;
        x->bvalid[li] = 0;
        /* insertion by ascending bound */
        size_t j = ns++;
        while (j > 0 && ub[ord[j - 1]] > ub[li]) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = li;
    }
    double prefix[QPARSE_MAX_WORDS + 1];
    double *pre = prefix;
    if (ns > QPARSE_MAX_WORDS) {
        pre = arena_alloc(x->arena, ns * sizeof *pre);
        if (!pre)
            return WARTA_ENOMEM;
    }
    double acc = 0.0;
    for (size_t i = 0; i < ns; i++) {
        acc += ub[ord[i]];
        pre[i] = acc * BM25_SLACK;
    }
    /* The lists' cursors in bound order, to spare the hot loop a hop. */
    qcur **oc = arena_alloc(x->arena, (ns ? ns : 1) * sizeof *oc);
    if (!oc)
        return WARTA_ENOMEM;
    for (size_t i = 0; i < ns; i++)
        oc[i] = &leaves[ord[i]].cur[0];
    /* The optional leaves in query order: the order scores are added. */
    uint32_t *qs = arena_alloc(x->arena, (ns ? ns : 1) * sizeof *qs);
    if (!qs)
        return WARTA_ENOMEM;
    for (size_t i = 0, j = 0; i < nk; i++)
        if (kids[i]->occur == QO_SHOULD)
            qs[j++] = kids[i]->leaf;
    bool has_not = ns < nk;
    x->floor = 0.0;
    if (ns >= 2 && x->nheap < x->cap)
        seed_heap(x, kids, nk, has_not ? NULL : &x->floor);
    if (x->err)
        return x->err;
    /* full: pruning is on (the heap is full or the floor is known). */
    bool full = x->nheap == x->cap || x->floor > 0.0;
    double theta = x->nheap == x->cap ? heap_theta(x) : x->floor;
    size_t ess = 0;
    if (full)
        while (ess < ns && pre[ess] < theta)
            ess++;
    for (size_t i = 0; i < ns; i++)
        cur_next(oc[i]);
    uint32_t region_end = 0;        /* last docid of the block-max region */
    size_t region_ess = SIZE_MAX;   /* ess when the region was computed */
    double region_all = 0.0;        /* sum of every list's block bound there */
    double region_ne = 0.0;         /* of the non-essential lists' */
    qwin *win = NULL;              /* window_pass()'s scratch, on first use */
    double *wrp = NULL;            /* and its prefixes of block bounds */
    /* rpre[i]: the sum of the block bounds there of the lists 0..i (in
     * bound order), which bounds what the non-essential lists 0..i can
     * still add to a document of the region (tighter than pre[i]). */
    double *rpre = arena_alloc(x->arena, (ns ? ns : 1) * sizeof *rpre);
    if (!rpre)
        return WARTA_ENOMEM;

    while (ess < ns) {
        if (ess + 1 < ns && ns - ess <= WIN_LISTS) {
            uint32_t lo = SEG_END;
            for (size_t i = ess; i < ns; i++)
                if (oc[i]->doc < lo)
                    lo = oc[i]->doc;
            if (lo == SEG_END)
                break;
            if (!wrp) {
                wrp = arena_alloc(x->arena, ns * sizeof *wrp);
                win = win_scratch(x);
                if (!wrp || !win)
                    return WARTA_ENOMEM;
            }
            int rc = window_pass(x, kids, nk, ord, qs, oc, &ess, pre, ns, &theta, has_not, win,
                                 wrp, lo);
            if (rc)
                return rc;
            full = full || x->nheap == x->cap;
            continue;
        }
        if (full && ess == ns - 1 && ess > 0 && oc[ess]->sc) {
            if (one_essential(x, kids, nk, ord, &ess, pre, ns, &theta, has_not))
                continue;
            break;
        }
        uint32_t d = SEG_END;
        for (size_t i = ess; i < ns; i++) {
            uint32_t cd = oc[i]->doc;
            if (cd < d)
                d = cd;
        }
        if (d == SEG_END)
            break;
        if (full) {
            /* Block-max over a region: up to the first end of the blocks
             * holding d, every list's bound is that of its block. */
            if (d > region_end || ess != region_ess) {
                region_end = SEG_END;
                region_all = region_ne = 0.0;
                region_ess = ess;
                for (size_t i = 0; i < ns; i++) {
                    uint32_t last;
                    double u = block_ub(x, &leaves[ord[i]], ord[i], d, &last);
                    region_all += u;
                    if (i < ess)
                        region_ne += u;
                    rpre[i] = region_all;
                    if (last < region_end)
                        region_end = last;
                }
            }
            uint32_t upto = region_end;
            /* Nothing in the region can beat the heap: skip it. */
            if (region_all * BM25_SLACK < theta) {
                if (upto == SEG_END)
                    break;
                for (size_t i = ess; i < ns; i++) {
                    qcur *c = oc[i];
                    if (c->doc <= upto)
                        cur_seek(c, upto + 1);
                }
                continue;
            }
            double bdoc = region_ne;
            for (size_t i = ess; i < ns; i++)
                if (oc[i]->doc == d)
                    bdoc += x->bub[ord[i]];
            if (bdoc * BM25_SLACK < theta) {
                /* d itself cannot make it: only the lists holding it count. */
                for (size_t i = ess; i < ns; i++) {
                    qcur *c = oc[i];
                    if (c->doc == d)
                        cur_next(c);
                }
                continue;
            }
        }
        if (doc_ok(x, d)) {
            uint32_t dl = seg_doc_len(x->r, d);
            double norm = bm25_norm(&x->p, dl);
            double sum = 0.0;
            bool any = false;
            for (size_t i = ess; i < ns; i++) {
                qleaf *l = &leaves[ord[i]];
                qcur *c = &l->cur[0];
                double s = 0.0;
                if (c->doc == d) {
                    bool ok;
                    double tfw = cur_tfw(&x->p, l->title, c, &ok);
                    any |= ok;
                    if (ok)
                        s = bm25_term(&x->p, l->idf, tfw, norm);
                }
                contrib[ord[i]] = s;
                sum += s;
            }
            bool pruned = false;
            if (full && ess > 0) {
                /* The non-essential lists' blocks holding d bound the rest. */
                if (sum * BM25_SLACK + pre[ess - 1] < theta ||
                    sum * BM25_SLACK + region_ne * BM25_SLACK < theta)
                    pruned = true;
            }
            if (!pruned) {
                for (size_t i = ess; i-- > 0;) {
                    if (full && (sum * BM25_SLACK + pre[i] < theta ||
                                 sum * BM25_SLACK + rpre[i] * BM25_SLACK < theta)) {
                        pruned = true;
                        break;
                    }
                    qleaf *l = &leaves[ord[i]];
                    bool ok;
                    double s = probe_leaf(x, l, &l->cur[0], d, &ok);
                    any |= ok;
                    contrib[ord[i]] = s;
                    sum += s;
                }
            }
            if (!pruned && !any)
                pruned = true;   /* only title terms present outside the title */
            if (!pruned && has_not)
                pruned = excluded_doc(x, kids, nk, d);
            if (!pruned) {
                double score = 0.0;
                for (size_t i = 0; i < nk; i++)
                    if (kids[i]->occur == QO_SHOULD)
                        score += contrib[kids[i]->leaf];
                if (heap_push(x, score, d)) {
                    full = x->nheap == x->cap;
                    if (full) {
                        theta = heap_theta(x);
                        while (ess < ns && pre[ess] < theta)
                            ess++;
                    }
                }
            }
            if (x->err)
                return x->err;
        }
        for (size_t i = ess; i < ns; i++) {
            qcur *c = oc[i];
            if (c->doc == d)
                cur_next(c);
        }
    }
    for (size_t i = 0; i < ns; i++)
        if (cur_error(oc[i]))
            return cur_error(oc[i]);
    return x->err;
}

/* ---- term at a time ------------------------------------------------------ */

/* True when the per-document values of documents a..b were checked (the
 * vector scorer reads their lengths directly). */
static bool docs_ready(const seg_reader *r, uint32_t a, uint32_t b)
{
    for (uint32_t c = a >> SEG_DOC_CHUNK_BITS; c <= b >> SEG_DOC_CHUNK_BITS; c++)
        if (!seg_doc_ready(r, c << SEG_DOC_CHUNK_BITS))
            return false;
    return true;
}

/* Bits a..b (a <= b < 64). */
static inline uint64_t bit_range(uint32_t a, uint32_t b)
{
    return (~(uint64_t)0 >> (63 - (b - a))) << a;
}

/* Adds leaf l's contributions to the documents lo..hi of its list into the
 * window's sums (w->tacc at d - lo) and marks in *groups the groups of 64
 * documents it touched (a superset); leaves the cursor on the first
 * document past hi.  Lists are added in query order, so each sum is the
 * one every other scorer computes. */
static void taat_list(qexec *x, qwin *w, const qleaf *l, qcur *c, uint32_t lo, uint32_t hi,
                      uint64_t *groups)
{
    double *acc = w->tacc;
    const seg_reader *r = x->r;
    seg_cursor *sc = c->sc;
    if (!sc) {
        for (uint32_t d = c->doc; d <= hi; d = cur_next(c)) {
            bool ok;
            double s = cur_score(x, l, c, d, &ok);
            if (!ok)
                continue;
            acc[d - lo] += s;
            *groups |= (uint64_t)1 << ((d - lo) >> 6);
        }
        return;
    }
    while (c->doc <= hi) {
        uint32_t n = sc->n, k0 = sc->i, kend = n;
        const uint32_t *docs = sc->docs;
        if (docs[n - 1] > hi)
            kend = seg_cursor_block_find(sc, k0, hi + 1);   /* hi < SEG_END */
        if (!l->title) {
            /* title counts are read only when they weigh (block_plain) */
            const uint32_t *tfs = seg_cursor_block_tfs(sc), *ttfs = NULL;
            if (!block_plain(&x->p, false, sc)) {
                seg_cursor_need_tfs(sc);
                ttfs = sc->ttfs;
            }
            if (docs_ready(r, docs[k0], docs[kend - 1])) {
                kern_score_add(&x->p, l->idf, docs + k0, tfs + k0, ttfs ? ttfs + k0 : NULL,
                               kend - k0, r->dl, acc, lo);
            } else {
                for (uint32_t k = k0; k < kend; k++) {
                    double tfw = ttfs ? bm25_tf_text(&x->p, tfs[k], ttfs[k]) : (double)tfs[k];
                    acc[docs[k] - lo] += bm25_term(&x->p, l->idf, tfw,
                                                   bm25_norm(&x->p, seg_doc_len(r, docs[k])));
                }
            }
        } else {
            seg_cursor_need_tfs(sc);
            for (uint32_t k = k0; k < kend; k++) {
                bool ok;
                double tfw = block_tfw(&x->p, true, false, sc, k, &ok);
                if (!ok)
                    continue;
                uint32_t off = docs[k] - lo;
                acc[off] += bm25_term(&x->p, l->idf, tfw,
                                      bm25_norm(&x->p, seg_doc_len(r, docs[k])));
            }
        }
        *groups |= bit_range((docs[k0] - lo) >> 6, (docs[kend - 1] - lo) >> 6);
        if (cur_block_resume(c, kend))
            return;
    }
}

/* With k <= 64: the k-th largest of the best sums of the window's touched
 * groups of 64 documents, or 0 when fewer than k groups have a positive
 * one.  Those are k different documents' whole scores, so the k-th best
 * score is at least this (when every touched document is a hit). */
static double window_floor(const double *acc, uint64_t groups, size_t k)
{
    return kern_kth_group_max(acc, groups, k);
}

/* Term at a time: every optional list is added into a window of sums, in
 * query order, TAAT_WIN docids at a time; then the sums that can enter
 * the heap (at least its worst, or a floor: window_floor(), else the one
 * seed_heap() finds in the strongest list's best block) are picked out of
 * the touched groups of 64.
 * Only for a positive title weight, where every match adds a positive
 * contribution (so a sum of zero means no match).  Cheaper than MaxScore
 * unless the lists are long: adding a posting costs little more than
 * MaxScore's deciding whether to look at it. */
static int run_taat(qexec *x, const qtree *const *kids, size_t nk)
{
    qleaf *leaves = x->plan->leaves;
    qwin *w = win_scratch(x);
    if (!w)
        return WARTA_ENOMEM;
    size_t ns = 0;
    for (size_t i = 0; i < nk; i++)
        ns += kids[i]->occur == QO_SHOULD;
    bool has_not = ns < nk;
    /* Every document touched is a match that counts: the window's best
     * sums bound the k-th best score from below (window_floor). */
    bool pure = !has_not && !x->has_since && !x->has_until && !x->src_ok &&
                seg_ndeleted(x->r) == 0 && x->cap <= 64;
    x->floor = 0.0;
    if (!pure && ns >= 2 && x->nheap < x->cap)
        seed_heap(x, kids, nk, has_not ? NULL : &x->floor);
    if (x->err)
        return x->err;
    for (size_t i = 0; i < nk; i++)
        if (kids[i]->occur == QO_SHOULD)
            cur_next(&leaves[kids[i]->leaf].cur[0]);
    for (;;) {
        uint32_t lo = SEG_END;
        for (size_t i = 0; i < nk; i++) {
            if (kids[i]->occur != QO_SHOULD)
                continue;
            uint32_t d = leaves[kids[i]->leaf].cur[0].doc;
            if (d < lo)
                lo = d;
        }
        if (lo == SEG_END)
            break;
        uint32_t hi = lo >= SEG_END - TAAT_WIN ? SEG_END - 1 : lo + (TAAT_WIN - 1);
        uint64_t groups = 0;
        for (size_t i = 0; i < nk; i++) {
            if (kids[i]->occur != QO_SHOULD)
                continue;
            qleaf *l = &leaves[kids[i]->leaf];
            taat_list(x, w, l, &l->cur[0], lo, hi, &groups);
        }
        if (pure && x->nheap < x->cap) {
            double f = window_floor(w->tacc, groups, x->cap);
            if (f > x->floor)
                x->floor = f;
        }
        /* A document's sum is positive once a list touched it: with no
         * threshold yet, the smallest positive double picks those.  The
         * picking clears the window, so it is zero for the next one (and
         * for the next query) whatever happens below. */
        double theta = x->nheap == x->cap ? heap_theta(x) : x->floor;
        size_t nc = kern_take(w->tacc, groups, theta > 0.0 ? theta : DBL_MIN, w->toff, w->tsc);
        for (size_t i = 0; i < nc && !x->err; i++) {
            uint32_t d = lo + w->toff[i];
            if (x->nheap == x->cap && w->tsc[i] < x->heap[0].score)
                continue;
            if (!doc_ok(x, d) || (has_not && excluded_doc(x, kids, nk, d)))
                continue;
            heap_push(x, w->tsc[i], d);
        }
        if (x->err)
            break;
    }
    for (size_t i = 0; i < nk; i++) {
        const qcur *c = &leaves[kids[i]->leaf].cur[0];
        if (cur_error(c) && !x->err)
            x->err = cur_error(c);
    }
    return x->err;
}

/* Which scorer (measured: benchmarks/README.md "Choosing the scorer"):
 * term at a time on every segment, unless the lists hold more than this
 * many postings in all there; MaxScore beyond.  (With a title weight of 1,
 * MaxScore on the segments after the first was faster on average, its
 * threshold from the first letting it skip much of a segment; with the
 * default weight its block bounds, which count title occurrences fully,
 * skip less, and term at a time wins, or costs 4 % of the mean at 50x for
 * a third off the p99.) */
#define TAAT_MAX_POSTINGS ((uint64_t)1 << 18)

/* The optional lists' postings in all. */
static uint64_t flat_postings(const qexec *x, const qtree *const *kids, size_t nk)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < nk; i++) {
        if (kids[i]->occur != QO_SHOULD)
            continue;
        const qcur *c = &x->plan->leaves[kids[i]->leaf].cur[0];
        sum += c->sc ? c->sc->df : c->ml ? c->ml->n : 0;
    }
    return sum;
}

/* ---- a segment ----------------------------------------------------------- */

/* Points x at segment r; false when no document of it can pass the
 * source filter. */
static int seg_setup(qexec *x, seg_reader *r, uint32_t segi, uint64_t base, bool *any)
{
    x->r = r;
    x->segi = segi;
    x->base = base;
    x->src_ok = NULL;
    *any = seg_ndocs(r) > 0;
    if (x->nsources) {
        uint32_t ns = seg_source_count(r);
        x->src_ok = arena_calloc(x->arena, ns ? ns : 1, 1);
        if (!x->src_ok)
            return WARTA_ENOMEM;
        bool found = false;
        for (size_t i = 0; i < x->nsources; i++) {
            uint32_t id = seg_source_find(r, x->sources[i], strlen(x->sources[i]));
            if (id != SEG_SOURCE_NONE && id < ns) {
                x->src_ok[id] = 1;
                found = true;
            }
        }
        if (!found)
            *any = false;
    }
    return 0;
}

int qexec_segment(qexec *x, seg_reader *r, uint32_t segi, uint64_t base)
{
    bool any;
    int rc = seg_setup(x, r, segi, base, &any);
    if (rc || !any)
        return rc;
    if (qexec_prunes(x) && x->cap > 0) {
        const qtree *const *kids;
        const qtree *one;
        size_t nk;
        root_clauses(x->plan, &kids, &nk, &one);
        if (nk == 1)
            rc = run_single(x, &x->plan->leaves[kids[0]->leaf]);
        else if (x->p.boost > 0.0 && x->scorer != QEXEC_MAXSCORE &&
                 (x->scorer == QEXEC_TAAT ||
                  flat_postings(x, kids, nk) <= TAAT_MAX_POSTINGS))
            rc = run_taat(x, kids, nk);
        else
            rc = run_maxscore(x);
        if (!rc && !x->defer_count)
            rc = count_flat(x, kids, nk);
    } else {
        rc = run_exhaustive(x);
    }
    if (!rc && x->err)
        rc = x->err;
    /* a per-document chunk that failed its check (even when no cursor
     * reported it, e.g. every document filtered out) fails the search */
    if (!rc)
        rc = seg_reader_failed(r);
    return rc;
}

bool qexec_counts_later(const qexec *x)
{
    return x->defer_count && qexec_prunes(x) && x->cap > 0;
}

int qexec_count_segment(qexec *x, seg_reader *r, uint32_t segi, uint64_t base)
{
    bool any;
    int rc = seg_setup(x, r, segi, base, &any);
    if (rc || !any)
        return rc;
    const qtree *const *kids;
    const qtree *one;
    size_t nk;
    root_clauses(x->plan, &kids, &nk, &one);
    rc = count_flat(x, kids, nk);
    return rc ? rc : x->err;
}
