/* sweep_internal.h - the pieces of sweep.c shared with merge and the
 * journal (private to sim/experiment). */
#ifndef MARKETSIM_SWEEP_INTERNAL_H
#define MARKETSIM_SWEEP_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "marketsim/csv.h"
#include "marketsim/stats.h"

/* Turns task rows, fed in id order, into sweep.csv and (unless summary is
 * NULL) sweep_summary.csv, flushing a point's summary rows when the next
 * point starts and at the end. */
typedef struct {
    FILE *rows, *summary;
    ms_stats_table *tab;
    uint64_t point;
    int have_point;
    char *keys_text; /* the point's raw "<v1>,...,<vk>" fields */
    const char *target_metric, *target_subject;
    double worst_halfwidth; /* of the target over finished points */
    ms_buf scratch;
    uint64_t lines;     /* lines written to rows (the header included) */
    uint64_t rows_hash; /* FNV-1a of every byte written to rows */
} ms_sweep_asm;

ms_status ms_sweep_asm_init(ms_sweep_asm *a, FILE *rows, FILE *summary, const char *key_header);
/* Adds one task's rows (complete lines). MS_EIO on a write error,
 * MS_EINVAL on a malformed row. */
ms_status ms_sweep_asm_add(ms_sweep_asm *a, const char *text, size_t len);
/* Writes text to rows as is (the header), counting it into lines and
 * rows_hash as ms_sweep_asm_add does. MS_EIO on a write error. */
ms_status ms_sweep_asm_write(ms_sweep_asm *a, const char *text, size_t len);
/* Flushes the last point's summary. */
ms_status ms_sweep_asm_finish(ms_sweep_asm *a);
void ms_sweep_asm_fini(ms_sweep_asm *a);

/* The header of sweep.csv / part files for these keys. */
void ms_sweep_rows_header(ms_buf *b, const char *const *keys, int n_keys);

/* Journal of finished tasks: "task ID LEN HASH\n" + LEN bytes, after a
 * first line naming the sweep's identity. */
typedef struct {
    FILE *f;
    char *path;
} ms_sweep_journal;

/* Opens (resume: reads and replays valid records through replay(), then
 * truncates any torn tail) or creates the journal. *last_id is the last
 * replayed id (UINT64_MAX when none). MS_EUSAGE when a journal exists and
 * resume is 0, or when its identity differs. */
ms_status
ms_sweep_journal_open(ms_sweep_journal *j, const char *path, const char *identity, int resume,
                      ms_status (*replay)(void *ctx, uint64_t id, const char *text, size_t len),
                      void *ctx, uint64_t *last_id, uint64_t *replayed, ms_error *err);
/* Appends one record and flushes it to the kernel (it survives SIGKILL). */
ms_status ms_sweep_journal_add(ms_sweep_journal *j, uint64_t id, const char *text, size_t len);
/* Closes; with remove, deletes the file. */
void ms_sweep_journal_close(ms_sweep_journal *j, int remove);

/* A part file's proof of completeness: the lines a shard appends to its
 * manifest.part-K-of-N.csv after the shard line, once its part file is
 * written. `merge` refuses a part whose rows or checksum differ. */
#define MS_SWEEP_PART_ROWS "part_rows"
#define MS_SWEEP_PART_HASH "part_fnv1a64"

#endif
