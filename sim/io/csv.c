/* csv.c - growable byte buffers and the RFC 4180 row writer (see csv.h).
 *
 * Invariants: a buffer's `len <= cap`; once `failed` is set no append
 * changes it, so a writer can emit a whole table and check once. Numbers
 * are formatted by snprintf and then normalised: in any locale, %g output
 * is an optional sign, digits, one decimal separator (a locale string),
 * digits and an exponent, or inf/nan. Any run of bytes that is not a digit,
 * letter or sign is therefore the separator and becomes '.', which avoids
 * localeconv() (not thread-safe) and never depends on setlocale.
 */
#include "marketsim/csv.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void ms_buf_init(ms_buf *b)
{
    memset(b, 0, sizeof *b);
}

void ms_buf_fini(ms_buf *b)
{
    free(b->data);
    ms_buf_init(b);
}

void ms_buf_clear(ms_buf *b)
{
    b->len = 0;
    b->failed = 0;
}

/* Makes room for `extra` more bytes plus a NUL; doubles to keep appends
 * amortised O(1). */
static int reserve(ms_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            b->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int ms_buf_append(ms_buf *b, const char *s, size_t n)
{
    if (reserve(b, n) != 0)
        return -1;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

int ms_buf_puts(ms_buf *b, const char *s)
{
    return ms_buf_append(b, s, strlen(s));
}

int ms_buf_printf(ms_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) != 0) {
        b->failed = 1;
        return -1;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

const char *ms_buf_cstr(ms_buf *b)
{
    if (b->failed || !b->data || reserve(b, 0) != 0)
        return "";
    b->data[b->len] = '\0';
    return b->data;
}

int ms_buf_ok(const ms_buf *b)
{
    return !b->failed;
}

ms_status ms_buf_write(const ms_buf *b, FILE *out)
{
    if (b->failed)
        return MS_ENOMEM;
    if (b->len && fwrite(b->data, 1, b->len, out) != b->len)
        return MS_EIO;
    return MS_OK;
}

ms_status ms_buf_read_stream(ms_buf *b, FILE *f, size_t max)
{
    size_t start = b->len, n;
    char chunk[65536];
    ms_status st = MS_OK;
    while (st == MS_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (n > max - (b->len - start))
            st = MS_ERANGE;
        else if (ms_buf_append(b, chunk, n) != 0)
            st = MS_ENOMEM;
    }
    if (st == MS_OK && ferror(f))
        st = MS_EIO;
    if (st != MS_OK && st != MS_ENOMEM)
        b->len = start;
    return st;
}

ms_status ms_buf_read_file(ms_buf *b, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return MS_EIO;
    ms_status st = ms_buf_read_stream(b, f, SIZE_MAX);
    int saved = errno;
    fclose(f);
    errno = saved;
    return st;
}

static int is_number_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' ||
           c == '-';
}

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 u128;

static const uint64_t pow10_u64[] = {1,
                                     10,
                                     100,
                                     1000,
                                     10000,
                                     100000,
                                     1000000,
                                     10000000,
                                     100000000,
                                     1000000000,
                                     10000000000,
                                     100000000000,
                                     1000000000000,
                                     10000000000000,
                                     100000000000000,
                                     1000000000000000,
                                     10000000000000000,
                                     100000000000000000,
                                     1000000000000000000,
                                     10000000000000000000u};

/* v * 10^q as an integer part *d and whether it rounds up as glibc's
 * printf rounds (to nearest, ties to even), exactly: v = m 2^-s with
 * m < 2^53 and s > 0, and m 10^q < 2^117 fits 128 bits. */
static int scaled(uint64_t m, int s, int q, uint64_t *d)
{
    u128 x = (u128)m * pow10_u64[q];
    u128 rem = x & (((u128)1 << s) - 1), half = (u128)1 << (s - 1);
    *d = (uint64_t)(x >> s);
    return rem > half || (rem == half && (*d & 1u));
}

/* %.*g of v in the common case, without snprintf (its multiprecision and
 * locale machinery cost more than the rest of a sweep row): 0, or a
 * finite 1e-3 <= |v| < 1e15 whose decimal exponent X (after rounding to
 * `digits` significant digits, 1..17) is at most digits - 1, so %g uses
 * the f style. The digits are v * 10^(digits - 1 - X) rounded, computed
 * exactly in integers. Returns the length written into out (size >= 32),
 * or 0 when v is outside that case. */
static size_t format_fast(char *out, double v, int digits)
{
    char *p = out;
    if (v == 0.0) {
        if (signbit(v))
            *p++ = '-';
        *p++ = '0';
        *p = '\0';
        return (size_t)(p - out);
    }
    double a = fabs(v);
    if (!(a >= 1e-3 && a < 1e15) || digits < 1 || digits > 17)
        return 0;
    int k;
    uint64_t m = (uint64_t)ldexp(frexp(a, &k), 53); /* a = m 2^(k - 53), exact */
    int s = 53 - k;                                 /* 3 <= s <= 62 in this range */
    uint64_t lo = pow10_u64[digits - 1], hi = pow10_u64[digits];
    int x = (int)floor(log10(a)), tries = 0;
    uint64_t d = 0;
    int up = 0;
    for (; tries < 4; tries++) { /* log10 may be one off near a power of ten */
        int q = digits - 1 - x;
        if (q < 0 || q > 19)
            return 0;
        up = scaled(m, s, q, &d);
        if (d >= hi) /* the integer part has too many digits: X is higher */
            x++;
        else if (d < lo)
            x--;
        else
            break;
    }
    if (tries == 4)
        return 0;
    d += (uint64_t)up;
    if (d == hi) { /* rounding carried into a new digit: 9.99.. -> 10.0.. */
        d = lo;
        x++;
    }
    if (x > digits - 1)
        return 0;
    char dig[24];
    for (int i = digits - 1; i >= 0; i--, d /= 10)
        dig[i] = (char)('0' + d % 10);
    int last = digits - 1; /* %g drops trailing zeros, then a bare point */
    while (last > 0 && dig[last] == '0')
        last--;
    if (v < 0)
        *p++ = '-';
    if (x >= 0) {
        for (int i = 0; i <= x; i++)
            *p++ = dig[i];
        if (last > x)
            *p++ = '.';
        for (int i = x + 1; i <= last; i++)
            *p++ = dig[i];
    } else {
        *p++ = '0';
        *p++ = '.';
        for (int i = -1; i > x; i--)
            *p++ = '0';
        for (int i = 0; i <= last; i++)
            *p++ = dig[i];
    }
    *p = '\0';
    return (size_t)(p - out);
}
#else
static size_t format_fast(char *out, double v, int digits)
{
    (void)out, (void)v, (void)digits;
    return 0;
}
#endif

size_t ms_csv_format(char *out, size_t n, double v, int digits)
{
    char tmp[64];
    size_t fast = n >= 32 ? format_fast(out, v, digits) : 0;
    if (fast)
        return fast;
    if (isnan(v)) {
        snprintf(out, n, "nan");
        return strlen(out);
    }
    if (isinf(v)) {
        snprintf(out, n, v < 0 ? "-inf" : "inf");
        return strlen(out);
    }
    snprintf(tmp, sizeof tmp, "%.*g", digits, v);
    /* Collapse any separator run (possibly multibyte) into one '.'. */
    size_t j = 0;
    for (size_t i = 0; tmp[i] && j + 1 < n;) {
        if (is_number_char(tmp[i])) {
            out[j++] = tmp[i++];
            continue;
        }
        out[j++] = '.';
        while (tmp[i] && !is_number_char(tmp[i]))
            i++;
    }
    if (n)
        out[j < n ? j : n - 1] = '\0';
    return j;
}

int ms_csv_needs_quotes(const char *s)
{
    return s && strpbrk(s, ",\"\r\n") != NULL;
}

void ms_csv_init(ms_csv *w, ms_buf *buf)
{
    w->buf = buf;
    w->col = 0;
}

static void sep(ms_csv *w)
{
    if (w->col++ > 0)
        ms_buf_append(w->buf, ",", 1);
}

void ms_csv_header(ms_csv *w, const char *columns)
{
    ms_buf_puts(w->buf, columns);
    ms_buf_append(w->buf, "\n", 1);
    w->col = 0;
}

void ms_csv_str(ms_csv *w, const char *s)
{
    sep(w);
    if (!s)
        return;
    if (!ms_csv_needs_quotes(s)) {
        ms_buf_puts(w->buf, s);
        return;
    }
    ms_buf_append(w->buf, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            ms_buf_append(w->buf, "\"\"", 2);
        else
            ms_buf_append(w->buf, p, 1);
    }
    ms_buf_append(w->buf, "\"", 1);
}

/* Decimal digits of v, written backwards from end; returns the start.
 * (snprintf's locale and format machinery cost more than the rest of a
 * sweep row.) */
static char *decimal(uint64_t v, char *end)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

void ms_csv_int(ms_csv *w, int64_t v)
{
    char tmp[24], *end = tmp + sizeof tmp;
    sep(w);
    /* the magnitude as unsigned: -INT64_MIN does not fit in int64_t */
    char *p = decimal(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, end);
    if (v < 0)
        *--p = '-';
    ms_buf_append(w->buf, p, (size_t)(end - p));
}

void ms_csv_uint(ms_csv *w, uint64_t v)
{
    char tmp[24], *end = tmp + sizeof tmp;
    sep(w);
    char *p = decimal(v, end);
    ms_buf_append(w->buf, p, (size_t)(end - p));
}

static void number(ms_csv *w, double v, int digits)
{
    char tmp[64];
    sep(w);
    size_t n = ms_csv_format(tmp, sizeof tmp, v, digits);
    ms_buf_append(w->buf, tmp, n);
}

void ms_csv_num(ms_csv *w, double v)
{
    /* A computed -0 (e.g. -0.0 * share) reads as a sign flip; print 0. */
    number(w, v == 0.0 ? 0.0 : v, MS_CSV_NUM_DIGITS);
}

void ms_csv_exact(ms_csv *w, double v)
{
    number(w, v, MS_CSV_EXACT_DIGITS);
}

void ms_csv_empty(ms_csv *w)
{
    sep(w);
}

void ms_csv_end(ms_csv *w)
{
    ms_buf_append(w->buf, "\n", 1);
    w->col = 0;
}

int ms_csv_split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return max + 1;
        fields[n++] = p;
        if (*p == '"') {
            char *w = p;
            p++;
            for (;;) {
                if (*p == '\0')
                    return -1;
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            *w = '\0';
            if (*p != ',' && *p != '\0')
                return -1;
        } else {
            while (*p && *p != ',')
                p++;
        }
        if (*p == '\0')
            return n;
        *p++ = '\0';
    }
}
