/* design.h - sweep designs: which values each varied key takes at each
 * point.
 *
 * A design is a table of points x keys whose cells are override values in
 * text form, applied to the scenario as `--set KEY=VALUE` (so they are
 * type- and range-checked exactly like the file). Numbers are written with
 * the shortest text (C locale) that reads back as the value drawn.
 *
 * SPEC forms (after KEY=):
 *   a,b,c      a list (grid only)
 *   lo:hi:n    n evenly spaced values from lo to hi (grid only)
 *   lo:hi      a range (lhs, sobol, saltelli, morris)
 * Every KEY is looked up in the schema and its spec typed by the key, not
 * by how the numbers are written: a float key takes reals (0:1 is the
 * interval [0, 1]); an integer key takes whole numbers (rounded for grid,
 * floored strata for lhs/sobol/saltelli, rounded Morris levels), and its
 * numbers may be written 300, 300L, 300.0 or 3e2 (a list value --set
 * reads is kept as written, 300.0 becomes 300; 300.5 is refused). Every
 * number the user wrote must lie in the key's range. A word key (bool,
 * choice, id, string) takes a list only, verbatim, ':' included. Errors
 * quote the user's text: err->file is "--vary", err->key the KEY=SPEC.
 *
 * Point order: grid is the cartesian product with the first --vary slowest;
 * lhs and sobol are in sample order; a design file in row order; saltelli
 * and morris in the layouts of sensitivity.h (A, AB_1..AB_k, B per base
 * sample; k + 1 points per trajectory). Morris values are the grid levels
 * lo + (hi - lo) l / (L - 1), rounded for an integer key.
 */
#ifndef MARKETSIM_DESIGN_H
#define MARKETSIM_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "marketsim/csv.h"
#include "marketsim/error.h"

#define MS_DESIGN_MAX_KEYS 40 /* GSL's Sobol generator goes to 40 dimensions */
#define MS_DESIGN_KEY_LEN 128
/* Rows a design file may hold: checked while reading, so a huge file
 * fails at once instead of after every point of it has been validated. */
#define MS_DESIGN_FILE_MAX_POINTS 100000

typedef enum {
    MS_DESIGN_GRID = 0,
    MS_DESIGN_LHS,
    MS_DESIGN_SOBOL,
    MS_DESIGN_FILE,
    MS_DESIGN_SALTELLI, /* Sobol indices: N (k + 2) points, k <= 20 */
    MS_DESIGN_MORRIS    /* elementary effects: r (k + 1) points */
} ms_design_kind;

typedef struct {
    ms_design_kind kind;
    int n_keys;
    char keys[MS_DESIGN_MAX_KEYS][MS_DESIGN_KEY_LEN];
    size_t n_points;
    char **cells; /* n_points * n_keys owned strings, row-major */
    /* saltelli and morris only: what `marketsim sensitivity` needs */
    size_t samples;                /* base samples N, or trajectories r */
    int levels;                    /* morris grid levels L */
    double lo[MS_DESIGN_MAX_KEYS]; /* the lo:hi bounds of each key */
    double hi[MS_DESIGN_MAX_KEYS];
} ms_design;

/* Builds a grid, lhs or sobol design from `n` arguments of the form
 * KEY=SPEC. samples is the point count for lhs and sobol (ignored for
 * grid); seed drives lhs. On failure returns MS_EUSAGE (err: file =
 * "--vary", key = the --vary text, or key = "-n"/"--levels" for those
 * flags; the message says what is wrong) or MS_ENOMEM, and *d is empty.
 * Free with ms_design_fini. */
ms_status ms_design_build(ms_design_kind kind, const char *const *vary, int n, size_t samples,
                          uint64_t seed, ms_design *d, ms_error *err);
/* The same with the Morris level count (even, 2 to 1000; 0 = 4); other
 * kinds ignore it. saltelli: samples = base samples N (1 to 20 keys, as
 * GSL's Sobol sequence has 40 dimensions); morris: samples = trajectories,
 * drawn from seed. Both need lo < hi. */
ms_status ms_design_build_levels(ms_design_kind kind, const char *const *vary, int n,
                                 size_t samples, int levels, uint64_t seed, ms_design *d,
                                 ms_error *err);
/* Appends the manifest lines a sensitivity design adds (`design_samples`,
 * `design_levels` for morris, `design_bounds` as lo:hi;lo:hi in key
 * order); nothing for other kinds. */
void ms_design_manifest(const ms_design *d, ms_buf *b);
/* Reads a design file: a CSV with a header of keys and one row per point
 * (SALib, EMA Workbench or any tool). Keys must be in the schema and cells
 * are typed by them as --vary's list values are (100.0 in an integer
 * column is 100). Errors name the file and line. */
ms_status ms_design_read_csv(const char *path, ms_design *d, ms_error *err);

/* The value of key k at point p. */
const char *ms_design_cell(const ms_design *d, size_t p, int k);
/* Frees the cells; safe on a zeroed design. */
void ms_design_fini(ms_design *d);
/* "grid", "lhs", "sobol", "file", "saltelli" or "morris". */
const char *ms_design_kind_name(ms_design_kind kind);

#endif
