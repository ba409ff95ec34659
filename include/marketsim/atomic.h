/* atomic.h - output sets: files that appear together, complete, or not at
 * all.
 *
 * Each file of a set is written to a hidden temporary in the target
 * directory (mkstemp, so the final rename never crosses file systems).
 * ms_atomic_set_commit first makes every file durable (fflush, fsync,
 * checked fclose: ENOSPC and EFBIG often surface only there); if any of
 * that fails, every temporary is unlinked and no final name changes. Only
 * then are the files renamed into place and the directory fsync'ed. A
 * failed or interrupted run therefore leaves DIR as it was (minus the
 * directories the set itself created, which are removed when left empty).
 * A process killed with SIGKILL can leave `.NAME.tmp-XXXXXX` files; they
 * never carry a final name.
 *
 * Rename is atomic per file (POSIX); a crash between two renames of one
 * commit can leave a mix of old and new files. A set's commit record
 * (ms_atomic_set_record, e.g. manifest.csv) tells them apart: the old one
 * is removed before the first rename and the new one, opened last, is
 * renamed last, so a directory holding the record holds a complete set.
 * A set is used by one thread.
 */
#ifndef MARKETSIM_ATOMIC_H
#define MARKETSIM_ATOMIC_H

#include <stddef.h>
#include <stdio.h>

#include "marketsim/error.h"

typedef struct ms_atomic_set ms_atomic_set;

/* Starts a set writing into `dir`, creating it and any missing parents
 * (mode 0777 & ~umask). Returns MS_OK with *out set, or MS_EIO / MS_ENOMEM
 * with err filled (key = the path) and nothing left created. */
ms_status ms_atomic_set_create(const char *dir, ms_atomic_set **out, ms_error *err);

/* Opens the temporary for final file `name` (a plain name inside dir, not
 * a path) and returns its stream, owned by the set: do not fclose it.
 * Files are renamed in the order they were opened. Returns NULL with err
 * filled on failure (the set stays usable, but should be aborted). */
FILE *ms_atomic_set_open(ms_atomic_set *set, const char *name, ms_error *err);

/* Opens `name` in the set and writes len bytes of data to it: MS_OK, or
 * MS_EIO with err naming the file's path and the reason (ENOSPC, EFBIG
 * under a file-size limit, ...). */
ms_status ms_atomic_set_put(ms_atomic_set *set, const char *name, const void *data, size_t len,
                            ms_error *err);

/* Asks commit to delete `name` from dir if present: a file an earlier run
 * wrote that this run does not (e.g. decisions.csv without --trace).
 * Returns MS_OK or MS_ENOMEM. */
ms_status ms_atomic_set_remove(ms_atomic_set *set, const char *name, ms_error *err);

/* Names `name` (opened last) the set's commit record: commit removes the
 * old dir/name before its first rename. Returns MS_OK or MS_ENOMEM. */
ms_status ms_atomic_set_record(ms_atomic_set *set, const char *name, ms_error *err);

/* Makes every file durable, then renames them all into place, deletes the
 * names given to ms_atomic_set_remove and fsyncs the directory. Frees the
 * set in every case. Returns MS_OK, or MS_EIO with err filled (errno text
 * in the message); on a failure before the first rename nothing in dir
 * has changed. */
ms_status ms_atomic_set_commit(ms_atomic_set *set, ms_error *err);

/* Closes and unlinks every temporary, removes the directories create made
 * if they are empty, and frees the set. NULL is a no-op. */
void ms_atomic_set_abort(ms_atomic_set *set);

/* Removes the temporaries (.NAME.tmp-XXXXXX) of the n given file names
 * that a killed process left in dir: they never carry a final name. Only
 * for names no other process may be writing (the caller holds dir's lock). */
void ms_atomic_remove_temps(const char *dir, const char *const *names, int n);

/* Writes `len` bytes to dir/name atomically (a set of one file): the
 * building block for part files and per-task results. */
ms_status ms_atomic_write_file(const char *dir, const char *name, const void *data, size_t len,
                               ms_error *err);

#endif
