/*
 * format.h: the on-disk constants of an index (docs/FORMAT.md is the spec)
 * and the internal interfaces shared inside indexer/segment/ and with the
 * build pipeline (indexer/writer.c): the postings codec, the dictionary
 * builder, the document store builder, the segment file writer, the
 * manifest and commit protocol, and merging.  query/ uses only segment.h.
 */
#ifndef WARTA_SEG_FORMAT_H
#define WARTA_SEG_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "corpus/base.h"
#include "indexer/segment/segment.h"

/* Format version of every file; readers refuse any other (WARTA_EFORMAT). */
#define FMT_VERSION 2

#define FMT_SEG_MAGIC "WARTASEG"      /* segment file */
#define FMT_SEG_TAIL "WSEGTAIL"       /* before a segment's final CRC */
#define FMT_DEL_MAGIC "WARTADEL"      /* deletion bitmap */
#define FMT_MAN_MAGIC "WARTAMAN"      /* manifest */
#define FMT_ANA_MAGIC "WARTAANA"      /* stored analyzer */

#define FMT_MANIFEST "manifest"       /* the file naming the live commit */
#define FMT_ANALYZER "analyzer"       /* the stored analyzer */
#define FMT_LOCK "lock"               /* the writer lock (flock + PID) */

/* Segment sections, in file order. */
enum fmt_section {
    SEC_STORE = 1,       /* compressed document-store blocks */
    SEC_STORE_INDEX,     /* block index + preset dictionaries */
    SEC_POST,            /* postings: skip entries and blocks */
    SEC_POS,             /* positions */
    SEC_DICT,            /* front-coded dictionary blocks */
    SEC_DICT_INDEX,      /* per dictionary block: offsets and checksums */
    SEC_DICT_KEYS,       /* first term of each dictionary block */
    SEC_DL,              /* u32 per document */
    SEC_TL,              /* u16 per document */
    SEC_DATE,            /* i64 per document */
    SEC_SRC,             /* u32 per document */
    SEC_SOURCES,         /* source names */
    SEC_IDS,             /* (hash, docid) sorted */
    SEC_HEADS_INDEX,     /* title word table, per-block offsets and checksums */
    SEC_HEADS,           /* ids and titles, FMT_HEADS_CHUNK documents per block */
    SEC_DOC_CRCS,        /* per chunk of documents: CRC-32C of its DL, TL, DATE, SRC slices */
    SEC_COUNT
};

#define FMT_HEADER_LEN 24             /* magic 8, version 4, flags 4, segment id 8 */
#define FMT_TRAILER_LEN 28            /* toc_off 8, toc_len 4, toc_crc 4, tail magic 8, file crc 4 */
#define FMT_TOC_ENTRY 24              /* kind 4, crc 4, off 8, len 8 */
#define FMT_SKIP_ENTRY 32             /* a postings block's skip entry */
#define FMT_DICT_ENTRY 44             /* a dictionary block's index entry (its checksum last) */
#define FMT_STORE_ENTRY 36            /* a document-store block's index entry (its checksum last) */
#define FMT_DICT_BLOCK 32             /* terms per dictionary block */
#define FMT_ID_ENTRY 12               /* hash 8, docid 4 */
#define FMT_BODY_GAP 1                /* positions skipped between title and body */
#define FMT_HEADS_CHUNK 16            /* documents per ids-and-titles block */

typedef struct segw_docinfo segw_docinfo;

/* 64-bit hash of an external id (FNV-1a, then a mixer). */
uint64_t fmt_id_hash(const char *id, size_t len);

/* Path helpers: dir + "/" + name into out; false when too long. */
bool fmt_path(char *out, size_t cap, const char *dir, const char *name);
void fmt_seg_name(char *out, size_t cap, uint64_t id);            /* "s0000000001.seg" */
void fmt_del_name(char *out, size_t cap, uint64_t id, uint64_t gen); /* "s0000000001-g0000000002.del" */

/* varint_get() with the one- and two-byte cases inline (the hot
 * decoders' common cases: counts and docid gaps below 16384); same result
 * and same refusals. */
static inline bool fmt_varint(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
    const uint8_t *q = *p;
    if (q < end && *q < 0x80) {
        *out = *q;
        *p = q + 1;
        return true;
    }
    if (end - q >= 2 && q[1] < 0x80) {
        *out = (uint64_t)(q[0] & 0x7f) | (uint64_t)q[1] << 7;
        *p = q + 2;
        return true;
    }
    return varint_get(p, end, out);
}

/* ------------------------------------------------------------------------ */
/* Postings codec (postings.c)                                              */
/* ------------------------------------------------------------------------ */

/* Bit-packs n (<= SEG_BLOCK) values of `bits` bits each, LSB first, into
 * 16*bits bytes (a full block) appended to out. */
void postings_pack(wbuf *out, const uint32_t *v, unsigned n, unsigned bits);

/* Unpacks SEG_BLOCK values of `bits` bits from p (which must have 8 readable
 * bytes past the 16*bits packed bytes). */
void postings_unpack(const uint8_t *p, unsigned bits, uint32_t *v);

/* postings_unpack() without vector instructions (what it does on a
 * processor without AVX-512 VBMI), and whether this processor takes the
 * vector path: the tests compare the two. */
void postings_unpack_scalar(const uint8_t *p, unsigned bits, uint32_t *v);
bool postings_unpack_fast(void);

/* Bits needed for the largest of n values. */
unsigned postings_bits(const uint32_t *v, unsigned n);

/* One term's postings, ready to encode: docids ascending, tf >= 1,
 * ttf <= tf, positions as stored (per document: tf varints, first absolute
 * then gaps), pos_len[i] bytes for document i. */
typedef struct postings_list {
    uint32_t n;                 /* documents */
    const uint32_t *docs;       /* docids */
    const uint32_t *tfs;        /* tf */
    const uint32_t *ttfs;       /* title tf */
    const uint8_t *pos;         /* all positions, concatenated */
    const uint32_t *pos_len;    /* bytes of each document's positions (may be NULL: then
                                   block offsets are found by scanning pos) */
    size_t pos_bytes;           /* total bytes of pos */
} postings_list;

/* Appends the encoded postings of l to post and its positions to pos.  dl
 * gives each document's length (for block bounds).  Sticky error in *rc. */
void postings_encode(const postings_list *l, const uint8_t *dl_le32, wbuf *post, wbuf *pos, int *rc);

/* Internal cursor helpers for merge and check. */
int postings_cursor_raw_positions(seg_cursor *c, const uint8_t **p, size_t *len);
/* Skips n varints from p (bounded by end); NULL when they run out. */
const uint8_t *postings_skip_varints(const uint8_t *p, const uint8_t *end, uint64_t n);

/* ------------------------------------------------------------------------ */
/* Dictionary (dict.c)                                                      */
/* ------------------------------------------------------------------------ */

typedef struct dict_builder {
    wbuf data;                  /* front-coded blocks */
    wbuf index;                 /* FMT_DICT_ENTRY per block */
    wbuf keys;                  /* first term of each block; after dict_builder_finish() the
                                   whole DICT_KEYS section (offsets, then the terms) */
    wbuf key_offs;              /* u32le offset of each block's first term in keys */
    char last[SEG_MAX_TERM];    /* previous term */
    size_t last_len;
    uint32_t in_block;          /* terms in the open block */
    uint64_t nterms;
    size_t block_data;          /* offset of the open block in data */
    uint32_t post_crc, pos_crc; /* checksums of the open block's postings and positions */
} dict_builder;

void dict_builder_init(dict_builder *d);
/* Adds the next term (strictly greater than the previous), whose postings
 * (post_len bytes at post) and positions (pos_len bytes at pos) sit at
 * post_off/pos_off of their sections, right after the previous term's. */
void dict_builder_add(dict_builder *d, const char *term, size_t len, uint32_t df, uint64_t cf,
                      uint64_t post_off, uint64_t post_len, uint64_t pos_off, uint64_t pos_len,
                      const void *post, const void *pos, int *rc);
/* Closes the last block. */
void dict_builder_finish(dict_builder *d, int *rc);
void dict_builder_free(dict_builder *d);

/* Sets up the reader's dictionary after the sections are known (constant
 * time: entries are checked when their block is first used, the order of
 * the block keys by seg_reader_verify()). */
int dict_reader_init(seg_reader *r);

/* Sequential walk over all terms (merge, check). */
typedef struct dict_iter {
    seg_reader *r;
    uint32_t block;             /* current block */
    uint32_t in_block;          /* entries read in it */
    uint32_t block_n;           /* entries in it */
    const uint8_t *p, *end;     /* read position in the block's bytes */
    uint64_t post_off, pos_off; /* running offsets */
    char term[SEG_MAX_TERM + 1];
    size_t term_len;
    seg_term t;
} dict_iter;

int dict_iter_start(dict_iter *it, seg_reader *r, uint32_t block);
/* 1 with it->term/t set, 0 at the end, <0 on corruption. */
int dict_iter_next(dict_iter *it);

/* Checks block b's index entry and checksums once; 0 or WARTA_ECORRUPT. */
int dict_verify_block(seg_reader *r, uint32_t b);
/* True when block b's index entry passes its checksum (over the entry and
 * its key). */
bool dict_entry_ok(const seg_reader *r, uint32_t b);
/* Checks that the block keys are strictly increasing (warta check). */
int dict_verify_keys(seg_reader *r);

/* ------------------------------------------------------------------------ */
/* Document store (docstore.c)                                              */
/* ------------------------------------------------------------------------ */

/* Appends one stored block record (every field but id and title, which
 * live uncompressed in the heads section) to raw, and the head record
 * (varint id_len, id, varint title_len, title) to head. */
void docstore_record(wbuf *raw, wbuf *head, const warta_article *a);

/* Parses a head record at *p (moving *p past it). */
int docstore_head_next(const uint8_t **p, const uint8_t *end, seg_doc *out);

/* Ids and titles (heads.c): encodes di's head records into the two
 * sections; sets up a reader's table at open; appends doc's id and title
 * to out (offsets into out returned). */
int heads_encode(const segw_docinfo *di, wbuf *index, wbuf *data);
int heads_reader_init(seg_reader *r, const uint8_t *index, size_t len, const uint8_t *data,
                      size_t data_len);
/* Checks every title word offset and block offset of r's ids and titles
 * (warta check; a search checks those it uses). */
int heads_check_index(seg_reader *r);
int heads_append(seg_reader *r, uint32_t doc, wbuf *out, size_t *id_off, size_t *id_len,
                 size_t *title_off, size_t *title_len);

/* Builds a preset dictionary (<= 32 KiB) from sample text. */
void docstore_make_dict(const char *sample, size_t len, wbuf *dict);

/* Compresses raw into out (raw deflate, preset dictionary dict).  *zctx
 * holds a reusable deflate state (NULL at first; release with
 * docstore_zfree). */
int docstore_compress(void **zctx, const uint8_t *raw, size_t len, const uint8_t *dict,
                      size_t dict_len, int level, wbuf *out);
void docstore_zfree(void *zctx);

/* True when store block b's index entry passes its checksum. */
bool docstore_entry_ok(const seg_reader *r, uint32_t b);
/* Checks every store index entry, that the blocks cover the documents in
 * order, and every preset dictionary (merge, warta check); 0 or
 * WARTA_ECORRUPT with the message set. */
int docstore_check_index(seg_reader *r);

/* The store block holding doc: the last whose first document is <= doc
 * (r has at least one block). */
uint32_t docstore_block_of(const seg_reader *r, uint32_t doc);

/* Formats an error into errmsg (when given) and returns rc: the openers'
 * (segread.c, manifest.c) way of failing with a message. */
int fmt_fail(char *errmsg, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Decompresses block b of r into scratch (checks its checksum). */
int docstore_load_block(seg_reader *r, uint32_t b, wbuf *scratch);

/* Parses the block record of the i-th document of a decompressed block
 * (id and title are not in blocks: see seg_doc_head). */
int docstore_parse(const uint8_t *p, size_t len, uint32_t i, seg_doc *out);
/* Parses the block record at *p and moves *p past it (id, title: NULL). */
int docstore_next(const uint8_t **p, const uint8_t *end, seg_doc *out);

/* Document-store level and block size (bytes of raw records), chosen by
 * measurement on clickid-2019 (docs/FORMAT.md "Document store"): level 5
 * with 32 KiB blocks and the preset dictionary stays under gzip -6 of the
 * text + 15 % (13.8 %; 64 KiB blocks gave 12.9 %, 16 KiB 15.5 %) at 30 %
 * less CPU than level 6, and a fetch inflates half as much as with 64 KiB.
 * A fetch steps over the records before its own by their length fields,
 * inflating at least DOCSTORE_STEP bytes at a time, then exactly to its
 * record's end. */
#define DOCSTORE_LEVEL 5
#define DOCSTORE_BLOCK (32 * 1024)
#define DOCSTORE_STEP 4096
/* deflateTune() parameters used with DOCSTORE_LEVEL: level 5's, with the
 * match chain cut from 32 to 24. */
#define DOCSTORE_GOOD 8
#define DOCSTORE_LAZY 16
#define DOCSTORE_NICE 32
#define DOCSTORE_CHAIN 24

/* ------------------------------------------------------------------------ */
/* Segment file writer (segwrite.c)                                         */
/* ------------------------------------------------------------------------ */

/* Per-document data handed to the segment writer. */
struct segw_docinfo {
    wbuf dl, tl, date, src;     /* the four per-document arrays, little-endian */
    wbuf ids;                   /* FMT_ID_ENTRY per document, unsorted */
    wbuf heads;                 /* head records, back to back */
    wbuf head_off;              /* u32 per document: offset of its head record */
    /* or, when set, where ids and titles come from (merge): called for
     * documents 0..ndocs-1 in order, twice; out's strings live until the
     * next call */
    int (*head_get)(void *ctx, uint32_t doc, seg_doc *out);
    void *head_ctx;
    uint32_t ndocs;
};

typedef struct seg_writer {
    FILE *f;                    /* the temporary file */
    char *tmp_path;             /* its name */
    char *final_path;           /* renamed to at finish */
    uint64_t id;
    uint64_t off;               /* bytes written */
    uint32_t crc;               /* CRC of bytes written */
    uint32_t store_crc;         /* CRC of the store section so far */
    int err;                    /* sticky */
    wbuf store_index;           /* FMT_STORE_ENTRY per block */
    uint32_t store_blocks;
    uint64_t store_start;       /* offset of SEC_STORE */
    wbuf dicts;                 /* preset dictionaries: u32 count later, then (u32 len, bytes) */
    uint32_t ndicts;
    uint32_t ndocs_stored;      /* documents in the store so far */
    wbuf toc;                   /* table of contents entries */
    FILE *posf;                 /* positions, until appended */
    char *pos_path;             /* its name */
    uint64_t post_start, post_len;  /* the postings section so far */
    uint64_t pos_len;           /* bytes of positions so far */
    uint32_t post_crc, pos_crc; /* their checksums */
    uint64_t store_end;         /* end of the store section (postings follow it) */
    bool postings_begun;
    uint32_t nsections;
    char errmsg[256];
} seg_writer;

int segw_open(seg_writer *w, const char *dir, uint64_t id);
/* Postings and positions are streamed term by term (positions through a
 * temporary file, appended at the end), so a flush or merge never holds a
 * whole section in memory.  Call begin once all store blocks are written. */
void segw_postings_begin(seg_writer *w);
void segw_postings_term(seg_writer *w, const void *post, size_t post_len, const void *pos,
                        size_t pos_len);
void segw_postings_end(seg_writer *w);
/* Adds a preset dictionary, returning its number. */
uint32_t segw_add_dict(seg_writer *w, const uint8_t *d, size_t len);
/* Appends one compressed store block of ndocs records. */
void segw_store_block(seg_writer *w, const uint8_t *comp, size_t comp_len, uint32_t raw_len,
                      uint32_t ndocs, uint32_t dict);
/* Writes a whole section (aligned to 8). */
void segw_section(seg_writer *w, uint32_t kind, const void *p, size_t len);
/* Writes the remaining sections, TOC and trailer, fsyncs and renames into
 * place.  dict is finished; docinfo's ids get sorted. */
typedef struct source_table source_table;
int segw_finish(seg_writer *w, segw_docinfo *di, dict_builder *dict, source_table *sources,
                uint64_t npostings, uint64_t npositions);
void segw_docinfo_free(segw_docinfo *di);
void segw_abort(seg_writer *w);

/* Per-document arrays, sources table (built by the writer and merge). */
struct source_table {
    char **names;               /* distinct names, in first-seen order */
    uint32_t *lens;
    uint32_t n, cap;
    uint32_t *slots;            /* open-addressing hash of indexes+1 */
    uint32_t nslots;
};
/* Returns the first-seen number of name, or SEG_SOURCE_NONE on OOM. */
uint32_t source_table_add(source_table *t, const char *name, size_t len, int *rc);
/* Writes the SEC_SOURCES bytes sorted, and a map first-seen -> sorted id. */
int source_table_finish(source_table *t, wbuf *out, uint32_t **map);
void source_table_free(source_table *t);

/* ------------------------------------------------------------------------ */
/* Reader internals (segread.c)                                             */
/* ------------------------------------------------------------------------ */

int seg_reader_open(seg_reader **out, const char *dir, uint64_t id, uint64_t del_gen,
                    char *errmsg, size_t errlen);
void seg_reader_close(seg_reader *r);
/* Opens a segment from bytes in memory (borrowed; they must outlive the
 * reader and have 8 readable bytes past len) with no deletions: for fuzz
 * targets and tests.  Same checks and codes as seg_reader_open. */
int seg_reader_open_bytes(seg_reader **out, const void *p, size_t len, uint64_t id,
                          char *errmsg, size_t errlen);
void seg_reader_set_error(seg_reader *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Checks the id table's checksum once; 0 or WARTA_ECORRUPT. */
int seg_ids_verify(seg_reader *r);
/* Reads a deletion file; *bits is malloc'd ((ndocs+7)/8 bytes). */
int seg_read_deletions(const char *path, uint64_t id, uint32_t ndocs, uint8_t **bits,
                       uint32_t *ndeleted, char *errmsg, size_t errlen);

/* ------------------------------------------------------------------------ */
/* Manifest and commit (manifest.c)                                         */
/* ------------------------------------------------------------------------ */

typedef struct man_seg {
    uint64_t id;                /* segment number */
    uint32_t ndocs;             /* documents in it */
    uint32_t ndeleted;          /* of which deleted */
    uint64_t del_gen;           /* generation of its deletion file, 0 = none */
    uint64_t bytes;             /* segment file size */
} man_seg;

typedef struct manifest {
    uint64_t generation;        /* commit number, 1 for the first */
    uint64_t next_id;           /* next segment number to use */
    uint32_t analyzer_crc;      /* CRC of the analyzer file's payload */
    man_seg *segs;
    uint32_t nsegs;
    char *build_info;           /* NUL-terminated */
} manifest;

int manifest_read(manifest *m, const char *dir, char *errmsg, size_t errlen);
void manifest_free(manifest *m);
/* Encodes m (with its trailing CRC). */
void manifest_encode(const manifest *m, wbuf *out);
int manifest_decode(manifest *m, const uint8_t *p, size_t len, char *errmsg, size_t errlen);

/* Writes path via path.tmp + fsync + rename (+ fsync dir when sync_dir). */
int fmt_write_atomic(const char *dir, const char *name, const void *p, size_t len,
                     char *errmsg, size_t errlen);
int fmt_fsync_dir(const char *dir);

/* The analyzer file. */
int analyzer_file_write(const char *dir, const wbuf *blob, uint32_t *crc, char *errmsg, size_t errlen);
int analyzer_file_read(const char *dir, wbuf *blob, uint32_t *crc, char *errmsg, size_t errlen);
/* The same checks over a read-only mapping of the whole file (*map,
 * *map_len: munmap it); the payload is at *map + 24, *map_len - 28 bytes. */
int analyzer_file_map(const char *dir, const uint8_t **map, size_t *map_len, uint32_t *crc,
                      char *errmsg, size_t errlen);

/* Writes a deletion file for segment id at generation gen. */
int deletions_write(const char *dir, uint64_t id, uint64_t gen, const uint8_t *bits,
                    uint32_t ndocs, uint32_t ndeleted, char *errmsg, size_t errlen);

/* Commit steps, for crash tests: when commit_crash_step == k (k >= 1) the
 * commit stops dead right before step k, as if the process were killed
 * (files written so far stay, nothing is cleaned).  Steps: 1 write deletion
 * files, 2 fsync directory, 3 write manifest.tmp, 4 fsync it, 5 rename, 6
 * fsync directory, 7 delete unreferenced files. */
extern int commit_crash_step;
#define COMMIT_CRASHED 1000     /* returned by a commit stopped by commit_crash_step */

/* Publishes m: writes given deletion files, then the manifest atomically. */
typedef struct commit_del {
    uint64_t id, gen;           /* segment and new generation */
    const uint8_t *bits;
    uint32_t ndocs, ndeleted;
} commit_del;
int commit_publish(const char *dir, const manifest *m, const commit_del *dels, size_t ndels,
                   char *errmsg, size_t errlen);

/* Removes *.tmp files and segment/deletion files not named by m and not
 * mapped by any reader (an exclusive non-blocking flock must succeed). */
void commit_cleanup(const char *dir, const manifest *m);

/* Writer lock: 0, WARTA_ELOCKED (message names the PID), WARTA_EIO. */
int lock_acquire(const char *dir, int *fd, char *errmsg, size_t errlen);
void lock_release(int fd);

/* ------------------------------------------------------------------------ */
/* Merge (merge.c)                                                          */
/* ------------------------------------------------------------------------ */

/* Merges segments (dropping deleted documents) into a new segment file with
 * number new_id in dir.  Sets *ndocs.  Returns 0 or an error code. */
int merge_segments(const char *dir, seg_reader *const *segs, size_t n, uint64_t new_id,
                   uint32_t *ndocs, uint64_t *bytes, char *errmsg, size_t errlen);

#endif
