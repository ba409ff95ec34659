/* design_internal.h - the schema's view of a varied key, shared by the
 * --vary specs (sweep_design.c) and design files (design_file.c); private
 * to sim/experiment.
 *
 * A design's values are typed by the key they vary, never by how the user
 * wrote them: a float key takes reals whatever its bounds look like, an
 * integer key takes whole numbers (300.0 and 3e2 read as 300, 300.5 is
 * refused), and every number the user wrote is checked against the key's
 * range before anything runs. Refusals quote the user's text as typed.
 */
#ifndef MARKETSIM_EXPERIMENT_DESIGN_INTERNAL_H
#define MARKETSIM_EXPERIMENT_DESIGN_INTERNAL_H

#include <stddef.h>

#include "marketsim/scenario.h"

#define MS_DESIGN_WHY_LEN sizeof(((ms_error *)0)->msg) /* an ms_error message */

typedef enum {
    MS_DESIGN_KEY_OTHER = 0, /* bool, choice, id, string: values are words */
    MS_DESIGN_KEY_INT,
    MS_DESIGN_KEY_FLOAT
} ms_design_key_type;

typedef struct {
    ms_design_key_type type;
    ms_scenario_keyinfo info;
} ms_design_key;

/* Looks key up in the schema. MS_OK, or MS_EUSAGE with why (unknown key,
 * with a did-you-mean). */
ms_status ms_design_key_lookup(const char *key, ms_design_key *k, char why[MS_DESIGN_WHY_LEN]);

/* Reads one number the user wrote for a number key k: a finite number in
 * the key's range, and whole for an integer key (written 300, 300L, 300.0
 * or 3e2). 0 with *v set, or -1 with why quoting text. */
int ms_design_number(const ms_design_key *k, const char *text, double *v,
                     char why[MS_DESIGN_WHY_LEN]);

/* The override text for one value the user listed: for a number key,
 * checked as ms_design_number does, and kept as written unless it is an
 * integer key's whole number written as a decimal (300.0 -> "300", which
 * --set reads); for other keys verbatim (loading checks them). Returns a
 * malloc'd string; NULL with why set on a refusal, NULL with why empty when
 * out of memory. */
char *ms_design_value(const ms_design_key *k, const char *text, char why[MS_DESIGN_WHY_LEN]);

/* The text of a design's number v for key type t: an integer key's as a
 * whole number, a float's as the shortest text that reads back as v.
 * malloc'd; NULL when out of memory. */
char *ms_design_format(double v, ms_design_key_type t);

#endif
