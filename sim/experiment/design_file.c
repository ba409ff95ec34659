/* design_file.c - reads a design from CSV: a header of keys, one row per
 * point, as SALib, EMA Workbench or a spreadsheet writes it. Fields may be
 * quoted (RFC 4180, no line breaks inside a field); CRLF line ends and a
 * UTF-8 byte-order mark are accepted; blank lines are skipped. A NUL byte,
 * invalid UTF-8, a line over 64 KiB or more than MS_DESIGN_FILE_MAX_POINTS
 * rows is refused with the line number, as soon as it is read. Keys are
 * looked up in the schema and every cell is typed by its key as --vary's
 * lists are (design_internal.h): an integer key's 300.0, as pandas writes
 * it, reads as 300; 300.5 or a value out of the key's range is refused. */
#define _POSIX_C_SOURCE 200809L /* getline */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "design_internal.h"
#include "marketsim/csv.h"
#include "marketsim/design.h"
#include "marketsim/scenario.h"

#define LINE_MAX_LEN 65536

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

typedef struct {
    FILE *f;
    const char *path;
    char *line; /* getline's buffer */
    size_t cap;
    int lineno;
    ms_status st; /* why next_line returned -1 */
} reader;

/* Reads the next line into r->line without its line end. Returns 1, 0 at
 * the end of the file, or -1 with err set: unlike fgets, getline reports
 * the length, so a NUL byte cannot silently cut a line short. */
static int next_line(reader *r, ms_error *err)
{
    errno = 0;
    ssize_t n = getline(&r->line, &r->cap, r->f);
    r->lineno++;
    if (n < 0) {
        if (ferror(r->f) || errno == ENOMEM) {
            r->st = ms_error_set(err, errno == ENOMEM ? MS_ENOMEM : MS_EIO, r->path, r->lineno,
                                 "--design-file", "cannot read: %s", strerror(errno ? errno : EIO));
            return -1;
        }
        return 0;
    }
    if (memchr(r->line, '\0', (size_t)n)) {
        r->st = ms_error_set(err, MS_EUSAGE, r->path, r->lineno, "--design-file",
                             "contains a NUL byte (expected a text file)");
        return -1;
    }
    if (n >= LINE_MAX_LEN) {
        r->st = ms_error_set(err, MS_EUSAGE, r->path, r->lineno, "--design-file",
                             "line longer than %d bytes", LINE_MAX_LEN - 1);
        return -1;
    }
    size_t bad = ms_scenario_utf8_check(r->line, (size_t)n);
    if (bad < (size_t)n) {
        r->st =
            ms_error_set(err, MS_EUSAGE, r->path, r->lineno, "--design-file",
                         "byte %zu of the line is not valid UTF-8 (expected UTF-8 text)", bad + 1);
        return -1;
    }
    chomp(r->line);
    return 1;
}

static ms_status read_header(reader *r, ms_design *d, ms_design_key *types, ms_error *err)
{
    const char *path = r->path;
    int got = next_line(r, err);
    if (got < 0)
        return r->st;
    if (got == 0)
        return ms_error_set(err, MS_EUSAGE, path, 1, "--design-file",
                            "empty file (expected a header of keys)");
    char *line = r->line;
    char *start = strncmp(line, "\xEF\xBB\xBF", 3) == 0 ? line + 3 : line;
    char *fields[MS_DESIGN_MAX_KEYS + 1];
    int n = ms_csv_split(start, fields, MS_DESIGN_MAX_KEYS);
    if (n < 1 || n > MS_DESIGN_MAX_KEYS)
        return ms_error_set(err, MS_EUSAGE, path, 1, "--design-file",
                            "the header must name 1 to %d keys", MS_DESIGN_MAX_KEYS);
    for (int k = 0; k < n; k++) {
        if (!fields[k][0] || strlen(fields[k]) >= MS_DESIGN_KEY_LEN)
            return ms_error_set(err, MS_EUSAGE, path, 1, "--design-file",
                                "column %d: empty or too long key", k + 1);
        for (int j = 0; j < k; j++)
            if (strcmp(d->keys[j], fields[k]) == 0)
                return ms_error_set(err, MS_EUSAGE, path, 1, fields[k], "column %d repeats a key",
                                    k + 1);
        strcpy(d->keys[k], fields[k]);
    }
    for (int k = 0; k < n; k++) {
        char why[MS_DESIGN_WHY_LEN];
        if (ms_design_key_lookup(d->keys[k], &types[k], why) != MS_OK)
            return ms_error_set(err, MS_EUSAGE, path, 1, d->keys[k], "column %d: %s", k + 1, why);
    }
    d->n_keys = n;
    return MS_OK;
}

/* Appends a row of cells typed by their keys; MS_EUSAGE with why set, or
 * MS_ENOMEM. */
static ms_status add_row(ms_design *d, const ms_design_key *types, char **fields, size_t *cap,
                         int *bad, char *why)
{
    if (d->n_points == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        char **cells = realloc(d->cells, nc * (size_t)d->n_keys * sizeof *cells);
        if (!cells)
            return MS_ENOMEM;
        d->cells = cells;
        *cap = nc;
    }
    char **row = d->cells + d->n_points * (size_t)d->n_keys;
    for (int k = 0; k < d->n_keys; k++) {
        if (!(row[k] = ms_design_value(&types[k], fields[k], why))) {
            for (int j = 0; j < k; j++)
                free(row[j]);
            *bad = k;
            return why[0] ? MS_EUSAGE : MS_ENOMEM;
        }
    }
    d->n_points++;
    return MS_OK;
}

static ms_status read_rows(reader *r, ms_design *d, const ms_design_key *types, ms_error *err)
{
    const char *path = r->path;
    size_t cap = 0;
    char *fields[MS_DESIGN_MAX_KEYS + 1];
    int got;
    while ((got = next_line(r, err)) > 0) {
        char *line = r->line;
        int lineno = r->lineno;
        if (line[0] == '\0')
            continue;
        if (d->n_points == MS_DESIGN_FILE_MAX_POINTS)
            return ms_error_set(err, MS_EUSAGE, path, lineno, "--design-file",
                                "more than %d points (split the design into several sweeps)",
                                MS_DESIGN_FILE_MAX_POINTS);
        int n = ms_csv_split(line, fields, d->n_keys);
        if (n != d->n_keys)
            return ms_error_set(err, MS_EUSAGE, path, lineno, "--design-file",
                                n < 0 ? "malformed quoted field"
                                      : "expected %d fields, like the header",
                                d->n_keys);
        for (int k = 0; k < n; k++)
            if (!fields[k][0])
                return ms_error_set(err, MS_EUSAGE, path, lineno, d->keys[k], "empty value");
        char why[MS_DESIGN_WHY_LEN];
        int bad = 0;
        ms_status st = add_row(d, types, fields, &cap, &bad, why);
        if (st == MS_EUSAGE)
            return ms_error_set(err, st, path, lineno, d->keys[bad], "%s", why);
        if (st != MS_OK)
            return ms_error_set(err, MS_ENOMEM, path, lineno, "--design-file", "out of memory");
    }
    if (got < 0)
        return r->st;
    if (d->n_points == 0)
        return ms_error_set(err, MS_EUSAGE, path, 2, "--design-file",
                            "no points (expected one row per point after the header)");
    return MS_OK;
}

ms_status ms_design_read_csv(const char *path, ms_design *d, ms_error *err)
{
    memset(d, 0, sizeof *d);
    d->kind = MS_DESIGN_FILE;
    FILE *f = fopen(path, "r");
    if (!f)
        return ms_error_set(err, MS_EUSAGE, path, 0, "--design-file", "cannot open the file");
    reader r = {f, path, NULL, 0, 0, MS_OK};
    ms_design_key types[MS_DESIGN_MAX_KEYS];
    ms_status st = read_header(&r, d, types, err);
    if (st == MS_OK)
        st = read_rows(&r, d, types, err);
    free(r.line);
    fclose(f);
    if (st != MS_OK)
        ms_design_fini(d);
    return st;
}
