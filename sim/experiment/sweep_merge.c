/* sweep_merge.c - `marketsim merge DIR`: the part files of a sharded sweep
 * joined into exactly the files an unsharded sweep writes.
 *
 * Each part holds its shard's tasks in id order, so a k-way merge on task
 * id streams them in global order with one line of each part in memory.
 * Every id from 0 to tasks-1 must appear in exactly one part; manifests
 * must agree except for their shard line and the lines after it. Those
 * carry each part's proof of completeness (its data row count and FNV-1a
 * checksum, written by the shard after the part itself): every part is
 * checked against it before anything is merged, so a truncated, extended
 * or edited part is refused by name instead of merged. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/atomic.h"
#include "marketsim/dirlock.h"
#include "marketsim/hash.h"
#include "marketsim/manifest.h"
#include "marketsim/sweep.h"
#include "sweep_internal.h"

#define MAX_SHARDS 4096

typedef struct {
    FILE *f;
    char *line;
    size_t cap;
    uint64_t id;                   /* of the current line; UINT64_MAX at end */
    uint64_t want_rows, want_hash; /* from the part's manifest */
} part;

typedef struct {
    const char *dir;
    uint32_t n;
    part *parts;
    char *manifest; /* part 0's identity: up to its shard row */
    uint64_t tasks;
    uint32_t reps;
    const volatile sig_atomic_t *stop;
} merge_ctx;

/* Finds N from the manifest.part-K-of-N.csv names; all must agree. */
static ms_status find_shards(merge_ctx *m, ms_error *err)
{
    DIR *d = opendir(m->dir);
    if (!d)
        return ms_error_set(err, MS_EUSAGE, m->dir, 0, "", "cannot open the directory");
    struct dirent *e;
    unsigned k, n;
    while ((e = readdir(d)) != NULL) {
        if (sscanf(e->d_name, "manifest.part-%u-of-%u.csv", &k, &n) != 2)
            continue;
        if (m->n && n != m->n) {
            /* e points into d: format the error before closedir */
            ms_error_set(err, MS_EUSAGE, m->dir, 0, e->d_name,
                         "parts of different splits (%u and %u shards) are mixed here", m->n, n);
            closedir(d);
            return MS_EUSAGE;
        }
        m->n = n;
    }
    closedir(d);
    if (m->n == 0 || m->n > MAX_SHARDS)
        return ms_error_set(err, MS_EUSAGE, m->dir, 0, "",
                            "no part files (manifest.part-K-of-N.csv) to merge");
    return MS_OK;
}

/* A u64 manifest value in base 10 or 16; -1 if missing or malformed. */
static int value_u64(const ms_manifest *mf, const char *key, int base, uint64_t *out)
{
    const char *v = ms_manifest_get(mf, key);
    char *end;
    errno = 0;
    *out = v && *v ? strtoull(v, &end, base) : 0;
    return v && *v && !*end && !errno ? 0 : -1;
}

static ms_status check_manifest(merge_ctx *m, uint32_t k, ms_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/manifest.part-%" PRIu32 "-of-%" PRIu32 ".csv", m->dir, k, m->n);
    ms_manifest mf;
    ms_status st = ms_manifest_read(path, &mf, err);
    if (st == MS_EIO && errno == ENOENT)
        return ms_error_set(err, MS_EUSAGE, path, 0, "",
                            "missing: shard %" PRIu32 " of %" PRIu32 " has not finished", k, m->n);
    if (st != MS_OK)
        return st == MS_EINVAL ? MS_EUSAGE : st;
    part *p = &m->parts[k];
    if (value_u64(&mf, MS_SWEEP_PART_ROWS, 10, &p->want_rows) != 0 ||
        value_u64(&mf, MS_SWEEP_PART_HASH, 16, &p->want_hash) != 0) {
        ms_manifest_fini(&mf);
        return ms_error_set(
            err, MS_EUSAGE, path, 0, "",
            "no " MS_SWEEP_PART_ROWS " and " MS_SWEEP_PART_HASH
            " lines (not written by this version's shard, or edited): run shard %" PRIu32
            "/%" PRIu32 " again",
            k, m->n);
    }
    /* the sweep's identity: everything before the shard row */
    char *shard = strstr(mf.text, "\nshard,");
    if (shard)
        shard[1] = '\0';
    if (k == 0) {
        uint64_t reps = 0;
        st = value_u64(&mf, "tasks", 10, &m->tasks) == 0 &&
                     value_u64(&mf, "replications", 10, &reps) == 0
                 ? MS_OK
                 : ms_error_set(err, MS_EUSAGE, path, 0, "", "not a sweep manifest");
        if (st == MS_OK && (reps == 0 || reps > UINT32_MAX))
            st = ms_error_set(err, MS_EUSAGE, path, 0, "replications", "must be positive");
        m->reps = (uint32_t)reps;
        m->manifest = st == MS_OK ? strdup(mf.text) : NULL;
        if (st == MS_OK && !m->manifest)
            st = ms_error_set(err, MS_ENOMEM, path, 0, "", "out of memory");
        ms_manifest_fini(&mf);
        return st;
    }
    int same = strcmp(mf.text, m->manifest) == 0;
    ms_manifest_fini(&mf);
    return same ? MS_OK
                : ms_error_set(err, MS_EUSAGE, path, 0, "",
                               "this part's manifest differs from part 0's (another scenario, "
                               "design, seed or version)");
}

static int next_line(merge_ctx *m, part *p)
{
    if (getline(&p->line, &p->cap, p->f) < 0) {
        p->id = UINT64_MAX;
        return 0;
    }
    char *end;
    uint64_t point = strtoull(p->line, &end, 10);
    uint64_t rep = strtoull(end + 1, NULL, 10);
    p->id = ms_exp_task_id(point, 0, m->reps) + rep; /* a bad rep shows as a gap */
    return 1;
}

/* Reads a whole part file and compares it with its manifest's proof. */
static ms_status verify_part(const char *path, const part *want, ms_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ms_error_set(err, MS_EUSAGE, path, 0, "", "missing part file");
    uint64_t h = MS_HASH_FNV1A_INIT, lines = 0;
    char buf[65536];
    size_t n;
    int last = '\n';
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        h = ms_hash_fnv1a_add(h, buf, n);
        for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + n - p))); p++)
            lines++;
        last = (unsigned char)buf[n - 1];
    }
    int bad_read = ferror(f);
    fclose(f);
    if (bad_read)
        return ms_error_set(err, MS_EIO, path, 0, "", "cannot read the part file");
    uint64_t rows = lines ? lines - 1 : 0;
    if (last != '\n')
        return ms_error_set(
            err, MS_EUSAGE, path, 0, "",
            "the last line is cut off (the file was truncated after its shard wrote it)");
    if (rows != want->want_rows)
        return ms_error_set(err, MS_EUSAGE, path, 0, "",
                            "%" PRIu64 " rows, but its manifest says %" PRIu64
                            " (the file was cut short or added to after its shard wrote it)",
                            rows, want->want_rows);
    if (h != want->want_hash)
        return ms_error_set(err, MS_EUSAGE, path, 0, "",
                            "checksum %016" PRIx64 " differs from its manifest's %016" PRIx64
                            " (the file was changed after its shard wrote it)",
                            h, want->want_hash);
    return MS_OK;
}

static ms_status open_parts(merge_ctx *m, char **header, ms_error *err)
{
    for (uint32_t k = 0; k < m->n; k++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/sweep.part-%" PRIu32 "-of-%" PRIu32 ".csv", m->dir, k,
                 m->n);
        ms_status st = verify_part(path, &m->parts[k], err);
        if (st != MS_OK)
            return st;
    }
    for (uint32_t k = 0; k < m->n; k++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/sweep.part-%" PRIu32 "-of-%" PRIu32 ".csv", m->dir, k,
                 m->n);
        part *p = &m->parts[k];
        if (!(p->f = fopen(path, "rb")))
            return ms_error_set(err, MS_EUSAGE, path, 0, "", "missing part file");
        if (getline(&p->line, &p->cap, p->f) < 0)
            return ms_error_set(err, MS_EUSAGE, path, 1, "", "empty part file");
        if (k == 0 && !(*header = strdup(p->line)))
            return MS_ENOMEM;
        if (strcmp(*header, p->line) != 0)
            return ms_error_set(err, MS_EUSAGE, path, 1, "", "header differs from part 0's");
        next_line(m, p);
    }
    return MS_OK;
}

/* Streams every task in id order into the assembler. */
static ms_status merge_rows(merge_ctx *m, ms_sweep_asm *as, ms_error *err)
{
    ms_buf task;
    ms_buf_init(&task);
    ms_status st = MS_OK;
    for (uint64_t want = 0; st == MS_OK; want++) {
        if (m->stop && *m->stop) {
            st = MS_EINTR;
            break;
        }
        part *best = NULL;
        for (uint32_t k = 0; k < m->n; k++)
            if (m->parts[k].id != UINT64_MAX && (!best || m->parts[k].id < best->id))
                best = &m->parts[k];
        if (want == m->tasks && !best)
            break;
        if (want == m->tasks) { /* rows beyond the manifest's task count */
            st = ms_error_set(err, MS_EUSAGE, m->dir, 0, "",
                              "task %" PRIu64 " is beyond the manifest's %" PRIu64 " tasks",
                              best->id, m->tasks);
            break;
        }
        if (!best || best->id != want) {
            st = ms_error_set(err, MS_EUSAGE, m->dir, 0, "",
                              best && best->id < want ? "task %" PRIu64 " appears twice"
                                                      : "task %" PRIu64 " is missing",
                              best && best->id < want ? best->id : want);
            break;
        }
        ms_buf_clear(&task);
        while (best->id == want) {
            ms_buf_puts(&task, best->line);
            next_line(m, best);
        }
        st = ms_buf_ok(&task) ? ms_sweep_asm_add(as, task.data, task.len) : MS_ENOMEM;
    }
    ms_buf_fini(&task);
    return st;
}

static ms_status write_merged(merge_ctx *m, const char *header, const char *command, ms_error *err)
{
    ms_atomic_set *set = NULL;
    ms_status st = ms_atomic_set_create(m->dir, &set, err);
    FILE *rows = st == MS_OK ? ms_atomic_set_open(set, "sweep.csv", err) : NULL;
    FILE *summ = rows ? ms_atomic_set_open(set, "sweep_summary.csv", err) : NULL;
    FILE *man = summ ? ms_atomic_set_open(set, "manifest.csv", err) : NULL;
    if (st == MS_OK && !man)
        st = MS_EIO;
    /* the key columns: between "seed," and ",metric" in the header */
    const char *k0 = header ? strstr(header, "seed,") : NULL;
    const char *k1 = header ? strstr(header, ",metric,subject,value") : NULL;
    if (st == MS_OK && (!k0 || !k1 || k1 < k0 + 5))
        st = ms_error_set(err, MS_EUSAGE, m->dir, 1, "", "not a sweep part file");
    ms_sweep_asm as;
    memset(&as, 0, sizeof as);
    if (st == MS_OK) {
        char *keys = strndup(k0 + 5, (size_t)(k1 - (k0 + 5)));
        st = keys ? ms_sweep_asm_init(&as, rows, summ, keys) : MS_ENOMEM;
        free(keys);
    }
    if (st == MS_OK && fputs(header, rows) < 0)
        st = MS_EIO;
    if (st == MS_OK)
        st = merge_rows(m, &as, err);
    if (st == MS_OK)
        st = ms_sweep_asm_finish(&as);
    if (st == MS_OK) {
        ms_buf b;
        ms_buf_init(&b);
        ms_buf_puts(&b, m->manifest);
        ms_manifest_end(&b, command);
        st = ms_buf_write(&b, man);
        ms_buf_fini(&b);
    }
    ms_sweep_asm_fini(&as);
    if (st == MS_OK && m->stop && *m->stop)
        st = MS_EINTR; /* a signal after the last row still cancels */
    if (st == MS_OK)
        st = ms_atomic_set_record(set, "manifest.csv", err);
    if (st == MS_OK)
        return ms_atomic_set_commit(set, err);
    if (st == MS_EIO && err && !err->msg[0]) /* a write to the merged files failed */
        ms_error_set(err, st, m->dir, 0, "", "cannot write the merged sweep files: %s",
                     strerror(errno ? errno : EIO));
    ms_atomic_set_abort(set);
    return st;
}

ms_status ms_sweep_merge(const char *dir, const char *command, const volatile sig_atomic_t *stop,
                         ms_error *err)
{
    merge_ctx m;
    memset(&m, 0, sizeof m);
    m.dir = dir;
    m.stop = stop;
    char *header = NULL;
    ms_dir_lock *lock = NULL; /* no shard may still be writing */
    ms_status st = ms_dir_lock_take(dir, NULL, &lock, err);
    if (st == MS_OK)
        st = find_shards(&m, err);
    if (st == MS_OK && !(m.parts = calloc(m.n, sizeof *m.parts)))
        st = MS_ENOMEM;
    for (uint32_t k = 0; st == MS_OK && k < m.n; k++)
        st = check_manifest(&m, k, err);
    if (st == MS_OK)
        st = open_parts(&m, &header, err);
    if (st == MS_OK)
        st = write_merged(&m, header, command, err);
    for (uint32_t k = 0; m.parts && k < m.n; k++) {
        if (m.parts[k].f)
            fclose(m.parts[k].f);
        free(m.parts[k].line);
    }
    free(m.parts);
    free(m.manifest);
    free(header);
    ms_dir_lock_release(lock);
    return st;
}
