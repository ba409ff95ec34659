/* build.c - fills an ms_scenario from checked layers, table-driven.
 *
 * Entities are the union of the ids every layer defines, in order of first
 * appearance (included files first), so indices are stable. Each key's
 * value is the top layer's, else the schema default; a required key with
 * no value is an error at its nearest enclosing group. Lists (rules,
 * schedule, events) come whole from the top layer that has them.
 * References are resolved to indices here and dangling ones reported.
 */
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"

typedef struct {
    ms_loader *ld;
    ms_scenario *sc;
} builder;

static void collect_ids(builder *b, int kind)
{
    int *n = ms_kind_count(b->sc, kind);
    for (int l = 0; l < b->ld->n; l++) {
        config_setting_t *g =
            ms_loader_resolve(config_root_setting(&b->ld->layers[l].cfg), ms_kind(kind)->path);
        if (!g || config_setting_type(g) != CONFIG_TYPE_GROUP)
            continue;
        for (int i = 0; i < config_setting_length(g); i++) {
            const config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
            const char *id = config_setting_name(e);
            if (ms_kind_find(b->sc, kind, id) >= 0)
                continue;
            if (*n >= ms_kind(kind)->max) {
                const char *file;
                int line;
                ms_loader_where_setting(b->ld, l, e, &file, &line);
                ms_errors_add(b->ld->errs, file, line, ms_kind(kind)->path,
                              "too many %ss (expected at most %d)", ms_kind_name(kind),
                              ms_kind(kind)->max);
                return;
            }
            snprintf(ms_kind_entity(b->sc, kind, *n), MS_ID_LEN, "%s", id); /* its id */
            (*n)++;
        }
    }
}

static void dangling(builder *b, const ms_schema_key *k, const char *v, const char *file, int line,
                     const char *key)
{
    const char *words[MS_MAX_PRODUCTS];
    int n = *ms_kind_count(b->sc, k->aux);
    for (int i = 0; i < n; i++)
        words[i] = ms_kind_id(b->sc, k->aux, i);
    int best = ms_schema_suggest_word(words, n, v);
    if (best >= 0)
        ms_errors_add(b->ld->errs, file, line, key,
                      "no %s \"%s\" is defined (did you mean "
                      "\"%s\"?)",
                      ms_kind_name(k->aux), v, words[best]);
    else
        ms_errors_add(b->ld->errs, file, line, key,
                      "no %s \"%s\" is defined (expected the id "
                      "of a %s under %s)",
                      ms_kind_name(k->aux), v, ms_kind_name(k->aux), ms_kind(k->aux)->path);
}

/* Stores a name-like value (string, enum, reference) from text. */
static void store_name(builder *b, const ms_schema_key *k, char *dst, const char *v,
                       const char *file, int line, const char *key)
{
    if (k->type == MS_SCHEMA_STRING) {
        snprintf(dst, k->size, "%s", v);
        return;
    }
    int idx;
    if ((strcmp(v, "*") == 0 && (k->flags & MS_SCHEMA_WILD)) ||
        (v[0] == '\0' && (k->flags & MS_SCHEMA_NONE)))
        idx = MS_ANY;
    else if (k->type == MS_SCHEMA_ENUM)
        idx = ms_schema_choice_index(k->aux, v);
    else if ((idx = ms_kind_find(b->sc, k->aux, v)) < 0)
        dangling(b, k, v, file, line, key);
    memcpy(dst, &idx, sizeof idx);
}

static void store_refset(builder *b, const ms_schema_key *k, char *dst, const config_setting_t *s,
                         const char *file, int line, const char *key)
{
    uint32_t mask = 0;
    for (int i = 0; i < config_setting_length(s); i++) {
        const char *v = config_setting_get_string_elem(s, i);
        int idx = ms_kind_find(b->sc, k->aux, v);
        if (idx < 0)
            dangling(b, k, v, file, line, key);
        else
            mask |= 1u << idx;
    }
    memcpy(dst, &mask, sizeof mask);
}

static void store_default(builder *b, const ms_schema_key *k, char *dst, const char *key)
{
    int iv;
    long long lv;
    double dv;
    switch (k->type) {
    case MS_SCHEMA_INT:
        iv = atoi(k->def);
        memcpy(dst, &iv, sizeof iv);
        break;
    case MS_SCHEMA_INT64:
        lv = atoll(k->def);
        memcpy(dst, &lv, sizeof lv);
        break;
    case MS_SCHEMA_FLOAT:
        dv = strtod(k->def, NULL);
        memcpy(dst, &dv, sizeof dv);
        break;
    case MS_SCHEMA_BOOL:
        iv = strcmp(k->def, "true") == 0;
        memcpy(dst, &iv, sizeof iv);
        break;
    default:
        store_name(b, k, dst, k->def, "", 0, key);
        break;
    }
}

/* Stores key k into base from setting f (or the default when f.s is NULL). */
static void assign(builder *b, const ms_schema_key *k, void *base, ms_found f, const char *key)
{
    char *dst = (char *)base + k->offset;
    const char *file;
    int line;
    if (!f.s) {
        if (k->def) {
            store_default(b, k, dst, key);
            return;
        }
        char t[64], r[360];
        ms_schema_type_text(k, t, sizeof t);
        ms_schema_range_text(k, r, sizeof r);
        ms_loader_where(b->ld, key, &file, &line);
        ms_errors_add(b->ld->errs, file, line, key, "missing (required: %s%s%s)", t,
                      r[0] ? ", " : "", r);
        return;
    }
    ms_loader_where_setting(b->ld, f.layer, f.s, &file, &line);
    int iv;
    long long lv;
    double dv;
    switch (k->type) {
    case MS_SCHEMA_INT:
        iv = (int)config_setting_get_int64(f.s);
        memcpy(dst, &iv, sizeof iv);
        break;
    case MS_SCHEMA_INT64:
        lv = config_setting_get_int64(f.s);
        memcpy(dst, &lv, sizeof lv);
        break;
    case MS_SCHEMA_FLOAT:
        dv = config_setting_type(f.s) == CONFIG_TYPE_FLOAT ? config_setting_get_float(f.s)
                                                           : (double)config_setting_get_int64(f.s);
        memcpy(dst, &dv, sizeof dv);
        break;
    case MS_SCHEMA_BOOL:
        iv = config_setting_get_bool(f.s) != 0;
        memcpy(dst, &iv, sizeof iv);
        break;
    case MS_SCHEMA_REFSET:
        store_refset(b, k, dst, f.s, file, line, key);
        break;
    default:
        store_name(b, k, dst, config_setting_get_string(f.s), file, line, key);
        break;
    }
}

/* The part of a schema path after its "<id>." or "[]." (a member path). */
static const char *suffix_after(const char *path, const char *mark)
{
    const char *p = strstr(path, mark);
    return p ? p + strlen(mark) + 1 : path;
}

static void build_keys(builder *b, ms_schema_scope scope, int kind)
{
    int nk, count = kind < 0 ? 1 : *ms_kind_count(b->sc, kind);
    const ms_schema_key *keys = ms_schema_keys(&nk);
    for (int i = 0; i < count; i++) {
        for (int j = 0; j < nk; j++) {
            if (keys[j].scope != scope)
                continue;
            char path[256];
            if (kind < 0)
                snprintf(path, sizeof path, "%s", keys[j].path);
            else
                snprintf(path, sizeof path, "%s.%s.%s", ms_kind(kind)->path,
                         ms_kind_id(b->sc, kind, i), suffix_after(keys[j].path, "<id>"));
            assign(b, &keys[j], kind < 0 ? (void *)b->sc : ms_kind_entity(b->sc, kind, i),
                   ms_loader_find(b->ld, path), path);
        }
    }
}

/* Builds every element of the list at `path` into elem_base[0..]. */
static int build_list(builder *b, const char *path, ms_schema_scope scope, void *elem_base,
                      size_t elem_size, int max)
{
    ms_found lst = ms_loader_find(b->ld, path);
    if (!lst.s || config_setting_type(lst.s) != CONFIG_TYPE_LIST)
        return 0;
    int n = config_setting_length(lst.s), nk;
    const ms_schema_key *keys = ms_schema_keys(&nk);
    if (n > max) {
        const char *file;
        int line;
        ms_loader_where_setting(b->ld, lst.layer, lst.s, &file, &line);
        ms_errors_add(b->ld->errs, file, line, path, "too many entries: %d (expected at most %d)",
                      n, max);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        config_setting_t *e = config_setting_get_elem(lst.s, (unsigned)i);
        for (int j = 0; j < nk; j++) {
            if (keys[j].scope != scope)
                continue;
            const char *member = suffix_after(keys[j].path, "[]");
            char key[256];
            snprintf(key, sizeof key, "%s[%d].%s", path, i, member);
            ms_found f = {ms_loader_resolve(e, member), lst.layer};
            assign(b, &keys[j], (char *)elem_base + (size_t)i * elem_size, f, key);
        }
    }
    return n;
}

void ms_build_scenario(ms_loader *ld, ms_scenario *sc)
{
    builder b = {ld, sc};
    for (int k = 0; k < MS_KIND_COUNT; k++)
        collect_ids(&b, k);
    if (ld->errs->count)
        return;
    build_keys(&b, MS_SCOPE_ROOT, -1);
    for (int k = 0; k < MS_KIND_COUNT; k++)
        if (ms_kind(k)->scope != MS_SCOPE_NONE) /* regimes hold lists only */
            build_keys(&b, ms_kind(k)->scope, k);
    for (int r = 0; r < sc->n_regimes; r++) {
        char path[128];
        snprintf(path, sizeof path, "regimes.%s.rules", sc->regimes[r].id);
        sc->regimes[r].n_rules = build_list(&b, path, MS_SCOPE_RULE, sc->regimes[r].rules,
                                            sizeof(ms_rule), MS_MAX_RULES);
    }
    sc->n_schedule = build_list(&b, "regime_schedule", MS_SCOPE_SCHEDULE, sc->schedule,
                                sizeof(ms_schedule_entry), MS_MAX_SCHEDULE);
    sc->n_events =
        build_list(&b, "events", MS_SCOPE_EVENT, sc->events, sizeof(ms_exo_event), MS_MAX_EVENTS);
}
