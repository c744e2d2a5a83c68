/*
 * segwrite.c: writes one segment file: header, document-store blocks as
 * they come (streamed, so the compressed text never waits in memory), then
 * at finish the other sections, the table of contents and the trailer with
 * the whole file's CRC; fsync and rename from NAME.tmp into place.  Used by
 * the flush of indexer/writer.c and by merge.c.  Also the source-name table
 * and the small helpers of format.h (paths, id hash).
 */
#include "indexer/segment/format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t fmt_id_hash(const char *id, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)id[i]) * 1099511628211ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

bool fmt_path(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);
    return n > 0 && (size_t)n < cap;
}

void fmt_seg_name(char *out, size_t cap, uint64_t id)
{
    snprintf(out, cap, "s%010llu.seg", (unsigned long long)id);
}

void fmt_del_name(char *out, size_t cap, uint64_t id, uint64_t gen)
{
    snprintf(out, cap, "s%010llu-g%010llu.del", (unsigned long long)id, (unsigned long long)gen);
}

/* ------------------------------------------------------------------------ */
/* Source names                                                             */
/* ------------------------------------------------------------------------ */

static uint64_t name_hash(const char *s, size_t len)
{
    return fmt_id_hash(s, len);
}

uint32_t source_table_add(source_table *t, const char *name, size_t len, int *rc)
{
    if (*rc)
        return SEG_SOURCE_NONE;
    if (t->n * 2 + 2 > t->nslots) {
        uint32_t ns = t->nslots ? t->nslots * 2 : 64;
        uint32_t *slots = wcalloc(ns, sizeof *slots);
        if (!slots) {
            *rc = WARTA_ENOMEM;
            return SEG_SOURCE_NONE;
        }
        for (uint32_t i = 0; i < t->n; i++) {
            uint32_t m = (uint32_t)(name_hash(t->names[i], t->lens[i]) & (ns - 1));
            while (slots[m])
                m = (m + 1) & (ns - 1);
            slots[m] = i + 1;
        }
        wfree(t->slots);
        t->slots = slots;
        t->nslots = ns;
    }
    uint32_t m = (uint32_t)(name_hash(name, len) & (t->nslots - 1));
    while (t->slots[m]) {
        uint32_t i = t->slots[m] - 1;
        if (t->lens[i] == len && memcmp(t->names[i], name, len) == 0)
            return i;
        m = (m + 1) & (t->nslots - 1);
    }
    if (t->n == t->cap) {
        uint32_t nc = t->cap ? t->cap * 2 : 16;
        char **names = wrealloc(t->names, nc * sizeof *names);
        if (!names) {
            *rc = WARTA_ENOMEM;
            return SEG_SOURCE_NONE;
        }
        t->names = names;
        uint32_t *lens = wrealloc(t->lens, nc * sizeof *lens);
        if (!lens) {
            *rc = WARTA_ENOMEM;
            return SEG_SOURCE_NONE;
        }
        t->lens = lens;
        t->cap = nc;
    }
    char *copy = wstrndup(name, len);
    if (!copy) {
        *rc = WARTA_ENOMEM;
        return SEG_SOURCE_NONE;
    }
    t->names[t->n] = copy;
    t->lens[t->n] = (uint32_t)len;
    t->slots[m] = t->n + 1;
    return t->n++;
}

static int source_cmp(const void *a, const void *b, void *ctx)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const source_table *t = ctx;
    size_t m = t->lens[x] < t->lens[y] ? t->lens[x] : t->lens[y];
    int c = memcmp(t->names[x], t->names[y], m);
    if (c)
        return c;
    return t->lens[x] < t->lens[y] ? -1 : t->lens[x] > t->lens[y];
}

int source_table_finish(source_table *t, wbuf *out, uint32_t **map)
{
    uint32_t *order = wmalloc(((size_t)t->n + 1) * sizeof *order);
    uint32_t *m = wmalloc(((size_t)t->n + 1) * sizeof *m);
    if (!order || !m) {
        wfree(order);
        wfree(m);
        return WARTA_ENOMEM;
    }
    for (uint32_t i = 0; i < t->n; i++)
        order[i] = i;
    qsort_r(order, t->n, sizeof *order, source_cmp, t);
    wbuf_put_u32le(out, t->n);
    for (uint32_t i = 0; i < t->n; i++) {
        m[order[i]] = i;
        wbuf_put_varint(out, t->lens[order[i]]);
        wbuf_append(out, t->names[order[i]], t->lens[order[i]]);
    }
    wfree(order);
    if (out->oom) {
        wfree(m);
        *map = NULL;
        return WARTA_ENOMEM;
    }
    *map = m;
    return 0;
}

void source_table_free(source_table *t)
{
    for (uint32_t i = 0; i < t->n; i++)
        wfree(t->names[i]);
    wfree(t->names);
    wfree(t->lens);
    wfree(t->slots);
    memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------------------ */
/* The file                                                                 */
/* ------------------------------------------------------------------------ */

static void wr(seg_writer *w, const void *p, size_t len)
{
    if (w->err || len == 0)
        return;
    if (fwrite(p, 1, len, w->f) != len) {
        w->err = errno == ENOSPC ? WARTA_ENOSPC : WARTA_EIO;
        snprintf(w->errmsg, sizeof w->errmsg, "%s: cannot write: %s", w->tmp_path, strerror(errno));
        return;
    }
    w->crc = wcrc32(w->crc, p, len);
    w->off += len;
}

static void pad8(seg_writer *w)
{
    static const uint8_t zero[8];
    if (w->off % 8)
        wr(w, zero, 8 - w->off % 8);
}

int segw_open(seg_writer *w, const char *dir, uint64_t id)
{
    memset(w, 0, sizeof *w);
    w->id = id;
    char name[64];
    fmt_seg_name(name, sizeof name, id);
    size_t cap = strlen(dir) + strlen(name) + 8;
    w->final_path = wmalloc(cap);
    w->tmp_path = wmalloc(cap);
    if (!w->final_path || !w->tmp_path) {
        wfree(w->final_path);
        wfree(w->tmp_path);
        w->final_path = w->tmp_path = NULL;
        return WARTA_ENOMEM;
    }
    snprintf(w->final_path, cap, "%s/%s", dir, name);
    snprintf(w->tmp_path, cap, "%s/%s.tmp", dir, name);
    int fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || !(w->f = fdopen(fd, "wb"))) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        snprintf(w->errmsg, sizeof w->errmsg, "%s: cannot create: %s", w->tmp_path, strerror(e));
        wfree(w->final_path);
        wfree(w->tmp_path);
        w->final_path = w->tmp_path = NULL;
        return e == ENOSPC ? WARTA_ENOSPC : WARTA_EIO;
    }
    setvbuf(w->f, NULL, _IOFBF, 1 << 20);
    uint8_t h[FMT_HEADER_LEN] = {0};
    memcpy(h, FMT_SEG_MAGIC, 8);
    h[8] = FMT_VERSION;
    for (int i = 0; i < 8; i++)
        h[16 + i] = (uint8_t)(id >> (8 * i));
    wr(w, h, sizeof h);
    w->store_start = w->off;
    return w->err;
}

uint32_t segw_add_dict(seg_writer *w, const uint8_t *d, size_t len)
{
    wbuf_put_u32le(&w->dicts, (uint32_t)len);
    wbuf_put_u32le(&w->dicts, wcrc32(0, d, len));
    wbuf_append(&w->dicts, d, len);
    if (w->dicts.oom) {
        if (!w->err)
            w->err = WARTA_ENOMEM;
        return 0;
    }
    return w->ndicts++;
}

void segw_store_block(seg_writer *w, const uint8_t *comp, size_t comp_len, uint32_t raw_len,
                      uint32_t ndocs, uint32_t dict)
{
    uint8_t e[FMT_STORE_ENTRY] = {0};
    uint64_t off = w->off - w->store_start;
    for (int i = 0; i < 8; i++)
        e[i] = (uint8_t)(off >> (8 * i));
    uint32_t v[4] = {(uint32_t)comp_len, raw_len, w->ndocs_stored, ndocs};
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 4; i++)
            e[8 + 4 * k + i] = (uint8_t)(v[k] >> (8 * i));
    uint32_t crc = wcrc32(0, comp, comp_len);
    for (int i = 0; i < 4; i++)
        e[24 + i] = (uint8_t)(crc >> (8 * i));
    e[28] = (uint8_t)dict;
    e[29] = (uint8_t)(dict >> 8);
    /* the entry's own checksum: readers check just the entries they use */
    uint32_t ecrc = wcrc32(0, e, 32);
    for (int i = 0; i < 4; i++)
        e[32 + i] = (uint8_t)(ecrc >> (8 * i));
    wbuf_append(&w->store_index, e, sizeof e);
    if (w->store_index.oom && !w->err)
        w->err = WARTA_ENOMEM;
    wr(w, comp, comp_len);
    w->store_crc = wcrc32(w->store_crc, comp, comp_len);
    w->ndocs_stored += ndocs;
    w->store_blocks++;
}

static void toc_add(seg_writer *w, uint32_t kind, uint32_t crc, uint64_t off, uint64_t len)
{
    wbuf_put_u32le(&w->toc, kind);
    wbuf_put_u32le(&w->toc, crc);
    wbuf_put_u64le(&w->toc, off);
    wbuf_put_u64le(&w->toc, len);
    w->nsections++;
}

void segw_section(seg_writer *w, uint32_t kind, const void *p, size_t len)
{
    pad8(w);
    toc_add(w, kind, wcrc32(0, len ? p : "", len), w->off, len);
    wr(w, p, len);
}

void segw_postings_begin(seg_writer *w)
{
    w->store_end = w->off;
    w->postings_begun = true;
    pad8(w);
    w->post_start = w->off;
    w->post_len = w->pos_len = 0;
    w->post_crc = w->pos_crc = 0;
    if (w->err)
        return;
    size_t cap = strlen(w->final_path) + 16;
    w->pos_path = wmalloc(cap);
    if (!w->pos_path) {
        w->err = WARTA_ENOMEM;
        return;
    }
    snprintf(w->pos_path, cap, "%s.pos.tmp", w->final_path);
    int fd = open(w->pos_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || !(w->posf = fdopen(fd, "w+b"))) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        w->err = e == ENOSPC ? WARTA_ENOSPC : WARTA_EIO;
        snprintf(w->errmsg, sizeof w->errmsg, "%s: cannot create: %s", w->pos_path, strerror(e));
        return;
    }
    setvbuf(w->posf, NULL, _IOFBF, 1 << 20);
}

void segw_postings_term(seg_writer *w, const void *post, size_t post_len, const void *pos,
                        size_t pos_len)
{
    if (w->err)
        return;
    wr(w, post, post_len);
    w->post_crc = wcrc32(w->post_crc, post_len ? post : "", post_len);
    w->post_len += post_len;
    if (pos_len && fwrite(pos, 1, pos_len, w->posf) != pos_len) {
        w->err = errno == ENOSPC ? WARTA_ENOSPC : WARTA_EIO;
        snprintf(w->errmsg, sizeof w->errmsg, "%s: cannot write: %s", w->pos_path,
                 strerror(errno));
        return;
    }
    w->pos_crc = wcrc32(w->pos_crc, pos_len ? pos : "", pos_len);
    w->pos_len += pos_len;
}

static void close_posf(seg_writer *w)
{
    if (w->posf) {
        fclose(w->posf);
        w->posf = NULL;
    }
    if (w->pos_path) {
        unlink(w->pos_path);
        wfree(w->pos_path);
        w->pos_path = NULL;
    }
}

void segw_postings_end(seg_writer *w)
{
    if (w->err) {
        close_posf(w);
        return;
    }
    toc_add(w, SEC_POST, w->post_crc, w->post_start, w->post_len);
    pad8(w);
    uint64_t start = w->off;
    if (fflush(w->posf) != 0 || fseek(w->posf, 0, SEEK_SET) != 0) {
        w->err = WARTA_EIO;
        snprintf(w->errmsg, sizeof w->errmsg, "%s: cannot read back: %s", w->pos_path,
                 strerror(errno));
        close_posf(w);
        return;
    }
    char *buf = wmalloc(1 << 20);
    if (!buf) {
        w->err = WARTA_ENOMEM;
        close_posf(w);
        return;
    }
    uint64_t left = w->pos_len;
    while (left > 0 && !w->err) {
        size_t n = fread(buf, 1, left < (1u << 20) ? (size_t)left : (1u << 20), w->posf);
        if (n == 0) {
            w->err = WARTA_EIO;
            snprintf(w->errmsg, sizeof w->errmsg, "%s: cannot read back", w->pos_path);
            break;
        }
        wr(w, buf, n);
        left -= n;
    }
    wfree(buf);
    close_posf(w);
    toc_add(w, SEC_POS, w->pos_crc, start, w->pos_len);
}

static int id_entry_cmp(const void *a, const void *b)
{
    uint64_t x = le64_get(a), y = le64_get(b);
    if (x != y)
        return x < y ? -1 : 1;
    uint32_t p = le32_get((const uint8_t *)a + 8), q = le32_get((const uint8_t *)b + 8);
    return p < q ? -1 : p > q;
}

void segw_docinfo_free(segw_docinfo *di)
{
    wbuf_free(&di->dl);
    wbuf_free(&di->tl);
    wbuf_free(&di->date);
    wbuf_free(&di->src);
    wbuf_free(&di->ids);
    wbuf_free(&di->heads);
    wbuf_free(&di->head_off);
}

int segw_finish(seg_writer *w, segw_docinfo *di, dict_builder *dict, source_table *sources,
                uint64_t npostings, uint64_t npositions)
{
    if (w->err)
        return w->err;
    if (di->dl.oom || di->tl.oom || di->date.oom || di->src.oom || di->ids.oom || di->heads.oom ||
        di->head_off.oom || dict->data.oom || dict->index.oom ||
        dict->keys.oom)
        return w->err = WARTA_ENOMEM;
    /* the store section: everything written since the header */
    if (!w->postings_begun)
        return w->err = WARTA_EINVAL;
    toc_add(w, SEC_STORE, w->store_crc, w->store_start, w->store_end - w->store_start);
    wbuf si = WBUF_INIT;
    wbuf_put_u32le(&si, w->store_blocks);
    wbuf_put_u32le(&si, w->ndicts);
    wbuf_append(&si, w->store_index.data, w->store_index.len);
    wbuf_append(&si, w->dicts.data, w->dicts.len);
    if (si.oom) {
        wbuf_free(&si);
        return w->err = WARTA_ENOMEM;
    }
    segw_section(w, SEC_STORE_INDEX, si.data, si.len);
    wbuf_free(&si);
    segw_section(w, SEC_DICT, dict->data.data, dict->data.len);
    segw_section(w, SEC_DICT_INDEX, dict->index.data, dict->index.len);
    segw_section(w, SEC_DICT_KEYS, dict->keys.data, dict->keys.len);
    segw_section(w, SEC_DL, di->dl.data, di->dl.len);
    segw_section(w, SEC_TL, di->tl.data, di->tl.len);
    segw_section(w, SEC_DATE, di->date.data, di->date.len);
    /* source ids were given in first-seen order: renumber by name */
    wbuf names = WBUF_INIT;
    uint32_t *map = NULL;
    int rc = source_table_finish(sources, &names, &map);
    if (rc) {
        wbuf_free(&names);
        return w->err = rc;
    }
    uint8_t *s = (uint8_t *)di->src.data;
    for (uint32_t i = 0; i < di->ndocs; i++) {
        uint32_t v = le32_get(s + 4 * (size_t)i);
        if (v != SEG_SOURCE_NONE && v < sources->n) {
            v = map[v];
            for (int k = 0; k < 4; k++)
                s[4 * (size_t)i + k] = (uint8_t)(v >> (8 * k));
        }
    }
    wfree(map);
    segw_section(w, SEC_SRC, di->src.data, di->src.len);
    segw_section(w, SEC_SOURCES, names.data, names.len);
    wbuf_free(&names);
    if (di->ids.len)
        qsort(di->ids.data, di->ids.len / FMT_ID_ENTRY, FMT_ID_ENTRY, id_entry_cmp);
    segw_section(w, SEC_IDS, di->ids.data, di->ids.len);
    /* ids and titles */
    wbuf hi = WBUF_INIT, hb = WBUF_INIT;
    int hrc = heads_encode(di, &hi, &hb);
    if (hrc) {
        wbuf_free(&hi);
        wbuf_free(&hb);
        return w->err = hrc;
    }
    segw_section(w, SEC_HEADS_INDEX, hi.data, hi.len);
    segw_section(w, SEC_HEADS, hb.data, hb.len);
    wbuf_free(&hi);
    wbuf_free(&hb);
    /* a checksum per chunk of documents over its slices of the four
     * per-document arrays, so that readers check them piecewise */
    wbuf dc = WBUF_INIT;
    for (uint64_t first = 0; first < di->ndocs; first += (uint64_t)1 << SEG_DOC_CHUNK_BITS) {
        uint64_t n = di->ndocs - first;
        if (n > (uint64_t)1 << SEG_DOC_CHUNK_BITS)
            n = (uint64_t)1 << SEG_DOC_CHUNK_BITS;
        uint32_t crc = wcrc32(0, di->dl.data + 4 * first, 4 * n);
        crc = wcrc32(crc, di->tl.data + 2 * first, 2 * n);
        crc = wcrc32(crc, di->date.data + 8 * first, 8 * n);
        crc = wcrc32(crc, di->src.data + 4 * first, 4 * n);
        wbuf_put_u32le(&dc, crc);
    }
    if (dc.oom) {
        wbuf_free(&dc);
        return w->err = WARTA_ENOMEM;
    }
    segw_section(w, SEC_DOC_CRCS, dc.data, dc.len);
    wbuf_free(&dc);

    uint64_t sum_dl = 0;
    for (uint32_t i = 0; i < di->ndocs; i++)
        sum_dl += le32_get(di->dl.data + 4 * (size_t)i);
    pad8(w);
    if (w->toc.oom || w->store_index.oom || w->dicts.oom)
        return w->err = WARTA_ENOMEM;
    wbuf toc = WBUF_INIT;
    wbuf_put_u32le(&toc, w->nsections);
    wbuf_put_u32le(&toc, di->ndocs);
    wbuf_put_u64le(&toc, dict->nterms);
    wbuf_put_u64le(&toc, npostings);
    wbuf_put_u64le(&toc, npositions);
    wbuf_put_u64le(&toc, sum_dl);
    wbuf_append(&toc, w->toc.data, w->toc.len);
    if (toc.oom) {
        wbuf_free(&toc);
        return w->err = WARTA_ENOMEM;
    }
    uint64_t toc_off = w->off;
    wr(w, toc.data, toc.len);
    uint8_t t[FMT_TRAILER_LEN];
    for (int i = 0; i < 8; i++)
        t[i] = (uint8_t)(toc_off >> (8 * i));
    uint32_t tl = (uint32_t)toc.len, tc = wcrc32(0, toc.data, toc.len);
    for (int i = 0; i < 4; i++) {
        t[8 + i] = (uint8_t)(tl >> (8 * i));
        t[12 + i] = (uint8_t)(tc >> (8 * i));
    }
    memcpy(t + 16, FMT_SEG_TAIL, 8);
    wbuf_free(&toc);
    wr(w, t, 24);
    uint32_t crc = w->crc;
    for (int i = 0; i < 4; i++)
        t[24 + i] = (uint8_t)(crc >> (8 * i));
    wr(w, t + 24, 4);
    if (w->err)
        return w->err;
    if (fflush(w->f) != 0 || fsync(fileno(w->f)) != 0) {
        w->err = errno == ENOSPC ? WARTA_ENOSPC : WARTA_EIO;
        snprintf(w->errmsg, sizeof w->errmsg, "%s: cannot write: %s", w->tmp_path, strerror(errno));
        return w->err;
    }
    int e = fclose(w->f);
    w->f = NULL;
    if (e != 0 || rename(w->tmp_path, w->final_path) != 0) {
        w->err = errno == ENOSPC ? WARTA_ENOSPC : WARTA_EIO;
        snprintf(w->errmsg, sizeof w->errmsg, "%s: cannot write: %s", w->final_path,
                 strerror(errno));
        return w->err;
    }
    segw_abort(w); /* releases memory; the file is in place */
    return 0;
}

void segw_abort(seg_writer *w)
{
    close_posf(w);
    if (w->f) {
        fclose(w->f);
        w->f = NULL;
        if (w->tmp_path)
            unlink(w->tmp_path);
    }
    wfree(w->tmp_path);
    wfree(w->final_path);
    w->tmp_path = w->final_path = NULL;
    wbuf_free(&w->store_index);
    wbuf_free(&w->dicts);
    wbuf_free(&w->toc);
}
