/* fuzz_design.c - libFuzzer harness for the design-file reader (sweep
 * --design-file): any bytes as the CSV. The reader must return MS_OK with
 * a rectangular table or an error naming a line, never crash, read out of
 * bounds or leak. Built and run by tests/fuzz/run.sh. */
#define _GNU_SOURCE
#include <unistd.h>

#include "fuzz_common.h"
#include "marketsim/design.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[128];
    if (!path[0])
        snprintf(path, sizeof path, "%s/design.csv", fuzz_dir());
    fuzz_write(path, data, size);
    ms_design d;
    memset(&d, 0, sizeof d);
    ms_error err;
    if (ms_design_read_csv(path, &d, &err) == MS_OK) {
        if (d.n_keys < 1 || d.n_keys > MS_DESIGN_MAX_KEYS || d.n_points < 1)
            abort(); /* a design with nothing in it must be refused */
        size_t total = 0;
        for (size_t p = 0; p < d.n_points; p++)
            for (int k = 0; k < d.n_keys; k++)
                total += strlen(ms_design_cell(&d, p, k)); /* every cell readable */
        (void)total;
    }
    ms_design_fini(&d);
    return 0;
}
