/* loader.c - ms_scenario_load: files, @include layers, and the pipeline.
 *
 * Pipeline: read text -> prescan (integer overflow, @include) -> parse each
 * file into its own libconfig tree (included files first, so they sit
 * below) -> --set overrides -> check every layer against the schema ->
 * build the scenario -> cross-key checks. Each stage reports into the
 * caller's ms_errors; the first stage with errors ends the load, so a bad
 * file never yields a scenario. @include paths resolve relative to the
 * directory of the file that includes them, then along the search path
 * (library.c). Nothing here is global but that path ($MARKETSIM_PATH):
 * all state lives in the ms_loader on the caller's stack.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "marketsim/csv.h"
#include "scenario_internal.h"

#define MS_MAX_FILE_BYTES (16u << 20)
#define MS_MAX_INCLUDE_DEPTH 6

/* Opens path for reading. With regular_only (an @include), anything but a
 * regular file is refused: opening is non-blocking, so a FIFO cannot hang
 * the load, and a directory or device never reaches the parser. The main
 * file may be a pipe (`marketsim validate <(gen)`). */
static FILE *open_text(const char *path, int regular_only, ms_errors *errs)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | (regular_only ? O_NONBLOCK : 0));
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        ms_errors_add(errs, path, 0, "", "cannot open: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (regular_only && !S_ISREG(st.st_mode)) {
        ms_errors_add(errs, path, 0, "", "is not a regular file (expected a scenario file)");
        close(fd);
        return NULL;
    }
    if (regular_only)
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        ms_errors_add(errs, path, 0, "", "cannot open: %s", strerror(errno));
        close(fd);
    }
    return f;
}

char *ms_scenario_read_file(const char *path, int regular_only, ms_errors *errs)
{
    FILE *f = open_text(path, regular_only, errs);
    if (!f)
        return NULL;
    ms_buf b;
    ms_buf_init(&b);
    ms_status st = ms_buf_read_stream(&b, f, MS_MAX_FILE_BYTES);
    fclose(f);
    size_t n = b.len;
    char *buf = (char *)ms_buf_cstr(&b); /* NUL-terminated: b.data, or "" when empty */
    if (st != MS_OK || !ms_buf_ok(&b)) {
        ms_errors_add(errs, path, 0, "", "%s",
                      st == MS_ENOMEM ? "out of memory" : "cannot read (or larger than 16 MB)");
        ms_buf_fini(&b);
        return NULL;
    }
    if (memchr(buf, '\0', n)) {
        ms_errors_add(errs, path, 0, "", "contains a NUL byte (expected a text file)");
        ms_buf_fini(&b);
        return NULL;
    }
    return b.data ? b.data : strdup(""); /* the caller frees it */
}

void ms_scenario_dir_of(char *out, size_t cap, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, cap, ".");
    else if (slash == path)
        snprintf(out, cap, "/");
    else
        snprintf(out, cap, "%.*s", (int)(slash - path), path);
}

static void report_bad_ints(ms_loader *ld, int layer, const ms_prescan *ps);

static int load_text(ms_loader *ld, const char *text, const char *name, const char *dir, int depth);

static void load_include(ms_loader *ld, const ms_prescan *ps, int i, const char *name,
                         const char *dir, int depth)
{
    char path[1024], incdir[1024], looked[1024];
    if (ps->include_nested[i]) {
        ms_errors_add(ld->errs, name, ps->include_lines[i], "@include",
                      "\"%s\" is inside a group (expected @include at the top level: an "
                      "included file is a layer of whole settings)",
                      ps->includes[i]);
        ld->syntax_errors++;
        return;
    }
    if (depth >= MS_MAX_INCLUDE_DEPTH) {
        ms_errors_add(ld->errs, name, ps->include_lines[i], "@include",
                      "\"%s\": includes nested too deeply (at most %d levels; a cycle?)",
                      ps->includes[i], MS_MAX_INCLUDE_DEPTH);
        ld->syntax_errors++;
        return;
    }
    if (ms_include_resolve(ps->includes[i], dir, path, sizeof path, looked, sizeof looked) != 0) {
        ms_errors_add(ld->errs, name, ps->include_lines[i], "@include",
                      "\"%s\" not found (looked in %s)", ps->includes[i], looked);
        ld->syntax_errors++;
        return;
    }
    char *real = realpath(path, NULL);
    for (int d = 0; real && d < depth + 1 && d < MS_MAX_INCLUDE_DEPTH; d++) {
        if (strcmp(ld->open_files[d], real) == 0) {
            ms_errors_add(ld->errs, name, ps->include_lines[i], "@include",
                          "\"%s\" includes itself (expected no include cycle)", ps->includes[i]);
            ld->syntax_errors++;
            free(real);
            return;
        }
    }
    snprintf(ld->open_files[depth + 1], sizeof ld->open_files[0], "%s", real ? real : "");
    free(real);
    ms_errors sub;
    ms_errors_init(&sub);
    char *text = ms_scenario_read_file(path, 1, &sub);
    if (!text) {
        ms_errors_add(ld->errs, name, ps->include_lines[i], "@include", "\"%s\": %s", path,
                      sub.count ? sub.items[0].msg : "cannot read");
        ld->syntax_errors++;
        return;
    }
    ms_scenario_dir_of(incdir, sizeof incdir, path);
    load_text(ld, text, path, incdir, depth + 1);
    free(text);
}

static const char *syntax_message(const char *text)
{
    if (text && strstr(text, "duplicate"))
        return "duplicate setting name (expected each name once per group in a file; a file "
               "may override what it includes)";
    return "syntax error (expected libconfig syntax: name = value; with groups { }, "
           "arrays [ ] and lists ( ))";
}

/* Parses one file's text (and, first, what it includes) into new layers. */
static int load_text(ms_loader *ld, const char *text, const char *name, const char *dir, int depth)
{
    if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3; /* a UTF-8 byte-order mark, as editors on Windows write */
    ms_prescan ps;
    if (ms_prescan_run(text, &ps) != 0) {
        ms_errors_add(ld->errs, name, 0, "", "out of memory");
        return -1;
    }
    if (ps.limit_line) {
        ms_errors_add(ld->errs, name, ps.limit_line, "", "file too large: %s", ps.limit_msg);
        ld->syntax_errors++;
        ms_prescan_fini(&ps);
        return -1;
    }
    if (ps.dropped_line) {
        ms_errors_add(ld->errs, name, ps.dropped_line, "@include",
                      "too many @include directives or too long a path (expected at most %d "
                      "per file, paths under 256 characters)",
                      MS_PRESCAN_MAX_INCLUDES);
        ld->syntax_errors++;
    }
    for (int i = 0; i < ps.n_includes; i++)
        load_include(ld, &ps, i, name, dir, depth);
    if (ld->n >= MS_MAX_LAYERS - 1) {
        ms_errors_add(ld->errs, name, 0, "@include", "too many included files (at most %d)",
                      MS_MAX_LAYERS - 2);
        ld->syntax_errors++;
        ms_prescan_fini(&ps);
        return -1;
    }
    ms_layer *ly = &ld->layers[ld->n++];
    config_init(&ly->cfg);
    snprintf(ly->file, sizeof ly->file, "%s", name);
    if (config_read_string(&ly->cfg, ps.text) != CONFIG_TRUE) {
        const char *ef = config_error_file(&ly->cfg);
        ms_errors_add(ld->errs, ef ? ef : name, config_error_line(&ly->cfg), "", "%s",
                      syntax_message(config_error_text(&ly->cfg)));
        ld->syntax_errors++;
    } else {
        report_bad_ints(ld, ld->n - 1, &ps);
    }
    ms_prescan_fini(&ps);
    return 0;
}

/* Finds the integer setting on `line` (preferring one holding `wrapped`,
 * what libconfig 1.5 made of the token) and writes its concrete path. */
static config_setting_t *find_int_on_line(config_setting_t *s, int line, long long wrapped,
                                          int pass, char *path, size_t cap)
{
    int type = config_setting_type(s);
    if ((type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) &&
        (int)config_setting_source_line(s) == line && !config_setting_get_hook(s) &&
        (pass == 1 || config_setting_get_int64(s) == wrapped)) {
        snprintf(path, cap, "%s", config_setting_name(s) ? config_setting_name(s) : "");
        return s;
    }
    if (type != CONFIG_TYPE_GROUP && type != CONFIG_TYPE_LIST)
        return NULL;
    int n = config_setting_length(s);
    for (int i = 0; i < n; i++) {
        char sub[200];
        config_setting_t *hit = find_int_on_line(config_setting_get_elem(s, (unsigned)i), line,
                                                 wrapped, pass, sub, sizeof sub);
        if (!hit)
            continue;
        const char *me = config_setting_name(s);
        if (config_setting_is_root(s))
            snprintf(path, cap, "%s", sub);
        else if (type == CONFIG_TYPE_LIST)
            snprintf(path, cap, "%.60s[%d]%s%.120s", me ? me : "", i, sub[0] ? "." : "", sub);
        else
            snprintf(path, cap, "%.60s.%.130s", me ? me : "", sub);
        return hit;
    }
    return NULL;
}

/* What Debian's libconfig 1.5 stores for an unsuffixed decimal token. */
static long long wrapped_value(const char *token)
{
    unsigned long long v = strtoull(token, NULL, 0);
    return (long long)(int32_t)(uint32_t)(v & 0xffffffffu);
}

/* Reports each out-of-range integer token at its key, and marks that
 * setting (hook) so the checker does not report its wrapped value again. */
static void report_bad_ints(ms_loader *ld, int layer, const ms_prescan *ps)
{
    config_setting_t *root = config_root_setting(&ld->layers[layer].cfg);
    for (int i = 0; i < ps->n_bad; i++) {
        char key[200] = "";
        long long w = wrapped_value(ps->bad_tokens[i]);
        config_setting_t *hit = find_int_on_line(root, ps->bad_lines[i], w, 0, key, sizeof key);
        if (!hit)
            hit = find_int_on_line(root, ps->bad_lines[i], w, 1, key, sizeof key);
        if (hit)
            config_setting_set_hook(hit, ld);
        else
            key[0] = '\0';
        if (ps->bad_is64[i])
            ms_errors_add(ld->errs, ld->layers[layer].file, ps->bad_lines[i], key,
                          "integer %s does not fit in 64 bits (expected at most "
                          "9223372036854775807L)",
                          ps->bad_tokens[i]);
        else
            ms_errors_add(ld->errs, ld->layers[layer].file, ps->bad_lines[i], key,
                          "integer %s does not fit in 32 bits (expected at most 2147483647, "
                          "or an L suffix for a 64-bit key)",
                          ps->bad_tokens[i]);
    }
}

config_setting_t *ms_loader_resolve(config_setting_t *root, const char *path)
{
    config_setting_t *s = root;
    const char *p = path;
    while (s && *p) {
        if (*p == '.') {
            p++;
            continue;
        }
        if (*p == '[') {
            char *end;
            long idx = strtol(p + 1, &end, 10);
            if (*end != ']' || config_setting_type(s) != CONFIG_TYPE_LIST || idx < 0)
                return NULL;
            s = idx < config_setting_length(s) ? config_setting_get_elem(s, (unsigned)idx) : NULL;
            p = end + 1;
            continue;
        }
        size_t len = strcspn(p, ".[");
        char name[128];
        if (len >= sizeof name || config_setting_type(s) != CONFIG_TYPE_GROUP)
            return NULL;
        memcpy(name, p, len);
        name[len] = '\0';
        s = config_setting_get_member(s, name);
        p += len;
    }
    return s;
}

ms_found ms_loader_find(const ms_loader *ld, const char *path)
{
    ms_found f = {NULL, -1};
    for (int i = ld->n - 1; i >= 0; i--) {
        config_t *cfg = (config_t *)&ld->layers[i].cfg;
        const config_setting_t *s = ms_loader_resolve(config_root_setting(cfg), path);
        if (s) {
            f.s = s;
            f.layer = i;
            return f;
        }
    }
    return f;
}

void ms_loader_where_setting(const ms_loader *ld, int layer, const config_setting_t *s,
                             const char **file, int *line)
{
    *line = s ? (int)config_setting_source_line(s) : 0;
    if (layer < 0 || !s || config_setting_is_root(s))
        *file = ld->main_file;
    else
        *file = *line > 0 ? ld->layers[layer].file : "--set";
}

void ms_loader_where(const ms_loader *ld, const char *path, const char **file, int *line)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    while (buf[0]) {
        ms_found f = ms_loader_find(ld, buf);
        if (f.s) {
            ms_loader_where_setting(ld, f.layer, f.s, file, line);
            return;
        }
        char *cut = strrchr(buf, '.');
        char *br = strrchr(buf, '[');
        if (br && (!cut || br > cut))
            cut = br;
        if (cut)
            *cut = '\0';
        else
            buf[0] = '\0';
    }
    *file = ld->main_file;
    *line = 0;
}

/* The scenario name's default: the main file's base name without ".cfg". */
static void default_name(ms_scenario *sc, const char *file)
{
    if (sc->name[0])
        return;
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".cfg") == 0)
        len -= 4;
    if (len >= sizeof sc->name)
        len = sizeof sc->name - 1;
    memcpy(sc->name, base, len);
    sc->name[len] = '\0';
    for (char *c = sc->name; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '_'; /* the resolved file must read back */
    /* a file named "..cfg" or "caf\xe9.cfg" must not name a directory
     * outside out/ or put invalid UTF-8 into CSV cells */
    for (size_t i = 0; sc->name[i];) {
        size_t n = strlen(sc->name + i), ok = ms_scenario_utf8_check(sc->name + i, n);
        if (ok == n)
            break;
        sc->name[i + ok] = '_';
        i += ok + 1;
    }
    if (ms_scenario_name_problem(sc->name))
        for (char *c = sc->name; *c; c++)
            if (*c == '.')
                *c = '_';
}

static ms_status run_pipeline(ms_loader *ld, const char *text, const char *name, const char *dir,
                              const char *const *sets, int nsets, ms_scenario **out)
{
    load_text(ld, text, name, dir, 0);
    if (ld->syntax_errors || ld->n == 0)
        return MS_ECONFIG;
    if (ld->n < MS_MAX_LAYERS) {
        config_init(&ld->layers[ld->n].cfg);
        snprintf(ld->layers[ld->n].file, sizeof ld->layers[0].file, "--set");
        ld->n++;
    }
    ms_override_apply(ld, sets, nsets);
    for (int i = 0; i < ld->n; i++)
        ms_check_layer(ld, i);
    if (ld->errs->count)
        return MS_ECONFIG;
    ms_scenario *sc = calloc(1, sizeof *sc);
    if (!sc) {
        ms_errors_add(ld->errs, name, 0, "", "out of memory");
        return MS_ENOMEM;
    }
    ms_build_scenario(ld, sc);
    ms_xcheck_scenario(ld, sc);
    if (ld->errs->count) {
        free(sc);
        return MS_ECONFIG;
    }
    default_name(sc, name);
    *out = sc;
    return MS_OK;
}

ms_status ms_scenario_load_string(const char *text, const char *name, const char *include_dir,
                                  const char *const *sets, int nsets, ms_scenario **out,
                                  ms_errors *errs)
{
    ms_errors_init(errs);
    *out = NULL;
    if (!text || !name) {
        ms_errors_add(errs, name ? name : "", 0, "", "no scenario text");
        return MS_EINVAL;
    }
    ms_loader *ld = calloc(1, sizeof *ld);
    if (!ld) {
        ms_errors_add(errs, name, 0, "", "out of memory");
        return MS_ENOMEM;
    }
    ld->errs = errs;
    ld->main_file = name;
    char *real = realpath(name, NULL);
    snprintf(ld->open_files[0], sizeof ld->open_files[0], "%s", real ? real : "");
    free(real);
    ms_status st = run_pipeline(ld, text, name, include_dir ? include_dir : ".", sets, nsets, out);
    for (int i = 0; i < ld->n; i++)
        config_destroy(&ld->layers[i].cfg);
    free(ld);
    return st;
}

ms_status ms_scenario_load(const char *path, const char *const *sets, int nsets, ms_scenario **out,
                           ms_errors *errs)
{
    ms_errors_init(errs);
    *out = NULL;
    char *text = path ? ms_scenario_read_file(path, 0, errs) : NULL;
    if (!text) {
        if (!path)
            ms_errors_add(errs, "", 0, "", "no scenario file given");
        return MS_EIO;
    }
    char dir[512];
    ms_scenario_dir_of(dir, sizeof dir, path);
    ms_status st = ms_scenario_load_string(text, path, dir, sets, nsets, out, errs);
    free(text);
    return st;
}

void ms_scenario_destroy(ms_scenario *sc)
{
    free(sc);
}
