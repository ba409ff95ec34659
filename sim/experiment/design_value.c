/* design_value.c - design values typed by the schema (design_internal.h).
 *
 * What counts as an integer mirrors --set (base 10, an optional L suffix,
 * the seed up to 2^64 - 1), so a value --set takes is kept byte for byte;
 * only a whole number written as a decimal is rewritten, to the digits
 * --set reads. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "design_internal.h"
#include "marketsim/csv.h"

ms_status ms_design_key_lookup(const char *key, ms_design_key *k, char why[MS_DESIGN_WHY_LEN])
{
    ms_error err = {0};
    memset(k, 0, sizeof *k);
    if (ms_scenario_key_info(key, &k->info, &err) != MS_OK) {
        snprintf(why, MS_DESIGN_WHY_LEN, "%s", err.msg);
        return MS_EUSAGE;
    }
    k->type = k->info.is_int     ? MS_DESIGN_KEY_INT
              : k->info.is_float ? MS_DESIGN_KEY_FLOAT
                                 : MS_DESIGN_KEY_OTHER;
    return MS_OK;
}

/* An integer as --set reads one: 0 with *v, or -1. */
static int int_literal(const char *s, double *v)
{
    char *end;
    errno = 0;
    long long i = strtoll(s, &end, 10);
    if (errno == ERANGE && !strchr(s, '-')) {
        errno = 0;
        unsigned long long u = strtoull(s, &end, 10);
        *v = (double)u;
    } else {
        *v = (double)i;
    }
    return end != s && (!*end || strcmp(end, "L") == 0) && errno == 0 ? 0 : -1;
}

static int refuse(char *why, const char *fmt, const char *text, const ms_design_key *k)
{
    char quoted[160];
    snprintf(quoted, sizeof quoted, "\"%.150s%s\"", text, strlen(text) > 150 ? "..." : "");
    /* a long list of choices may be cut short: the quote comes first */
    int n = snprintf(why, MS_DESIGN_WHY_LEN, fmt, quoted, k->info.expected);
    if (n < 0 || (size_t)n >= MS_DESIGN_WHY_LEN)
        strcpy(why + MS_DESIGN_WHY_LEN - 5, "...)");
    return -1;
}

/* 1 when text is an integer literal, 0 when a number of another form,
 * -1 after refusing it. */
static int read_number(const ms_design_key *k, const char *text, double *v, char *why)
{
    if (k->type == MS_DESIGN_KEY_INT && int_literal(text, v) == 0)
        return 1;
    char *end;
    errno = 0;
    *v = strtod(text, &end);
    if (end == text || *end)
        return refuse(why, "%s is not a number (expected %s)", text, k);
    if (!isfinite(*v))
        return refuse(why, "%s is not a finite number (expected %s)", text, k);
    if (k->type == MS_DESIGN_KEY_INT && *v != floor(*v))
        return refuse(why, "%s is not a whole number (expected %s)", text, k);
    *v += 0.0; /* -0.0 reads as 0 */
    return 0;
}

int ms_design_number(const ms_design_key *k, const char *text, double *v,
                     char why[MS_DESIGN_WHY_LEN])
{
    if (read_number(k, text, v, why) < 0)
        return -1;
    if (*v < k->info.min || *v > k->info.max)
        return refuse(why, "%s is out of range (expected %s)", text, k);
    return 0;
}

static char *dup_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

char *ms_design_value(const ms_design_key *k, const char *text, char why[MS_DESIGN_WHY_LEN])
{
    why[0] = '\0';
    if (k->type == MS_DESIGN_KEY_OTHER)
        return dup_text(text);
    double v, as_int;
    if (ms_design_number(k, text, &v, why) != 0)
        return NULL;
    if (k->type == MS_DESIGN_KEY_FLOAT || int_literal(text, &as_int) == 0)
        return dup_text(text);
    return ms_design_format(v, MS_DESIGN_KEY_INT);
}

/* The shortest %.Ng (N <= 17) that reads back as v: 0.1:0.7:4 gives 0.3,
 * not 0.29999999999999999, and the value set is still exactly v. */
char *ms_design_format(double v, ms_design_key_type t)
{
    char tmp[400];
    if (t == MS_DESIGN_KEY_INT)
        snprintf(tmp, sizeof tmp, "%.0f", v);
    else
        for (int digits = 1; digits <= MS_CSV_EXACT_DIGITS; digits++) {
            ms_csv_format(tmp, sizeof tmp, v, digits);
            if (strtod(tmp, NULL) == v)
                break;
        }
    return dup_text(tmp);
}
