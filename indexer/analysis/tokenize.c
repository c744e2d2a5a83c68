/*
 * tokenize.c: word segmentation (see tokenize.h).  The text is cut into
 * chunks at ASCII white space, where UAX #29 always breaks.  A chunk whose
 * characters all have a known word-break class (ASCII, Latin letters,
 * common Latin-1 and General Punctuation signs) is segmented here with the
 * UAX #29 rules WB5-WB13b as ICU applies them ('@' counts as a letter, ':'
 * does not join letters); any other chunk, or invalid UTF-8, is handed to
 * ICU's word break iterator.  tests/unit/test_tokenize.c checks that both
 * paths give the same words on random text.
 */
#include "tokenize.h"

#include <pthread.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "corpus/base.h"
#include "warta.h"

/* Word-break classes of the fast path. */
enum {
    C_OTHER,  /* breaks on both sides */
    C_AL,     /* letter (ALetter) */
    C_NU,     /* digit (Numeric) */
    C_ENL,    /* ExtendNumLet: '_' */
    C_ML,     /* MidLetter: U+00B7 */
    C_MNL,    /* MidNumLet: . U+2018 U+2019 U+2024 */
    C_SQ,     /* Single_Quote: ' */
    C_MN,     /* MidNum: , ; */
    C_SPACE,  /* ASCII white space: a chunk boundary */
    C_ICU     /* unknown here: the chunk goes to ICU */
};

static uint8_t ascii_class[128];
/* Per byte: W_WORD when an ASCII letter, digit or '_' (the word run of the
 * fast loop), W_ALNUM when a letter or digit that makes a segment a word. */
enum { W_WORD = 1, W_ALNUM = 2 };
static uint8_t byte_flags[256];
static pthread_once_t ascii_once = PTHREAD_ONCE_INIT;

static void ascii_init(void)
{
    for (int c = 0; c < 128; c++) {
        uint8_t k = C_OTHER;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '@')
            k = C_AL;
        else if (c >= '0' && c <= '9')
            k = C_NU;
        else if (c == '_')
            k = C_ENL;
        else if (c == '.')
            k = C_MNL;
        else if (c == '\'')
            k = C_SQ;
        else if (c == ',' || c == ';')
            k = C_MN;
        else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
            k = C_SPACE;
        ascii_class[c] = k;
        byte_flags[c] = (uint8_t)((k == C_AL || k == C_NU || k == C_ENL ? W_WORD : 0) |
                                  ((k == C_AL && c != '@') || k == C_NU ? W_ALNUM : 0));
    }
}

static uint8_t cp_class(uint32_t c)
{
    if (c < 0xA0)
        return c < 0x80 ? ascii_class[c] : C_ICU;
    if (c < 0xC0) {
        if (c == 0xAA || c == 0xB5 || c == 0xBA)
            return C_AL;
        if (c == 0xB7)
            return C_ML;
        if (c == 0xAD)
            return C_ICU;  /* soft hyphen: Format */
        return C_OTHER;
    }
    if (c < 0x250)
        return (c == 0xD7 || c == 0xF7) ? C_OTHER : C_AL;
    if (c >= 0x1E00 && c < 0x1F00)
        return C_AL;
    if (c == 0x2018 || c == 0x2019 || c == 0x2024)
        return C_MNL;
    if ((c >= 0x2010 && c <= 0x2017) || (c >= 0x201A && c <= 0x2023) || c == 0x2025 ||
        c == 0x2026 || (c >= 0x2030 && c <= 0x203E) || (c >= 0x20A0 && c <= 0x20C0))
        return C_OTHER;
    return C_ICU;
}

/* Class and byte length of the character at s[i]; C_ICU with length 1 for
 * bytes that are not well-formed UTF-8. */
static inline uint8_t classify(const unsigned char *s, size_t n, size_t i, size_t *k)
{
    unsigned char c = s[i];
    if (c < 0x80) {
        *k = 1;
        return ascii_class[c];
    }
    UChar32 cp;
    int32_t j = 0;
    int32_t len = (n - i) > 4 ? 4 : (int32_t)(n - i);
    U8_NEXT(s + i, j, len, cp);
    *k = (size_t)j;
    if (cp < 0)
        return C_ICU;
    return cp_class((uint32_t)cp);
}

static int push(tokenizer *tz, size_t start, size_t end)
{
    if (tz->nwords == tz->cap) {
        size_t cap = tz->cap ? tz->cap * 2 : 256;
        rawword *w = wrealloc(tz->words, cap * sizeof *w);
        if (!w)
            return WARTA_ENOMEM;
        tz->words = w;
        tz->cap = cap;
    }
    tz->words[tz->nwords].start = start;
    tz->words[tz->nwords].end = end;
    tz->words[tz->nwords].hash = 0;
    tz->nwords++;
    return 0;
}

static bool segment_has_alnum(const char *s, size_t n)
{
    int32_t i = 0, len = (int32_t)n;
    while (i < len) {
        UChar32 cp;
        U8_NEXT(s, i, len, cp);
        if (cp >= 0 && (u_isUAlphabetic(cp) || u_isdigit(cp)))
            return true;
    }
    return false;
}

static int icu_chunk(tokenizer *tz, const char *text, size_t cs, size_t ce)
{
    UErrorCode e = U_ZERO_ERROR;
    if (!tz->bi) {
        tz->bi = ubrk_open(UBRK_WORD, "", NULL, 0, &e);
        if (U_FAILURE(e)) {
            tz->bi = NULL;
            return WARTA_ENOMEM;
        }
    }
    if (!tz->ut_open) {
        UText init = UTEXT_INITIALIZER;
        tz->ut = init;
        tz->ut_open = true;
    }
    /* ICU indexes are int32_t: feed very long chunks in pieces. */
    while (cs < ce) {
        size_t piece = ce - cs;
        if (piece > (1u << 30)) {
            piece = 1u << 30;
            while (piece > 0 && ((unsigned char)text[cs + piece] & 0xC0) == 0x80)
                piece--;
        }
        e = U_ZERO_ERROR;
        utext_openUTF8(&tz->ut, text + cs, (int64_t)piece, &e);
        if (U_FAILURE(e))
            return WARTA_ENOMEM;
        ubrk_setUText(tz->bi, &tz->ut, &e);
        if (U_FAILURE(e))
            return WARTA_ENOMEM;
        tz->icu_chunks++;
        int32_t s = ubrk_first(tz->bi), b;
        while ((b = ubrk_next(tz->bi)) != UBRK_DONE) {
            if (ubrk_getRuleStatus(tz->bi) >= UBRK_WORD_NONE_LIMIT &&
                segment_has_alnum(text + cs + s, (size_t)(b - s)) &&
                push(tz, cs + (size_t)s, cs + (size_t)b) != 0)
                return WARTA_ENOMEM;
            s = b;
        }
        cs += piece;
    }
    return 0;
}

/* SWAR: per byte of v, the high bit set in *word when the byte is an ASCII
 * letter, digit, '_' or '@' (the fast loop's W_WORD), and in *alnum when a
 * letter or digit (W_ALNUM).  Little-endian byte order. */
#define ONES8 0x0101010101010101ull
#define HI8 0x8080808080808080ull

static inline uint64_t swar_eq(uint64_t t, unsigned char c)
{
    uint64_t x = t ^ (ONES8 * c);
    return ~(((x & ~HI8) + ~HI8) | x) & HI8;
}

static inline uint64_t swar_in(uint64_t t, unsigned char lo, unsigned char hi)
{
    /* t's bytes are below 0x80: no carry crosses a byte */
    return (t + ONES8 * (0x80u - lo)) & ~(t + ONES8 * (0x7Fu - hi)) & HI8;
}

static inline void swar_classify(uint64_t v, uint64_t *word, uint64_t *alnum)
{
    uint64_t ascii = ~v & HI8;
    uint64_t t = v & ~HI8;
    uint64_t letters = swar_in(t | ONES8 * 0x20, 'a', 'z');
    uint64_t digits = swar_in(t, '0', '9');
    *alnum = (letters | digits) & ascii;
    *word = (letters | digits | swar_eq(t, '_') | swar_eq(t, '@')) & ascii;
}

/* Index of the lowest byte whose high bit is set in m (m != 0). */
static inline unsigned first_set_byte(uint64_t m)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(m) / 8;
#else
    unsigned n = 0;
    while (!(m & 0x80)) {
        m >>= 8;
        n++;
    }
    return n;
#endif
}

/* The end of the chunk holding byte i: the next ASCII white space. */
static size_t chunk_end(const unsigned char *s, size_t len, size_t i)
{
    while (i < len && !(s[i] < 0x80 && ascii_class[s[i]] == C_SPACE))
        i++;
    return i;
}

static bool is_word_class(uint8_t c)
{
    return c == C_AL || c == C_NU || c == C_ENL;
}

/* Is the word [start, end) a reference marker: one to three digits in
 * square brackets, glued to the text before it, alone or in a run
 * ("Seoul.[6]", "1578.[8][10]", "PBB)[4]")?  Text copied from Wikipedia
 * carries these; they are no words of the text (and would make every
 * cited passage match the query "10"). */
static bool citation_marker(const char *text, size_t len, size_t start, size_t end)
{
    if (end - start > 3 || start < 2 || end >= len || text[start - 1] != '[' || text[end] != ']')
        return false;
    for (size_t i = start; i < end; i++)
        if (text[i] < '0' || text[i] > '9')
            return false;
    size_t p = start - 1;              /* the '[' of the current group */
    while (p >= 3 && text[p - 1] == ']') {
        size_t q = p - 1;              /* back over an earlier "[digits]" */
        size_t d = 0;
        while (q > 0 && d <= 3 && text[q - 1] >= '0' && text[q - 1] <= '9') {
            q--;
            d++;
        }
        if (d == 0 || d > 3 || q == 0 || text[q - 1] != '[')
            break;
        p = q - 1;
    }
    if (p == 0)
        return false;
    unsigned char before = (unsigned char)text[p - 1];
    return !(before < 0x80 && ascii_class[before] == C_SPACE);
}

static void drop_citations(tokenizer *tz, const char *text, size_t len)
{
    size_t k = 0;
    for (size_t i = 0; i < tz->nwords; i++)
        if (!citation_marker(text, len, tz->words[i].start, tz->words[i].end))
            tz->words[k++] = tz->words[i];
    tz->nwords = k;
}

static int find_words(tokenizer *tz, const char *text, size_t len, bool force_icu);

int tokenize(tokenizer *tz, const char *text, size_t len, bool force_icu)
{
    pthread_once(&ascii_once, ascii_init);
    tz->nwords = 0;
    int rc = find_words(tz, text, len, force_icu);
    if (rc == 0 && memchr(text, '[', len))
        drop_citations(tz, text, len);
    return rc;
}

/* The words of text, by the fast path or ICU. */
static int find_words(tokenizer *tz, const char *text, size_t len, bool force_icu)
{
    if (force_icu)
        return len ? icu_chunk(tz, text, 0, len) : 0;
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, k;
    size_t chunk = 0, mark = 0;   /* start of the current chunk, words before it */
    int rc = 0;
    while (i < len) {
        unsigned char b = s[i];
        uint8_t c;
        if (b < 0x80) {
            c = ascii_class[b];
            k = 1;
            if (c == C_SPACE) {
                i++;
                chunk = i;
                mark = tz->nwords;
                continue;
            }
        } else {
            c = classify(s, len, i, &k);
        }
        if (c == C_ICU)
            goto icu;
        if (!is_word_class(c)) {
            i += k;
            continue;
        }
        /* A word starts at i. */
        size_t start = i;
        bool alnum = c == C_NU || (c == C_AL && b != '@');
        uint8_t last = c;
        i += k;
        for (;;) {
            /* the common case: a run of ASCII letters and digits, eight
             * bytes at a time while the text lasts */
            size_t run = i;
            uint8_t acc = 0, f;
            while (i + 8 <= len) {
                uint64_t v;
                memcpy(&v, s + i, 8);
                uint64_t word, alnum8;
                swar_classify(v, &word, &alnum8);
                uint64_t stop = ~word & HI8;
                if (!stop) {
                    acc |= alnum8 ? W_ALNUM : 0;
                    i += 8;
                    continue;
                }
                unsigned nb = first_set_byte(stop);
                uint64_t keep = nb ? HI8 >> (64 - 8 * nb) : 0;
                acc |= (alnum8 & keep) ? W_ALNUM : 0;
                i += nb;
                goto run_done;
            }
            while (i < len && ((f = byte_flags[s[i]]) & W_WORD)) {
                acc |= f;
                i++;
            }
        run_done:
            if (i > run) {
                last = ascii_class[s[i - 1]];
                alnum |= (acc & W_ALNUM) != 0;
            }
            if (i >= len)
                break;
            uint8_t c2;
            if (s[i] < 0x80) {
                c2 = ascii_class[s[i]];
                k = 1;
                if (c2 == C_SPACE || c2 == C_OTHER)
                    break;         /* the usual end of a word */
            } else {
                c2 = classify(s, len, i, &k);
            }
            if (c2 == C_ICU)
                goto icu;
            if (is_word_class(c2)) {
                alnum |= c2 == C_NU || (c2 == C_AL && s[i] != '@');
                last = c2;
                i += k;
                continue;
            }
            if (c2 == C_ML || c2 == C_MNL || c2 == C_SQ || c2 == C_MN) {
                size_t j = i + k, k3;
                if (j < len) {
                    uint8_t c3 = classify(s, len, j, &k3);
                    if (c3 == C_ICU) {
                        i = j;
                        goto icu;
                    }
                    bool letters = last == C_AL && c3 == C_AL && c2 != C_MN;
                    bool digits = last == C_NU && c3 == C_NU && c2 != C_ML;
                    if (letters || digits) {
                        alnum |= c3 == C_NU || s[j] != '@';
                        last = c3;
                        i = j + k3;
                        continue;
                    }
                }
            }
            break;
        }
        if (alnum && (rc = push(tz, start, i)) != 0)
            return rc;
        continue;
    icu:
        /* A character the fast rules do not know: ICU takes the whole chunk. */
        tz->nwords = mark;
        i = chunk_end(s, len, i);
        if ((rc = icu_chunk(tz, text, chunk, i)) != 0)
            return rc;
        chunk = i;
        mark = tz->nwords;
    }
    return 0;
}

void tokenizer_free(tokenizer *tz)
{
    if (tz->bi)
        ubrk_close(tz->bi);
    if (tz->ut_open)
        utext_close(&tz->ut);
    wfree(tz->words);
    memset(tz, 0, sizeof *tz);
}
