/*
 * normalize.c: word normalization (see normalize.h).  The fast path folds
 * ASCII and Latin letters through a table built once from ICU itself, so
 * both paths agree by construction; other scripts go through ICU's
 * NFKC_Casefold, then NFD, combining diacritics (U+0300-U+036F) dropped,
 * and NFC.  Number, time, date and abbreviation rules then apply to the
 * folded bytes.  Called by analyzer.c for every word not in its cache.
 */
#include "normalize.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "corpus/base.h"
#include "warta.h"

/* Folded forms of the Latin letters handled by the fast path. */
#define LAT1_LO 0x00A0
#define LAT1_HI 0x0250
#define LATX_LO 0x1E00
#define LATX_HI 0x1F00

typedef struct fold_entry {
    uint8_t len;         /* bytes in s; 0xff: not a fast-path character */
    char s[7];           /* the folded form, UTF-8 */
} fold_entry;

static fold_entry fold_lat1[LAT1_HI - LAT1_LO];
static fold_entry fold_latx[LATX_HI - LATX_LO];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;
static int fold_rc;

static bool is_apostrophe(UChar c)
{
    return c == 0x27 || c == 0x2018 || c == 0x2019 || c == 0x02BC || c == 0xFF07 || c == 0x60 ||
           c == 0xB4;
}

/* ICU's fold of src (n UChars) into UTF-8 out (cap bytes); returns the
 * length, or -1 when it does not fit or ICU fails. */
static int32_t icu_fold(UChar *src, int32_t n, UChar *t1, UChar *t2, int32_t ucap, char *out,
                        int32_t cap)
{
    UErrorCode e = U_ZERO_ERROR;
    const UNormalizer2 *cf = unorm2_getNFKCCasefoldInstance(&e);
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&e);
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
    if (U_FAILURE(e))
        return -1;
    int32_t a = unorm2_normalize(cf, src, n, t1, ucap, &e);
    if (U_FAILURE(e))
        return -1;
    int32_t b = unorm2_normalize(nfd, t1, a, t2, ucap, &e);
    if (U_FAILURE(e))
        return -1;
    int32_t k = 0;
    for (int32_t i = 0; i < b; i++) {
        UChar c = t2[i];
        if ((c >= 0x300 && c <= 0x36F) || is_apostrophe(c))
            continue;
        t2[k++] = c;
    }
    a = unorm2_normalize(nfc, t2, k, t1, ucap, &e);
    if (U_FAILURE(e))
        return -1;
    int32_t olen = 0;
    u_strToUTF8WithSub(out, cap, &olen, t1, a, 0xFFFD, NULL, &e);
    if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING)
        return -1;
    return olen;
}

static void fold_one(fold_entry *fe, UChar32 cp)
{
    UChar src[2], t1[32], t2[32];
    int32_t n = 0;
    U16_APPEND_UNSAFE(src, n, cp);
    fe->len = 0xff;
    char buf[32];
    int32_t r = icu_fold(src, n, t1, t2, 32, buf, sizeof buf);
    if (r > 0 && r <= 7) {
        fe->len = (uint8_t)r;
        memcpy(fe->s, buf, (size_t)r);
    }
}

static void fold_build(void)
{
    for (UChar32 c = LAT1_LO; c < LAT1_HI; c++) {
        fold_entry *fe = &fold_lat1[c - LAT1_LO];
        /* Latin-1 letters and Latin Extended-A/B: letters only; the
         * punctuation of U+00A0-U+00BF is never inside a word. */
        bool letter = c == 0xAA || c == 0xB5 || c == 0xBA || (c >= 0xC0 && c != 0xD7 && c != 0xF7);
        if (letter)
            fold_one(fe, c);
        else
            fe->len = 0xff;
    }
    for (UChar32 c = LATX_LO; c < LATX_HI; c++)
        fold_one(&fold_latx[c - LATX_LO], c);
}

static void fold_init_once(void)
{
    fold_build();
    fold_rc = 0;
}

int normalize_init(void)
{
    /* The fold tables are built on the first non-ASCII Latin letter (see
     * normalize_word): a query in ASCII never pays for them. */
    return fold_rc;
}

/* Decodes one UTF-8 character at s[i] (well-formed only); returns its
 * length, or 0 when the bytes are not well-formed UTF-8. */
static size_t utf8_decode(const unsigned char *s, size_t n, size_t i, uint32_t *cp)
{
    unsigned char c = s[i];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
        *cp = (uint32_t)(c & 0x1F) << 6 | (s[i + 1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF && i + 2 < n && (s[i + 1] & 0xC0) == 0x80 &&
        (s[i + 2] & 0xC0) == 0x80) {
        uint32_t v = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 |
                     (s[i + 2] & 0x3F);
        if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        *cp = v;
        return 3;
    }
    return 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

size_t normalize_date(const char *d, size_t dn, const char *m, size_t mn, const char *y, size_t yn,
                      char *out)
{
    if (dn < 1 || dn > 2 || mn < 1 || mn > 2 || yn != 4)
        return 0;
    unsigned dv = 0, mv = 0, yv = 0;
    for (size_t i = 0; i < dn; i++) {
        if (!is_digit(d[i]))
            return 0;
        dv = dv * 10 + (unsigned)(d[i] - '0');
    }
    for (size_t i = 0; i < mn; i++) {
        if (!is_digit(m[i]))
            return 0;
        mv = mv * 10 + (unsigned)(m[i] - '0');
    }
    for (size_t i = 0; i < yn; i++) {
        if (!is_digit(y[i]))
            return 0;
        yv = yv * 10 + (unsigned)(y[i] - '0');
    }
    if (dv < 1 || dv > 31 || mv < 1 || mv > 12 || yv < 1000 || yv > 2999)
        return 0;
    out[0] = (char)('0' + yv / 1000);
    out[1] = (char)('0' + yv / 100 % 10);
    out[2] = (char)('0' + yv / 10 % 10);
    out[3] = (char)('0' + yv % 10);
    out[4] = '-';
    out[5] = (char)('0' + mv / 10);
    out[6] = (char)('0' + mv % 10);
    out[7] = '-';
    out[8] = (char)('0' + dv / 10);
    out[9] = (char)('0' + dv % 10);
    out[10] = '\0';
    return 10;
}

static bool two_digits_below(const char *s, size_t n, unsigned limit, unsigned *v)
{
    if (n != 2 || !is_digit(s[0]) || !is_digit(s[1]))
        return false;
    *v = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
    return *v < limit;
}

size_t normalize_time(const char *h, size_t hn, const char *m, size_t mn, const char *s, size_t sn,
                      char *out)
{
    unsigned hv = 0, mv, sv;
    if (hn < 1 || hn > 2)
        return 0;
    for (size_t i = 0; i < hn; i++) {
        if (!is_digit(h[i]))
            return 0;
        hv = hv * 10 + (unsigned)(h[i] - '0');
    }
    if (hv > 24 || !two_digits_below(m, mn, 60, &mv))
        return 0;
    if (s && !two_digits_below(s, sn, 60, &sv))
        return 0;
    size_t k = 0;
    if (hv >= 10)
        out[k++] = (char)('0' + hv / 10);
    out[k++] = (char)('0' + hv % 10);
    out[k++] = '.';
    out[k++] = m[0];
    out[k++] = m[1];
    if (s) {
        out[k++] = '.';
        out[k++] = s[0];
        out[k++] = s[1];
    }
    out[k] = '\0';
    return k;
}

/* Number, time, date and abbreviation rules on a folded term. */
static size_t post_rules(char *t, size_t n)
{
    bool digit = false, dot = false;
    for (size_t i = 0; i < n; i++) {
        digit |= is_digit(t[i]);
        dot |= t[i] == '.';
    }
    if (!dot)
        return n;
    if (digit) {
        /* A whole time or date first: 9.30, 10.9.2019. */
        const char *p[4];
        size_t pl[4], np = 0, i = 0;
        bool numeric = true;
        while (i <= n && np < 4) {
            size_t j = i;
            while (j < n && is_digit(t[j]))
                j++;
            if (j == i || (j < n && t[j] != '.')) {
                numeric = false;
                break;
            }
            p[np] = t + i;
            pl[np] = j - i;
            np++;
            i = j + 1;
            if (j == n)
                break;
        }
        if (numeric && i > n) {
            char tmp[16];
            size_t k = 0;
            if (np == 2 || np == 3)
                k = normalize_time(p[0], pl[0], p[1], pl[1], np == 3 ? p[2] : NULL,
                                   np == 3 ? pl[2] : 0, tmp);
            if (!k && np == 3)
                k = normalize_date(p[0], pl[0], p[1], pl[1], p[2], pl[2], tmp);
            if (k) {
                memcpy(t, tmp, k + 1);
                return k;
            }
        }
        /* Thousands separators: a run d{1,3}(.ddd)+ loses its dots. */
        size_t w = 0;
        i = 0;
        while (i < n) {
            if (!is_digit(t[i]) || (i > 0 && (is_digit(t[i - 1]) || t[i - 1] == '.'))) {
                t[w++] = t[i++];
                continue;
            }
            size_t j = i, lead = 0;
            while (j < n && is_digit(t[j]))
                j++, lead++;
            size_t groups = 0, k = j;
            while (k + 3 < n && t[k] == '.' && is_digit(t[k + 1]) && is_digit(t[k + 2]) &&
                   is_digit(t[k + 3]) && (k + 4 == n || !is_digit(t[k + 4]))) {
                groups++;
                k += 4;
            }
            if (lead <= 3 && groups > 0 && (k == n || t[k] != '.' || k + 1 == n ||
                                             !is_digit(t[k + 1]))) {
                for (size_t x = i; x < k; x++)
                    if (t[x] != '.')
                        t[w++] = t[x];
                i = k;
            } else {
                while (i < j)
                    t[w++] = t[i++];
            }
        }
        t[w] = '\0';
        return w;
    }
    /* u.s.a -> usa: every part one letter. */
    bool abbrev = n >= 3;
    for (size_t i = 0; i < n && abbrev; i++)
        abbrev = (i % 2 == 0) ? (t[i] >= 'a' && t[i] <= 'z') : t[i] == '.';
    if (abbrev && n % 2 == 1) {
        size_t w = 0;
        for (size_t i = 0; i < n; i += 2)
            t[w++] = t[i];
        t[w] = '\0';
        return w;
    }
    return n;
}

/* Words longer than this go to ICU cut (at a character boundary): the
 * term keeps at most NORM_MAX bytes anyway. */
#define ICU_MAX_IN 512
/* UChars per buffer: the worst NFKC expansion (x18) of ICU_MAX_IN units. */
#define ICU_UCAP (ICU_MAX_IN * 18 + 64)

static int ensure_ucap(normalizer *nz)
{
    if (nz->u1)
        return 0;
    nz->u1 = wmalloc(ICU_UCAP * sizeof(UChar));
    nz->u2 = wmalloc(ICU_UCAP * sizeof(UChar));
    if (!nz->u1 || !nz->u2) {
        normalizer_free(nz);
        return WARTA_ENOMEM;
    }
    nz->ucap = ICU_UCAP;
    return 0;
}

/* Cuts a UTF-8 string to at most NORM_MAX bytes at a character boundary. */
static size_t cut_utf8(const char *s, size_t n)
{
    if (n <= NORM_MAX)
        return n;
    n = NORM_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

static int icu_path(normalizer *nz, const char *s, size_t len, char *out, size_t *outlen)
{
    *outlen = 0;
    out[0] = '\0';
    if (ensure_ucap(nz) != 0)
        return WARTA_ENOMEM;
    if (len > ICU_MAX_IN) {
        len = ICU_MAX_IN;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    UChar src[ICU_MAX_IN + 1];
    int32_t un = 0;
    UErrorCode e = U_ZERO_ERROR;
    u_strFromUTF8WithSub(src, ICU_MAX_IN + 1, &un, s, (int32_t)len, 0xFFFD, NULL, &e);
    if (U_FAILURE(e))
        return 0;
    char buf[NORM_MAX * 4 + 64];
    int32_t olen = icu_fold(src, un, nz->u1, nz->u2, nz->ucap, buf, (int32_t)sizeof buf);
    if (olen < 0) {
        /* Longer than the cap: fold again keeping only the first characters. */
        int32_t cut = un > NORM_MAX ? NORM_MAX : un;
        if (cut > 0 && U16_IS_LEAD(src[cut - 1]))
            cut--;
        olen = icu_fold(src, cut, nz->u1, nz->u2, nz->ucap, buf, (int32_t)sizeof buf);
        if (olen < 0)
            return 0;
    }
    size_t n = cut_utf8(buf, (size_t)olen);
    memcpy(out, buf, n);
    out[n] = '\0';
    *outlen = post_rules(out, n);
    return 0;
}

int normalize_word(normalizer *nz, const char *s, size_t len, char *out, size_t *outlen)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = u[i];
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c + 32);
            if (c != '\'' && c != '`') {
                if (n >= NORM_MAX)
                    break;
                out[n++] = (char)c;
            }
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = utf8_decode(u, len, i, &cp);
        const fold_entry *fe = NULL;
        if (k && ((cp >= LAT1_LO && cp < LAT1_HI) || (cp >= LATX_LO && cp < LATX_HI)))
            pthread_once(&fold_once, fold_init_once);
        if (k && cp >= LAT1_LO && cp < LAT1_HI)
            fe = &fold_lat1[cp - LAT1_LO];
        else if (k && cp >= LATX_LO && cp < LATX_HI)
            fe = &fold_latx[cp - LATX_LO];
        if (fe && fe->len != 0xff) {
            if (n + fe->len > NORM_MAX)
                break;
            memcpy(out + n, fe->s, fe->len);
            n += fe->len;
        } else if (k && (cp == 0x2018 || cp == 0x2019 || cp == 0x02BC)) {
            /* apostrophe: dropped */
        } else if (k && cp == 0x2024) {
            if (n >= NORM_MAX)
                break;
            out[n++] = '.';
        } else {
            return icu_path(nz, s, len, out, outlen);
        }
        i += k;
    }
    out[n] = '\0';
    *outlen = post_rules(out, n);
    return 0;
}

void normalizer_free(normalizer *nz)
{
    wfree(nz->u1);
    wfree(nz->u2);
    nz->u1 = nz->u2 = NULL;
    nz->ucap = 0;
}
