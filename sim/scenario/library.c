/* library.c - where `@include "NAME"` looks, and the scenario library.
 *
 * A relative NAME is tried in order: the directory of the file that
 * includes it; each directory of $MARKETSIM_PATH (colon-separated; the
 * command line's -I DIR flags are put in front of it); the scenario
 * library that came with the program. The first directory where NAME
 * exists wins, whatever it is: a directory or a FIFO there is then refused
 * by the loader (regular files only), never skipped for a later match. An
 * absolute NAME is read as it is.
 *
 * The library is BINDIR/../share/marketsim/scenarios when the program is
 * installed (`cmake --install`, any prefix: it is found from the running
 * executable, not from the configured prefix). A program run from its
 * build tree uses the source tree's scenarios/ instead, so an uninstalled
 * build never reads an older installed library. The three paths come from
 * CMake (MS_LIBRARY_RELATIVE, MS_LIBRARY_BUILD_DIR, MS_LIBRARY_SOURCE_DIR).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario_internal.h"

#ifndef MS_LIBRARY_RELATIVE /* built without CMake: the installed layout only */
#define MS_LIBRARY_RELATIVE "../share/marketsim/scenarios"
#define MS_LIBRARY_BUILD_DIR ""
#define MS_LIBRARY_SOURCE_DIR ""
#endif

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* 1 if path is below dir (both real paths). */
static int is_below(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return n > 0 && strncmp(path, dir, n) == 0 && path[n] == '/';
}

const char *ms_scenario_library_dir(char *buf, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0 || cap == 0)
        return NULL;
    exe[len] = '\0';
    char *build = MS_LIBRARY_BUILD_DIR[0] ? realpath(MS_LIBRARY_BUILD_DIR, NULL) : NULL;
    int in_build = build && is_below(exe, build);
    free(build);
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0'; /* the program's directory */
    int n = snprintf(buf, cap, "%s/%s", exe, MS_LIBRARY_RELATIVE);
    if (n < 0 || (size_t)n >= cap)
        return NULL;
    if (in_build && !is_dir(buf) && strlen(MS_LIBRARY_SOURCE_DIR) < cap) {
        snprintf(buf, cap, "%s", MS_LIBRARY_SOURCE_DIR);
        return buf;
    }
    /* the library the program was built to find, even when it is missing:
     * a missing @include names it */
    char *real = realpath(buf, NULL);
    if (real && strlen(real) < cap)
        snprintf(buf, cap, "%s", real);
    free(real);
    return buf;
}

/* Appends sep, dir and why to the list of places looked (the message). */
static void note(char *looked, size_t cap, const char *sep, const char *dir, const char *why)
{
    size_t used = strlen(looked);
    if (used < cap)
        snprintf(looked + used, cap - used, "%s%s%s", used ? sep : "", dir, why);
}

/* Tries dir/name; 1 when it exists (or cannot be checked for a reason
 * other than its absence: the reader then reports that reason). */
static int try_dir(const char *dir, const char *name, char *out, size_t cap)
{
    struct stat st;
    if (!dir[0] || strcmp(dir, ".") == 0)
        snprintf(out, cap, "%s", name);
    else
        snprintf(out, cap, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    return stat(out, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

int ms_include_resolve(const char *name, const char *dir, char *out, size_t cap, char *looked,
                       size_t looked_cap)
{
    looked[0] = '\0';
    if (name[0] == '/') {
        snprintf(out, cap, "%s", name);
        return 0;
    }
    if (try_dir(dir, name, out, cap))
        return 0;
    note(looked, looked_cap, ", ", dir[0] ? dir : ".", " (the including file's directory)");
    const char *path = getenv(MS_SCENARIO_PATH_ENV);
    int from_path = 0;
    for (const char *p = path; p && *p;) {
        size_t len = strcspn(p, ":");
        char entry[PATH_MAX];
        if (len > 0 && len < sizeof entry) {
            memcpy(entry, p, len);
            entry[len] = '\0';
            if (try_dir(entry, name, out, cap))
                return 0;
            note(looked, looked_cap, ", ", entry, "");
            from_path = 1;
        }
        p += len + (p[len] == ':');
    }
    if (from_path)
        note(looked, looked_cap, "", "", " (-I, $" MS_SCENARIO_PATH_ENV ")");
    char lib[PATH_MAX];
    if (ms_scenario_library_dir(lib, sizeof lib)) {
        if (try_dir(lib, name, out, cap))
            return 0;
        note(looked, looked_cap, ", ", lib, " (the scenario library)");
    }
    return -1;
}
