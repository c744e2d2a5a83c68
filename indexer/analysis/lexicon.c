/*
 * lexicon.c: reading the hunspell-id root lexicon and the front-coded word
 * lists stored in an index (see lexicon.h).  The .dic is read in one go and
 * parsed in place; the .aff is read only for its PFX/SFX headers and entries,
 * to give each affix flag its LIC_* bits: a prefix or suffix flag licenses
 * that affix alone, a suffix flag continuing with a CIRCUMFIX prefix flag
 * (ke-an: "an/K1") licenses the confix instead.
 */
#include "lexicon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "stem.h"
#include "warta.h"

/* Reads a whole file: 0, 1 when it cannot be read (errno says why),
 * WARTA_ENOMEM. */
static int read_file(const char *path, char **out, size_t *outlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 1;
    size_t cap = 1 << 19, len = 0;
    char *buf = wmalloc(cap + 1);
    if (!buf) {
        fclose(f);
        return WARTA_ENOMEM;
    }
    for (;;) {
        if (len == cap) {
            char *b = wrealloc(buf, cap * 2 + 1);
            if (!b) {
                wfree(buf);
                fclose(f);
                return WARTA_ENOMEM;
            }
            buf = b;
            cap *= 2;
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (r == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        wfree(buf);
        return 1;
    }
    buf[len] = '\0';
    *out = buf;
    *outlen = len;
    return 0;
}

/* Flags are two characters (FLAG long): index by their two bytes. */
typedef struct flagbits {
    uint32_t bits[65536];   /* LIC_* bits a root with this flag gets */
    uint32_t ptype[65536];  /* prefix flags: the prefix types (LIC_DI..LIC_KU) */
    bool circ[65536];       /* prefix flags: only inside a confix (CIRCUMFIX) */
} flagbits;

static unsigned flag_index(const char *f)
{
    return (unsigned)(unsigned char)f[0] << 8 | (unsigned char)f[1];
}

/* The type of the outermost prefix of a prefix string ("memper" -> meN-). */
static uint32_t prefix_bits(const char *a, size_t n)
{
    if (n < 2)
        return 0;
    if (a[0] == 'd' && a[1] == 'i')
        return LIC_DI;
    if (a[0] == 'k' && a[1] == 'e')
        return LIC_KE;
    if (a[0] == 'k' && (a[1] == 'u' || a[1] == 'a'))
        return LIC_KU;
    if (a[0] == 's' && a[1] == 'e')
        return LIC_SE;
    if (a[0] == 'b' && a[1] == 'e')
        return LIC_BER;
    if (a[0] == 't' && a[1] == 'e')
        return LIC_TER;
    if (a[0] == 'm' && a[1] == 'e')
        return LIC_MEN;
    if (a[0] == 'p' && a[1] == 'e')
        return LIC_PE;
    return 0;
}

static bool strip_end(const char *a, size_t *n, const char *suf)
{
    size_t k = strlen(suf);
    if (*n < k || memcmp(a + *n - k, suf, k) != 0)
        return false;
    *n -= k;
    return true;
}

/* Bits of a suffix string such as "an", "kan", "annya", "-Ku", "ikah". */
static uint32_t suffix_bits(const char *s, size_t n)
{
    char a[64];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof a; i++)
        if (s[i] != '-')
            a[k++] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
    uint32_t bits = 0;
    if (!strip_end(a, &k, "lah") && !strip_end(a, &k, "kah"))
        strip_end(a, &k, "pun");
    if (strip_end(a, &k, "ku") || strip_end(a, &k, "mu"))
        bits |= LIC_KUMU;
    else
        strip_end(a, &k, "nya");
    if (k == 1 && a[0] == 'i')
        bits |= LIC_I;
    else if (k == 3 && memcmp(a, "kan", 3) == 0)
        bits |= LIC_KAN;
    else if (k == 2 && memcmp(a, "an", 2) == 0)
        bits |= LIC_AN;
    return bits;
}

/* One PFX/SFX entry line: kind 'P' or 'S', flag, affix (without "/..."),
 * continuation flags.  Returns false for other lines. */
static bool affix_entry(const char *line, char *kind, char flag[3], char *affix, size_t acap,
                        char *cont, size_t ccap)
{
    char k[8], f[8], strip[64], add[128], cond[64];
    if (strncmp(line, "PFX ", 4) != 0 && strncmp(line, "SFX ", 4) != 0)
        return false;
    if (sscanf(line, "%7s %7s %63s %127s %63s", k, f, strip, add, cond) < 5 || strlen(f) != 2)
        return false;
    *kind = k[0];
    memcpy(flag, f, 3);
    char *slash = strchr(add, '/');
    cont[0] = '\0';
    if (slash) {
        *slash = '\0';
        snprintf(cont, ccap, "%s", slash + 1);
    }
    snprintf(affix, acap, "%s", strcmp(add, "0") == 0 ? "" : add);
    return true;
}

static bool has_flag(const char *flags, const char *f)
{
    for (size_t j = 0; flags[j] && flags[j + 1]; j += 2)
        if (flags[j] == f[0] && flags[j + 1] == f[1])
            return true;
    return false;
}

/* Parses the .aff next to the .dic (if any) into fb. */
static int read_affixes(const char *dic_path, flagbits *fb)
{
    size_t n = strlen(dic_path);
    char *aff = wmalloc(n + 5);
    if (!aff)
        return WARTA_ENOMEM;
    memcpy(aff, dic_path, n + 1);
    if (n > 4 && strcmp(aff + n - 4, ".dic") == 0)
        memcpy(aff + n - 4, ".aff", 5);
    else
        memcpy(aff + n, ".aff", 5);
    char *text;
    size_t len;
    int rc = read_file(aff, &text, &len);
    wfree(aff);
    if (rc == WARTA_ENOMEM)
        return rc;
    if (rc != 0)
        return 0;
    char circumfix[3] = "";
    /* Pass 1: the CIRCUMFIX flag and the prefix flags. */
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char kind, flag[3], affix[128], cont[64];
        if (strncmp(line, "CIRCUMFIX ", 10) == 0)
            sscanf(line + 10, "%2s", circumfix);
        else if (affix_entry(line, &kind, flag, affix, sizeof affix, cont, sizeof cont) &&
                 kind == 'P') {
            unsigned fi = flag_index(flag);
            fb->ptype[fi] |= prefix_bits(affix, strlen(affix));
            if (circumfix[0] && has_flag(cont, circumfix))
                fb->circ[fi] = true;
        }
        if (nl)
            *nl = '\n';
        line = nl ? nl + 1 : NULL;
    }
    /* Pass 2: suffix flags, with the confixes their continuations make. */
    static const uint32_t prefixes[] = {LIC_DI, LIC_KE, LIC_SE, LIC_BER, LIC_TER, LIC_MEN, LIC_PE,
                                        LIC_KU};
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char kind, flag[3], affix[128], cont[64];
        if (affix_entry(line, &kind, flag, affix, sizeof affix, cont, sizeof cont)) {
            unsigned fi = flag_index(flag);
            if (kind == 'P') {
                if (!fb->circ[fi])
                    fb->bits[fi] |= fb->ptype[fi];
            } else {
                uint32_t sb = suffix_bits(affix, strlen(affix));
                uint32_t deriv = sb & (LIC_I | LIC_KAN | LIC_AN);
                bool confix = false;
                for (size_t j = 0; cont[j] && cont[j + 1]; j += 2) {
                    unsigned ci = flag_index(cont + j);
                    if (!fb->circ[ci])
                        continue;
                    confix = true;
                    for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
                        if (!(fb->ptype[ci] & prefixes[p]))
                            continue;
                        if (deriv)
                            fb->bits[fi] |= stem_confix_bit(prefixes[p], deriv);
                        else
                            fb->bits[fi] |= prefixes[p];  /* the prefix with -nya, -lah: alone */
                    }
                }
                if (!confix)
                    fb->bits[fi] |= sb;
                else
                    fb->bits[fi] |= sb & LIC_KUMU;
            }
        }
        if (nl)
            *nl = '\n';
        line = nl ? nl + 1 : NULL;
    }
    wfree(text);
    return 0;
}

static bool valid_utf8(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = u[i] >= 0xF0 ? 4 : u[i] >= 0xE0 ? 3 : u[i] >= 0xC2 ? 2 : 0;
        if (k == 0 || i + k > n)
            return false;
        for (size_t j = 1; j < k; j++)
            if ((u[i + j] & 0xC0) != 0x80)
                return false;
        i += k;
    }
    return true;
}

int lexicon_load(wordset *roots, const char *dic_path, char *err, size_t errlen)
{
    char *text;
    size_t len;
    int rc = read_file(dic_path, &text, &len);
    if (rc == WARTA_ENOMEM)
        return rc;
    if (rc != 0) {
        if (err)
            snprintf(err, errlen,
                     "%s: cannot read the stemmer's root lexicon: %s (install the hunspell-id "
                     "package, give another .dic with --lexicon, or use --no-lexicon)",
                     dic_path, strerror(errno));
        return WARTA_ENOLEXICON;
    }
    flagbits *fb = wcalloc(1, sizeof *fb);
    if (!fb) {
        wfree(text);
        return WARTA_ENOMEM;
    }
    rc = read_affixes(dic_path, fb);
    bool utf8 = valid_utf8(text, len);
    normalizer nz = {0};
    char *p = text, *end = text + len;
    bool first = true;
    while (rc == 0 && p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        char *line = p;
        p = nl ? nl + 1 : end;
        if (first) {
            first = false;
            /* The first line is the entry count. */
            char *q = line;
            while (q < le && ((*q >= '0' && *q <= '9') || *q == ' ' || *q == '\r'))
                q++;
            if (q == le)
                continue;
        }
        /* word ends at '/', white space or the end of the line. */
        char *w = line, *we = line;
        while (we < le && *we != '/' && *we != ' ' && *we != '\t' && *we != '\r')
            we++;
        if (we == w)
            continue;
        uint32_t bits = 0;
        if (we < le && *we == '/') {
            bits |= LIC_ANY;
            char *f = we + 1;
            while (f + 1 < le && f[0] > ' ' && f[1] > ' ') {
                bits |= fb->bits[flag_index(f)];
                f += 2;
            }
        }
        char term[NORM_MAX + 1];
        size_t tn = 0;
        bool ascii = true;
        for (char *c = w; c < we; c++)
            ascii &= (unsigned char)*c < 0x80;
        if (ascii) {
            tn = (size_t)(we - w) > NORM_MAX ? NORM_MAX : (size_t)(we - w);
            for (size_t i = 0; i < tn; i++)
                term[i] = (w[i] >= 'A' && w[i] <= 'Z') ? (char)(w[i] + 32) : w[i];
        } else {
            char u8[NORM_MAX * 2 + 2];
            size_t un = 0;
            if (utf8) {
                un = (size_t)(we - w) > sizeof u8 ? sizeof u8 : (size_t)(we - w);
                memcpy(u8, w, un);
            } else {
                /* ISO-8859-1 */
                for (char *c = w; c < we && un + 2 <= sizeof u8; c++) {
                    unsigned char b = (unsigned char)*c;
                    if (b < 0x80) {
                        u8[un++] = (char)b;
                    } else {
                        u8[un++] = (char)(0xC0 | b >> 6);
                        u8[un++] = (char)(0x80 | (b & 0x3F));
                    }
                }
            }
            rc = normalize_word(&nz, u8, un, term, &tn);
            if (rc != 0)
                break;
        }
        if (tn > 0)
            rc = wordset_put(roots, term, tn, bits);
    }
    normalizer_free(&nz);
    wfree(fb);
    wfree(text);
    return rc;
}

typedef struct keyref {
    const char *key;    /* key bytes, in the set's arena */
    size_t len;         /* key length */
    uint32_t val;       /* its value */
} keyref;

typedef struct collect {
    keyref *refs;       /* keys gathered */
    size_t n;           /* entries used */
} collect;

static void collect_one(void *ctx, const char *key, size_t len, uint32_t val)
{
    collect *c = ctx;
    c->refs[c->n].key = key;
    c->refs[c->n].len = len;
    c->refs[c->n].val = val;
    c->n++;
}

static int keyref_cmp(const void *a, const void *b)
{
    const keyref *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Index of v in the sorted array vals[n]. */
static size_t value_index(const uint32_t *vals, size_t n, uint32_t v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (vals[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The distinct values of the collected keys, ascending, into vals (room
 * for c->n); returns how many. */
static size_t distinct_vals(const collect *c, uint32_t *vals)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        vals[i] = c->refs[i].val;
    qsort(vals, c->n, sizeof *vals, u32_cmp);
    for (size_t i = 0; i < c->n; i++)
        if (n == 0 || vals[n - 1] != vals[i])
            vals[n++] = vals[i];
    return n;
}

void wordlist_encode(const wordset *s, bool with_values, wbuf *out)
{
    collect c = {wmalloc((s->count + 1) * sizeof(keyref)), 0};
    uint32_t *vals = with_values ? wmalloc((s->count + 1) * sizeof *vals) : NULL;
    if (!c.refs || (with_values && !vals)) {
        wfree(c.refs);
        wfree(vals);
        out->oom = true;
        return;
    }
    wordset_each(s, collect_one, &c);
    qsort(c.refs, c.n, sizeof *c.refs, keyref_cmp);
    size_t nvals = 0;
    if (with_values) {
        /* The distinct values first (few: roots share their affix sets). */
        nvals = distinct_vals(&c, vals);
        wbuf_put_varint(out, nvals);
        for (size_t i = 0; i < nvals; i++)
            wbuf_put_varint(out, vals[i]);
    }
    wbuf_put_varint(out, c.n);
    const char *prev = "";
    size_t prevlen = 0;
    for (size_t i = 0; i < c.n; i++) {
        size_t shared = 0;
        while (shared < prevlen && shared < c.refs[i].len && prev[shared] == c.refs[i].key[shared])
            shared++;
        wbuf_put_varint(out, shared);
        wbuf_put_varint(out, c.refs[i].len - shared);
        wbuf_append(out, c.refs[i].key + shared, c.refs[i].len - shared);
        if (with_values)
            wbuf_put_varint(out, value_index(vals, nvals, c.refs[i].val));
        prev = c.refs[i].key;
        prevlen = c.refs[i].len;
    }
    wfree(vals);
    wfree(c.refs);
}

/* varint_get() with the one-byte case inline (nearly every length and
 * value index of a word list). */
static inline bool lex_varint(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
    if (*p < end && **p < 0x80) {
        *out = *(*p)++;
        return true;
    }
    return varint_get(p, end, out);
}

/* Reads the next front-coded key of a sorted word list over the previous
 * one in key (prevlen bytes; the shared prefix is already there): checks
 * the lengths and, unless it is the first, that it sorts strictly after
 * the previous key, which only the bytes after the shared prefix can
 * decide.  Sets *len and *shared; false on bad bytes. */
static bool lex_next_key(const uint8_t **pp, const uint8_t *end, char *key, size_t prevlen,
                         bool first, size_t *len, uint64_t *shared)
{
    const uint8_t *p = *pp;
    uint64_t suffix;
    if (!lex_varint(&p, end, shared) || !lex_varint(&p, end, &suffix))
        return false;
    if (*shared > prevlen || suffix > WORDSET_MAX_KEY || *shared + suffix > WORDSET_MAX_KEY ||
        *shared + suffix == 0 || suffix > (uint64_t)(end - p))
        return false;
    size_t l = (size_t)(*shared + suffix);
    if (!first) {
        size_t rest = prevlen - (size_t)*shared;
        size_t m = rest < suffix ? rest : (size_t)suffix;
        int c = m ? memcmp(key + *shared, p, m) : 0;
        if (c > 0 || (c == 0 && prevlen >= l))
            return false;
    }
    memcpy(key + *shared, p, (size_t)suffix);
    *pp = p + suffix;
    *len = l;
    return true;
}

int wordlist_decode(wordset *s, bool with_values, const uint8_t **pp, const uint8_t *end)
{
    const uint8_t *p = *pp;
    uint64_t nvals = 0;
    uint32_t *vals = NULL;
    int rc = WARTA_ECORRUPT;
    if (with_values) {
        if (!varint_get(&p, end, &nvals) || nvals > (uint64_t)(end - p))
            return WARTA_ECORRUPT;
        vals = wmalloc((size_t)nvals * sizeof *vals + 1);
        if (!vals)
            return WARTA_ENOMEM;
        for (uint64_t i = 0; i < nvals; i++) {
            uint64_t v;
            if (!varint_get(&p, end, &v) || v > UINT32_MAX || (i > 0 && v <= vals[i - 1]))
                goto out;
            vals[i] = (uint32_t)v;
        }
    }
    uint64_t count;
    if (!varint_get(&p, end, &count) || count > (uint64_t)(end - p) / 2 + 1)
        goto out;
    /* Each key is rebuilt in place over the previous one. */
    char key[WORDSET_MAX_KEY + 1];
    size_t prevlen = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t shared;
        size_t len;
        if (!lex_next_key(&p, end, key, prevlen, i == 0, &len, &shared))
            goto out;
        uint32_t val = 0;
        if (with_values) {
            uint64_t vi;
            if (!lex_varint(&p, end, &vi) || vi >= nvals)
                goto out;
            val = vals[vi];
        }
        int r = wordset_put(s, key, len, val);
        if (r != 0) {
            rc = r;
            goto out;
        }
        prevlen = len;
    }
    *pp = p;
    rc = 0;
out:
    wfree(vals);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* A word list read in place                                                */
/* ------------------------------------------------------------------------ */

void wordlist_index_free(wordlist_index *ix)
{
    wfree(ix->bytes);
    memset(ix, 0, sizeof *ix);
}

/* The stored index (lexicon.h): a header, the values, the first-byte table,
 * per restart the key's first 8 bytes and its entry's offset, then the
 * front-coded entries, a restart (shared = 0) every WORDLIST_RESTART keys. */
#define WLX_HEADER 16

static void put_u32(wbuf *out, uint32_t v)
{
    wbuf_put_u32le(out, v);
}

void wordlist_index_encode(const wordset *s, wbuf *out)
{
    collect c = {wmalloc((s->count + 1) * sizeof(keyref)), 0};
    uint32_t *vals = wmalloc((s->count + 1) * sizeof *vals);
    wbuf list = WBUF_INIT, pfx = WBUF_INIT, offs = WBUF_INIT;
    if (!c.refs || !vals) {
        out->oom = true;
        goto out_free;
    }
    wordset_each(s, collect_one, &c);
    qsort(c.refs, c.n, sizeof *c.refs, keyref_cmp);
    size_t nvals = distinct_vals(&c, vals);
    uint32_t first[257];
    size_t nrest = 0;
    int next_byte = 0;           /* first[] entries set so far */
    const char *prev = "";
    size_t prevlen = 0;
    for (size_t i = 0; i < c.n; i++) {
        const char *k = c.refs[i].key;
        size_t len = c.refs[i].len, shared = 0;
        if (i % WORDLIST_RESTART == 0) {
            /* a restart: the whole key, its prefix and its place */
            uint8_t p8[8] = {0};
            memcpy(p8, k, len < 8 ? len : 8);
            wbuf_append(&pfx, p8, 8);
            put_u32(&offs, (uint32_t)list.len);
            for (; next_byte <= (uint8_t)k[0]; next_byte++)
                first[next_byte] = (uint32_t)nrest;
            nrest++;
        } else {
            while (shared < prevlen && shared < len && prev[shared] == k[shared])
                shared++;
        }
        wbuf_put_varint(&list, shared);
        wbuf_put_varint(&list, len - shared);
        wbuf_append(&list, k + shared, len - shared);
        wbuf_put_varint(&list, value_index(vals, nvals, c.refs[i].val));
        prev = k;
        prevlen = len;
    }
    for (; next_byte <= 256; next_byte++)
        first[next_byte] = (uint32_t)nrest;
    if (list.oom || pfx.oom || offs.oom || list.len > UINT32_MAX) {
        out->oom = true;
        goto out_free;
    }
    put_u32(out, (uint32_t)c.n);
    put_u32(out, (uint32_t)nvals);
    put_u32(out, (uint32_t)nrest);
    put_u32(out, (uint32_t)list.len);
    for (size_t i = 0; i < nvals; i++)
        put_u32(out, vals[i]);
    for (int i = 0; i <= 256; i++)
        put_u32(out, first[i]);
    wbuf_append(out, pfx.data, pfx.len);
    wbuf_append(out, offs.data, offs.len);
    wbuf_append(out, list.data, list.len);
out_free:
    wbuf_free(&list);
    wbuf_free(&pfx);
    wbuf_free(&offs);
    wfree(vals);
    wfree(c.refs);
}

static int index_open(wordlist_index *ix, const uint8_t **pp, const uint8_t *end, bool copy);

int wordlist_index_open(wordlist_index *ix, const uint8_t **pp, const uint8_t *end)
{
    return index_open(ix, pp, end, true);
}

int wordlist_index_open_in_place(wordlist_index *ix, const uint8_t **pp, const uint8_t *end)
{
    return index_open(ix, pp, end, false);
}

static int index_open(wordlist_index *ix, const uint8_t **pp, const uint8_t *end, bool copy)
{
    memset(ix, 0, sizeof *ix);
    const uint8_t *p = *pp;
    size_t avail = (size_t)(end - p);
    if (avail < WLX_HEADER)
        return WARTA_ECORRUPT;
    uint64_t count = le32_get(p), nvals = le32_get(p + 4), nrest = le32_get(p + 8);
    uint64_t list_len = le32_get(p + 12);
    uint64_t total = WLX_HEADER + 4 * nvals + 4 * 257 + 12 * nrest + list_len;
    if (total > avail || nrest != (count + WORDLIST_RESTART - 1) / WORDLIST_RESTART ||
        count > list_len || (count > 0 && nvals == 0))
        return WARTA_ECORRUPT;
    /* what a lookup relies on beyond the bounds it checks itself */
    const uint8_t *first = p + WLX_HEADER + 4 * nvals;
    for (int c = 0; c <= 256; c++)
        if (le32_get(first + 4 * c) > nrest ||
            (c > 0 && le32_get(first + 4 * c) < le32_get(first + 4 * (c - 1))) ||
            (c == 256 && le32_get(first + 4 * c) != nrest))
            return WARTA_ECORRUPT;
    const uint8_t *base = p;
    if (copy) {
        ix->bytes = wmalloc((size_t)total + 1);
        if (!ix->bytes)
            return WARTA_ENOMEM;
        memcpy(ix->bytes, p, (size_t)total);
        base = ix->bytes;
    }
    ix->len = (size_t)total;
    ix->count = count;
    ix->nvals = nvals;
    ix->nrest = (uint32_t)nrest;
    ix->vals = base + WLX_HEADER;
    ix->first = ix->vals + 4 * nvals;
    ix->pfx = ix->first + 4 * 257;
    ix->off = ix->pfx + 8 * nrest;
    ix->list = ix->off + 4 * nrest;
    ix->list_len = (size_t)list_len;
    *pp = p + total;
    return 0;
}

/* The first 8 bytes of a key, zero-padded, as a number that sorts like them. */
static inline uint64_t key_prefix(const void *p8)
{
    return __builtin_bswap64(le64_get(p8));
}

/* Compares (a, an) with (b, bn) bytewise, shorter first on a tie. */
static int key_order(const char *a, size_t an, const char *b, size_t bn)
{
    size_t m = an < bn ? an : bn;
    int c = m ? memcmp(a, b, m) : 0;
    if (c)
        return c;
    return (an > bn) - (an < bn);
}

/* Restart r's key in the list: false when its entry is malformed. */
static bool restart_key(const wordlist_index *ix, uint32_t r, const char **key, size_t *len,
                        const uint8_t **after)
{
    uint32_t off = le32_get(ix->off + 4 * (size_t)r);
    if (off >= ix->list_len)
        return false;
    const uint8_t *p = ix->list + off, *end = ix->list + ix->list_len;
    uint64_t shared, suffix;
    if (!lex_varint(&p, end, &shared) || shared != 0 || !lex_varint(&p, end, &suffix) ||
        suffix > (uint64_t)(end - p))
        return false;
    *key = (const char *)p;
    *len = (size_t)suffix;
    *after = p + suffix;
    return true;
}

bool wordlist_index_get(const void *ixp, const char *want, size_t wlen, uint32_t *val)
{
    const wordlist_index *ix = ixp;
    if (ix->nrest == 0 || wlen == 0)
        return false;
    /* the last restart whose key <= want: restarts before first[c0] have a
     * smaller first byte, those from first[c0 + 1] on a greater one */
    uint8_t c0 = (uint8_t)want[0];
    uint32_t lo = le32_get(ix->first + 4 * (size_t)c0);
    uint32_t hi = le32_get(ix->first + 4 * ((size_t)c0 + 1));
    uint8_t w8[8] = {0};
    memcpy(w8, want, wlen < 8 ? wlen : 8);
    uint64_t wp = key_prefix(w8);
    const char *k;
    size_t klen;
    const uint8_t *p;
    /* the last restart in [lo - 1, hi) whose prefix <= want's, by a search
     * without branches on the data (restarts before lo are smaller) */
    if (lo == hi || key_prefix(ix->pfx + 8 * (size_t)lo) > wp) {
        if (lo == 0)
            return false;
        hi = lo;
        lo--;
    }
    uint32_t r = lo, n = hi - lo;
    while (n > 1) {
        uint32_t half = n / 2;
        r = key_prefix(ix->pfx + 8 * (size_t)(r + half)) <= wp ? r + half : r;
        n -= half;
    }
    /* among restarts sharing want's prefix, keys decide: step back past
     * the greater ones */
    for (;;) {
        if (!restart_key(ix, r, &k, &klen, &p))
            return false;
        if (key_prefix(ix->pfx + 8 * (size_t)r) != wp || key_order(k, klen, want, wlen) <= 0)
            break;
        if (r == 0)
            return false;
        r--;
    }
    const uint8_t *end = ix->list + ix->list_len;
    /* m: bytes the current key shares with want (the current key < want) */
    size_t m = 0;
    while (m < klen && m < wlen && (uint8_t)k[m] == (uint8_t)want[m])
        m++;
    uint64_t vi;
    if (!lex_varint(&p, end, &vi))
        return false;
    if (m == klen && m == wlen)
        goto found;
    if (m < klen && (m == wlen || (uint8_t)k[m] > (uint8_t)want[m]))
        return false;
    uint64_t i0 = (uint64_t)r * WORDLIST_RESTART;
    for (uint64_t i = i0 + 1; i < ix->count && i < i0 + WORDLIST_RESTART; i++) {
        uint64_t shared, suffix;
        if (!lex_varint(&p, end, &shared) || !lex_varint(&p, end, &suffix) ||
            suffix > (uint64_t)(end - p))
            return false;
        const uint8_t *sfx = p;
        p += suffix;
        if (!lex_varint(&p, end, &vi))
            return false;
        if (shared < m)
            return false;    /* it differs from the previous key before want does: greater */
        if (shared > m)
            continue;        /* it still differs from want where the previous key did: smaller */
        size_t j = 0;
        while (j < suffix && m + j < wlen && sfx[j] == (uint8_t)want[m + j])
            j++;
        if (j == suffix && m + j == wlen)
            goto found;
        if (j < suffix && (m + j == wlen || sfx[j] > (uint8_t)want[m + j]))
            return false;
        m += j;
    }
    return false;
found:
    if (vi >= ix->nvals)
        return false;
    if (val)
        *val = le32_get(ix->vals + 4 * (size_t)vi);
    return true;
}

int wordlist_index_fill(const wordlist_index *ix, wordset *s)
{
    const uint8_t *p = ix->list, *end = ix->list + ix->list_len;
    char key[WORDSET_MAX_KEY + 1];
    size_t prevlen = 0;
    for (uint64_t i = 0; i < ix->count; i++) {
        uint64_t shared, vi;
        size_t len;
        if (!lex_next_key(&p, end, key, prevlen, i == 0, &len, &shared) ||
            (i % WORDLIST_RESTART == 0 && shared != 0))
            return WARTA_ECORRUPT;
        if (!lex_varint(&p, end, &vi) || vi >= ix->nvals)
            return WARTA_ECORRUPT;
        int rc = wordset_put(s, key, len, le32_get(ix->vals + 4 * (size_t)vi));
        if (rc)
            return rc;
        prevlen = len;
    }
    return p == end ? 0 : WARTA_ECORRUPT;
}
