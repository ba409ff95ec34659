/* test_patch.c - ms_scenario_base: deriving a scenario by patching the
 * loaded base must give exactly what a full load with the same overrides
 * gives (bytes on success, status and messages on failure), for every
 * scalar key of the schema and a spread of good and bad values. */
#include "test_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sim/scenario/scenario_internal.h"
#include "marketsim/scenario.h"

#define SCEN_DIR MS_SOURCE_DIR "/scenarios"

static const char *const values[] = {"0",
                                     "1",
                                     "2",
                                     "0.5",
                                     "300.0",
                                     "300",
                                     "-1",
                                     "1e300",
                                     "abc",
                                     "true",
                                     "FALSE",
                                     "0.25",
                                     "\"0.3\"",
                                     "12L",
                                     "nan",
                                     "inf",
                                     " 7 ",
                                     "",
                                     "*",
                                     "none",
                                     "18446744073709551615",
                                     "-0.0",
                                     "1e-320",
                                     "settled",
                                     "stateful_agent",
                                     "'x'"};
#define N_VALUES (int)(sizeof values / sizeof values[0])

static int patched, compared;

/* Derives `set` from base and compares with a full load of path + set. */
static void compare_one(const ms_scenario_base *b, const char *path, const char *set)
{
    static ms_errors e1, e2;
    static ms_scenario fast;
    ms_scenario *full = NULL;
    const char *sets[1] = {set};
    memset(&fast, 0, sizeof fast);
    ms_status s1 = ms_scenario_base_derive(b, sets, 1, &fast, &e1);
    ms_status s2 = ms_scenario_load(path, sets, 1, &full, &e2);
    compared++;
    CU_ASSERT_EQUAL(s1, s2);
    if (s1 == MS_OK && s2 == MS_OK) {
        int same = memcmp(&fast, full, sizeof fast) == 0;
        if (!same)
            fprintf(stderr, "differs: %s\n", set);
        CU_ASSERT(same);
    } else if (s1 == s2) {
        CU_ASSERT_EQUAL(e1.count, e2.count);
        for (int i = 0; i < e1.count && i < e2.count; i++) {
            CU_ASSERT_STRING_EQUAL(e1.items[i].msg, e2.items[i].msg);
            CU_ASSERT_STRING_EQUAL(e1.items[i].key, e2.items[i].key);
            CU_ASSERT_EQUAL(e1.items[i].line, e2.items[i].line);
        }
    }
    ms_scenario_destroy(full);
    /* and whether the patch itself took it */
    memcpy(&fast, ms_scenario_base_get(b), sizeof fast);
    patched += ms_patch_apply(&fast, sets, 1) == 0;
}

/* The concrete path of schema key k for entity `id` ("" for root keys). */
static int concrete(const ms_schema_key *k, const char *id, char *out, size_t cap)
{
    const char *mark = strstr(k->path, "<id>");
    if (strstr(k->path, "[]"))
        return -1;
    if (!mark)
        return snprintf(out, cap, "%s", k->path) < (int)cap ? 0 : -1;
    snprintf(out, cap, "%.*s%s%s", (int)(mark - k->path), k->path, id, mark + 4);
    return 0;
}

static const char *entity_id(const ms_scenario *sc, ms_schema_scope scope)
{
    switch (scope) {
    case MS_SCOPE_CLOUD:
        return sc->clouds[sc->n_clouds - 1].id;
    case MS_SCOPE_VENDOR:
        return sc->vendors[0].id;
    case MS_SCOPE_PRODUCT:
        return sc->products[sc->n_products - 1].id;
    case MS_SCOPE_SEGMENT:
        return sc->segments[0].id;
    default:
        return "";
    }
}

static void sweep_keys(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.cfg", SCEN_DIR, name);
    static ms_errors errs;
    ms_scenario_base *b = NULL;
    CU_ASSERT_EQUAL_FATAL(ms_scenario_base_load(path, NULL, 0, &b, &errs), MS_OK);
    const ms_scenario *sc = ms_scenario_base_get(b);
    int nk;
    const ms_schema_key *keys = ms_schema_keys(&nk);
    for (int j = 0; j < nk; j++) {
        const ms_schema_key *k = &keys[j];
        char key[256], set[400];
        if (k->scope == MS_SCOPE_NONE || concrete(k, entity_id(sc, k->scope), key, sizeof key))
            continue;
        for (int v = 0; v < N_VALUES; v++) {
            snprintf(set, sizeof set, "%s=%s", key, values[v]);
            compare_one(b, path, set);
        }
        /* every id of the referenced kind, and the key's default */
        for (int c = 0; c < sc->n_clouds && k->type == MS_SCHEMA_REF; c++) {
            snprintf(set, sizeof set, "%s=%s", key, sc->clouds[c].id);
            compare_one(b, path, set);
        }
        for (int p = 0; p < sc->n_products && k->type == MS_SCHEMA_REF; p++) {
            snprintf(set, sizeof set, "%s=%s", key, sc->products[p].id);
            compare_one(b, path, set);
        }
        if (k->def) {
            snprintf(set, sizeof set, "%s=%s", key, k->def);
            compare_one(b, path, set);
        }
    }
    ms_scenario_base_destroy(b);
}

static void test_every_key_frontier(void)
{
    patched = compared = 0;
    sweep_keys("frontier_dispute");
    /* the patch must carry the common case, not decline everything */
    fprintf(stderr, "\n  %d of %d overrides patched\n", patched, compared);
    CU_ASSERT(patched > 400);
}

/* The overrides sweeps and calibrations use are patched, not reloaded. */
static void test_common_keys_patch(void)
{
    static ms_errors errs;
    ms_scenario_base *b = NULL;
    CU_ASSERT_EQUAL_FATAL(
        ms_scenario_base_load(SCEN_DIR "/frontier_dispute.cfg", NULL, 0, &b, &errs), MS_OK);
    static const char *const common[] = {"buyers.count=100",
                                         "dispute.p_amend=0.3",
                                         "sim.seed=18446744073709551615",
                                         "clouds.aws.price_index=1.1",
                                         "decision.kappa=0.2",
                                         "buyers.segments.finance.risk_aversion=1.5",
                                         "buyers.segments.finance.share=0.3",
                                         "dispute.enabled=false",
                                         "sim.replications=3",
                                         "dispute.outcome=settled"};
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) {
        static ms_scenario sc;
        memcpy(&sc, ms_scenario_base_get(b), sizeof sc);
        const char *one[1] = {common[i]};
        int ok = ms_patch_apply(&sc, one, 1) == 0;
        if (!ok && strstr(common[i], ".share=") == NULL)
            fprintf(stderr, "not patched: %s\n", common[i]);
        /* a segment share alone breaks the shares' sum: declined, reported */
        CU_ASSERT_EQUAL(ok, strstr(common[i], ".share=") == NULL);
    }
    ms_scenario_base_destroy(b);
}

static void test_every_key_history(void)
{
    sweep_keys("history_2025_2026");
}

/* Several overrides at once, the base's own --set kept underneath. */
static void test_base_sets(void)
{
    static ms_errors errs;
    const char *path = SCEN_DIR "/frontier_dispute.cfg";
    const char *base_sets[] = {"buyers.count=300", "dispute.p_amend=0.9"};
    ms_scenario_base *b = NULL;
    CU_ASSERT_EQUAL_FATAL(ms_scenario_base_load(path, base_sets, 2, &b, &errs), MS_OK);
    const char *more[] = {"dispute.p_settle=0.2", "sim.seed=7", "dispute.p_amend=0.1"};
    static ms_scenario fast;
    CU_ASSERT_EQUAL(ms_scenario_base_derive(b, more, 3, &fast, &errs), MS_OK);
    const char *all[] = {base_sets[0], base_sets[1], more[0], more[1], more[2]};
    ms_scenario *full = NULL;
    CU_ASSERT_EQUAL_FATAL(ms_scenario_load(path, all, 5, &full, &errs), MS_OK);
    CU_ASSERT(memcmp(&fast, full, sizeof fast) == 0);
    CU_ASSERT_EQUAL(fast.buyer_count, 300);
    CU_ASSERT_DOUBLE_EQUAL(fast.dispute.p_amend, 0.1, 0);
    ms_scenario_destroy(full);
    /* a bad value reports as the full load does, naming --set and the key */
    const char *bad[] = {"dispute.p_settle=1.5"};
    CU_ASSERT_EQUAL(ms_scenario_base_derive(b, bad, 1, &fast, &errs), MS_ECONFIG);
    CU_ASSERT_EQUAL(errs.count, 1);
    CU_ASSERT_STRING_EQUAL(errs.items[0].file, "--set");
    CU_ASSERT_STRING_EQUAL(errs.items[0].key, "dispute.p_settle");
    ms_scenario_base_destroy(b);
    CU_ASSERT_EQUAL(ms_scenario_base_load(SCEN_DIR "/nonexistent.cfg", NULL, 0, &b, &errs), MS_EIO);
    CU_ASSERT_PTR_NULL(b);
}

static const ms_test_case cases[] = {
    {"every scalar key, frontier_dispute", test_every_key_frontier},
    {"every scalar key, history_2025_2026", test_every_key_history},
    {"base overrides and errors", test_base_sets},
    {"common keys take the patch", test_common_keys_patch},
};

MS_TEST_MAIN("patch", cases)
