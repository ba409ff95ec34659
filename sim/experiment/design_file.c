/* design_file.c - reads a design from CSV: a header of keys, one row per
 * point, as SALib, EMA Workbench or a spreadsheet writes it. Fields may be
 * quoted (RFC 4180, no line breaks inside a field); CRLF line ends and a
 * UTF-8 byte-order mark are accepted; blank lines are skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/csv.h"
#include "marketsim/design.h"

#define LINE_MAX_LEN 65536

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

static ms_status read_header(FILE *f, const char *path, ms_design *d, char *line, ms_error *err)
{
    if (!fgets(line, LINE_MAX_LEN, f))
        return ms_error_set(err, MS_EUSAGE, path, 1, "--design-file", "empty file (expected a header of keys)");
    chomp(line);
    char *start = strncmp(line, "\xEF\xBB\xBF", 3) == 0 ? line + 3 : line;
    char *fields[MS_DESIGN_MAX_KEYS + 1];
    int n = ms_csv_split(start, fields, MS_DESIGN_MAX_KEYS);
    if (n < 1 || n > MS_DESIGN_MAX_KEYS)
        return ms_error_set(err, MS_EUSAGE, path, 1, "--design-file", "the header must name 1 to %d keys", MS_DESIGN_MAX_KEYS);
    for (int k = 0; k < n; k++) {
        if (!fields[k][0] || strlen(fields[k]) >= MS_DESIGN_KEY_LEN)
            return ms_error_set(err, MS_EUSAGE, path, 1, "--design-file", "column %d: empty or too long key", k + 1);
        for (int j = 0; j < k; j++)
            if (strcmp(d->keys[j], fields[k]) == 0)
                return ms_error_set(err, MS_EUSAGE, path, 1, fields[k], "column %d repeats a key", k + 1);
        strcpy(d->keys[k], fields[k]);
    }
    d->n_keys = n;
    return MS_OK;
}

static ms_status add_row(ms_design *d, char **fields, size_t *cap)
{
    if (d->n_points == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        char **cells = realloc(d->cells, nc * (size_t)d->n_keys * sizeof *cells);
        if (!cells)
            return MS_ENOMEM;
        d->cells = cells;
        *cap = nc;
    }
    for (int k = 0; k < d->n_keys; k++) {
        size_t len = strlen(fields[k]);
        char *v = malloc(len + 1);
        if (!v)
            return MS_ENOMEM;
        memcpy(v, fields[k], len + 1);
        d->cells[d->n_points * (size_t)d->n_keys + (size_t)k] = v;
    }
    d->n_points++;
    return MS_OK;
}

static ms_status read_rows(FILE *f, const char *path, ms_design *d, char *line, ms_error *err)
{
    size_t cap = 0;
    char *fields[MS_DESIGN_MAX_KEYS + 1];
    for (int lineno = 2; fgets(line, LINE_MAX_LEN, f); lineno++) {
        chomp(line);
        if (line[0] == '\0')
            continue;
        int n = ms_csv_split(line, fields, d->n_keys);
        if (n != d->n_keys)
            return ms_error_set(err, MS_EUSAGE, path, lineno, "--design-file",
                                n < 0 ? "malformed quoted field" : "expected %d fields, like the header", d->n_keys);
        for (int k = 0; k < n; k++)
            if (!fields[k][0])
                return ms_error_set(err, MS_EUSAGE, path, lineno, d->keys[k], "empty value");
        if (add_row(d, fields, &cap) != MS_OK)
            return ms_error_set(err, MS_ENOMEM, path, lineno, "--design-file", "out of memory");
    }
    if (d->n_points == 0)
        return ms_error_set(err, MS_EUSAGE, path, 2, "--design-file", "no points (expected one row per point after the header)");
    return MS_OK;
}

ms_status ms_design_read_csv(const char *path, ms_design *d, ms_error *err)
{
    memset(d, 0, sizeof *d);
    d->kind = MS_DESIGN_FILE;
    FILE *f = fopen(path, "r");
    if (!f)
        return ms_error_set(err, MS_EUSAGE, path, 0, "--design-file", "cannot open the file");
    char *line = malloc(LINE_MAX_LEN);
    ms_status st = line ? read_header(f, path, d, line, err) : MS_ENOMEM;
    if (st == MS_OK)
        st = read_rows(f, path, d, line, err);
    free(line);
    fclose(f);
    if (st != MS_OK)
        ms_design_fini(d);
    return st;
}
