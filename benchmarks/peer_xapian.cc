/*
 * peer_xapian.cc: the Xapian side of the comparison (compare.sh, eval.sh,
 * scale.sh).  Builds a database from JSON Lines files (TermGenerator with
 * the Indonesian Snowball stemmer, positions, title then body, the external
 * id as document data), compacts it, and runs a query file as ranked OR
 * top-k (QueryParser, default OP_OR, STEM_SOME, BM25 k1 1.2 b 0.75), reading
 * each hit's stored id.  Prints the same figures as `warta bench`.
 */
#include <xapian.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <getopt.h>
#include <string>
#include <vector>

#include "benchlib.h"

static const char usage[] =
    "usage: peer_xapian --db DIR [--no-compact] [CORPUS.jsonl[.gz]...]\n"
    "                   [--queries FILE] [-k N] [--warmup N] [--repeat N]\n"
    "                   [--run FILE] [--latencies FILE] [--json]\n"
    "With CORPUS files, (re)builds the database DIR (built in DIR.tmp, then\n"
    "compacted into DIR) and reports build_seconds, compact_seconds and\n"
    "index_bytes; with --queries, runs each line (or qid<TAB>query) as ranked\n"
    "OR top-k and reports latencies.\n";

struct options {
    const char *db = nullptr;         // database directory
    const char *queries = nullptr;    // query file or null
    const char *run = nullptr;        // TREC run output or null
    const char *latencies = nullptr;  // per-query µs output or null
    unsigned long k = 10;             // hits per query
    unsigned long warmup = 100;       // untimed queries first
    unsigned long repeat = 1;         // timed passes
    bool compact = true;              // compact after building
    bool json = false;                // one JSON object
};

static int build(const options &o, char **paths, size_t npaths, long long &docs,
                 double &build_s, double &compact_s)
{
    namespace fs = std::filesystem;
    std::string tmp = std::string(o.db) + ".tmp";
    std::error_code ec;
    fs::remove_all(o.db, ec);
    fs::remove_all(tmp, ec);
    uint64_t t0 = bl_now_ns();
    bl_jsonl *r = nullptr;
    if (bl_jsonl_open(&r, paths, npaths))
        return -1;
    int got = 0;
    try {
        Xapian::WritableDatabase db(o.compact ? tmp : std::string(o.db), Xapian::DB_CREATE_OR_OVERWRITE);
        Xapian::TermGenerator tg;
        tg.set_stemmer(Xapian::Stem("indonesian"));
        tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
        bl_doc d;
        while ((got = bl_jsonl_next(r, &d)) == 1) {
            Xapian::Document doc;
            tg.set_document(doc);
            tg.index_text(std::string(d.title, d.title_len));
            tg.increase_termpos();
            tg.index_text(std::string(d.body, d.body_len));
            doc.set_data(std::string(d.id, d.id_len));
            db.add_document(doc);
            docs++;
        }
        db.commit();
        db.close();
    } catch (const Xapian::Error &e) {
        bl_error("xapian: %s", e.get_description().c_str());
        bl_jsonl_close(r);
        return -1;
    }
    bl_jsonl_close(r);
    if (got < 0)
        return -1;
    uint64_t t1 = bl_now_ns();
    build_s = (double)(t1 - t0) / 1e9;
    if (o.compact) {
        try {
            Xapian::Database src(tmp);
            src.compact(o.db);
        } catch (const Xapian::Error &e) {
            bl_error("xapian: compact: %s", e.get_description().c_str());
            return -1;
        }
        fs::remove_all(tmp, ec);
        compact_s = (double)(bl_now_ns() - t1) / 1e9;
    }
    return 0;
}

// Touched with every hit's id so that fetching it is not optimized away.
static volatile unsigned char id_sink;

static int run_queries(const options &o, bl_report *rep)
{
    bl_queries q;
    if (bl_queries_load(&q, o.queries))
        return -1;
    FILE *run = nullptr;
    if (o.run && !(run = fopen(o.run, "w"))) {
        bl_error("%s: cannot create: %s", o.run, strerror(errno));
        bl_queries_free(&q);
        return -1;
    }
    std::vector<double> us;
    us.reserve(q.n * o.repeat);
    unsigned long long hits = 0;
    int rc = 0;
    try {
        Xapian::Database db(o.db);
        Xapian::Enquire enq(db);
        enq.set_weighting_scheme(Xapian::BM25Weight(1.2, 0, 1, 0.75, 0));
        Xapian::QueryParser qp;
        qp.set_database(db);
        qp.set_stemmer(Xapian::Stem("indonesian"));
        qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        qp.set_default_op(Xapian::Query::OP_OR);
        auto one = [&](size_t i, FILE *out) -> unsigned long {
            Xapian::Query query;
            try {
                query = qp.parse_query(q.text[i]);
            } catch (const Xapian::QueryParserError &) {
                query = qp.parse_query(q.text[i], 0);
            }
            enq.set_query(query);
            Xapian::MSet ms = enq.get_mset(0, (Xapian::doccount)o.k);
            unsigned long rank = 0;
            for (auto it = ms.begin(); it != ms.end(); ++it) {
                std::string id = it.get_document().get_data();
                rank++;
                if (out)
                    fprintf(out, "%s Q0 %s %lu %.6f xapian\n", q.qid[i], id.c_str(), rank, it.get_weight());
                else if (!id.empty())
                    id_sink ^= (unsigned char)id[0];
            }
            return rank;
        };
        for (size_t i = 0; i < q.n && i < o.warmup; i++)
            one(i, nullptr);
        for (unsigned long pass = 0; pass < o.repeat; pass++) {
            for (size_t i = 0; i < q.n; i++) {
                uint64_t t0 = bl_now_ns();
                hits += one(i, pass == 0 ? run : nullptr);
                us.push_back((double)(bl_now_ns() - t0) / 1e3);
            }
        }
    } catch (const Xapian::Error &e) {
        bl_error("xapian: %s", e.get_description().c_str());
        rc = -1;
    }
    if (run && fclose(run) != 0 && rc == 0) {
        bl_error("%s: write error", o.run);
        rc = -1;
    }
    if (rc == 0 && o.latencies) {
        FILE *lf = fopen(o.latencies, "w");
        if (!lf) {
            bl_error("%s: cannot create: %s", o.latencies, strerror(errno));
            rc = -1;
        } else {
            for (double v : us)
                fprintf(lf, "%.3f\n", v);
            fclose(lf);
        }
    }
    if (rc == 0) {
        bl_stats s;
        bl_stats_compute(&s, us.data(), us.size());
        bl_report_latency(rep, &s, hits);
    }
    bl_queries_free(&q);
    return rc;
}

int main(int argc, char **argv)
{
    bl_set_progname(argv[0]);
    options o;
    enum { OPT_DB = 256, OPT_QUERIES, OPT_RUN, OPT_LAT, OPT_WARMUP, OPT_REPEAT, OPT_NOCOMPACT, OPT_JSON };
    static const struct option longopts[] = {
        {"db", required_argument, nullptr, OPT_DB},
        {"queries", required_argument, nullptr, OPT_QUERIES},
        {"run", required_argument, nullptr, OPT_RUN},
        {"latencies", required_argument, nullptr, OPT_LAT},
        {"warmup", required_argument, nullptr, OPT_WARMUP},
        {"repeat", required_argument, nullptr, OPT_REPEAT},
        {"no-compact", no_argument, nullptr, OPT_NOCOMPACT},
        {"json", no_argument, nullptr, OPT_JSON},
        {"help", no_argument, nullptr, 'h'},
        {nullptr, 0, nullptr, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "k:h", longopts, nullptr)) != -1) {
        switch (c) {
        case OPT_DB: o.db = optarg; break;
        case OPT_QUERIES: o.queries = optarg; break;
        case OPT_RUN: o.run = optarg; break;
        case OPT_LAT: o.latencies = optarg; break;
        case OPT_NOCOMPACT: o.compact = false; break;
        case OPT_JSON: o.json = true; break;
        case 'k':
        case OPT_WARMUP:
        case OPT_REPEAT: {
            char *end;
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (errno || *end || optarg[0] == '-' || (c != OPT_WARMUP && v == 0)) {
                bl_error("invalid number '%s'", optarg);
                return 2;
            }
            (c == 'k' ? o.k : c == OPT_WARMUP ? o.warmup : o.repeat) = v;
            break;
        }
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (!o.db || (optind == argc && !o.queries)) {
        fputs(usage, stderr);
        return 2;
    }
    bl_report rep;
    bl_report_begin(&rep, stdout, o.json);
    bl_report_str(&rep, "engine", "xapian");
    if (optind < argc) {
        long long docs = 0;
        double build_s = 0, compact_s = 0;
        if (build(o, argv + optind, (size_t)(argc - optind), docs, build_s, compact_s))
            return 1;
        bl_report_int(&rep, "docs", docs);
        bl_report_num(&rep, "build_seconds", build_s);
        bl_report_num(&rep, "compact_seconds", compact_s);
        bl_report_int(&rep, "index_bytes", bl_path_bytes(o.db));
    }
    if (o.queries && run_queries(o, &rep))
        return 1;
    bl_report_end(&rep);
    return 0;
}
