/*
 * stem.c: Indonesian confix stripping against a root lexicon.
 *
 * A word that is itself a root stays.  Otherwise every way of reading the
 * word as  prefix{0,3} + root + derivational suffix + possessive + particle
 * is generated (prefixes with their allomorphs and recoding: men+ulis ->
 * tulis, meng+irim -> kirim, meny+apu -> sapu, mem+ukul -> pukul, menge+bom
 * -> bom, pem+erintah -> perintah, bel+ajar -> ajar), readings that break
 * the disallowed prefix-suffix pairs are dropped, and among the readings
 * whose root is in the lexicon the best is kept: licensed by the root's
 * affix flags first, then the longest root, the fewest recoded letters, the
 * fewest affixes.  Trying every suffix combination is the ECS "suffix
 * restoration loop" done exhaustively.  With no reading in the lexicon the
 * word is left as it is (names, loans and typos are better whole than cut).
 * Called by analyzer.c through its stem cache.
 */
#include "stem.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

/* Spelling variants: non-standard spellings common in news and on the web
 * (old or loan-word spellings: praktek, resiko, jadual, kwalitas, obyek,
 * sholat, samudera) and the standard KBBI spelling they are read as.  The
 * standard is what the lexicon holds, so an affixed variant finds its root
 * too (beresiko -> risiko, dijadualkan -> jadwal), and the article that
 * writes "risiko" answers the query "resiko".  Sorted by variant (bytewise)
 * for bsearch; test_stem checks the order. */
static const struct variant {
    const char *v;                 /* the variant spelling */
    const char *std;               /* the standard spelling it is read as */
} variants[] = {
    {"adzan", "azan"}, {"aktifitas", "aktivitas"}, {"analisa", "analisis"}, {"antri", "antre"},
    {"apotik", "apotek"}, {"atlit", "atlet"}, {"azas", "asas"}, {"budha", "buddha"},
    {"cidera", "cedera"}, {"cina", "china"}, {"diagnosa", "diagnosis"}, {"dzikir", "zikir"},
    {"efektifitas", "efektivitas"}, {"ekstrim", "ekstrem"}, {"fiqih", "fikih"},
    {"frekwensi", "frekuensi"}, {"hadist", "hadis"}, {"hadits", "hadis"},
    {"hakekat", "hakikat"}, {"himbau", "imbau"}, {"hipotesa", "hipotesis"}, {"hutang", "utang"},
    {"ijasah", "ijazah"}, {"ijin", "izin"}, {"isteri", "istri"}, {"jadual", "jadwal"},
    {"jaman", "zaman"}, {"jenasah", "jenazah"}, {"jendral", "jenderal"}, {"karir", "karier"},
    {"kharisma", "karisma"}, {"konkrit", "konkret"}, {"kreatifitas", "kreativitas"},
    {"kwalitas", "kualitas"}, {"kwantitas", "kuantitas"}, {"kwitansi", "kuitansi"},
    {"lembab", "lembap"}, {"lobang", "lubang"}, {"mesjid", "masjid"}, {"mushola", "musala"},
    {"musholla", "musala"}, {"nafas", "napas"}, {"nasehat", "nasihat"}, {"nomer", "nomor"},
    {"nopember", "november"}, {"obyek", "objek"}, {"obyektif", "objektif"},
    {"pebruari", "februari"}, {"pondasi", "fondasi"}, {"praktek", "praktik"},
    {"produktifitas", "produktivitas"}, {"propinsi", "provinsi"}, {"ramadhan", "ramadan"},
    {"rejeki", "rezeki"}, {"resiko", "risiko"}, {"samudera", "samudra"}, {"sekedar", "sekadar"},
    {"sekertaris", "sekretaris"}, {"seksama", "saksama"}, {"shalat", "salat"},
    {"sholat", "salat"}, {"silahkan", "silakan"}, {"sistim", "sistem"}, {"solat", "salat"},
    {"subyek", "subjek"}, {"supir", "sopir"}, {"tehnik", "teknik"}, {"tehnologi", "teknologi"},
    {"teoritis", "teoretis"}, {"tiongkok", "china"}, {"trampil", "terampil"}, {"ustad", "ustaz"},
    {"ustadz", "ustaz"},
    {"wudhu", "wudu"},
};
/* One country's three names in Indonesian news (China, Cina, Tiongkok)
 * are read as one, like the spellings above. */
#define NVARIANTS (sizeof variants / sizeof variants[0])
#define VARIANT_MIN 4              /* shortest variant (ijin) */
#define VARIANT_MAX 13             /* longest variant (produktifitas) */

/* Per first two letters, bit n set when a variant of n letters starts
 * with them: most candidate roots are refused without a search. */
static uint16_t variant_lens[26 * 26];
static pthread_once_t variant_once = PTHREAD_ONCE_INIT;

static void variant_init(void)
{
    for (size_t i = 0; i < NVARIANTS; i++) {
        const char *v = variants[i].v;
        variant_lens[(v[0] - 'a') * 26 + (v[1] - 'a')] |= (uint16_t)(1u << strlen(v));
    }
}

/* The table entry of r (n plain letters), or NULL when r is no variant. */
static const struct variant *variant_of(const char *r, size_t n)
{
    if (n < VARIANT_MIN || n > VARIANT_MAX)
        return NULL;
    pthread_once(&variant_once, variant_init);
    if (!(variant_lens[(r[0] - 'a') * 26 + (r[1] - 'a')] & (1u << n)))
        return NULL;
    size_t lo = 0, hi = NVARIANTS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *v = variants[mid].v;
        int c = strncmp(v, r, n);
        if (c == 0 && v[n] != '\0')
            c = 1;                     /* v is longer: it sorts after r */
        if (c == 0)
            return &variants[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *stem_variant(size_t i, const char **std)
{
    if (i >= NVARIANTS)
        return NULL;
    *std = variants[i].std;
    return variants[i].v;
}

/* Prefix types. */
enum { PX_DI, PX_KE, PX_SE, PX_BER, PX_TER, PX_MEN, PX_PEN, PX_PER, PX_COUNT };

/* Derivational suffixes. */
enum { DS_NONE, DS_I, DS_KAN, DS_AN };

#define MIN_ROOT 3
#define MAX_PREFIXES 3

typedef struct reading {
    char root[STEM_MAX_WORD + 2];  /* the candidate root, NUL-terminated */
    size_t len;                    /* its length */
    int tier;                      /* license_tier(): 2 licensed, 1 trusted; 3 bel+ajar */
    int recodes;                   /* letters restored by recoding (t of tulis) */
    int pieces;                    /* affixes removed */
    unsigned prefixes;             /* the prefix types removed (bit PX_*) */
    int dsuf;                      /* its derivational suffix (DS_*) */
} reading;

typedef struct search {
    const wordset *roots;          /* the lexicon, NULL for rules only */
    int dsuf;                      /* derivational suffix of the current reading */
    bool kumu;                     /* the current reading removed -ku or -mu */
    bool bel_ajar;                 /* the word holds bel-/pel- + ajar */
    int suffix_pieces;             /* suffixes removed in the current reading */
    reading best;                  /* best reading so far */
    bool have;                     /* best is set */
    const struct variant *var;     /* a spelling variant seen as a candidate root */
} search;

static const uint32_t prefix_lic[PX_COUNT] = {
    LIC_DI, LIC_KE, LIC_SE, LIC_BER, LIC_TER, LIC_MEN, LIC_PE, LIC_PE,
};

static bool is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static bool ends_with(const char *w, size_t n, const char *suf, size_t sn)
{
    return n >= sn && memcmp(w + n - sn, suf, sn) == 0;
}

/* The prefix-suffix pairs Indonesian does not form (be-i, di-an, ke-i,
 * ke-kan, me-an, se-i, se-kan, te-an; peN- makes nouns only with -an). */
static bool disallowed(int first, int dsuf)
{
    switch (first) {
    case PX_BER: return dsuf == DS_I;
    case PX_DI: return dsuf == DS_AN;
    case PX_KE: return dsuf == DS_I || dsuf == DS_KAN;
    case PX_MEN: return dsuf == DS_AN;
    case PX_SE: return dsuf == DS_I || dsuf == DS_KAN;
    case PX_TER: return dsuf == DS_AN;
    case PX_PEN: return dsuf == DS_I || dsuf == DS_KAN;
    default: return false;
    }
}

/* a is better than b. */
static bool better(const reading *a, const reading *b, bool rules_only)
{
    if (rules_only) {
        /* Without a lexicon: the most affixes, in their standard allomorph
         * (men+ulis -> tulis). */
        if (a->pieces != b->pieces)
            return a->pieces > b->pieces;
        if (a->recodes != b->recodes)
            return a->recodes > b->recodes;
        if (a->len != b->len)
            return a->len > b->len;
        return strcmp(a->root, b->root) < 0;
    }
    if (a->tier != b->tier)
        return a->tier > b->tier;
    if (a->len != b->len)
        return a->len > b->len;
    if (a->recodes != b->recodes)
        return a->recodes < b->recodes;
    if (a->pieces != b->pieces)
        return a->pieces < b->pieces;
    return strcmp(a->root, b->root) < 0;
}

static bool plausible_root(const char *r, size_t n)
{
    /* Rules only: a root has at least four letters and two vowels (two
     * syllables: ma-in, ta-ngan). */
    if (n < 4)
        return false;
    int vowels = 0;
    for (size_t i = 0; i < n; i++)
        vowels += is_vowel(r[i]);
    return vowels >= 2;
}

uint32_t stem_confix_bit(uint32_t prefix, uint32_t suffix)
{
    switch (prefix) {
    case LIC_DI: return suffix == LIC_I ? LIC_DI_I : suffix == LIC_KAN ? LIC_DI_KAN : 0;
    case LIC_KE: return suffix == LIC_AN ? LIC_KE_AN : 0;
    case LIC_SE: return suffix == LIC_AN ? LIC_SE_AN : 0;
    case LIC_BER: return suffix == LIC_KAN ? LIC_BER_KAN : suffix == LIC_AN ? LIC_BER_AN : 0;
    case LIC_TER: return suffix == LIC_I ? LIC_TER_I : suffix == LIC_KAN ? LIC_TER_KAN : 0;
    case LIC_MEN: return suffix == LIC_I ? LIC_MEN_I : suffix == LIC_KAN ? LIC_MEN_KAN : 0;
    case LIC_PE:
        return suffix == LIC_I ? LIC_PE_I : suffix == LIC_KAN ? LIC_PE_KAN
             : suffix == LIC_AN ? LIC_PE_AN : 0;
    default: return 0;
    }
}

static const uint32_t dsuf_lic[4] = {0, LIC_I, LIC_KAN, LIC_AN};

/* How much a reading is to be believed: 2 when the root's affix flags
 * license every affix; 1 when they do not, but the affixes are the
 * productive, unambiguous ones (di-, ter-, per-, meN-, ber-, -kan, -an) and
 * the root takes affixes at all; 0 (rejected) otherwise: ke-, se-, pe-,
 * -i, -ku, -mu are too often the first or last letters of a name or a
 * root (Kediri, Sepaku, Pemalang, Bekasi, Maluku) to be trusted without the
 * lexicon's word. */
static int license_tier(const search *S, uint32_t lic, int first)
{
    uint32_t suf = dsuf_lic[S->dsuf];
    if (first < 0 && !suf && !S->kumu)
        return 2;                      /* inflection only: -nya, particles */
    if (!(lic & LIC_ANY))
        return 0;
    bool ok = true;
    if (first >= 0 && suf) {
        uint32_t p = prefix_lic[first];
        ok = (lic & stem_confix_bit(p, suf)) || ((lic & p) && (lic & suf));
    } else if (first >= 0) {
        ok = (lic & prefix_lic[first]) != 0;
    } else if (suf == LIC_I) {
        /* the bare -i verb (akhiri) is the meN-i / di-i verb without its prefix */
        ok = (lic & (LIC_I | LIC_MEN_I | LIC_DI_I | LIC_TER_I)) != 0;
    } else if (suf == LIC_KAN) {
        ok = (lic & (LIC_KAN | LIC_MEN_KAN | LIC_DI_KAN | LIC_TER_KAN | LIC_BER_KAN)) != 0;
    } else if (suf) {
        ok = (lic & suf) != 0;
    }
    if (S->kumu && !(lic & LIC_KUMU))
        ok = false;
    if (ok)
        return 2;
    bool trusted_prefix = first < 0 || first == PX_DI || first == PX_TER || first == PX_PER ||
                          first == PX_MEN || first == PX_BER;
    bool trusted_suffix = S->dsuf == DS_NONE || S->dsuf == DS_KAN || S->dsuf == DS_AN;
    return trusted_prefix && trusted_suffix && !S->kumu ? 1 : 0;
}

static void consider(search *S, const char *r, size_t n, int first, unsigned prefixes,
                     int recodes, int pieces)
{
    if (n < MIN_ROOT || n > STEM_MAX_WORD)
        return;
    const struct variant *var = variant_of(r, n);
    if (var) {
        S->var = var;
        r = var->std;                  /* di+jadual+kan: the root is jadwal */
        n = strlen(r);
    }
    reading cand;
    if (S->roots) {
        uint32_t lic;
        if (!wordset_get(S->roots, r, n, &lic))
            return;
        cand.tier = license_tier(S, lic, first);
        if (S->bel_ajar && n >= 4 && memcmp(r, "ajar", 4) == 0)
            cand.tier = 3;             /* bel-/pel- exist only for ajar */
        if (cand.tier == 0)
            return;
    } else {
        if (!plausible_root(r, n))
            return;
        cand.tier = 0;
    }
    memcpy(cand.root, r, n);
    cand.root[n] = '\0';
    cand.len = n;
    cand.recodes = recodes;
    cand.pieces = pieces;
    cand.prefixes = prefixes;
    cand.dsuf = S->dsuf;
    if (!S->have || better(&cand, &S->best, S->roots == NULL)) {
        S->best = cand;
        S->have = true;
    }
}

static void strip_prefixes(search *S, const char *s, size_t n, int depth, unsigned used,
                           int first, int recodes, int pieces);

/* One way to remove a prefix of type t and `cut` letters from s, with
 * `recode` (0 or a letter) put back in front of what remains. */
static void try_prefix(search *S, const char *s, size_t n, int depth, unsigned used, int first,
                       int recodes, int pieces, int t, size_t cut, char recode)
{
    if (cut >= n || (used & (1u << t)))
        return;
    if (depth > 0 && (t == PX_DI || t == PX_MEN))
        return;
    if (depth == 0) {
        first = t;
        if (disallowed(first, S->dsuf))
            return;
    }
    char buf[STEM_MAX_WORD + 2];
    size_t rn = 0;
    if (recode)
        buf[rn++] = recode;
    memcpy(buf + rn, s + cut, n - cut);
    rn += n - cut;
    buf[rn] = '\0';
    int rc = recodes + (recode ? 1 : 0);
    consider(S, buf, rn, first, used | (1u << t), rc, pieces + 1);
    if (depth + 1 < MAX_PREFIXES)
        strip_prefixes(S, buf, rn, depth + 1, used | (1u << t), first, rc, pieces + 1);
}

/* meN- and peN- share their allomorphs: s starts with "me" or "pe". */
static void nasal_prefix(search *S, const char *s, size_t n, int depth, unsigned used, int first,
                         int recodes, int pieces, int t)
{
#define TRY(cut, recode) try_prefix(S, s, n, depth, used, first, recodes, pieces, t, cut, recode)
    if (n < 5)
        return;
    char c2 = s[2], c3 = s[3], c4 = n > 4 ? s[4] : 0;
    if (c2 == 'm') {
        if (c3 == 'b' || c3 == 'f' || c3 == 'v' || c3 == 'p')
            TRY(3, 0);                 /* mem+baca, mem+punyai (p kept in loans) */
        else if (is_vowel(c3)) {
            TRY(3, 'p');               /* mem+ukul -> pukul */
            TRY(2, 0);                 /* me+makan */
        }
    } else if (c2 == 'n') {
        if (c3 == 'g') {
            if (c4 == 'g' || c4 == 'h' || c4 == 'k')
                TRY(4, 0);             /* meng+gali, meng+hitung, meng+khawatir, meng+kritik */
            else if (is_vowel(c4)) {
                TRY(4, 'k');           /* meng+irim -> kirim */
                TRY(4, 0);             /* meng+ambil */
                TRY(2, 0);             /* me+nganga */
                if (c4 == 'e')
                    TRY(5, 0);         /* menge+bom */
            }
        } else if (c3 == 'y') {
            if (is_vowel(c4)) {
                TRY(4, 's');           /* meny+apu -> sapu */
                TRY(2, 0);             /* me+nyanyi */
            }
        } else if (c3 == 'c' || c3 == 'd' || c3 == 'j' || c3 == 'z' || c3 == 't' ||
                   (c3 == 's' && c4 == 'y')) {
            TRY(3, 0);                 /* men+cari, men+dengar, men+syukuri, men+taati */
        } else if (is_vowel(c3)) {
            TRY(3, 't');               /* men+ulis -> tulis */
            TRY(2, 0);                 /* me+nanti */
        }
    } else if ((c2 == 'l' || c2 == 'r' || c2 == 'w' || c2 == 'y') && is_vowel(c3)) {
        TRY(2, 0);                     /* me+lihat, me+rasa, me+warnai, me+yakini */
    } else if (t == PX_PEN && !is_vowel(c2) && is_vowel(c3)) {
        TRY(2, 0);                     /* pe+kerja, pe+tani, pe+dagang */
    }
#undef TRY
}

static void strip_prefixes(search *S, const char *s, size_t n, int depth, unsigned used,
                           int first, int recodes, int pieces)
{
#define TRY(t, cut) try_prefix(S, s, n, depth, used, first, recodes, pieces, t, cut, 0)
    if (n < MIN_ROOT + 2)
        return;
    char c0 = s[0], c1 = s[1], c2 = s[2];
    char c3 = n > 3 ? s[3] : 0, c4 = n > 4 ? s[4] : 0;
    if (c0 == 'd' && c1 == 'i')
        TRY(PX_DI, 2);
    else if (c0 == 'k' && c1 == 'e')
        TRY(PX_KE, 2);
    else if (c0 == 's' && c1 == 'e')
        TRY(PX_SE, 2);
    else if (c0 == 'b' && c1 == 'e') {
        if (c2 == 'r')
            TRY(PX_BER, 3);            /* ber+main */
        if (c2 == 'r' && is_vowel(c3))
            TRY(PX_BER, 2);            /* be+rambut */
        else if (c2 == 'l' && n >= 7 && memcmp(s + 3, "ajar", 4) == 0)
            TRY(PX_BER, 3);            /* bel+ajar: the only root taking bel- */
        else if (!is_vowel(c2) && c3 == 'e' && c4 == 'r')
            TRY(PX_BER, 2);            /* be+kerja, be+serta: first syllable ends in -er */
    } else if (c0 == 't' && c1 == 'e') {
        if (c2 == 'r')
            TRY(PX_TER, 3);
        if (c2 == 'r' && is_vowel(c3))
            TRY(PX_TER, 2);            /* te+rasa */
        else if (!is_vowel(c2) && c3 == 'e' && c4 == 'r')
            TRY(PX_TER, 2);            /* te+percaya */
    } else if (c0 == 'm' && c1 == 'e') {
        nasal_prefix(S, s, n, depth, used, first, recodes, pieces, PX_MEN);
    } else if (c0 == 'p' && c1 == 'e') {
        if (c2 == 'r')
            TRY(PX_PER, 3);            /* per+baik+i, per+tani+an */
        if (c2 == 'l' && n >= 7 && memcmp(s + 3, "ajar", 4) == 0)
            TRY(PX_PEN, 3);            /* pel+ajar */
        nasal_prefix(S, s, n, depth, used, first, recodes, pieces, PX_PEN);
    }
#undef TRY
}

static const struct {
    const char *s;
    size_t n;
} particles[] = {{"", 0}, {"lah", 3}, {"kah", 3}, {"tah", 3}, {"pun", 3}},
  possessives[] = {{"", 0}, {"ku", 2}, {"mu", 2}, {"nya", 3}},
  derivations[] = {{"", 0}, {"i", 1}, {"kan", 3}, {"an", 2}};

static bool plain_word(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (w[i] < 'a' || w[i] > 'z')
            return false;
    return true;
}

/* Rules only (no lexicon): the greedy Nazief-Adriani order with the
 * standard allomorph of each prefix, every step kept only when what remains
 * still looks like a root. */
static bool ends(const char *w, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(w + n - k, suf, k) == 0;
}

/* One prefix in its standard allomorph: returns the remainder's length and
 * writes it to out, or 0.  *type receives the prefix type. */
static size_t rules_prefix(const char *s, size_t n, char *out, int *type)
{
    size_t cut = 0;
    char recode = 0;
    if (n < 6)
        return 0;
    char c2 = s[2], c3 = s[3], c4 = s[4];
    if (s[0] == 'd' && s[1] == 'i') {
        *type = PX_DI;
        cut = 2;
    } else if (s[0] == 'k' && s[1] == 'e') {
        *type = PX_KE;
        cut = 2;
    } else if (s[0] == 's' && s[1] == 'e') {
        *type = PX_SE;
        cut = 2;
    } else if ((s[0] == 'b' || s[0] == 't') && s[1] == 'e') {
        *type = s[0] == 'b' ? PX_BER : PX_TER;
        if (c2 == 'r')
            cut = 3;
        else if (!is_vowel(c2) && c3 == 'e' && c4 == 'r')
            cut = 2;
        else if (s[0] == 'b' && c2 == 'l' && memcmp(s + 3, "ajar", 4) == 0)
            cut = 3;
    } else if ((s[0] == 'm' || s[0] == 'p') && s[1] == 'e') {
        *type = s[0] == 'm' ? PX_MEN : PX_PEN;
        if (s[0] == 'p' && c2 == 'r') {
            *type = PX_PER;
            cut = 3;
        } else if (c2 == 'm' && (c3 == 'b' || c3 == 'f' || c3 == 'v' || c3 == 'p')) {
            cut = 3;
        } else if (c2 == 'm' && is_vowel(c3)) {
            cut = 3;
            recode = 'p';
        } else if (c2 == 'n' && c3 == 'g' && (c4 == 'g' || c4 == 'h' || c4 == 'k' || is_vowel(c4))) {
            cut = 4;
        } else if (c2 == 'n' && c3 == 'y' && is_vowel(c4)) {
            cut = 4;
            recode = 's';
        } else if (c2 == 'n' && (c3 == 'c' || c3 == 'd' || c3 == 'j' || c3 == 'z' || c3 == 't')) {
            cut = 3;
        } else if (c2 == 'n' && is_vowel(c3)) {
            cut = 3;
            recode = 't';
        } else if ((c2 == 'l' || c2 == 'r' || c2 == 'w' || c2 == 'y') && is_vowel(c3)) {
            cut = 2;
        } else if (s[0] == 'p' && !is_vowel(c2) && is_vowel(c3)) {
            cut = 2;
        }
    }
    if (!cut)
        return 0;
    size_t k = 0;
    if (recode)
        out[k++] = recode;
    memcpy(out + k, s + cut, n - cut);
    k += n - cut;
    out[k] = '\0';
    return plausible_root(out, k) ? k : 0;
}

static size_t rules_stem(const char *w, size_t n, char *out)
{
    static const char *const particles_[] = {"lah", "kah", "pun"};
    static const char *const possessives_[] = {"nya", "ku", "mu"};
    for (size_t i = 0; i < 3; i++)
        if (ends(w, n, particles_[i]) && plausible_root(w, n - 3)) {
            n -= 3;
            break;
        }
    for (size_t i = 0; i < 3; i++) {
        size_t k = strlen(possessives_[i]);
        if (ends(w, n, possessives_[i]) && plausible_root(w, n - k)) {
            n -= k;
            break;
        }
    }
    int d = DS_NONE;
    size_t dn = 0;
    if (ends(w, n, "kan") && plausible_root(w, n - 3)) {
        d = DS_KAN;
        dn = 3;
    } else if (ends(w, n, "an") && plausible_root(w, n - 2)) {
        d = DS_AN;
        dn = 2;
    } else if (ends(w, n, "i") && !ends(w, n, "ai") && !ends(w, n, "si") &&
               plausible_root(w, n - 1)) {
        d = DS_I;
        dn = 1;
    }
    char a[STEM_MAX_WORD + 2], b[STEM_MAX_WORD + 2];
    int type = -1;
    /* With the suffix removed first; if no prefix comes off then, the
     * suffix goes back and the prefix is tried on the whole (ECS's
     * restoration: berlari is ber+lari, not berlar+i). */
    size_t m = n - dn, k = 0;
    memcpy(a, w, m);
    a[m] = '\0';
    if (dn) {
        k = rules_prefix(a, m, b, &type);
        if (k && disallowed(type, d))
            k = 0;
        if (!k) {
            size_t k2 = rules_prefix(w, n, b, &type);
            if (k2) {
                m = n;
                k = k2;
            }
        }
    } else {
        k = rules_prefix(a, m, b, &type);
    }
    if (k) {
        memcpy(a, b, k + 1);
        m = k;
        int t2;
        size_t k2 = rules_prefix(a, m, b, &t2);
        if (k2 && (type == PX_DI || type == PX_MEN || type == PX_KE) &&
            (t2 == PX_PER || t2 == PX_BER || t2 == PX_TER || t2 == PX_PEN)) {
            memcpy(a, b, k2 + 1);
            m = k2;
        }
    }
    memcpy(out, a, m);
    out[m] = '\0';
    return m;
}

static size_t stem_spelled(const wordset *roots, const char *w, size_t n, char *out, bool respelled);

/* Homograph roots: "diri" of the lexicon is three words that its affixes
 * tell apart.  Bare or with -nya/-ku/-mu it is the reflexive, self
 * (dirinya, percaya diri, mengundurkan diri), by far the most frequent; with
 * a derivational affix it is "diri" II, to stand, to found (berdiri,
 * mendirikan, didirikan, pendiri, pendirian), and ter- alone gives terdiri,
 * to consist of.  A question about a founding ("Kapan X didirikan?") would
 * otherwise match every text saying "dirinya".  The other two words get
 * their usual verb form as their term: berdiri, terdiri.  Measured on the
 * TyDi train questions (docs/ANALYSIS.md); the same reading of "tinggal"
 * (meninggal, to die), "temu" (to meet, to find) and "jadi" (terjadi, to
 * happen) gained nothing and is not made. */
static const char *homograph(const reading *r)
{
    if (r->len != 4 || memcmp(r->root, "diri", 4) != 0)
        return NULL;
    if (r->prefixes == 0 && r->dsuf == DS_NONE)
        return NULL;
    if (r->prefixes == 1u << PX_TER && r->dsuf == DS_NONE)
        return "terdiri";
    return "berdiri";
}

size_t stem_word(const wordset *roots, const char *w, size_t n, char *out)
{
    return stem_spelled(roots, w, n, out, false);
}

/* The word w with its variant var (found in w) in the standard spelling,
 * stemmed: beresiko is read as berisiko.  The stem of the standard word, or
 * the standard word itself when it has no reading either. */
static size_t respell(const wordset *roots, const char *w, size_t n, const struct variant *var,
                      char *out)
{
    size_t vn = strlen(var->v), sn = strlen(var->std);
    const char *at = NULL;
    for (size_t i = 0; i + vn <= n && !at; i++)
        if (memcmp(w + i, var->v, vn) == 0)
            at = w + i;
    if (!at || n - vn + sn > STEM_MAX_WORD) {
        memcpy(out, w, n);
        out[n] = '\0';
        return n;
    }
    char buf[STEM_MAX_WORD + 2];
    size_t k = (size_t)(at - w);
    memcpy(buf, w, k);
    memcpy(buf + k, var->std, sn);
    memcpy(buf + k + sn, at + vn, n - k - vn);
    size_t bn = n - vn + sn;
    buf[bn] = '\0';
    return stem_spelled(roots, buf, bn, out, true);
}

/* stem_word; respelled: w is already a respelled variant (no second round). */
static size_t stem_spelled(const wordset *roots, const char *w, size_t n, char *out, bool respelled)
{
    if (n < 4 || n > STEM_MAX_WORD || !plain_word(w, n)) {
        memcpy(out, w, n);
        out[n] = '\0';
        return n;
    }
    /* A spelling variant is read as its standard spelling (resiko -> risiko). */
    const struct variant *var = variant_of(w, n);
    if (var) {
        size_t sn = strlen(var->std);
        memcpy(out, var->std, sn + 1);
        return sn;
    }
    /* Arabic loans end in -iah in the standard spelling and often in -iyah
     * in names and older texts (hijriyah, ilmiyah, Muhammadiyah): the
     * -iyah spelling is read as -iah. */
    if (!respelled && n >= 6 && memcmp(w + n - 4, "iyah", 4) == 0) {
        char buf[STEM_MAX_WORD + 2];
        memcpy(buf, w, n - 4);
        memcpy(buf + n - 4, "iah", 4);
        return stem_spelled(roots, buf, n - 1, out, true);
    }
    /* bel-/pel- + ajar anywhere in the word (belajar, mempelajari). */
    bool bel_ajar = false;
    for (size_t i = 0; i + 7 <= n && !bel_ajar; i++)
        bel_ajar = (w[i] == 'b' || w[i] == 'p') && memcmp(w + i + 1, "elajar", 6) == 0;
    if (!roots)
        return rules_stem(w, n, out);
    /* A word that is itself a root stays (beruang is not ber+uang). */
    if (!bel_ajar && wordset_has(roots, w, n)) {
        memcpy(out, w, n);
        out[n] = '\0';
        return n;
    }
    search S;
    memset(&S, 0, sizeof S);
    S.roots = roots;
    S.bel_ajar = bel_ajar;
    for (size_t p = 0; p < sizeof particles / sizeof particles[0]; p++) {
        if (!ends_with(w, n, particles[p].s, particles[p].n))
            continue;
        size_t n1 = n - particles[p].n;
        for (size_t q = 0; q < sizeof possessives / sizeof possessives[0]; q++) {
            if (!ends_with(w, n1, possessives[q].s, possessives[q].n))
                continue;
            size_t n2 = n1 - possessives[q].n;
            for (size_t d = 0; d < sizeof derivations / sizeof derivations[0]; d++) {
                if (!ends_with(w, n2, derivations[d].s, derivations[d].n))
                    continue;
                size_t n3 = n2 - derivations[d].n;
                if (n3 < MIN_ROOT)
                    continue;
                S.dsuf = (int)d;
                S.kumu = q == 1 || q == 2;
                int sp = (p > 0) + (q > 0) + (d > 0);
                S.suffix_pieces = sp;
                if (sp > 0)
                    consider(&S, w, n3, -1, 0, 0, sp);
                strip_prefixes(&S, w, n3, 0, 0, -1, 0, sp);
            }
        }
    }
    if (!S.have && S.var && !respelled)
        return respell(roots, w, n, S.var, out);
    if (!S.have) {
        memcpy(out, w, n);
        out[n] = '\0';
        return n;
    }
    const char *h = homograph(&S.best);
    if (h) {
        size_t hn = strlen(h);
        memcpy(out, h, hn + 1);
        return hn;
    }
    memcpy(out, S.best.root, S.best.len + 1);
    return S.best.len;
}
