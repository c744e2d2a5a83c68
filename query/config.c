/*
 * config.c: warta.yaml (include/warta.h "Configuration", docs/CONFIG.md).
 * A libyaml event parser reads a mapping of sections (analysis, ranking,
 * output) whose keys are scalars; anything else is an error naming the file,
 * line and column.  Used by `warta search` and `warta index` (the analysis
 * section matters when an index is created).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "corpus/base.h"
#include "warta.h"

typedef struct config_impl {
    warta_config pub;       /* what callers see; first, so the pointers convert */
    char *path;             /* owned copy of pub.path */
    char *stopwords;        /* owned stopword file path */
    char *lexicon;          /* owned lexicon path */
} config_impl;

typedef struct reader {
    const char *file;       /* for messages */
    char *dir;              /* directory of the file, for relative paths */
    yaml_parser_t parser;
    char *err;
    size_t errlen;
    int rc;
} reader;

static void fail_at(reader *r, const yaml_mark_t *m, const char *fmt, const char *a, const char *b)
{
    if (r->rc)
        return;
    r->rc = WARTA_ECONFIG;
    if (r->err && r->errlen) {
        char what[256];
        snprintf(what, sizeof what, fmt, a ? a : "", b ? b : "");
        snprintf(r->err, r->errlen, "%s:%zu:%zu: %s", r->file, m->line + 1, m->column + 1, what);
    }
}

static bool next(reader *r, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&r->parser, ev)) {
        if (!r->rc) {
            r->rc = WARTA_ECONFIG;
            if (r->err && r->errlen)
                snprintf(r->err, r->errlen, "%s:%zu:%zu: %s", r->file,
                         r->parser.problem_mark.line + 1, r->parser.problem_mark.column + 1,
                         r->parser.problem ? r->parser.problem : "malformed YAML");
        }
        return false;
    }
    return true;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *yes[] = {"true", "yes", "on", "1"};
    static const char *no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static bool parse_num(const char *v, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end || errno || !(x >= lo && x <= hi))
        return false;
    *out = x;
    return true;
}

/* A path relative to the config file's directory. */
static char *resolve(reader *r, const char *v)
{
    if (v[0] == '/' || !r->dir)
        return wstrndup(v, strlen(v));
    size_t n = strlen(r->dir) + 1 + strlen(v) + 1;
    char *p = wmalloc(n);
    if (p)
        snprintf(p, n, "%s/%s", r->dir, v);
    return p;
}

static void set_value(reader *r, config_impl *c, const char *section, const char *key,
                      const char *v, const yaml_mark_t *km, const yaml_mark_t *m)
{
    warta_config *p = &c->pub;
    double x;
    bool bv;
    if (strcmp(section, "analysis") == 0) {
        if (strcmp(key, "stemming") == 0) {
            if (!parse_bool(v, &bv))
                fail_at(r, m, "analysis.stemming: expected true or false, not '%s'", v, NULL);
            else
                p->analysis.no_stem = !bv;
        } else if (strcmp(key, "stopwords") == 0) {
            if (strcmp(v, "none") == 0) {
                p->analysis.keep_stopwords = true;
            } else if (strcmp(v, "builtin") == 0 || v[0] == '\0') {
                p->analysis.keep_stopwords = false;
            } else {
                wfree(c->stopwords);
                c->stopwords = resolve(r, v);
                if (!c->stopwords)
                    r->rc = WARTA_ENOMEM;
                p->analysis.stopword_path = c->stopwords;
            }
        } else if (strcmp(key, "lexicon") == 0) {
            if (strcmp(v, "none") == 0) {
                p->analysis.no_lexicon = true;
            } else if (strcmp(v, "default") == 0 || v[0] == '\0') {
                p->analysis.no_lexicon = false;
            } else {
                wfree(c->lexicon);
                c->lexicon = resolve(r, v);
                if (!c->lexicon)
                    r->rc = WARTA_ENOMEM;
                p->analysis.lexicon_path = c->lexicon;
            }
        } else {
            fail_at(r, km, "unknown key '%s' in section analysis (expected stemming, stopwords, "
                          "lexicon)%s", key, NULL);
        }
    } else if (strcmp(section, "ranking") == 0) {
        if (strcmp(key, "k1") == 0) {
            if (!parse_num(v, 0, 1000, &x))
                fail_at(r, m, "ranking.k1: expected a number from 0 to 1000, not '%s'", v, NULL);
            else
                p->search.k1 = x;
        } else if (strcmp(key, "b") == 0) {
            if (!parse_num(v, 0, 1, &x))
                fail_at(r, m, "ranking.b: expected a number from 0 to 1, not '%s'", v, NULL);
            else
                p->search.b = x;
        } else if (strcmp(key, "title_boost") == 0) {
            if (!parse_num(v, 0, 1000, &x))
                fail_at(r, m, "ranking.title_boost: expected a number from 0 to 1000, not '%s'",
                        v, NULL);
            else
                p->search.title_boost = x;
        } else {
            fail_at(r, km, "unknown key '%s' in section ranking (expected k1, b, title_boost)%s",
                    key, NULL);
        }
    } else if (strcmp(section, "output") == 0) {
        if (strcmp(key, "k") == 0) {
            if (!parse_num(v, 0, 100000, &x) || x != (double)(unsigned)x)
                fail_at(r, m, "output.k: expected a whole number from 0 to 100000, not '%s'", v,
                        NULL);
            else
                p->search.k = (unsigned)x;
        } else if (strcmp(key, "snippet_length") == 0) {
            if (!parse_num(v, 20, 10000, &x) || x != (double)(unsigned)x)
                fail_at(r, m, "output.snippet_length: expected a whole number from 20 to 10000, "
                              "not '%s'", v, NULL);
            else
                p->search.snippet_len = (unsigned)x;
        } else if (strcmp(key, "colour") == 0 || strcmp(key, "color") == 0) {
            if (strcmp(v, "auto") == 0)
                p->colour = WARTA_COLOUR_AUTO;
            else if (strcmp(v, "always") == 0)
                p->colour = WARTA_COLOUR_ALWAYS;
            else if (strcmp(v, "never") == 0)
                p->colour = WARTA_COLOUR_NEVER;
            else
                fail_at(r, m, "output.colour: expected auto, always or never, not '%s'", v, NULL);
        } else {
            fail_at(r, km, "unknown key '%s' in section output (expected k, snippet_length, "
                          "colour)%s", key, NULL);
        }
    }
}

/* Reads one section's mapping. */
static void read_section(reader *r, config_impl *c, const char *section)
{
    yaml_event_t ev;
    if (!next(r, &ev))
        return;
    if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0) {
        yaml_event_delete(&ev);   /* "section:" with nothing under it */
        return;
    }
    if (ev.type != YAML_MAPPING_START_EVENT) {
        fail_at(r, &ev.start_mark, "section %s: expected keys with values under it%s", section,
                NULL);
        yaml_event_delete(&ev);
        return;
    }
    yaml_event_delete(&ev);
    for (;;) {
        yaml_event_t k, v;
        if (!next(r, &k))
            return;
        if (k.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&k);
            return;
        }
        if (k.type != YAML_SCALAR_EVENT) {
            fail_at(r, &k.start_mark, "section %s: expected a key%s", section, NULL);
            yaml_event_delete(&k);
            return;
        }
        if (!next(r, &v)) {
            yaml_event_delete(&k);
            return;
        }
        if (v.type != YAML_SCALAR_EVENT) {
            fail_at(r, &v.start_mark, "%s.%s: expected a single value", section,
                    (const char *)k.data.scalar.value);
            r->rc = r->rc ? r->rc : WARTA_ECONFIG;
        } else {
            set_value(r, c, section, (const char *)k.data.scalar.value,
                      (const char *)v.data.scalar.value, &k.start_mark, &v.start_mark);
        }
        yaml_event_delete(&k);
        yaml_event_delete(&v);
        if (r->rc)
            return;
    }
}

static void read_doc(reader *r, config_impl *c)
{
    yaml_event_t ev;
    bool in_doc = false;
    for (;;) {
        if (!next(r, &ev))
            return;
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            return;
        }
        if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_END_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        if (t == YAML_DOCUMENT_START_EVENT) {
            if (in_doc) {
                fail_at(r, &ev.start_mark, "only one YAML document is read%s%s", NULL, NULL);
                yaml_event_delete(&ev);
                return;
            }
            in_doc = true;
            yaml_event_delete(&ev);
            continue;
        }
        if (t == YAML_SCALAR_EVENT && ev.data.scalar.length == 0) {
            yaml_event_delete(&ev);   /* an empty file */
            continue;
        }
        if (t != YAML_MAPPING_START_EVENT) {
            fail_at(r, &ev.start_mark, "expected sections analysis, ranking, output%s%s", NULL,
                    NULL);
            yaml_event_delete(&ev);
            return;
        }
        yaml_event_delete(&ev);
        for (;;) {
            yaml_event_t k;
            if (!next(r, &k))
                return;
            if (k.type == YAML_MAPPING_END_EVENT) {
                yaml_event_delete(&k);
                break;
            }
            const char *name = k.type == YAML_SCALAR_EVENT ? (const char *)k.data.scalar.value
                                                           : NULL;
            if (!name || (strcmp(name, "analysis") && strcmp(name, "ranking") &&
                          strcmp(name, "output"))) {
                fail_at(r, &k.start_mark, "unknown section '%s' (expected analysis, ranking, "
                                          "output)%s", name ? name : "?", NULL);
                yaml_event_delete(&k);
                return;
            }
            read_section(r, c, name);
            yaml_event_delete(&k);
            if (r->rc)
                return;
        }
    }
}

WARTA_API void warta_config_free(warta_config *pc)
{
    config_impl *c = (config_impl *)pc;
    if (!c)
        return;
    wfree(c->path);
    wfree(c->stopwords);
    wfree(c->lexicon);
    wfree(c);
}

WARTA_API int warta_config_load(warta_config **out, const char *path, const char *index_dir,
                                char *err, size_t errlen)
{
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    config_impl *c = wcalloc(1, sizeof *c);
    if (!c)
        return WARTA_ENOMEM;
    warta_search_options_init(&c->pub.search);
    c->pub.colour = WARTA_COLOUR_AUTO;
    bool must_exist = true;
    char *guess = NULL;
    if (!path || !*path) {
        const char *env = getenv("WARTA_CONFIG");
        if (env && *env) {
            path = env;
        } else if (index_dir && *index_dir) {
            size_t n = strlen(index_dir) + sizeof "/warta.yaml";
            guess = wmalloc(n);
            if (!guess) {
                warta_config_free(&c->pub);
                return WARTA_ENOMEM;
            }
            snprintf(guess, n, "%s/warta.yaml", index_dir);
            path = guess;
            must_exist = false;
        }
    }
    if (!path) {
        *out = &c->pub;
        return 0;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        bool missing = e == ENOENT || e == ENOTDIR;
        if (missing && !must_exist) {
            wfree(guess);
            *out = &c->pub;
            return 0;
        }
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot read the configuration (%s)", path, strerror(e));
        wfree(guess);
        warta_config_free(&c->pub);
        return missing ? WARTA_ENOTFOUND : WARTA_EIO;
    }
    c->path = wstrndup(path, strlen(path));
    wfree(guess);
    if (!c->path) {
        fclose(f);
        warta_config_free(&c->pub);
        return WARTA_ENOMEM;
    }
    c->pub.path = c->path;
    reader r;
    memset(&r, 0, sizeof r);
    r.file = c->path;
    r.err = err;
    r.errlen = errlen;
    const char *slash = strrchr(c->path, '/');
    if (slash)
        r.dir = wstrndup(c->path, (size_t)(slash - c->path));
    if (!yaml_parser_initialize(&r.parser)) {
        fclose(f);
        wfree(r.dir);
        warta_config_free(&c->pub);
        return WARTA_ENOMEM;
    }
    yaml_parser_set_input_file(&r.parser, f);
    read_doc(&r, c);
    yaml_parser_delete(&r.parser);
    fclose(f);
    wfree(r.dir);
    if (r.rc) {
        warta_config_free(&c->pub);
        return r.rc;
    }
    *out = &c->pub;
    return 0;
}
