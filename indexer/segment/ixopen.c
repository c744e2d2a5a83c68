/*
 * ixopen.c: warta_index_open()/close()/analyzer() of include/warta.h: a
 * snapshot of the last commit (segread.c) plus the analyzer stored in the
 * index, opened once so that queries are analyzed exactly as the articles
 * were.  query/ hangs its own per-index state on ix->ext.
 */
#include "indexer/analysis/analyzer.h"
#include "indexer/segment/format.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

WARTA_API int warta_index_open(warta_index **out, const char *dir, char *errmsg, size_t errlen)
{
    *out = NULL;
    if (!dir)
        return WARTA_EINVAL;
    warta_index *ix = wcalloc(1, sizeof *ix);
    if (!ix)
        return WARTA_ENOMEM;
    int rc = seg_snapshot_open(&ix->snap, dir, errmsg, errlen);
    if (rc) {
        wfree(ix);
        return rc;
    }
    const uint8_t *map;
    size_t map_len;
    seg_snapshot_take_analyzer(ix->snap, &map, &map_len);
    char detail[256] = "";
    rc = map ? analysis_open_serialized_mapped(&ix->analyzer, map, map_len, 24, map_len - 28,
                                               detail, sizeof detail)
             : WARTA_ECORRUPT;
    if (rc) {
        if (errmsg && errlen && rc != WARTA_ENOMEM)
            snprintf(errmsg, errlen, "%s/%s: %s", dir, FMT_ANALYZER, detail);
        warta_index_close(ix);
        return rc;
    }
    *out = ix;
    return 0;
}

WARTA_API void warta_index_close(warta_index *ix)
{
    if (!ix)
        return;
    if (ix->ext && ix->ext_free)
        ix->ext_free(ix->ext);
    warta_analyzer_close(ix->analyzer);
    seg_snapshot_close(ix->snap);
    wfree(ix);
}

WARTA_API warta_analyzer *warta_index_analyzer(warta_index *ix)
{
    return ix ? ix->analyzer : NULL;
}

/* Counts distinct terms over all segments by merging their dictionaries. */
static int count_terms(seg_snapshot *s, uint64_t *out)
{
    size_t n = seg_snapshot_count(s);
    if (n == 1) {
        *out = seg_snapshot_segment(s, 0)->nterms;
        return 0;
    }
    dict_iter *its = wcalloc(n + 1, sizeof *its);
    int *have = wcalloc(n + 1, sizeof *have);
    int rc = 0;
    if (!its || !have)
        rc = WARTA_ENOMEM;
    for (size_t k = 0; k < n && !rc; k++) {
        rc = dict_iter_start(&its[k], seg_snapshot_segment(s, k), 0);
        if (!rc) {
            have[k] = dict_iter_next(&its[k]);
            if (have[k] < 0)
                rc = have[k];
        }
    }
    uint64_t count = 0;
    while (!rc) {
        size_t lo = SIZE_MAX;
        for (size_t k = 0; k < n; k++) {
            if (have[k] != 1)
                continue;
            if (lo == SIZE_MAX) {
                lo = k;
                continue;
            }
            size_t m = its[k].term_len < its[lo].term_len ? its[k].term_len : its[lo].term_len;
            int c = memcmp(its[k].term, its[lo].term, m);
            if (c < 0 || (c == 0 && its[k].term_len < its[lo].term_len))
                lo = k;
        }
        if (lo == SIZE_MAX)
            break;
        char term[SEG_MAX_TERM + 1];
        size_t len = its[lo].term_len;
        memcpy(term, its[lo].term, len);
        count++;
        for (size_t k = 0; k < n && !rc; k++) {
            if (have[k] == 1 && its[k].term_len == len && memcmp(its[k].term, term, len) == 0) {
                have[k] = dict_iter_next(&its[k]);
                if (have[k] < 0)
                    rc = have[k];
            }
        }
    }
    wfree(its);
    wfree(have);
    *out = count;
    return rc;
}

WARTA_API int warta_index_get_info(warta_index *ix, warta_index_info *out)
{
    memset(out, 0, sizeof *out);
    if (!ix)
        return WARTA_EINVAL;
    seg_snapshot *s = ix->snap;
    out->segments = seg_snapshot_count(s);
    out->generation = seg_snapshot_generation(s);
    out->build_info = seg_snapshot_build_info(s);
    for (size_t i = 0; i < out->segments; i++) {
        const seg_reader *r = seg_snapshot_segment(s, i);
        out->live += r->ndocs - r->ndeleted;
        out->deleted += r->ndeleted;
        out->postings += r->npostings;
        out->positions += r->npositions;
        out->bytes_dictionary += r->bytes_dict;
        out->bytes_postings += r->bytes_post;
        out->bytes_positions += r->bytes_pos;
        out->bytes_lengths += r->bytes_docinfo;
        out->bytes_ids += r->bytes_ids;
        out->bytes_store += r->bytes_store + r->bytes_heads;
        out->bytes_total += r->map_len;
    }
    uint64_t sections = out->bytes_dictionary + out->bytes_postings + out->bytes_positions +
                        out->bytes_lengths + out->bytes_ids + out->bytes_store;
    /* the files around the segments */
    const char *dir = seg_snapshot_dir(s);
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[4200];
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.' || strstr(e->d_name, ".seg"))
                continue;
            struct stat st;
            if (fmt_path(path, sizeof path, dir, e->d_name) && stat(path, &st) == 0 &&
                S_ISREG(st.st_mode))
                out->bytes_total += (uint64_t)st.st_size;
        }
        closedir(d);
    }
    out->bytes_other = out->bytes_total - sections;
    uint64_t live = seg_snapshot_live_docs(s);
    out->avg_doc_len = live ? (double)seg_snapshot_live_length(s) / (double)live : 0.0;
    return count_terms(s, &out->terms);
}

WARTA_API int warta_index_check(const char *dir, char *errmsg, size_t errlen)
{
    warta_index *ix = NULL;
    int rc = warta_index_open(&ix, dir, errmsg, errlen);
    if (rc)
        return rc;
    seg_snapshot *s = ix->snap;
    for (size_t i = 0; i < seg_snapshot_count(s) && !rc; i++) {
        seg_reader *r = seg_snapshot_segment(s, i);
        rc = seg_reader_verify(r);
        if (rc && errmsg && errlen)
            snprintf(errmsg, errlen, "%s", rc == WARTA_ENOMEM ? "out of memory"
                                                              : seg_reader_errmsg(r));
    }
    warta_index_close(ix);
    return rc;
}
