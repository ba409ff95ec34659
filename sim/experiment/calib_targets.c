/* calib_targets.c - the targets file of `calibrate`: read, checked against
 * the scenario, and observed in a replication's results.
 *
 * A target names what it observes by metric and subject, exactly as the
 * outputs do: with a month, one of the monthly metrics below, read from
 * the rows of market.csv, products.csv and segments.csv at that month;
 * without one, any (metric, subject) of summary.csv. Every check happens
 * at read time against the scenario, so a run never meets a target it
 * cannot evaluate; the only value a replication may lack is a summary
 * metric the model leaves out (resolution_months when nothing resolved).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/calibrate.h"
#include "marketsim/csv.h"

#define MAX_FIELDS 8

/* What a subject must name. */
typedef enum {
    SUBJ_CLOUD,
    SUBJ_VENDOR,
    SUBJ_GROUP,
    SUBJ_ALL,
    SUBJ_OUTCOME,
    SUBJ_DISPUTE
} subj_kind;

typedef struct {
    const char *name;
    ms_calib_kind kind; /* MS_CT_SUMMARY for summary.csv metrics */
    subj_kind subj;
} metric_def;

static const metric_def monthly[] = {
    {"share_spend", MS_CT_SHARE_SPEND, SUBJ_CLOUD},
    {"share_buyers", MS_CT_SHARE_BUYERS, SUBJ_CLOUD},
    {"vendor_share_spend", MS_CT_VENDOR_SHARE, SUBJ_VENDOR},
    {"adoption_rate", MS_CT_ADOPTION, SUBJ_GROUP},
    {"multicloud_rate", MS_CT_MULTICLOUD, SUBJ_ALL},
    {"total_spend", MS_CT_TOTAL_SPEND, SUBJ_ALL},
};

/* summary.csv's metrics (docs/outputs.md). */
static const metric_def summary[] = {
    {"final_share_spend", MS_CT_SUMMARY, SUBJ_CLOUD},
    {"final_share_buyers", MS_CT_SUMMARY, SUBJ_CLOUD},
    {"vendor_share_spend", MS_CT_SUMMARY, SUBJ_VENDOR},
    {"total_spend", MS_CT_SUMMARY, SUBJ_ALL},
    {"adoption_rate", MS_CT_SUMMARY, SUBJ_GROUP},
    {"deferral_rate", MS_CT_SUMMARY, SUBJ_GROUP},
    {"multicloud_rate", MS_CT_SUMMARY, SUBJ_ALL},
    {"cloud_switch_rate", MS_CT_SUMMARY, SUBJ_ALL},
    {"vendor_switch_rate", MS_CT_SUMMARY, SUBJ_ALL},
    {"outcome_probability", MS_CT_SUMMARY, SUBJ_OUTCOME},
    {"resolution_months", MS_CT_SUMMARY, SUBJ_DISPUTE},
};

static const char *const outcomes[] = {"amended",   "settled",    "injunction", "plaintiff_wins",
                                       "dismissed", "unresolved", "none"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const metric_def *find_metric(const metric_def *defs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(defs[i].name, name) == 0)
            return &defs[i];
    return NULL;
}

static void list_metrics(const metric_def *defs, size_t n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", defs[i].name);
}

/* The subject's index, or 1 with a message in msg when it names nothing
 * the metric knows. */
static int find_subject(const ms_scenario *sc, subj_kind k, const char *s, int *index, char *msg,
                        size_t cap)
{
    int i = -1;
    switch (k) {
    case SUBJ_CLOUD:
        if ((i = ms_scenario_cloud(sc, s)) < 0)
            snprintf(msg, cap, "unknown cloud '%s' (the scenario has no such cloud)", s);
        break;
    case SUBJ_VENDOR:
        if ((i = ms_scenario_vendor(sc, s)) < 0)
            snprintf(msg, cap, "unknown vendor '%s' (the scenario has no such vendor)", s);
        break;
    case SUBJ_GROUP:
        if ((i = ms_scenario_segment(sc, s)) < 0)
            i = strcmp(s, "all") == 0         ? MS_CT_ALL
                : strcmp(s, "regulated") == 0 ? MS_CT_REGULATED
                : strcmp(s, "unregulated") == 0
                    ? MS_CT_UNREGULATED
                    : (snprintf(msg, cap,
                                "unknown subject '%s' (expected a "
                                "segment, regulated, unregulated or all)",
                                s),
                       -100);
        break;
    case SUBJ_ALL:
        i = strcmp(s, "all") == 0 ? MS_CT_ALL : -100;
        if (i == -100)
            snprintf(msg, cap, "unknown subject '%s' (expected all)", s);
        break;
    case SUBJ_OUTCOME:
        for (size_t o = 0; o < COUNT(outcomes); o++)
            if (strcmp(outcomes[o], s) == 0)
                i = (int)o;
        if (i < 0)
            snprintf(msg, cap,
                     "unknown outcome '%s' (expected amended, settled, injunction, "
                     "plaintiff_wins, dismissed, unresolved or none)",
                     s);
        break;
    case SUBJ_DISPUTE:
        i = strcmp(s, "dispute") == 0 ? 0 : -1;
        if (i < 0)
            snprintf(msg, cap, "unknown subject '%s' (expected dispute)", s);
        break;
    }
    *index = i;
    return (k == SUBJ_CLOUD || k == SUBJ_VENDOR || k == SUBJ_OUTCOME || k == SUBJ_DISPUTE)
               ? i < 0
               : i == -100;
}

/* Column positions from the header; -1 for an absent optional column. */
typedef struct {
    int month, metric, subject, value, se, source, n;
} columns;

static ms_status read_header(char *line, const char *name, columns *c, ms_error *err)
{
    static const char *const names[] = {"month", "metric", "subject", "value", "se", "source"};
    char *f[MAX_FIELDS + 1];
    int n = ms_csv_split(line, f, MAX_FIELDS);
    int *pos[] = {&c->month, &c->metric, &c->subject, &c->value, &c->se, &c->source};
    for (int k = 0; k < 6; k++)
        *pos[k] = -1;
    if (n < 0 || n > 6)
        return ms_error_set(err, MS_ECONFIG, name, 1, "header",
                            "expected the columns month,metric,subject,value,se[,source]");
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < 6 && strcmp(f[i], names[k]) != 0)
            k++;
        if (k == 6)
            return ms_error_set(err, MS_ECONFIG, name, 1, "header",
                                "unknown column '%s' (expected month, metric, subject, value, se "
                                "and optionally source)",
                                f[i]);
        if (*pos[k] >= 0)
            return ms_error_set(err, MS_ECONFIG, name, 1, "header", "column '%s' appears twice",
                                f[i]);
        *pos[k] = i;
    }
    for (int k = 0; k < 5; k++)
        if (*pos[k] < 0)
            return ms_error_set(err, MS_ECONFIG, name, 1, "header", "missing column '%s'",
                                names[k]);
    c->n = n;
    return MS_OK;
}

static int parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!s[0] || *end || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static ms_status parse_month(const char *s, const ms_scenario *sc, ms_calib_target *t,
                             const char *name, ms_error *err)
{
    t->month = -1;
    if (!s[0])
        return MS_OK;
    long m = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || m > 100000)
            return ms_error_set(err, MS_ECONFIG, name, t->line, "month",
                                "'%s' is not a whole month (expected 0..%d, or empty for a "
                                "summary metric)",
                                s, sc->horizon_months);
        m = m * 10 + (*p - '0');
    }
    if (m > sc->horizon_months)
        return ms_error_set(err, MS_ECONFIG, name, t->line, "month",
                            "%ld is beyond the horizon (expected 0..%d)", m, sc->horizon_months);
    t->month = (int)m;
    return MS_OK;
}

static ms_status parse_metric(const char *metric, const char *subject, const ms_scenario *sc,
                              ms_calib_target *t, const char *name, ms_error *err)
{
    const metric_def *d = t->month >= 0 ? find_metric(monthly, COUNT(monthly), metric)
                                        : find_metric(summary, COUNT(summary), metric);
    if (!d) {
        char list[400];
        if (t->month >= 0)
            list_metrics(monthly, COUNT(monthly), list, sizeof list);
        else
            list_metrics(summary, COUNT(summary), list, sizeof list);
        return ms_error_set(err, MS_ECONFIG, name, t->line, "metric",
                            "unknown %s metric '%s' (expected one of: %s)",
                            t->month >= 0 ? "monthly" : "summary", metric, list);
    }
    if (strlen(metric) >= sizeof t->metric || strlen(subject) >= sizeof t->subject)
        return ms_error_set(err, MS_ECONFIG, name, t->line, "subject", "'%s' is too long", subject);
    char msg[300];
    if (find_subject(sc, d->subj, subject, &t->index, msg, sizeof msg))
        return ms_error_set(err, MS_ECONFIG, name, t->line, "subject", "%s", msg);
    t->kind = d->kind;
    strcpy(t->metric, metric);
    strcpy(t->subject, subject);
    return MS_OK;
}

static ms_status parse_row(char *line, const columns *c, const char *name, const ms_scenario *sc,
                           ms_calib_target *t, ms_error *err)
{
    char *f[MAX_FIELDS + 1];
    int n = ms_csv_split(line, f, MAX_FIELDS);
    if (n != c->n)
        return ms_error_set(err, MS_ECONFIG, name, t->line, "row",
                            n < 0 ? "malformed quoted field"
                                  : "expected %d fields like the header, found %d",
                            c->n, n > MAX_FIELDS ? MAX_FIELDS + 1 : n);
    ms_status st = parse_month(f[c->month], sc, t, name, err);
    if (st == MS_OK)
        st = parse_metric(f[c->metric], f[c->subject], sc, t, name, err);
    if (st != MS_OK)
        return st;
    if (parse_number(f[c->value], &t->value) != 0)
        return ms_error_set(err, MS_ECONFIG, name, t->line, "value", "'%s' is not a finite number",
                            f[c->value]);
    if (!f[c->se][0])
        return ms_error_set(err, MS_ECONFIG, name, t->line, "se",
                            "missing (every target needs its standard error, > 0)");
    if (parse_number(f[c->se], &t->se) != 0 || !(t->se > 0))
        return ms_error_set(err, MS_ECONFIG, name, t->line, "se",
                            "'%s' is not a number > 0 (the target's standard error)", f[c->se]);
    if (c->source >= 0)
        snprintf(t->source, sizeof t->source, "%s", f[c->source]);
    return MS_OK;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    size_t len = p[0] < 0x80             ? 1
                 : (p[0] & 0xE0) == 0xC0 ? 2
                 : (p[0] & 0xF0) == 0xE0 ? 3
                 : (p[0] & 0xF8) == 0xF0 ? 4
                                         : 0;
    if (len == 0 || len > n || (len == 2 && p[0] < 0xC2) || (len == 4 && p[0] > 0xF4))
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if ((len == 3 && p[0] == 0xE0 && p[1] < 0xA0) || (len == 4 && p[0] == 0xF0 && p[1] < 0x90))
        return 0; /* overlong */
    return len;
}

/* NUL bytes and invalid UTF-8 anywhere in the file, by line. */
static ms_status check_bytes(const char *text, size_t len, const char *name, ms_error *err)
{
    int line = 1;
    for (size_t i = 0; i < len;) {
        const unsigned char *p = (const unsigned char *)text + i;
        if (*p == '\0')
            return ms_error_set(err, MS_ECONFIG, name, line, "", "NUL byte (not a text file)");
        size_t k = utf8_len(p, len - i);
        if (k == 0)
            return ms_error_set(err, MS_ECONFIG, name, line, "",
                                "invalid UTF-8 (save the file as UTF-8)");
        line += *p == '\n';
        i += k;
    }
    return MS_OK;
}

static ms_status check_duplicate(const ms_calib_targets *t, const char *name, ms_error *err)
{
    const ms_calib_target *x = &t->items[t->n - 1];
    for (size_t i = 0; i + 1 < t->n; i++) {
        const ms_calib_target *y = &t->items[i];
        if (y->month == x->month && strcmp(y->metric, x->metric) == 0 &&
            strcmp(y->subject, x->subject) == 0)
            return ms_error_set(err, MS_ECONFIG, name, x->line, "row",
                                "duplicate target (month, metric, subject) of line %d", y->line);
    }
    return MS_OK;
}

static ms_status add_row(ms_calib_targets *t, size_t *cap, char *line, int lineno, const columns *c,
                         const char *name, const ms_scenario *sc, ms_error *err)
{
    if (t->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 32;
        ms_calib_target *g = realloc(t->items, nc * sizeof *g);
        if (!g)
            return ms_error_set(err, MS_ENOMEM, name, lineno, "", "out of memory");
        t->items = g;
        *cap = nc;
    }
    ms_calib_target *x = &t->items[t->n];
    memset(x, 0, sizeof *x);
    x->line = lineno;
    ms_status st = parse_row(line, c, name, sc, x, err);
    if (st != MS_OK)
        return st;
    t->n++;
    return check_duplicate(t, name, err);
}

static ms_status parse_lines(char *s, const char *name, const ms_scenario *sc, ms_calib_targets *t,
                             ms_error *err)
{
    columns c;
    size_t cap = 0;
    int lineno = 0, have_header = 0;
    ms_status st = MS_OK;
    if (strncmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    for (char *next; st == MS_OK && s && *s; s = next) {
        lineno++;
        next = strchr(s, '\n');
        if (next)
            *next++ = '\0';
        size_t n = strlen(s);
        if (n > 0 && s[n - 1] == '\r')
            s[--n] = '\0';
        if (n == 0)
            continue;
        if (!have_header) {
            have_header = 1;
            if ((st = read_header(s, name, &c, err)) == MS_OK && lineno != 1)
                st = ms_error_set(err, MS_ECONFIG, name, lineno, "header",
                                  "blank lines before the header");
            continue;
        }
        st = add_row(t, &cap, s, lineno, &c, name, sc, err);
    }
    if (st == MS_OK && t->n == 0)
        st = ms_error_set(err, MS_ECONFIG, name, lineno > 0 ? lineno : 1, "",
                          have_header ? "no targets (expected one row per target after the header)"
                                      : "empty file (expected the header "
                                        "month,metric,subject,value,se[,source])");
    return st;
}

ms_status ms_calib_targets_parse(const char *text, size_t len, const char *name,
                                 const ms_scenario *sc, ms_calib_targets *t, ms_error *err)
{
    memset(t, 0, sizeof *t);
    ms_status st = check_bytes(text, len, name, err);
    if (st != MS_OK)
        return st;
    char *copy = malloc(len + 1);
    if (!copy)
        return ms_error_set(err, MS_ENOMEM, name, 0, "", "out of memory");
    memcpy(copy, text, len);
    copy[len] = '\0';
    st = parse_lines(copy, name, sc, t, err);
    free(copy);
    if (st != MS_OK)
        ms_calib_targets_fini(t);
    return st;
}

ms_status ms_calib_targets_read(const char *path, const ms_scenario *sc, ms_calib_targets *t,
                                ms_error *err)
{
    memset(t, 0, sizeof *t);
    ms_buf b;
    ms_buf_init(&b);
    FILE *f = fopen(path, "rb");
    if (!f)
        return ms_error_set(err, MS_ECONFIG, path, 0, "--targets", "cannot open: %s",
                            strerror(errno));
    ms_status st = ms_buf_read_stream(&b, f, SIZE_MAX);
    fclose(f);
    if (st == MS_EIO)
        st = ms_error_set(err, MS_EIO, path, 0, "--targets", "read error");
    else if (!ms_buf_ok(&b))
        st = ms_error_set(err, MS_ENOMEM, path, 0, "--targets", "out of memory");
    else
        st = ms_calib_targets_parse(b.data ? b.data : "", b.len, path, sc, t, err);
    ms_buf_fini(&b);
    return st;
}

void ms_calib_targets_fini(ms_calib_targets *t)
{
    free(t->items);
    t->items = NULL;
    t->n = 0;
}

size_t ms_calib_targets_split(ms_calib_targets *t, int month)
{
    size_t fit = 0;
    for (size_t i = 0; i < t->n; i++) {
        t->items[i].holdout = month >= 0 && t->items[i].month > month;
        fit += !t->items[i].holdout;
    }
    return fit;
}

int ms_calib_target_is_share(const ms_calib_target *t)
{
    return strcmp(t->metric, "total_spend") != 0 && strcmp(t->metric, "resolution_months") != 0;
}
