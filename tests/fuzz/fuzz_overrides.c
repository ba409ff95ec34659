/* fuzz_overrides.c - libFuzzer harness for command-line values: each
 * input line as a `--set KEY=VALUE` on the baseline scenario, and the same
 * lines as `--vary KEY=SPEC` for a grid, lhs or sobol design (the first
 * byte picks the kind and sample count). Both must succeed or fail with
 * errors, never crash, read out of bounds or leak. Run from scenarios/
 * (tests/fuzz/run.sh does) so baseline.cfg and its include are found. */
#define _GNU_SOURCE
#include <unistd.h>

#include "fuzz_common.h"
#include "marketsim/design.h"
#include "marketsim/scenario.h"

#define MAX_LINES 8

static char *base_text(void)
{
    static char *text;
    if (!text) {
        FILE *f = fopen("baseline.cfg", "rb");
        if (!f)
            abort(); /* run from scenarios/ */
        static char buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        text = buf;
    }
    return text;
}

/* A grid of lo:hi:N with a huge N is a resource limit (the design caps it
 * at 10^7 points), not a parsing question: keep the fuzzer on parsing. */
static int huge_grid(const char *spec)
{
    const char *c = strrchr(spec, ':');
    return c && strtod(c + 1, NULL) > 1000.0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned mode = data[0];
    char *text = fuzz_text(data + 1, size - 1);
    const char *lines[MAX_LINES];
    int n = 0;
    for (char *p = text, *save = NULL; n < MAX_LINES && (p = strtok_r(p, "\n", &save)); p = NULL)
        lines[n++] = p;
    ms_scenario *sc = NULL;
    ms_errors errs;
    ms_errors_init(&errs);
    if (ms_scenario_load_string(base_text(), "baseline.cfg", ".", lines, n, &sc, &errs) == MS_OK)
        ms_scenario_destroy(sc);
    int huge = 0;
    for (int i = 0; i < n; i++)
        huge |= huge_grid(lines[i]);
    if (!huge && n > 0) {
        ms_design d;
        memset(&d, 0, sizeof d);
        ms_error err;
        ms_design_kind kind = (ms_design_kind)(mode % 3);
        if (ms_design_build(kind, lines, n, 1 + (mode >> 2) % 16, 7, &d, &err) == MS_OK &&
            (d.n_points < 1 || d.n_keys != n))
            abort();
        ms_design_fini(&d);
    }
    free(text);
    return 0;
}
