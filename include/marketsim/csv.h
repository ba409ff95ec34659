/* csv.h - tidy CSV text: a growable byte buffer and an RFC 4180 row writer.
 *
 * Output is built in memory (ms_buf) so a task's rows can be produced on a
 * worker thread and written later, in task order, by the collector. Rows end
 * in '\n' (not CRLF: R, pandas and awk all read it and diffs stay clean).
 * A field is quoted only when it holds a comma, a double quote, CR or LF;
 * embedded quotes are doubled.
 *
 * Numbers never depend on the locale: the process never calls setlocale,
 * and even if a host program does, the formatter rewrites the decimal
 * separator to '.'. Two precisions, documented in docs/outputs.md:
 *   ms_csv_exact  %.17g  round-trips every double (inputs, seeds, keys)
 *   ms_csv_num    %.10g  computed values (shares, spend, statistics)
 * Non-finite values print as `nan`, `inf`, `-inf` (strtod reads them back).
 *
 * Errors are sticky: an allocation failure marks the buffer failed and
 * later appends do nothing, so writers check ms_buf_ok once at the end.
 */
#ifndef MARKETSIM_CSV_H
#define MARKETSIM_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "marketsim/error.h"

/* A growable byte string. Value type: zero it (or ms_buf_init) and free
 * with ms_buf_fini. Not NUL-terminated unless ms_buf_cstr is called. */
typedef struct {
    char *data;
    size_t len, cap;
    int failed; /* sticky: an allocation failed */
} ms_buf;

void ms_buf_init(ms_buf *b);
/* Frees the storage; the buffer is then empty and reusable. */
void ms_buf_fini(ms_buf *b);
/* Empties the buffer, keeping its storage (and clearing `failed`). */
void ms_buf_clear(ms_buf *b);
/* Appends n bytes; on allocation failure sets b->failed and returns -1. */
int ms_buf_append(ms_buf *b, const char *s, size_t n);
/* Appends a NUL-terminated string. */
int ms_buf_puts(ms_buf *b, const char *s);
/* Appends printf-style text (use only for text without floating point:
 * %g and friends follow the locale; numbers go through ms_csv_format). */
int ms_buf_printf(ms_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the contents as a C string (adds a NUL after len), or "" when
 * empty or failed. The pointer lives until the next append. */
const char *ms_buf_cstr(ms_buf *b);
/* 1 if every append so far succeeded. */
int ms_buf_ok(const ms_buf *b);
/* Writes the contents to out: MS_OK, MS_ENOMEM if the buffer had failed,
 * or MS_EIO if fwrite fails (errno set). */
ms_status ms_buf_write(const ms_buf *b, FILE *out);
/* Appends the whole file at path (the project's one whole-file reader).
 * MS_OK; MS_EIO when it cannot be opened or read (errno set, the buffer
 * as it was); MS_ENOMEM (the buffer failed, as any append would leave it). */
ms_status ms_buf_read_file(ms_buf *b, const char *path);
/* The same from an open stream, to its end (the caller closes it); MS_ERANGE
 * (the buffer as it was) when it holds more than max bytes. */
ms_status ms_buf_read_stream(ms_buf *b, FILE *f, size_t max);

/* Precisions of the two number styles. */
#define MS_CSV_EXACT_DIGITS 17
#define MS_CSV_NUM_DIGITS 10

/* Formats v with `digits` significant digits as %.*g would in the C
 * locale, into out (size n >= 32 suffices for any double). Returns the
 * length written (excluding the NUL). Thread-safe; never reads the locale. */
size_t ms_csv_format(char *out, size_t n, double v, int digits);
/* 1 if the field must be quoted under RFC 4180 (comma, quote, CR or LF). */
int ms_csv_needs_quotes(const char *s);

/* Appends one row at a time to a buffer. Value type, no cleanup. */
typedef struct {
    ms_buf *buf;
    int col; /* fields written in the current row */
} ms_csv;

void ms_csv_init(ms_csv *w, ms_buf *buf);
/* Writes a header row from a comma-separated list of plain column names. */
void ms_csv_header(ms_csv *w, const char *columns);
/* Field writers; each adds the separator before it when needed. */
void ms_csv_str(ms_csv *w, const char *s); /* NULL writes an empty field */
void ms_csv_int(ms_csv *w, int64_t v);
void ms_csv_uint(ms_csv *w, uint64_t v);
void ms_csv_num(ms_csv *w, double v);   /* %.10g: computed values */
void ms_csv_exact(ms_csv *w, double v); /* %.17g: round-trips */
void ms_csv_empty(ms_csv *w);           /* a missing value (NA in R) */
/* Ends the row with '\n'. */
void ms_csv_end(ms_csv *w);

/* Splits one line (no line end) into at most `max` fields, unquoting
 * RFC 4180 fields in place (no line breaks inside a field). Returns the
 * field count, max + 1 when there are more fields, or -1 for a malformed
 * quote. */
int ms_csv_split(char *line, char **fields, int max);

#endif
