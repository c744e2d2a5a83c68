/*
 * test_json_out.c: the `warta search --json` document (query/json_out.c):
 * the exact field names and order, nulls for missing fields, the snippet's
 * [marks], explanations, and valid JSON whatever the text holds (quotes,
 * backslashes, control characters, NUL bytes, invalid UTF-8 repaired).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "query/searcher.h"

static warta_results *fake(warta_hit *hits, size_t n, const char *query)
{
    static warta_results r;
    memset(&r, 0, sizeof r);
    r.query = query;
    r.query_len = strlen(query);
    r.hits = hits;
    r.nhits = n;
    r.total = 1234;
    r.counted = true;
    r.took_ms = 0.4567;
    return &r;
}

#define S(x) x, sizeof(x) - 1

Test(json_out, has_the_documented_fields_in_order)
{
    static const warta_span spans[] = {{0, 5}, {12, 17}};
    warta_hit h;
    memset(&h, 0, sizeof h);
    h.rank = 1;
    h.score = 12.5;
    h.id = "clickid-1";
    h.id_len = 9;
    h.title = "Judul";
    h.title_len = 5;
    h.snippet = "Korea Utara Korea";
    h.snippet_len = 17;
    h.spans = spans;
    h.nspans = 2;
    warta_results *r = fake(&h, 1, "korea");
    char *out;
    size_t len;
    cr_assert_eq(warta_results_json(r, 0, &out, &len), 0);
    cr_expect_eq(strlen(out), len);
    const char *want =
        "{\"query\":\"korea\",\"total_hits\":1234,\"took_ms\":0.457,\"hits\":[{\"rank\":1,"
        "\"score\":12.5,\"id\":\"clickid-1\",\"title\":\"Judul\",\"date\":null,\"url\":null,"
        "\"source\":null,\"path\":null,\"snippet\":\"[Korea] Utara [Korea]\"}]}";
    cr_expect_str_eq(out, want);
    free(out);
}

Test(json_out, stays_valid_on_hostile_text)
{
    static const char title[] = "Kutip \"ini\" \\ dan \x01\x1f\n\t garis\x7f";
    static const char bad[] = "rusak \xff\xfe\xc3 (\xed\xa0\x80) ok \xf0\x9f\x98\x80";
    static const char nul[] = "nol\0byte";
    warta_hit h[2];
    memset(h, 0, sizeof h);
    h[0].rank = 1;
    h[0].id = nul;
    h[0].id_len = sizeof nul - 1;
    h[0].title = title;
    h[0].title_len = sizeof title - 1;
    h[0].url = bad;
    h[0].url_len = sizeof bad - 1;
    h[1].rank = 2;
    h[1].snippet = bad;
    h[1].snippet_len = sizeof bad - 1;
    warta_results *r = fake(h, 2, "\"q\" \xff");
    char *out;
    size_t len;
    cr_assert_eq(warta_results_json(r, 2, &out, &len), 0);
    json_error_t e;
    json_t *doc = json_loads(out, JSON_ALLOW_NUL, &e);
    cr_assert_not_null(doc, "invalid JSON: %s at %d: %s", e.text, e.position, out);
    json_t *hits = json_object_get(doc, "hits");
    cr_assert_eq(json_array_size(hits), 2);
    json_t *h0 = json_array_get(hits, 0);
    cr_expect_str_eq(json_string_value(json_object_get(h0, "title")), title);
    cr_expect_eq(json_string_length(json_object_get(h0, "id")), sizeof nul - 1);
    cr_expect_str_eq(json_string_value(json_object_get(h0, "url")),
                     "rusak \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD (\xEF\xBF\xBD\xEF\xBF\xBD\xEF"
                     "\xBF\xBD) ok \xf0\x9f\x98\x80");
    cr_expect(json_is_null(json_object_get(h0, "snippet")));
    cr_expect_str_eq(json_string_value(json_object_get(doc, "query")), "\"q\" \xEF\xBF\xBD");
    cr_expect_eq(json_integer_value(json_object_get(doc, "total_hits")), 1234);
    json_decref(doc);
    free(out);
}

Test(json_out, adds_explanations_when_asked)
{
    static const warta_explain ex[] = {
        {S("korea"), "text", 3, 120, 4.5, 300, 280.5, 7.25},
    };
    warta_hit h;
    memset(&h, 0, sizeof h);
    h.rank = 1;
    h.score = 7.25;
    h.explain = ex;
    h.nexplain = 1;
    warta_results *r = fake(&h, 1, "korea");
    r->explain = true;
    char *out;
    size_t len;
    cr_assert_eq(warta_results_json(r, 0, &out, &len), 0);
    json_t *doc = json_loads(out, 0, NULL);
    cr_assert_not_null(doc);
    json_t *e = json_array_get(json_object_get(json_array_get(json_object_get(doc, "hits"), 0),
                                               "explain"), 0);
    cr_assert_not_null(e, "%s", out);
    cr_expect_str_eq(json_string_value(json_object_get(e, "term")), "korea");
    cr_expect_str_eq(json_string_value(json_object_get(e, "field")), "text");
    cr_expect_float_eq(json_number_value(json_object_get(e, "tf")), 3.0, 1e-12);
    cr_expect_eq(json_integer_value(json_object_get(e, "df")), 120);
    cr_expect_float_eq(json_number_value(json_object_get(e, "idf")), 4.5, 1e-12);
    cr_expect_eq(json_integer_value(json_object_get(e, "dl")), 300);
    cr_expect_float_eq(json_number_value(json_object_get(e, "avgdl")), 280.5, 1e-12);
    cr_expect_float_eq(json_number_value(json_object_get(e, "score")), 7.25, 1e-12);
    json_decref(doc);
    free(out);
}

Test(json_out, no_hits_is_an_empty_array)
{
    warta_results *r = fake(NULL, 0, "");
    r->total = 0;
    char *out;
    size_t len;
    cr_assert_eq(warta_results_json(r, 0, &out, &len), 0);
    cr_expect_str_eq(out, "{\"query\":\"\",\"total_hits\":0,\"took_ms\":0.457,\"hits\":[]}");
    free(out);
}
