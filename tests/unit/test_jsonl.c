/*
 * test_jsonl.c: the JSON Lines and .json readers (corpus/jsonl.c): fields
 * and their alternatives, ids, nulls, escapes, malformed lines reported as
 * PATH:LINE, gzip (whole, truncated, not gzip at all), and agreement of the
 * fast line parser with jansson.
 */
#include <criterion/criterion.h>
#include <jansson.h>

#include "corpus_collect.h"

static collect c;

static void teardown(void)
{
    cc_free(&c);
}

TestSuite(jsonl, .fini = teardown);

static void read_data_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/jsonl/%s", WARTA_TEST_DATA, name);
    const char *paths[] = {path};
    cr_assert_eq(cc_walk(&c, paths, 1), 0);
}

static const got_article *find(const char *id)
{
    for (size_t i = 0; i < c.narts; i++)
        if (strcmp(c.arts[i].id, id) == 0)
            return &c.arts[i];
    cr_assert_fail("no article with id '%s'", id);
    return NULL;
}

static const got_problem *problem_at(unsigned line)
{
    for (size_t i = 0; i < c.nprobs; i++)
        if (c.probs[i].line == line)
            return &c.probs[i];
    cr_assert_fail("no problem at line %u", line);
    return NULL;
}

Test(jsonl, reads_fields_and_ignores_others)
{
    read_data_file("articles.jsonl");
    cc_dump(&c);
    const got_article *a = find("a-1");
    cr_expect_str_eq(a->title, "Harga Cabai Naik");
    cr_expect_str_eq(a->body, "Harga cabai di pasar naik tajam.");
    cr_expect_str_eq(a->date, "2019-09-10T13:30"); /* date joined with its separate time */
    cr_expect_str_eq(a->url, "https://contoh.example/1");
    cr_expect_str_eq(a->source, "contoh.example");
    cr_expect_eq(a->line, 1);
    cr_expect(strstr(a->path, "articles.jsonl") != NULL);
}

Test(jsonl, takes_content_or_text_when_body_is_missing)
{
    read_data_file("articles.jsonl");
    cr_expect_str_eq(find("42")->body, "Isi dari field content.");
    cr_expect_str_eq(find("articles.jsonl:3")->body, "Isi dari field text.");
}

Test(jsonl, uses_the_id_field_else_path_and_line)
{
    read_data_file("articles.jsonl");
    cr_expect_str_eq(find("42")->title, "Id Angka");
    const got_article *a = find("articles.jsonl:3");
    cr_expect_eq(a->line, 3);
    cr_expect(!a->has_date);
    cr_expect_str_eq(a->url, "");
}

Test(jsonl, decodes_escapes)
{
    read_data_file("articles.jsonl");
    const got_article *a = find("a-5");
    cr_expect_str_eq(a->title, "Kutip \"ganda\" dan caf\xC3\xA9 \xF0\x9F\x98\x80");
    cr_expect_str_eq(a->body, "Baris\nbaru\ttab / garis");
    cr_expect_str_eq(a->author, "Ani");
    cr_expect_str_eq(a->tags, "satu, dua");
}

Test(jsonl, reports_bad_lines_and_goes_on)
{
    read_data_file("articles.jsonl");
    cr_expect_eq(c.narts, 8);
    const got_problem *p = problem_at(7);
    cr_expect(strstr(p->what, "malformed JSON") != NULL);
    cr_expect(strstr(p->what, "line skipped") != NULL);
    cr_expect(p->skipped);
    p = problem_at(8);
    cr_expect(strstr(p->what, "not an object") != NULL);
    p = problem_at(9);
    cr_expect(strstr(p->what, "unparseable date 'kemarin sore'") != NULL);
    cr_expect(!p->skipped);
    p = problem_at(11);
    cr_expect(strstr(p->what, "neither title nor body") != NULL);
    cr_expect(cc_has_problem(&c, "field 'title' is not text"));
    cr_expect_eq(c.stats.skipped, 3);
    cr_expect_eq(c.stats.warnings, 4);
    cr_expect_eq(c.stats.articles, 8);
}

Test(jsonl, keeps_a_null_title_with_a_warning)
{
    read_data_file("articles.jsonl");
    const got_article *a = find("a-4");
    cr_expect(!a->has_title);
    cr_expect_str_eq(a->body, "Isi tanpa judul.");
    cr_expect(strstr(problem_at(5)->what, "no title") != NULL);
}

Test(jsonl, lets_the_last_duplicate_key_win)
{
    read_data_file("articles.jsonl");
    cr_expect_str_eq(find("a-11")->body, "Isi kedua menang.");
}

Test(jsonl, repairs_invalid_utf8_in_a_line)
{
    read_data_file("bad-utf8.jsonl");
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].title, "caf\xEF\xBF\xBD rusak");
    cr_expect_str_eq(c.arts[0].body, "isi \xEF\xBF\xBD");
    cr_expect_eq(c.stats.warnings, 1);
    cr_expect_eq(c.probs[0].line, 1);
}

Test(jsonl, reads_gzip_compressed_lines)
{
    read_data_file("small.jsonl.gz");
    cr_expect_eq(c.narts, 3);
    cr_expect_eq(c.nprobs, 0);
    cr_expect_str_eq(c.arts[2].id, "small.jsonl.gz:3");
}

Test(jsonl, reports_a_truncated_gzip_and_keeps_what_came_before)
{
    read_data_file("truncated.jsonl.gz");
    cc_dump(&c);
    cr_expect_eq(c.narts, 2);
    cr_assert_eq(c.nprobs, 1);
    cr_expect(strstr(c.probs[0].what, "truncated or corrupt gzip data") != NULL);
    cr_expect(strstr(c.probs[0].what, "the 2 lines before were read") != NULL);
    cr_expect(c.probs[0].skipped);
    cr_expect_eq(c.stats.skipped, 1);
}

Test(jsonl, refuses_a_gz_name_on_plain_bytes)
{
    read_data_file("notgzip.ndjson.gz");
    cr_expect_eq(c.narts, 0);
    cr_expect(cc_has_problem(&c, "not gzip data"));
}

Test(jsonl, reads_a_json_object_and_an_array)
{
    read_data_file("one.json");
    read_data_file("array.json");
    cr_assert_eq(c.narts, 3);
    cr_expect_str_eq(c.arts[0].id, "doc-1");
    cr_expect_str_eq(c.arts[1].id, "array.json:1");
    cr_expect_str_eq(c.arts[2].id, "array.json:3");
    cr_expect(cc_has_problem(&c, "element 2 of the array is not an object"));
}

Test(jsonl, reports_a_malformed_json_document_with_its_line)
{
    read_data_file("malformed.json");
    cr_expect_eq(c.narts, 0);
    cr_assert_eq(c.nprobs, 1);
    cr_expect_eq(c.probs[0].line, 4);
    cr_expect(strstr(c.probs[0].what, "file skipped") != NULL);
}

Test(jsonl, skips_binary_and_empty_input)
{
    cc_read_len(&c, "b.jsonl", "{\"title\": \"a\"}\n\0\0\0", 18, CORPUS_JSONL);
    cc_read(&c, "e.jsonl", "", CORPUS_JSONL);
    cr_expect_eq(c.narts, 0);
    cr_expect(cc_has_problem(&c, "binary file"));
    cr_expect(cc_has_problem(&c, "empty file"));
}

Test(jsonl, limits_repeated_messages_per_file)
{
    wbuf b = WBUF_INIT;
    for (int i = 0; i < 50; i++)
        wbuf_puts(&b, "{\"body\": \"tanpa judul\"}\n");
    cc_read(&c, "many.jsonl", b.data, CORPUS_JSONL);
    wbuf_free(&b);
    cr_expect_eq(c.narts, 50);
    cr_expect_eq(c.stats.warnings, 50);
    cr_assert_eq(c.nprobs, CORPUS_REPORTS_PER_KIND + 1);
    const got_problem *last = &c.probs[c.nprobs - 1];
    cr_expect_eq(last->line, 0);
    cr_expect(strstr(last->what, "45 more like this in this file (first at line 6)") != NULL, "%s", last->what);
}

Test(jsonl, skips_a_line_over_the_cap)
{
    size_t n = CORPUS_MAX_ARTICLE + 100;
    char *big = malloc(n + 64);
    memcpy(big, "{\"title\": \"", 11);
    memset(big + 11, 'a', n);
    strcpy(big + 11 + n, "\"}\n{\"title\": \"kecil\"}\n");
    cc_read(&c, "big.jsonl", big, CORPUS_JSONL);
    free(big);
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].title, "kecil");
    cr_expect(cc_has_problem(&c, "16 MiB"));
}

Test(jsonl, stops_when_the_article_callback_asks)
{
    c.stop_after = 2;
    char path[512];
    snprintf(path, sizeof path, "%s/jsonl/small.jsonl.gz", WARTA_TEST_DATA);
    const char *paths[] = {path};
    cr_expect_eq(cc_walk(&c, paths, 1), 99);
    cr_expect_eq(c.narts, 2);
}

/* Every line the fast parser accepts must give what jansson gives. */
static void expect_same(const char *line)
{
    corpus_reader r;
    warta_walk_stats st = {0};
    warta_walk_callbacks cb = {0};
    corpus_reader_init(&r, "x.jsonl", NULL, &cb, &st);
    corpus_fields fast, slow;
    int ok_fast = jsonl_fast_fields(&r, line, strlen(line), &fast);
    json_t *root = NULL;
    char msg[160];
    int col;
    int ok_slow = jsonl_slow_fields(&r, line, strlen(line), &slow, &root, msg, sizeof msg, &col, 1);
    if (ok_fast) {
        cr_expect_eq(ok_slow, 1, "jansson refuses what the fast path read: %s", line);
        if (ok_slow == 1) {
#define SAME(f)                                                                                       \
    cr_expect(fast.f##_len == slow.f##_len && (fast.f##_len == 0 || memcmp(fast.f, slow.f, fast.f##_len) == 0), \
              "field " #f " differs for %s", line)
            SAME(id);
            SAME(title);
            SAME(body);
            SAME(date);
            SAME(time);
            SAME(url);
            SAME(source);
            SAME(author);
            SAME(tags);
#undef SAME
        }
    }
    json_decref(root);
    corpus_reader_finish(&r);
}

Test(jsonl, fast_parser_agrees_with_jansson)
{
    static const char *const lines[] = {
        "{\"id\": \"a\", \"title\": \"T\", \"body\": \"B\"}",
        "{\"id\": 12345, \"title\": \"x\\u00e9\\ud83d\\ude00\", \"content\": \"c\", \"text\": \"t\"}",
        "{\"title\": null, \"body\": \"\", \"content\": \"c\"}",
        "{}",
        " { \"a\" : [ 1 , -2.5e+3 , true , false , null , { } , [ ] ] , \"title\" : \"s\" } ",
        "{\"title\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
        "{\"ti\\u0074le\": \"escaped key\"}",
        "{\"title\": \"a\", \"title\": \"b\"}",
        "{\"id\": -0, \"title\": \"zero\"}",
        "{\"x\": 1e999, \"title\": \"big number elsewhere\"}",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        expect_same(lines[i]);
}

Test(jsonl, fast_parser_declines_what_is_not_json)
{
    static const char *const bad[] = {
        "{\"title\": \"a\",}", "{\"title\": 'a'}", "{\"title\": \"a\"} x", "{\"title\": \"\\u0000\"}",
        "{\"title\": \"\\ud800\"}", "{\"title\": \"tab\there\"}", "{\"n\": 01}", "{\"n\": 1.}", "{\"n\": -}",
        "{\"title\": \"\\x\"}", "{title: \"a\"}", "[1]", "{\"a\": tru}", "{\"a\": [1,]}",
    };
    corpus_reader r;
    warta_walk_stats st = {0};
    warta_walk_callbacks cb = {0};
    corpus_reader_init(&r, "x.jsonl", NULL, &cb, &st);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        corpus_fields f;
        cr_expect_eq(jsonl_fast_fields(&r, bad[i], strlen(bad[i]), &f), 0, "accepted %s", bad[i]);
    }
    corpus_reader_finish(&r);
}

Test(jsonl, skips_a_byte_order_mark)
{
    cc_read(&c, "bom.jsonl", "\xEF\xBB\xBF{\"title\": \"Satu\"}\n{\"title\": \"Dua\"}\n", CORPUS_JSONL);
    cc_read(&c, "bom.json", "\xEF\xBB\xBF{\"title\": \"Tiga\"}", CORPUS_JSON);
    cr_expect_eq(c.narts, 3);
    cr_expect_eq(c.nprobs, 0);
}
