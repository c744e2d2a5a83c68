/*
 * txt.c: the .txt reader for articles as scrapers save them.  The first
 * non-empty line is the title and the rest the body, minus the furniture
 * news sites wrap around text: ad markers ("[iklan_2]"), "Baca juga: ..."
 * links, "Editor: X" and "Penulis: X" credits, "ADVERTISEMENT", "Simak
 * video ..." prompts, share-button lines, "Ikuti kami di Google News", a
 * trailing "Komentar (0)".  A "Sumber: <url>" line becomes the url, a
 * "Sumber: Name" line the source, a date-only line the date, "Tags: a, b"
 * the tags; a photo caption keeps its words but loses its "(Sumber: X) |"
 * tail.  A file starting with "---" has YAML front matter (markdown.c).
 */
#include "corpus.h"

#include <string.h>

/* Case-insensitive ASCII comparison of the start of s with word. */
static bool starts_ci(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    if (n < k)
        return false;
    for (size_t i = 0; i < k; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return false;
    }
    return true;
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* True when s starts with word followed by a non-letter (or the end). */
static bool starts_word(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    return starts_ci(s, n, word) && (n == k || !is_letter(s[k]));
}

static void trim_span(const char **s, size_t *n)
{
    while (*n && ((*s)[0] == ' ' || (*s)[0] == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
    /* No-break spaces as scraped pages often carry. */
    while (*n >= 2 && (unsigned char)(*s)[0] == 0xC2 && (unsigned char)(*s)[1] == 0xA0)
        *s += 2, *n -= 2;
    while (*n >= 2 && (unsigned char)(*s)[*n - 2] == 0xC2 && (unsigned char)(*s)[*n - 1] == 0xA0)
        *n -= 2;
}

/* "Key: value" or "Key : value" with one of the keys (case-insensitive);
 * the value goes to (*val, *vlen). */
static bool key_line(const char *s, size_t n, const char *const *keys, const char **val, size_t *vlen)
{
    for (; *keys; keys++) {
        size_t k = strlen(*keys);
        if (!starts_ci(s, n, *keys))
            continue;
        size_t i = k;
        while (i < n && s[i] == ' ')
            i++;
        if (i >= n || s[i] != ':')
            continue;
        i++;
        *val = s + i;
        *vlen = n - i;
        trim_span(val, vlen);
        return true;
    }
    return false;
}

static bool looks_like_url(const char *s, size_t n)
{
    if (!(starts_ci(s, n, "http://") || starts_ci(s, n, "https://") || starts_ci(s, n, "www.")))
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ' || s[i] == '\t')
            return false;
    return true;
}

/* "[iklan_2]", "[ads]", "[advertisement]": an ad placeholder at s. */
static size_t ad_marker(const char *s, size_t n)
{
    static const char *const words[] = {"[iklan", "[ads", "[ad_", "[advert", "[banner", "[sponsor", NULL};
    for (const char *const *w = words; *w; w++) {
        if (!starts_ci(s, n, *w))
            continue;
        const char *e = memchr(s, ']', n < 40 ? n : 40);
        if (e)
            return (size_t)(e - s) + 1;
    }
    return 0;
}

/* A line made only of share-button words. */
static bool share_line(const char *s, size_t n)
{
    static const char *const words[] = {
        "bagikan", "share", "facebook", "twitter", "whatsapp", "telegram", "linkedin", "tweet",
        "email", "e-mail", "copy", "link", "salin", "tautan", "artikel", "ini", "ke", "line", "x",
        "pinterest", "google", "messenger", "print", "cetak", NULL};
    bool any = false;
    size_t i = 0;
    if (n > 120)
        return false;
    while (i < n) {
        if (!is_letter(s[i])) {
            if (!strchr(" \t|:,/-", s[i]) && !((unsigned char)s[i] == 0xE2 && i + 2 < n))
                return false;
            i += (unsigned char)s[i] == 0xE2 ? 3 : 1; /* bullets and dashes: U+2022, U+2013... */
            continue;
        }
        size_t j = i;
        while (j < n && (is_letter(s[j]) || s[j] == '-'))
            j++;
        bool known = false;
        for (const char *const *w = words; *w; w++)
            if (strlen(*w) == j - i && starts_ci(s + i, j - i, *w))
                known = true;
        if (!known)
            return false;
        if (starts_ci(s + i, j - i, "bagikan") || starts_ci(s + i, j - i, "share") ||
            starts_ci(s + i, j - i, "salin") || starts_ci(s + i, j - i, "tweet"))
            any = true;
        i = j;
    }
    return any;
}

/* What a line is, for the reader. */
enum line_kind { LINE_TEXT, LINE_DROP, LINE_URL, LINE_SOURCE, LINE_AUTHOR, LINE_TAGS, LINE_DATE };

/* What the line s is.  Before the title (title_done false), "FOTO: ..." and
 * "VIDEO: ..." are headlines, not credits. */
static int classify(const char *s, size_t n, bool title_done, const char **val, size_t *vlen, char date[32])
{
    static const char *const source_keys[] = {"sumber", "source", NULL};
    static const char *const author_keys[] = {"penulis", "reporter", "pewarta", "oleh", "author", NULL};
    static const char *const credit_keys[] = {"foto", "video", "editor", "penyunting", "redaktur",
                                              "kontributor", "editing", NULL};
    static const char *const tag_keys[] = {"tags", "tag", "topik", "kata kunci", "topic", NULL};
    size_t k = ad_marker(s, n);
    if (k == n)
        return LINE_DROP;
    if (key_line(s, n, source_keys, val, vlen)) {
        if (looks_like_url(*val, *vlen))
            return LINE_URL;
        if (*vlen && *vlen <= 60)
            return LINE_SOURCE;
    }
    if (key_line(s, n, author_keys, val, vlen) && *vlen && *vlen <= 80)
        return LINE_AUTHOR;
    if (key_line(s, n, credit_keys + (title_done ? 0 : 2), val, vlen) && *vlen <= 100)
        return LINE_DROP;
    if (key_line(s, n, tag_keys, val, vlen) && *vlen <= 300)
        return LINE_TAGS;
    if (starts_word(s, n, "baca juga") || starts_word(s, n, "baca selengkapnya") ||
        starts_word(s, n, "lihat juga") || starts_word(s, n, "simak juga") ||
        starts_word(s, n, "simak video") || starts_word(s, n, "tonton video") ||
        starts_word(s, n, "saksikan video") || starts_word(s, n, "lihat video") ||
        starts_word(s, n, "klik di sini") || starts_word(s, n, "scroll to") ||
        starts_word(s, n, "copyright") || starts_word(s, n, "hak cipta") ||
        starts_ci(s, n, "\xC2\xA9"))
        return LINE_DROP;
    if (starts_word(s, n, "komentar") || starts_word(s, n, "comments")) {
        size_t i = 8; /* both words have eight letters */
        while (i < n && (s[i] == ' ' || s[i] == '(' || s[i] == ')' || (s[i] >= '0' && s[i] <= '9')))
            i++;
        if (i == n)
            return LINE_DROP;
    }
    if (starts_word(s, n, "ikuti") && n <= 200) {
        for (size_t i = 0; i + 6 <= n; i++)
            if (starts_ci(s + i, n - i, "google news") || starts_ci(s + i, n - i, "channel") ||
                starts_ci(s + i, n - i, "whatsapp") || starts_ci(s + i, n - i, "telegram"))
                return LINE_DROP;
    }
    if ((n <= 60 && starts_word(s, n, "advertisement")) || (n <= 8 && starts_word(s, n, "iklan")))
        return LINE_DROP;
    if (share_line(s, n))
        return LINE_DROP;
    if (n <= 80 && warta_date_normalize(s, n, date))
        return LINE_DATE;
    return LINE_TEXT;
}

/* Appends a body line with ad markers removed and a caption's
 * "(Sumber: X) |" tail cut. */
static void append_text(wbuf *out, const char *s, size_t n)
{
    if (n && s[n - 1] == '|') {
        n--;
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (n && s[n - 1] == ')') {
            /* Find the opening parenthesis of the tail. */
            size_t i = n - 1;
            while (i > 0 && s[i] != '(')
                i--;
            if (s[i] == '(' && (starts_ci(s + i + 1, n - i - 1, "sumber") || starts_ci(s + i + 1, n - i - 1, "foto") ||
                                starts_ci(s + i + 1, n - i - 1, "source") || starts_ci(s + i + 1, n - i - 1, "photo") ||
                                starts_ci(s + i + 1, n - i - 1, "ilustrasi"))) {
                n = i;
                while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
                    n--;
            }
        }
    }
    size_t i = 0;
    while (i < n) {
        const char *b = memchr(s + i, '[', n - i);
        if (!b) {
            wbuf_append(out, s + i, n - i);
            break;
        }
        size_t at = (size_t)(b - s);
        size_t k = ad_marker(b, n - at);
        wbuf_append(out, s + i, at - i + (k ? 0 : 1));
        i = at + (k ? k : 1);
    }
}

int txt_read(corpus_reader *r, const char *data, size_t len)
{
    corpus_front fm;
    size_t off;
    int rc = front_matter_begin(r, data, len, &fm, &off);
    if (rc != 0) {
        if (rc == 1)
            rc = 0; /* malformed: reported, the article skipped */
        goto out_free_front;
    }
    corpus_fields f = fm.f;
    /* Values found in the text; the front matter's win. */
    const char *val;
    size_t vlen;
    char date[32];
    bool title_done = f.title_len > 0;
    bool blank = false;
    wbuf *out = &r->text;
    wbuf_reset(out);
    size_t title_end = 0, body_start = 0;
    while (off < len) {
        const char *s = data + off;
        const char *e = memchr(s, '\n', len - off);
        size_t n = e ? (size_t)(e - s) : len - off;
        off += e ? n + 1 : n;
        trim_span(&s, &n);
        if (n == 0) {
            blank = true;
            continue;
        }
        switch (classify(s, n, title_done, &val, &vlen, date)) {
        case LINE_DROP:
            continue;
        case LINE_URL:
            if (!f.url_len)
                f.url = val, f.url_len = vlen;
            continue;
        case LINE_SOURCE:
            if (!f.source_len)
                f.source = val, f.source_len = vlen;
            continue;
        case LINE_AUTHOR:
            if (!f.author_len)
                f.author = val, f.author_len = vlen;
            continue;
        case LINE_TAGS:
            if (!f.tags_len)
                f.tags = val, f.tags_len = vlen;
            continue;
        case LINE_DATE:
            if (!f.date_len && title_done) {
                f.date = s, f.date_len = n;
                continue;
            }
            break;
        default:
            break;
        }
        if (!title_done) {
            append_text(out, s, n);
            title_end = out->len;
            body_start = out->len;
            title_done = true;
            blank = false;
            continue;
        }
        if (out->len > body_start)
            wbuf_append(out, blank ? "\n\n" : "\n", blank ? 2 : 1);
        blank = false;
        append_text(out, s, n);
    }
    if (out->oom) {
        rc = WARTA_ENOMEM;
        goto out_free_front;
    }
    if (title_end) {
        f.title = out->data;
        f.title_len = title_end;
    }
    f.body = out->data ? out->data + body_start : NULL;
    f.body_len = out->len - body_start;
    rc = corpus_emit(r, &f, 0);
out_free_front:
    front_matter_free(&fm);
    return rc;
}
