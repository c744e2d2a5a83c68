/*
 * faultshim.c: an LD_PRELOAD library for the reliability tests.  It sits
 * between `warta` and the C library's file calls and, driven by environment
 * variables, counts them, kills the process at the Nth one, or makes writes
 * fail as on a full disk.  The crash test (crash.sh) uses it to stop a
 * writer at every file operation of a commit; the full-disk test (enospc.sh)
 * to fail a commit without needing a small filesystem.
 *
 * Events, by class letter (only calls on descriptors above 2, so messages on
 * stdout/stderr are never counted):
 *   w  write(), pwrite(), fwrite()      s  fsync(), fdatasync()
 *   r  rename(), renameat()             u  unlink(), unlinkat()
 *   c  ftruncate()
 * Environment:
 *   WARTA_FAULT_COUNTS=FILE   at exit, write "w=N s=N r=N u=N c=N" to FILE
 *   WARTA_FAULT_KILL=C:N      raise SIGKILL just before the Nth (1-based)
 *                             event of class C (e.g. "s:3": before the third
 *                             fsync), so the call never happens
 *   WARTA_FAULT_ENOSPC=BYTES  after BYTES bytes written, writes fail with
 *                             ENOSPC (short count), and so does fsync
 *   WARTA_FAULT_NOSYNC=1      fsync and fdatasync return 0 without syncing
 *                             (a SIGKILL loses nothing the kernel holds, so
 *                             kill tests need no real syncs: much faster)
 */
/* the plain names and their 64-bit twins are defined separately below */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* the project builds with -fvisibility=hidden; these must be seen */
#define SHIM_API __attribute__((visibility("default")))

#define NCLASS 5
static const char class_names[NCLASS] = {'w', 's', 'r', 'u', 'c'};

static atomic_long counts[NCLASS];  /* events seen per class */
static int kill_class = -1;         /* class of WARTA_FAULT_KILL, -1 when unset */
static long kill_at;                /* its 1-based event number */
static long long enospc_budget = -1; /* bytes left before ENOSPC; -1: unlimited */
static atomic_llong written;        /* bytes written so far */
static const char *counts_path;     /* WARTA_FAULT_COUNTS */
static int nosync;                  /* WARTA_FAULT_NOSYNC: skip real syncs */

static int class_index(char c)
{
    for (int i = 0; i < NCLASS; i++)
        if (class_names[i] == c)
            return i;
    return -1;
}

__attribute__((constructor)) static void shim_init(void)
{
    const char *k = getenv("WARTA_FAULT_KILL");
    if (k && k[0] && k[1] == ':') {
        kill_class = class_index(k[0]);
        kill_at = strtol(k + 2, NULL, 10);
    }
    const char *e = getenv("WARTA_FAULT_ENOSPC");
    if (e && *e)
        enospc_budget = strtoll(e, NULL, 10);
    counts_path = getenv("WARTA_FAULT_COUNTS");
    const char *ns = getenv("WARTA_FAULT_NOSYNC");
    nosync = ns && *ns == '1';
}

__attribute__((destructor)) static void shim_fini(void)
{
    if (!counts_path)
        return;
    FILE *f = fopen(counts_path, "w");
    if (!f)
        return;
    for (int i = 0; i < NCLASS; i++)
        fprintf(f, "%s%c=%ld", i ? " " : "", class_names[i], atomic_load(&counts[i]));
    fputc('\n', f);
    fclose(f);
}

/* Counts one event; dies here when it is the chosen one. */
static void event(int cls)
{
    long n = atomic_fetch_add(&counts[cls], 1) + 1;
    if (cls == kill_class && n == kill_at)
        kill(getpid(), SIGKILL);
}

/* How many of len bytes may still be written (all when no budget). */
static size_t allowance(size_t len)
{
    if (enospc_budget < 0)
        return len;
    long long before = atomic_fetch_add(&written, (long long)len);
    if (before >= enospc_budget)
        return 0;
    long long left = enospc_budget - before;
    return (long long)len < left ? len : (size_t)left;
}

/* Sets *fn (a function pointer) to the next definition of name: the C
 * library's (memcpy: ISO C has no cast from void * to a function pointer). */
static void next(void *fn, size_t size, const char *name)
{
    void *p = dlsym(RTLD_NEXT, name);
    memcpy(fn, &p, size);
}

SHIM_API ssize_t write(int fd, const void *buf, size_t len)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real)
        next(&real, sizeof real, "write");
    if (fd > 2) {
        event(0);
        size_t ok = allowance(len);
        if (ok == 0 && len > 0) {
            errno = ENOSPC;
            return -1;
        }
        len = ok;
    }
    return real(fd, buf, len);
}

SHIM_API ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real)
        next(&real, sizeof real, "pwrite");
    if (fd > 2) {
        event(0);
        size_t ok = allowance(len);
        if (ok == 0 && len > 0) {
            errno = ENOSPC;
            return -1;
        }
        len = ok;
    }
    return real(fd, buf, len, off);
}

SHIM_API ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
    return pwrite(fd, buf, len, off);
}

SHIM_API size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
    static size_t (*real)(const void *, size_t, size_t, FILE *);
    if (!real)
        next(&real, sizeof real, "fwrite");
    if (fileno(f) > 2 && size > 0) {
        event(0);
        size_t ok = allowance(size * n) / size;
        if (ok < n) {
            size_t done = ok ? real(p, size, ok, f) : 0;
            errno = ENOSPC;
            return done;
        }
    }
    return real(p, size, n, f);
}

SHIM_API int fsync(int fd)
{
    static int (*real)(int);
    if (!real)
        next(&real, sizeof real, "fsync");
    event(1);
    if (enospc_budget >= 0 && atomic_load(&written) > enospc_budget) {
        errno = ENOSPC;
        return -1;
    }
    return nosync ? 0 : real(fd);
}

SHIM_API int fdatasync(int fd)
{
    static int (*real)(int);
    if (!real)
        next(&real, sizeof real, "fdatasync");
    event(1);
    if (enospc_budget >= 0 && atomic_load(&written) > enospc_budget) {
        errno = ENOSPC;
        return -1;
    }
    return nosync ? 0 : real(fd);
}

SHIM_API int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (!real)
        next(&real, sizeof real, "rename");
    event(2);
    return real(from, to);
}

SHIM_API int renameat(int dfd, const char *from, int tfd, const char *to)
{
    static int (*real)(int, const char *, int, const char *);
    if (!real)
        next(&real, sizeof real, "renameat");
    event(2);
    return real(dfd, from, tfd, to);
}

SHIM_API int unlink(const char *path)
{
    static int (*real)(const char *);
    if (!real)
        next(&real, sizeof real, "unlink");
    event(3);
    return real(path);
}

SHIM_API int unlinkat(int dfd, const char *path, int flags)
{
    static int (*real)(int, const char *, int);
    if (!real)
        next(&real, sizeof real, "unlinkat");
    event(3);
    return real(dfd, path, flags);
}

SHIM_API int ftruncate(int fd, off_t len)
{
    static int (*real)(int, off_t);
    if (!real)
        next(&real, sizeof real, "ftruncate");
    event(4);
    return real(fd, len);
}

SHIM_API int ftruncate64(int fd, off_t len)
{
    return ftruncate(fd, len);
}
