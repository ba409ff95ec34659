/* sens_load.c - reads a finished saltelli or morris sweep into a study
 * (see sensitivity.h): the design from manifest.csv (design, points,
 * replications, keys, design_samples, design_levels, design_bounds), then
 * sweep.csv streamed row by row into per-point accumulators.
 *
 * Everything a later step relies on is checked here, so bad input fails
 * before anything is written: the design kind, sizes that agree with each
 * other, every point present in order, and (morris) steps that move one
 * key at a time. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/manifest.h"
#include "sens_study_internal.h"
#include "sweep_internal.h"

#define PATH_LEN 4200

typedef struct {
    ms_manifest mf;
    char path[PATH_LEN];
} manifest;

static const char *mf_get(const manifest *m, const char *key)
{
    return ms_manifest_get(&m->mf, key);
}

/* 1 if dir holds a file whose name starts with prefix: part manifests
 * (unmerged shards) or a journal (an unfinished sweep). */
static int has_file(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;
    while (d && !found && (e = readdir(d)) != NULL)
        found = strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return found;
}

static ms_status read_manifest(const char *dir, manifest *m, ms_error *err)
{
    snprintf(m->path, sizeof m->path, "%s/manifest.csv", dir);
    FILE *f = fopen(m->path, "r");
    if (!f && has_file(dir, ".sweep."))
        return ms_error_set(err, MS_EUSAGE, dir, 0, "",
                            "an unfinished sweep is here: finish it with the same `marketsim "
                            "sweep` (or `sensitivity`) command and --resume first");
    if (!f && has_file(dir, "manifest.part-"))
        return ms_error_set(err, MS_EUSAGE, dir, 0, "",
                            "a sharded sweep whose parts are not joined yet: run `marketsim "
                            "merge %s` first",
                            dir);
    if (!f)
        return ms_error_set(err, MS_EUSAGE, dir, 0, "",
                            "not a sweep directory (no manifest.csv): give the -o DIR of a "
                            "`marketsim sweep --design saltelli|morris`");
    fclose(f);
    ms_status st = ms_manifest_read(m->path, &m->mf, err);
    return st == MS_EINVAL ? MS_EUSAGE : st;
}

static int parse_size(const char *text, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = text ? strtoull(text, &end, 10) : 0;
    if (!text || end == text || *end || errno)
        return -1;
    *out = (size_t)v;
    return 0;
}

/* keys (a;b;c) and design_bounds (lo:hi;lo:hi) */
static ms_status parse_keys(ms_sens_study *s, const manifest *m, ms_error *err)
{
    const char *keys = mf_get(m, "keys"), *bounds = mf_get(m, "design_bounds");
    if (!keys || !bounds)
        return ms_error_set(err, MS_EUSAGE, m->path, 0, keys ? "design_bounds" : "keys",
                            "missing from the manifest");
    s->n_keys = 0;
    for (const char *p = keys; *p && s->n_keys < MS_DESIGN_MAX_KEYS; s->n_keys++) {
        size_t len = strcspn(p, ";");
        if (len == 0 || len >= MS_DESIGN_KEY_LEN)
            return ms_error_set(err, MS_EUSAGE, m->path, 0, "keys", "malformed key list");
        memcpy(s->keys[s->n_keys], p, len);
        s->key_ptrs[s->n_keys] = s->keys[s->n_keys];
        p += len + (p[len] == ';');
    }
    const char *p = bounds;
    for (int k = 0; k < s->n_keys; k++) {
        char *end;
        s->lo[k] = strtod(p, &end);
        if (*end != ':')
            break;
        s->hi[k] = strtod(end + 1, &end);
        if (!(s->lo[k] < s->hi[k]) || (*end != (k + 1 < s->n_keys ? ';' : '\0')))
            break;
        p = end + 1;
        if (k + 1 == s->n_keys)
            return MS_OK;
    }
    return ms_error_set(err, MS_EUSAGE, m->path, 0, "design_bounds",
                        "expected lo:hi with lo < hi for each of the %d keys", s->n_keys);
}

static ms_status check_sizes(ms_sens_study *s, const manifest *m, ms_error *err)
{
    size_t reps;
    if (parse_size(mf_get(m, "design_samples"), &s->samples) ||
        parse_size(mf_get(m, "points"), &s->points) ||
        parse_size(mf_get(m, "replications"), &reps) || reps == 0 || reps > UINT32_MAX)
        return ms_error_set(err, MS_EUSAGE, m->path, 0, "",
                            "design_samples, points or replications missing or malformed");
    s->replications = (uint32_t)reps;
    int sobol = s->kind == MS_DESIGN_SALTELLI;
    size_t levels = 0;
    if (!sobol && (parse_size(mf_get(m, "design_levels"), &levels) || levels < 2))
        return ms_error_set(err, MS_EUSAGE, m->path, 0, "design_levels", "missing or malformed");
    s->levels = (int)levels;
    size_t want = sobol ? ms_sens_saltelli_points(s->samples, s->n_keys)
                        : ms_sens_morris_points(s->samples, s->n_keys);
    if (want != s->points)
        return ms_error_set(err, MS_EUSAGE, m->path, 0, "points",
                            "%zu points, but %zu %s of %d keys make %zu", s->points, s->samples,
                            sobol ? "base samples" : "trajectories", s->n_keys, want);
    size_t min = sobol ? MS_SENS_MIN_SOBOL_SAMPLES : MS_SENS_MIN_MORRIS_TRAJECTORIES;
    if (s->samples < min)
        return ms_error_set(err, MS_EUSAGE, m->path, 0, "design_samples",
                            "too few points: %s needs at least %zu %s (-n %zu), this sweep has "
                            "%zu",
                            sobol ? "sobol" : "morris", min,
                            sobol ? "base samples" : "trajectories", min, s->samples);
    return MS_OK;
}

static ms_status load_design(ms_sens_study *s, const char *dir, ms_error *err)
{
    manifest *m = calloc(1, sizeof *m);
    if (!m)
        return MS_ENOMEM;
    ms_status st = read_manifest(dir, m, err);
    const char *design = st == MS_OK ? mf_get(m, "design") : NULL;
    if (st == MS_OK && !design)
        st = ms_error_set(err, MS_EUSAGE, m->path, 0, "design", "missing: not a sweep manifest");
    else if (st == MS_OK && strcmp(design, "saltelli") == 0)
        s->kind = MS_DESIGN_SALTELLI;
    else if (st == MS_OK && strcmp(design, "morris") == 0)
        s->kind = MS_DESIGN_MORRIS;
    else if (st == MS_OK)
        st = ms_error_set(err, MS_EUSAGE, m->path, 0, "design",
                          "a '%s' sweep: sensitivity needs one made with --design saltelli "
                          "(Sobol indices) or --design morris",
                          design);
    if (st == MS_OK)
        st = parse_keys(s, m, err);
    if (st == MS_OK)
        st = check_sizes(s, m, err);
    ms_manifest_fini(&m->mf);
    free(m);
    return st;
}

/* ---- sweep.csv ----------------------------------------------------------- */

typedef struct {
    ms_sens_study *s;
    const char *path;
    long line;
    uint64_t point; /* current point; UINT64_MAX before the first row */
} reader;

static ms_status bad_row(const reader *r, ms_error *err, const char *what)
{
    return ms_error_set(err, MS_EUSAGE, r->path, (int)r->line, "", "%s", what);
}

static ms_status metric_slot(ms_sens_study *s, const char *metric, const char *subject,
                             sens_metric **out)
{
    long i = ms_stats_table_find(s->index, metric, subject);
    if (i >= 0) {
        *out = &s->metrics[i];
        return MS_OK;
    }
    if (s->n_metrics == s->cap_metrics) {
        size_t cap = s->cap_metrics ? 2 * s->cap_metrics : 64;
        sens_metric *m = realloc(s->metrics, cap * sizeof *m);
        if (!m)
            return MS_ENOMEM;
        s->metrics = m;
        s->cap_metrics = cap;
    }
    sens_metric *m = &s->metrics[s->n_metrics];
    memset(m, 0, sizeof *m);
    if (!(m->acc = calloc(s->points, sizeof *m->acc)) ||
        !(m->rep_acc = calloc(s->replications, sizeof *m->rep_acc)))
        return MS_ENOMEM;
    s->n_metrics++;
    *out = m;
    return ms_stats_table_add(s->index, metric, subject, 0);
}

/* The keys' values of a new point, in unit coordinates (morris). */
static ms_status point_values(reader *r, char **f, uint64_t point, ms_error *err)
{
    ms_sens_study *s = r->s;
    if (point != (r->point == UINT64_MAX ? 0 : r->point + 1))
        return bad_row(r, err, "points are missing or out of order (is the sweep complete?)");
    r->point = point;
    for (int k = 0; s->x && k < s->n_keys; k++) {
        char *end;
        double v = strtod(f[3 + k], &end);
        if (end == f[3 + k] || *end)
            return bad_row(r, err, "a key's value is not a number");
        s->x[point * (size_t)s->n_keys + (size_t)k] = (v - s->lo[k]) / (s->hi[k] - s->lo[k]);
    }
    return MS_OK;
}

static ms_status add_row(reader *r, char *line, ms_error *err)
{
    ms_sens_study *s = r->s;
    char *f[MS_DESIGN_MAX_KEYS + 6];
    int n = 0, want = s->n_keys + 6;
    for (char *p = line; n < want; p++) {
        f[n++] = p;
        if (!(p = strchr(p, ',')))
            break;
        *p = '\0';
    }
    if (n != want || strchr(f[want - 1], ','))
        return bad_row(r, err, "expected point,replication,seed,<keys>,metric,subject,value");
    char *end;
    uint64_t point = strtoull(f[0], &end, 10);
    uint64_t rep = strtoull(f[1], &end, 10);
    double value = strtod(f[want - 1], &end);
    if (*f[0] < '0' || *f[0] > '9' || point >= s->points || rep >= s->replications || *end ||
        end == f[want - 1])
        return bad_row(r, err, "point, replication or value malformed or beyond the manifest's");
    if (r->point == UINT64_MAX)
        s->seed = strtoull(f[2], NULL, 10);
    ms_status st = point == r->point ? MS_OK : point_values(r, f, point, err);
    sens_metric *m = NULL;
    if (st == MS_OK && (st = metric_slot(s, f[want - 3], f[want - 2], &m)) == MS_OK) {
        ms_stats_acc_add(&m->acc[point], value);
        ms_stats_acc_add(&m->rep_acc[rep], value);
    }
    return st;
}

static ms_status read_rows(ms_sens_study *s, const char *dir, ms_error *err)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return ms_error_set(err, MS_EUSAGE, path, 0, "", "cannot open: %s", strerror(errno));
    ms_buf head;
    ms_buf_init(&head);
    ms_sweep_rows_header(&head, s->key_ptrs, s->n_keys);
    reader r = {s, path, 0, UINT64_MAX};
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    ms_status st = ms_buf_ok(&head) ? MS_OK : MS_ENOMEM;
    while (st == MS_OK && (len = getline(&line, &cap, f)) > 0) {
        r.line++;
        if (r.line == 1)
            st = strcmp(line, ms_buf_cstr(&head)) == 0
                     ? MS_OK
                     : bad_row(&r, err, "the header does not match the manifest's keys");
        else
            st = add_row(&r, line[len - 1] == '\n' ? (line[len - 1] = '\0', line) : line, err);
    }
    if (st == MS_OK && ferror(f))
        st = ms_error_set(err, MS_EIO, path, 0, "", "read failed: %s", strerror(errno));
    if (st == MS_OK && (r.point == UINT64_MAX || r.point + 1 != s->points))
        st = bad_row(&r, err, "fewer points than the manifest says (is the sweep complete?)");
    if (st == MS_ENOMEM)
        ms_error_set(err, st, path, 0, "", "out of memory");
    free(line);
    ms_buf_fini(&head);
    fclose(f);
    return st;
}

/* Morris: the points must be trajectories (one key moves per step). */
static ms_status check_trajectories(const ms_sens_study *s, const char *dir, ms_error *err)
{
    double *y = calloc(s->points, sizeof *y);
    ms_sens_morris_index *tmp = malloc((size_t)s->n_keys * sizeof *tmp);
    ms_status st = y && tmp ? ms_sens_morris(s->x, y, s->samples, s->n_keys, 0, 0, tmp) : MS_ENOMEM;
    free(y);
    free(tmp);
    if (st == MS_EINVAL)
        return ms_error_set(err, MS_EUSAGE, dir, 0, "sweep.csv",
                            "the points are not Morris trajectories (one key moves per step)");
    return st;
}

ms_status ms_sens_study_load(const char *dir, ms_sens_study **out, ms_error *err)
{
    *out = NULL;
    ms_sens_study *s = calloc(1, sizeof *s);
    ms_status st = s && (s->index = ms_stats_table_create()) ? MS_OK : MS_ENOMEM;
    if (st == MS_OK)
        st = load_design(s, dir, err);
    if (st == MS_OK && s->kind == MS_DESIGN_MORRIS &&
        !(s->x = calloc(s->points * (size_t)s->n_keys, sizeof *s->x)))
        st = MS_ENOMEM;
    if (st == MS_OK)
        st = read_rows(s, dir, err);
    if (st == MS_OK && s->kind == MS_DESIGN_MORRIS)
        st = check_trajectories(s, dir, err);
    for (size_t i = 0; st == MS_OK && i < s->n_metrics; i++) {
        sens_metric *m = &s->metrics[i];
        m->complete = 1;
        for (size_t p = 0; p < s->points; p++)
            m->complete &= m->acc[p].n > 0;
    }
    if (st == MS_ENOMEM)
        ms_error_set(err, st, dir, 0, "", "out of memory reading the sweep");
    if (st != MS_OK) {
        ms_sens_study_destroy(s);
        return st;
    }
    *out = s;
    return MS_OK;
}
