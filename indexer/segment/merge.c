/*
 * merge.c: merges segments into one, dropping deleted documents: docids
 * are renumbered in segment order, so merging adjacent segments gives the
 * same postings as one fresh build of their documents.  Document-store
 * blocks without deletions are copied verbatim (checksum checked), the
 * others recompressed with their own preset dictionary.  Called by the
 * writer's merge policy and by warta_writer_optimize().
 */
#include "indexer/segment/format.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

typedef struct merge_in {
    seg_reader *r;
    uint32_t *map;              /* old docid -> new docid, UINT32_MAX when deleted */
    uint32_t *dmap;             /* preset dictionary number -> output number */
    dict_iter it;
    int have;                   /* it holds a term */
} merge_in;

/* Walks the surviving documents of the inputs in order, for heads_encode. */
typedef struct head_walk {
    merge_in *in;               /* the inputs */
    size_t n;
    size_t k;                   /* input of the next document */
    uint32_t d;                 /* its docid there */
    uint32_t next;              /* output docid it gets */
    wbuf scratch;               /* the decoded id and title */
    char *errmsg;
    size_t errlen;
} head_walk;

static int walk_head(void *ctx, uint32_t doc, seg_doc *out)
{
    head_walk *h = ctx;
    if (doc < h->next) { /* the second pass starts over */
        h->k = 0;
        h->d = 0;
        h->next = 0;
    }
    for (;;) {
        if (h->k >= h->n)
            return WARTA_EINVAL;
        seg_reader *r = h->in[h->k].r;
        if (h->d >= r->ndocs) {
            h->k++;
            h->d = 0;
            continue;
        }
        if (h->in[h->k].map[h->d] == UINT32_MAX) {
            h->d++;
            continue;
        }
        if (h->next == doc)
            break;
        h->next++;
        h->d++;
    }
    seg_reader *r = h->in[h->k].r;
    int rc = seg_doc_head(r, h->d, &h->scratch, &out->id, &out->id_len, &out->title,
                         &out->title_len);
    if (rc && rc != WARTA_ENOMEM)
        snprintf(h->errmsg, h->errlen, "%s", seg_reader_errmsg(r));
    return rc;
}

static int grow_u32(uint32_t **p, uint32_t *cap, uint32_t need)
{
    if (need <= *cap)
        return 0;
    uint32_t nc = *cap ? *cap : 1024;
    while (nc < need)
        nc *= 2;
    uint32_t *q = wrealloc(*p, (size_t)nc * sizeof *q);
    if (!q)
        return WARTA_ENOMEM;
    *p = q;
    *cap = nc;
    return 0;
}

static int copy_store(seg_writer *w, merge_in *in, size_t n, char *errmsg, size_t errlen)
{
    wbuf scratch = WBUF_INIT, raw = WBUF_INIT, comp = WBUF_INIT;
    void *z = NULL;
    int rc = 0;
    for (size_t k = 0; k < n && !rc; k++) {
        seg_reader *r = in[k].r;
        for (uint32_t b = 0; b < r->ds_nblocks && !rc; b++) {
            const uint8_t *e = r->ds_index + (size_t)b * FMT_STORE_ENTRY;
            uint32_t clen = le32_get(e + 8), rlen = le32_get(e + 12);
            uint32_t first = le32_get(e + 16), cnt = le32_get(e + 20);
            uint32_t dict = (uint32_t)(e[28] | e[29] << 8);
            uint32_t odict = dict == 0xFFFF ? 0xFFFF : in[k].dmap[dict];
            uint32_t live = 0;
            for (uint32_t i = 0; i < cnt; i++)
                live += !seg_is_deleted(r, first + i);
            if (live == 0)
                continue;
            if (live == cnt) {
                const uint8_t *p = r->ds + le64_get(e);
                if (le64_get(e) > r->ds_len || clen > r->ds_len - le64_get(e) ||
                    wcrc32(0, p, clen) != le32_get(e + 24)) {
                    rc = WARTA_ECORRUPT;
                    snprintf(errmsg, errlen, "%s: document store block %u fails its checksum",
                             r->path, b);
                    break;
                }
                segw_store_block(w, p, clen, rlen, cnt, odict);
                continue;
            }
            rc = docstore_load_block(r, b, &scratch);
            if (rc) {
                snprintf(errmsg, errlen, "%s", seg_reader_errmsg(r));
                break;
            }
            wbuf_reset(&raw);
            const uint8_t *p = (const uint8_t *)scratch.data, *end = p + scratch.len;
            for (uint32_t i = 0; i < cnt; i++) {
                const uint8_t *start = p;
                seg_doc d;
                if (docstore_next(&p, end, &d) != 0) {
                    rc = WARTA_ECORRUPT;
                    snprintf(errmsg, errlen, "%s: document store block %u is malformed",
                             r->path, b);
                    break;
                }
                if (!seg_is_deleted(r, first + i))
                    wbuf_append(&raw, start, (size_t)(p - start));
            }
            if (rc)
                break;
            if (raw.oom) {
                rc = WARTA_ENOMEM;
                break;
            }
            const uint8_t *dp = dict == 0xFFFF ? NULL : r->ds_dict[dict];
            size_t dl = dict == 0xFFFF ? 0 : r->ds_dict_len[dict];
            rc = docstore_compress(&z, (const uint8_t *)raw.data, raw.len, dp, dl, DOCSTORE_LEVEL,
                                   &comp);
            if (!rc)
                segw_store_block(w, (const uint8_t *)comp.data, comp.len, (uint32_t)raw.len, live,
                                 odict);
        }
        /* this input's text was read once: drop its pages from our memory */
        madvise((void *)r->map, r->map_len, MADV_DONTNEED);
    }
    docstore_zfree(z);
    wbuf_free(&scratch);
    wbuf_free(&raw);
    wbuf_free(&comp);
    return rc;
}

static int term_cmp(const dict_iter *a, const dict_iter *b)
{
    size_t m = a->term_len < b->term_len ? a->term_len : b->term_len;
    int c = memcmp(a->term, b->term, m);
    if (c)
        return c;
    return a->term_len < b->term_len ? -1 : a->term_len > b->term_len;
}

int merge_segments(const char *dir, seg_reader *const *segs, size_t n, uint64_t new_id,
                   uint32_t *ndocs_out, uint64_t *bytes_out, char *errmsg, size_t errlen)
{
    merge_in *in = wcalloc(n + 1, sizeof *in);
    if (!in)
        return WARTA_ENOMEM;
    seg_writer w;
    segw_docinfo di;
    memset(&di, 0, sizeof di);
    source_table st;
    memset(&st, 0, sizeof st);
    wbuf post = WBUF_INIT, pos = WBUF_INIT, posbuf = WBUF_INIT;
    dict_builder dict;
    dict_builder_init(&dict);
    uint32_t *docs = NULL, *tfs = NULL, *ttfs = NULL, *plen = NULL;
    uint32_t cap_docs = 0, cap_tfs = 0, cap_ttfs = 0, cap_plen = 0;
    uint64_t npostings = 0, npositions = 0;
    int rc = segw_open(&w, dir, new_id);
    if (rc) {
        snprintf(errmsg, errlen, "%s", w.errmsg);
        wfree(in);
        return rc;
    }
    /* document numbering and per-document arrays */
    uint32_t next = 0;
    for (size_t k = 0; k < n && !rc; k++) {
        seg_reader *r = segs[k];
        in[k].r = r;
        in[k].map = wmalloc(((size_t)r->ndocs + 1) * sizeof *in[k].map);
        in[k].dmap = wmalloc(((size_t)r->ds_ndicts + 1) * sizeof *in[k].dmap);
        if (!in[k].map || !in[k].dmap) {
            rc = WARTA_ENOMEM;
            break;
        }
        rc = seg_ids_verify(r);
        if (!rc)
            rc = docstore_check_index(r);   /* every store entry and dictionary is copied */
        if (rc) {
            snprintf(errmsg, errlen, "%s", seg_reader_errmsg(r));
            break;
        }
        for (uint32_t d = 0; d < r->ndocs; d++)
            in[k].map[d] = seg_is_deleted(r, d) ? UINT32_MAX : next++;
        for (uint32_t d = 0; d < r->ndocs; d++) {
            if (in[k].map[d] == UINT32_MAX)
                continue;
            wbuf_put_u32le(&di.dl, seg_doc_len(r, d));
            wbuf_append(&di.tl, r->tl + 2 * (size_t)d, 2);
            wbuf_append(&di.date, r->date + 8 * (size_t)d, 8);
            uint32_t s = seg_doc_source(r, d), o = SEG_SOURCE_NONE;
            if (s != SEG_SOURCE_NONE)
                o = source_table_add(&st, r->source_name[s], r->source_len[s], &rc);
            wbuf_put_u32le(&di.src, o);
        }
        if (!rc && seg_reader_failed(r)) {
            snprintf(errmsg, errlen, "%s", seg_reader_errmsg(r));
            rc = WARTA_ECORRUPT;
            break;
        }
        for (uint32_t i = 0; i < r->ndocs; i++) {
            const uint8_t *e = r->ids + (size_t)i * FMT_ID_ENTRY;
            uint32_t d = le32_get(e + 8);
            if (in[k].map[d] == UINT32_MAX)
                continue;
            wbuf_put_u64le(&di.ids, le64_get(e));
            wbuf_put_u32le(&di.ids, in[k].map[d]);
        }
        /* preset dictionaries, shared when equal */
        for (uint32_t j = 0; j < r->ds_ndicts && !w.err; j++) {
            uint32_t found = UINT32_MAX;
            const uint8_t *q = (const uint8_t *)w.dicts.data;
            for (uint32_t o = 0; o < w.ndicts; o++) {
                uint32_t len = le32_get(q);
                if (len == r->ds_dict_len[j] && memcmp(q + 8, r->ds_dict[j], len) == 0) {
                    found = o;
                    break;
                }
                q += 8 + len;   /* len, crc, bytes */
            }
            in[k].dmap[j] = found != UINT32_MAX ? found
                                                : segw_add_dict(&w, r->ds_dict[j], r->ds_dict_len[j]);
        }
    }
    di.ndocs = next;
    if (!rc && w.err)
        rc = w.err;
    if (!rc && (di.dl.oom || di.tl.oom || di.date.oom || di.src.oom || di.ids.oom || w.dicts.oom ||
                di.heads.oom || di.head_off.oom))
        rc = WARTA_ENOMEM;
    if (!rc)
        rc = copy_store(&w, in, n, errmsg, errlen);
    /* terms: a k-way merge of the dictionaries */
    segw_postings_begin(&w);
    if (!rc && w.err)
        rc = w.err;
    size_t since_release = 0;
    for (size_t k = 0; k < n && !rc; k++) {
        rc = dict_iter_start(&in[k].it, in[k].r, 0);
        if (!rc) {
            in[k].have = dict_iter_next(&in[k].it);
            if (in[k].have < 0)
                rc = in[k].have;
        }
        if (rc)
            snprintf(errmsg, errlen, "%s", seg_reader_errmsg(in[k].r));
    }
    while (!rc) {
        size_t lo = SIZE_MAX;
        for (size_t k = 0; k < n; k++)
            if (in[k].have == 1 && (lo == SIZE_MAX || term_cmp(&in[k].it, &in[lo].it) < 0))
                lo = k;
        if (lo == SIZE_MAX)
            break;
        dict_iter *cur = &in[lo].it;
        char term[SEG_MAX_TERM + 1];
        size_t term_len = cur->term_len;
        memcpy(term, cur->term, term_len);
        uint32_t cnt = 0;
        uint64_t cf = 0;
        wbuf_reset(&posbuf);
        for (size_t k = 0; k < n && !rc; k++) {
            if (in[k].have != 1 || in[k].it.term_len != term_len ||
                memcmp(in[k].it.term, term, term_len) != 0)
                continue;
            seg_cursor c;
            rc = seg_cursor_open(&c, in[k].r, &in[k].it.t);
            if (rc) {
                snprintf(errmsg, errlen, "%s", seg_reader_errmsg(in[k].r));
                break;
            }
            for (uint32_t d = seg_cursor_next(&c); d != SEG_END; d = seg_cursor_next(&c)) {
                uint32_t nd = in[k].map[d];
                if (nd == UINT32_MAX)
                    continue;
                if (grow_u32(&docs, &cap_docs, cnt + 1) || grow_u32(&tfs, &cap_tfs, cnt + 1) ||
                    grow_u32(&ttfs, &cap_ttfs, cnt + 1) || grow_u32(&plen, &cap_plen, cnt + 1)) {
                    rc = WARTA_ENOMEM;
                    break;
                }
                const uint8_t *pp;
                size_t pl;
                rc = postings_cursor_raw_positions(&c, &pp, &pl);
                if (rc)
                    break;
                wbuf_append(&posbuf, pp, pl);
                docs[cnt] = nd;
                tfs[cnt] = seg_cursor_tf(&c);
                ttfs[cnt] = seg_cursor_title_tf(&c);
                plen[cnt] = (uint32_t)pl;
                cf += tfs[cnt];
                cnt++;
            }
            if (!rc && c.err)
                rc = c.err;
            if (rc && rc != WARTA_ENOMEM)
                snprintf(errmsg, errlen, "%s", seg_reader_errmsg(in[k].r));
            if (!rc) {
                in[k].have = dict_iter_next(&in[k].it);
                if (in[k].have < 0) {
                    rc = in[k].have;
                    snprintf(errmsg, errlen, "%s", seg_reader_errmsg(in[k].r));
                }
            }
        }
        if (rc)
            break;
        if (posbuf.oom) {
            rc = WARTA_ENOMEM;
            break;
        }
        if (cnt == 0)
            continue;
        postings_list l = {cnt, docs, tfs, ttfs, (const uint8_t *)posbuf.data, plen, posbuf.len};
        wbuf_reset(&post);
        wbuf_reset(&pos);
        postings_encode(&l, (const uint8_t *)di.dl.data, &post, &pos, &rc);
        dict_builder_add(&dict, term, term_len, cnt, cf, w.post_len, post.len, w.pos_len, pos.len,
                         post.data, pos.data, &rc);
        if (!rc)
            segw_postings_term(&w, post.data, post.len, pos.data, pos.len);
        if (!rc && w.err)
            rc = w.err;
        npostings += cnt;
        npositions += cf;
        /* the inputs' pages were read once: let them go, so a merge's
         * resident memory does not grow with the inputs */
        since_release += post.len + pos.len;
        if (since_release > ((size_t)2 << 20)) {
            since_release = 0;
            for (size_t k = 0; k < n; k++)
                madvise((void *)in[k].r->map, in[k].r->map_len, MADV_DONTNEED);
        }
    }
    segw_postings_end(&w);
    if (!rc && w.err)
        rc = w.err;
    dict_builder_finish(&dict, &rc);
    head_walk hw;
    memset(&hw, 0, sizeof hw);
    hw.in = in;
    hw.n = n;
    hw.next = UINT32_MAX; /* forces a start from the first input */
    hw.errmsg = errmsg;
    hw.errlen = errlen;
    di.head_get = walk_head;
    di.head_ctx = &hw;
    if (!rc) {
        rc = segw_finish(&w, &di, &dict, &st, npostings, npositions);
        if (rc)
            snprintf(errmsg, errlen, "%s", w.errmsg[0] ? w.errmsg : warta_strerror(rc));
    }
    if (rc) {
        segw_abort(&w);
    } else {
        *ndocs_out = next;
        char name[64], path[4200];
        fmt_seg_name(name, sizeof name, new_id);
        fmt_path(path, sizeof path, dir, name);
        struct stat sb;
        *bytes_out = stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
    }
    for (size_t k = 0; k < n; k++) {
        wfree(in[k].map);
        wfree(in[k].dmap);
    }
    wfree(in);
    wfree(docs);
    wfree(tfs);
    wfree(ttfs);
    wfree(plen);
    wbuf_free(&post);
    wbuf_free(&pos);
    wbuf_free(&posbuf);
    wbuf_free(&hw.scratch);
    dict_builder_free(&dict);
    segw_docinfo_free(&di);
    source_table_free(&st);
    return rc;
}
