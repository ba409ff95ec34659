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

static const char *const kind_paths[MS_KIND_COUNT] = {"clouds", "vendors", "products",
                                                      "buyers.segments", "regimes"};

static int kind_max(int kind)
{
    static const int max[MS_KIND_COUNT] = {MS_MAX_CLOUDS, MS_MAX_VENDORS, MS_MAX_PRODUCTS,
                                           MS_MAX_SEGMENTS, MS_MAX_REGIMES};
    return max[kind];
}

/* Pointer to entity i's id buffer, and the count, for a kind. */
static char *kind_id(ms_scenario *sc, int kind, int i)
{
    switch (kind) {
    case MS_KIND_CLOUD:
        return sc->clouds[i].id;
    case MS_KIND_VENDOR:
        return sc->vendors[i].id;
    case MS_KIND_PRODUCT:
        return sc->products[i].id;
    case MS_KIND_SEGMENT:
        return sc->segments[i].id;
    default:
        return sc->regimes[i].id;
    }
}

static int *kind_count(ms_scenario *sc, int kind)
{
    switch (kind) {
    case MS_KIND_CLOUD:
        return &sc->n_clouds;
    case MS_KIND_VENDOR:
        return &sc->n_vendors;
    case MS_KIND_PRODUCT:
        return &sc->n_products;
    case MS_KIND_SEGMENT:
        return &sc->n_segments;
    default:
        return &sc->n_regimes;
    }
}

static int find_id(const ms_scenario *sc, int kind, const char *id)
{
    switch (kind) {
    case MS_KIND_CLOUD:
        return ms_scenario_cloud(sc, id);
    case MS_KIND_VENDOR:
        return ms_scenario_vendor(sc, id);
    case MS_KIND_PRODUCT:
        return ms_scenario_product(sc, id);
    case MS_KIND_SEGMENT:
        return ms_scenario_segment(sc, id);
    default:
        return ms_scenario_regime(sc, id);
    }
}

static void collect_ids(builder *b, int kind)
{
    int *n = kind_count(b->sc, kind);
    for (int l = 0; l < b->ld->n; l++) {
        config_setting_t *g =
            ms_loader_resolve(config_root_setting(&b->ld->layers[l].cfg), kind_paths[kind]);
        if (!g || config_setting_type(g) != CONFIG_TYPE_GROUP)
            continue;
        for (int i = 0; i < config_setting_length(g); i++) {
            const config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
            const char *id = config_setting_name(e);
            if (find_id(b->sc, kind, id) >= 0)
                continue;
            if (*n >= kind_max(kind)) {
                const char *file;
                int line;
                ms_loader_where_setting(b->ld, l, e, &file, &line);
                ms_errors_add(b->ld->errs, file, line, kind_paths[kind],
                              "too many %ss (expected at most %d)", ms_schema_kind_name(kind),
                              kind_max(kind));
                return;
            }
            snprintf(kind_id(b->sc, kind, *n), MS_ID_LEN, "%s", id);
            (*n)++;
        }
    }
}

static void dangling(builder *b, const ms_schema_key *k, const char *v, const char *file, int line,
                     const char *key)
{
    const char *words[MS_MAX_PRODUCTS];
    int n = *kind_count(b->sc, k->aux);
    for (int i = 0; i < n; i++)
        words[i] = kind_id(b->sc, k->aux, i);
    int best = ms_schema_suggest_word(words, n, v);
    if (best >= 0)
        ms_errors_add(b->ld->errs, file, line, key,
                      "no %s \"%s\" is defined (did you mean "
                      "\"%s\"?)",
                      ms_schema_kind_name(k->aux), v, words[best]);
    else
        ms_errors_add(b->ld->errs, file, line, key,
                      "no %s \"%s\" is defined (expected the id "
                      "of a %s under %s)",
                      ms_schema_kind_name(k->aux), v, ms_schema_kind_name(k->aux),
                      kind_paths[k->aux]);
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
    else if ((idx = find_id(b->sc, k->aux, v)) < 0)
        dangling(b, k, v, file, line, key);
    memcpy(dst, &idx, sizeof idx);
}

static void store_refset(builder *b, const ms_schema_key *k, char *dst, const config_setting_t *s,
                         const char *file, int line, const char *key)
{
    uint32_t mask = 0;
    for (int i = 0; i < config_setting_length(s); i++) {
        const char *v = config_setting_get_string_elem(s, i);
        int idx = find_id(b->sc, k->aux, v);
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

static void *scope_base(ms_scenario *sc, ms_schema_scope scope, int i)
{
    switch (scope) {
    case MS_SCOPE_CLOUD:
        return &sc->clouds[i];
    case MS_SCOPE_VENDOR:
        return &sc->vendors[i];
    case MS_SCOPE_PRODUCT:
        return &sc->products[i];
    case MS_SCOPE_SEGMENT:
        return &sc->segments[i];
    default:
        return sc;
    }
}

static void build_keys(builder *b, ms_schema_scope scope, int kind)
{
    int nk, count = kind < 0 ? 1 : *kind_count(b->sc, kind);
    const ms_schema_key *keys = ms_schema_keys(&nk);
    for (int i = 0; i < count; i++) {
        for (int j = 0; j < nk; j++) {
            if (keys[j].scope != scope)
                continue;
            char path[256];
            if (kind < 0)
                snprintf(path, sizeof path, "%s", keys[j].path);
            else
                snprintf(path, sizeof path, "%s.%s.%s", kind_paths[kind], kind_id(b->sc, kind, i),
                         suffix_after(keys[j].path, "<id>"));
            assign(b, &keys[j], scope_base(b->sc, scope, i), ms_loader_find(b->ld, path), path);
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
    build_keys(&b, MS_SCOPE_CLOUD, MS_KIND_CLOUD);
    build_keys(&b, MS_SCOPE_VENDOR, MS_KIND_VENDOR);
    build_keys(&b, MS_SCOPE_PRODUCT, MS_KIND_PRODUCT);
    build_keys(&b, MS_SCOPE_SEGMENT, MS_KIND_SEGMENT);
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
