/*
 * walk_to_jsonl.c: writes the articles warta reads from any files or
 * directories (.txt, .md, .jsonl, ... through warta_walk) as one JSON Lines
 * file, so that the peers (which read only JSON Lines) index exactly the
 * titles and bodies warta indexes.  Used by compare.sh and eval.sh when a
 * corpus is a directory such as corpus/sample.  Uses only include/warta.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "warta.h"

/* Writes s[0..n) as a JSON string with quotes (the walk hands out valid UTF-8). */
static void put_str(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void put_field(FILE *f, const char *name, const char *s, size_t n)
{
    fprintf(f, ", \"%s\": ", name);
    if (s)
        put_str(f, s, n);
    else
        fputs("null", f);
}

static int on_article(void *ctx, const warta_article *a)
{
    FILE *f = ctx;
    fputs("{\"id\": ", f);
    put_str(f, a->id ? a->id : "", a->id_len);
    put_field(f, "title", a->title, a->title_len);
    put_field(f, "body", a->body, a->body_len);
    put_field(f, "date", a->date, a->date_len);
    put_field(f, "url", a->url, a->url_len);
    put_field(f, "source", a->source, a->source_len);
    fputs("}\n", f);
    return ferror(f) ? 1 : 0;
}

static void on_problem(void *ctx, const char *path, unsigned line, const char *what, bool skipped)
{
    (void)ctx;
    (void)skipped;
    if (line)
        fprintf(stderr, "walk_to_jsonl: %s:%u: %s\n", path, line, what);
    else
        fprintf(stderr, "walk_to_jsonl: %s: %s\n", path, what);
}

int main(int argc, char **argv)
{
    const char *out = "-";
    int first = 1;
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        puts("usage: walk_to_jsonl [-o OUT.jsonl] PATH...\n"
             "Writes every article warta reads from PATH... as JSON Lines "
             "(id, title, body, date, url, source).");
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "-o") == 0) {
        out = argv[2];
        first = 3;
    }
    if (first >= argc) {
        fputs("usage: walk_to_jsonl [-o OUT.jsonl] PATH...\n", stderr);
        return 2;
    }
    FILE *f = strcmp(out, "-") == 0 ? stdout : fopen(out, "w");
    if (!f) {
        fprintf(stderr, "walk_to_jsonl: %s: cannot create: %s\n", out, strerror(errno));
        return 1;
    }
    warta_walk_callbacks cb = {.article = on_article, .problem = on_problem, .ctx = f};
    warta_walk_stats st;
    int rc = warta_walk((const char *const *)(argv + first), (size_t)(argc - first), &cb, &st);
    int bad = fflush(f) != 0 || ferror(f);
    if (f != stdout && fclose(f) != 0)
        bad = 1;
    if (rc) {
        fprintf(stderr, "walk_to_jsonl: %s\n", rc > 0 ? "write error" : warta_strerror(rc));
        return 1;
    }
    if (bad) {
        fprintf(stderr, "walk_to_jsonl: %s: write error\n", out);
        return 1;
    }
    fprintf(stderr, "walk_to_jsonl: %llu articles from %llu files\n",
            (unsigned long long)st.articles, (unsigned long long)st.files);
    return 0;
}
