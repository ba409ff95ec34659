/* atomic.c - output sets committed all at once (see atomic.h).
 *
 * A set holds, per file, the open stream of its temporary and both paths.
 * Invariant until commit: no final name in dir has been touched; every
 * byte written lives in a temporary that abort unlinks. Directories that
 * create made are remembered (deepest last) so abort can rmdir them,
 * which only succeeds when they are empty: a failed run leaves no trace.
 */
#include "marketsim/atomic.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_internal.h"

typedef struct {
    FILE *fp;    /* NULL once closed */
    char *tmp;   /* temporary path; NULL once renamed or unlinked */
    char *final; /* final path */
} entry;

struct ms_atomic_set {
    char *dir;
    mode_t mode; /* 0666 & ~umask: mkstemp makes 0600 files */
    entry *files;
    size_t n_files, cap_files;
    char **removals;
    size_t n_removals;
    char *record; /* final path of the commit record, or NULL */
    ms_made_dirs made;
};

/* dir/prefix name suffix, malloc'ed; NULL when out of memory. */
static char *path_of(const char *dir, const char *prefix, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(prefix) + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s%s%s", dir, prefix, name, suffix);
    return p;
}

static ms_status io_error(ms_error *err, const char *path, const char *what)
{
    return ms_error_set(err, MS_EIO, path, 0, "", "%s: %s", what, strerror(errno));
}

/* mkdir -p (remembering what it made), then dir must be a directory. */
static ms_status make_dirs(ms_atomic_set *s, ms_error *err)
{
    ms_status st = ms_made_dirs_make(&s->made, s->dir, err);
    struct stat sb;
    if (st == MS_OK && (stat(s->dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        st = ms_error_set(err, MS_EIO, s->dir, 0, "", "not a directory");
    return st;
}

static void free_set(ms_atomic_set *s)
{
    for (size_t i = 0; i < s->n_files; i++) {
        free(s->files[i].tmp);
        free(s->files[i].final);
    }
    for (size_t i = 0; i < s->n_removals; i++)
        free(s->removals[i]);
    ms_made_dirs_fini(&s->made);
    free(s->files);
    free(s->removals);
    free(s->record);
    free(s->dir);
    free(s);
}

ms_status ms_atomic_set_create(const char *dir, ms_atomic_set **out, ms_error *err)
{
    *out = NULL;
    ms_atomic_set *s = calloc(1, sizeof *s);
    if (!s || !(s->dir = strdup(dir && *dir ? dir : "."))) {
        free(s);
        return ms_error_set(err, MS_ENOMEM, dir, 0, "", "out of memory");
    }
    /* umask can only be read by setting it; this runs before any worker
     * thread exists, so restoring it at once is safe. */
    mode_t mask = umask(022);
    umask(mask);
    s->mode = 0666 & ~mask;
    ms_status st = make_dirs(s, err);
    if (st != MS_OK) {
        ms_atomic_set_abort(s);
        return st;
    }
    *out = s;
    return MS_OK;
}

static int grow_files(ms_atomic_set *s)
{
    if (s->n_files < s->cap_files)
        return 0;
    size_t cap = s->cap_files ? 2 * s->cap_files : 8;
    entry *p = realloc(s->files, cap * sizeof *p);
    if (!p)
        return -1;
    s->files = p;
    s->cap_files = cap;
    return 0;
}

FILE *ms_atomic_set_open(ms_atomic_set *s, const char *name, ms_error *err)
{
    if (grow_files(s) != 0) {
        ms_error_set(err, MS_ENOMEM, name, 0, "", "out of memory");
        return NULL;
    }
    entry e = {NULL, path_of(s->dir, ".", name, ".tmp-XXXXXX"), path_of(s->dir, "", name, "")};
    if (!e.tmp || !e.final) {
        free(e.tmp);
        free(e.final);
        ms_error_set(err, MS_ENOMEM, name, 0, "", "out of memory");
        return NULL;
    }
    int fd = mkstemp(e.tmp);
    if (fd < 0 || fchmod(fd, s->mode) != 0 || !(e.fp = fdopen(fd, "w"))) {
        io_error(err, e.final, "cannot create temporary file");
        if (fd >= 0) {
            close(fd);
            unlink(e.tmp);
        }
        free(e.tmp);
        free(e.final);
        return NULL;
    }
    s->files[s->n_files++] = e;
    return e.fp;
}

ms_status ms_atomic_set_put(ms_atomic_set *s, const char *name, const void *data, size_t len,
                            ms_error *err)
{
    FILE *fp = ms_atomic_set_open(s, name, err);
    if (!fp)
        return MS_EIO;
    if (len == 0 || fwrite(data, 1, len, fp) == len)
        return MS_OK;
    return io_error(err, s->files[s->n_files - 1].final, "cannot write");
}

ms_status ms_atomic_set_remove(ms_atomic_set *s, const char *name, ms_error *err)
{
    char **p = realloc(s->removals, (s->n_removals + 1) * sizeof *p);
    if (!p)
        return ms_error_set(err, MS_ENOMEM, name, 0, "", "out of memory");
    s->removals = p;
    if (!(p[s->n_removals] = path_of(s->dir, "", name, "")))
        return ms_error_set(err, MS_ENOMEM, name, 0, "", "out of memory");
    s->n_removals++;
    return MS_OK;
}

ms_status ms_atomic_set_record(ms_atomic_set *s, const char *name, ms_error *err)
{
    free(s->record);
    if (!(s->record = path_of(s->dir, "", name, "")))
        return ms_error_set(err, MS_ENOMEM, name, 0, "", "out of memory");
    return MS_OK;
}

/* Flushes, fsyncs and closes one temporary; the stream is gone afterwards
 * whatever happens. */
static ms_status close_durable(entry *e, ms_error *err)
{
    FILE *fp = e->fp;
    e->fp = NULL;
    int failed = ferror(fp) || fflush(fp) != 0 || fsync(fileno(fp)) != 0;
    int saved = errno;
    if (fclose(fp) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (!failed)
        return MS_OK;
    errno = saved ? saved : EIO;
    return io_error(err, e->final, "cannot write");
}

static void sync_dir(const char *dir)
{
    /* Durability of the renames; failure here cannot undo them, and some
     * file systems refuse fsync on directories, so it is best effort. */
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Unlinks the files a set replaces with nothing (e.g. an earlier run's
 * decisions.csv); a file already gone is fine. */
static ms_status remove_stale(ms_atomic_set *s, ms_error *err)
{
    for (size_t i = 0; i < s->n_removals; i++)
        if (unlink(s->removals[i]) != 0 && errno != ENOENT)
            return io_error(err, s->removals[i], "cannot remove stale file");
    return MS_OK;
}

ms_status ms_atomic_set_commit(ms_atomic_set *s, ms_error *err)
{
    for (size_t i = 0; i < s->n_files; i++) {
        ms_status st = close_durable(&s->files[i], err);
        if (st != MS_OK) {
            ms_atomic_set_abort(s);
            return st;
        }
    }
    ms_status st = MS_OK;
    /* The old record goes first: from here until the new one is renamed
     * (last), the directory says it holds no complete set. It is moved
     * aside rather than deleted, so that a failure before any new file
     * replaced an old one can put it back (the old set is then unchanged);
     * the aside name is a temporary's, which the next run removes. */
    char *aside =
        s->record ? path_of(s->dir, ".", strrchr(s->record, '/') + 1, ".tmp-oldrec") : NULL;
    int moved = 0;
    struct stat old;
    if (s->record && !aside)
        st = ms_error_set(err, MS_ENOMEM, s->record, 0, "", "out of memory");
    else if (!aside || lstat(s->record, &old) != 0)
        ; /* no old record: nothing to move */
    else if (rename(s->record, aside) == 0)
        moved = 1;
    else
        st = io_error(err, s->record, "cannot move the old record aside");
    if (moved)
        sync_dir(s->dir);
    size_t renamed = 0;
    int removed = 0;
    for (size_t i = 0; i < s->n_files && st == MS_OK; i++, renamed++) {
        /* Stale files go before the new record appears: a kill between
         * the two must not leave a new record beside an old file. */
        if (!removed && s->record && strcmp(s->files[i].final, s->record) == 0) {
            removed = 1;
            if ((st = remove_stale(s, err)) != MS_OK)
                break;
        }
        if (rename(s->files[i].tmp, s->files[i].final) != 0) {
            st = io_error(err, s->files[i].final, "cannot rename into place");
            break;
        }
        free(s->files[i].tmp);
        s->files[i].tmp = NULL;
    }
    if (moved && st != MS_OK && renamed == 0 && rename(aside, s->record) == 0)
        moved = 0; /* nothing was replaced: the old set stands as it was */
    if (moved)
        unlink(aside);
    free(aside);
    if (!removed && st == MS_OK)
        st = remove_stale(s, err);
    if (st == MS_OK) {
        sync_dir(s->dir);
        free_set(s); /* keeps the directories: they now hold results */
        return MS_OK;
    }
    ms_atomic_set_abort(s);
    return st;
}

void ms_atomic_set_abort(ms_atomic_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_files; i++) {
        if (s->files[i].fp)
            fclose(s->files[i].fp);
        s->files[i].fp = NULL;
        if (s->files[i].tmp)
            unlink(s->files[i].tmp);
    }
    ms_made_dirs_remove(&s->made);
    free_set(s);
}

void ms_atomic_remove_temps(const char *dir, const char *const *names, int n)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        /* .NAME.tmp-XXXXXX, as ms_atomic_set_open makes them */
        const char *t = strstr(e->d_name, ".tmp-");
        if (e->d_name[0] != '.' || !t || strlen(t) != 11)
            continue;
        for (int i = 0; i < n; i++) {
            size_t len = strlen(names[i]);
            if ((size_t)(t - e->d_name) == len + 1 && strncmp(e->d_name + 1, names[i], len) == 0) {
                char *path = path_of(dir, "", e->d_name, "");
                if (path)
                    unlink(path);
                free(path);
                break;
            }
        }
    }
    closedir(d);
}

ms_status ms_atomic_write_file(const char *dir, const char *name, const void *data, size_t len,
                               ms_error *err)
{
    ms_atomic_set *s;
    ms_status st = ms_atomic_set_create(dir, &s, err);
    if (st != MS_OK)
        return st;
    FILE *fp = ms_atomic_set_open(s, name, err);
    if (!fp) {
        ms_atomic_set_abort(s);
        return MS_EIO;
    }
    if (len && fwrite(data, 1, len, fp) != len) {
        io_error(err, name, "cannot write");
        ms_atomic_set_abort(s);
        return MS_EIO;
    }
    return ms_atomic_set_commit(s, err);
}
