/* dirlock.c - advisory output-directory locks (see dirlock.h).
 *
 * Invariant while held: each fd in the lock is flock'ed and refers to the
 * inode currently linked at its path. Holders unlink a lock file only
 * while holding it exclusively, and a taker that finds its inode unlinked
 * after locking starts over, so at most one process ever owns a name.
 */
#define _DEFAULT_SOURCE /* flock */
#include "marketsim/dirlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_internal.h"

#define MAX_RETRIES 100

typedef struct {
    int fd; /* -1 when not held */
    char *path;
} lock_file;

struct ms_dir_lock {
    lock_file dir_lock, part_lock;
    ms_made_dirs made; /* directories take created */
};

/* Opens and flocks path. Returns 0, 1 when someone else holds it, or -1
 * (errno set). */
static int lock_one(lock_file *lf, int op)
{
    for (int tries = 0; tries < MAX_RETRIES; tries++) {
        int fd = open(lf->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0)
            return -1;
        if (flock(fd, op | LOCK_NB) != 0) {
            int e = errno;
            close(fd);
            errno = e;
            return e == EWOULDBLOCK ? 1 : -1;
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(lf->path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            lf->fd = fd;
            return 0;
        }
        close(fd); /* its holder unlinked it as we locked it: start over */
    }
    errno = EAGAIN;
    return -1;
}

/* Unlinks the file if no one else holds it, then releases it. */
static void unlock_one(lock_file *lf)
{
    if (lf->fd >= 0) {
        if (flock(lf->fd, LOCK_EX | LOCK_NB) == 0)
            unlink(lf->path);
        close(lf->fd);
    }
    free(lf->path);
    lf->fd = -1;
    lf->path = NULL;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static ms_status take(lock_file *lf, const char *dir, const char *name, int op, const char *busy,
                      ms_error *err)
{
    if (!(lf->path = join(dir, name)))
        return ms_error_set(err, MS_ENOMEM, dir, 0, "", "out of memory");
    int rc = lock_one(lf, op);
    if (rc == 1)
        return ms_error_set(err, MS_EUSAGE, dir, 0, "", "%s", busy);
    if (rc < 0)
        return ms_error_set(err, MS_EIO, lf->path, 0, "", "cannot lock: %s", strerror(errno));
    return MS_OK;
}

ms_status ms_dir_lock_take(const char *dir, const char *part, ms_dir_lock **out, ms_error *err)
{
    *out = NULL;
    ms_dir_lock *l = calloc(1, sizeof *l);
    if (!l)
        return ms_error_set(err, MS_ENOMEM, dir, 0, "", "out of memory");
    l->dir_lock.fd = l->part_lock.fd = -1;
    ms_status st = ms_made_dirs_make(&l->made, dir, err);
    if (st == MS_OK)
        st = take(&l->dir_lock, dir, ".marketsim.lock", part ? LOCK_SH : LOCK_EX,
                  part ? "another marketsim command (not a shard of a sweep) is writing into "
                         "this directory: wait for it to finish"
                       : "another marketsim command is writing into this directory: wait for "
                         "it to finish (shards of a sweep may share one; nothing else can)",
                  err);
    if (st == MS_OK && part) {
        char name[128];
        snprintf(name, sizeof name, ".marketsim.%s.lock", part);
        st = take(&l->part_lock, dir, name, LOCK_EX,
                  "this shard is already running into this directory", err);
    }
    if (st != MS_OK) {
        ms_dir_lock_release(l);
        return st;
    }
    *out = l;
    return MS_OK;
}

void ms_dir_lock_release(ms_dir_lock *l)
{
    if (!l)
        return;
    unlock_one(&l->part_lock);
    unlock_one(&l->dir_lock);
    ms_made_dirs_remove(&l->made);
    ms_made_dirs_fini(&l->made);
    free(l);
}
