/*
 * plan.c: analysis of a parsed query into leaves and a tree (plan.h).
 * Everything goes to the query's arena.  The leaves are numbered in query
 * order, which is the order their contributions are added.
 */
#include "query/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/analysis/analyzer.h"

typedef struct planner {
    qarena *a;              /* where everything goes */
    warta_analyzer *an;     /* the index's analyzer */
    seg_snapshot *snap;     /* for prefix expansion, or NULL */
    qplan *plan;            /* being built */
    size_t cap_terms;       /* room in plan->terms */
    size_t cap_leaves;      /* room in plan->leaves */
    int rc;                 /* sticky error */
    seg_reader *failed;     /* the segment a prefix expansion found corrupt, for the message */
} planner;

/* Tokens of one analyzed word or phrase. */
typedef struct toks {
    planner *pl;            /* for the arena */
    const char **term;      /* terms (arena copies) */
    size_t *len;            /* their lengths */
    uint32_t *pos;          /* their positions */
    size_t n, cap;
} toks;

static int tok_cb(void *ctx, const warta_token *t)
{
    toks *v = ctx;
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        const char **nt = arena_alloc(v->pl->a, cap * sizeof *nt);
        size_t *nl = arena_alloc(v->pl->a, cap * sizeof *nl);
        uint32_t *np = arena_alloc(v->pl->a, cap * sizeof *np);
        if (!nt || !nl || !np)
            return WARTA_ENOMEM;
        if (v->n) {
            memcpy(nt, v->term, v->n * sizeof *nt);
            memcpy(nl, v->len, v->n * sizeof *nl);
            memcpy(np, v->pos, v->n * sizeof *np);
        }
        v->term = nt;
        v->len = nl;
        v->pos = np;
        v->cap = cap;
    }
    char *c = arena_strndup(v->pl->a, t->term, t->term_len);
    if (!c)
        return WARTA_ENOMEM;
    v->term[v->n] = c;
    v->len[v->n] = t->term_len;
    v->pos[v->n] = t->position;
    v->n++;
    return 0;
}

static void analyze(planner *pl, const char *text, size_t len, toks *out)
{
    memset(out, 0, sizeof *out);
    out->pl = pl;
    if (pl->rc)
        return;
    int rc = analysis_run(pl->an, text, len, 0, tok_cb, out, NULL);
    if (rc)
        pl->rc = rc;
}

static uint32_t add_term(planner *pl, const char *text, size_t len)
{
    qplan *p = pl->plan;
    for (size_t i = 0; i < p->nterms; i++)
        if (p->terms[i].len == len && memcmp(p->terms[i].text, text, len) == 0)
            return (uint32_t)i;
    if (p->nterms == pl->cap_terms) {
        size_t cap = pl->cap_terms ? pl->cap_terms * 2 : 16;
        qterm *nt = arena_alloc(pl->a, cap * sizeof *nt);
        if (!nt) {
            pl->rc = WARTA_ENOMEM;
            return 0;
        }
        if (p->nterms)
            memcpy(nt, p->terms, p->nterms * sizeof *nt);
        p->terms = nt;
        pl->cap_terms = cap;
    }
    qterm *t = &p->terms[p->nterms];
    memset(t, 0, sizeof *t);
    t->text = text;
    t->len = len;
    return (uint32_t)p->nterms++;
}

static qtree *new_leaf(planner *pl, qleaf_kind kind, bool title, uint32_t nterms)
{
    qplan *p = pl->plan;
    if (pl->rc)
        return NULL;
    if (p->nleaves == pl->cap_leaves) {
        size_t cap = pl->cap_leaves ? pl->cap_leaves * 2 : 16;
        qleaf *nl = arena_alloc(pl->a, cap * sizeof *nl);
        if (!nl) {
            pl->rc = WARTA_ENOMEM;
            return NULL;
        }
        if (p->nleaves)
            memcpy(nl, p->leaves, p->nleaves * sizeof *nl);
        p->leaves = nl;
        pl->cap_leaves = cap;
    }
    qleaf *l = &p->leaves[p->nleaves];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    l->title = title;
    l->nterms = nterms;
    l->terms = arena_calloc(pl->a, nterms, sizeof *l->terms);
    l->relpos = arena_calloc(pl->a, nterms, sizeof *l->relpos);
    qtree *t = arena_calloc(pl->a, 1, sizeof *t);
    if (!l->terms || !l->relpos || !t) {
        pl->rc = WARTA_ENOMEM;
        return NULL;
    }
    t->is_leaf = true;
    t->leaf = (uint32_t)p->nleaves++;
    return t;
}

static qtree *term_leaf(planner *pl, const char *text, size_t len, bool title)
{
    qtree *t = new_leaf(pl, QL_TERM, title, 1);
    if (!t)
        return NULL;
    pl->plan->leaves[t->leaf].terms[0] = add_term(pl, text, len);
    return t;
}

static qtree *phrase_leaf(planner *pl, const toks *v, bool title)
{
    size_t n = v->n < PLAN_MAX_PHRASE ? v->n : PLAN_MAX_PHRASE;
    qtree *t = new_leaf(pl, QL_PHRASE, title, (uint32_t)n);
    if (!t)
        return NULL;
    qleaf *l = &pl->plan->leaves[t->leaf];
    for (size_t i = 0; i < n; i++) {
        l->terms[i] = add_term(pl, v->term[i], v->len[i]);
        l->relpos[i] = v->pos[i] - v->pos[0];
    }
    return t;
}

/* A group of optional term leaves. */
static qtree *should_group(planner *pl, const char *const *term, const size_t *len, size_t n,
                           bool title)
{
    qtree *g = arena_calloc(pl->a, 1, sizeof *g);
    qtree **kids = arena_calloc(pl->a, n, sizeof *kids);
    if (!g || !kids) {
        pl->rc = WARTA_ENOMEM;
        return NULL;
    }
    g->kids = kids;
    for (size_t i = 0; i < n; i++) {
        qtree *k = term_leaf(pl, term[i], len[i], title);
        if (!k)
            return NULL;
        kids[g->nkids++] = k;
    }
    return g;
}

/* Prefix expansion: collects distinct terms. */
typedef struct expansion {
    planner *pl;
    const char **term;      /* collected terms */
    size_t *len;
    size_t n, cap;
} expansion;

static int expand_cb(void *ctx, const char *term, size_t term_len, const seg_term *t)
{
    (void)t;
    expansion *e = ctx;
    for (size_t i = 0; i < e->n; i++)
        if (e->len[i] == term_len && memcmp(e->term[i], term, term_len) == 0)
            return 0;
    if (e->n == e->cap)
        return 0;
    char *c = arena_strndup(e->pl->a, term, term_len);
    if (!c)
        return WARTA_ENOMEM;
    e->term[e->n] = c;
    e->len[e->n] = term_len;
    e->n++;
    return 0;
}

static int cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
    int c = memcmp(a, b, al < bl ? al : bl);
    return c ? c : (al < bl ? -1 : al > bl);
}

static qtree *plan_prefix(planner *pl, const qnode *n)
{
    expansion e = {pl, NULL, NULL, 0, 0};
    size_t nseg = pl->snap ? seg_snapshot_count(pl->snap) : 0;
    e.cap = PLAN_MAX_EXPANSIONS * (nseg + 1) + 1;
    e.term = arena_alloc(pl->a, e.cap * sizeof *e.term);
    e.len = arena_alloc(pl->a, e.cap * sizeof *e.len);
    if (!e.term || !e.len) {
        pl->rc = WARTA_ENOMEM;
        return NULL;
    }
    /* The word's own analysis first (its stem may not share the prefix). */
    toks v;
    analyze(pl, n->text, n->len, &v);
    if (pl->rc)
        return NULL;
    if (v.n == 1)
        expand_cb(&e, v.term[0], v.len[0], NULL);
    wbuf norm = WBUF_INIT;
    if (analysis_normalize(pl->an, n->text, n->len, &norm)) {
        wbuf_free(&norm);
        pl->rc = WARTA_ENOMEM;
        return NULL;
    }
    size_t first = e.n;
    for (size_t s = 0; s < nseg && norm.len; s++) {
        int rc = seg_term_prefix(seg_snapshot_segment(pl->snap, s), norm.data, norm.len,
                                 PLAN_MAX_EXPANSIONS, expand_cb, &e, NULL);
        if (rc) {
            wbuf_free(&norm);
            pl->rc = rc;
            pl->failed = seg_snapshot_segment(pl->snap, s);
            return NULL;
        }
    }
    wbuf_free(&norm);
    /* Keep the first PLAN_MAX_EXPANSIONS expansions in byte order. */
    for (size_t i = first + 1; i < e.n; i++) {
        const char *t = e.term[i];
        size_t l = e.len[i], j = i;
        while (j > first && cmp_bytes(e.term[j - 1], e.len[j - 1], t, l) > 0) {
            e.term[j] = e.term[j - 1];
            e.len[j] = e.len[j - 1];
            j--;
        }
        e.term[j] = t;
        e.len[j] = l;
    }
    if (e.n - first > PLAN_MAX_EXPANSIONS)
        e.n = first + PLAN_MAX_EXPANSIONS;
    if (e.n == 0)
        return NULL;
    if (e.n == 1)
        return term_leaf(pl, e.term[0], e.len[0], n->title);
    return should_group(pl, e.term, e.len, e.n, n->title);
}

static qtree *plan_node(planner *pl, const qnode *n);

static qtree *plan_group(planner *pl, const qnode *n)
{
    qtree **kids = NULL;
    size_t nk = 0, cap = 0;
    bool positive = false;
    for (size_t i = 0; i < n->nkids && !pl->rc; i++) {
        qtree *k = plan_node(pl, n->kids[i]);
        if (!k)
            continue;
        /* An optional group of optional clauses joins this group. */
        size_t add = 1;
        bool splice = !k->is_leaf && k->occur == QO_SHOULD;
        for (size_t j = 0; splice && j < k->nkids; j++)
            if (k->kids[j]->occur != QO_SHOULD)
                splice = false;
        if (splice)
            add = k->nkids;
        if (nk + add > cap) {
            size_t ncap = (nk + add) * 2;
            qtree **nkid = arena_alloc(pl->a, ncap * sizeof *nkid);
            if (!nkid) {
                pl->rc = WARTA_ENOMEM;
                return NULL;
            }
            if (nk)
                memcpy(nkid, kids, nk * sizeof *nkid);
            kids = nkid;
            cap = ncap;
        }
        if (splice) {
            for (size_t j = 0; j < k->nkids; j++)
                kids[nk++] = k->kids[j];
            positive = true;
        } else {
            kids[nk++] = k;
            if (k->occur != QO_NOT)
                positive = true;
        }
    }
    if (pl->rc || !positive)
        return NULL;
    if (nk == 1) {
        kids[0]->occur = n->occur;
        return kids[0];
    }
    qtree *g = arena_calloc(pl->a, 1, sizeof *g);
    if (!g) {
        pl->rc = WARTA_ENOMEM;
        return NULL;
    }
    g->kids = kids;
    g->nkids = nk;
    g->occur = n->occur;
    return g;
}

static qtree *plan_node(planner *pl, const qnode *n)
{
    qtree *t = NULL;
    if (pl->rc)
        return NULL;
    switch (n->kind) {
    case QN_WORD:
    case QN_PHRASE: {
        if (n->kind == QN_WORD && n->prefix) {
            t = plan_prefix(pl, n);
            break;
        }
        toks v;
        analyze(pl, n->text, n->len, &v);
        if (pl->rc || v.n == 0)
            return NULL;
        if (v.n == 1)
            t = term_leaf(pl, v.term[0], v.len[0], n->title);
        else if (n->kind == QN_WORD && n->occur == QO_SHOULD)
            t = should_group(pl, v.term, v.len, v.n, n->title);
        else
            t = phrase_leaf(pl, &v, n->title);
        break;
    }
    case QN_BOOL:
        return plan_group(pl, n);
    }
    if (t)
        t->occur = n->occur;
    return t;
}

int qplan_build(qplan *plan, const qnode *root, warta_analyzer *an, seg_snapshot *snap,
                qarena *a, char *err, size_t errlen)
{
    memset(plan, 0, sizeof *plan);
    planner pl = {a, an, snap, plan, 0, 0, 0, NULL};
    qtree *t = plan_node(&pl, root);
    if (pl.rc) {
        if (err && errlen && pl.rc == WARTA_ECORRUPT && pl.failed)
            snprintf(err, errlen, "%s", seg_reader_errmsg(pl.failed));
        else if (err && errlen)
            snprintf(err, errlen, "query: %s", warta_strerror(pl.rc));
        return pl.rc;
    }
    if (!t) {
        if (err && errlen)
            snprintf(err, errlen, "query:1:1: nothing to search for: every word is a stopword "
                                  "or has no letters or digits");
        return WARTA_ESYNTAX;
    }
    t->occur = QO_SHOULD;
    plan->root = t;
    return 0;
}

/* ---- formatting ---------------------------------------------------------- */

static void put(char *buf, size_t cap, size_t *at, const char *s, size_t n)
{
    for (size_t i = 0; i < n && *at + 1 < cap; i++)
        buf[(*at)++] = s[i];
    if (cap)
        buf[*at < cap ? *at : cap - 1] = '\0';
}

static void format_tree(const qplan *p, const qtree *t, char *buf, size_t cap, size_t *at)
{
    if (t->occur == QO_MUST)
        put(buf, cap, at, "+", 1);
    else if (t->occur == QO_NOT)
        put(buf, cap, at, "-", 1);
    if (t->is_leaf) {
        const qleaf *l = &p->leaves[t->leaf];
        if (l->title)
            put(buf, cap, at, "title:", 6);
        if (l->kind == QL_PHRASE)
            put(buf, cap, at, "\"", 1);
        for (uint32_t i = 0; i < l->nterms; i++) {
            if (i) {
                /* one space per position step, so gaps show */
                /* a skipped position (a stopword) shows as "_" */
                uint32_t gap = l->relpos[i] - l->relpos[i - 1];
                for (uint32_t g = 1; g < gap && g < 8; g++)
                    put(buf, cap, at, " _", 2);
                put(buf, cap, at, " ", 1);
            }
            const qterm *term = &p->terms[l->terms[i]];
            put(buf, cap, at, term->text, term->len);
        }
        if (l->kind == QL_PHRASE)
            put(buf, cap, at, "\"", 1);
        return;
    }
    put(buf, cap, at, "(", 1);
    for (size_t i = 0; i < t->nkids; i++) {
        if (i)
            put(buf, cap, at, " ", 1);
        format_tree(p, t->kids[i], buf, cap, at);
    }
    put(buf, cap, at, ")", 1);
}

void qplan_format(const qplan *plan, char *buf, size_t cap)
{
    size_t at = 0;
    if (cap)
        buf[0] = '\0';
    if (plan->root)
        format_tree(plan, plan->root, buf, cap, &at);
}
