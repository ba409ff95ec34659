/* fuzz_common.h - what the libFuzzer harnesses share: the entry point's
 * declaration, a private scratch directory, and writing bytes to a file
 * there (the design, part and journal readers take paths). */
#ifndef MARKETSIM_FUZZ_COMMON_H
#define MARKETSIM_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A directory of this process's own, made once (under /dev/shm when it
 * exists: the harnesses write a file per input). */
static inline const char *fuzz_dir(void)
{
    static char dir[64];
    if (!dir[0]) {
        const char *base = (access("/dev/shm", W_OK) == 0) ? "/dev/shm" : "/tmp";
        snprintf(dir, sizeof dir, "%s/ms_fuzz.XXXXXX", base);
        if (!mkdtemp(dir))
            abort();
    }
    return dir;
}

/* Writes len bytes to dir/name; aborts on failure (not the code under test). */
static inline void fuzz_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0)
        abort();
}

/* A NUL-terminated copy of the input. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *t = malloc(size + 1);
    if (!t)
        abort();
    memcpy(t, data, size);
    t[size] = '\0';
    return t;
}

#endif
