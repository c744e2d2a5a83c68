/*
 * test_config.c: warta.yaml (query/config.c): defaults when there is no
 * file, every key read, relative paths resolved against the file, the
 * lookup order (--config, $WARTA_CONFIG, INDEX/warta.yaml), and each bad
 * key or value reported as FILE:LINE:COL.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "warta.h"

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/warta-config-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    unsetenv("WARTA_CONFIG");
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

static const char *write_file(const char *name, const char *text)
{
    static char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

TestSuite(config, .init = setup, .fini = teardown);

Test(config, gives_the_defaults_without_a_file)
{
    warta_config *c;
    char err[256];
    cr_assert_eq(warta_config_load(&c, NULL, dir, err, sizeof err), 0, "%s", err);
    cr_expect_null(c->path);
    cr_expect_eq(c->search.k, 10);
    cr_expect_float_eq(c->search.k1, 1.2, 1e-12);
    cr_expect_float_eq(c->search.b, 0.75, 1e-12);
    cr_expect_float_eq(c->search.title_boost, WARTA_TITLE_BOOST, 1e-12);
    cr_expect_eq(c->search.snippet_len, 200);
    cr_expect_eq(c->colour, WARTA_COLOUR_AUTO);
    cr_expect(!c->analysis.no_stem);
    cr_expect_null(c->analysis.stopword_path);
    warta_config_free(c);
    warta_config_free(NULL);
}

Test(config, reads_every_key)
{
    write_file("warta.yaml",
               "# settings\n"
               "analysis:\n"
               "  stemming: false\n"
               "  stopwords: stop.txt\n"
               "  lexicon: /usr/share/hunspell/id_ID.dic\n"
               "ranking:\n"
               "  k1: 0.9\n"
               "  b: 0.4\n"
               "  title_boost: 3\n"
               "output:\n"
               "  k: 25\n"
               "  snippet_length: 120\n"
               "  colour: never\n");
    warta_config *c;
    char err[256];
    cr_assert_eq(warta_config_load(&c, NULL, dir, err, sizeof err), 0, "%s", err);
    cr_assert_not_null(c->path);
    cr_expect(c->analysis.no_stem);
    char want[160];
    snprintf(want, sizeof want, "%s/stop.txt", dir);
    cr_expect_str_eq(c->analysis.stopword_path, want);
    cr_expect_str_eq(c->analysis.lexicon_path, "/usr/share/hunspell/id_ID.dic");
    cr_expect_float_eq(c->search.k1, 0.9, 1e-12);
    cr_expect_float_eq(c->search.b, 0.4, 1e-12);
    cr_expect_float_eq(c->search.title_boost, 3.0, 1e-12);
    cr_expect_eq(c->search.k, 25);
    cr_expect_eq(c->search.snippet_len, 120);
    cr_expect_eq(c->colour, WARTA_COLOUR_NEVER);
    warta_config_free(c);
}

Test(config, special_values_of_stopwords_and_lexicon)
{
    write_file("w.yaml", "analysis:\n  stopwords: none\n  lexicon: none\n");
    char path[160];
    snprintf(path, sizeof path, "%s/w.yaml", dir);
    warta_config *c;
    char err[256];
    cr_assert_eq(warta_config_load(&c, path, NULL, err, sizeof err), 0, "%s", err);
    cr_expect(c->analysis.keep_stopwords);
    cr_expect(c->analysis.no_lexicon);
    warta_config_free(c);
}

Test(config, looks_in_the_explicit_file_then_the_environment_then_the_index)
{
    write_file("warta.yaml", "output:\n  k: 3\n");
    write_file("env.yaml", "output:\n  k: 4\n");
    write_file("cli.yaml", "output:\n  k: 5\n");
    char envp[160], clip[160];
    snprintf(envp, sizeof envp, "%s/env.yaml", dir);
    snprintf(clip, sizeof clip, "%s/cli.yaml", dir);
    warta_config *c;
    char err[256];
    cr_assert_eq(warta_config_load(&c, NULL, dir, err, sizeof err), 0);
    cr_expect_eq(c->search.k, 3);
    warta_config_free(c);
    setenv("WARTA_CONFIG", envp, 1);
    cr_assert_eq(warta_config_load(&c, NULL, dir, err, sizeof err), 0);
    cr_expect_eq(c->search.k, 4);
    warta_config_free(c);
    cr_assert_eq(warta_config_load(&c, clip, dir, err, sizeof err), 0);
    cr_expect_eq(c->search.k, 5);
    warta_config_free(c);
    unsetenv("WARTA_CONFIG");
}

Test(config, a_named_file_must_exist)
{
    char path[160];
    snprintf(path, sizeof path, "%s/missing.yaml", dir);
    warta_config *c = (warta_config *)1;
    char err[256];
    cr_expect_eq(warta_config_load(&c, path, NULL, err, sizeof err), WARTA_ENOTFOUND);
    cr_expect_null(c);
    cr_expect(strstr(err, "missing.yaml: cannot read") != NULL, "%s", err);
}

typedef struct bad_case {
    const char *text;       /* the file */
    const char *where;      /* ":LINE:COL: " expected after the file name */
    const char *what;       /* part of the message */
} bad_case;

static const bad_case bad[] = {
    {"ranking:\n  k1: lots\n", ":2:7: ", "ranking.k1: expected a number"},
    {"ranking:\n  b: 1.5\n", ":2:6: ", "ranking.b: expected a number from 0 to 1"},
    {"ranking:\n  title_boost: -1\n", ":2:16: ", "title_boost"},
    {"ranking:\n  kl: 1\n", ":2:3: ", "unknown key 'kl' in section ranking"},
    {"output:\n  k: 2.5\n", ":2:6: ", "output.k: expected a whole number"},
    {"output:\n  colour: pink\n", ":2:11: ", "expected auto, always or never"},
    {"output:\n  snippet_length: 5\n", ":2:19: ", "snippet_length"},
    {"analysis:\n  stemming: maybe\n", ":2:13: ", "expected true or false"},
    {"search:\n  k: 1\n", ":1:1: ", "unknown section 'search'"},
    {"- a\n- b\n", ":1:1: ", "expected sections"},
    {"ranking: 3\n", ":1:10: ", "section ranking: expected keys"},
    {"ranking:\n  k1: [1, 2]\n", ":2:7: ", "ranking.k1: expected a single value"},
    {"ranking:\n  k1: 1\n k2: 2\n", ":3:", ""},
    {"output:\n  k: \"unterminated\n", ":", ""},
};

Test(config, names_the_line_and_column_of_a_bad_key_or_value)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *path = write_file("bad.yaml", bad[i].text);
        warta_config *c = (warta_config *)1;
        char err[512];
        int rc = warta_config_load(&c, path, NULL, err, sizeof err);
        cr_expect_eq(rc, WARTA_ECONFIG, "case %zu: rc %d", i, rc);
        cr_expect_null(c);
        char want[256];
        snprintf(want, sizeof want, "%s%s", path, bad[i].where);
        cr_expect(strncmp(err, want, strlen(want)) == 0, "case %zu: '%s' should start '%s'", i,
                  err, want);
        cr_expect(strstr(err, bad[i].what) != NULL, "case %zu: '%s'", i, err);
        cr_expect_null(strchr(err, '\n'), "case %zu", i);
    }
}

Test(config, an_empty_file_is_the_defaults)
{
    const char *path = write_file("empty.yaml", "");
    warta_config *c;
    char err[256];
    cr_assert_eq(warta_config_load(&c, path, NULL, err, sizeof err), 0, "%s", err);
    cr_expect_eq(c->search.k, 10);
    warta_config_free(c);
    path = write_file("sections.yaml", "ranking:\noutput:\n");
    cr_assert_eq(warta_config_load(&c, path, NULL, err, sizeof err), 0, "%s", err);
    warta_config_free(c);
}
