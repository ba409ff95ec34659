/* scenario_internal.h - private types shared by the scenario loader's files.
 *
 * The loader keeps a stack of parsed libconfig trees ("layers"): the files
 * pulled in by @include at the bottom, the scenario file above them and the
 * --set overrides on top. A key's effective value is the one in the highest
 * layer that has it: groups merge key by key, scalars and lists are replaced
 * whole. Every key is described once in the schema table (schema.c); the
 * checker, the builder, --set, the writer and the reference all walk it.
 */
#ifndef MS_SCENARIO_INTERNAL_H
#define MS_SCENARIO_INTERNAL_H

#include <libconfig.h>
#include <stddef.h>
#include <stdint.h>

#include "marketsim/scenario.h"

typedef enum {
    MS_SCHEMA_GROUP, /* a fixed group: sim, buyers, dispute, ... */
    MS_SCHEMA_NAMED, /* a group of entities keyed by id: clouds, products, ... */
    MS_SCHEMA_LIST,  /* a list of groups: rules, regime_schedule, events */
    MS_SCHEMA_INT,   /* 32-bit integer */
    MS_SCHEMA_INT64, /* 64-bit integer (write 3000000000L) */
    MS_SCHEMA_FLOAT, /* an integer is accepted and read as that float */
    MS_SCHEMA_BOOL,
    MS_SCHEMA_STRING,
    MS_SCHEMA_ENUM,  /* one of a fixed set of names */
    MS_SCHEMA_REF,   /* the id of an entity */
    MS_SCHEMA_REFSET /* an array of cloud ids, stored as a bitmask */
} ms_schema_type;

/* Which struct a key's offset points into. */
typedef enum {
    MS_SCOPE_NONE, /* containers */
    MS_SCOPE_ROOT, /* ms_scenario */
    MS_SCOPE_CLOUD,
    MS_SCOPE_VENDOR,
    MS_SCOPE_PRODUCT,
    MS_SCOPE_SEGMENT,
    MS_SCOPE_RULE,
    MS_SCOPE_SCHEDULE,
    MS_SCOPE_EVENT
} ms_schema_scope;

/* Entity kinds, for REF/REFSET/NAMED keys (aux field). */
enum {
    MS_KIND_CLOUD,
    MS_KIND_VENDOR,
    MS_KIND_PRODUCT,
    MS_KIND_SEGMENT,
    MS_KIND_REGIME,
    MS_KIND_COUNT
};

/* The one table of entity kinds: what the loader, the builder, the writer
 * and the overrides need to know of a kind of named entity. An entity's
 * struct begins with its id (checked in names.c). */
typedef struct {
    const char *name;      /* "cloud", in messages */
    const char *path;      /* "clouds": the group of entities keyed by id */
    size_t array, size;    /* offsetof(ms_scenario, clouds), sizeof(ms_cloud) */
    size_t count;          /* offsetof(ms_scenario, n_clouds) */
    int max;               /* MS_MAX_CLOUDS */
    ms_schema_scope scope; /* of its keys; MS_SCOPE_NONE for regimes (lists only) */
} ms_kind_info;

/* names.c. kind must be an MS_KIND_* (ms_kind_name also takes others). */
const ms_kind_info *ms_kind(int kind);
const char *ms_kind_name(int kind); /* "entity" for a kind out of range */
int *ms_kind_count(ms_scenario *sc, int kind);
/* Entity i of a kind (i < its count), and its id. */
void *ms_kind_entity(ms_scenario *sc, int kind, int i);
const char *ms_kind_id(const ms_scenario *sc, int kind, int i);
/* Index of the entity with this id, or -1. */
int ms_kind_find(const ms_scenario *sc, int kind, const char *id);

/* Enum choice tables, for ENUM keys (aux field). */
enum {
    MS_CHOICE_CLASS,
    MS_CHOICE_STATE,
    MS_CHOICE_OUTCOME,
    MS_CHOICE_EXO,
    MS_CHOICE_DISPUTE_EVENT
};

#define MS_SCHEMA_WILD 1u /* "*" means any (MS_ANY) */
#define MS_SCHEMA_NONE 2u /* "" means none (MS_ANY) */
#define MS_SCHEMA_U64 4u  /* stored as uint64_t (the seed) */

typedef struct {
    const char *path; /* "clouds.<id>.price_index", "events.[].month" */
    ms_schema_type type;
    const char *def;   /* default, as config text without quotes; NULL = required */
    double min, max;   /* numeric range (inclusive) */
    const char *units; /* "" when dimensionless */
    const char *doc;   /* one line */
    ms_schema_scope scope;
    size_t offset; /* into the scope's struct */
    size_t size;   /* STRING: buffer size */
    int aux;       /* ENUM: choice table; REF/REFSET/NAMED: entity kind */
    unsigned flags;
} ms_schema_key;

/* schema.c */
const ms_schema_key *ms_schema_keys(int *n);
const ms_schema_key *ms_schema_find(const char *norm_path);
/* Names of an enum choice table, NULL-terminated. */
const char *const *ms_schema_choices(int table);
int ms_schema_choice_index(int table, const char *name);
/* Writes the last component of a schema path's children of `parent` (the
 * normalized path) that best matches `name` into buf; 0 if none is close. */
int ms_schema_suggest(const char *parent, const char *name, char *buf, size_t cap);
int ms_schema_suggest_word(const char *const *words, int n, const char *name);
/* The last component of k's path if k is a direct child of `parent` (a
 * normalized path, "" for the root), else NULL. */
const char *ms_schema_child_name(const ms_schema_key *k, const char *parent);
/* Lists the child names of `parent`, comma separated, into buf. */
void ms_schema_children(const char *parent, char *buf, size_t cap);
void ms_schema_type_text(const ms_schema_key *k, char *buf, size_t cap);
void ms_schema_range_text(const ms_schema_key *k, char *buf, size_t cap);
/* Writes a double so that it reads back bit-identical and as a float. */
void ms_schema_format_double(double v, char *buf, size_t cap);

/* prescan.c */
#define MS_PRESCAN_MAX_INCLUDES 8
#define MS_PRESCAN_MAX_BAD 16
/* Sizes no real scenario comes near (the largest shipped one has under 200
 * settings, nested 4 deep), checked before libconfig, whose adding of a
 * setting to a group is linear in the group's size: 25,000 keys in one
 * group took 4.5 s and 100,000 took 47 s. */
#define MS_PRESCAN_MAX_SETTINGS 10000 /* in one file */
#define MS_PRESCAN_MAX_GROUP 1000     /* in one group */
#define MS_PRESCAN_MAX_DEPTH 16       /* nested { ( [ */
typedef struct {
    char *text; /* the input with @include directives blanked (malloc'd) */
    int n_includes;
    char includes[MS_PRESCAN_MAX_INCLUDES][256];
    int include_lines[MS_PRESCAN_MAX_INCLUDES];
    int include_nested[MS_PRESCAN_MAX_INCLUDES]; /* inside a group: not supported */
    int dropped_line; /* line of the first @include not recorded (too many, too long) */
    int n_bad;
    int bad_lines[MS_PRESCAN_MAX_BAD];
    char bad_tokens[MS_PRESCAN_MAX_BAD][48];
    int bad_is64[MS_PRESCAN_MAX_BAD];
    int limit_line;        /* line where a size limit was passed, 0 if none */
    const char *limit_msg; /* which limit (static text stating it) */
} ms_prescan;
/* Returns 0, or -1 when out of memory. Free with ms_prescan_fini. */
int ms_prescan_run(const char *text, ms_prescan *ps);
void ms_prescan_fini(ms_prescan *ps);

/* The loader. */
#define MS_MAX_LAYERS 12
typedef struct {
    config_t cfg;
    char file[256]; /* as shown in messages */
} ms_layer;

typedef struct {
    ms_layer layers[MS_MAX_LAYERS]; /* bottom (first include) to top (--set) */
    int n;
    int syntax_errors;       /* parse failures and unreadable files */
    char open_files[8][512]; /* real paths of the files being included, by depth */
    ms_errors *errs;
    const char *main_file;
} ms_loader;

/* A located setting: the value and the layer it came from. */
typedef struct {
    const config_setting_t *s;
    int layer;
} ms_found;

/* loader.c */
/* The whole file as a NUL-terminated string (malloc'd), or NULL with the
 * reason in errs (unreadable, over the size cap, a NUL byte; with
 * regular_only, not a regular file). */
char *ms_scenario_read_file(const char *path, int regular_only, ms_errors *errs);
/* The directory part of path ("." when none), where @include resolves. */
void ms_scenario_dir_of(char *out, size_t cap, const char *path);

/* library.c: the file `@include "name"` in a file of directory `dir`
 * reads. Returns 0 with its path in out; or -1 when no directory of the
 * search order holds it, with the directories tried, comma-separated and
 * each said why, in looked. */
int ms_include_resolve(const char *name, const char *dir, char *out, size_t cap, char *looked,
                       size_t looked_cap);
/* Resolves a concrete path ("clouds.aws.sla", "events.[2].value", "a[1].b")
 * inside one setting; NULL if absent. */
config_setting_t *ms_loader_resolve(config_setting_t *root, const char *path);
/* The highest layer's setting at `path`, or {NULL, -1}. */
ms_found ms_loader_find(const ms_loader *ld, const char *path);
/* File and line to report for `path`: the setting's own, else the nearest
 * existing ancestor's. A line of 0 means the value came from --set. */
void ms_loader_where(const ms_loader *ld, const char *path, const char **file, int *line);
void ms_loader_where_setting(const ms_loader *ld, int layer, const config_setting_t *s,
                             const char **file, int *line);

/* check.c: structure, types and ranges of every layer. */
void ms_check_layer(ms_loader *ld, int layer);

/* override.c: --set KEY=VALUE, applied into layers. */
void ms_override_apply(ms_loader *ld, const char *const *sets, int nsets);
/* The schema key of a concrete path ("clouds.aws.sla"), or NULL with the
 * reason (unknown key with a did-you-mean, not a single value) added to
 * ld->errs; only ld->errs is used. */
const ms_schema_key *ms_override_lookup(ms_loader *ld, const char *key);
/* Where an override points, parsed without a loader (for patch.c). */
typedef struct {
    const char *value; /* the text after '=' (points into the set) */
    int in_list;       /* the key is inside a list element */
    int kind;          /* MS_KIND_* of the entity the key belongs to, or -1 */
    char id[64];       /* that entity's id */
} ms_override_tgt;
/* The schema key `set` ("KEY=VALUE") names, or NULL when --set would
 * report an error for the key. */
const ms_schema_key *ms_override_target(const char *set, ms_override_tgt *t);
/* Copies v without surrounding quotes or blanks into buf (truncating). */
void ms_override_unquote(const char *v, char *buf, size_t cap);

/* patch.c: overrides applied to a built scenario (see ms_scenario_base). */
int ms_patch_apply(ms_scenario *sc, const char *const *sets, int nsets);

/* build.c: the scenario from the layers; reports dangling references. */
void ms_build_scenario(ms_loader *ld, ms_scenario *sc);

/* xcheck.c: rules that span keys (sums, probabilities, what each event
 * type needs), then sorts the schedule and events by month and settles the
 * initial regime. */
void ms_xcheck_scenario(ms_loader *ld, ms_scenario *sc);

#endif
