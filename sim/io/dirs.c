/* dirs.c - mkdir -p that remembers what it made (see io_internal.h), for
 * output sets and directory locks: a failed command leaves no directory
 * it created behind. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_internal.h"

ms_status ms_made_dirs_make(ms_made_dirs *made, const char *dir, ms_error *err)
{
    char *p = strdup(dir);
    if (!p)
        return ms_error_set(err, MS_ENOMEM, dir, 0, "", "out of memory");
    ms_status st = MS_OK;
    size_t n = strlen(p);
    for (size_t i = 1; i <= n && st == MS_OK; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char saved = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) == 0) {
            if (made->n < MS_IO_MAX_MADE && (made->path[made->n] = strdup(p)) != NULL)
                made->n++;
        } else if (errno != EEXIST) {
            st =
                ms_error_set(err, MS_EIO, p, 0, "", "cannot create directory: %s", strerror(errno));
        }
        p[i] = saved;
    }
    free(p);
    return st;
}

void ms_made_dirs_remove(const ms_made_dirs *made)
{
    for (int i = made->n - 1; i >= 0; i--)
        rmdir(made->path[i]); /* fails, as it should, unless left empty */
}

void ms_made_dirs_fini(ms_made_dirs *made)
{
    for (int i = 0; i < made->n; i++)
        free(made->path[i]);
    made->n = 0;
}
