/*
 * manifest.c: the files around the segments: the manifest naming the live
 * commit, the stored analyzer, deletion bitmaps, the commit protocol
 * (deletion files, then manifest.tmp + fsync + rename + fsync of the
 * directory), cleanup of files no commit or reader uses, and the writer
 * lock.  Called by indexer/writer.c and by seg_snapshot_open().  The
 * protocol and the rules are in docs/FORMAT.md "Commit" and "Locks".
 */
#include "indexer/segment/format.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int commit_crash_step = 0;

static int io_code(int e)
{
    return e == ENOSPC || e == EDQUOT ? WARTA_ENOSPC : WARTA_EIO;
}

/* Reads a whole small file. */
static int read_file(const char *path, wbuf *out, char *errmsg, size_t errlen)
{
    wbuf_reset(out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fmt_fail(errmsg, errlen, errno == ENOENT ? WARTA_ENOTFOUND : WARTA_EIO,
                        "%s: cannot open: %s", path, strerror(errno));
    /* one buffer of the file's size (plus one byte to see the end): no
     * regrowing and copying */
    struct stat st;
    size_t want = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
    for (;;) {
        if (wbuf_reserve(out, out->len + 1 < want ? want - out->len : 65536)) {
            close(fd);
            return WARTA_ENOMEM;
        }
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return fmt_fail(errmsg, errlen, WARTA_EIO, "%s: cannot read: %s", path, strerror(e));
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
    }
    close(fd);
    out->data[out->len] = '\0';
    return 0;
}

int fmt_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return WARTA_EIO;
    int rc = fsync(fd) == 0 ? 0 : WARTA_EIO;
    close(fd);
    return rc;
}

static int write_all(int fd, const void *p, size_t len)
{
    const char *c = p;
    while (len > 0) {
        ssize_t n = write(fd, c, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        c += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Writes dir/name.tmp and fsyncs it; renames into place when `rename_too`. */
static int write_tmp(const char *dir, const char *name, const void *p, size_t len,
                     bool rename_too, char *errmsg, size_t errlen)
{
    char path[4200], tmp[4210];
    if (!fmt_path(path, sizeof path, dir, name))
        return fmt_fail(errmsg, errlen, WARTA_EIO, "%s: path too long", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fmt_fail(errmsg, errlen, io_code(errno),
                        "%s: cannot create: %s", tmp, strerror(errno));
    if (write_all(fd, p, len) != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return fmt_fail(errmsg, errlen, io_code(e), "%s: cannot write: %s", tmp, strerror(e));
    }
    if (close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return fmt_fail(errmsg, errlen, io_code(e), "%s: cannot write: %s", tmp, strerror(e));
    }
    if (rename_too && rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return fmt_fail(errmsg, errlen, io_code(e), "%s: cannot rename: %s", tmp, strerror(e));
    }
    return 0;
}

int fmt_write_atomic(const char *dir, const char *name, const void *p, size_t len,
                     char *errmsg, size_t errlen)
{
    return write_tmp(dir, name, p, len, true, errmsg, errlen);
}

/* ------------------------------------------------------------------------ */
/* Manifest                                                                 */
/* ------------------------------------------------------------------------ */

#define MAN_SEG_ENTRY 32

void manifest_encode(const manifest *m, wbuf *out)
{
    wbuf_append(out, FMT_MAN_MAGIC, 8);
    wbuf_put_u32le(out, FMT_VERSION);
    wbuf_put_u32le(out, 0);
    wbuf_put_u64le(out, m->generation);
    wbuf_put_u64le(out, m->next_id);
    wbuf_put_u32le(out, m->analyzer_crc);
    wbuf_put_u32le(out, m->nsegs);
    for (uint32_t i = 0; i < m->nsegs; i++) {
        wbuf_put_u64le(out, m->segs[i].id);
        wbuf_put_u32le(out, m->segs[i].ndocs);
        wbuf_put_u32le(out, m->segs[i].ndeleted);
        wbuf_put_u64le(out, m->segs[i].del_gen);
        wbuf_put_u64le(out, m->segs[i].bytes);
    }
    size_t bl = m->build_info ? strlen(m->build_info) : 0;
    wbuf_put_u32le(out, (uint32_t)bl);
    wbuf_append(out, m->build_info ? m->build_info : "", bl);
    wbuf_put_u32le(out, wcrc32(0, out->data, out->len));
}

int manifest_decode(manifest *m, const uint8_t *p, size_t len, char *errmsg, size_t errlen)
{
    memset(m, 0, sizeof *m);
    if (len < 48 || memcmp(p, FMT_MAN_MAGIC, 8) != 0)
        return fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "not a warta manifest (bad magic)");
    if (le32_get(p + 8) != FMT_VERSION)
        return fmt_fail(errmsg, errlen, WARTA_EFORMAT, "format version %u, this warta reads %u "
                        "(rebuild the index with this version)", le32_get(p + 8), FMT_VERSION);
    if (wcrc32(0, p, len - 4) != le32_get(p + len - 4))
        return fmt_fail(errmsg, errlen, WARTA_ECORRUPT,
                        "fails its checksum (truncated or damaged)");
    m->generation = le64_get(p + 16);
    m->next_id = le64_get(p + 24);
    m->analyzer_crc = le32_get(p + 32);
    uint32_t n = le32_get(p + 36);
    size_t need = 40 + (size_t)n * MAN_SEG_ENTRY + 4 + 4;
    if (n > (len - 48) / MAN_SEG_ENTRY || need > len)
        return fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "segment list is malformed");
    m->segs = wcalloc((size_t)n + 1, sizeof *m->segs);
    if (!m->segs)
        return WARTA_ENOMEM;
    const uint8_t *q = p + 40;
    for (uint32_t i = 0; i < n; i++, q += MAN_SEG_ENTRY) {
        man_seg *s = &m->segs[i];
        s->id = le64_get(q);
        s->ndocs = le32_get(q + 8);
        s->ndeleted = le32_get(q + 12);
        s->del_gen = le64_get(q + 16);
        s->bytes = le64_get(q + 24);
        bool dup = false;
        for (uint32_t k = 0; k < i; k++)
            dup |= m->segs[k].id == s->id;
        if (s->ndeleted > s->ndocs || s->id >= m->next_id || s->id == 0 || dup) {
            manifest_free(m);
            return fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "segment list is malformed");
        }
    }
    m->nsegs = n;
    uint32_t bl = le32_get(q);
    if (bl != len - need) {
        manifest_free(m);
        return fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "build information is malformed");
    }
    m->build_info = wstrndup((const char *)q + 4, bl);
    if (!m->build_info) {
        manifest_free(m);
        return WARTA_ENOMEM;
    }
    return 0;
}

int manifest_read(manifest *m, const char *dir, char *errmsg, size_t errlen)
{
    memset(m, 0, sizeof *m);
    char path[4200];
    if (!fmt_path(path, sizeof path, dir, FMT_MANIFEST))
        return fmt_fail(errmsg, errlen, WARTA_EIO, "%s: path too long", dir);
    wbuf b = WBUF_INIT;
    int rc = read_file(path, &b, errmsg, errlen);
    if (rc == WARTA_ENOTFOUND) {
        struct stat st;
        if (stat(dir, &st) != 0)
            fmt_fail(errmsg, errlen, rc, "%s: no such index (create it with 'warta index -i %s "
                     "PATH...')", dir, dir);
        else
            fmt_fail(errmsg, errlen, rc, "%s: not a warta index (no manifest; create it with "
                     "'warta index')", dir);
    }
    if (rc) {
        wbuf_free(&b);
        return rc;
    }
    char detail[256];
    rc = manifest_decode(m, (const uint8_t *)b.data, b.len, detail, sizeof detail);
    wbuf_free(&b);
    if (rc && rc != WARTA_ENOMEM)
        fmt_fail(errmsg, errlen, rc, "%s: %s", path, detail);
    return rc;
}

void manifest_free(manifest *m)
{
    wfree(m->segs);
    wfree(m->build_info);
    m->segs = NULL;
    m->build_info = NULL;
    m->nsegs = 0;
}

/* ------------------------------------------------------------------------ */
/* Analyzer and deletion files                                              */
/* ------------------------------------------------------------------------ */

int analyzer_file_write(const char *dir, const wbuf *blob, uint32_t *crc, char *errmsg,
                        size_t errlen)
{
    wbuf b = WBUF_INIT;
    wbuf_append(&b, FMT_ANA_MAGIC, 8);
    wbuf_put_u32le(&b, FMT_VERSION);
    wbuf_put_u32le(&b, 0);
    wbuf_put_u64le(&b, blob->len);
    wbuf_append(&b, blob->data, blob->len);
    *crc = wcrc32(0, b.data, b.len);
    wbuf_put_u32le(&b, *crc);
    int rc = b.oom ? WARTA_ENOMEM : fmt_write_atomic(dir, FMT_ANALYZER, b.data, b.len, errmsg,
                                                     errlen);
    wbuf_free(&b);
    return rc;
}

int analyzer_file_read(const char *dir, wbuf *blob, uint32_t *crc, char *errmsg, size_t errlen)
{
    char path[4200];
    if (!fmt_path(path, sizeof path, dir, FMT_ANALYZER))
        return fmt_fail(errmsg, errlen, WARTA_EIO, "%s: path too long", dir);
    wbuf b = WBUF_INIT;
    int rc = read_file(path, &b, errmsg, errlen);
    if (rc == WARTA_ENOTFOUND)
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT,
                      "%s: missing (the index is damaged; rebuild it)",
                      path);
    if (rc) {
        wbuf_free(&b);
        return rc;
    }
    const uint8_t *p = (const uint8_t *)b.data;
    if (b.len < 28 || memcmp(p, FMT_ANA_MAGIC, 8) != 0)
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: not a warta analyzer file", path);
    else if (le32_get(p + 8) != FMT_VERSION)
        rc = fmt_fail(errmsg, errlen, WARTA_EFORMAT, "%s: format version %u, this warta reads %u "
                      "(rebuild the index with this version)", path, le32_get(p + 8), FMT_VERSION);
    else if (le64_get(p + 16) != b.len - 28 || wcrc32(0, p, b.len - 4) != le32_get(p + b.len - 4))
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: truncated or fails its checksum", path);
    if (!rc) {
        /* the payload moved to the front of the buffer read, which becomes
         * the blob (no second buffer) */
        *crc = le32_get(p + b.len - 4);
        memmove(b.data, b.data + 24, b.len - 28);
        b.len -= 28;
        b.data[b.len] = '\0';
        wbuf_free(blob);
        *blob = b;
        return 0;
    }
    wbuf_free(&b);
    return rc;
}

int analyzer_file_map(const char *dir, const uint8_t **map, size_t *map_len, uint32_t *crc,
                      char *errmsg, size_t errlen)
{
    *map = NULL;
    *map_len = 0;
    char path[4200];
    if (!fmt_path(path, sizeof path, dir, FMT_ANALYZER))
        return fmt_fail(errmsg, errlen, WARTA_EIO, "%s: path too long", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: missing (the index is damaged; "
                            "rebuild it)", path);
        return fmt_fail(errmsg, errlen, WARTA_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    struct stat st;
    int rc = 0;
    void *m = MAP_FAILED;
    if (fstat(fd, &st) != 0)
        rc = fmt_fail(errmsg, errlen, WARTA_EIO, "%s: %s", path, strerror(errno));
    else if (st.st_size < 28)
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: not a warta analyzer file", path);
    else if ((m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED)
        rc = fmt_fail(errmsg, errlen, WARTA_EIO, "%s: cannot map: %s", path, strerror(errno));
    close(fd);
    if (rc)
        return rc;
    /* a mapping, not a read: pages come from the page cache a few at a
     * time as the checksum walks them, with no copy */
    const uint8_t *p = m;
    size_t len = (size_t)st.st_size;
    if (memcmp(p, FMT_ANA_MAGIC, 8) != 0)
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: not a warta analyzer file", path);
    else if (le32_get(p + 8) != FMT_VERSION)
        rc = fmt_fail(errmsg, errlen, WARTA_EFORMAT, "%s: format version %u, this warta reads %u "
                      "(rebuild the index with this version)", path, le32_get(p + 8), FMT_VERSION);
    else if (le64_get(p + 16) != len - 28 || wcrc32(0, p, len - 4) != le32_get(p + len - 4))
        rc = fmt_fail(errmsg, errlen, WARTA_ECORRUPT, "%s: truncated or fails its checksum", path);
    if (rc) {
        munmap(m, len);
        return rc;
    }
    *crc = le32_get(p + len - 4);
    *map = p;
    *map_len = len;
    return 0;
}

int deletions_write(const char *dir, uint64_t id, uint64_t gen, const uint8_t *bits,
                    uint32_t ndocs, uint32_t ndeleted, char *errmsg, size_t errlen)
{
    wbuf b = WBUF_INIT;
    wbuf_append(&b, FMT_DEL_MAGIC, 8);
    wbuf_put_u32le(&b, FMT_VERSION);
    wbuf_put_u32le(&b, 0);
    wbuf_put_u64le(&b, id);
    wbuf_put_u32le(&b, ndocs);
    wbuf_put_u32le(&b, ndeleted);
    wbuf_append(&b, bits, ((size_t)ndocs + 7) / 8);
    wbuf_put_u32le(&b, wcrc32(0, b.data, b.len));
    char name[96];
    fmt_del_name(name, sizeof name, id, gen);
    int rc = b.oom ? WARTA_ENOMEM : fmt_write_atomic(dir, name, b.data, b.len, errmsg, errlen);
    wbuf_free(&b);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Commit                                                                   */
/* ------------------------------------------------------------------------ */

int commit_publish(const char *dir, const manifest *m, const commit_del *dels, size_t ndels,
                   char *errmsg, size_t errlen)
{
    int rc = 0;
    if (commit_crash_step == 1)
        return COMMIT_CRASHED;
    for (size_t i = 0; i < ndels && !rc; i++)
        rc = deletions_write(dir, dels[i].id, dels[i].gen, dels[i].bits, dels[i].ndocs,
                             dels[i].ndeleted, errmsg, errlen);
    if (rc)
        return rc;
    if (commit_crash_step == 2)
        return COMMIT_CRASHED;
    if (fmt_fsync_dir(dir) != 0)
        return fmt_fail(errmsg, errlen, WARTA_EIO, "%s: cannot sync the directory: %s", dir,
                        strerror(errno));
    if (commit_crash_step == 3)
        return COMMIT_CRASHED;
    wbuf b = WBUF_INIT;
    manifest_encode(m, &b);
    if (b.oom) {
        wbuf_free(&b);
        return WARTA_ENOMEM;
    }
    /* steps 3 and 4 (write, fsync) happen inside write_tmp */
    if (commit_crash_step == 4) {
        char path[4200], tmp[4210];
        fmt_path(path, sizeof path, dir, FMT_MANIFEST);
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0) {
            (void)!write(fd, b.data, b.len / 2); /* a torn write, as a crash leaves it */
            close(fd);
        }
        wbuf_free(&b);
        return COMMIT_CRASHED;
    }
    rc = write_tmp(dir, FMT_MANIFEST, b.data, b.len, false, errmsg, errlen);
    wbuf_free(&b);
    if (rc)
        return rc;
    if (commit_crash_step == 5)
        return COMMIT_CRASHED;
    char path[4200], tmp[4210];
    fmt_path(path, sizeof path, dir, FMT_MANIFEST);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return fmt_fail(errmsg, errlen, io_code(e), "%s: cannot rename: %s", tmp, strerror(e));
    }
    if (commit_crash_step == 6)
        return COMMIT_CRASHED;
    if (fmt_fsync_dir(dir) != 0)
        return fmt_fail(errmsg, errlen, WARTA_EIO, "%s: cannot sync the directory: %s", dir,
                        strerror(errno));
    if (commit_crash_step == 7)
        return COMMIT_CRASHED;
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

void commit_cleanup(const char *dir, const manifest *given)
{
    /* the manifest on disk is the truth (a failed or crashed commit may
     * have renamed it before the caller learned it): keep what it or the
     * caller's names; without a readable manifest delete only .tmp files */
    manifest disk;
    bool have_disk = manifest_read(&disk, dir, NULL, 0) == 0;
    DIR *d = opendir(dir);
    if (!d) {
        if (have_disk)
            manifest_free(&disk);
        return;
    }
    struct dirent *e;
    char path[4200];
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        unsigned long long id = 0, gen = 0;
        int used = 0;
        bool seg = false, del = false;
        if (ends_with(n, ".tmp")) {
            /* only a writer makes .tmp files, and we hold the writer lock */
            if (fmt_path(path, sizeof path, dir, n))
                unlink(path);
            continue;
        }
        if (sscanf(n, "s%10llu-g%10llu.del%n", &id, &gen, &used) == 2 && n[used] == '\0')
            del = true;
        else if (sscanf(n, "s%10llu.seg%n", &id, &used) == 1 && n[used] == '\0')
            seg = true;
        if ((!seg && !del) || !have_disk)
            continue;
        bool live = false;
        for (int k = 0; k < 2; k++) {
            const manifest *m = k == 0 ? &disk : given;
            for (uint32_t i = 0; m && i < m->nsegs; i++)
                if (m->segs[i].id == id && (seg || m->segs[i].del_gen == gen))
                    live = true;
        }
        if (live || !fmt_path(path, sizeof path, dir, n))
            continue;
        if (del) {
            unlink(path); /* readers read deletion files whole and close them */
            continue;
        }
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        /* a reader maps it while it holds a shared lock: leave it for later */
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            unlink(path);
        close(fd);
    }
    closedir(d);
    if (have_disk)
        manifest_free(&disk);
}

/* ------------------------------------------------------------------------ */
/* Writer lock                                                              */
/* ------------------------------------------------------------------------ */

int lock_acquire(const char *dir, int *out, char *errmsg, size_t errlen)
{
    *out = -1;
    char path[4200];
    if (!fmt_path(path, sizeof path, dir, FMT_LOCK))
        return fmt_fail(errmsg, errlen, WARTA_EIO, "%s: path too long", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return fmt_fail(errmsg, errlen, io_code(errno),
                        "%s: cannot open: %s", path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        char buf[32] = {0};
        ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
        close(fd);
        if (e == EWOULDBLOCK) {
            long pid = n > 0 ? strtol(buf, NULL, 10) : 0;
            return fmt_fail(errmsg, errlen, WARTA_ELOCKED,
                            "%s: index is locked by PID %ld (another "
                            "warta is writing it; wait for it to finish)", dir, pid);
        }
        return fmt_fail(errmsg, errlen, WARTA_EIO, "%s: cannot lock: %s", path, strerror(e));
    }
    /* the flock dies with its process, so a stale lock file is simply
     * taken over: record our PID for the next one to name */
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    ssize_t wn = -1;
    if (ftruncate(fd, 0) != 0 || (wn = pwrite(fd, buf, (size_t)len, 0)) != len) {
        int e = wn >= 0 ? ENOSPC : errno; /* a short write sets no errno */
        close(fd);
        return fmt_fail(errmsg, errlen, io_code(e), "%s: cannot write: %s", path, strerror(e));
    }
    *out = fd;
    return 0;
}

void lock_release(int fd)
{
    if (fd >= 0) {
        if (ftruncate(fd, 0) != 0) {
            /* nothing to do: the lock goes with the descriptor anyway */
        }
        close(fd);
    }
}
