/* fuzz_targets.c - libFuzzer harness for calibration target files
 * (calibrate --targets): any bytes as the CSV, checked against the
 * baseline scenario. The parser must return MS_OK with targets whose
 * months, subjects and standard errors are in range, or an error naming a
 * line, never crash, read out of bounds or leak. Run from scenarios/. */
#define _GNU_SOURCE
#include <math.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "marketsim/calibrate.h"
#include "marketsim/scenario.h"

static const ms_scenario *baseline(void)
{
    static ms_scenario *sc;
    if (!sc) {
        ms_errors errs;
        ms_errors_init(&errs);
        if (ms_scenario_load("baseline.cfg", NULL, 0, &sc, &errs) != MS_OK)
            abort(); /* run from scenarios/ */
    }
    return sc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const ms_scenario *sc = baseline();
    ms_calib_targets t;
    ms_error err;
    if (ms_calib_targets_parse((const char *)data, size, "targets.csv", sc, &t, &err) == MS_OK) {
        if (t.n == 0)
            abort(); /* "no targets" is an error */
        for (size_t i = 0; i < t.n; i++)
            if (t.items[i].month > sc->horizon_months || t.items[i].month < -1 ||
                !(t.items[i].se > 0.0) || !isfinite(t.items[i].value))
                abort();
        ms_calib_targets_fini(&t);
    }
    return 0;
}
