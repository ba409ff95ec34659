/* error.h - status codes and error records shared by every module.
 *
 * A function that can fail returns an ms_status and takes an ms_error *
 * (or an ms_errors * when it reports several problems) as its last
 * argument. The table below is the single list of codes; it also generates
 * ms_strerror. Only main() turns a status into an exit code.
 */
#ifndef MARKETSIM_ERROR_H
#define MARKETSIM_ERROR_H

#include <stdio.h>

#define MS_STATUS_TABLE(X)                                                                         \
    X(MS_OK, "success")                                                                            \
    X(MS_ENOMEM, "out of memory")                                                                  \
    X(MS_EINVAL, "invalid argument")                                                               \
    X(MS_EIO, "input/output error")                                                                \
    X(MS_ECONFIG, "configuration error")                                                           \
    X(MS_EUSAGE, "usage error")                                                                    \
    X(MS_EINTR, "interrupted")                                                                     \
    X(MS_ERANGE, "value out of range")                                                             \
    X(MS_ESTATE, "invalid state")

typedef enum {
#define MS_X_ENUM(name, text) name,
    MS_STATUS_TABLE(MS_X_ENUM)
#undef MS_X_ENUM
        MS_STATUS_COUNT
} ms_status;

/* Human-readable text of a status code; never NULL. */
const char *ms_strerror(ms_status status);

/* One error: where (file and line, when known), which key, and what. */
typedef struct {
    char file[256]; /* "" when not tied to a file */
    int line;       /* 0 when unknown */
    char key[128];  /* "" when not tied to a key */
    char msg[640];
} ms_error;

/* Fills err (if not NULL) and returns status, so callers can write
 * `return ms_error_set(err, MS_EINVAL, file, line, key, "fmt", ...);`. */
ms_status ms_error_set(ms_error *err, ms_status status, const char *file, int line, const char *key,
                       const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Prints `marketsim: FILE:LINE: error: KEY: message` (parts that are empty
 * are left out) as one line. */
void ms_error_print(FILE *out, const ms_error *err);

/* Several errors at once: config validation reports all it finds, up to
 * MS_ERRORS_MAX; `dropped` counts the rest. Value type, caller-allocated. */
#define MS_ERRORS_MAX 32
typedef struct {
    ms_error items[MS_ERRORS_MAX];
    int count;
    int dropped;
} ms_errors;

void ms_errors_init(ms_errors *errs);
/* Appends one error (or counts it as dropped when full). */
void ms_errors_add(ms_errors *errs, const char *file, int line, const char *key, const char *fmt,
                   ...) __attribute__((format(printf, 5, 6)));
/* Prints every error, one line each, then a line for the dropped count. */
void ms_errors_print(FILE *out, const ms_errors *errs);

#endif
