/*
 * fuzz_segment.c: libFuzzer target for the segment reader
 * (indexer/segment/segread.c, dict.c, postings.c, docstore.c, heads.c).
 *
 * Random bytes would almost never pass a segment's checksums, so this target
 * works the way the reader meets damage in practice: it builds one valid
 * segment at start-up (through the public writer API, with the library
 * compiled with -DWARTA_FUZZ_NO_CRC so that every checksum is 0 and a damaged
 * byte reaches the structure checks behind the CRC), and reads each input as
 * an edit script on it: bytes 0-3 a length to truncate to, then 3-byte
 * records (offset, offset, value) that overwrite one byte each.  The damaged
 * segment is opened, verified, every term's postings and positions walked and
 * every document fetched.  Any result but success, WARTA_ECORRUPT or
 * WARTA_EFORMAT (or WARTA_ENOMEM) aborts, as do crashes and sanitizer reports.
 * Seeds: seeds/fuzz_segment/.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "indexer/segment/format.h"
#include "indexer/segment/segment.h"
#include "warta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *base;       /* the valid segment's bytes */
static size_t base_len;     /* their length */

static const char *const words[] = {
    "pasukan", "korea", "utara", "kursk", "mengirim", "pemerintah", "banjir", "bandung",
    "ekspor", "rusia", "ukraina", "menteri", "berita", "anak-anak", "12.000", "pemilu",
};

/* Builds a small index in a temporary directory and keeps its segment. */
static void build_base(void)
{
    char dir[] = "/tmp/fuzz_segment.XXXXXX";
    if (!mkdtemp(dir))
        abort();
    warta_writer_options wo;
    memset(&wo, 0, sizeof wo);
    wo.analysis.no_lexicon = true;
    wo.jobs = 1;
    warta_writer *w = NULL;
    char err[512];
    if (warta_writer_open(&w, dir, &wo, err, sizeof err) != 0)
        abort();
    char body[2048], title[128], id[32];
    unsigned seed = 7;
    for (int d = 0; d < 300; d++) {
        size_t n = 0;
        int len = 5 + d % 60;
        for (int i = 0; i < len && n + 32 < sizeof body; i++) {
            seed = seed * 1103515245u + 12345u;
            n += (size_t)snprintf(body + n, sizeof body - n, "%s ",
                                  words[(seed >> 16) % (sizeof words / sizeof words[0])]);
        }
        snprintf(title, sizeof title, "Judul %s nomor %d", words[d % 16], d);
        snprintf(id, sizeof id, "doc-%d", d);
        warta_article a;
        memset(&a, 0, sizeof a);
        a.id = id, a.id_len = strlen(id);
        a.title = title, a.title_len = strlen(title);
        a.body = body, a.body_len = n;
        a.date = "2024-10-29", a.date_len = 10;
        a.source = d % 2 ? "Kabar Nusantara" : "Warta Timur";
        a.source_len = strlen(a.source);
        if (warta_writer_add(w, &a) != 0)
            abort();
    }
    if (warta_writer_commit(w) != 0)
        abort();
    warta_writer_close(w);
    DIR *dh = opendir(dir);
    struct dirent *e;
    char path[600] = "";
    while (dh && (e = readdir(dh)))
        if (strstr(e->d_name, ".seg"))
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (dh)
        closedir(dh);
    FILE *f = fopen(path, "rb");
    if (!f)
        abort();
    fseek(f, 0, SEEK_END);
    base_len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    base = malloc(base_len);
    if (!base || fread(base, 1, base_len, f) != base_len)
        abort();
    fclose(f);
}

static void must(int rc)
{
    if (rc != 0 && rc != WARTA_ECORRUPT && rc != WARTA_EFORMAT && rc != WARTA_ENOMEM)
        abort();
}

typedef struct walk_ctx {
    seg_reader *r;      /* the damaged segment */
    uint32_t *pos;      /* positions buffer */
    size_t cap;         /* its capacity */
} walk_ctx;

static int walk_term(void *ctx, const char *term, size_t term_len, const seg_term *t)
{
    walk_ctx *w = ctx;
    (void)term;
    (void)term_len;
    seg_cursor c;
    int rc = seg_cursor_open(&c, w->r, t);
    must(rc);
    if (rc)
        return 0;
    uint32_t prev = 0, n = 0;
    for (uint32_t d = seg_cursor_next(&c); d != SEG_END; d = seg_cursor_next(&c)) {
        if (n++ && d <= prev)
            abort(); /* docids handed out must increase */
        prev = d;
        uint32_t tf = seg_cursor_tf(&c);
        if (tf > w->cap)
            continue;
        must(seg_cursor_positions(&c, w->pos));
    }
    /* seeks and shallow seeks over the same list */
    rc = seg_cursor_open(&c, w->r, t);
    if (rc == 0) {
        (void)seg_cursor_shallow_seek(&c, 5);
        (void)seg_cursor_seek(&c, 17);
        (void)seg_cursor_seek(&c, 150);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!base)
        build_base();
    size_t len = base_len;
    if (size >= 4) {
        uint32_t cut = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
                       (uint32_t)data[3] << 24;
        if (cut && cut < len)
            len = cut;
        data += 4;
        size -= 4;
    }
    uint8_t *buf = malloc(len + 8);
    if (!buf)
        return 0;
    memcpy(buf, base, len);
    memset(buf + len, 0, 8);
    for (size_t i = 0; i + 3 <= size && len > 0; i += 3)
        buf[((size_t)data[i] << 8 | data[i + 1]) % len] = data[i + 2];

    seg_reader *r = NULL;
    char err[512];
    int rc = seg_reader_open_bytes(&r, buf, len, 1, err, sizeof err);
    must(rc);
    if (rc == 0) {
        must(seg_reader_verify(r));
        walk_ctx w = {r, malloc(4096 * sizeof(uint32_t)), 4096};
        if (w.pos) {
            must(seg_term_each(r, walk_term, &w));
            free(w.pos);
        }
        wbuf scratch = WBUF_INIT;
        for (uint32_t d = 0; d < seg_ndocs(r) && d < 400; d++) {
            seg_doc doc;
            must(seg_doc_fetch(r, d, &scratch, &doc));
            const char *id, *title;
            size_t id_len, title_len;
            must(seg_doc_head(r, d, &scratch, &id, &id_len, &title, &title_len));
            (void)seg_doc_len(r, d);
            (void)seg_doc_date(r, d);
        }
        wbuf_free(&scratch);
        seg_reader_close(r);
    }
    free(buf);
    return 0;
}
