/* util.c - small helpers shared by the subcommands: usage errors, strict
 * number parsing, the version string. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "marketsim_version.h"

int ms_cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("marketsim: ", stderr);
    if (command)
        fprintf(stderr, "%s: ", command);
    fputs("error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return MS_EXIT_USAGE;
}

int ms_cli_check_out_dir(const char *command, const char *flag, const char *dir)
{
    struct stat st;
    if (!dir[0]) {
        ms_cli_usage_error(command,
                           "%s: empty directory name (expected a path; is a variable "
                           "unset?)",
                           flag);
        return -1;
    }
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        ms_cli_usage_error(command, "%s: '%s' exists and is not a directory", flag, dir);
        return -1;
    }
    return 0;
}

const char *ms_cli_version(void)
{
    return MARKETSIM_VERSION " (git " MARKETSIM_GIT ")";
}

int ms_cli_parse_u64(const char *command, const char *flag, const char *text, uint64_t min,
                     uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    if (text[0] == '-' || text[0] == '\0' || isspace((unsigned char)text[0]))
        goto bad; /* strtoull skips leading blanks but not trailing ones */
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        goto bad;
    *out = v;
    return 0;
bad:
    ms_cli_usage_error(command, "%s: '%s' is not a whole number in [%llu, %llu]", flag, text,
                       (unsigned long long)min, (unsigned long long)max);
    return -1;
}

int ms_cli_parse_double(const char *command, const char *flag, const char *text, double min,
                        double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (text[0] == '\0' || isspace((unsigned char)text[0]) || errno != 0 || *end != '\0' ||
        !isfinite(v) || v < min || v > max) {
        ms_cli_usage_error(command, "%s: '%s' is not a number in [%g, %g]", flag, text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

void ms_cli_command_text(ms_buf *b, int argc, char **argv)
{
    ms_buf_puts(b, "marketsim");
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        ms_buf_append(b, " ", 1);
        if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                            "0123456789_./=:,@%+-") == strlen(s)) {
            ms_buf_puts(b, s);
            continue;
        }
        ms_buf_append(b, "'", 1);
        for (; *s; s++)
            ms_buf_puts(b, *s == '\'' ? "'\\''" : (char[]){*s, '\0'});
        ms_buf_append(b, "'", 1);
    }
}
