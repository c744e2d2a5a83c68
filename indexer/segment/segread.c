/*
 * segread.c: opening segments (mmap, magic, version, table of contents,
 * checksums of the small sections), deletion bitmaps, snapshots of a whole
 * commit, external-id lookup, and the full verification behind
 * `warta check`.  Used by query/ through segment.h, and by the writer and
 * merge.
 */
#include "indexer/segment/format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void seg_reader_set_error(seg_reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->errmsg, sizeof r->errmsg, fmt, ap);
    va_end(ap);
}

const char *seg_reader_errmsg(const seg_reader *r)
{
    return r->errmsg;
}

int fmt_fail(char *errmsg, size_t errlen, int rc, const char *fmt, ...)
{
    if (errmsg && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errmsg, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

void seg_reader_close(seg_reader *r)
{
    if (!r)
        return;
    if (r->map && !r->map_borrowed)
        munmap((void *)r->map, r->map_len);
    if (r->fd >= 0)
        close(r->fd);
    wfree(r->path);
    wfree(r->deleted_owned);
    wfree(r->source_name);
    wfree(r->source_len);
    wfree((void *)r->verified);
    wfree(r->ds_dict);
    wfree(r->ds_dict_len);
    wfree(r->ds_dict_crc);
    wfree((void *)r->ds_dict_ok);
    wfree((void *)r->heads_verified);
    wfree((void *)r->doc_ok);
    wfree(r);
}

bool seg_doc_check(const seg_reader *cr, uint32_t doc)
{
    seg_reader *r = (seg_reader *)cr;   /* only its check state changes */
    if (!r->doc_ok)
        return true;                    /* a reader made by hand (tests): trusted */
    if (doc >= r->ndocs) {
        atomic_store_explicit(&r->doc_bad, 1, memory_order_relaxed);
        seg_reader_set_error(r, "%s: document %u out of range (the index is damaged; rebuild it)",
                             r->path, doc);
        return false;
    }
    uint32_t c = doc >> SEG_DOC_CHUNK_BITS;
    uint64_t first = (uint64_t)c << SEG_DOC_CHUNK_BITS, n = r->ndocs - first;
    if (n > (uint64_t)1 << SEG_DOC_CHUNK_BITS)
        n = (uint64_t)1 << SEG_DOC_CHUNK_BITS;
    uint8_t v = atomic_load_explicit(&r->doc_ok[c], memory_order_acquire);
    if (v == 1)
        return true;
    if (v == 0) {
        uint32_t crc = wcrc32(0, r->dl + 4 * first, 4 * n);
        crc = wcrc32(crc, r->tl + 2 * first, 2 * n);
        crc = wcrc32(crc, r->date + 8 * first, 8 * n);
        crc = wcrc32(crc, r->src + 4 * first, 4 * n);
        bool ok = crc == le32_get(r->doc_crc + 4 * (size_t)c);
        /* source ids in range: s + 1 wraps SEG_SOURCE_NONE to 0 (a loop
         * without branches, which the compiler vectorizes) */
        uint32_t bad = 0;
        for (uint64_t i = 0; i < n; i++) {
            uint32_t s;
            memcpy(&s, r->src + 4 * (first + i), 4);
            bad |= (uint32_t)(s + 1) > r->nsources;
        }
        ok = ok && !bad;
        atomic_store_explicit(&r->doc_ok[c], ok ? 1 : 2, memory_order_release);
        if (ok)
            return true;
    }
    atomic_store_explicit(&r->doc_bad, 1, memory_order_relaxed);
    seg_reader_set_error(r, "%s: lengths, dates or sources of documents %llu-%llu fail their "
                         "checksum (the index is damaged; rebuild it)", r->path,
                         (unsigned long long)first, (unsigned long long)(first + n - 1));
    return false;
}

int seg_read_deletions(const char *path, uint64_t id, uint32_t ndocs, uint8_t **bits,
                       uint32_t *ndeleted, char *errmsg, size_t errlen)
{
    *bits = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return fmt_fail(errmsg, errlen, errno == ENOENT ? WARTA_ENOTFOUND : WARTA_EIO,
                        "%s: cannot open: %s", path, strerror(errno));
    size_t nb = ((size_t)ndocs + 7) / 8;
    size_t want = 32 + nb + 4;
    uint8_t *buf = wmalloc(want + 1);
    if (!buf) {
        fclose(f);
        return WARTA_ENOMEM;
    }
    size_t got = fread(buf, 1, want + 1, f);
    fclose(f);
    int rc = 0;
    if (got < 12 || memcmp(buf, FMT_DEL_MAGIC, 8) != 0)
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: not a warta deletion file", path);
    else if (le32_get(buf + 8) != FMT_VERSION)
        rc = fmt_fail(errmsg, errlen, WARTA_EFORMAT, "%s: format version %u, this warta reads %u "
                      "(rebuild the index)", path, le32_get(buf + 8), FMT_VERSION);
    else if (got != want || wcrc32(0, buf, want - 4) != le32_get(buf + want - 4))
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: truncated or fails its checksum", path);
    else if (le64_get(buf + 16) != id || le32_get(buf + 24) != ndocs)
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: belongs to another segment", path);
    if (rc) {
        wfree(buf);
        return rc;
    }
    uint32_t count = 0;
    for (size_t i = 0; i < nb; i++)
        count += (uint32_t)__builtin_popcount(buf[32 + i]);
    if (count != le32_get(buf + 28) || (ndocs % 8 && (buf[32 + nb - 1] >> (ndocs % 8)))) {
        wfree(buf);
        return fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: deletion count does not match", path);
    }
    memmove(buf, buf + 32, nb);
    *bits = buf;
    *ndeleted = count;
    return 0;
}

typedef struct toc_entry {
    uint32_t kind, crc;
    uint64_t off, len;
} toc_entry;

/* Checks and sets up everything of r from its bytes (r->map, r->map_len). */
static int reader_parse(seg_reader *r, uint64_t id, char *errmsg, size_t errlen)
{
    int rc = 0;
    const uint8_t *p = r->map;
    if (memcmp(p, FMT_SEG_MAGIC, 8) != 0) {
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT,
                      "%s: not a warta segment (bad magic)", r->path);
        return rc;
    }
    if (le32_get(p + 8) != FMT_VERSION) {
        rc = fmt_fail(errmsg, errlen, WARTA_EFORMAT,
                      "%s: format version %u, this warta reads %u (rebuild the index with this "
                      "version)", r->path, le32_get(p + 8), FMT_VERSION);
        return rc;
    }
    if (le64_get(p + 16) != id) {
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: segment number does not match its name",
                      r->path);
        return rc;
    }
    const uint8_t *t = p + r->map_len - FMT_TRAILER_LEN;
    uint64_t toc_off = le64_get(t);
    uint32_t toc_len = le32_get(t + 8), toc_crc = le32_get(t + 12);
    if (memcmp(t + 16, FMT_SEG_TAIL, 8) != 0 || toc_off < FMT_HEADER_LEN ||
        toc_off > r->map_len - FMT_TRAILER_LEN || toc_len != r->map_len - FMT_TRAILER_LEN - toc_off ||
        toc_len < 40 || wcrc32(0, p + toc_off, toc_len) != toc_crc) {
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT,
                      "%s: truncated or damaged (bad trailer or table "
                      "of contents; rebuild the index)", r->path);
        return rc;
    }
    const uint8_t *toc = p + toc_off;
    uint32_t nsec = le32_get(toc);
    r->ndocs = le32_get(toc + 4);
    r->nterms = le64_get(toc + 8);
    r->npostings = le64_get(toc + 16);
    r->npositions = le64_get(toc + 24);
    r->sum_dl = le64_get(toc + 32);
    if ((uint64_t)nsec * FMT_TOC_ENTRY != toc_len - 40 || r->ndocs == UINT32_MAX) {
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT,
                      "%s: table of contents is malformed", r->path);
        return rc;
    }
    toc_entry sec[SEC_COUNT];
    memset(sec, 0, sizeof sec);
    bool seen[SEC_COUNT] = {false};
    for (uint32_t i = 0; i < nsec; i++) {
        const uint8_t *e = toc + 40 + (size_t)i * FMT_TOC_ENTRY;
        toc_entry x = {le32_get(e), le32_get(e + 4), le64_get(e + 8), le64_get(e + 16)};
        if (x.kind == 0 || x.kind >= SEC_COUNT || seen[x.kind] || x.off < FMT_HEADER_LEN ||
            x.off > toc_off || x.len > toc_off - x.off) {
            rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: table of contents is malformed",
                          r->path);
            return rc;
        }
        seen[x.kind] = true;
        sec[x.kind] = x;
    }
    for (int k = 1; k < SEC_COUNT; k++) {
        if (!seen[k]) {
            rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: section %d missing", r->path, k);
            return rc;
        }
        /* small sections are checked now; postings, positions, dictionary
         * blocks, stored text, ids, the per-document arrays (by chunks of
         * documents, SEC_DOC_CRCS) and the dictionary and store index
         * entries (each has its own checksum) when first used (segment.h) */
        bool now = k != SEC_STORE && k != SEC_POST && k != SEC_POS && k != SEC_DICT &&
                   k != SEC_IDS && k != SEC_HEADS && k != SEC_DL && k != SEC_TL &&
                   k != SEC_DATE && k != SEC_SRC && k != SEC_DICT_INDEX && k != SEC_DICT_KEYS &&
                   k != SEC_STORE_INDEX;
        if (now && wcrc32(0, p + sec[k].off, sec[k].len) != sec[k].crc) {
            rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: section %d fails its checksum "
                          "(the index is damaged; rebuild it)", r->path, k);
            return rc;
        }
    }
    uint64_t n = r->ndocs;
    if (sec[SEC_DL].len != 4 * n || sec[SEC_TL].len != 2 * n || sec[SEC_DATE].len != 8 * n ||
        sec[SEC_SRC].len != 4 * n || sec[SEC_IDS].len != (uint64_t)FMT_ID_ENTRY * n ||
        sec[SEC_DOC_CRCS].len != 4 * ((n + (1u << SEG_DOC_CHUNK_BITS) - 1) >> SEG_DOC_CHUNK_BITS) ||
        sec[SEC_DICT_INDEX].len % FMT_DICT_ENTRY != 0 || (n && sec[SEC_DL].off % 4)) {
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: per-document sections have wrong sizes",
                      r->path);
        return rc;
    }
    r->dl = p + sec[SEC_DL].off;
    r->tl = p + sec[SEC_TL].off;
    r->date = p + sec[SEC_DATE].off;
    r->src = p + sec[SEC_SRC].off;
    r->doc_crc = p + sec[SEC_DOC_CRCS].off;
    r->doc_ok = wcalloc(sec[SEC_DOC_CRCS].len / 4 + 1, 1);
    if (!r->doc_ok)
        return WARTA_ENOMEM;
    r->ids = p + sec[SEC_IDS].off;
    r->ids_crc = sec[SEC_IDS].crc;
    r->post = p + sec[SEC_POST].off;
    r->post_len = sec[SEC_POST].len;
    r->pos = p + sec[SEC_POS].off;
    r->pos_len = sec[SEC_POS].len;
    r->dict_data = p + sec[SEC_DICT].off;
    r->dict_len = sec[SEC_DICT].len;
    r->dict_index = p + sec[SEC_DICT_INDEX].off;
    r->ndict_blocks = (uint32_t)(sec[SEC_DICT_INDEX].len / FMT_DICT_ENTRY);
    r->dict_keys = p + sec[SEC_DICT_KEYS].off;
    r->dict_keys_len = sec[SEC_DICT_KEYS].len;
    r->ds = p + sec[SEC_STORE].off;
    r->ds_len = sec[SEC_STORE].len;
    r->bytes_dict = sec[SEC_DICT].len + sec[SEC_DICT_INDEX].len + sec[SEC_DICT_KEYS].len;
    r->bytes_post = sec[SEC_POST].len;
    r->bytes_pos = sec[SEC_POS].len;
    r->bytes_docinfo = sec[SEC_DL].len + sec[SEC_TL].len + sec[SEC_DATE].len + sec[SEC_SRC].len +
                       sec[SEC_SOURCES].len;
    r->bytes_store = sec[SEC_STORE].len + sec[SEC_STORE_INDEX].len;
    r->bytes_ids = sec[SEC_IDS].len;
    r->bytes_heads = sec[SEC_HEADS].len + sec[SEC_HEADS_INDEX].len;
    rc = heads_reader_init(r, p + sec[SEC_HEADS_INDEX].off, sec[SEC_HEADS_INDEX].len,
                           p + sec[SEC_HEADS].off, sec[SEC_HEADS].len);
    if (rc) {
        if (rc == WARTA_ECORRUPT)
            fmt_fail(errmsg, errlen, rc, "%s: ids and titles index is malformed", r->path);
        return rc;
    }
    if (r->nterms != 0 && r->ndict_blocks == 0) {
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: dictionary missing", r->path);
        return rc;
    }
    rc = dict_reader_init(r);
    if (rc) {
        if (rc == WARTA_ECORRUPT)
            fmt_fail(errmsg, errlen, rc, "%s: dictionary index is malformed", r->path);
        return rc;
    }
    /* sources */
    {
        const uint8_t *q = p + sec[SEC_SOURCES].off, *end = q + sec[SEC_SOURCES].len;
        if (end - q < 4 || le32_get(q) > (uint64_t)(end - q)) {
            rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: source table is malformed", r->path);
            return rc;
        }
        r->nsources = le32_get(q);
        q += 4;
        r->source_name = wcalloc((size_t)r->nsources + 1, sizeof *r->source_name);
        r->source_len = wcalloc((size_t)r->nsources + 1, sizeof *r->source_len);
        if (!r->source_name || !r->source_len) {
            rc = WARTA_ENOMEM;
            return rc;
        }
        for (uint32_t i = 0; i < r->nsources; i++) {
            uint64_t len;
            if (!varint_get(&q, end, &len) || len > (uint64_t)(end - q)) {
                rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: source table is malformed",
                              r->path);
                return rc;
            }
            r->source_name[i] = (const char *)q;
            r->source_len[i] = (uint32_t)len;
            q += len;
        }
        /* documents' source ids are checked with their chunk (seg_doc_check) */
    }
    /* document store index */
    {
        const uint8_t *q = p + sec[SEC_STORE_INDEX].off, *end = q + sec[SEC_STORE_INDEX].len;
        if (end - q < 8) {
            rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: store index is malformed", r->path);
            return rc;
        }
        r->ds_nblocks = le32_get(q);
        r->ds_ndicts = le32_get(q + 4);
        q += 8;
        if ((uint64_t)r->ds_nblocks * FMT_STORE_ENTRY > (uint64_t)(end - q) ||
            r->ds_ndicts > 0xFFFF) {
            rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: store index is malformed", r->path);
            return rc;
        }
        if ((r->ndocs > 0) != (r->ds_nblocks > 0) || r->ds_nblocks > r->ndocs) {
            rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: store index is malformed", r->path);
            return rc;
        }
        /* entries are checked when used (each has its own checksum; the
         * order and coverage by warta check and merge) */
        r->ds_index = q;
        q += (size_t)r->ds_nblocks * FMT_STORE_ENTRY;
        r->ds_dict = wcalloc((size_t)r->ds_ndicts + 1, sizeof *r->ds_dict);
        r->ds_dict_len = wcalloc((size_t)r->ds_ndicts + 1, sizeof *r->ds_dict_len);
        r->ds_dict_crc = wcalloc((size_t)r->ds_ndicts + 1, sizeof *r->ds_dict_crc);
        r->ds_dict_ok = wcalloc((size_t)r->ds_ndicts + 1, 1);
        if (!r->ds_dict || !r->ds_dict_len || !r->ds_dict_crc || !r->ds_dict_ok) {
            rc = WARTA_ENOMEM;
            return rc;
        }
        for (uint32_t i = 0; i < r->ds_ndicts; i++) {
            if (end - q < 8 || le32_get(q) > (uint64_t)(end - q - 8) || le32_get(q) > 32768) {
                rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT,
                              "%s: store dictionaries are malformed",
                              r->path);
                return rc;
            }
            r->ds_dict_len[i] = le32_get(q);
            r->ds_dict_crc[i] = le32_get(q + 4);
            r->ds_dict[i] = q + 8;
            q += 8 + r->ds_dict_len[i];
        }
    }
    r->live_dl = r->sum_dl;
    return 0;
}

int seg_reader_open(seg_reader **out, const char *dir, uint64_t id, uint64_t del_gen,
                    char *errmsg, size_t errlen)
{
    *out = NULL;
    seg_reader *r = wcalloc(1, sizeof *r);
    if (!r)
        return WARTA_ENOMEM;
    r->fd = -1;
    r->id = id;
    char name[64];
    fmt_seg_name(name, sizeof name, id);
    size_t cap = strlen(dir) + 80;
    r->path = wmalloc(cap);
    if (!r->path) {
        seg_reader_close(r);
        return WARTA_ENOMEM;
    }
    snprintf(r->path, cap, "%s/%s", dir, name);
    int rc = 0;
    r->fd = open(r->path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        rc = fmt_fail(errmsg, errlen, errno == ENOENT ? WARTA_ENOTFOUND : WARTA_EIO,
                      "%s: cannot open: %s", r->path, strerror(errno));
        goto out_close;
    }
    /* readers hold a shared lock: a writer deletes a file only when it can
     * take an exclusive one (FORMAT.md "Deleting old files") */
    while (flock(r->fd, LOCK_SH) != 0 && errno == EINTR)
        ;
    struct stat st;
    if (fstat(r->fd, &st) != 0) {
        rc = fmt_fail(errmsg, errlen, WARTA_EIO, "%s: %s", r->path, strerror(errno));
        goto out_close;
    }
    if ((uint64_t)st.st_size < FMT_HEADER_LEN + FMT_TRAILER_LEN + 40) {
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT,
                      "%s: truncated (%lld bytes; rebuild the index)",
                      r->path, (long long)st.st_size);
        goto out_close;
    }
    r->map_len = (size_t)st.st_size;
    void *m = mmap(NULL, r->map_len, PROT_READ, MAP_SHARED, r->fd, 0);
    if (m == MAP_FAILED) {
        rc = fmt_fail(errmsg, errlen, WARTA_EIO, "%s: cannot map: %s", r->path, strerror(errno));
        goto out_close;
    }
    r->map = m;
    rc = reader_parse(r, id, errmsg, errlen);
    if (rc)
        goto out_close;
    if (del_gen) {
        char dn[96], dpath[4200];
        fmt_del_name(dn, sizeof dn, id, del_gen);
        if (!fmt_path(dpath, sizeof dpath, dir, dn)) {
            rc = fmt_fail(errmsg, errlen, WARTA_EIO, "%s: path too long", dir);
            goto out_close;
        }
        rc = seg_read_deletions(dpath, id, r->ndocs, &r->deleted_owned, &r->ndeleted, errmsg,
                                errlen);
        if (rc)
            goto out_close;
        r->deleted = r->deleted_owned;
        /* only the deleted documents' lengths are read (their chunks get
         * checked); bytes of the bitmap without a deletion are skipped */
        for (uint32_t byte = 0; byte < (r->ndocs + 7) / 8; byte++)
            for (uint32_t bits = r->deleted[byte]; bits; bits &= bits - 1)
                r->live_dl -= seg_doc_len(r, byte * 8 + (uint32_t)__builtin_ctz(bits));
        if (seg_reader_failed(r)) {
            rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s", r->errmsg);
            goto out_close;
        }
    }
    *out = r;
    return 0;
out_close:
    seg_reader_close(r);
    return rc;
}

int seg_reader_open_bytes(seg_reader **out, const void *p, size_t len, uint64_t id,
                          char *errmsg, size_t errlen)
{
    *out = NULL;
    seg_reader *r = wcalloc(1, sizeof *r);
    if (!r)
        return WARTA_ENOMEM;
    r->fd = -1;
    r->id = id;
    r->path = wstrndup("(memory)", 8);
    if (!r->path) {
        seg_reader_close(r);
        return WARTA_ENOMEM;
    }
    int rc = 0;
    if (len < FMT_HEADER_LEN + FMT_TRAILER_LEN + 40) {
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: truncated", r->path);
    } else {
        r->map = p;
        r->map_len = len;
        r->map_borrowed = true;
        rc = reader_parse(r, id, errmsg, errlen);
    }
    if (rc) {
        seg_reader_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

uint32_t seg_source_find(const seg_reader *r, const char *name, size_t len)
{
    uint32_t lo = 0, hi = r->nsources;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        size_t ml = r->source_len[mid];
        size_t m = ml < len ? ml : len;
        int c = memcmp(r->source_name[mid], name, m);
        if (c == 0)
            c = ml < len ? -1 : ml > len;
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SEG_SOURCE_NONE;
}

int seg_ids_verify(seg_reader *r)
{
    uint8_t v = atomic_load_explicit(&r->ids_verified, memory_order_acquire);
    if (v == 1)
        return 0;
    if (v == 0) {
        bool ok = wcrc32(0, r->ids, (size_t)r->ndocs * FMT_ID_ENTRY) == r->ids_crc;
        for (uint32_t i = 0; ok && i < r->ndocs; i++)
            ok = le32_get(r->ids + (size_t)i * FMT_ID_ENTRY + 8) < r->ndocs;
        atomic_store_explicit(&r->ids_verified, ok ? 1 : 2, memory_order_release);
        if (ok)
            return 0;
    }
    seg_reader_set_error(r, "%s: id table fails its checksum (the index is damaged; rebuild it)",
                         r->path);
    return WARTA_ECORRUPT;
}

int seg_find_id(seg_reader *r, const char *id, size_t len, wbuf *scratch, uint32_t *doc)
{
    int rc = seg_ids_verify(r);
    if (rc)
        return rc;
    uint64_t h = fmt_id_hash(id, len);
    uint32_t lo = 0, hi = r->ndocs;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (le64_get(r->ids + (size_t)mid * FMT_ID_ENTRY) < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    int found = WARTA_ENOTFOUND;
    /* the newest copy with this id wins: scan every candidate */
    for (uint32_t i = lo; i < r->ndocs && le64_get(r->ids + (size_t)i * FMT_ID_ENTRY) == h; i++) {
        uint32_t d = le32_get(r->ids + (size_t)i * FMT_ID_ENTRY + 8);
        seg_doc sd;
        rc = seg_doc_head(r, d, scratch, &sd.id, &sd.id_len, &sd.title, &sd.title_len);
        if (rc)
            return rc;
        if (sd.id_len == len && (len == 0 || memcmp(sd.id, id, len) == 0)) {
            if (found != 0 || seg_is_deleted(r, *doc) || !seg_is_deleted(r, d))
                *doc = d;
            found = 0;
        }
    }
    return found;
}

/* ------------------------------------------------------------------------ */
/* Snapshots                                                                */
/* ------------------------------------------------------------------------ */

struct seg_snapshot {
    char *dir;                  /* index directory */
    seg_reader **segs;          /* open segments */
    size_t nsegs;
    uint64_t generation;        /* the commit shown */
    uint64_t live_docs, live_len;
    const uint8_t *ana_map;     /* the analyzer file, mapped (NULL once handed over) */
    size_t ana_map_len;
    char *build_info;           /* from the manifest */
};

void seg_snapshot_close(seg_snapshot *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nsegs; i++)
        seg_reader_close(s->segs[i]);
    wfree(s->segs);
    wfree(s->dir);
    if (s->ana_map)
        munmap((void *)s->ana_map, s->ana_map_len);
    wfree(s->build_info);
    wfree(s);
}

int seg_snapshot_open(seg_snapshot **out, const char *dir, char *errmsg, size_t errlen)
{
    *out = NULL;
    int rc = 0;
    uint64_t last_gen = 0;
    for (int attempt = 0; attempt < 20; attempt++) {
        seg_snapshot *s = wcalloc(1, sizeof *s);
        if (!s)
            return WARTA_ENOMEM;
        s->dir = wstrndup(dir, strlen(dir));
        if (!s->dir) {
            wfree(s);
            return WARTA_ENOMEM;
        }
        manifest m;
        rc = manifest_read(&m, dir, errmsg, errlen);
        if (rc) {
            seg_snapshot_close(s);
            return rc;
        }
        uint32_t acrc = 0;
        rc = analyzer_file_map(dir, &s->ana_map, &s->ana_map_len, &acrc, errmsg, errlen);
        if (!rc && acrc != m.analyzer_crc)
            rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s/%s: does not match the manifest",
                          dir, FMT_ANALYZER);
        s->generation = m.generation;
        s->build_info = m.build_info;
        m.build_info = NULL;
        if (!rc && !(s->segs = wcalloc((size_t)m.nsegs + 1, sizeof *s->segs)))
            rc = WARTA_ENOMEM;
        for (uint32_t i = 0; !rc && i < m.nsegs; i++) {
            rc = seg_reader_open(&s->segs[i], dir, m.segs[i].id, m.segs[i].del_gen, errmsg, errlen);
            if (rc)
                break;
            s->nsegs++;
            seg_reader *r = s->segs[i];
            if (r->ndocs != m.segs[i].ndocs || r->ndeleted != m.segs[i].ndeleted)
                rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: does not match the manifest",
                              r->path);
            s->live_docs += r->ndocs - r->ndeleted;
            s->live_len += r->live_dl;
        }
        manifest_free(&m);
        if (rc == WARTA_ENOTFOUND) {
            /* a writer committed and removed a file between our reads; the
             * same commit naming a missing file twice is damage */
            uint64_t gen = s->generation;
            seg_snapshot_close(s);
            if (attempt > 0 && gen == last_gen) {
                if (errmsg && errlen) {
                    char detail[512];
                    snprintf(detail, sizeof detail, "%s", errmsg);
                    snprintf(errmsg, errlen, "%s (named by the manifest: the index is damaged; "
                             "rebuild it)", detail);
                }
                return WARTA_ECORRUPT;
            }
            last_gen = gen;
            usleep(1000);
            continue;
        }
        if (rc) {
            seg_snapshot_close(s);
            return rc;
        }
        *out = s;
        return 0;
    }
    return rc;
}

size_t seg_snapshot_count(const seg_snapshot *s) { return s->nsegs; }
seg_reader *seg_snapshot_segment(const seg_snapshot *s, size_t i) { return s->segs[i]; }
uint64_t seg_snapshot_live_docs(const seg_snapshot *s) { return s->live_docs; }
uint64_t seg_snapshot_live_length(const seg_snapshot *s) { return s->live_len; }
const char *seg_snapshot_dir(const seg_snapshot *s) { return s->dir; }
uint64_t seg_snapshot_generation(const seg_snapshot *s) { return s->generation; }
const char *seg_snapshot_build_info(const seg_snapshot *s)
{
    return s->build_info ? s->build_info : "";
}

void seg_snapshot_take_analyzer(seg_snapshot *s, const uint8_t **map, size_t *map_len)
{
    *map = s->ana_map;
    *map_len = s->ana_map_len;
    s->ana_map = NULL;
    s->ana_map_len = 0;
}

const uint8_t *seg_snapshot_analyzer(const seg_snapshot *s, size_t *len)
{
    *len = s->ana_map ? s->ana_map_len - 28 : 0;
    return s->ana_map ? s->ana_map + 24 : NULL;
}

int seg_snapshot_find_id(const seg_snapshot *s, const char *id, size_t len, wbuf *scratch,
                         size_t *seg, uint32_t *doc)
{
    for (size_t i = s->nsegs; i-- > 0;) {
        uint32_t d;
        int rc = seg_find_id(s->segs[i], id, len, scratch, &d);
        if (rc == WARTA_ENOTFOUND)
            continue;
        if (rc)
            return rc;
        if (seg_is_deleted(s->segs[i], d))
            continue;
        *seg = i;
        *doc = d;
        return 0;
    }
    return WARTA_ENOTFOUND;
}

/* ------------------------------------------------------------------------ */
/* Full verification                                                        */
/* ------------------------------------------------------------------------ */

typedef struct verify_ctx {
    seg_reader *r;
    uint32_t *tfsum;            /* per document: sum of tf over terms */
    uint32_t *ttfsum;           /* per document: sum of title tf */
    uint32_t *posbuf;
    size_t poscap;
    char prev[SEG_MAX_TERM + 1];
    size_t prev_len;
    bool have_prev;
    uint64_t npostings, npositions, nterms;
} verify_ctx;

static int vfail(seg_reader *r, const char *term, const char *what)
{
    seg_reader_set_error(r, "%s: term '%s': %s", r->path, term, what);
    return WARTA_ECORRUPT;
}

static int verify_term(void *ctx, const char *term, size_t len, const seg_term *t)
{
    verify_ctx *v = ctx;
    seg_reader *r = v->r;
    if (v->have_prev) {
        size_t m = v->prev_len < len ? v->prev_len : len;
        int c = memcmp(v->prev, term, m);
        if (c > 0 || (c == 0 && v->prev_len >= len))
            return vfail(r, term, "terms out of order");
    }
    memcpy(v->prev, term, len);
    v->prev[len] = '\0';
    v->prev_len = len;
    v->have_prev = true;
    v->nterms++;
    seg_cursor c;
    int rc = seg_cursor_open(&c, r, t);
    if (rc)
        return rc;
    uint32_t n = 0, prev = 0;
    uint64_t cf = 0;
    seg_bound blk;
    uint32_t cur_blk = UINT32_MAX;
    for (uint32_t d = seg_cursor_next(&c); d != SEG_END; d = seg_cursor_next(&c)) {
        uint32_t tf = seg_cursor_tf(&c), ttf = seg_cursor_title_tf(&c);
        uint32_t dl = seg_doc_len(r, d);
        if (n > 0 && d <= prev)
            return vfail(r, term, "docids not increasing");
        if (tf == 0 || tf > dl || ttf > tf)
            return vfail(r, term, "term frequency exceeds the document length");
        if (c.blk != cur_blk) {
            cur_blk = c.blk;
            if (c.skip) {
                c.shallow = cur_blk;
                seg_cursor_block_bound(&c, &blk);
            } else {
                blk = c.term_bound;
            }
        }
        if (tf > blk.max_tf || ttf > blk.max_ttf || dl < blk.min_dl || d > blk.last_doc ||
            (uint64_t)tf * 65535 > (uint64_t)blk.ratio_tf * dl ||
            (uint64_t)ttf * 65535 > (uint64_t)blk.ratio_ttf * dl)
            return vfail(r, term, "block bound is not an upper bound");
        if (tf > v->poscap) {
            uint32_t *nb = wrealloc(v->posbuf, (size_t)tf * sizeof *nb);
            if (!nb)
                return WARTA_ENOMEM;
            v->posbuf = nb;
            v->poscap = tf;
        }
        rc = seg_cursor_positions(&c, v->posbuf);
        if (rc)
            return rc;
        for (uint32_t j = 1; j < tf; j++)
            if (v->posbuf[j] < v->posbuf[j - 1])
                return vfail(r, term, "positions not ascending");
        v->tfsum[d] += tf;
        v->ttfsum[d] += ttf;
        cf += tf;
        prev = d;
        n++;
    }
    if (c.err)
        return c.err;
    if (n != t->df || cf != t->cf)
        return vfail(r, term, "document or occurrence count does not match the dictionary");
    v->npostings += n;
    v->npositions += cf;
    return 0;
}

int seg_reader_verify(seg_reader *r)
{
    /* the whole file's checksum, then each section's */
    const uint8_t *p = r->map;
    if (wcrc32(0, p, r->map_len - 4) != le32_get(p + r->map_len - 4)) {
        seg_reader_set_error(r, "%s: file checksum does not match (the index is damaged; "
                             "rebuild it)", r->path);
        return WARTA_ECORRUPT;
    }
    for (uint32_t b = 0; b < r->ndict_blocks; b++) {
        int rc = dict_verify_block(r, b);
        if (rc)
            return rc;
    }
    for (uint64_t d = 0; d < r->ndocs; d += (uint64_t)1 << SEG_DOC_CHUNK_BITS)
        if (!seg_doc_check(r, (uint32_t)d))
            return WARTA_ECORRUPT;
    int rc = seg_ids_verify(r);
    if (rc)
        return rc;
    rc = dict_verify_keys(r);
    if (!rc)
        rc = docstore_check_index(r);
    if (rc)
        return rc;
    if (heads_check_index(r) != 0) {
        seg_reader_set_error(r, "%s: ids and titles index is malformed (the index is damaged; "
                             "rebuild it)", r->path);
        return WARTA_ECORRUPT;
    }
    verify_ctx v;
    memset(&v, 0, sizeof v);
    v.r = r;
    v.tfsum = wcalloc((size_t)r->ndocs + 1, sizeof *v.tfsum);
    v.ttfsum = wcalloc((size_t)r->ndocs + 1, sizeof *v.ttfsum);
    if (!v.tfsum || !v.ttfsum) {
        rc = WARTA_ENOMEM;
        goto out_free;
    }
    rc = seg_term_each(r, verify_term, &v);
    if (rc)
        goto out_free;
    if (v.nterms != r->nterms || v.npostings != r->npostings || v.npositions != r->npositions) {
        seg_reader_set_error(r, "%s: term, posting or position totals do not match", r->path);
        rc = WARTA_ECORRUPT;
        goto out_free;
    }
    uint64_t sum = 0;
    for (uint32_t d = 0; d < r->ndocs; d++) {
        uint32_t tl = seg_title_len(r, d);
        sum += seg_doc_len(r, d);
        if (v.tfsum[d] != seg_doc_len(r, d) || (tl < 65535 && v.ttfsum[d] != tl)) {
            seg_reader_set_error(r, "%s: document %u: length does not match its postings",
                                 r->path, d);
            rc = WARTA_ECORRUPT;
            goto out_free;
        }
    }
    if (sum != r->sum_dl) {
        seg_reader_set_error(r, "%s: sum of document lengths does not match", r->path);
        rc = WARTA_ECORRUPT;
        goto out_free;
    }
    /* every stored document, and the id table against the stored ids */
    wbuf scratch = WBUF_INIT;
    for (uint32_t b = 0; b < r->ds_nblocks && !rc; b++) {
        const uint8_t *e = r->ds_index + (size_t)b * FMT_STORE_ENTRY;
        uint32_t n = le32_get(e + 20);
        rc = docstore_load_block(r, b, &scratch);
        const uint8_t *q = (const uint8_t *)scratch.data, *end = q + scratch.len;
        for (uint32_t i = 0; !rc && i < n; i++) {
            seg_doc sd;
            if (docstore_next(&q, end, &sd) != 0) {
                seg_reader_set_error(r, "%s: document store block %u is malformed", r->path, b);
                rc = WARTA_ECORRUPT;
                break;
            }
        }
        if (!rc && q != end) {
            seg_reader_set_error(r, "%s: document store block %u has extra bytes", r->path, b);
            rc = WARTA_ECORRUPT;
        }
    }
    /* every id and title readable, and every id in the id table */
    for (uint32_t d = 0; d < r->ndocs && !rc; d++) {
        seg_doc sd;
        rc = seg_doc_head(r, d, &scratch, &sd.id, &sd.id_len, &sd.title, &sd.title_len);
        if (rc)
            break;
        uint64_t h = fmt_id_hash(sd.id ? sd.id : "", sd.id_len);
        bool found = false;
        uint32_t lo = 0, hi = r->ndocs;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (le64_get(r->ids + (size_t)mid * FMT_ID_ENTRY) < h)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (uint32_t k = lo; k < r->ndocs && le64_get(r->ids + (size_t)k * FMT_ID_ENTRY) == h; k++)
            found |= le32_get(r->ids + (size_t)k * FMT_ID_ENTRY + 8) == d;
        if (!found) {
            seg_reader_set_error(r, "%s: document %u missing from the id table", r->path, d);
            rc = WARTA_ECORRUPT;
        }
    }
    wbuf_free(&scratch);
out_free:
    wfree(v.tfsum);
    wfree(v.ttfsum);
    wfree(v.posbuf);
    return rc;
}
