/*
 * corpus.h: internals of corpus/, shared by the walker (walk.c), the
 * per-file reader state and article checks (reader.c), the three readers
 * (txt.c, markdown.c, jsonl.c) and dates (dates.c).  The per-buffer entry
 * point corpus_read_buffer() lets unit tests and fuzz targets feed bytes
 * without the filesystem.  Nothing outside corpus/ and tests/ includes this.
 */
#ifndef WARTA_CORPUS_H
#define WARTA_CORPUS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "base.h"
#include "warta.h"

/* Caps on input sizes (bytes after gzip decompression).  Past a cap the
 * input is skipped and reported; the walk goes on. */
#define CORPUS_MAX_ARTICLE ((size_t)16 << 20) /* a .txt/.md file, or one JSON Lines line */
#define CORPUS_MAX_FILE ((size_t)64 << 20)    /* a whole .json document (JSON Lines files are streamed: no cap) */
#define CORPUS_MAX_DEPTH 256                  /* directory nesting followed by the walk */
#define CORPUS_MAX_JSON_DEPTH 64              /* nesting the fast JSON path follows (jansson: 2048) */
#define CORPUS_MAX_FRONT_MATTER ((size_t)64 << 10) /* YAML front matter; news needs a few hundred bytes */
#define CORPUS_MAX_YAML_DEPTH 64              /* [ and { nesting in front matter (libyaml slows down
                                                 quadratically with depth) */
#define CORPUS_REPORTS_PER_KIND 5             /* messages shown per kind of problem per file */
#define CORPUS_PROGRESS_EVERY 1024            /* articles between progress calls inside a file */

/* Reader formats, chosen by file extension (after stripping .gz). */
enum corpus_format {
    CORPUS_NONE = 0,   /* no reader: ignored inside directories */
    CORPUS_TXT,        /* .txt: scraped article, optional YAML front matter */
    CORPUS_MARKDOWN,   /* .md, .markdown: YAML front matter and Markdown body */
    CORPUS_JSONL,      /* .jsonl, .ndjson: one JSON object per line */
    CORPUS_JSON        /* .json: one object or an array of objects */
};

/* Kinds of problem, for limiting repeated messages within one file. */
enum corpus_problem_kind {
    CP_FILE = 0,       /* about the whole file (unreadable, binary, empty, truncated, ...) */
    CP_UTF8,           /* invalid UTF-8 repaired */
    CP_JSON,           /* malformed JSON line or element */
    CP_YAML,           /* malformed front matter */
    CP_FIELD,          /* a known field of the wrong type */
    CP_NOTITLE,        /* no title, kept */
    CP_EMPTY,          /* neither title nor body, skipped */
    CP_DATE,           /* unparseable date, dropped */
    CP_LONGLINE,       /* JSON Lines line over CORPUS_MAX_ARTICLE */
    CP_KINDS
};

/* The state of reading one file: where problems and articles go, and how
 * many messages of each kind were shown. */
typedef struct corpus_reader {
    const warta_walk_callbacks *cb;   /* the caller's callbacks */
    warta_walk_stats *stats;          /* totals to update (never NULL here) */
    const char *path;                 /* the file as walked, for messages and warta_article.path */
    const char *rel;                  /* default id base: path relative to the PATH argument */
    unsigned shown[CP_KINDS];         /* messages passed to cb->problem, per kind */
    unsigned hidden[CP_KINDS];        /* problems counted but not shown, per kind */
    unsigned first_hidden[CP_KINDS];  /* line of the first hidden problem, per kind */
    int stop;                         /* non-zero: an article callback asked to stop, or ENOMEM */
    wbuf id;                          /* scratch for the default id */
    wbuf text;                        /* scratch for cleaned body text */
    wbuf fix;                         /* scratch for UTF-8 repair */
    wbuf dec;                         /* scratch for decoded JSON strings */
    wbuf tags;                        /* scratch for joined tags */
    uint64_t articles_at_progress;    /* stats->articles at the last progress call */
} corpus_reader;

/* Raw fields of one article before checks; (NULL, 0) when missing. */
typedef struct corpus_fields {
    const char *id; size_t id_len;         /* the id field; missing: corpus_emit makes one */
    const char *title; size_t title_len;   /* untrimmed headline */
    const char *body; size_t body_len;     /* untrimmed text */
    const char *date; size_t date_len;     /* as written; normalized by corpus_emit */
    const char *time; size_t time_len;     /* a separate time of day ("13:30 WIB"), JSON only */
    const char *url; size_t url_len;       /* address of the article */
    const char *source; size_t source_len; /* publisher */
    const char *author; size_t author_len; /* writer */
    const char *tags; size_t tags_len;     /* tags joined by ", " */
} corpus_fields;

/* ---- reader.c ---- */

/* Starts reading one file.  rel may be NULL (then path is the id base). */
void corpus_reader_init(corpus_reader *r, const char *path, const char *rel,
                        const warta_walk_callbacks *cb, warta_walk_stats *stats);
/* Ends a file: reports the problems that were counted but not shown, calls
 * cb->file and cb->progress, releases scratch memory. */
void corpus_reader_finish(corpus_reader *r);

/* Reports a problem at line (0: none) of the current file, counts it as
 * skipped or as a warning, and passes it to cb->problem unless this kind was
 * already shown CORPUS_REPORTS_PER_KIND times in this file. */
void corpus_report(corpus_reader *r, int kind, unsigned line, bool skipped, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Checks and hands one article to cb->article: trims title, normalizes the
 * date (unparseable: dropped, warned), fills the default id (rel, or rel:LINE
 * when line > 0) and path, skips an article with neither title nor body and
 * warns about a missing title.  Returns 0 or the stop value (also kept in
 * r->stop). */
int corpus_emit(corpus_reader *r, const corpus_fields *f, unsigned line);

/* Reads one file's bytes (already decompressed) in the given format.
 * Reports problems, emits articles.  Returns 0, WARTA_ENOMEM, or the value
 * an article callback returned to stop. */
int corpus_read_buffer(const char *path, const char *rel, const char *data, size_t len,
                       int format, const warta_walk_callbacks *cb, warta_walk_stats *stats);

/* Same, for a reader already set up (the walker uses it). */
int corpus_read_with(corpus_reader *r, const char *data, size_t len, int format);

/* The format for a file name (".gz" stripped first; *gz set when present). */
int corpus_format_of(const char *name, bool *gz);

/* Length of the longest valid UTF-8 prefix of [s, s+len). */
size_t corpus_utf8_valid_prefix(const char *s, size_t len);
/* If [s, s+len) is valid UTF-8, returns s.  Otherwise writes a repaired copy
 * (each invalid sequence replaced by U+FFFD) to out and returns out->data
 * (NULL on ENOMEM); *newlen gets the repaired length. */
const char *corpus_utf8_repair(const char *s, size_t len, wbuf *out, size_t *newlen);

/* ---- txt.c ---- */
int txt_read(corpus_reader *r, const char *data, size_t len);

/* ---- markdown.c ---- */

/* Front matter found at the start of a file. */
typedef struct corpus_front {
    corpus_fields f;      /* title, date, url, source, author, tags, id (pointers into storage) */
    wbuf storage;         /* the values, NUL-separated */
    size_t body_offset;   /* where the body starts in the file */
    unsigned body_line;   /* the 1-based line number of the body's first line */
} corpus_front;

/* True when data starts with a front matter opening line ("---"). */
bool front_matter_present(const char *data, size_t len);
/* Parses the front matter at the start of data with libyaml.  Returns 0, or
 * 1 when it is malformed (reported as a skip with its line), or
 * WARTA_ENOMEM.  Release fm with front_matter_free() in every case. */
int front_matter_parse(corpus_reader *r, const char *data, size_t len, corpus_front *fm);
void front_matter_free(corpus_front *fm);
/* The start shared by the .md and .txt readers: skips a UTF-8 byte order
 * mark and parses the YAML front matter when there is one.  Returns 0 with
 * *off at the body and fm->f holding the front matter's fields (all empty
 * without front matter), or what front_matter_parse() returns.  Release fm
 * with front_matter_free() in every case. */
int front_matter_begin(corpus_reader *r, const char *data, size_t len, corpus_front *fm,
                       size_t *off);
int markdown_read(corpus_reader *r, const char *data, size_t len);
/* Writes text with Markdown syntax removed (words kept) to out. */
void markdown_strip(const char *text, size_t len, wbuf *out);

/* ---- jsonl.c ---- */
/* Reads one JSON Lines line (without its newline) numbered lineno. */
int jsonl_read_line(corpus_reader *r, const char *line, size_t len, unsigned lineno);
int jsonl_read(corpus_reader *r, const char *data, size_t len);
int json_read_document(corpus_reader *r, const char *data, size_t len);
/* The fast path for one line: 1 when it decoded the line into *f (strings
 * point into the line or into r->dec), 0 when the line needs the full
 * parser (malformed, or a field of an unusual type). */
int jsonl_fast_fields(corpus_reader *r, const char *line, size_t len, corpus_fields *f);
/* The full parser for one line: 1 and *f (strings owned by *root, release it
 * with json_decref) on success, 0 when malformed (errmsg, column set). */
struct json_t;
int jsonl_slow_fields(corpus_reader *r, const char *line, size_t len, corpus_fields *f,
                      struct json_t **root, char *errmsg, size_t errlen, int *column,
                      unsigned lineno);

#endif
