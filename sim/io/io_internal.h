/* io_internal.h - what the files of sim/io share (private to sim/io). */
#ifndef MARKETSIM_IO_INTERNAL_H
#define MARKETSIM_IO_INTERNAL_H

#include "marketsim/error.h"

#define MS_IO_MAX_MADE 32

/* Directories a command created, outermost first, so that a failure can
 * remove them again (only those left empty). Zero it before use. */
typedef struct {
    char *path[MS_IO_MAX_MADE];
    int n;
} ms_made_dirs;

/* mkdir -p dir: walks its prefixes, so a missing parent (the default out/)
 * is made too, and appends each directory it creates to made (beyond
 * MS_IO_MAX_MADE they are not remembered). MS_OK; MS_ENOMEM; MS_EIO with
 * err naming the directory and the reason. */
ms_status ms_made_dirs_make(ms_made_dirs *made, const char *dir, ms_error *err);
/* rmdir's made's directories, innermost first: only empty ones go. */
void ms_made_dirs_remove(const ms_made_dirs *made);
/* Frees the remembered paths (the directories stay). */
void ms_made_dirs_fini(ms_made_dirs *made);

#endif
