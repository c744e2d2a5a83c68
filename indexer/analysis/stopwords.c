/*
 * stopwords.c: the built-in Indonesian stopword list and the loader of a
 * user's list.  The list keeps to words that carry no topic: conjunctions,
 * prepositions, pronouns, auxiliaries, degree and aspect adverbs,
 * discourse particles and question words (users type questions: "apakah",
 * "siapakah", "bagaimana").  Content words that stopword lists often carry
 * (tahun, orang, baru, hari, kata, salah, hal) are kept searchable.
 */
#include "stopwords.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "corpus/base.h"
#include "warta.h"

const char *const stopwords_default[] = {
    /* conjunctions */
    "dan", "atau", "serta", "tetapi", "tapi", "namun", "melainkan", "sedangkan", "padahal",
    "karena", "karna", "jika", "jikalau", "kalau", "bila", "apabila", "maka", "agar", "supaya",
    "sehingga", "hingga", "bahwa", "bahwasanya", "meski", "meskipun", "walau", "walaupun",
    "biarpun", "sedang", "lalu", "kemudian", "selain", "kecuali", "yaitu", "yakni", "adapun",
    "lagipula", "bahkan", "pula", "juga", "pun", "ataupun", "maupun",
    /* prepositions */
    "di", "ke", "dari", "pada", "kepada", "daripada", "dalam", "untuk", "bagi", "dengan",
    "oleh", "tentang", "terhadap", "antara", "sejak", "selama", "tanpa", "atas", "akan",
    "menurut", "melalui", "sebagai", "seperti", "sampai", "hingga", "per", "demi", "via",
    /* time conjunctions */
    "saat", "ketika", "sewaktu", "sambil", "setelah", "sesudah", "sebelum", "seraya",
    /* determiners, demonstratives */
    "yang", "ini", "itu", "tersebut", "dimaksud", "para", "sang", "si", "sini", "situ", "sana",
    "begitu", "begini", "demikian", "sebuah", "seorang", "suatu", "setiap", "tiap", "semua",
    "segala", "seluruh", "beberapa", "masing", "sesuatu", "sebagian",
    /* pronouns */
    "aku", "saya", "kami", "kita", "engkau", "kau", "kamu", "anda", "dia", "ia", "beliau",
    "mereka", "kalian", "nya", "ku", "mu",
    /* auxiliaries, aspect, modality, negation */
    "adalah", "ialah", "merupakan", "ada", "tidak", "tak", "bukan", "belum", "sudah", "telah",
    "masih", "pernah", "sempat", "bisa", "dapat", "harus", "boleh", "mungkin", "hendak",
    "agak", "sangat", "amat", "sekali", "lebih", "paling", "terlalu", "hanya", "saja", "lagi",
    "tentu", "memang", "justru", "secara",
    /* particles and interjections */
    "lah", "kah", "tah", "dong", "kok", "sih", "deh", "nah", "toh", "pun", "ya", "oh", "wah",
    /* question words */
    "apa", "apakah", "siapa", "siapakah", "mana", "manakah", "dimana", "dimanakah", "kemana",
    "darimana", "bagaimana", "bagaimanakah", "bagaimanapun", "mengapa", "mengapakah",
    "kenapa", "kapan", "kapankah", "berapa", "berapakah", "bilamana", "adakah", "bukankah",
    "tidakkah", "bisakah", "dapatkah", "apapun", "siapapun", "manapun", "kapanpun",
    "seberapa", "seberapakah",
    /* words that ask for a definition ("Apa pengertian X?", "definisi X"):
     * like "dimaksud", they name no topic of their own */
    "pengertian", "definisi",
    /* abbreviations; and the honorifics written after the Prophet's and
     * God's names (SAW, SWT), which name no topic */
    "dll", "dsb", "dst", "yg", "dgn", "utk", "tdk", "sdh", "dr", "krn", "saw", "swt",
    NULL,
};

int stopwords_builtin(wordset *s)
{
    for (size_t i = 0; stopwords_default[i]; i++)
        if (wordset_add(s, stopwords_default[i], strlen(stopwords_default[i])) != 0)
            return WARTA_ENOMEM;
    return 0;
}

int stopwords_load(wordset *s, normalizer *nz, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err)
            snprintf(err, errlen, "%s: cannot read the stopword list: %s", path, strerror(errno));
        return WARTA_EIO;
    }
    char line[4096];
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
                         line[n - 1] == '\t'))
            n--;
        size_t b = 0;
        while (b < n && (line[b] == ' ' || line[b] == '\t'))
            b++;
        if (b == n || line[b] == '#')
            continue;
        char term[NORM_MAX + 1];
        size_t tn;
        rc = normalize_word(nz, line + b, n - b, term, &tn);
        if (rc != 0)
            break;
        if (tn > 0 && (rc = wordset_add(s, term, tn)) != 0)
            break;
    }
    if (rc == 0 && ferror(f)) {
        if (err)
            snprintf(err, errlen, "%s: cannot read the stopword list: %s", path, strerror(errno));
        rc = WARTA_EIO;
    }
    fclose(f);
    return rc;
}
