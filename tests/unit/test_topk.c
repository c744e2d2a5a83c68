/*
 * test_topk.c: both pruned scorers, term at a time and block-max MaxScore,
 * return exactly what exhaustive scoring returns (the same documents,
 * scores equal to the last bit, ties by document order), on hundreds of
 * random queries over generated segments with deletions, filters, excluded
 * terms, title terms and several BM25 settings; and all agree with a
 * brute-force scoring of every document.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "query/exec.h"
#include "query_fixture.h"

#define NSEG 2
#define NTERMS 10

static const uint32_t seg_docs[NSEG] = {3000, 1700};
static const uint32_t permille[NTERMS] = {2, 10, 40, 100, 250, 500, 700, 30, 5, 900};

typedef struct world {
    fx_seg seg[NSEG];
    fx_list list[NTERMS][NSEG];
    uint64_t live, live_len;
    uint64_t df[NTERMS];
} world;

static void world_init(world *w, uint64_t seed)
{
    fx_rng rng = {seed};
    w->live = w->live_len = 0;
    for (int s = 0; s < NSEG; s++) {
        fx_seg_init(&w->seg[s], seg_docs[s], &rng, s == 1 ? 7 : 0);
        w->live += fx_live_docs(&w->seg[s]);
        w->live_len += fx_live_len(&w->seg[s]);
    }
    for (int t = 0; t < NTERMS; t++) {
        w->df[t] = 0;
        for (int s = 0; s < NSEG; s++) {
            fx_list_random(&w->list[t][s], &w->seg[s], &rng, permille[t], t == 3 ? 40 : 12);
            for (uint32_t i = 0; i < w->list[t][s].l.n; i++)
                if (!seg_is_deleted(&w->seg[s].r, w->list[t][s].l.p[i].doc))
                    w->df[t]++;
        }
    }
}

static void world_free(world *w)
{
    for (int t = 0; t < NTERMS; t++)
        for (int s = 0; s < NSEG; s++)
            fx_list_free(&w->list[t][s]);
    for (int s = 0; s < NSEG; s++)
        fx_seg_free(&w->seg[s]);
}

/* One random flat query. */
typedef struct query {
    int n;                      /* leaves */
    int term[8];                /* which term */
    qoccur occur[8];
    bool title[8];
    unsigned k;
    double k1, b, boost;
    bool src, dates;
    int64_t since, until;
} query;

static void random_query(fx_rng *rng, query *q)
{
    memset(q, 0, sizeof *q);
    q->n = 1 + (int)fx_below(rng, 6);
    bool used[NTERMS] = {false};
    for (int i = 0; i < q->n; i++) {
        int t;
        do
            t = (int)fx_below(rng, NTERMS);
        while (used[t]);
        used[t] = true;
        q->term[i] = t;
        q->occur[i] = QO_SHOULD;
        q->title[i] = fx_below(rng, 10) == 0;
    }
    if (q->n >= 2 && fx_below(rng, 4) == 0)
        q->occur[fx_below(rng, (uint32_t)q->n)] = QO_NOT;
    bool positive = false;
    for (int i = 0; i < q->n; i++)
        positive |= q->occur[i] != QO_NOT;
    if (!positive)
        q->occur[0] = QO_SHOULD;
    static const unsigned ks[] = {1, 3, 10, 10, 25, 100};
    static const double k1s[] = {1.2, 1.2, 0.9, 2.0};
    static const double bs[] = {0.75, 0.75, 0.0, 1.0, 0.3};
    static const double boosts[] = {1.0, 2.0, 0.5, 3.7, 0.0, WARTA_TITLE_BOOST};
    q->k = ks[fx_below(rng, 6)];
    q->k1 = k1s[fx_below(rng, 4)];
    q->b = bs[fx_below(rng, 5)];
    q->boost = boosts[fx_below(rng, 6)];
    q->src = fx_below(rng, 6) == 0;
    q->dates = fx_below(rng, 6) == 0;
    q->since = 1546300800 + 60 * 86400;
    q->until = 1546300800 + 250 * 86400;
}

typedef struct built {
    qplan plan;
    qterm terms[8];
    qleaf leaves[8];
    qtree leaf_nodes[8];
    qtree *kids[8];
    qtree root;
    uint32_t tidx[8], rel[8];
    qcur cur[8];
} built;

static void build_plan(const world *w, const query *q, built *b)
{
    memset(b, 0, sizeof *b);
    for (int i = 0; i < q->n; i++) {
        b->terms[i].text = "t";
        b->terms[i].len = 1;
        b->terms[i].df = w->df[q->term[i]];
        b->terms[i].idf = bm25_idf(w->live, b->terms[i].df);
        b->tidx[i] = (uint32_t)i;
        qleaf *l = &b->leaves[i];
        l->kind = QL_TERM;
        l->title = q->title[i];
        l->nterms = 1;
        l->terms = &b->tidx[i];
        l->relpos = &b->rel[i];
        l->idf = b->terms[i].idf;
        l->cur = &b->cur[i];
        b->leaf_nodes[i].is_leaf = true;
        b->leaf_nodes[i].leaf = (uint32_t)i;
        b->leaf_nodes[i].occur = q->occur[i];
        b->kids[i] = &b->leaf_nodes[i];
    }
    b->plan.terms = b->terms;
    b->plan.nterms = (size_t)q->n;
    b->plan.leaves = b->leaves;
    b->plan.nleaves = (size_t)q->n;
    if (q->n == 1) {
        b->plan.root = &b->leaf_nodes[0];
    } else {
        b->root.kids = b->kids;
        b->root.nkids = (size_t)q->n;
        b->plan.root = &b->root;
    }
}

static const char *sources[] = {"kompas", "tempo"};

static void run(const world *w, const query *q, built *b, bool exhaustive, qexec_scorer sc,
                qarena *a, qexec *x)
{
    bm25 p;
    bm25_init(&p, q->k1, q->b, q->boost, (double)w->live_len / (double)w->live);
    cr_assert_eq(qexec_init(x, &b->plan, &p, q->k, a), 0);
    x->exhaustive = exhaustive;
    x->scorer = sc;
    if (q->src) {
        x->sources = sources;
        x->nsources = 2;
    }
    if (q->dates) {
        x->has_since = x->has_until = true;
        x->since = q->since;
        x->until = q->until;
    }
    uint64_t base = 0;
    for (int s = 0; s < NSEG; s++) {
        for (int i = 0; i < q->n; i++)
            qcur_mem(&b->cur[i], &w->list[q->term[i]][s].l);
        cr_assert_eq(qexec_segment(x, (seg_reader *)&w->seg[s].r, (uint32_t)s, base), 0);
        base += w->seg[s].r.ndocs;
    }
    qexec_finish(x);
}

/* Scores every document directly from the formula. */
static void brute(const world *w, const query *q, const built *b, qhit *best, size_t *nbest,
                  uint64_t *total)
{
    bm25 p;
    bm25_init(&p, q->k1, q->b, q->boost, (double)w->live_len / (double)w->live);
    *nbest = 0;
    *total = 0;
    uint64_t base = 0;
    for (int s = 0; s < NSEG; s++) {
        const seg_reader *r = &w->seg[s].r;
        uint32_t *at = calloc(q->n, sizeof *at);
        for (uint32_t d = 0; d < r->ndocs; d++) {
            double score = 0.0;
            bool any = false, excluded = false;
            for (int i = 0; i < q->n; i++) {
                const qmem_list *l = &w->list[q->term[i]][s].l;
                while (at[i] < l->n && l->p[at[i]].doc < d)
                    at[i]++;
                if (at[i] >= l->n || l->p[at[i]].doc != d)
                    continue;
                const qmem_posting *pp = &l->p[at[i]];
                if (q->title[i] && pp->ttf == 0)
                    continue;
                if (q->occur[i] == QO_NOT) {
                    excluded = true;
                    continue;
                }
                double tfw = q->title[i] ? bm25_tf_title(&p, pp->ttf)
                                         : bm25_tf_text(&p, pp->tf, pp->ttf);
                score += bm25_term(&p, b->leaves[i].idf, tfw, bm25_norm(&p, seg_doc_len(r, d)));
                any = true;
            }
            if (!any || excluded || seg_is_deleted(r, d))
                continue;
            if (q->dates) {
                int64_t dt = seg_doc_date(r, d);
                if (dt == SEG_DATE_NONE || dt < q->since || dt > q->until)
                    continue;
            }
            if (q->src) {
                uint32_t sid = seg_doc_source(r, d);
                if (sid != 0 && sid != 2)
                    continue;
            }
            (*total)++;
            /* insertion into a sorted top-k */
            qhit h = {score, 0, base + d, (uint32_t)s, d};
            size_t n = *nbest;
            if (n == q->k && !(score > best[n - 1].score))
                continue;
            size_t j = n < q->k ? n : n - 1;
            while (j > 0 && best[j - 1].score < score)
                j--;
            memmove(&best[j + 1], &best[j], ((n < q->k ? n : n - 1) - j) * sizeof *best);
            best[j] = h;
            if (n < q->k)
                (*nbest)++;
        }
        free(at);
        base += r->ndocs;
    }
}

Test(topk, pruned_equals_exhaustive_on_random_queries)
{
    world w;
    world_init(&w, 0x9E3779B97F4A7C15ull);
    fx_rng rng = {42};
    qarena a;
    arena_init(&a, 0);
    size_t pruned_runs = 0;
    for (int it = 0; it < 400; it++) {
        query q;
        random_query(&rng, &q);
        built b1, b2;
        build_plan(&w, &q, &b2);
        qexec x1, x2;
        run(&w, &q, &b2, true, QEXEC_AUTO, &a, &x2);
        for (int sc = QEXEC_TAAT; sc <= QEXEC_MAXSCORE; sc++) {
            build_plan(&w, &q, &b1);
            run(&w, &q, &b1, false, (qexec_scorer)sc, &a, &x1);
            if (sc == QEXEC_TAAT && qexec_prunes(&x1))
                pruned_runs++;
            cr_assert_eq(x1.total, x2.total, "query %d scorer %d: totals %llu vs %llu", it, sc,
                         (unsigned long long)x1.total, (unsigned long long)x2.total);
            cr_assert_eq(x1.nheap, x2.nheap, "query %d scorer %d: %zu vs %zu hits", it, sc,
                         x1.nheap, x2.nheap);
            for (size_t i = 0; i < x1.nheap; i++) {
                cr_assert_eq(x1.heap[i].gdoc, x2.heap[i].gdoc,
                             "query %d scorer %d hit %zu: doc %llu vs %llu", it, sc, i,
                             (unsigned long long)x1.heap[i].gdoc,
                             (unsigned long long)x2.heap[i].gdoc);
                cr_assert(memcmp(&x1.heap[i].score, &x2.heap[i].score, sizeof(double)) == 0,
                          "query %d scorer %d hit %zu: %.17g vs %.17g", it, sc, i,
                          x1.heap[i].score, x2.heap[i].score);
            }
        }
        /* and all agree with the formula applied to every document */
        qhit best[100];
        size_t nbest;
        uint64_t total;
        brute(&w, &q, &b1, best, &nbest, &total);
        cr_assert_eq(total, x2.total, "query %d: brute total", it);
        cr_assert_eq(nbest, x2.nheap, "query %d", it);
        for (size_t i = 0; i < nbest; i++) {
            cr_assert_eq(best[i].gdoc, x2.heap[i].gdoc, "query %d hit %zu", it, i);
            cr_assert(memcmp(&best[i].score, &x2.heap[i].score, sizeof(double)) == 0);
        }
        arena_reset(&a);
    }
    cr_expect_gt(pruned_runs, 200);
    arena_free(&a);
    world_free(&w);
}

Test(topk, never_returns_a_deleted_document)
{
    world w;
    world_init(&w, 7);
    qarena a;
    arena_init(&a, 0);
    query q;
    memset(&q, 0, sizeof q);
    q.n = 2;
    q.term[0] = 6;
    q.term[1] = 9;
    q.k = 100;
    q.k1 = 1.2;
    q.b = 0.75;
    q.boost = 1.0;
    built b;
    build_plan(&w, &q, &b);
    qexec x;
    run(&w, &q, &b, false, QEXEC_AUTO, &a, &x);
    cr_assert_eq(x.nheap, 100);
    for (size_t i = 0; i < x.nheap; i++)
        cr_assert(!seg_is_deleted(&w.seg[x.heap[i].seg].r, x.heap[i].doc));
    arena_free(&a);
    world_free(&w);
}

Test(topk, breaks_ties_by_document_order)
{
    /* Identical documents: every score ties, the first documents win. */
    fx_seg s;
    fx_rng rng = {1};
    fx_seg_init(&s, 500, &rng, 0);
    for (uint32_t d = 0; d < 500; d++) {
        s.dl[d] = 50;
        s.tl[d] = 5;
    }
    static const uint32_t pos[1] = {10};
    qmem_posting p[400];
    for (uint32_t i = 0; i < 400; i++) {
        p[i].doc = i + 50;
        p[i].tf = 1;
        p[i].ttf = 0;
        p[i].pos = pos;
    }
    fx_list l;
    fx_list_from(&l, &s, p, 400);
    qterm t = {"x", 1, 400, bm25_idf(500, 400)};
    uint32_t ti = 0, rel = 0;
    qcur c;
    qleaf leaf = {QL_TERM, false, 1, &ti, &rel, t.idf, &c, NULL, NULL};
    qtree node = {true, QO_SHOULD, 0, NULL, 0};
    qplan plan = {&t, 1, &leaf, 1, &node};
    qarena a;
    arena_init(&a, 0);
    for (int exhaustive = 0; exhaustive < 2; exhaustive++) {
        bm25 prm;
        bm25_init(&prm, 1.2, 0.75, 1.0, 50.0);
        qexec x;
        cr_assert_eq(qexec_init(&x, &plan, &prm, 10, &a), 0);
        x.exhaustive = exhaustive;
        qcur_mem(&c, &l.l);
        cr_assert_eq(qexec_segment(&x, &s.r, 0, 0), 0);
        qexec_finish(&x);
        cr_assert_eq(x.total, 400);
        for (size_t i = 0; i < 10; i++)
            cr_assert_eq(x.heap[i].doc, 50 + i);
    }
    arena_free(&a);
    fx_list_free(&l);
    fx_seg_free(&s);
}
