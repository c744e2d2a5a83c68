/*
 * segment.h: the read side of an index on disk, used by query/ (search),
 * by the writer (replace-on-add, merge) and by `warta stats` / `warta check`.
 *
 * An index directory holds immutable segment files and a manifest naming the
 * live ones (docs/FORMAT.md).  seg_snapshot_open() reads the manifest once and
 * mmaps every segment it names: the snapshot then sees that one commit until
 * it is closed, whatever writers do meanwhile.  A snapshot, its readers and
 * everything they return are immutable and may be shared by many threads;
 * all per-search state lives in caller-owned seg_cursor structs and scratch
 * buffers.  Postings are zero-copy views into the mapping.
 *
 * Corruption: opening checks magic, version and the checksums of the small
 * parts (table of contents, per-document arrays, dictionary index).  The
 * checksum of a dictionary block, and of the postings and positions ranges of
 * the terms it holds, is checked the first time a term of that block is used
 * (a per-block flag remembers it, thread-safe), likewise a chunk of the
 * per-document arrays when one of its documents is first read; a document-store block's
 * checksum is checked at every fetch, an ids-and-titles block's on first use,
 * the id table's on the first id lookup.  So no answer is ever computed from a
 * corrupt byte: such calls return WARTA_ECORRUPT and seg_reader_errmsg() names
 * the file.  seg_reader_verify() checks everything (warta check).
 */
#ifndef WARTA_SEGMENT_H
#define WARTA_SEGMENT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "corpus/base.h"
#include "warta.h"

/* Documents per postings block.  Every block but a term's last holds exactly
 * this many documents. */
#define SEG_BLOCK 128

/* seg_cursor_next()/seek() return this past the last document. */
#define SEG_END UINT32_MAX

/* seg_doc_date() of a document without a date. */
#define SEG_DATE_NONE INT64_MIN

/* seg_doc_source() of a document without a source. */
#define SEG_SOURCE_NONE UINT32_MAX

/* Longest index term stored (bytes); longer terms are cut by the writer. */
#define SEG_MAX_TERM 255

/* The per-document arrays (lengths, title lengths, dates, sources) carry one
 * checksum per chunk of 1 << SEG_DOC_CHUNK_BITS documents, checked the first
 * time one of its documents is read (so opening costs the same whatever the
 * number of documents). */
#define SEG_DOC_CHUNK_BITS 10

typedef struct seg_reader seg_reader;
typedef struct seg_snapshot seg_snapshot;

/* ------------------------------------------------------------------------ */
/* Snapshot: one commit of an index                                         */
/* ------------------------------------------------------------------------ */

/* Opens the last commit of the index in dir: reads the manifest, opens and
 * mmaps each segment (taking a shared flock on it, see FORMAT.md "Deleting
 * old files") and its deletion bitmap.  Retries when a writer commits in
 * between.  Returns 0, WARTA_ENOTFOUND (no index there), WARTA_ECORRUPT,
 * WARTA_EFORMAT, WARTA_EIO, WARTA_ENOMEM; on failure *out is NULL and errmsg
 * (errlen bytes, may be NULL) names the file and what is wrong. */
int seg_snapshot_open(seg_snapshot **out, const char *dir, char *errmsg, size_t errlen);

/* Unmaps everything; accepts NULL.  Nothing a snapshot returned may be used
 * afterwards. */
void seg_snapshot_close(seg_snapshot *s);

/* Segments, in the manifest's order (older documents first). */
size_t seg_snapshot_count(const seg_snapshot *s);
seg_reader *seg_snapshot_segment(const seg_snapshot *s, size_t i);

/* Live (not deleted) documents over all segments: BM25's N. */
uint64_t seg_snapshot_live_docs(const seg_snapshot *s);

/* Sum of seg_doc_len() over live documents: avgdl = this / live docs. */
uint64_t seg_snapshot_live_length(const seg_snapshot *s);

/* The analyzer configuration and root set stored at index creation, as
 * written by analysis_serialize(); borrowed until seg_snapshot_close(). */
const uint8_t *seg_snapshot_analyzer(const seg_snapshot *s, size_t *len);

/* Hands over the mapping of the whole analyzer file (payload at *map + 24,
 * *map_len - 28 bytes; the caller munmaps it): the snapshot's is then
 * empty.  warta_index_open gives it to the analyzer it opens. */
void seg_snapshot_take_analyzer(seg_snapshot *s, const uint8_t **map, size_t *map_len);

/* The index directory and the commit generation this snapshot shows. */
const char *seg_snapshot_dir(const seg_snapshot *s);
uint64_t seg_snapshot_generation(const seg_snapshot *s);

/* The build description recorded by the last commit ("jobs=2 memory_mb=256
 * ..."), NUL-terminated, borrowed until close. */
const char *seg_snapshot_build_info(const seg_snapshot *s);

/* Finds the live document with external id (id, len) in any segment (the
 * newest wins; there is at most one live).  scratch is used for the check
 * against the stored id.  Returns 0 with *seg (index in the snapshot) and
 * *doc set, WARTA_ENOTFOUND, WARTA_ECORRUPT, WARTA_ENOMEM. */
int seg_snapshot_find_id(const seg_snapshot *s, const char *id, size_t len, wbuf *scratch,
                         size_t *seg, uint32_t *doc);

/* ------------------------------------------------------------------------ */
/* One segment                                                              */
/* ------------------------------------------------------------------------ */

/* Internal layout of an opened segment.  Callers use the functions below;
 * the struct is here only so that the per-document accessors can be inline. */
struct seg_reader {
    char *path;                     /* file name, for messages */
    const uint8_t *map;             /* the whole file, mmapped read-only */
    size_t map_len;                 /* its length */
    bool map_borrowed;              /* map belongs to the caller (seg_reader_open_bytes) */
    int fd;                         /* kept open: holds the shared flock */
    uint64_t id;                    /* segment number (file name) */
    uint32_t ndocs;                 /* documents, deleted ones included */
    uint32_t ndeleted;              /* documents marked deleted */
    const uint8_t *deleted;         /* deletion bitmap, ndocs bits LSB-first; NULL when none */
    uint8_t *deleted_owned;         /* the bitmap's storage (read from the .del file) */
    const uint8_t *dl;              /* ndocs x u32le: document length (index terms, title+body) */
    const uint8_t *tl;              /* ndocs x u16le: title length in index terms (saturated at 65535) */
    const uint8_t *date;            /* ndocs x i64le: seconds since 1970 UTC, SEG_DATE_NONE */
    const uint8_t *src;             /* ndocs x u32le: source id, SEG_SOURCE_NONE */
    const uint8_t *doc_crc;         /* per chunk of documents: CRC-32C of its dl, tl, date, src slices */
    _Atomic uint8_t *doc_ok;        /* per chunk: 0 unchecked, 1 passed, 2 failed; NULL: all
                                       trusted (readers made by hand in tests) */
    _Atomic uint8_t doc_bad;        /* 1 once a chunk failed: cursors and fetches then fail */
    uint32_t nsources;              /* distinct source names */
    const char **source_name;       /* nsources names (into the map), sorted by bytes */
    uint32_t *source_len;           /* their lengths */
    uint64_t sum_dl;                /* sum of dl over all documents */
    uint64_t live_dl;               /* sum of dl over live documents */
    /* dictionary */
    uint64_t nterms;                /* distinct terms */
    uint32_t ndict_blocks;          /* front-coded dictionary blocks */
    const uint8_t *dict_index;      /* ndict_blocks x 16-byte entries (FORMAT.md) */
    const uint8_t *dict_data;       /* front-coded blocks */
    size_t dict_len;                /* bytes of dict_data */
    const uint8_t *dict_keys;       /* the DICT_KEYS section: offsets, then the first terms */
    size_t dict_keys_len;           /* its bytes */
    const uint8_t *dict_key_bytes;  /* the first terms, back to back (after the offsets) */
    size_t dict_key_bytes_len;
    _Atomic uint8_t *verified;      /* per dictionary block: 1 once its checksums passed, 2 failed */
    const uint8_t *post;            /* postings section (docids, tfs, skip data) */
    size_t post_len;
    const uint8_t *pos;             /* positions section */
    size_t pos_len;
    /* document store */
    const uint8_t *ds;              /* document store section */
    size_t ds_len;
    uint32_t ds_nblocks;            /* compressed blocks */
    const uint8_t *ds_index;        /* ds_nblocks x 36-byte entries */
    uint32_t ds_ndicts;             /* preset dictionaries */
    const uint8_t **ds_dict;        /* their bytes (into the map) */
    uint32_t *ds_dict_len;
    uint32_t *ds_dict_crc;          /* their checksums */
    _Atomic uint8_t *ds_dict_ok;    /* per dictionary: 1 once its checksum passed, 2 failed */
    /* external ids */
    const uint8_t *ids;             /* ndocs x 12 bytes: u64 hash, u32 docid; sorted by hash */
    _Atomic uint8_t ids_verified;   /* 1 once the id table's checksum passed, 2 failed */
    uint32_t ids_crc;               /* its expected checksum */
    const uint8_t *head_off;        /* (head_nblocks+1) x u32le: offset of each ids-and-titles block */
    const uint8_t *head_crc;        /* head_nblocks x u32le: their checksums */
    uint32_t head_nblocks;          /* blocks of FMT_HEADS_CHUNK documents */
    uint32_t head_nwords;           /* title words with a code */
    const uint8_t *head_woff;       /* (head_nwords+1) x u32le: offset of each in head_words */
    const uint8_t *head_words;      /* their bytes, back to back, code 1 first */
    uint32_t head_words_len;
    const uint8_t *heads;           /* the encoded ids and titles */
    size_t heads_len;
    _Atomic uint8_t *heads_verified; /* per block: 1 checked, 2 failed */
    /* sizes for stats */
    uint64_t bytes_dict, bytes_post, bytes_pos, bytes_docinfo, bytes_store, bytes_ids;
    uint64_t bytes_heads;           /* ids and titles (part of the stored text) */
    uint64_t npostings;             /* (term, doc) pairs */
    uint64_t npositions;            /* positions stored */
    char errmsg[320];               /* last error detail, "" when none */
};

static inline uint32_t seg_ndocs(const seg_reader *r) { return r->ndocs; }
static inline uint32_t seg_ndeleted(const seg_reader *r) { return r->ndeleted; }

/* True when doc is deleted (deletions are applied at search time). */
static inline bool seg_is_deleted(const seg_reader *r, uint32_t doc)
{
    return r->deleted && (r->deleted[doc >> 3] >> (doc & 7) & 1);
}

/* Checks the chunk of per-document values holding doc (the accessors
 * below call it the first time): true when it passed; false when it fails
 * its checksum or names a source out of range, which marks the reader
 * failed (seg_reader_failed(), the message in seg_reader_errmsg()). */
bool seg_doc_check(const seg_reader *r, uint32_t doc);

/* True when doc's per-document values were checked and may be used. */
static inline bool seg_doc_ready(const seg_reader *r, uint32_t doc)
{
    return !r->doc_ok ||
           atomic_load_explicit(&r->doc_ok[doc >> SEG_DOC_CHUNK_BITS], memory_order_relaxed) == 1 ||
           seg_doc_check(r, doc);
}

/* WARTA_ECORRUPT once a per-document chunk of r failed its check (the
 * accessors below then answered with neutral values: length 1, title
 * length 0, no date, no source), else 0.  Cursors (seg_cursor_error()),
 * dictionary lookups and fetches report it, so no answer is computed from
 * such a value. */
static inline int seg_reader_failed(const seg_reader *r)
{
    return atomic_load_explicit(&r->doc_bad, memory_order_relaxed) ? WARTA_ECORRUPT : 0;
}

/* Exact document length: index terms in title plus body (stopwords not
 * counted).  doc < seg_ndocs(). */
static inline uint32_t seg_doc_len(const seg_reader *r, uint32_t doc)
{
    if (!seg_doc_ready(r, doc))
        return 1;
    uint32_t v;
    memcpy(&v, r->dl + 4 * (size_t)doc, 4);
    return v; /* little-endian hosts only; FORMAT.md fixes LE */
}

/* Index terms in the title (saturated at 65535). */
static inline uint32_t seg_title_len(const seg_reader *r, uint32_t doc)
{
    if (!seg_doc_ready(r, doc))
        return 0;
    uint16_t v;
    memcpy(&v, r->tl + 2 * (size_t)doc, 2);
    return v;
}

/* The article's date as seconds since 1970-01-01T00:00Z (a date without a
 * time is its midnight), or SEG_DATE_NONE.  Sorts like the dates. */
static inline int64_t seg_doc_date(const seg_reader *r, uint32_t doc)
{
    if (!seg_doc_ready(r, doc))
        return SEG_DATE_NONE;
    int64_t v;
    memcpy(&v, r->date + 8 * (size_t)doc, 8);
    return v;
}

/* Source id of doc (index into this segment's source table) or
 * SEG_SOURCE_NONE.  Ids are per segment: map names with seg_source_find(). */
static inline uint32_t seg_doc_source(const seg_reader *r, uint32_t doc)
{
    if (!seg_doc_ready(r, doc))
        return SEG_SOURCE_NONE;
    uint32_t v;
    memcpy(&v, r->src + 4 * (size_t)doc, 4);
    return v;
}

static inline uint32_t seg_source_count(const seg_reader *r) { return r->nsources; }

/* Name of source id i < seg_source_count(); borrowed until close. */
static inline const char *seg_source_name(const seg_reader *r, uint32_t i, size_t *len)
{
    *len = r->source_len[i];
    return r->source_name[i];
}

/* The id of source name (exact bytes), or SEG_SOURCE_NONE. */
uint32_t seg_source_find(const seg_reader *r, const char *name, size_t len);

/* Last error detail on this reader ("index/s000001.seg: dictionary block 3
 * fails its checksum"), or "" when none.  Shared between threads: read it
 * only after a call returned an error. */
const char *seg_reader_errmsg(const seg_reader *r);

/* ------------------------------------------------------------------------ */
/* Terms                                                                    */
/* ------------------------------------------------------------------------ */

/* Where a term's data is.  Filled by lookups; passed to seg_cursor_open(). */
typedef struct seg_term {
    uint32_t df;             /* documents containing the term, deleted ones included */
    uint64_t cf;             /* total occurrences (sum of tf) */
    uint64_t post_off;       /* offset of its postings in the postings section */
    uint64_t post_len;       /* their bytes */
    uint64_t pos_off;        /* offset of its positions in the positions section */
    uint64_t pos_len;        /* their bytes */
    uint32_t block;          /* dictionary block holding it */
} seg_term;

/* Exact lookup.  Returns 0, WARTA_ENOTFOUND, WARTA_ECORRUPT. */
int seg_term_lookup(seg_reader *r, const char *term, size_t len, seg_term *out);

/* Calls fn for each term starting with prefix, in byte order, at most cap
 * terms (fn's term is borrowed for the call).  fn returns 0 to go on.
 * Returns 0 (also when cap cut the list: *truncated tells, may be NULL),
 * WARTA_ECORRUPT, or fn's non-zero value. */
int seg_term_prefix(seg_reader *r, const char *prefix, size_t len, size_t cap,
                    int (*fn)(void *ctx, const char *term, size_t term_len, const seg_term *t),
                    void *ctx, bool *truncated);

/* df counting live documents only: t->df when the segment has no deletions,
 * else a scan of the docids.  Returns 0 or WARTA_ECORRUPT. */
int seg_term_live_df(seg_reader *r, const seg_term *t, uint32_t *df);

/* Calls fn for every term in byte order (merge, check, stats). */
int seg_term_each(seg_reader *r,
                  int (*fn)(void *ctx, const char *term, size_t term_len, const seg_term *t),
                  void *ctx);

/* ------------------------------------------------------------------------ */
/* Postings cursor                                                          */
/* ------------------------------------------------------------------------ */

/* What bounds the score of any document of a block (or of the whole list).
 * For EVERY document d of the block, with tf(d) its occurrences (title and
 * body), ttf(d) those in the title, dl(d) its length:
 *     tf(d)  <= max_tf          ttf(d) <= max_ttf         dl(d) >= min_dl
 *     tf(d)  * 65535 <= ratio_tf  * dl(d)
 *     ttf(d) * 65535 <= ratio_ttf * dl(d)
 * max_tf/max_ttf are exact maxima (u32); min_dl is the exact minimum;
 * ratio_* are ceil(65535 * max over the block of x/dl), in [0, 65535].
 * A BM25 term weight tf/(tf + k1*(1 - b + b*dl/avgdl)) grows with tf and
 * shrinks with dl, so its value at (max_tf, min_dl) bounds the block; and as
 * tf/(tf + K) <= tf/K with K >= k1*b*dl/avgdl, also by
 * (ratio_tf/65535) * avgdl/(k1*b) when b > 0.  The smaller of the two is a
 * valid bound.  With a title boost X >= 1 (tf' = tf + (X-1)*ttf), use
 * max_tf + (X-1)*max_ttf and ratio_tf + (X-1)*ratio_ttf the same way.
 * docs/FORMAT.md "Block bounds" gives the proof. */
typedef struct seg_bound {
    uint32_t last_doc;       /* last docid in the block (of the list for term bounds) */
    uint32_t max_tf;         /* largest tf */
    uint32_t max_ttf;        /* largest title tf */
    uint32_t min_dl;         /* smallest document length */
    uint16_t ratio_tf;       /* ceil(65535 * max(tf/dl)) */
    uint16_t ratio_ttf;      /* ceil(65535 * max(ttf/dl)) */
} seg_bound;

/* A position in one term's postings.  Caller-allocated (on the stack is
 * fine), no heap memory, no close needed; it points into the reader, which
 * must stay open.  One cursor per thread; many cursors may read one term. */
typedef struct seg_cursor {
    seg_reader *r;           /* the segment */
    const uint8_t *skip;     /* skip entries (nblocks x 32 bytes), NULL when df < SEG_BLOCK */
    const uint8_t *blocks;   /* first block of postings */
    const uint8_t *end;      /* end of the term's postings */
    const uint8_t *pos_base; /* the term's positions */
    const uint8_t *pos_end;
    uint32_t df;             /* documents in the list */
    uint32_t nblocks;        /* ceil(df / SEG_BLOCK) */
    uint32_t blk;            /* block decoded in docs[]/tfs[] (UINT32_MAX: none yet) */
    uint32_t shallow;        /* block chosen by seg_cursor_shallow_seek() */
    uint32_t i;              /* index of the current document in the block */
    uint32_t n;              /* documents in the decoded block */
    uint32_t doc;            /* current docid, SEG_END when exhausted */
    bool started;            /* next() or seek() was called */
    int err;                 /* sticky error (WARTA_ECORRUPT), 0 when fine */
    const uint8_t *pos_blk;  /* positions of the decoded block's first document */
    const uint8_t *pos_cur;  /* positions of document pos_i of the block */
    uint32_t pos_i;          /* document index pos_cur points at */
    seg_bound term_bound;    /* bound over the whole list (and of the only block when df < SEG_BLOCK);
                                only its last_doc while bound_lazy */
    bool bound_lazy;         /* term_bound not computed yet (seg_cursor_term_bound()) */
    const uint8_t *tf_src;   /* packed tf-1 then title tf of block blk, when not yet unpacked */
    uint8_t tf_bits;         /* their widths */
    uint8_t ttf_bits;
    bool tf_ready;           /* tfs[] and ttfs[] hold block blk's values */
    bool tfs_ready;          /* tfs[] does (ttfs[] may not yet) */
    bool has_title;          /* some ttfs[] of block blk is not 0 */
    uint32_t docs[SEG_BLOCK];  /* decoded docids of block blk */
    uint32_t tfs[SEG_BLOCK];   /* their tf */
    uint32_t ttfs[SEG_BLOCK];  /* their title tf */
} seg_cursor;

/* The dictionary block where term would be (a binary search over the
 * blocks' first keys, not yet checked), whose start the processor is asked
 * to load: locating every term of a query first lets those loads overlap.
 * seg_term_lookup_in() then finds term in that block, checks included. */
uint32_t seg_term_locate(const seg_reader *r, const char *term, size_t len);
int seg_term_lookup_in(seg_reader *r, uint32_t block, const char *term, size_t len,
                       seg_term *out);

/* Asks the processor to start loading the beginning of t's postings (a
 * hint: lookups of a query's terms go first, their cursors are opened
 * after, so the loads overlap). */
void seg_term_prefetch(const seg_reader *r, const seg_term *t);

/* Starts a cursor on t (from a lookup on r), before the first document.
 * Checks the term's dictionary block checksums the first time (once per
 * block for the reader's lifetime).  Returns 0 or WARTA_ECORRUPT. */
int seg_cursor_open(seg_cursor *c, seg_reader *r, const seg_term *t);

/* Puts an opened cursor back before its first document, as
 * seg_cursor_open() on the same term would, without recomputing the list's
 * bound (a cursor stopped by an error is left as it is). */
void seg_cursor_rewind(seg_cursor *c);

/* Advances to the next document; returns its docid or SEG_END.  Deleted
 * documents are NOT skipped (test seg_is_deleted()). */
uint32_t seg_cursor_next(seg_cursor *c);

/* Advances to the first document >= target (never backwards: a target at or
 * before the current document leaves it); returns it or SEG_END. */
uint32_t seg_cursor_seek(seg_cursor *c, uint32_t target);

/* Moves to the first document >= target, backwards too (a cursor past it
 * goes back without starting over from the first block); returns it or
 * SEG_END. */
uint32_t seg_cursor_goto(seg_cursor *c, uint32_t target);

/* The current document, tf (title + body), title tf. Valid after next/seek
 * returned a docid other than SEG_END. */
static inline uint32_t seg_cursor_doc(const seg_cursor *c) { return c->doc; }
/* A block's docids are unpacked when it is entered; its tf and title tf
 * only when first asked for (seeks through a block mostly need neither).
 * seg_cursor_load_tfs() fills tfs[] and ttfs[]; the accessors call it. */
void seg_cursor_load_tfs(seg_cursor *c);
static inline void seg_cursor_need_tfs(seg_cursor *c)
{
    if (!c->tf_ready)
        seg_cursor_load_tfs(c);
}
/* tfs[] alone (cheaper when the title counts are not wanted). */
void seg_cursor_load_tf_only(seg_cursor *c);
static inline const uint32_t *seg_cursor_block_tfs(seg_cursor *c)
{
    if (!c->tfs_ready)
        seg_cursor_load_tf_only(c);
    return c->tfs;
}
/* Whether any document of the decoded block has the term in its title
 * (when not, every ttfs[] entry is 0). */
static inline bool seg_cursor_block_has_title(const seg_cursor *c)
{
    return c->has_title;
}
static inline uint32_t seg_cursor_tf(seg_cursor *c)
{
    return seg_cursor_block_tfs(c)[c->i];
}
static inline uint32_t seg_cursor_title_tf(seg_cursor *c)
{
    seg_cursor_need_tfs(c);
    return c->ttfs[c->i];
}

/* Decodes the current document's positions into out (room for
 * seg_cursor_tf() values), ascending; the first seg_cursor_title_tf() of
 * them are in the title (title positions come first; the body's continue
 * after the title's with a gap, so no phrase spans both).  Returns 0 or
 * WARTA_ECORRUPT. */
int seg_cursor_positions(seg_cursor *c, uint32_t *out);

/* Block-max support.  Moves the block pointer (not the current document) to
 * the first block whose last docid >= target, without decoding it, and
 * returns that last docid, or SEG_END when no block is left.  Never moves
 * backwards. */
uint32_t seg_cursor_shallow_seek(seg_cursor *c, uint32_t target);

/* The bound of the block chosen by the last shallow seek (block 0 before
 * any), valid until the next call on c. */
void seg_cursor_block_bound(const seg_cursor *c, seg_bound *out);

/* The first index from i in the decoded block whose docid is >= target,
 * or the block's count: a binary search, then a short scan. */
uint32_t seg_cursor_block_find(const seg_cursor *c, uint32_t i, uint32_t target);

/* The bounds of the blocks that may hold documents lo..hi (at most max of
 * them, in order) into out; returns how many (0: none there).  Moves
 * nothing. */
uint32_t seg_cursor_blocks_in(const seg_cursor *c, uint32_t lo, uint32_t hi, seg_bound *out,
                              uint32_t max);

/* The bound over the whole list (for MaxScore's term upper bounds),
 * computed from the skip entries the first time it is asked for. */
void seg_cursor_fill_bound(seg_cursor *c);
static inline const seg_bound *seg_cursor_term_bound(seg_cursor *c)
{
    if (c->bound_lazy)
        seg_cursor_fill_bound(c);
    return &c->term_bound;
}

/* Sticky decoding error of the cursor (0 when fine): check it when a cursor
 * returned SEG_END early. */
static inline int seg_cursor_error(const seg_cursor *c)
{
    return c->err ? c->err : seg_reader_failed(c->r);
}

/* ------------------------------------------------------------------------ */
/* Document store                                                           */
/* ------------------------------------------------------------------------ */

/* An article's stored fields; each NULL/0 when absent.  Points into the
 * scratch buffer given to seg_doc_fetch(): valid until it is reused. */
typedef struct seg_doc {
    const char *id;      size_t id_len;
    const char *title;   size_t title_len;
    const char *date;    size_t date_len;     /* as given (normalized ISO 8601 when it parsed) */
    const char *url;     size_t url_len;
    const char *source;  size_t source_len;
    const char *author;  size_t author_len;
    const char *tags;    size_t tags_len;
    const char *path;    size_t path_len;
    const char *body;    size_t body_len;
    uint32_t line;                             /* line in a JSON Lines file, else 0 */
} seg_doc;

/* Fetches doc's fields with one block decompression into scratch (one
 * scratch per thread; reuse it across calls), plus one small one for id and
 * title (seg_doc_head); all fields point into scratch.  Returns 0,
 * WARTA_ECORRUPT (the block fails its checksum), WARTA_ENOMEM, WARTA_EINVAL
 * (doc out of range). */
int seg_doc_fetch(seg_reader *r, uint32_t doc, wbuf *scratch, seg_doc *out);

/* The external id and the title of doc, cheaply (well under a microsecond,
 * no decompression): they are stored apart from the big blocks, ids
 * front-coded and titles as codes into a per-segment word table, in blocks
 * of 16 documents.  The strings point into scratch, valid until it is
 * reused; title may be NULL/0.  Returns 0, WARTA_ECORRUPT (the block fails
 * its checksum), WARTA_ENOMEM, WARTA_EINVAL (doc out of range).  NOTE: big
 * blocks hold every field but id and title, so docstore_next() on a
 * decompressed block leaves id/title NULL. */
int seg_doc_head(seg_reader *r, uint32_t doc, wbuf *scratch, const char **id, size_t *id_len,
                 const char **title, size_t *title_len);

/* Finds doc with external id in this segment, deleted or not.  Returns 0,
 * WARTA_ENOTFOUND, WARTA_ECORRUPT, WARTA_ENOMEM. */
int seg_find_id(seg_reader *r, const char *id, size_t len, wbuf *scratch, uint32_t *doc);

/* ------------------------------------------------------------------------ */
/* Whole-file checks and statistics                                         */
/* ------------------------------------------------------------------------ */

/* Verifies every checksum and invariant of the segment (sorted terms,
 * increasing docids, 1 <= tf <= dl, ttf <= tf and <= title length, positions
 * ascending, block bounds true, every stored document decompresses).  Returns
 * 0 or WARTA_ECORRUPT with the detail in seg_reader_errmsg(). */
int seg_reader_verify(seg_reader *r);

/* ------------------------------------------------------------------------ */
/* warta_index (include/warta.h) is a snapshot plus the stored analyzer.    */
/* ------------------------------------------------------------------------ */

struct warta_index {
    seg_snapshot *snap;              /* the commit being read */
    warta_analyzer *analyzer;        /* opened from the stored configuration, NULL until asked */
    void *ext;                       /* query/'s per-index state, freed by ext_free at close */
    void (*ext_free)(void *ext);
};

/* The snapshot of an index opened with warta_index_open(). */
static inline seg_snapshot *seg_index_snapshot(const warta_index *ix) { return ix->snap; }

#endif
