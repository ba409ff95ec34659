/* dirlock.h - advisory locks on an output directory, so two commands
 * writing into one DIR at once refuse instead of destroying each other's
 * files.
 *
 * The lock is flock(2) on DIR/.marketsim.lock: exclusive for a command
 * that owns the directory (run, an unsharded sweep, merge, --resume), and
 * shared for a sweep shard, which also takes DIR/.marketsim.part-K-of-N.lock
 * exclusively. So shards of one sweep run side by side, the same shard
 * twice refuses, and merge refuses while any shard still runs. flock locks
 * die with the process (a SIGKILL leaves no stale lock), and are advisory:
 * only marketsim honours them. Lock files are unlinked by the last holder;
 * a holder re-checks after locking that the file it locked is still the
 * one at the path, so an unlink racing a new lock cannot give two owners.
 *
 * Taking a lock creates DIR (and missing parents) when needed; releasing
 * it removes those directories again when they are left empty, so a failed
 * command leaves no trace. Not for use across threads of one process.
 */
#ifndef MARKETSIM_DIRLOCK_H
#define MARKETSIM_DIRLOCK_H

#include "marketsim/error.h"

typedef struct ms_dir_lock ms_dir_lock;

/* Locks `dir` for this process: exclusively when part is NULL, or as the
 * shard named `part` (e.g. "part-1-of-3"): shared on the directory and
 * exclusive on that part. Never waits. Returns MS_OK with *out set;
 * MS_EBUSY when another process holds a conflicting lock (err says what to
 * do); MS_EIO or MS_ENOMEM with err naming the path and the reason. On
 * failure nothing is left created. */
ms_status ms_dir_lock_take(const char *dir, const char *part, ms_dir_lock **out, ms_error *err);

/* Releases the lock, unlinks lock files no one else holds, removes the
 * directories take created if they are empty, and frees l. NULL is a
 * no-op. */
void ms_dir_lock_release(ms_dir_lock *l);

#endif
