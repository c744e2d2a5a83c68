/*
 * test_markdown.c: the .md/.markdown reader (corpus/markdown.c): YAML front
 * matter fields, Markdown syntax removal, titles from headings, and
 * malformed front matter reported with its line.
 */
#include <criterion/criterion.h>

#include "corpus_collect.h"

static collect c;

static void teardown(void)
{
    cc_free(&c);
}

TestSuite(markdown, .fini = teardown);

static void read_data_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/md/%s", WARTA_TEST_DATA, name);
    const char *paths[] = {path};
    cr_assert_eq(cc_walk(&c, paths, 1), 0);
}

/* The Markdown-free text of s. */
static char *strip(const char *s)
{
    wbuf out = WBUF_INIT;
    markdown_strip(s, strlen(s), &out);
    char *r = strdup(out.data ? out.data : "");
    wbuf_free(&out);
    return r;
}

Test(markdown, reads_every_front_matter_field_and_ignores_others)
{
    read_data_file("full.md");
    cc_dump(&c);
    cr_assert_eq(c.narts, 1);
    const got_article *a = &c.arts[0];
    cr_expect_str_eq(a->id, "full.md");
    cr_expect_str_eq(a->title, "Rapat Kabinet Bahas Anggaran Pangan");
    cr_expect_str_eq(a->date, "2019-09-10T14:30");
    cr_expect_str_eq(a->url, "https://contoh.example/politik/rapat-kabinet");
    cr_expect_str_eq(a->source, "Kabar Contoh");
    cr_expect_str_eq(a->author, "Rina Marlina");
    cr_expect_str_eq(a->tags, "politik, anggaran");
    cr_expect_eq(c.nprobs, 0);
}

Test(markdown, removes_syntax_and_keeps_words)
{
    read_data_file("full.md");
    cr_assert_eq(c.narts, 1);
    const char *b = c.arts[0].body;
    static const char *const kept[] = {
        "Rapat Kabinet\n", "Presiden memimpin rapat terbatas tentang cadangan pangan di Istana Bogor.",
        "Suasana rapat", "Kita harus menjaga harga beras tetap stabil.", "\nbutir pertama\nbutir kedua\n",
        "\nlangkah satu\nlangkah dua\ntugas selesai\n", "echo kode_tetap", "Komoditas", "12000",
        "Tautan referensi laporan dan https://contoh.example/auto.", "Catatan", "penting",
        "Nama_file dan snake_case tetap;", "coret & selesai."};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        cr_expect(strstr(b, kept[i]) != NULL, "body lacks '%s':\n%s", kept[i], b);
    static const char *const gone[] = {"#", "**", "](", "![", "```", "> ", "- ", "|", "<div", "<b>",
                                       "komentar", "[lap]", "~~", "&amp;", "***", "layout", "post"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
        cr_expect(strstr(b, gone[i]) == NULL, "body keeps '%s':\n%s", gone[i], b);
}

Test(markdown, strips_inline_syntax)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"**tebal** dan *miring*", "tebal dan miring\n"},
        {"__tebal__ _miring_ snake_case", "tebal miring snake_case\n"},
        {"[teks](http://x.example/a_(b))", "teks\n"},
        {"![alt gambar](g.png)", "alt gambar\n"},
        {"`kode` biasa", "kode biasa\n"},
        {"## Sub judul ##", "Sub judul\n"},
        {"#tagar tetap", "#tagar tetap\n"},
        {">> kutipan bersarang", "kutipan bersarang\n"},
        {"10. butir", "butir\n"},
        {"a &lt; b &gt; c", "a < b > c\n"},
        {"teks <br/> lagi", "teks   lagi\n"},
        {"Judul\n=====\nIsi", "Judul\n\nIsi\n"},
        {"~~~\n# bukan heading\n~~~", "\n# bukan heading\n\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = strip(cases[i].in);
        cr_expect_str_eq(got, cases[i].out, "'%s' gave '%s'", cases[i].in, got);
        free(got);
    }
}

Test(markdown, takes_the_title_from_a_leading_heading)
{
    read_data_file("heading-title.md");
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].title, "Judul dari Heading");
    cr_expect_str_eq(c.arts[0].body, "Isi paragraf.");
}

Test(markdown, keeps_an_article_without_title_and_warns)
{
    read_data_file("no-title.md");
    cr_assert_eq(c.narts, 1);
    cr_expect(!c.arts[0].has_title);
    cr_expect_str_eq(c.arts[0].body, "Hanya isi tanpa judul.");
    cr_assert_eq(c.nprobs, 1);
    cr_expect(strstr(c.probs[0].what, "no title") != NULL);
    cr_expect(!c.probs[0].skipped);
    cr_expect_eq(c.stats.warnings, 1);
}

Test(markdown, reports_malformed_yaml_with_its_line_and_skips)
{
    read_data_file("bad-yaml.md");
    cr_expect_eq(c.narts, 0);
    cr_assert_eq(c.nprobs, 1);
    cr_expect(strstr(c.probs[0].what, "malformed YAML front matter") != NULL);
    cr_expect(c.probs[0].line >= 3 && c.probs[0].line <= 4, "line %u", c.probs[0].line);
    cr_expect(c.probs[0].skipped);
    cr_expect_eq(c.stats.skipped, 1);
}

Test(markdown, reports_unclosed_and_non_mapping_front_matter)
{
    read_data_file("unclosed.md");
    read_data_file("not-mapping.md");
    cr_expect_eq(c.narts, 0);
    cr_assert_eq(c.nprobs, 2);
    cr_expect(strstr(c.probs[0].what, "not closed") != NULL);
    cr_expect(strstr(c.probs[1].what, "not a mapping") != NULL);
    cr_expect_eq(c.stats.skipped, 2);
}

Test(markdown, warns_about_fields_of_the_wrong_type)
{
    read_data_file("wrong-types.md");
    cc_dump(&c);
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].id, "artikel-42");
    cr_expect_str_eq(c.arts[0].title, "Judul Heading");
    cr_expect_str_eq(c.arts[0].tags, "politik, ekonomi");
    cr_expect_str_eq(c.arts[0].author, "");
    cr_assert_eq(c.nprobs, 2);
    cr_expect_eq(c.probs[0].line, 2);
    cr_expect(strstr(c.probs[0].what, "'title' is not text") != NULL);
    cr_expect(strstr(c.probs[1].what, "'author' is not text") != NULL);
}

Test(markdown, treats_yaml_nulls_as_missing)
{
    cc_read(&c, "n.md", "---\ntitle: Judul\ndate: ~\nurl: null\nsource:\n---\nIsi.\n", CORPUS_MARKDOWN);
    cr_assert_eq(c.narts, 1);
    cr_expect(!c.arts[0].has_date);
    cr_expect_str_eq(c.arts[0].url, "");
    cr_expect_str_eq(c.arts[0].source, "");
    cr_expect_eq(c.nprobs, 0);
}

Test(markdown, reads_an_empty_front_matter)
{
    cc_read(&c, "e.md", "---\n---\n# Judul\nIsi.\n", CORPUS_MARKDOWN);
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].title, "Judul");
}

Test(markdown, does_not_take_a_thematic_break_for_front_matter)
{
    cc_read(&c, "b.md", "----- \n", CORPUS_MARKDOWN);
    cr_expect_eq(c.narts, 0);
    cr_expect_eq(c.stats.skipped, 1);
}

Test(markdown, refuses_deeply_nested_or_huge_front_matter_quickly)
{
    wbuf b = WBUF_INIT;
    wbuf_puts(&b, "---\ntitle: x\nz: ");
    for (int i = 0; i < 1000; i++)
        wbuf_puts(&b, "{a: ");
    wbuf_puts(&b, "1");
    for (int i = 0; i < 1000; i++)
        wbuf_putc(&b, '}');
    wbuf_puts(&b, "\n---\nIsi.\n");
    cc_read(&c, "deep.md", b.data, CORPUS_MARKDOWN);
    cr_expect_eq(c.narts, 0);
    cr_expect(cc_has_problem(&c, "nested deeper than 64 levels"));
    cr_expect_eq(c.probs[0].line, 3);
    wbuf_reset(&b);
    wbuf_puts(&b, "---\ntitle: x\nz: \"");
    for (int i = 0; i < 70000; i++)
        wbuf_putc(&b, 'a');
    wbuf_puts(&b, "\"\n---\nIsi.\n");
    cc_read(&c, "big.md", b.data, CORPUS_MARKDOWN);
    cr_expect(cc_has_problem(&c, "larger than 64 KiB"));
    wbuf_free(&b);
    /* brackets inside quotes do not count */
    cc_free(&c);
    cc_read(&c, "q.md", "---\ntitle: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n---\nIsi.\n",
            CORPUS_MARKDOWN);
    cr_expect_eq(c.narts, 1);
}
