/* check.c - structure, types and ranges of one parsed layer.
 *
 * Walks a libconfig tree against the schema table: every name must be a
 * key of its group (unknown ones get a did-you-mean), every value must have
 * the key's type (an integer is accepted for a float, nothing else is
 * converted), be finite and lie in the key's range. Entity ids must be
 * usable ids. References to other entities are checked later, once every
 * layer's ids are known (build.c).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario_internal.h"

static const char *type_word(int type)
{
    switch (type) {
    case CONFIG_TYPE_INT:
        return "an integer";
    case CONFIG_TYPE_INT64:
        return "a 64-bit integer";
    case CONFIG_TYPE_FLOAT:
        return "a float";
    case CONFIG_TYPE_STRING:
        return "a string";
    case CONFIG_TYPE_BOOL:
        return "a bool";
    case CONFIG_TYPE_GROUP:
        return "a group { ... }";
    case CONFIG_TYPE_ARRAY:
        return "an array [ ... ]";
    case CONFIG_TYPE_LIST:
        return "a list ( ... )";
    default:
        return "nothing";
    }
}

static void expected(const ms_schema_key *k, char *buf, size_t cap)
{
    char t[64], r[360];
    ms_schema_type_text(k, t, sizeof t);
    ms_schema_range_text(k, r, sizeof r);
    if (k->type == MS_SCHEMA_ENUM)
        snprintf(buf, cap, "one of: %s", r);
    else
        snprintf(buf, cap, "%s%s%s", t, r[0] ? ", " : "", r);
}

static int wrong_type(ms_loader *ld, const ms_schema_key *k, const config_setting_t *s,
                      const char *file, int line, const char *key)
{
    char exp[400];
    expected(k, exp, sizeof exp);
    ms_errors_add(ld->errs, file, line, key, "wrong type: got %s (expected %s)",
                  type_word(config_setting_type(s)), exp);
    return -1;
}

static int check_number(ms_loader *ld, const ms_schema_key *k, const config_setting_t *s,
                        const char *file, int line, const char *key)
{
    int t = config_setting_type(s);
    int is_int = t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
    if (!is_int && !(k->type == MS_SCHEMA_FLOAT && t == CONFIG_TYPE_FLOAT))
        return wrong_type(ld, k, s, file, line, key);
    char exp[400], got[48];
    expected(k, exp, sizeof exp);
    if (is_int) {
        long long v = config_setting_get_int64(s);
        snprintf(got, sizeof got, "%lld", v);
        if ((double)v < k->min || (double)v > k->max ||
            (k->type == MS_SCHEMA_INT && (v < -2147483647LL - 1 || v > 2147483647LL)))
            goto range;
        return 0;
    }
    double v = config_setting_get_float(s);
    snprintf(got, sizeof got, "%g", v);
    if (!isfinite(v)) {
        ms_errors_add(ld->errs, file, line, key, "%s is not a finite number (expected %s)", got,
                      exp);
        return -1;
    }
    if (v < k->min || v > k->max)
        goto range;
    return 0;
range:
    ms_errors_add(ld->errs, file, line, key, "%s is out of range (expected %s)", got, exp);
    return -1;
}

/* Every string reaches a CSV cell or a message: it must be UTF-8. */
static int check_utf8(ms_loader *ld, const char *v, const char *file, int line, const char *key)
{
    size_t n = strlen(v), at = ms_scenario_utf8_check(v, n);
    if (at == n)
        return 0;
    ms_errors_add(ld->errs, file, line, key,
                  "byte %zu is not valid UTF-8 (expected UTF-8 text; re-save the file as UTF-8)",
                  at + 1);
    return -1;
}

/* Free text (sim.name): printable UTF-8, short enough for its buffer, and
 * one path component (it names the default output directory). */
static int check_text(ms_loader *ld, const ms_schema_key *k, const char *v, const char *file,
                      int line, const char *key)
{
    if (check_utf8(ld, v, file, line, key))
        return -1;
    const char *why = ms_scenario_name_problem(v);
    if (why) {
        ms_errors_add(ld->errs, file, line, key, "\"%s\" %s", v, why);
        return -1;
    }
    for (const char *c = v; *c; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f) {
            ms_errors_add(ld->errs, file, line, key,
                          "contains a control character (expected printable text)");
            return -1;
        }
    }
    if (strlen(v) >= k->size) {
        ms_errors_add(ld->errs, file, line, key,
                      "string is too long (expected at most %zu characters)", k->size - 1);
        return -1;
    }
    return 0;
}

static int check_choice(ms_loader *ld, const ms_schema_key *k, const char *v, const char *exp,
                        const char *file, int line, const char *key)
{
    if (ms_schema_choice_index(k->aux, v) >= 0)
        return 0;
    const char *const *c = ms_schema_choices(k->aux);
    int n = 0;
    while (c[n])
        n++;
    int best = ms_schema_suggest_word(c, n, v);
    if (best >= 0)
        ms_errors_add(ld->errs, file, line, key,
                      "unknown value \"%s\" (did you mean \"%s\"? expected %s)", v, c[best], exp);
    else
        ms_errors_add(ld->errs, file, line, key, "unknown value \"%s\" (expected %s)", v, exp);
    return -1;
}

/* Strings, choices and ids. Whether an id exists is checked in build.c. */
static int check_name(ms_loader *ld, const ms_schema_key *k, const config_setting_t *s,
                      const char *file, int line, const char *key)
{
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return wrong_type(ld, k, s, file, line, key);
    const char *v = config_setting_get_string(s);
    if (k->type != MS_SCHEMA_STRING && check_utf8(ld, v, file, line, key))
        return -1;
    if (k->type == MS_SCHEMA_STRING)
        return check_text(ld, k, v, file, line, key);
    if ((strcmp(v, "*") == 0 && (k->flags & MS_SCHEMA_WILD)) ||
        (v[0] == '\0' && (k->flags & MS_SCHEMA_NONE)))
        return 0;
    char exp[400];
    expected(k, exp, sizeof exp);
    if (k->type == MS_SCHEMA_ENUM)
        return check_choice(ld, k, v, exp, file, line, key);
    if (v[0] == '\0' || strcmp(v, "*") == 0 || strlen(v) >= MS_ID_LEN) {
        ms_errors_add(ld->errs, file, line, key, "\"%s\" is not allowed here (expected %s)", v,
                      exp);
        return -1;
    }
    return 0;
}

static int check_refset(ms_loader *ld, const ms_schema_key *k, const config_setting_t *s,
                        const char *file, int line, const char *key)
{
    int t = config_setting_type(s);
    if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
        return wrong_type(ld, k, s, file, line, key);
    int n = config_setting_length(s);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        const char *v = config_setting_get_string(e);
        if (v && check_utf8(ld, v, file, line, key))
            return -1;
        if (!v || !v[0] || strlen(v) >= MS_ID_LEN) {
            ms_errors_add(ld->errs, file, line, key,
                          "element %d is not a %s id (expected an "
                          "array of strings such as [\"aws\", \"azure\"])",
                          i, ms_kind_name(k->aux));
            return -1;
        }
    }
    return 0;
}

/* Checks one scalar setting against its key (type, range, enum). Returns 0
 * when good; otherwise reports and returns -1. */
static int check_value(ms_loader *ld, const ms_schema_key *k, const config_setting_t *s,
                       const char *file, int line, const char *key)
{
    switch (k->type) {
    case MS_SCHEMA_INT:
    case MS_SCHEMA_INT64:
    case MS_SCHEMA_FLOAT:
        return check_number(ld, k, s, file, line, key);
    case MS_SCHEMA_BOOL:
        return config_setting_type(s) == CONFIG_TYPE_BOOL ? 0
                                                          : wrong_type(ld, k, s, file, line, key);
    case MS_SCHEMA_STRING:
    case MS_SCHEMA_ENUM:
    case MS_SCHEMA_REF:
        return check_name(ld, k, s, file, line, key);
    case MS_SCHEMA_REFSET:
        return check_refset(ld, k, s, file, line, key);
    default:
        return 0;
    }
}

static void walk_group(ms_loader *ld, int layer, const config_setting_t *g, const char *norm,
                       const char *path, int named);

static void unknown_key(ms_loader *ld, const char *file, int line, const char *key,
                        const char *norm, const char *name)
{
    char sug[64], list[600];
    if (ms_schema_suggest(norm, name, sug, sizeof sug)) {
        ms_errors_add(ld->errs, file, line, key, "unknown key (did you mean '%s'?)", sug);
        return;
    }
    ms_schema_children(norm, list, sizeof list);
    ms_errors_add(ld->errs, file, line, key, "unknown key (expected one of: %s)", list);
}

static void walk_list(ms_loader *ld, int layer, const config_setting_t *s, const char *norm,
                      const char *path)
{
    int n = config_setting_length(s);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        char cpath[256], cnorm[256];
        snprintf(cpath, sizeof cpath, "%.200s[%d]", path, i);
        snprintf(cnorm, sizeof cnorm, "%.200s.[]", norm);
        if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
            const char *file;
            int line;
            ms_loader_where_setting(ld, layer, e, &file, &line);
            ms_errors_add(ld->errs, file, line, cpath,
                          "wrong type: got %s (expected a group "
                          "{ ... } in the list)",
                          type_word(config_setting_type(e)));
            continue;
        }
        walk_group(ld, layer, e, cnorm, cpath, 0);
    }
}

static void walk_child(ms_loader *ld, int layer, const config_setting_t *c, const char *norm,
                       const char *path)
{
    const char *file;
    int line;
    ms_loader_where_setting(ld, layer, c, &file, &line);
    const ms_schema_key *k = ms_schema_find(norm);
    int t = config_setting_type(c);
    switch (k->type) {
    case MS_SCHEMA_GROUP:
    case MS_SCHEMA_NAMED:
        if (t != CONFIG_TYPE_GROUP)
            ms_errors_add(ld->errs, file, line, path,
                          "wrong type: got %s (expected a group "
                          "{ ... })",
                          type_word(t));
        else
            walk_group(ld, layer, c, norm, path, k->type == MS_SCHEMA_NAMED);
        return;
    case MS_SCHEMA_LIST:
        if (t == CONFIG_TYPE_ARRAY && config_setting_length(c) == 0)
            return;
        if (t != CONFIG_TYPE_LIST)
            ms_errors_add(ld->errs, file, line, path,
                          "wrong type: got %s (expected a list "
                          "( { ... }, ... ))",
                          type_word(t));
        else
            walk_list(ld, layer, c, norm, path);
        return;
    default:
        check_value(ld, k, c, file, line, path);
    }
}

/* One entity of a named group: a valid id whose value is a group. */
static void walk_entity(ms_loader *ld, int layer, const config_setting_t *c, const char *norm,
                        const char *path)
{
    const char *file, *id = config_setting_name(c);
    int line;
    ms_loader_where_setting(ld, layer, c, &file, &line);
    if (strchr(id, '*') || strlen(id) >= MS_ID_LEN) {
        ms_errors_add(ld->errs, file, line, path,
                      "\"%s\" is not a usable id (expected a name "
                      "of at most %d characters without '*')",
                      id, MS_ID_LEN - 1);
        return;
    }
    if (config_setting_type(c) != CONFIG_TYPE_GROUP) {
        ms_errors_add(ld->errs, file, line, path,
                      "wrong type: got %s (expected a group { ... } "
                      "describing this entity)",
                      type_word(config_setting_type(c)));
        return;
    }
    char cnorm[256];
    snprintf(cnorm, sizeof cnorm, "%.200s.<id>", norm);
    walk_group(ld, layer, c, cnorm, path, 0);
}

static void walk_group(ms_loader *ld, int layer, const config_setting_t *g, const char *norm,
                       const char *path, int named)
{
    int n = config_setting_length(g);
    for (int i = 0; i < n; i++) {
        const config_setting_t *c = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(c);
        char cpath[256], cnorm[256];
        if (config_setting_get_hook(c))
            continue; /* an integer the prescan already reported */
        snprintf(cpath, sizeof cpath, "%.200s%s%.50s", path, path[0] ? "." : "", name);
        if (named) {
            walk_entity(ld, layer, c, norm, cpath);
            continue;
        }
        snprintf(cnorm, sizeof cnorm, "%.200s%s%.50s", norm, norm[0] ? "." : "", name);
        if (!ms_schema_find(cnorm)) {
            const char *file;
            int line;
            ms_loader_where_setting(ld, layer, c, &file, &line);
            unknown_key(ld, file, line, cpath, norm, name);
            continue;
        }
        walk_child(ld, layer, c, cnorm, cpath);
    }
}

void ms_check_layer(ms_loader *ld, int layer)
{
    const config_setting_t *root = config_root_setting(&ld->layers[layer].cfg);
    walk_group(ld, layer, root, "", "", 0);
}
