/* override.c - `--set KEY=VALUE`, applied to the parsed layers.
 *
 * KEY is a path of the schema ("buyers.count", "clouds.aws.price_index",
 * "events[0].value"); an unknown one is an error with a did-you-mean. VALUE
 * is parsed by the key's type: numbers must be whole numbers, not "abc";
 * strings, names and ids may be quoted or not; a cloud list is "aws,azure"
 * or "[aws, azure]". The value goes into the top "--set" layer, creating
 * groups as needed, so keys absent from the file work; a key inside a list
 * element is changed in place in the layer that holds the list. Range checks
 * happen later, with the file's own keys, and report the file as "--set".
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario_internal.h"

#define MAX_COMPS 12

typedef struct {
    char name[64]; /* "" for an index */
    int index;
} comp;

typedef struct {
    ms_loader *ld;   /* NULL when only parsing (ms_override_target) */
    ms_errors *errs; /* NULL: errors are not reported */
    const char *key;
    comp c[MAX_COMPS];
    int n;
    int list_at; /* index of the first component that is a list, or -1 */
    int id_at;   /* index of the last entity id component, or -1 */
    int kind;    /* that entity's kind (MS_KIND_*) */
} setter;

static void set_error(setter *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_error(setter *st, const char *fmt, ...)
{
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (st->errs)
        ms_errors_add(st->errs, "--set", 0, st->key, "%s", msg);
}

/* A libconfig setting name: a letter, then letters, digits, '_' or '-'. */
static int valid_name(const char *p, size_t len)
{
    if (!isalpha((unsigned char)p[0]))
        return 0;
    for (size_t i = 1; i < len; i++)
        if (!isalnum((unsigned char)p[i]) && p[i] != '_' && p[i] != '-')
            return 0;
    return 1;
}

/* Splits "a.b[2].c" (or "a.b.[2].c") into components. */
static int split_key(setter *st)
{
    const char *p = st->key;
    st->n = 0;
    while (*p) {
        if (*p == '.') {
            p++;
            continue;
        }
        if (st->n >= MAX_COMPS)
            return -1;
        comp *c = &st->c[st->n++];
        if (*p == '[') {
            char *end;
            long v = strtol(p + 1, &end, 10);
            if (end == p + 1 || *end != ']' || v < 0 || v > 100000)
                return -1;
            c->name[0] = '\0';
            c->index = (int)v;
            p = end + 1;
            continue;
        }
        size_t len = strcspn(p, ".[");
        if (len == 0 || len >= sizeof c->name || !valid_name(p, len))
            return -1;
        memcpy(c->name, p, len);
        c->name[len] = '\0';
        c->index = -1;
        p += len;
    }
    return st->n > 0 ? 0 : -1;
}

static void unknown(setter *st, int at, const char *norm)
{
    char sug[64], full[256] = "";
    if (!ms_schema_suggest(norm, st->c[at].name, sug, sizeof sug)) {
        char list[600];
        ms_schema_children(norm, list, sizeof list);
        set_error(st, "unknown key (expected one of: %s)", list);
        return;
    }
    size_t used = 0;
    for (int i = 0; i < st->n && used + 1 < sizeof full; i++) {
        const char *part = i == at ? sug : st->c[i].name;
        int w = st->c[i].name[0] || i == at
                    ? snprintf(full + used, sizeof full - used, "%s%s", used ? "." : "", part)
                    : snprintf(full + used, sizeof full - used, "[%d]", st->c[i].index);
        if (w < 0 || (size_t)w >= sizeof full - used)
            break;
        used += (size_t)w;
    }
    set_error(st, "unknown key (did you mean '%s'?)", full);
}

/* Maps the components onto the schema; returns the leaf key or NULL. */
static const ms_schema_key *match_schema(setter *st)
{
    char norm[256] = "";
    ms_schema_type ptype = MS_SCHEMA_GROUP;
    const ms_schema_key *k = NULL;
    st->list_at = -1;
    st->id_at = -1;
    for (int i = 0; i < st->n; i++) {
        size_t len = strlen(norm);
        const char *sep = len ? "." : "";
        if (ptype == MS_SCHEMA_LIST) {
            if (st->c[i].name[0])
                return set_error(st, "expected an index [N] after the list (e.g. events[0].value)"),
                       NULL;
            snprintf(norm + len, sizeof norm - len, "%s[]", sep);
            ptype = MS_SCHEMA_GROUP;
            continue;
        }
        if (!st->c[i].name[0])
            return set_error(st, "an index [N] is only valid after a list (expected it after "
                                 "regimes.<id>.rules, regime_schedule or events)"),
                   NULL;
        if (ptype == MS_SCHEMA_NAMED) {
            st->id_at = i;
            st->kind = k->aux;
            snprintf(norm + len, sizeof norm - len, "%s<id>", sep);
            ptype = MS_SCHEMA_GROUP;
            continue;
        }
        char parent[256];
        snprintf(parent, sizeof parent, "%s", norm);
        snprintf(norm + len, sizeof norm - len, "%s%s", sep, st->c[i].name);
        if (!(k = ms_schema_find(norm)))
            return unknown(st, i, parent), NULL;
        ptype = k->type;
        if (ptype == MS_SCHEMA_LIST && st->list_at < 0)
            st->list_at = i;
    }
    if (!k || ptype == MS_SCHEMA_GROUP || ptype == MS_SCHEMA_NAMED || ptype == MS_SCHEMA_LIST ||
        strcmp(k->path, norm) != 0) {
        set_error(st, "is not a single value (expected a key such as clouds.aws.price_index)");
        return NULL;
    }
    return k;
}

/* The group to add the leaf to, created on the way as needed. */
static config_setting_t *make_parent(setter *st)
{
    config_setting_t *s;
    int from = 0;
    if (st->list_at >= 0) {
        char lpath[256] = "";
        for (int i = 0; i <= st->list_at; i++)
            snprintf(lpath + strlen(lpath), sizeof lpath - strlen(lpath), "%s%s", i ? "." : "",
                     st->c[i].name);
        ms_found f = ms_loader_find(st->ld, lpath);
        int idx = st->c[st->list_at + 1].index;
        if (!f.s || config_setting_type(f.s) != CONFIG_TYPE_LIST ||
            idx >= config_setting_length(f.s)) {
            set_error(st, "no such list element (%s has fewer entries)", lpath);
            return NULL;
        }
        s = config_setting_get_elem(f.s, (unsigned)idx);
        from = st->list_at + 2;
    } else {
        s = config_root_setting(&st->ld->layers[st->ld->n - 1].cfg);
    }
    for (int i = from; s && i < st->n - 1; i++) {
        config_setting_t *m = config_setting_get_member(s, st->c[i].name);
        if (m && config_setting_type(m) != CONFIG_TYPE_GROUP) {
            config_setting_remove(s, st->c[i].name);
            m = NULL;
        }
        if (!m && !(m = config_setting_add(s, st->c[i].name, CONFIG_TYPE_GROUP)))
            set_error(st, "cannot create \"%s\" (expected a name of letters, digits, '_' or '-')",
                      st->c[i].name);
        s = m;
    }
    if (s && config_setting_type(s) != CONFIG_TYPE_GROUP) {
        set_error(st, "cannot set a key inside a value that is not a group (expected a group)");
        return NULL;
    }
    return s;
}

void ms_override_unquote(const char *v, char *buf, size_t cap)
{
    while (isspace((unsigned char)*v))
        v++;
    size_t len = strlen(v);
    while (len && isspace((unsigned char)v[len - 1]))
        len--;
    if (len >= 2 && ((v[0] == '"' && v[len - 1] == '"') || (v[0] == '\'' && v[len - 1] == '\''))) {
        v++;
        len -= 2;
    }
    if (len >= cap)
        len = cap - 1;
    memcpy(buf, v, len);
    buf[len] = '\0';
}

static int set_refset(setter *st, config_setting_t *leaf, const char *v)
{
    char buf[512];
    ms_override_unquote(v, buf, sizeof buf);
    char *p = buf;
    size_t len = strlen(p);
    if (len && p[0] == '[' && p[len - 1] == ']') {
        p[len - 1] = '\0';
        p++;
    }
    /* split on every comma (not strtok: "aws,,azure" has an empty id) */
    for (char *tok = p, *next; tok; tok = next) {
        char id[64];
        next = strchr(tok, ',');
        if (next)
            *next++ = '\0';
        ms_override_unquote(tok, id, sizeof id);
        if (!id[0]) {
            set_error(st,
                      "\"%s\" has an empty element (expected ids separated by single "
                      "commas, e.g. %s)",
                      v, "aws,azure");
            return -1;
        }
        if (!config_setting_set_string_elem(leaf, -1, id)) {
            set_error(st, "\"%s\" is not a list of ids (expected e.g. %s)", v, "aws,azure");
            return -1;
        }
    }
    return 0;
}

static int number_error(setter *st, const ms_schema_key *k, const char *v)
{
    char t[64], r[360], exp[440];
    ms_schema_type_text(k, t, sizeof t);
    ms_schema_range_text(k, r, sizeof r);
    snprintf(exp, sizeof exp, "%s, %s", t, r);
    set_error(st, "\"%s\" is not a number of this type (expected %s)", v, exp);
    return -1;
}

/* Adds the leaf to parent with the value parsed by the key's type. */
static int set_leaf(setter *st, const ms_schema_key *k, config_setting_t *parent, const char *v)
{
    const char *name = st->c[st->n - 1].name;
    char buf[256];
    char *end;
    ms_override_unquote(v, buf, sizeof buf);
    int ctype = k->type == MS_SCHEMA_BOOL                                ? CONFIG_TYPE_BOOL
                : k->type == MS_SCHEMA_REFSET                            ? CONFIG_TYPE_ARRAY
                : k->type == MS_SCHEMA_FLOAT                             ? CONFIG_TYPE_FLOAT
                : k->type == MS_SCHEMA_INT || k->type == MS_SCHEMA_INT64 ? CONFIG_TYPE_INT64
                                                                         : CONFIG_TYPE_STRING;
    long long iv = 0;
    double dv = 0;
    errno = 0;
    if (ctype == CONFIG_TYPE_INT64) {
        iv = strtoll(buf, &end, 10);
        if (errno == ERANGE && (k->flags & MS_SCHEMA_U64) && buf[0] != '-') {
            errno = 0; /* a seed of 2^63 or more: stored as its two's complement */
            iv = (long long)strtoull(buf, &end, 10);
        }
        if (end == buf || (*end && strcmp(end, "L") != 0) || errno == ERANGE)
            return number_error(st, k, v);
    } else if (ctype == CONFIG_TYPE_FLOAT) {
        dv = strtod(buf, &end);
        if (end == buf || *end)
            return number_error(st, k, v);
    } else if (ctype == CONFIG_TYPE_BOOL && strcasecmp(buf, "true") && strcasecmp(buf, "false")) {
        set_error(st, "\"%s\" is not a bool (expected %s)", v, "true or false");
        return -1;
    }
    if (config_setting_get_member(parent, name))
        config_setting_remove(parent, name);
    config_setting_t *leaf = config_setting_add(parent, name, ctype);
    if (!leaf) {
        set_error(st, "cannot create this key (expected a valid setting name)");
        return -1;
    }
    switch (ctype) {
    case CONFIG_TYPE_INT64:
        config_setting_set_int64(leaf, iv);
        break;
    case CONFIG_TYPE_FLOAT:
        config_setting_set_float(leaf, dv);
        break;
    case CONFIG_TYPE_BOOL:
        config_setting_set_bool(leaf, strcasecmp(buf, "true") == 0);
        break;
    case CONFIG_TYPE_ARRAY:
        return set_refset(st, leaf, v);
    default:
        config_setting_set_string(leaf, buf);
        break;
    }
    return 0;
}

/* Splits `set` into key and value and maps the key onto the schema.
 * Returns the leaf key, or NULL after reporting (when st->errs is set). */
static const ms_schema_key *parse_set(setter *st, char *key, size_t cap, const char *set,
                                      const char **value)
{
    const char *eq = strchr(set, '=');
    size_t klen = eq ? (size_t)(eq - set) : strlen(set);
    if (klen >= cap)
        klen = cap - 1;
    memcpy(key, set, klen);
    key[klen] = '\0';
    st->key = key;
    st->list_at = st->id_at = -1;
    *value = eq ? eq + 1 : "";
    if (!eq || klen == 0) {
        set_error(st, "\"%s\" is not an override (expected %s)", set, "KEY=VALUE");
        return NULL;
    }
    if (split_key(st) != 0) {
        set_error(st, "malformed key (expected a path such as clouds.aws.price_index)");
        return NULL;
    }
    return match_schema(st);
}

static void apply_one(ms_loader *ld, const char *set)
{
    char key[256];
    const char *value;
    setter st = {.ld = ld, .errs = ld->errs};
    const ms_schema_key *k = parse_set(&st, key, sizeof key, set, &value);
    if (!k)
        return;
    config_setting_t *parent = make_parent(&st);
    if (parent)
        set_leaf(&st, k, parent, value);
}

const ms_schema_key *ms_override_target(const char *set, ms_override_tgt *t)
{
    char key[256];
    setter st = {.ld = NULL, .errs = NULL};
    const ms_schema_key *k = parse_set(&st, key, sizeof key, set, &t->value);
    if (!k)
        return NULL;
    t->in_list = st.list_at >= 0;
    t->kind = st.id_at >= 0 ? st.kind : -1;
    snprintf(t->id, sizeof t->id, "%s", st.id_at >= 0 ? st.c[st.id_at].name : "");
    return k;
}

void ms_override_apply(ms_loader *ld, const char *const *sets, int nsets)
{
    for (int i = 0; i < nsets; i++)
        if (sets[i])
            apply_one(ld, sets[i]);
}

const ms_schema_key *ms_override_lookup(ms_loader *ld, const char *key)
{
    setter st = {.ld = ld, .errs = ld->errs, .key = key, .list_at = -1, .id_at = -1};
    if (split_key(&st) != 0) {
        set_error(&st, "malformed key (expected a path such as clouds.aws.price_index)");
        return NULL;
    }
    return match_schema(&st);
}
