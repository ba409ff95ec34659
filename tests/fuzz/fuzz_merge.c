/* fuzz_merge.c - libFuzzer harness for `merge`'s part reader: the input,
 * cut at the first two NUL bytes, becomes manifest.part-0-of-2.csv, and
 * the two sweep.part-K-of-2.csv row files of a two-shard sweep. Merge must
 * write the three merged files or refuse with an error, never crash, read
 * out of bounds or leak; whatever it writes is removed after each input. */
#define _GNU_SOURCE
#include <unistd.h>

#include "fuzz_common.h"
#include "marketsim/sweep.h"

static void put(const char *dir, const char *name, const uint8_t *data, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    fuzz_write(path, data, len);
}

static void clean(const char *dir)
{
    static const char *const names[] = {"manifest.part-0-of-2.csv",
                                        "manifest.part-1-of-2.csv",
                                        "sweep.part-0-of-2.csv",
                                        "sweep.part-1-of-2.csv",
                                        "sweep.csv",
                                        "sweep_summary.csv",
                                        "manifest.csv"};
    char path[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *dir = fuzz_dir();
    const uint8_t *cut[3] = {data, data + size, data + size};
    size_t len[3] = {size, 0, 0};
    const uint8_t *z = memchr(data, 0, size);
    if (z) {
        len[0] = (size_t)(z - data);
        cut[1] = z + 1;
        len[1] = size - len[0] - 1;
        const uint8_t *z2 = memchr(cut[1], 0, len[1]);
        if (z2) {
            len[1] = (size_t)(z2 - cut[1]);
            cut[2] = z2 + 1;
            len[2] = size - (size_t)(cut[2] - data);
        }
    }
    put(dir, "manifest.part-0-of-2.csv", cut[0], len[0]);
    put(dir, "manifest.part-1-of-2.csv", cut[0], len[0]); /* the same sweep */
    put(dir, "sweep.part-0-of-2.csv", cut[1], len[1]);
    put(dir, "sweep.part-1-of-2.csv", cut[2], len[2]);
    ms_error err;
    ms_sweep_merge(dir, &err);
    clean(dir);
    return 0;
}
