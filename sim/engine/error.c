/* error.c - status texts and error records (see error.h). */
#include "marketsim/error.h"

#include <stdarg.h>
#include <string.h>

const char *ms_strerror(ms_status status)
{
    static const char *const texts[] = {
#define MS_X_TEXT(name, text) text,
        MS_STATUS_TABLE(MS_X_TEXT)
#undef MS_X_TEXT
    };
    if ((int)status < 0 || status >= MS_STATUS_COUNT)
        return "unknown status";
    return texts[status];
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    if (!src)
        src = "";
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void fill(ms_error *e, const char *file, int line, const char *key, const char *fmt,
                 va_list ap)
{
    copy_str(e->file, sizeof e->file, file);
    e->line = line;
    copy_str(e->key, sizeof e->key, key);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

ms_status ms_error_set(ms_error *err, ms_status status, const char *file, int line, const char *key,
                       const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        fill(err, file, line, key, fmt, ap);
        va_end(ap);
    }
    return status;
}

void ms_error_print(FILE *out, const ms_error *err)
{
    fputs("marketsim: ", out);
    if (err->file[0]) {
        if (err->line > 0)
            fprintf(out, "%s:%d: ", err->file, err->line);
        else
            fprintf(out, "%s: ", err->file);
    }
    fputs("error: ", out);
    if (err->key[0])
        fprintf(out, "%s: ", err->key);
    fprintf(out, "%s\n", err->msg);
}

void ms_errors_init(ms_errors *errs)
{
    errs->count = 0;
    errs->dropped = 0;
}

void ms_errors_add(ms_errors *errs, const char *file, int line, const char *key, const char *fmt,
                   ...)
{
    if (errs->count >= MS_ERRORS_MAX) {
        errs->dropped++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    fill(&errs->items[errs->count++], file, line, key, fmt, ap);
    va_end(ap);
}

void ms_errors_print(FILE *out, const ms_errors *errs)
{
    for (int i = 0; i < errs->count; i++)
        ms_error_print(out, &errs->items[i]);
    if (errs->dropped > 0)
        fprintf(out, "marketsim: error: %d more error(s) not shown\n", errs->dropped);
}
