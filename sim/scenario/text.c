/* text.c - what a string from a scenario or design file must be before it
 * can reach a CSV cell or a path: well-formed UTF-8, and (for the scenario
 * name, which names the default output directory) one safe path component.
 *
 * The UTF-8 check follows RFC 3629 exactly: no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF. A CSV reader such
 * as Python's csv module fails on the first invalid byte, so one bad cell
 * would make a whole output file unreadable.
 */
#include <string.h>

#include "marketsim/scenario.h"

/* Length of the well-formed sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80; /* overlong */
        hi = c == 0xED ? 0x9F : 0xBF; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        lo = c == 0xF0 ? 0x90 : 0x80; /* overlong */
        hi = c == 0xF4 ? 0x8F : 0xBF; /* above U+10FFFF */
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

size_t ms_scenario_utf8_check(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t len = utf8_seq(p + i, n - i);
        if (!len)
            return i;
        i += len;
    }
    return n;
}

int ms_scenario_utf8_valid(const char *s)
{
    size_t n = strlen(s);
    return ms_scenario_utf8_check(s, n) == n;
}

const char *ms_scenario_name_problem(const char *name)
{
    if (!name[0])
        return NULL; /* empty: the file's base name is used */
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return "is not a usable name (\".\" and \"..\" name directories, not a scenario)";
    if (strchr(name, '/'))
        return "contains '/' (expected a name that is one path component: it names the "
               "default output directory out/<name>/)";
    return NULL;
}
