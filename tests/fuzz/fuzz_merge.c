/* fuzz_merge.c - libFuzzer harness for `merge`'s part reader: the input,
 * cut at the first two NUL bytes, becomes manifest.part-0-of-2.csv, and
 * the two sweep.part-K-of-2.csv row files of a two-shard sweep. Each
 * part's manifest gets its shard line and the part's true proof (row count
 * and FNV-1a checksum, as a shard writes them), so inputs reach the row
 * merge instead of stopping at the proof check. Merge must write the three
 * merged files or refuse with an error, never crash, read out of bounds or
 * leak; whatever it writes is removed after each input. */
#define _GNU_SOURCE
#include <unistd.h>

#include "fuzz_common.h"
#include "marketsim/hash.h"
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

/* manifest.part-K-of-2.csv: the fuzzed text, the shard line, the proof. */
static void put_manifest(const char *dir, int k, const uint8_t *man, size_t man_len,
                         const uint8_t *rows, size_t rows_len)
{
    uint64_t h = ms_hash_fnv1a(rows, rows_len), lines = 0;
    for (size_t i = 0; i < rows_len; i++)
        lines += rows[i] == '\n';
    char tail[160], name[64];
    int n = snprintf(tail, sizeof tail, "shard,%d/2\npart_rows,%llu\npart_fnv1a64,%016llx\n", k,
                     (unsigned long long)(lines ? lines - 1 : 0), (unsigned long long)h);
    uint8_t *text = malloc(man_len + (size_t)n + 1);
    if (!text)
        return;
    memcpy(text, man, man_len);
    memcpy(text + man_len, tail, (size_t)n);
    snprintf(name, sizeof name, "manifest.part-%d-of-2.csv", k);
    put(dir, name, text, man_len + (size_t)n);
    free(text);
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
    put_manifest(dir, 0, cut[0], len[0], cut[1], len[1]);
    put_manifest(dir, 1, cut[0], len[0], cut[2], len[2]); /* the same sweep */
    put(dir, "sweep.part-0-of-2.csv", cut[1], len[1]);
    put(dir, "sweep.part-1-of-2.csv", cut[2], len[2]);
    ms_error err;
    ms_sweep_merge(dir, "marketsim merge fuzz", NULL, &err);
    clean(dir);
    return 0;
}
