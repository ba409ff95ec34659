/* fuzz_config.c - libFuzzer harness for the scenario loader: any bytes as
 * a scenario file, with and without one override. The loader must return
 * MS_OK or an error list, never crash, read out of bounds or leak (beyond
 * libconfig 1.5's own scanner leak on malformed input, suppressed in
 * tests/fuzz/lsan.supp). Built by tests/fuzz/run.sh with clang. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "marketsim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    static const char *const sets[] = {"buyers.count=100"};
    for (int nsets = 0; nsets <= 1; nsets++) {
        ms_scenario *sc = NULL;
        ms_errors errs;
        ms_errors_init(&errs);
        if (ms_scenario_load_string(text, "fuzz.cfg", NULL, sets, nsets, &sc, &errs) == MS_OK)
            ms_scenario_destroy(sc);
    }
    free(text);
    return 0;
}
