/* manifest.c - manifest.csv written and read (see manifest.h).
 *
 * The writer is ms_csv rows on the caller's buffer; the reader parses the
 * same RFC 4180 subset back (two fields a record, quoted fields may hold
 * commas, doubled quotes and newlines), so a value written is read back
 * unchanged, a command line with quotes or newlines included.
 */
#include "marketsim/manifest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/hash.h"
#include "marketsim_version.h"

void ms_manifest_str(ms_buf *b, const char *key, const char *value)
{
    ms_csv w;
    ms_csv_init(&w, b);
    ms_csv_str(&w, key);
    ms_csv_str(&w, value);
    ms_csv_end(&w);
}

void ms_manifest_u64(ms_buf *b, const char *key, uint64_t value)
{
    char text[24];
    snprintf(text, sizeof text, "%" PRIu64, value);
    ms_manifest_str(b, key, text);
}

void ms_manifest_hex(ms_buf *b, const char *key, uint64_t value)
{
    char text[24];
    snprintf(text, sizeof text, "%016" PRIx64, value);
    ms_manifest_str(b, key, text);
}

void ms_manifest_num(ms_buf *b, const char *key, double value)
{
    char text[40];
    ms_csv_format(text, sizeof text, value, MS_CSV_EXACT_DIGITS);
    ms_manifest_str(b, key, text);
}

void ms_manifest_begin(ms_buf *b, const ms_manifest_head *h)
{
    ms_buf_puts(b, "key,value\n");
    ms_manifest_str(b, "version", MARKETSIM_VERSION);
    ms_manifest_str(b, "git", MARKETSIM_GIT);
    if (h->scenario) {
        ms_manifest_str(b, "scenario", h->scenario);
        ms_manifest_hex(b, "scenario_hash", ms_hash_fnv1a(h->config, h->config_len));
    }
    ms_manifest_u64(b, "seed", h->seed);
    ms_manifest_u64(b, "replications", h->replications);
    ms_manifest_str(b, "generator", "philox4x32-10");
    if (h->scenario)
        ms_manifest_str(b, "resolved_config", h->config_name);
}

void ms_manifest_end(ms_buf *b, const char *command)
{
    ms_manifest_str(b, "command", command);
}

/* ---- reading ---------------------------------------------------------------- */

/* Copies one field starting at *p into *out (unquoted, NUL-terminated),
 * advancing both; stops at the comma or newline that ends it (not
 * consumed). -1 on an unterminated quote. */
static int field(const char **p, const char *end, char **out)
{
    const char *s = *p;
    char *o = *out;
    if (s < end && *s == '"') {
        for (s++;; s++) {
            if (s >= end)
                return -1;
            if (*s == '"' && (s + 1 >= end || s[1] != '"'))
                break;
            if (*s == '"')
                s++; /* a doubled quote */
            *o++ = *s;
        }
        s++;
    } else {
        while (s < end && *s != ',' && *s != '\n' && *s != '\r')
            *o++ = *s++;
    }
    *o++ = '\0';
    *p = s;
    *out = o;
    return 0;
}

/* Parses every record of m->text into m->key/m->value. */
static ms_status parse(ms_manifest *m)
{
    size_t rows = 1;
    for (size_t i = 0; i < m->len; i++)
        rows += m->text[i] == '\n';
    m->key = malloc(rows * sizeof *m->key);
    m->value = malloc(rows * sizeof *m->value);
    m->store = malloc(m->len + 2 * rows + 1);
    if (!m->key || !m->value || !m->store)
        return MS_ENOMEM;
    const char *p = m->text, *end = m->text + m->len;
    char *o = m->store;
    for (int first = 1; p < end; first = 0) {
        char *k = o, *v;
        if (field(&p, end, &o) != 0 || p >= end || *p != ',')
            return MS_EINVAL;
        p++;
        v = o;
        if (field(&p, end, &o) != 0)
            return MS_EINVAL;
        p += p < end && *p == '\r';
        if (p < end && *p++ != '\n')
            return MS_EINVAL; /* a third field */
        if (first && (strcmp(k, "key") != 0 || strcmp(v, "value") != 0))
            return MS_EINVAL;
        if (!first) {
            m->key[m->n] = k;
            m->value[m->n++] = v;
        }
    }
    return MS_OK;
}

ms_status ms_manifest_read(const char *path, ms_manifest *m, ms_error *err)
{
    memset(m, 0, sizeof *m);
    ms_buf b;
    ms_buf_init(&b);
    ms_status st = ms_buf_read_file(&b, path);
    if (st == MS_EIO) {
        int saved = errno; /* the caller may tell a missing file from others */
        ms_error_set(err, st, path, 0, "", "cannot read: %s", strerror(saved));
        errno = saved;
        return st;
    }
    ms_buf_cstr(&b); /* NUL-terminates the storage */
    if (st == MS_OK && !ms_buf_ok(&b))
        st = MS_ENOMEM;
    m->text = b.data; /* the buffer's storage is the manifest's now */
    m->len = b.len;
    if (st == MS_OK)
        st = m->len ? parse(m) : MS_EINVAL;
    if (st == MS_OK)
        return MS_OK;
    ms_manifest_fini(m);
    return st == MS_EINVAL ? ms_error_set(err, st, path, 0, "", "not a key,value manifest")
                           : ms_error_set(err, st, path, 0, "", "out of memory");
}

const char *ms_manifest_get(const ms_manifest *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->key[i], key) == 0)
            return m->value[i];
    return NULL;
}

void ms_manifest_fini(ms_manifest *m)
{
    free(m->text);
    free(m->key);
    free(m->value);
    free(m->store);
    memset(m, 0, sizeof *m);
}
