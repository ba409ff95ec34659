/* patch.c - overrides applied to a built scenario, and ms_scenario_base:
 * a scenario file loaded once and evaluated under many override sets.
 *
 * A sweep point or a calibration step changes a few scalar keys of one
 * scenario. Reloading the file for each costs about a millisecond (libconfig
 * and the schema walk) against a fraction of that for a small simulation,
 * so the common case patches a copy of the built scenario instead: the key
 * is parsed by the same code as --set (override.c), the value by the same
 * rules as set_leaf, checked as check.c checks it, stored as build.c stores
 * it, and then the cross-key checks of xcheck.c run on the copy.
 *
 * The invariant: a patch either yields exactly the bytes the full load of
 * file + base overrides + these overrides yields, or it declines. It
 * declines whenever it is not sure: any error (the full load then reports
 * the exact messages), list elements (events[0].value: file order is not
 * the built, sorted order), strings and cloud lists (their text rules live
 * only in the loader), empty values (presence counts for some cross
 * checks), sim.initial_regime (settled against the schedule) and ids the
 * base does not define. A declined patch falls back to the full load from
 * the text read once. tests/unit/test_scenario.c compares both paths over
 * every scalar key of the schema.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario_internal.h"

/* Where key k of the entity named by t lives in sc, or NULL. */
static char *field(ms_scenario *sc, const ms_schema_key *k, const ms_override_tgt *t)
{
    if (k->scope == MS_SCOPE_ROOT)
        return t->kind < 0 ? (char *)sc + k->offset : NULL;
    if (t->kind < 0 || k->scope == MS_SCOPE_NONE || ms_kind(t->kind)->scope != k->scope)
        return NULL; /* regimes (MS_SCOPE_NONE) take no overrides here */
    int i = ms_kind_find(sc, t->kind, t->id);
    return i < 0 ? NULL : (char *)ms_kind_entity(sc, t->kind, i) + k->offset;
}

/* An integer as set_leaf parses it and check.c's check_number accepts it. */
static int parse_int(const ms_schema_key *k, const char *buf, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno == ERANGE && (k->flags & MS_SCHEMA_U64) && buf[0] != '-') {
        errno = 0;
        v = (long long)strtoull(buf, &end, 10);
    }
    if (end == buf || (*end && strcmp(end, "L") != 0) || errno == ERANGE)
        return -1;
    if ((double)v < k->min || (double)v > k->max ||
        (k->type == MS_SCHEMA_INT && (v < -2147483647LL - 1 || v > 2147483647LL)))
        return -1;
    *out = v;
    return 0;
}

static int parse_float(const ms_schema_key *k, const char *buf, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end == buf || *end || !isfinite(v) || v < k->min || v > k->max)
        return -1;
    *out = v;
    return 0;
}

/* An enum choice or an entity reference as an index (MS_ANY for "*"). */
static int parse_name(const ms_scenario *sc, const ms_schema_key *k, const char *buf, int *out)
{
    if (strcmp(buf, "*") == 0 && (k->flags & MS_SCHEMA_WILD)) {
        *out = MS_ANY;
        return 0;
    }
    if (k->type == MS_SCHEMA_ENUM)
        return (*out = ms_schema_choice_index(k->aux, buf)) >= 0 ? 0 : -1;
    if (strcmp(buf, "*") == 0 || strlen(buf) >= MS_ID_LEN)
        return -1;
    *out = ms_kind_find(sc, k->aux, buf);
    return *out >= 0 ? 0 : -1;
}

/* Applies one override; 0 when applied exactly, -1 to decline. */
static int patch_one(ms_scenario *sc, const char *set)
{
    ms_override_tgt t;
    const ms_schema_key *k = ms_override_target(set, &t);
    if (!k || t.in_list || strcmp(k->path, "sim.initial_regime") == 0)
        return -1;
    char *dst = field(sc, k, &t);
    char buf[256];
    ms_override_unquote(t.value, buf, sizeof buf);
    if (!dst || !buf[0])
        return -1;
    long long lv;
    double dv;
    int iv;
    switch (k->type) {
    case MS_SCHEMA_INT:
    case MS_SCHEMA_INT64:
        if (parse_int(k, buf, &lv) != 0)
            return -1;
        iv = (int)lv;
        if (k->type == MS_SCHEMA_INT)
            memcpy(dst, &iv, sizeof iv);
        else
            memcpy(dst, &lv, sizeof lv);
        return 0;
    case MS_SCHEMA_FLOAT:
        if (parse_float(k, buf, &dv) != 0)
            return -1;
        memcpy(dst, &dv, sizeof dv);
        return 0;
    case MS_SCHEMA_BOOL:
        if (strcasecmp(buf, "true") != 0 && strcasecmp(buf, "false") != 0)
            return -1;
        iv = strcasecmp(buf, "true") == 0;
        memcpy(dst, &iv, sizeof iv);
        return 0;
    case MS_SCHEMA_ENUM:
    case MS_SCHEMA_REF:
        if (parse_name(sc, k, buf, &iv) != 0)
            return -1;
        memcpy(dst, &iv, sizeof iv);
        return 0;
    default:
        return -1; /* strings and cloud lists: the loader's rules */
    }
}

int ms_patch_apply(ms_scenario *sc, const char *const *sets, int nsets)
{
    for (int i = 0; i < nsets; i++)
        if (sets[i] && patch_one(sc, sets[i]) != 0)
            return -1;
    /* the cross-key checks on the patched copy: an empty loader makes every
     * "is this key present" question answer no, which can only add errors,
     * and any error declines. Only the fields xcheck reads are set: the
     * loader's layers are never touched with n == 0. */
    ms_loader ld;
    ms_errors errs;
    ms_errors_init(&errs);
    ld.n = 0;
    ld.errs = &errs;
    ld.main_file = "";
    ms_xcheck_scenario(&ld, sc);
    return errs.count || errs.dropped ? -1 : 0;
}

/* ---- ms_scenario_base ----------------------------------------------------- */

struct ms_scenario_base {
    char *text; /* the main file, read once */
    char *path;
    char dir[512];
    char **sets; /* base overrides, copied */
    int nsets;
    ms_scenario *sc;
};

void ms_scenario_base_destroy(ms_scenario_base *b)
{
    if (!b)
        return;
    for (int i = 0; i < b->nsets; i++)
        free(b->sets[i]);
    free(b->sets);
    free(b->text);
    free(b->path);
    ms_scenario_destroy(b->sc);
    free(b);
}

static ms_status copy_sets(ms_scenario_base *b, const char *const *sets, int nsets)
{
    b->sets = calloc((size_t)nsets + 1, sizeof *b->sets);
    if (!b->sets)
        return MS_ENOMEM;
    for (; b->nsets < nsets; b->nsets++)
        if (!(b->sets[b->nsets] = strdup(sets[b->nsets] ? sets[b->nsets] : "")))
            return MS_ENOMEM;
    return MS_OK;
}

ms_status ms_scenario_base_load(const char *path, const char *const *sets, int nsets,
                                ms_scenario_base **out, ms_errors *errs)
{
    ms_errors_init(errs);
    *out = NULL;
    if (!path) {
        ms_errors_add(errs, "", 0, "", "no scenario file given");
        return MS_EIO;
    }
    ms_scenario_base *b = calloc(1, sizeof *b);
    if (!b || !(b->path = strdup(path)) || copy_sets(b, sets, nsets) != MS_OK) {
        ms_scenario_base_destroy(b);
        ms_errors_add(errs, path, 0, "", "out of memory");
        return MS_ENOMEM;
    }
    if (!(b->text = ms_scenario_read_file(path, 0, errs))) {
        ms_scenario_base_destroy(b);
        return MS_EIO;
    }
    ms_scenario_dir_of(b->dir, sizeof b->dir, path);
    ms_status st = ms_scenario_load_string(b->text, path, b->dir, sets, nsets, &b->sc, errs);
    if (st != MS_OK) {
        ms_scenario_base_destroy(b);
        return st;
    }
    *out = b;
    return MS_OK;
}

const ms_scenario *ms_scenario_base_get(const ms_scenario_base *b)
{
    return b->sc;
}

ms_status ms_scenario_base_derive(const ms_scenario_base *b, const char *const *sets, int nsets,
                                  ms_scenario *out, ms_errors *errs)
{
    ms_errors_init(errs);
    memcpy(out, b->sc, sizeof *out);
    if (ms_patch_apply(out, sets, nsets) == 0)
        return MS_OK;
    /* the full load, for exact messages or what a patch cannot do */
    const char **all = calloc((size_t)(b->nsets + nsets) + 1, sizeof *all);
    if (!all) {
        ms_errors_add(errs, b->path, 0, "", "out of memory");
        return MS_ENOMEM;
    }
    for (int i = 0; i < b->nsets; i++)
        all[i] = b->sets[i];
    for (int i = 0; i < nsets; i++)
        all[b->nsets + i] = sets[i];
    ms_scenario *sc = NULL;
    ms_status st =
        ms_scenario_load_string(b->text, b->path, b->dir, all, b->nsets + nsets, &sc, errs);
    free(all);
    if (st == MS_OK)
        memcpy(out, sc, sizeof *out);
    ms_scenario_destroy(sc);
    return st;
}
