/*
 * parse.c: the query language (parse.h).  A small lexer cuts the query into
 * words, phrases, parentheses and operators; a recursive-descent parser
 * builds the tree with OR (or plain juxtaposition) binding loosest, then
 * AND, then the prefixes + - NOT and title:.  Every malformed form is
 * reported as "query:1:COL: what" and nothing here can recurse or loop
 * without bound (see the limits in parse.h).
 */
#include "query/parse.h"

#include <stdio.h>
#include <string.h>

#include "warta.h"

typedef enum tok_kind {
    T_END, T_WORD, T_PHRASE, T_LPAREN, T_RPAREN, T_AND, T_OR, T_NOT,
    T_PLUS, T_MINUS, T_TITLE
} tok_kind;

typedef struct tok {
    tok_kind kind;          /* what was read */
    size_t off;             /* byte offset where it starts */
    const char *text;       /* T_WORD / T_PHRASE: the word or the phrase's inside */
    size_t len;             /* bytes of text */
    bool prefix;            /* T_WORD ended with '*' (not part of text) */
} tok;

typedef struct parser {
    const char *q;          /* the query */
    size_t len;             /* its length */
    size_t pos;             /* lexer position */
    tok cur;                /* current token */
    qarena *arena;          /* where nodes go */
    char *err;              /* error message out */
    size_t errlen;          /* its capacity */
    int rc;                 /* sticky: first error */
    unsigned words;         /* words and phrases read so far */
} parser;

uint32_t qparse_column(const char *query, size_t off)
{
    uint32_t col = 1;
    for (size_t i = 0; i < off; i++)
        if (((unsigned char)query[i] & 0xC0) != 0x80)
            col++;
    return col;
}

static void fail(parser *p, size_t off, const char *what)
{
    if (p->rc)
        return;
    p->rc = WARTA_ESYNTAX;
    if (p->err && p->errlen)
        snprintf(p->err, p->errlen, "query:1:%u: %s", (unsigned)qparse_column(p->q, off), what);
}

static void fail_nomem(parser *p)
{
    if (p->rc)
        return;
    p->rc = WARTA_ENOMEM;
    if (p->err && p->errlen)
        snprintf(p->err, p->errlen, "query: out of memory");
}

static bool is_space(unsigned char c)
{
    return c <= 0x20 || c == 0x7F;
}

/* Ends a word: space, parentheses, quotes. */
static bool is_word_end(unsigned char c)
{
    return is_space(c) || c == '(' || c == ')' || c == '"';
}

static bool word_is(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* Reads the next token into p->cur. */
static void lex(parser *p)
{
    const char *q = p->q;
    size_t n = p->len, i = p->pos;
    tok t = {T_END, n, NULL, 0, false};

    while (i < n && is_space((unsigned char)q[i]))
        i++;
    t.off = i;
    if (i >= n || p->rc) {
        t.kind = T_END;
        p->pos = n;
        p->cur = t;
        return;
    }
    unsigned char c = (unsigned char)q[i];
    /* Only the start of a token can hold an operator prefix. */
    bool at_token_start = i == 0 || is_space((unsigned char)q[i - 1]) || q[i - 1] == '(' ||
                          q[i - 1] == '+' || q[i - 1] == '-' || q[i - 1] == ':';
    if (c == '(') {
        t.kind = T_LPAREN;
        i++;
    } else if (c == ')') {
        t.kind = T_RPAREN;
        i++;
    } else if (c == '"') {
        size_t j = i + 1;
        while (j < n && q[j] != '"')
            j++;
        if (j >= n) {
            fail(p, i, "unterminated phrase (add the closing '\"')");
            t.kind = T_END;
            i = n;
        } else {
            t.kind = T_PHRASE;
            t.text = q + i + 1;
            t.len = j - i - 1;
            i = j + 1;
            p->words++;
        }
    } else if ((c == '+' || c == '-') && at_token_start) {
        if (i + 1 >= n || is_space((unsigned char)q[i + 1]) || q[i + 1] == ')') {
            fail(p, i, c == '+' ? "'+' must be followed by a word, a phrase or a group"
                                : "'-' must be followed by a word, a phrase or a group");
            t.kind = T_END;
            i = n;
        } else {
            t.kind = c == '+' ? T_PLUS : T_MINUS;
            i++;
        }
    } else if (n - i >= 6 && strncasecmp(q + i, "title:", 6) == 0) {
        if (i + 6 >= n || is_space((unsigned char)q[i + 6]) || q[i + 6] == ')') {
            fail(p, i, "'title:' must be followed by a word or a phrase");
            t.kind = T_END;
            i = n;
        } else {
            t.kind = T_TITLE;
            i += 6;
        }
    } else {
        size_t j = i;
        while (j < n && !is_word_end((unsigned char)q[j]))
            j++;
        t.text = q + i;
        t.len = j - i;
        t.kind = T_WORD;
        if (word_is(t.text, t.len, "AND"))
            t.kind = T_AND;
        else if (word_is(t.text, t.len, "OR"))
            t.kind = T_OR;
        else if (word_is(t.text, t.len, "NOT"))
            t.kind = T_NOT;
        else {
            if (t.len && t.text[t.len - 1] == '*') {
                t.prefix = true;
                while (t.len && t.text[t.len - 1] == '*')
                    t.len--;
                if (t.len == 0)
                    fail(p, i, "'*' must follow the start of a word, as in 'pasu*'");
            }
            p->words++;
        }
        i = j;
    }
    if (p->words > QPARSE_MAX_WORDS && !p->rc) {
        char msg[96];
        snprintf(msg, sizeof msg, "too many words (at most %d)", QPARSE_MAX_WORDS);
        fail(p, t.off, msg);
        t.kind = T_END;
    }
    p->pos = i;
    p->cur = t;
}

static qnode *new_node(parser *p, qnode_kind kind, size_t off)
{
    qnode *n = arena_calloc(p->arena, 1, sizeof *n);
    if (!n) {
        fail_nomem(p);
        return NULL;
    }
    n->kind = kind;
    n->occur = QO_SHOULD;
    n->col = qparse_column(p->q, off);
    return n;
}

/* A growable list of clauses in the arena. */
typedef struct clause_list {
    qnode **v;              /* clauses */
    size_t n;               /* in use */
    size_t cap;             /* allocated */
} clause_list;

static void list_push(parser *p, clause_list *l, qnode *n)
{
    if (p->rc || !n)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        qnode **v = arena_alloc(p->arena, cap * sizeof *v);
        if (!v) {
            fail_nomem(p);
            return;
        }
        if (l->n)
            memcpy(v, l->v, l->n * sizeof *v);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = n;
}

/* Adds clause n to l, lifting the clauses of a nested group when that
 * keeps the meaning: an optional group of optional clauses joins an
 * OR-list, a required group of required or excluded clauses joins an
 * AND-list or any list as required clauses. */
static void list_add_flat(parser *p, clause_list *l, qnode *n)
{
    if (p->rc || !n)
        return;
    if (n->kind == QN_BOOL) {
        bool all_should = true, all_must_or_not = true;
        for (size_t i = 0; i < n->nkids; i++) {
            if (n->kids[i]->occur != QO_SHOULD)
                all_should = false;
            if (n->kids[i]->occur == QO_SHOULD)
                all_must_or_not = false;
        }
        if (n->occur == QO_SHOULD && all_should) {
            for (size_t i = 0; i < n->nkids; i++)
                list_push(p, l, n->kids[i]);
            return;
        }
        if (n->occur == QO_MUST && all_must_or_not) {
            for (size_t i = 0; i < n->nkids; i++)
                list_push(p, l, n->kids[i]);
            return;
        }
    }
    list_push(p, l, n);
}

/* A group from a list of clauses; a single optional clause stands alone. */
static qnode *make_group(parser *p, clause_list *l, size_t off)
{
    if (p->rc)
        return NULL;
    if (l->n == 1 && l->v[0]->occur != QO_NOT) {
        l->v[0]->occur = QO_SHOULD;   /* a lone required clause is simply the query */
        return l->v[0];
    }
    qnode *g = new_node(p, QN_BOOL, off);
    if (!g)
        return NULL;
    g->kids = l->v;
    g->nkids = l->n;
    bool positive = false;
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i]->occur != QO_NOT)
            positive = true;
    if (!positive)
        fail(p, off, "nothing to search for: every word is excluded (add a word without '-' or NOT)");
    return g;
}

static qnode *parse_or(parser *p, unsigned depth, size_t open_off);

static const char *op_name(tok_kind k)
{
    switch (k) {
    case T_AND: return "AND";
    case T_OR: return "OR";
    case T_NOT: return "NOT";
    default: return "?";
    }
}

static void fail_lone_op(parser *p, const tok *t)
{
    char msg[96];
    if (t->kind == T_NOT)
        snprintf(msg, sizeof msg, "'NOT' must be followed by a word, a phrase or a group");
    else
        snprintf(msg, sizeof msg, "'%s' needs a word, a phrase or a group on each side",
                 op_name(t->kind));
    fail(p, t->off, msg);
}

static qnode *parse_primary(parser *p, unsigned depth)
{
    tok t = p->cur;
    switch (t.kind) {
    case T_WORD: {
        qnode *n = new_node(p, QN_WORD, t.off);
        if (n) {
            n->text = t.text;
            n->len = t.len;
            n->prefix = t.prefix;
        }
        lex(p);
        return n;
    }
    case T_PHRASE: {
        qnode *n = new_node(p, QN_PHRASE, t.off);
        if (n) {
            n->text = t.text;
            n->len = t.len;
        }
        lex(p);
        return n;
    }
    case T_TITLE: {
        lex(p);
        if (p->cur.kind != T_WORD && p->cur.kind != T_PHRASE) {
            fail(p, t.off, "'title:' must be followed by a word or a phrase");
            return NULL;
        }
        qnode *n = parse_primary(p, depth);
        if (n) {
            n->title = true;
            n->col = qparse_column(p->q, t.off);
        }
        return n;
    }
    case T_LPAREN: {
        if (depth >= QPARSE_MAX_DEPTH) {
            char msg[96];
            snprintf(msg, sizeof msg, "parentheses nested too deep (at most %d)", QPARSE_MAX_DEPTH);
            fail(p, t.off, msg);
            return NULL;
        }
        lex(p);
        if (p->cur.kind == T_RPAREN) {
            fail(p, t.off, "empty parentheses");
            return NULL;
        }
        qnode *g = parse_or(p, depth + 1, t.off);
        if (p->rc)
            return NULL;
        if (p->cur.kind != T_RPAREN) {
            fail(p, t.off, "unclosed parenthesis (add the closing ')')");
            return NULL;
        }
        lex(p);
        if (g)
            g->col = qparse_column(p->q, t.off);
        return g;
    }
    case T_RPAREN:
        fail(p, t.off, "unmatched ')'");
        return NULL;
    case T_AND:
    case T_OR:
    case T_NOT:
        fail_lone_op(p, &t);
        return NULL;
    case T_PLUS:
    case T_MINUS:
        fail(p, t.off, "two operators in a row");
        return NULL;
    case T_END:
    default:
        fail(p, t.off, "missing word at the end of the query");
        return NULL;
    }
}

static qnode *parse_unary(parser *p, unsigned depth)
{
    tok t = p->cur;
    qoccur occur = QO_SHOULD;
    if (t.kind == T_PLUS || t.kind == T_MINUS || t.kind == T_NOT) {
        occur = t.kind == T_PLUS ? QO_MUST : QO_NOT;
        lex(p);
        if (t.kind == T_NOT && (p->cur.kind == T_END || p->cur.kind == T_RPAREN ||
                                p->cur.kind == T_AND || p->cur.kind == T_OR)) {
            fail_lone_op(p, &t);
            return NULL;
        }
        if (p->cur.kind == T_PLUS || p->cur.kind == T_MINUS || p->cur.kind == T_NOT) {
            fail(p, p->cur.off, "two operators in a row");
            return NULL;
        }
    }
    qnode *n = parse_primary(p, depth);
    if (n && occur != QO_SHOULD) {
        n->occur = occur;
        n->col = qparse_column(p->q, t.off);
    }
    return n;
}

static bool ends_operand(tok_kind k)
{
    return k == T_END || k == T_RPAREN || k == T_AND || k == T_OR;
}

/* unary (AND unary)*: an AND chain becomes a group of required clauses. */
static qnode *parse_and(parser *p, unsigned depth)
{
    size_t off = p->cur.off;
    qnode *first = parse_unary(p, depth);
    if (p->rc || p->cur.kind != T_AND)
        return first;
    clause_list l = {NULL, 0, 0};
    if (first->occur == QO_SHOULD)
        first->occur = QO_MUST;
    list_add_flat(p, &l, first);
    while (!p->rc && p->cur.kind == T_AND) {
        tok op = p->cur;
        lex(p);
        if (ends_operand(p->cur.kind)) {
            fail_lone_op(p, &op);
            return NULL;
        }
        qnode *n = parse_unary(p, depth);
        if (!n)
            return NULL;
        if (n->occur == QO_SHOULD)
            n->occur = QO_MUST;
        list_add_flat(p, &l, n);
    }
    qnode *g = make_group(p, &l, off);
    if (g)
        g->occur = QO_SHOULD;
    return g;
}

/* and_expr ((OR)? and_expr)*: optional clauses, ranked. */
static qnode *parse_or(parser *p, unsigned depth, size_t open_off)
{
    clause_list l = {NULL, 0, 0};
    while (!p->rc) {
        tok t = p->cur;
        if (t.kind == T_END)
            break;
        if (t.kind == T_RPAREN) {
            if (depth == 0)
                fail(p, t.off, "unmatched ')'");
            break;
        }
        if (t.kind == T_AND) {
            fail_lone_op(p, &t);
            break;
        }
        if (t.kind == T_OR) {
            lex(p);
            if (l.n == 0 || ends_operand(p->cur.kind)) {
                fail_lone_op(p, &t);
                break;
            }
            continue;
        }
        qnode *n = parse_and(p, depth);
        if (!n)
            break;
        list_add_flat(p, &l, n);
    }
    if (p->rc)
        return NULL;
    if (l.n == 0) {
        fail(p, open_off, "empty query");
        return NULL;
    }
    return make_group(p, &l, open_off);
}

int qparse(const char *query, size_t len, qarena *a, qnode **out, char *err, size_t errlen)
{
    parser p = {query, len, 0, {T_END, 0, NULL, 0, false}, a, err, errlen, 0, 0};
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (len > QPARSE_MAX_BYTES) {
        char msg[96];
        snprintf(msg, sizeof msg, "query too long (%zu bytes; at most %d)", len, QPARSE_MAX_BYTES);
        fail(&p, 0, msg);
        return p.rc;
    }
    lex(&p);
    qnode *root = parse_or(&p, 0, 0);
    if (!p.rc && p.cur.kind == T_RPAREN)
        fail(&p, p.cur.off, "unmatched ')'");
    if (p.rc)
        return p.rc;
    *out = root;
    return 0;
}

/* Appends s to buf (cap bytes, NUL kept), truncating. */
static void put(char *buf, size_t cap, size_t *at, const char *s, size_t n)
{
    for (size_t i = 0; i < n && *at + 1 < cap; i++)
        buf[(*at)++] = s[i];
    if (cap)
        buf[*at < cap ? *at : cap - 1] = '\0';
}

static void format_rec(const qnode *n, char *buf, size_t cap, size_t *at)
{
    if (n->occur == QO_MUST)
        put(buf, cap, at, "+", 1);
    else if (n->occur == QO_NOT)
        put(buf, cap, at, "-", 1);
    if (n->title)
        put(buf, cap, at, "title:", 6);
    switch (n->kind) {
    case QN_WORD:
        put(buf, cap, at, n->text, n->len);
        if (n->prefix)
            put(buf, cap, at, "*", 1);
        break;
    case QN_PHRASE:
        put(buf, cap, at, "\"", 1);
        put(buf, cap, at, n->text, n->len);
        put(buf, cap, at, "\"", 1);
        break;
    case QN_BOOL:
        put(buf, cap, at, "(", 1);
        for (size_t i = 0; i < n->nkids; i++) {
            if (i)
                put(buf, cap, at, " ", 1);
            format_rec(n->kids[i], buf, cap, at);
        }
        put(buf, cap, at, ")", 1);
        break;
    }
}

void qnode_format(const qnode *n, char *buf, size_t cap)
{
    size_t at = 0;
    if (cap)
        buf[0] = '\0';
    if (n)
        format_rec(n, buf, cap, &at);
}
