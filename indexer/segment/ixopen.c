/*
 * ixopen.c: warta_index_open()/close()/analyzer() of include/warta.h: a
 * snapshot of the last commit (segread.c) plus the analyzer stored in the
 * index, opened once so that queries are analyzed exactly as the articles
 * were.  query/ hangs its own per-index state on ix->ext.
 */
#include "indexer/analysis/analyzer.h"
#include "indexer/segment/format.h"

#include <stdio.h>

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
    size_t len;
    const uint8_t *blob = seg_snapshot_analyzer(ix->snap, &len);
    char detail[256] = "";
    rc = analysis_open_serialized(&ix->analyzer, blob, len, detail, sizeof detail);
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
