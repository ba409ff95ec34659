/* prescan.c - a lexical pass over scenario text before libconfig sees it.
 *
 * Two jobs libconfig 1.5 cannot do for us. (1) Integer overflow: Debian's
 * 1.5 reads an unsuffixed 4294967396 as 100 without complaint, so every
 * unsuffixed integer token of 2^31 or more (and every L-suffixed one beyond
 * 2^63-1) is recorded as bad, with its line. (2) @include: the loader merges
 * included files as lower layers itself (so a scenario may override what it
 * includes), so directives are recorded and blanked out, keeping newlines
 * and therefore line numbers. (3) Size: a file with more settings, more
 * in one group or deeper nesting than MS_PRESCAN_MAX_* is refused before
 * libconfig spends quadratic time on it. Strings and comments are skipped;
 * anything malformed is left for libconfig's parser to report.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"

#define STR_(x) #x
#define STR(x) STR_(x)

typedef struct {
    const char *in;
    char *out;
    size_t i, n;
    int line;
    int depth; /* open { ( [ */
    ms_prescan *ps;
    int settings;                           /* assignments so far */
    int in_group[MS_PRESCAN_MAX_DEPTH + 1]; /* assignments per open level */
} scanner;

static void over_limit(scanner *sc, const char *msg)
{
    if (!sc->ps->limit_line) {
        sc->ps->limit_line = sc->line;
        sc->ps->limit_msg = msg;
    }
}

/* Counts an assignment ('=' or ':') and nesting, against the limits. */
static void count_structure(scanner *sc, char c)
{
    if (c == '{' || c == '(' || c == '[') {
        if (sc->depth == MS_PRESCAN_MAX_DEPTH)
            over_limit(sc,
                       "nested more than " STR(MS_PRESCAN_MAX_DEPTH) " levels deep (at most " STR(
                           MS_PRESCAN_MAX_DEPTH) ")");
        else
            sc->in_group[++sc->depth] = 0;
        return;
    }
    if (c == '}' || c == ')' || c == ']') {
        if (sc->depth > 0)
            sc->depth--;
        return;
    }
    if (c != '=' && c != ':')
        return;
    if (++sc->settings > MS_PRESCAN_MAX_SETTINGS)
        over_limit(sc,
                   "more than " STR(MS_PRESCAN_MAX_SETTINGS) " settings in one file (at most " STR(
                       MS_PRESCAN_MAX_SETTINGS) ")");
    else if (++sc->in_group[sc->depth] > MS_PRESCAN_MAX_GROUP)
        over_limit(sc,
                   "more than " STR(MS_PRESCAN_MAX_GROUP) " settings in one group (at most " STR(
                       MS_PRESCAN_MAX_GROUP) ")");
}

static int is_name_char(int c)
{
    return isalnum(c) || c == '_' || c == '*' || c == '-';
}

/* Skips a "..." string starting at sc->i (on the quote). */
static void skip_string(scanner *sc)
{
    sc->i++;
    while (sc->i < sc->n && sc->in[sc->i] != '"') {
        if (sc->in[sc->i] == '\\' && sc->i + 1 < sc->n)
            sc->i++;
        if (sc->in[sc->i] == '\n')
            sc->line++;
        sc->i++;
    }
    if (sc->i < sc->n)
        sc->i++;
}

static int skip_comment(scanner *sc)
{
    const char *s = sc->in + sc->i;
    if (s[0] == '#' || (s[0] == '/' && sc->i + 1 < sc->n && s[1] == '/')) {
        while (sc->i < sc->n && sc->in[sc->i] != '\n')
            sc->i++;
        return 1;
    }
    if (s[0] == '/' && sc->i + 1 < sc->n && s[1] == '*') {
        sc->i += 2;
        while (sc->i < sc->n &&
               !(sc->in[sc->i] == '*' && sc->i + 1 < sc->n && sc->in[sc->i + 1] == '/')) {
            if (sc->in[sc->i] == '\n')
                sc->line++;
            sc->i++;
        }
        sc->i = sc->i + 2 <= sc->n ? sc->i + 2 : sc->n;
        return 1;
    }
    return 0;
}

/* @include "path": record it and blank it. Malformed ones are left alone. */
static void take_include(scanner *sc)
{
    size_t j = sc->i + 8;
    while (j < sc->n && (sc->in[j] == ' ' || sc->in[j] == '\t'))
        j++;
    if (j >= sc->n || sc->in[j] != '"') {
        sc->i += 8;
        return;
    }
    size_t start = ++j;
    while (j < sc->n && sc->in[j] != '"' && sc->in[j] != '\n')
        j++;
    if (j >= sc->n || sc->in[j] != '"') {
        sc->i += 8;
        return;
    }
    ms_prescan *ps = sc->ps;
    size_t len = j - start;
    if (ps->n_includes >= MS_PRESCAN_MAX_INCLUDES || len >= sizeof ps->includes[0]) {
        if (!ps->dropped_line)
            ps->dropped_line = sc->line;
    } else {
        memcpy(ps->includes[ps->n_includes], sc->in + start, len);
        ps->includes[ps->n_includes][len] = '\0';
        ps->include_nested[ps->n_includes] = sc->depth > 0;
        ps->include_lines[ps->n_includes++] = sc->line;
    }
    memset(sc->out + sc->i, ' ', j + 1 - sc->i);
    sc->i = j + 1;
}

static void record_bad(scanner *sc, size_t start, size_t len, int is64)
{
    ms_prescan *ps = sc->ps;
    if (ps->n_bad >= MS_PRESCAN_MAX_BAD)
        return;
    if (len >= sizeof ps->bad_tokens[0])
        len = sizeof ps->bad_tokens[0] - 1;
    memcpy(ps->bad_tokens[ps->n_bad], sc->in + start, len);
    ps->bad_tokens[ps->n_bad][len] = '\0';
    ps->bad_is64[ps->n_bad] = is64;
    ps->bad_lines[ps->n_bad++] = sc->line;
}

/* Magnitude of an integer token's digits, saturating at UINT64_MAX. */
static uint64_t magnitude(const char *s, size_t len, int base)
{
    uint64_t v = 0;
    for (size_t k = 0; k < len; k++) {
        int c = tolower((unsigned char)s[k]);
        int d = isdigit(c) ? c - '0' : c - 'a' + 10;
        if (d < 0 || d >= base)
            break;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return UINT64_MAX;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    return v;
}

/* A number token starting at sc->i (a digit, or '.' before a digit). */
static void take_number(scanner *sc)
{
    size_t start = sc->i, j = sc->i;
    int hex = sc->in[j] == '0' && j + 1 < sc->n && (sc->in[j + 1] == 'x' || sc->in[j + 1] == 'X');
    int is_float = 0;
    if (hex)
        j += 2;
    while (j < sc->n) {
        char c = sc->in[j];
        if (isalnum((unsigned char)c) || c == '.') {
            if (!hex && (c == '.' || c == 'e' || c == 'E'))
                is_float = 1;
            j++;
        } else if ((c == '+' || c == '-') && !hex &&
                   (sc->in[j - 1] == 'e' || sc->in[j - 1] == 'E')) {
            j++;
        } else {
            break;
        }
    }
    sc->i = j;
    if (is_float)
        return;
    size_t len = j - start;
    int suffixed = len > 0 && (sc->in[j - 1] == 'L' || sc->in[j - 1] == 'l');
    uint64_t v =
        hex ? magnitude(sc->in + start + 2, len - 2, 16) : magnitude(sc->in + start, len, 10);
    if (!suffixed && v > 2147483647u)
        record_bad(sc, start, len, 0);
    else if (suffixed && v > (uint64_t)INT64_MAX)
        record_bad(sc, start, len, 1);
}

int ms_prescan_run(const char *text, ms_prescan *ps)
{
    memset(ps, 0, sizeof *ps);
    scanner sc = {.in = text, .n = strlen(text), .line = 1, .ps = ps};
    sc.out = malloc(sc.n + 1);
    if (!sc.out)
        return -1;
    memcpy(sc.out, text, sc.n + 1);
    ps->text = sc.out;
    while (sc.i < sc.n) {
        char c = text[sc.i];
        if (c == '\n') {
            sc.line++;
            sc.i++;
        } else if (c == '"') {
            skip_string(&sc);
        } else if (skip_comment(&sc)) {
            continue;
        } else if (c == '@' && strncmp(text + sc.i, "@include", 8) == 0) {
            take_include(&sc);
        } else if (isalpha((unsigned char)c) || c == '_' || c == '*') {
            while (sc.i < sc.n && is_name_char((unsigned char)text[sc.i]))
                sc.i++;
        } else if (isdigit((unsigned char)c) ||
                   (c == '.' && sc.i + 1 < sc.n && isdigit((unsigned char)text[sc.i + 1]))) {
            take_number(&sc);
        } else {
            count_structure(&sc, c);
            sc.i++;
        }
        if (ps->limit_line)
            break; /* the file is refused: no need to read on */
    }
    return 0;
}

void ms_prescan_fini(ms_prescan *ps)
{
    free(ps->text);
    ps->text = NULL;
}
