/*
 * walk.c: warta_walk(), the recursive walk over the PATH arguments of
 * `warta index`.  Directories are read whole and their entries visited in
 * byte order of names (hidden ones skipped); symlink loops are caught by the
 * (device, inode) pairs of the directories on the current path.  Files are
 * read through zlib when they end in .gz: .txt/.md/.json whole (capped),
 * JSON Lines streamed line by line, so a big collection never sits in memory.
 * Every unreadable input is reported through the callbacks and skipped.
 */
#include "corpus.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define WALK_CHUNK ((size_t)1 << 20) /* bytes asked of read()/gzread() at a time */

/* A directory on the current path, for loop detection. */
typedef struct walk_dir_id {
    dev_t dev;   /* device of the directory */
    ino_t ino;   /* its inode */
} walk_dir_id;

typedef struct walker {
    const warta_walk_callbacks *cb;   /* the caller's callbacks */
    warta_walk_stats *stats;          /* totals */
    wbuf path;                        /* the path being visited, NUL-terminated */
    wbuf data;                        /* the bytes of a whole-file read, reused from file to file */
    walk_dir_id stack[CORPUS_MAX_DEPTH + 1]; /* directories from the PATH argument down */
    int depth;                        /* entries used in stack */
} walker;

/* An open input file, compressed or not. */
typedef struct walk_input {
    int fd;          /* the file (owned by gz once gz is open) */
    gzFile gz;       /* zlib reader, or NULL for plain files */
    char err[96];    /* what went wrong, after a read returned -1 or a gz error */
} walk_input;

/* Reports a problem with a whole input outside of a reader (a missing
 * argument, an unreadable directory): counted as skipped. */
static void walk_problem(walker *w, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void walk_problem(walker *w, const char *path, const char *fmt, ...)
{
    w->stats->skipped++;
    if (!w->cb->problem)
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    w->cb->problem(w->cb->ctx, path, 0, msg, true);
}

/* Reads up to n bytes: the count, 0 at the end, -1 on error (in->err set).
 * A gzip stream that ends early is an error, not an end. */
static long input_read(walk_input *in, char *buf, size_t n)
{
    if (in->gz) {
        int got = gzread(in->gz, buf, (unsigned)n);
        int errnum = Z_OK;
        const char *msg = gzerror(in->gz, &errnum);
        if (got > 0)
            return got;
        if (got < 0 || errnum != Z_OK) {
            /* zlib names the stream "<fd:N>: "; the caller names the file. */
            const char *colon = msg && strncmp(msg, "<fd:", 4) == 0 ? strstr(msg, ": ") : NULL;
            if (colon)
                msg = colon + 2;
            snprintf(in->err, sizeof in->err, "%s", errnum == Z_ERRNO ? strerror(errno) : msg);
            return -1;
        }
        return 0;
    }
    for (;;) {
        ssize_t got = read(in->fd, buf, n);
        if (got >= 0)
            return (long)got;
        if (errno == EINTR)
            continue;
        snprintf(in->err, sizeof in->err, "%s", strerror(errno));
        return -1;
    }
}

/* Reads a whole file (at most cap + 1 bytes) into out.  Returns 0, 1 when
 * the file is over cap, 2 on a read error (in->err), WARTA_ENOMEM. */
static int input_read_all(walk_input *in, size_t cap, size_t hint, wbuf *out)
{
    /* Room for the whole file plus a little, so that a plain file takes one
     * read for its bytes and one to see the end. */
    if (wbuf_reserve(out, (hint < cap ? hint : cap) + 4096))
        return WARTA_ENOMEM;
    for (;;) {
        if (out->cap - out->len - 1 < 4096 && wbuf_reserve(out, out->len < WALK_CHUNK ? WALK_CHUNK : out->len))
            return WARTA_ENOMEM;
        size_t want = out->cap - out->len - 1;
        if (want > WALK_CHUNK)
            want = WALK_CHUNK;
        long got = input_read(in, out->data + out->len, want);
        if (got < 0)
            return 2;
        if (got == 0)
            break;
        out->len += (size_t)got;
        if (out->len > cap)
            return 1;
    }
    out->data[out->len] = '\0';
    return 0;
}

/* Streams a JSON Lines file: whole lines go to jsonl_read_line() as they
 * arrive; a line over the cap is skipped without being held in memory. */
static int stream_jsonl(corpus_reader *r, walk_input *in, const char *what)
{
    wbuf buf = WBUF_INIT;
    unsigned lineno = 0;
    bool long_line = false;   /* inside a line already reported as too long */
    bool first = true;
    uint64_t total = 0;
    int rc = 0;
    for (;;) {
        if (wbuf_reserve(&buf, WALK_CHUNK)) {
            rc = WARTA_ENOMEM;
            goto out_free_buf;
        }
        long got = input_read(in, buf.data + buf.len, WALK_CHUNK);
        if (got < 0) {
            corpus_report(r, CP_FILE, lineno + 1, true,
                          "%s (%s) after %llu bytes: the %u lines before were read, the rest skipped",
                          what, in->err, (unsigned long long)total, lineno);
            goto out_free_buf;
        }
        if (got == 0)
            break;
        if (first) {
            first = false;
            size_t probe = (size_t)got < 65536 ? (size_t)got : 65536;
            if (memchr(buf.data, '\0', probe)) {
                corpus_report(r, CP_FILE, 0, true, "binary file (contains NUL bytes), skipped");
                goto out_free_buf;
            }
        }
        total += (uint64_t)got;
        r->stats->bytes += (uint64_t)got;
        buf.len += (size_t)got;
        size_t off = 0;
        const char *nl;
        while ((nl = memchr(buf.data + off, '\n', buf.len - off)) != NULL) {
            size_t n = (size_t)(nl - buf.data) - off;
            lineno++;
            if (long_line)
                long_line = false;
            else if ((rc = jsonl_read_line(r, buf.data + off, n, lineno)) != 0 || (rc = r->stop) != 0)
                goto out_free_buf;
            off += n + 1;
        }
        size_t rest = buf.len - off;
        if (long_line || rest > CORPUS_MAX_ARTICLE) {
            if (!long_line)
                corpus_report(r, CP_LONGLINE, lineno + 1, true,
                              "line longer than the 16 MiB cap for one article, skipped");
            long_line = true;
            rest = 0;
        }
        memmove(buf.data, buf.data + off, rest);
        buf.len = rest;
    }
    if (total == 0)
        corpus_report(r, CP_FILE, 0, true, "empty file, skipped");
    else if (buf.len && !long_line)
        rc = jsonl_read_line(r, buf.data, buf.len, lineno + 1);
out_free_buf:
    wbuf_free(&buf);
    return rc;
}

/* Reads one file with the reader for its format. */
static int walk_file(walker *w, const char *path, const char *rel, int format, bool gz)
{
    corpus_reader r;
    corpus_reader_init(&r, path, rel, w->cb, w->stats);
    uint64_t before = w->stats->articles;
    int rc = 0;
    walk_input in = {-1, NULL, ""};
    in.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (in.fd < 0) {
        corpus_report(&r, CP_FILE, 0, true, "cannot open file (%s), skipped", strerror(errno));
        goto out_finish;
    }
    struct stat st;
    if (fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        corpus_report(&r, CP_FILE, 0, true, "not a regular file, skipped");
        close(in.fd);
        goto out_finish;
    }
    w->stats->files++;
    const char *damage = "read error";
    if (gz) {
        in.gz = gzdopen(in.fd, "rb");
        if (!in.gz) {
            close(in.fd);
            rc = WARTA_ENOMEM;
            goto out_finish;
        }
        gzbuffer(in.gz, 256 * 1024);
        damage = "truncated or corrupt gzip data";
        /* zlib passes bytes that are not gzip through unchanged: refuse them. */
        if (st.st_size > 0) {
            int c = gzgetc(in.gz);
            if (c >= 0)
                gzungetc(c, in.gz);
            if (gzdirect(in.gz)) {
                corpus_report(&r, CP_FILE, 0, true, "not gzip data although the name ends in .gz, skipped");
                goto out_close;
            }
        }
    }
    if (format == CORPUS_JSONL) {
        rc = stream_jsonl(&r, &in, damage);
        goto out_close;
    }
    size_t cap = format == CORPUS_JSON ? CORPUS_MAX_FILE : CORPUS_MAX_ARTICLE;
    wbuf *data = &w->data;
    wbuf_reset(data);
    int got = input_read_all(&in, cap, gz ? 0 : (size_t)st.st_size, data);
    w->stats->bytes += data->len;
    if (got == WARTA_ENOMEM) {
        rc = WARTA_ENOMEM;
    } else if (got == 2) {
        corpus_report(&r, CP_FILE, 0, true, "%s (%s), skipped", damage, in.err);
    } else if (got == 1) {
        if (format == CORPUS_JSON)
            corpus_report(&r, CP_FILE, 0, true, "file larger than the 64 MiB cap for a .json document "
                          "(use JSON Lines for big collections), skipped");
        else
            corpus_report(&r, CP_FILE, 0, true, "file larger than the 16 MiB cap for one article, skipped");
    } else {
        rc = corpus_read_with(&r, data->data ? data->data : "", data->len, format);
    }
    /* Keep a modest buffer for the next file; give a big one back. */
    if (data->cap > ((size_t)4 << 20))
        wbuf_free(data);
out_close:
    if (in.gz)
        gzclose(in.gz);
    else
        close(in.fd);
out_finish:
    if (rc == 0)
        rc = r.stop;
    corpus_reader_finish(&r);
    if (w->cb->file)
        w->cb->file(w->cb->ctx, path, w->stats->articles - before);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_entry(walker *w, size_t rel_off, const char *name, bool top);

/* Walks the directory at w->path whose identity is st. */
static int walk_dir(walker *w, size_t rel_off, const struct stat *st)
{
    for (int i = 0; i < w->depth; i++)
        if (w->stack[i].dev == st->st_dev && w->stack[i].ino == st->st_ino) {
            walk_problem(w, w->path.data, "symbolic link loop (leads back to a directory being walked), skipped");
            return 0;
        }
    if (w->depth > CORPUS_MAX_DEPTH) {
        walk_problem(w, w->path.data, "directories nested deeper than %d levels, skipped", CORPUS_MAX_DEPTH);
        return 0;
    }
    DIR *d = opendir(w->path.data);
    if (!d) {
        walk_problem(w, w->path.data, "cannot read directory (%s), skipped", strerror(errno));
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* hidden entries, and . and .. */
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **nn = wrealloc(names, ncap * sizeof *names);
            if (!nn) {
                rc = WARTA_ENOMEM;
                goto out_free_names;
            }
            names = nn;
            cap = ncap;
        }
        if (!(names[n] = wstrndup(e->d_name, strlen(e->d_name)))) {
            rc = WARTA_ENOMEM;
            goto out_free_names;
        }
        n++;
        errno = 0;
    }
    if (errno) {
        walk_problem(w, w->path.data, "cannot read directory (%s), skipped", strerror(errno));
        goto out_free_names;
    }
    closedir(d);
    d = NULL;
    if (n > 1)
        qsort(names, n, sizeof *names, name_cmp);
    w->stack[w->depth].dev = st->st_dev;
    w->stack[w->depth].ino = st->st_ino;
    w->depth++;
    size_t base = w->path.len;
    for (size_t i = 0; i < n && rc == 0; i++) {
        w->path.len = base;
        if (base == 0 || w->path.data[base - 1] != '/')
            wbuf_putc(&w->path, '/');
        wbuf_puts(&w->path, names[i]);
        if (w->path.oom) {
            rc = WARTA_ENOMEM;
            break;
        }
        rc = walk_entry(w, rel_off, names[i], false);
    }
    w->depth--;
    w->path.len = base;
    w->path.data[base] = '\0';
out_free_names:
    if (d)
        closedir(d);
    for (size_t i = 0; i < n; i++)
        wfree(names[i]);
    wfree(names);
    return rc;
}

/* Visits w->path: a directory is walked, a file with a reader read.  top is
 * true for a PATH argument, where a file without a reader is reported
 * (inside directories such files are only counted as ignored). */
static int walk_entry(walker *w, size_t rel_off, const char *name, bool top)
{
    struct stat st;
    const char *path = w->path.data;
    if (stat(path, &st) != 0) {
        int err = errno;
        struct stat lst;
        if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) && (err == ENOENT || err == ELOOP))
            walk_problem(w, path, err == ELOOP ? "symbolic link loop, skipped"
                                               : "broken symbolic link (its target does not exist), skipped");
        else
            walk_problem(w, path, "cannot open (%s), skipped", strerror(err));
        return 0;
    }
    if (S_ISDIR(st.st_mode))
        return walk_dir(w, top ? w->path.len + (w->path.len && path[w->path.len - 1] == '/' ? 0 : 1) : rel_off,
                        &st);
    bool gz;
    int format = corpus_format_of(name, &gz);
    if (format == CORPUS_NONE) {
        if (top)
            walk_problem(w, path, "no reader for this file (expected .txt, .md, .markdown, .jsonl, .ndjson or "
                         ".json, optionally .gz), skipped");
        else
            w->stats->ignored++;
        return 0;
    }
    if (!S_ISREG(st.st_mode)) {
        walk_problem(w, path, "not a regular file, skipped");
        return 0;
    }
    return walk_file(w, path, top ? name : path + rel_off, format, gz);
}

WARTA_API int warta_walk(const char *const *paths, size_t npaths, const warta_walk_callbacks *cb,
                         warta_walk_stats *stats)
{
    warta_walk_stats local = {0};
    walker *w = wcalloc(1, sizeof *w);
    if (!w)
        return WARTA_ENOMEM;
    w->cb = cb;
    w->stats = stats ? stats : &local;
    int rc = 0;
    for (size_t i = 0; i < npaths && rc == 0; i++) {
        wbuf_reset(&w->path);
        wbuf_puts(&w->path, paths[i]);
        if (w->path.oom) {
            rc = WARTA_ENOMEM;
            break;
        }
        if (paths[i][0] == '\0') {
            walk_problem(w, "", "empty path, skipped");
            continue;
        }
        /* A file argument's id is its name: the path relative to itself. */
        const char *slash = strrchr(paths[i], '/');
        const char *name = slash ? slash + 1 : paths[i];
        rc = walk_entry(w, 0, name, true);
    }
    wbuf_free(&w->path);
    wbuf_free(&w->data);
    wfree(w);
    return rc;
}
