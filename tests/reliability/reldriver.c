/*
 * reldriver.c: small programs for the reliability tests, through the public
 * API only (include/warta.h).  Called by lock.sh:
 *
 *   reldriver hold INDEX
 *       opens INDEX for writing (taking its writer lock), prints "locked"
 *       and waits until stdin is closed or the process is killed.
 *   reldriver state INDEX QUERY
 *       prints "LIVE TOTAL_HITS" of the index's last commit for QUERY.
 *   reldriver readers INDEX STATES SECONDS THREADS QUERY
 *       THREADS threads open the index, read its live count and search
 *       QUERY, over and over for SECONDS; every pair "LIVE TOTAL_HITS" must
 *       be one line of the file STATES (the committed states), and no call
 *       may fail.  Prints how many opens and searches were done; exit 1 on
 *       the first failure or unknown state, with the reason on stderr.
 *   reldriver pin INDEX QUERY
 *       opens INDEX, prints "LIVE TOTAL_HITS" for QUERY, waits for a line on
 *       stdin, searches the same open index again and prints the pair again
 *       (a long-lived reader: it must still see its commit), then closes.
 *   reldriver query INDEX FILE
 *       searches INDEX for the bytes of FILE (NUL bytes and all), with
 *       snippets and explain; prints "rc=NAME hits=N" and the error line.
 *       Exit 0 when the answer is a success or WARTA_ESYNTAX with a
 *       one-line message, else 1.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "warta.h"

#define MAX_STATES 256
#define MAX_THREADS 16

typedef struct state {
    uint64_t live;          /* live articles */
    uint64_t hits;          /* total hits of the query */
} state;

typedef struct run {
    const char *dir;        /* the index */
    const char *query;      /* searched by every thread */
    state states[MAX_STATES]; /* the committed states */
    size_t nstates;
    double until;           /* monotonic seconds to stop at */
    atomic_long opens;      /* index opens done */
    atomic_long searches;   /* searches done */
    atomic_int failed;      /* set on the first failure */
} run;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads the current commit's (live, total hits); 0 or a WARTA_E* code with
 * the detail in err. */
static int read_state(const char *dir, const char *query, state *out, char *err, size_t errlen)
{
    warta_index *ix = NULL;
    int rc = warta_index_open(&ix, dir, err, errlen);
    if (rc)
        return rc;
    warta_index_info info;
    rc = warta_index_get_info(ix, &info);
    if (rc) {
        snprintf(err, errlen, "get_info: %s", warta_strerror(rc));
        warta_index_close(ix);
        return rc;
    }
    warta_search_options o;
    warta_search_options_init(&o);
    o.k = 10;
    warta_results *res = NULL;
    rc = warta_search(ix, query, strlen(query), &o, &res, err, errlen);
    if (!rc) {
        out->live = info.live;
        out->hits = warta_results_total_hits(res);
        /* touch the hits' stored fields: they come from the same commit */
        for (size_t i = 0; i < warta_results_count(res); i++)
            if (!warta_results_hit(res, i)->id)
                rc = WARTA_ECORRUPT;
    }
    warta_results_free(res);
    warta_index_close(ix);
    return rc;
}

static void *reader_main(void *arg)
{
    run *r = arg;
    while (now() < r->until && !atomic_load(&r->failed)) {
        state s;
        char err[512] = "";
        int rc = read_state(r->dir, r->query, &s, err, sizeof err);
        atomic_fetch_add(&r->opens, 1);
        if (rc) {
            if (!atomic_exchange(&r->failed, 1))
                fprintf(stderr, "reldriver: a reader failed: %s: %s\n", warta_strerror(rc), err);
            break;
        }
        atomic_fetch_add(&r->searches, 1);
        bool known = false;
        for (size_t i = 0; i < r->nstates; i++)
            known |= r->states[i].live == s.live && r->states[i].hits == s.hits;
        if (!known) {
            if (!atomic_exchange(&r->failed, 1))
                fprintf(stderr, "reldriver: a reader saw %llu live articles and %llu hits, "
                        "which is no committed state\n", (unsigned long long)s.live,
                        (unsigned long long)s.hits);
            break;
        }
    }
    return NULL;
}

static int cmd_readers(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: reldriver readers INDEX STATES SECONDS THREADS QUERY\n");
        return 2;
    }
    static run r;
    r.dir = argv[2];
    r.query = argv[6];
    FILE *f = fopen(argv[3], "r");
    if (!f) {
        perror(argv[3]);
        return 2;
    }
    unsigned long long a, b;
    while (r.nstates < MAX_STATES && fscanf(f, "%llu %llu", &a, &b) == 2)
        r.states[r.nstates++] = (state){a, b};
    fclose(f);
    r.until = now() + atof(argv[4]);
    int n = atoi(argv[5]);
    if (n < 1 || n > MAX_THREADS)
        n = 2;
    pthread_t t[MAX_THREADS];
    for (int i = 0; i < n; i++)
        pthread_create(&t[i], NULL, reader_main, &r);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    printf("%ld opens, %ld searches\n", atomic_load(&r.opens), atomic_load(&r.searches));
    return atomic_load(&r.failed) ? 1 : 0;
}

/* Searches an open index: "LIVE TOTAL_HITS" into out. */
static int pinned_state(warta_index *ix, const char *query, state *out, char *err, size_t errlen)
{
    warta_index_info info;
    int rc = warta_index_get_info(ix, &info);
    if (rc)
        return rc;
    warta_search_options o;
    warta_search_options_init(&o);
    o.snippets = true;
    warta_results *res = NULL;
    rc = warta_search(ix, query, strlen(query), &o, &res, err, errlen);
    if (!rc) {
        out->live = info.live;
        out->hits = warta_results_total_hits(res);
    }
    warta_results_free(res);
    return rc;
}

static int cmd_pin(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: reldriver pin INDEX QUERY\n");
        return 2;
    }
    warta_index *ix = NULL;
    char err[512] = "";
    int rc = warta_index_open(&ix, argv[2], err, sizeof err);
    for (int round = 0; round < 2 && !rc; round++) {
        state s;
        rc = pinned_state(ix, argv[3], &s, err, sizeof err);
        if (!rc) {
            printf("%llu %llu\n", (unsigned long long)s.live, (unsigned long long)s.hits);
            fflush(stdout);
        }
        if (round == 0) {
            char line[64];
            if (!fgets(line, sizeof line, stdin))
                break;
        }
    }
    warta_index_close(ix);
    if (rc) {
        fprintf(stderr, "reldriver: %s: %s\n", warta_strerror(rc), err);
        return 1;
    }
    return 0;
}

static int cmd_state(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: reldriver state INDEX QUERY\n");
        return 2;
    }
    state s;
    char err[512] = "";
    int rc = read_state(argv[2], argv[3], &s, err, sizeof err);
    if (rc) {
        fprintf(stderr, "reldriver: %s: %s\n", warta_strerror(rc), err);
        return 1;
    }
    printf("%llu %llu\n", (unsigned long long)s.live, (unsigned long long)s.hits);
    return 0;
}

static int cmd_hold(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: reldriver hold INDEX\n");
        return 2;
    }
    warta_writer_options o;
    memset(&o, 0, sizeof o);
    o.jobs = 1;
    o.analysis.no_lexicon = true;
    warta_writer *w = NULL;
    char err[512] = "";
    int rc = warta_writer_open(&w, argv[2], &o, err, sizeof err);
    if (rc) {
        fprintf(stderr, "reldriver: %s: %s\n", warta_strerror(rc), err);
        return 1;
    }
    printf("locked\n");
    fflush(stdout);
    while (getchar() != EOF) {
    }
    warta_writer_close(w);
    return 0;
}

static int cmd_query(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: reldriver query INDEX FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[3], "rb");
    if (!f) {
        perror(argv[3]);
        return 2;
    }
    static char q[1 << 21];
    size_t len = fread(q, 1, sizeof q, f);
    fclose(f);
    warta_index *ix = NULL;
    char err[1024] = "";
    int rc = warta_index_open(&ix, argv[2], err, sizeof err);
    if (rc) {
        fprintf(stderr, "reldriver: %s\n", err);
        return 2;
    }
    warta_search_options o;
    warta_search_options_init(&o);
    o.snippets = true;
    o.explain = true;
    warta_results *res = NULL;
    err[0] = '\0';
    rc = warta_search(ix, q, len, &o, &res, err, sizeof err);
    int bad = 0;
    if (rc == 0) {
        char *json = NULL;
        size_t jlen = 0;
        if (warta_results_json(res, 0, &json, &jlen) != 0)
            bad = 1;
        free(json);
    } else if (rc != WARTA_ESYNTAX || !err[0] || strchr(err, '\n')) {
        bad = 1;
    }
    printf("rc=%s hits=%llu %s\n", rc ? warta_strerror(rc) : "ok",
           rc ? 0ull : (unsigned long long)warta_results_total_hits(res), err);
    warta_results_free(res);
    warta_index_close(ix);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "query") == 0)
        return cmd_query(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "pin") == 0)
        return cmd_pin(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "readers") == 0)
        return cmd_readers(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "state") == 0)
        return cmd_state(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "hold") == 0)
        return cmd_hold(argc, argv);
    fprintf(stderr, "usage: reldriver hold|state|readers|pin|query ...\n");
    return 2;
}
