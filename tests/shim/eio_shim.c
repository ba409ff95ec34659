/* eio_shim.c - an LD_PRELOAD library that makes chosen file-system calls
 * fail with EIO, for tests/cli/test_io_failure.sh: a disk that fails at
 * the worst moment, on demand.
 *
 * MS_EIO_FAIL names the calls to fail: "fsync" (fsync and fdatasync on
 * regular files: a directory's fsync is best effort in atomic.c and left
 * alone) and/or "rename" (rename and renameat). MS_EIO_AFTER=N lets the
 * first N such calls through, so a failure can land between two renames
 * of one commit. Unset, the shim passes every call through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fsync(int fd);
int fdatasync(int fd);
int rename(const char *from, const char *to);
int renameat(int olddirfd, const char *from, int newdirfd, const char *to);

static int wants(const char *call)
{
    const char *fail = getenv("MS_EIO_FAIL");
    if (!fail || !strstr(fail, call))
        return 0;
    static long seen; /* calls that could have failed so far */
    const char *after = getenv("MS_EIO_AFTER");
    return ++seen > (after ? atol(after) : 0);
}

static int regular(int fd)
{
    struct stat sb;
    return fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
}

int fsync(int fd)
{
    if (regular(fd) && wants("fsync")) {
        errno = EIO;
        return -1;
    }
    int (*real)(int);
    *(void **)&real = dlsym(RTLD_NEXT, "fsync"); /* POSIX's idiom for dlsym */
    return real(fd);
}

int fdatasync(int fd)
{
    if (regular(fd) && wants("fsync")) {
        errno = EIO;
        return -1;
    }
    int (*real)(int);
    *(void **)&real = dlsym(RTLD_NEXT, "fdatasync");
    return real(fd);
}

int rename(const char *from, const char *to)
{
    if (wants("rename")) {
        errno = EIO;
        return -1;
    }
    int (*real)(const char *, const char *);
    *(void **)&real = dlsym(RTLD_NEXT, "rename");
    return real(from, to);
}

int renameat(int olddirfd, const char *from, int newdirfd, const char *to)
{
    if (wants("rename")) {
        errno = EIO;
        return -1;
    }
    int (*real)(int, const char *, int, const char *);
    *(void **)&real = dlsym(RTLD_NEXT, "renameat");
    return real(olddirfd, from, newdirfd, to);
}
