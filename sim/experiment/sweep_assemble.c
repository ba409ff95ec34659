/* sweep_assemble.c - task rows in id order -> sweep.csv and
 * sweep_summary.csv. The only code that writes those files, so a threaded,
 * resumed, merged or MPI sweep gives the same bytes.
 *
 * A row is `point,replication,seed,<keys>,metric,subject,value`. point,
 * replication and seed are integers and metric, subject and value never
 * hold commas, so the keys' raw text is whatever lies between the third
 * comma and the third comma from the end, quoted or not. */
#include <stdlib.h>
#include <string.h>

#include "marketsim/csv.h"
#include "marketsim/hash.h"
#include "sweep_internal.h"

void ms_sweep_rows_header(ms_buf *b, const char *const *keys, int n_keys)
{
    ms_csv w;
    ms_csv_init(&w, b);
    ms_csv_str(&w, "point");
    ms_csv_str(&w, "replication");
    ms_csv_str(&w, "seed");
    for (int k = 0; k < n_keys; k++)
        ms_csv_str(&w, keys[k]);
    ms_csv_str(&w, "metric");
    ms_csv_str(&w, "subject");
    ms_csv_str(&w, "value");
    ms_csv_end(&w);
}

ms_status ms_sweep_asm_init(ms_sweep_asm *a, FILE *rows, FILE *summary, const char *key_header)
{
    memset(a, 0, sizeof *a);
    a->rows = rows;
    a->summary = summary;
    a->rows_hash = MS_HASH_FNV1A_INIT;
    ms_buf_init(&a->scratch);
    if (summary) {
        if (!(a->tab = ms_stats_table_create()))
            return MS_ENOMEM;
        fprintf(summary, "point,%s,metric,subject,mean,sd,ci95_low,ci95_high,n\n", key_header);
    }
    return MS_OK;
}

static ms_status flush_point(ms_sweep_asm *a)
{
    if (!a->summary || !a->have_point)
        return MS_OK;
    ms_buf_clear(&a->scratch);
    ms_csv w;
    ms_csv_init(&w, &a->scratch);
    for (size_t i = 0; i < ms_stats_table_count(a->tab); i++) {
        const char *metric, *subject;
        ms_stats_table_key(a->tab, i, &metric, &subject);
        ms_stats_summary s;
        ms_stats_summarize(ms_stats_table_acc(a->tab, i), 0.95, &s);
        ms_csv_uint(&w, a->point);
        ms_buf_append(&a->scratch, ",", 1); /* the keys' raw text, as read */
        ms_buf_puts(&a->scratch, a->keys_text);
        ms_csv_str(&w, metric);
        ms_csv_str(&w, subject);
        ms_stats_write_csv(&w, &s);
        ms_csv_end(&w);
        if (a->target_metric && strcmp(metric, a->target_metric) == 0 &&
            strcmp(subject, a->target_subject) == 0) {
            double hw = s.n >= 2 ? (s.ci_high - s.ci_low) / 2 : 1.0 / 0.0;
            if (hw > a->worst_halfwidth || hw != hw)
                a->worst_halfwidth = hw;
        }
    }
    ms_stats_table_clear(a->tab);
    return ms_buf_write(&a->scratch, a->summary);
}

/* Splits one row into its point, its raw keys text and its last three
 * fields. Returns 0, or -1 when the row is malformed. */
static int parse_row(char *line, uint64_t *point, char **keys, char **metric, char **subject,
                     double *value)
{
    char *end;
    *point = strtoull(line, &end, 10);
    if (*end != ',')
        return -1;
    char *p = end;
    for (int i = 0; i < 2; i++)
        if (!(p = strchr(p + 1, ',')))
            return -1;
    *keys = p + 1;
    char *c[3];
    char *q = line + strlen(line);
    for (int i = 0; i < 3; i++) {
        while (q > *keys && *--q != ',')
            ;
        if (q <= *keys)
            return -1;
        c[i] = q;
    }
    *c[2] = '\0';
    *c[1] = '\0';
    *c[0] = '\0';
    *metric = c[2] + 1;
    *subject = c[1] + 1;
    *value = strtod(c[0] + 1, &end);
    return *end == '\0' ? 0 : -1;
}

static ms_status add_line(ms_sweep_asm *a, char *line)
{
    uint64_t point;
    char *keys, *metric, *subject;
    double value;
    if (parse_row(line, &point, &keys, &metric, &subject, &value) != 0)
        return MS_EINVAL;
    if (!a->have_point || point != a->point) {
        ms_status st = flush_point(a);
        if (st != MS_OK)
            return st;
        free(a->keys_text);
        if (!(a->keys_text = malloc(strlen(keys) + 1)))
            return MS_ENOMEM;
        strcpy(a->keys_text, keys);
        a->point = point;
        a->have_point = 1;
    }
    return ms_stats_table_add(a->tab, metric, subject, value);
}

ms_status ms_sweep_asm_write(ms_sweep_asm *a, const char *text, size_t len)
{
    if (len && fwrite(text, 1, len, a->rows) != len)
        return MS_EIO;
    a->rows_hash = ms_hash_fnv1a_add(a->rows_hash, text, len);
    for (const char *p = text, *end = text + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        a->lines++;
    return MS_OK;
}

ms_status ms_sweep_asm_add(ms_sweep_asm *a, const char *text, size_t len)
{
    if (ms_sweep_asm_write(a, text, len) != MS_OK)
        return MS_EIO;
    if (!a->summary)
        return MS_OK;
    ms_buf line;
    ms_buf_init(&line);
    ms_status st = MS_OK;
    for (size_t i = 0; st == MS_OK && i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
        ms_buf_clear(&line);
        ms_buf_append(&line, text + i, n);
        st = ms_buf_ok(&line) ? add_line(a, (char *)ms_buf_cstr(&line)) : MS_ENOMEM;
        i += n + 1;
    }
    ms_buf_fini(&line);
    return st;
}

ms_status ms_sweep_asm_finish(ms_sweep_asm *a)
{
    return flush_point(a);
}

void ms_sweep_asm_fini(ms_sweep_asm *a)
{
    ms_stats_table_destroy(a->tab);
    free(a->keys_text);
    ms_buf_fini(&a->scratch);
    memset(a, 0, sizeof *a);
}
