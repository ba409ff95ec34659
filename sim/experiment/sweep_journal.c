/* sweep_journal.c - the record of finished sweep tasks that makes --resume
 * work after any signal, SIGKILL included.
 *
 * Layout: a first line `marketsim-journal 1 IDENTITY-HASH`, then per task
 * `task ID LEN HASH\n` followed by LEN bytes of rows. Each record is
 * written with one flush, so once the process is gone the kernel holds
 * whole records plus at most one torn tail; a record whose length or hash
 * does not check is that tail, and resume cuts the file there. Records
 * are appended in task-id order (the collector's order), so the valid
 * records are always a prefix of the shard's tasks. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "marketsim/hash.h"
#include "sweep_internal.h"

typedef ms_status (*replay_fn)(void *ctx, uint64_t id, const char *text, size_t len);

/* Reads records until the first bad one; returns the offset where the
 * valid part ends, or -1 on a replay failure (*st set). */
static long read_records(FILE *f, replay_fn replay, void *ctx, uint64_t *last_id,
                         uint64_t *replayed, ms_status *st)
{
    long good = ftell(f);
    char *text = NULL;
    for (;;) {
        unsigned long long id, len, hash;
        if (fscanf(f, "task %llu %llu %llx", &id, &len, &hash) != 3 || fgetc(f) != '\n')
            break;
        if (len > ((size_t)1 << 30))
            break;
        char *t = realloc(text, (size_t)len + 1);
        if (!t)
            break;
        text = t;
        if (fread(text, 1, (size_t)len, f) != len || ms_hash_fnv1a(text, (size_t)len) != hash)
            break;
        if ((*st = replay(ctx, id, text, (size_t)len)) != MS_OK) {
            free(text);
            return -1;
        }
        *last_id = id;
        (*replayed)++;
        good = ftell(f);
    }
    free(text);
    return good;
}

static ms_status resume_existing(FILE *f, const char *path, const char *ident_line,
                                 replay_fn replay, void *ctx, uint64_t *last_id, uint64_t *replayed,
                                 ms_error *err)
{
    char line[128];
    if (!fgets(line, sizeof line, f) || strcmp(line, ident_line) != 0)
        return ms_error_set(err, MS_EUSAGE, path, 0, "--resume",
                            "this journal belongs to a different sweep (scenario, design, seed, "
                            "replications or shard differ); delete it to start over");
    ms_status st = MS_OK;
    long good = read_records(f, replay, ctx, last_id, replayed, &st);
    if (good < 0)
        return ms_error_set(err, st, path, 0, "--resume", "could not replay the journal");
    if (truncate(path, good) != 0)
        return ms_error_set(err, MS_EIO, path, 0, "", "cannot truncate: %s", strerror(errno));
    return MS_OK;
}

ms_status ms_sweep_journal_open(ms_sweep_journal *j, const char *path, const char *identity,
                                int resume, replay_fn replay, void *ctx, uint64_t *last_id,
                                uint64_t *replayed, ms_error *err)
{
    memset(j, 0, sizeof *j);
    *last_id = UINT64_MAX;
    *replayed = 0;
    char ident_line[64];
    snprintf(ident_line, sizeof ident_line, "marketsim-journal 1 %016" PRIx64 "\n",
             ms_hash_fnv1a(identity, strlen(identity)));
    FILE *old = fopen(path, "rb");
    struct stat sb;
    if (old && fstat(fileno(old), &sb) == 0 && sb.st_size == 0) {
        fclose(old); /* killed before its first line: it records nothing */
        old = NULL;
    }
    if (old && !resume) {
        fclose(old);
        return ms_error_set(err, MS_EUSAGE, path, 0, "--resume",
                            "an unfinished sweep is here: add --resume to continue it, or delete "
                            "this file to start over");
    }
    if (old) {
        ms_status st = resume_existing(old, path, ident_line, replay, ctx, last_id, replayed, err);
        fclose(old);
        if (st != MS_OK)
            return st;
    }
    j->f = fopen(path, old ? "ab" : "wb");
    if (!j->f || !(j->path = malloc(strlen(path) + 1))) {
        if (j->f)
            fclose(j->f);
        j->f = NULL;
        return ms_error_set(err, MS_EIO, path, 0, "", "cannot open the journal: %s",
                            strerror(errno));
    }
    strcpy(j->path, path);
    if (!old && (fputs(ident_line, j->f) < 0 || fflush(j->f) != 0))
        return ms_error_set(err, MS_EIO, path, 0, "", "cannot write the journal");
    return MS_OK;
}

ms_status ms_sweep_journal_add(ms_sweep_journal *j, uint64_t id, const char *text, size_t len)
{
    if (fprintf(j->f, "task %" PRIu64 " %zu %016" PRIx64 "\n", id, len, ms_hash_fnv1a(text, len)) <
            0 ||
        fwrite(text, 1, len, j->f) != len || fflush(j->f) != 0)
        return MS_EIO;
    return MS_OK;
}

void ms_sweep_journal_close(ms_sweep_journal *j, int remove)
{
    if (j->f)
        fclose(j->f);
    if (remove && j->path)
        unlink(j->path);
    free(j->path);
    memset(j, 0, sizeof *j);
}
