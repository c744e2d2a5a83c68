/*
 * snippet.c: snippets (snippet.h).  One pass of analysis collects the
 * matches (term index, byte range); a sliding window over them picks the
 * best stretch; the copy into the arena cleans whitespace, repairs UTF-8 and
 * moves the match offsets along with the text.
 */
#include "query/snippet.h"

#include <string.h>

#include "indexer/analysis/analyzer.h"

typedef struct match {
    size_t start, end;      /* byte range in the text */
    uint32_t term;          /* which query term */
} match;

typedef struct collect {
    qarena *a;
    const char *const *terms;
    const size_t *lens;
    size_t nterms;
    match *m;               /* matches so far */
    size_t n, cap;
    int rc;
} collect;

static int match_cb(void *ctx, const warta_token *t)
{
    collect *c = ctx;
    for (size_t i = 0; i < c->nterms; i++) {
        if (c->lens[i] != t->term_len || memcmp(c->terms[i], t->term, t->term_len) != 0)
            continue;
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 32;
            match *nm = arena_alloc(c->a, cap * sizeof *nm);
            if (!nm)
                return WARTA_ENOMEM;
            if (c->n)
                memcpy(nm, c->m, c->n * sizeof *nm);
            c->m = nm;
            c->cap = cap;
        }
        c->m[c->n].start = t->start;
        c->m[c->n].end = t->end;
        c->m[c->n].term = (uint32_t)i;
        c->n++;
        break;
    }
    return 0;
}

static size_t count_chars(const char *s, size_t from, size_t to)
{
    size_t n = 0;
    for (size_t i = from; i < to; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* Byte offset reached by walking chars characters back (dir < 0) or
 * forward from off, staying on character starts. */
static size_t walk_chars(const char *s, size_t len, size_t off, size_t chars, int dir)
{
    if (dir < 0) {
        while (off > 0 && chars > 0) {
            off--;
            while (off > 0 && ((unsigned char)s[off] & 0xC0) == 0x80)
                off--;
            chars--;
        }
        return off;
    }
    while (off < len && chars > 0) {
        off++;
        while (off < len && ((unsigned char)s[off] & 0xC0) == 0x80)
            off++;
        chars--;
    }
    return off;
}

static bool is_space_byte(unsigned char c)
{
    return c <= 0x20 || c == 0x7F;
}

static int build(const char *text, size_t len, size_t ws, size_t we, const match *m,
                 size_t nm, qarena *a, const char **out, size_t *out_len,
                 const warta_span **spans, size_t *nspans)
{
    /* worst case: every byte becomes U+FFFD (3 bytes), plus the dots */
    size_t cap = (we - ws) * 3 + 8;
    char *o = arena_alloc(a, cap + 1);
    warta_span *sp = arena_alloc(a, (nm ? nm : 1) * sizeof *sp);
    if (!o || !sp)
        return WARTA_ENOMEM;
    size_t n = 0, ns = 0, mi = 0;
    if (ws > 0) {
        memcpy(o, "...", 3);
        n = 3;
    }
    bool space = true;   /* drop leading spaces */
    bool open = false;   /* inside match mi */
    size_t i = ws;
    while (i < we) {
        while (!open && mi < nm && m[mi].start < i)
            mi++;    /* a match not on a character start: skip it */
        if (!open && mi < nm && m[mi].start == i) {
            sp[ns].start = n;
            open = true;
        }
        unsigned char c = (unsigned char)text[i];
        if (is_space_byte(c)) {
            if (!space) {
                o[n++] = ' ';
                space = true;
            }
            i++;
        } else {
            size_t l = utf8_seq((const unsigned char *)text + i, we - i);
            if (l == 0) {
                memcpy(o + n, "\xEF\xBF\xBD", 3);
                n += 3;
                l = 1;
            } else {
                memcpy(o + n, text + i, l);
                n += l;
            }
            i += l;
            space = false;
        }
        if (open && i >= m[mi].end) {
            sp[ns].end = n;
            ns++;
            mi++;
            open = false;
        }
    }
    if (open) {
        sp[ns].end = n;
        ns++;
    }
    while (n > 0 && o[n - 1] == ' ')
        n--;
    for (size_t k = 0; k < ns; k++)
        if (sp[k].end > n)
            sp[k].end = n;
    if (we < len) {
        memcpy(o + n, "...", 3);
        n += 3;
    }
    o[n] = '\0';
    *out = o;
    *out_len = n;
    *spans = sp;
    *nspans = ns;
    (void)len;
    return 0;
}

int snippet_terms(warta_analyzer *an, const char *const *terms, const size_t *term_lens,
                  size_t nterms, const char *text, size_t len, unsigned max_chars, qarena *a,
                  const char **out, size_t *out_len, const warta_span **spans, size_t *nspans)
{
    *out = NULL;
    *out_len = 0;
    *spans = NULL;
    *nspans = 0;
    if (!text || len == 0)
        return 0;
    if (max_chars < 20)
        max_chars = 20;
    size_t scan = len < SNIPPET_MAX_SCAN ? len : SNIPPET_MAX_SCAN;
    while (scan < len && scan > 0 && ((unsigned char)text[scan] & 0xC0) == 0x80)
        scan--;
    collect c = {a, terms, term_lens, nterms, NULL, 0, 0, 0};
    if (nterms) {
        int rc = analysis_run(an, text, scan, 0, match_cb, &c, NULL);
        if (rc)
            return rc;
    }
    /* Best window of matches: most distinct terms, then most matches. */
    size_t best_i = 0, best_j = 0;
    long best = -1;
    uint8_t seen[256];
    for (size_t i = 0; i < c.n; i++) {
        memset(seen, 0, sizeof seen);
        size_t distinct = 0, j = i;
        while (j < c.n && count_chars(text, c.m[i].start, c.m[j].end) <= max_chars) {
            uint32_t t = c.m[j].term & 255;
            if (!seen[t]) {
                seen[t] = 1;
                distinct++;
            }
            j++;
        }
        if (j == i)
            j = i + 1;   /* a single match longer than the window */
        long score = (long)distinct * 1000 + (long)(j - i);
        if (score > best) {
            best = score;
            best_i = i;
            best_j = j;
        }
    }
    size_t ws, we;
    if (best < 0) {
        ws = 0;
        we = walk_chars(text, len, 0, max_chars, 1);
    } else {
        size_t ms = c.m[best_i].start, me = c.m[best_j - 1].end;
        size_t used = count_chars(text, ms, me);
        size_t room = used < max_chars ? max_chars - used : 0;
        size_t before = room / 3;
        ws = walk_chars(text, len, ms, before, -1);
        /* Start on a word: skip forward past a partial word. */
        if (ws > 0) {
            size_t k = ws;
            while (k < ms && !is_space_byte((unsigned char)text[k]))
                k++;
            if (k < ms)
                ws = k + 1;
        }
        size_t got = count_chars(text, ws, me);
        we = walk_chars(text, len, me, max_chars > got ? max_chars - got : 0, 1);
        if (we < me)
            we = me;
    }
    if (we < len) {
        /* End on a word boundary when one is near. */
        size_t k = we;
        while (k > ws && !is_space_byte((unsigned char)text[k - 1]) && we - k < 24)
            k--;
        if (k > ws && is_space_byte((unsigned char)text[k - 1]) &&
            (best < 0 || k >= c.m[best_j - 1].end))
            we = k;
    }
    /* Matches inside the window. */
    size_t first = 0;
    while (first < c.n && c.m[first].start < ws)
        first++;
    size_t last = first;
    while (last < c.n && c.m[last].end <= we)
        last++;
    return build(text, len, ws, we, c.m + first, last - first, a, out, out_len, spans, nspans);
}

/* Marks the terms of leaves that are not excluded. */
static void positive_terms(const qplan *p, const qtree *t, uint8_t *mark)
{
    if (t->occur == QO_NOT)
        return;
    if (t->is_leaf) {
        const qleaf *l = &p->leaves[t->leaf];
        for (uint32_t i = 0; i < l->nterms; i++)
            mark[l->terms[i]] = 1;
        return;
    }
    for (size_t i = 0; i < t->nkids; i++)
        positive_terms(p, t->kids[i], mark);
}

int snippet_make(warta_analyzer *an, const qplan *plan, const char *text, size_t len,
                 unsigned max_chars, qarena *a, const char **out, size_t *out_len,
                 const warta_span **spans, size_t *nspans)
{
    size_t n = plan->nterms;
    uint8_t *mark = arena_calloc(a, n ? n : 1, 1);
    const char **terms = arena_alloc(a, (n ? n : 1) * sizeof *terms);
    size_t *lens = arena_alloc(a, (n ? n : 1) * sizeof *lens);
    if (!mark || !terms || !lens)
        return WARTA_ENOMEM;
    if (plan->root)
        positive_terms(plan, plan->root, mark);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (mark[i]) {
            terms[k] = plan->terms[i].text;
            lens[k] = plan->terms[i].len;
            k++;
        }
    return snippet_terms(an, terms, lens, k, text, len, max_chars, a, out, out_len, spans,
                         nspans);
}
