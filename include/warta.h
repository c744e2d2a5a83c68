/*
 * warta.h: the public API of warta, a full-text search engine for Indonesian
 * news.  This header is the manual: every function states its contract, the
 * codes it returns and how long what it hands back stays valid.
 *
 * Conventions (the same for every function below):
 *  - Fallible functions return int: 0 on success, a negative WARTA_E* code
 *    otherwise.  warta_strerror() names a code; the handle's errmsg function
 *    gives the detail ("query:1:7: unterminated phrase").
 *  - A pointer to text travels with its length; text is UTF-8 and need not be
 *    NUL-terminated unless stated.
 *  - warta_x_open(&x, ...) hands the caller an x to release with
 *    warta_x_close(x); close functions accept NULL.  Pointers returned by a
 *    function (not through an out-parameter) are borrowed: the comment says
 *    until when they stay valid.
 *  - Handles are not thread-safe unless stated.  A warta_index (reader) may be
 *    searched from many threads at once.
 *
 * Layout of this header: errors and versions; articles and corpus walking;
 * text analysis; writing an index; reading and searching an index.
 */
#ifndef WARTA_H
#define WARTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(WARTA_BUILDING) && defined(__GNUC__)
#define WARTA_API __attribute__((visibility("default")))
#else
#define WARTA_API
#endif

/* ------------------------------------------------------------------------ */
/* Errors and versions                                                      */
/* ------------------------------------------------------------------------ */

enum {
    WARTA_OK = 0,
    WARTA_ENOMEM = -1,      /* an allocation failed; nothing was changed on disk */
    WARTA_EIO = -2,         /* a read, write or sync failed (errno kept in the message) */
    WARTA_ENOTFOUND = -3,   /* no such index, file, term or article */
    WARTA_ECORRUPT = -4,    /* an index file fails its checksum or structure checks */
    WARTA_EFORMAT = -5,     /* an index written by an incompatible format version */
    WARTA_ESYNTAX = -6,     /* a malformed query */
    WARTA_ECONFIG = -7,     /* a bad configuration key or value */
    WARTA_ELOCKED = -8,     /* another live process holds the index's writer lock */
    WARTA_EINVAL = -9,      /* a bad argument (out of range option, NULL handle) */
    WARTA_ENOLEXICON = -10, /* the stemmer's root lexicon file cannot be read */
    WARTA_ENOSPC = -11      /* the disk is full; the previous commit is intact */
};

/* A static, human-readable name for a WARTA_E* code (never NULL). */
WARTA_API const char *warta_strerror(int code);

/* The library's version, "MAJOR.MINOR.PATCH". */
WARTA_API const char *warta_version(void);

/* Test hook: make the nth allocation from now fail (0 = the next one);
 * n < 0 turns failures off.  Process-wide; for fault-injection tests only. */
WARTA_API void warta_alloc_fail_after(long n);

/* ------------------------------------------------------------------------ */
/* Articles and corpus walking (corpus/)                                    */
/* ------------------------------------------------------------------------ */

/* One article as read from a file.  Every string is UTF-8 (invalid bytes
 * already replaced by U+FFFD), not necessarily NUL-terminated, and NULL with
 * length 0 when missing.  When an article is handed to a callback, the
 * strings are borrowed until the callback returns. */
typedef struct warta_article {
    const char *id;      size_t id_len;      /* stable external id (id field, else relative path[:LINE]) */
    const char *title;   size_t title_len;   /* headline */
    const char *body;    size_t body_len;    /* text, with scraper furniture removed */
    const char *date;    size_t date_len;    /* ISO 8601: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] */
    const char *url;     size_t url_len;
    const char *source;  size_t source_len;  /* publisher or site name */
    const char *author;  size_t author_len;
    const char *tags;    size_t tags_len;    /* tags joined by ", " */
    const char *path;    size_t path_len;    /* the file it came from, as walked */
    unsigned line;                            /* line in a JSON Lines file, else 0 */
} warta_article;

/* Totals of a walk, updated as it goes. */
typedef struct warta_walk_stats {
    uint64_t files;          /* files opened */
    uint64_t articles;       /* articles handed to the callback */
    uint64_t skipped;        /* inputs skipped (files, lines, articles) */
    uint64_t warnings;       /* problems reported that did not skip anything */
    uint64_t bytes;          /* bytes read (after decompression) */
    uint64_t ignored;        /* files in walked directories with no reader (not an error) */
} warta_walk_stats;

typedef struct warta_walk_callbacks {
    /* Called once per article, in a deterministic order.  Return 0 to go on,
     * anything else to stop the walk, which then returns that value. */
    int (*article)(void *ctx, const warta_article *a);
    /* Called once per problem: path, line (0 if none), what is wrong (one
     * line, no trailing newline, e.g. "malformed JSON (...), line skipped").
     * `skipped` says whether input was dropped (true) or only repaired or
     * kept with a warning (false).  After CORPUS_REPORTS_PER_KIND (5)
     * problems of one kind in one file, the rest of that kind are counted in
     * the stats and announced by one closing message for the file
     * ("3458 more like this in this file: ..."), line 0.  May be NULL. */
    void (*problem)(void *ctx, const char *path, unsigned line, const char *what, bool skipped);
    /* Called after each file and every 1024 articles inside a file, for a
     * progress display; may be NULL. */
    void (*progress)(void *ctx, const warta_walk_stats *s);
    void *ctx;               /* passed to every callback */
    /* Called once after each file the walk opened (read or skipped) with the
     * number of articles it gave; may be NULL (used by --verbose). */
    void (*file)(void *ctx, const char *path, uint64_t articles);
} warta_walk_callbacks;

/* Walks files and directories recursively (hidden entries skipped, symlink
 * loops guarded, entries visited in byte order of their names) and reads
 * .txt, .md, .markdown, .jsonl, .ndjson and .json files, each optionally
 * gzip-compressed (.gz).  Problems with inputs are reported through
 * cb->problem and never stop the walk.  Returns 0, WARTA_ENOMEM, or the
 * non-zero value an article callback returned.  `stats` may be NULL.
 *
 * Readers (docs/INPUT.md has the details):
 *  - .txt: first non-empty line the title, the rest the body; scraper
 *    furniture dropped ("[iklan_2]", "Baca juga: ...", "Komentar (0)",
 *    share lines, ...), a "Sumber: <url>" line becomes the url, a caption's
 *    "(Sumber: X) |" tail removed.  A leading "---" line opens YAML front
 *    matter as in .md.
 *  - .md/.markdown: YAML front matter (id, title, date, url, source, author,
 *    tags; other keys ignored); the body with Markdown syntax removed.  With
 *    no title in the front matter, a leading "# Heading" is the title.
 *  - .jsonl/.ndjson: one object a line with id, title, body (or content, or
 *    text), date (plus an optional separate time), url, source, author,
 *    tags; null allowed; other fields ignored.  .json: one such object or an
 *    array of them.
 * Ids: the id field, else the path relative to the PATH argument (the file
 * name when PATH is the file), plus ":LINE" in JSON Lines (":N", the
 * 1-based element, in a .json array).  Articles with no title are kept with
 * an empty title (warned); with neither title nor body, skipped.
 * Caps: 16 MiB per .txt/.md file and per JSON Lines line, 64 MiB per .json
 * document, JSON Lines files streamed without a cap; binary files (a NUL
 * byte), empty files, truncated .gz (articles before the damage are read,
 * the damage is reported as a skip), invalid UTF-8 (repaired to U+FFFD),
 * malformed YAML/JSON, unreadable files and directories and symlink loops
 * are each reported. */
WARTA_API int warta_walk(const char *const *paths, size_t npaths,
                         const warta_walk_callbacks *cb, warta_walk_stats *stats);

/* Normalizes a date written as ISO 8601 (date, optional time, zone
 * dropped), dd/mm/yyyy or d/m/yyyy (also with - or .), "29 Oktober 2024",
 * "29 Okt 2024", "October 29, 2024", "Selasa (10/9/2019)", "Selasa, 10
 * September 2019 14:30 WIB" and similar (Indonesian and English month and
 * weekday names, full or abbreviated) to ISO 8601 in out, NUL-terminated:
 * "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]" (local time as written, zone
 * dropped).  Returns the length written, or 0 when the text is not a date
 * (out is then ""). */
WARTA_API size_t warta_date_normalize(const char *text, size_t len, char out[32]);

/* ------------------------------------------------------------------------ */
/* Text analysis (indexer/analysis/)                                        */
/* ------------------------------------------------------------------------ */

/* Analysis turns text into index terms: ICU word boundaries (with a fast
 * path for ASCII and Latin runs that gives the same words), normalization
 * (NFKC, case folding, diacritics folded, apostrophes unified and dropped,
 * "12.000" -> "12000", times "10:30" -> "10.30", dates "10/9/2019" ->
 * "2019-09-10"), hyphenated words (reduplication "anak-anak" -> one term
 * "anak", affixed "berlari-lari" -> "lari", other compounds "Korea-Rusia" ->
 * two terms at two positions), Indonesian stopwords (dropped but keeping
 * their positions), and a dictionary-based confix-stripping stemmer whose
 * roots come from the hunspell-id lexicon.  docs/ANALYSIS.md has the rules. */
typedef struct warta_analyzer warta_analyzer;

typedef struct warta_analyzer_options {
    bool no_stem;              /* keep words unstemmed */
    bool keep_stopwords;       /* index stopwords as terms */
    bool no_lexicon;           /* stem by rules only, without the root lexicon */
    const char *lexicon_path;  /* hunspell .dic with the roots; NULL: the default */
    const char *stopword_path; /* one stopword a line; NULL: the built-in list */
} warta_analyzer_options;

/* One token produced by analysis. */
typedef struct warta_token {
    const char *term;  size_t term_len;    /* the index term; borrowed until the callback returns */
    size_t start, end;                     /* byte offsets of the surface form in the input */
    uint32_t position;                     /* word position; stopwords use positions too */
    bool stopword;                         /* true only when keep_stopwords would have dropped it */
} warta_token;

/* Opens an analyzer.  opts may be NULL for defaults.  Returns 0,
 * WARTA_ENOMEM, WARTA_ENOLEXICON (the lexicon file is missing or unreadable;
 * install the hunspell-id package or pass no_lexicon), WARTA_ECONFIG. On
 * failure *out is NULL and errmsg (if not NULL, errlen bytes) says why. */
WARTA_API int warta_analyzer_open(warta_analyzer **out, const warta_analyzer_options *opts,
                                  char *errmsg, size_t errlen);
WARTA_API void warta_analyzer_close(warta_analyzer *a);

/* Makes a second analyzer with the same configuration, sharing a's
 * immutable lexicon and stopwords (reference-counted), with its own stem
 * cache: one per thread.  Cheap (no file is read).  a and the clone may be
 * used from different threads at once and closed in any order.  Returns 0
 * or WARTA_ENOMEM (then *out is NULL). */
WARTA_API int warta_analyzer_clone(warta_analyzer **out, const warta_analyzer *a);

/* Analyzes text, calling fn for each token in order (stopwords are passed
 * only with keep_stopwords, but always consume a position).  Positions
 * start at 0.  fn returns 0 to go on.  Not thread-safe per analyzer: use one
 * analyzer per thread.  Returns 0, WARTA_ENOMEM or fn's non-zero value. */
WARTA_API int warta_analyze(warta_analyzer *a, const char *text, size_t len,
                            int (*fn)(void *ctx, const warta_token *t), void *ctx);

/* Stems one word (normalized and case-folded first, no stopword removal,
 * stemming even when the analyzer has no_stem; a reduplication such as
 * "berlari-lari" gives its base).  Writes the stem to out (NUL-terminated,
 * at most cap bytes) and returns its length, or a negative code:
 * WARTA_EINVAL when the stem does not fit (256 bytes always suffice),
 * WARTA_ENOMEM. */
WARTA_API int warta_stem(warta_analyzer *a, const char *word, size_t len, char *out, size_t cap);

/* ------------------------------------------------------------------------ */
/* Writing an index (indexer/)                                              */
/* ------------------------------------------------------------------------ */

typedef struct warta_writer warta_writer;

typedef struct warta_writer_options {
    warta_analyzer_options analysis;  /* used when creating an index; an existing one keeps its own */
    unsigned jobs;                    /* analysis threads; 0 = number of cores */
    size_t memory_mb;                 /* buffer budget before a segment is flushed; 0 = 256 */
    bool no_merge;                    /* do not merge segments after commit */
} warta_writer_options;

/* Opens (creating if needed) the index directory dir for writing and takes
 * its writer lock.  Returns 0, WARTA_ELOCKED (another live process writes;
 * the message names its PID), WARTA_ECORRUPT, WARTA_EFORMAT, WARTA_EIO,
 * WARTA_ENOLEXICON, WARTA_ENOMEM.  On failure *out is NULL and errmsg says
 * why. */
WARTA_API int warta_writer_open(warta_writer **out, const char *dir,
                                const warta_writer_options *opts, char *errmsg, size_t errlen);

/* Adds an article (copied; the caller's strings may go once this returns).
 * An article whose id is already in the index replaces it at commit. */
WARTA_API int warta_writer_add(warta_writer *w, const warta_article *a);

/* Deletes the article with this external id at the next commit.
 * Returns 0 or WARTA_ENOTFOUND when no live article has that id. */
WARTA_API int warta_writer_delete(warta_writer *w, const char *id, size_t len);

/* Makes everything added and deleted so far durable: new segments are
 * written and synced, then the manifest is replaced atomically.  A crash at
 * any point leaves the previous commit readable.  Returns 0, WARTA_EIO,
 * WARTA_ENOSPC, WARTA_ENOMEM; on failure the previous commit is intact. */
WARTA_API int warta_writer_commit(warta_writer *w);

/* Merges all segments into one and commits. */
WARTA_API int warta_writer_optimize(warta_writer *w);

/* Releases the writer and its lock; what was not committed is discarded. */
WARTA_API void warta_writer_close(warta_writer *w);

/* The detail of the writer's last error; valid until the next call on w. */
WARTA_API const char *warta_writer_errmsg(const warta_writer *w);

/* What a writer did so far (for progress and summaries). */
typedef struct warta_writer_info {
    uint64_t added;        /* articles passed to warta_writer_add() */
    uint64_t replaced;     /* of which replaced an article with the same id */
    uint64_t deleted;      /* articles removed by warta_writer_delete() */
    uint64_t flushes;      /* segments written from the memory buffer */
    uint64_t merges;       /* segment merges done */
    uint64_t segments;     /* segments in the index (committed or not) */
    uint64_t live;         /* live articles in those segments */
    uint64_t generation;   /* number of the last commit (0: none yet) */
    double cpu_analysis;   /* CPU seconds the analysis threads spent analyzing */
    double cpu_compress;   /* CPU seconds they spent compressing the document store */
    double cpu_invert;     /* CPU seconds the caller's thread spent inverting and flushing */
} warta_writer_info;

WARTA_API void warta_writer_get_info(const warta_writer *w, warta_writer_info *out);

/* ------------------------------------------------------------------------ */
/* Reading and searching an index (indexer/segment/, query/)                */
/* ------------------------------------------------------------------------ */

typedef struct warta_index warta_index;

/* Opens the last commit of the index at dir for reading (mmap, checks magic,
 * version and checksums).  A reader sees that one commit until closed, even
 * while a writer commits.  Returns 0, WARTA_ENOTFOUND, WARTA_ECORRUPT,
 * WARTA_EFORMAT, WARTA_EIO, WARTA_ENOMEM; errmsg names the file. */
WARTA_API int warta_index_open(warta_index **out, const char *dir, char *errmsg, size_t errlen);
WARTA_API void warta_index_close(warta_index *ix);

/* The analyzer stored in the index (same configuration and roots as at
 * indexing), borrowed until warta_index_close(). */
WARTA_API warta_analyzer *warta_index_analyzer(warta_index *ix);

/* Size and shape of an opened index (warta stats). */
typedef struct warta_index_info {
    uint64_t live;             /* live articles */
    uint64_t deleted;          /* deleted articles still in segments (dropped at merge) */
    uint64_t segments;         /* segment files */
    uint64_t generation;       /* commit number */
    uint64_t terms;            /* distinct terms over all segments */
    uint64_t postings;         /* (term, article) pairs, deleted articles included */
    uint64_t positions;        /* term occurrences stored */
    uint64_t bytes_dictionary; /* term dictionaries and their indexes */
    uint64_t bytes_postings;   /* docids, frequencies, skip data */
    uint64_t bytes_positions;  /* positions */
    uint64_t bytes_lengths;    /* per-article lengths, dates, sources */
    uint64_t bytes_ids;        /* external id table */
    uint64_t bytes_store;      /* compressed document store */
    uint64_t bytes_other;      /* manifest, analyzer, deletion bitmaps, headers */
    uint64_t bytes_total;      /* all files of the index */
    double avg_doc_len;        /* mean index terms per live article */
    const char *build_info;    /* how the last commit was built; borrowed until close */
} warta_index_info;

/* Fills out.  Counting distinct terms walks every dictionary.  Returns 0,
 * WARTA_ECORRUPT, WARTA_ENOMEM. */
WARTA_API int warta_index_get_info(warta_index *ix, warta_index_info *out);

/* Verifies every checksum and structural invariant of the index at dir
 * (warta check): the manifest, the analyzer, every segment byte by byte and
 * term by term, deletion files.  Returns 0 when sound, else WARTA_ECORRUPT,
 * WARTA_EFORMAT, WARTA_ENOTFOUND, WARTA_EIO, WARTA_ENOMEM with errmsg naming
 * the file and the fault. */
WARTA_API int warta_index_check(const char *dir, char *errmsg, size_t errlen);

/* ------------------------------------------------------------------------ */
/* Searching (query/)                                                       */
/* ------------------------------------------------------------------------ */

/* The query language (docs/QUERY.md): plain words are a ranked OR, analyzed
 * like the articles; +word required, -word or NOT word excluded, "a phrase"
 * (stopwords keep their places), title:word and title:"a phrase", AND / OR
 * and parentheses, word* for every term starting with word.  Ranking is
 * BM25 (BM25F with title_boost) over live articles; top-k is pruned (term
 * at a time, block-max MaxScore for very long lists) and returns exactly what
 * exhaustive scoring returns (ties by article order in the index). */

typedef enum warta_sort {
    WARTA_SORT_SCORE = 0,      /* best score first (ties: older document first) */
    WARTA_SORT_DATE = 1        /* newest first; undated articles last */
} warta_sort;

typedef struct warta_search_options {
    unsigned k;                /* hits to return (default 10; 0 returns none, only counts) */
    unsigned offset;           /* best hits to skip first, for paging (default 0) */
    double k1;                 /* BM25 k1 >= 0 (default 1.2) */
    double b;                  /* BM25 b in [0, 1] (default 0.75) */
    double title_boost;        /* BM25F weight of a title occurrence, >= 0 (default WARTA_TITLE_BOOST) */
    const char *since;         /* keep articles dated at or after this date (any form
                                  warta_date_normalize() reads; NULL: no limit) */
    const char *until;         /* ... at or before it (a bare date means to its end) */
    const char *const *sources;/* keep articles of these sources (exact names) */
    size_t nsources;           /* 0: any source */
    warta_sort sort;           /* order of hits */
    bool explain;              /* fill warta_hit.explain */
    bool snippets;             /* fill warta_hit.snippet (costs a fetch and analysis per hit) */
    unsigned snippet_len;      /* snippet length in characters (default 200) */
    bool exhaustive;           /* score every match without pruning (same results, slower:
                                  for tests and benchmarks) */
    bool id_title_only;        /* fetch only each hit's id and title (what `warta bench`
                                  times); date, url, source, path stay NULL */
} warta_search_options;

/* Default title boost, chosen by measurement on the TyDi train split
 * (README "Figures"): MRR@10 there falls as the weight grows (0.65311 at 0
 * and at 0.01, 0.65305 at 0.05, 0.65282 at 0.1, 0.64817 at 1), since the
 * answer passages have no titles.  0.01 is the best positive weight: a word
 * found only in a title still counts and headlines still break ties.  1 is
 * plain BM25 over title and body as one bag of terms; title:word counts
 * title occurrences at a weight of max(1, X). */
#define WARTA_TITLE_BOOST 0.01

/* Fills o with the defaults above. */
WARTA_API void warta_search_options_init(warta_search_options *o);

/* A highlighted byte range [start, end) of a snippet. */
typedef struct warta_span {
    size_t start, end;
} warta_span;

/* How one query term (or phrase) scored one hit (--explain). */
typedef struct warta_explain {
    const char *term;   size_t term_len;  /* the index term, or the phrase's terms joined by spaces */
    const char *field;                    /* "text" (title and body), "title", "phrase" or
                                             "title phrase" */
    double tf;          /* occurrences, title ones weighted by title_boost; phrase: matches */
    double df;          /* live articles containing the term (phrase: of its rarest term) */
    double idf;         /* ln(1 + (N - df + 0.5) / (df + 0.5)); phrase: sum over its terms */
    double dl;          /* the article's length in index terms */
    double avgdl;       /* average length over live articles */
    double score;       /* the contribution to the hit's score */
} warta_explain;

/* One hit.  Strings are UTF-8 (not NUL-terminated; NULL with length 0 when
 * the article has no such field), borrowed until warta_results_free(). */
typedef struct warta_hit {
    unsigned rank;                        /* 1-based, counting the offset */
    double score;                         /* BM25 score */
    const char *id;      size_t id_len;
    const char *title;   size_t title_len;
    const char *date;    size_t date_len;
    const char *url;     size_t url_len;
    const char *source;  size_t source_len;
    const char *path;    size_t path_len;
    const char *snippet; size_t snippet_len;   /* with options.snippets: one or two lines
                                                  of text, "..." where it was cut */
    const warta_span *spans; size_t nspans;    /* matched words inside the snippet */
    const warta_explain *explain; size_t nexplain;  /* with options.explain */
} warta_hit;

typedef struct warta_results warta_results;

/* Searches ix for query[0..len) (the query need not be NUL-terminated).
 * o may be NULL for defaults.  On success *out holds the hits, to release
 * with warta_results_free().  Returns 0, WARTA_ESYNTAX (malformed query, or
 * nothing left to search after analysis: err = "query:1:COL: what"),
 * WARTA_EINVAL (a bad option: err names it), WARTA_ECORRUPT (err names the
 * file), WARTA_ENOMEM.  On failure *out is NULL.  err (errlen bytes) may be
 * NULL.  Thread-safe: many threads may search one warta_index at once. */
WARTA_API int warta_search(warta_index *ix, const char *query, size_t len,
                           const warta_search_options *o, warta_results **out,
                           char *err, size_t errlen);

/* Hits returned (at most k), the i-th of them (i < count), borrowed until
 * warta_results_free(). */
WARTA_API size_t warta_results_count(const warta_results *r);
WARTA_API const warta_hit *warta_results_hit(const warta_results *r, size_t i);

/* Articles matching the query (all of them, not only those returned):
 * exact.  When ranking pruned documents it did not need to score, the count
 * is made on the first call, by a pass over the query terms' docids (tens
 * of microseconds on common terms); later calls are free. */
WARTA_API uint64_t warta_results_total_hits(const warta_results *r);

/* Milliseconds warta_search() took (parse, analyze, rank, fetch). */
WARTA_API double warta_results_took_ms(const warta_results *r);

/* The query as given, borrowed until warta_results_free(). */
WARTA_API const char *warta_results_query(const warta_results *r, size_t *len);

/* The results as one JSON document:
 * {"query", "total_hits", "took_ms", "hits": [{"rank", "score", "id", "title",
 *  "date", "url", "source", "path", "snippet"}]}, plus "explain" per hit
 * when searched with explain.  Missing fields are null; the snippet marks
 * matches as [word].  Text is valid UTF-8 JSON whatever the articles hold.
 * indent 0 gives one line.  *out (NUL-terminated, *len bytes) is released
 * with free().  Returns 0 or WARTA_ENOMEM. */
WARTA_API int warta_results_json(const warta_results *r, unsigned indent, char **out, size_t *len);

/* Releases results; accepts NULL. */
WARTA_API void warta_results_free(warta_results *r);

/* ------------------------------------------------------------------------ */
/* Configuration: warta.yaml (query/config.c, docs/CONFIG.md)               */
/* ------------------------------------------------------------------------ */

typedef enum warta_colour {
    WARTA_COLOUR_AUTO = 0,     /* bold highlights when stdout is a terminal */
    WARTA_COLOUR_ALWAYS = 1,
    WARTA_COLOUR_NEVER = 2
} warta_colour;

/* What warta.yaml says, over the defaults.  Strings are owned by the
 * config and live until warta_config_free(). */
typedef struct warta_config {
    const char *path;                 /* the file read, NULL when none was found */
    warta_analyzer_options analysis;  /* analysis: stopwords, stemming, lexicon (index time) */
    warta_search_options search;      /* ranking: k1, b, title_boost; output: k, snippet_length */
    warta_colour colour;              /* output: colour */
} warta_config;

/* Reads the configuration: the file `path` when not NULL, else the one
 * named by $WARTA_CONFIG, else INDEX_DIR/warta.yaml when it exists (index_dir
 * may be NULL), else the defaults (path NULL).  Returns 0, WARTA_ENOTFOUND
 * (an explicitly named file is missing), WARTA_EIO, WARTA_ECONFIG (err =
 * "FILE:LINE:COL: what is wrong"), WARTA_ENOMEM; on failure *out is NULL. */
WARTA_API int warta_config_load(warta_config **out, const char *path, const char *index_dir,
                                char *err, size_t errlen);
WARTA_API void warta_config_free(warta_config *c);

#ifdef __cplusplus
}
#endif
#endif
