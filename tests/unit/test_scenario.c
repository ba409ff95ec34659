/* test_scenario.c - the scenario loader: library files, round trips,
 * --set overrides, @include layering, the libconfig 1.5 integer trap,
 * did-you-mean and error lines, and the schema table's own consistency. */
#include "test_main.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "marketsim/csv.h"
#include "marketsim/scenario.h"

#define SCEN_DIR MS_SOURCE_DIR "/scenarios"

static const char *const library[] = {
    "baseline",           "frontier_dispute", "settlement_carveout", "litigation_injunction",
    "restricted_routing", "full_exclusivity", "open_multicloud",     "microsoft_diversifies",
    "history_2025_2026"};
#define N_LIBRARY (int)(sizeof library / sizeof library[0])

static ms_scenario *load_lib(const char *name, const char *const *sets, int nsets, ms_errors *errs)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.cfg", SCEN_DIR, name);
    ms_scenario *sc = NULL;
    ms_status st = ms_scenario_load(path, sets, nsets, &sc, errs);
    if (st != MS_OK)
        ms_errors_print(stderr, errs);
    return sc;
}

/* Loads text (with @include resolved in scenarios/); returns NULL on error. */
static ms_scenario *load_text(const char *text, const char *const *sets, int nsets, ms_errors *errs)
{
    ms_scenario *sc = NULL;
    ms_scenario_load_string(text, "test.cfg", SCEN_DIR, sets, nsets, &sc, errs);
    return sc;
}

/* Whether some error names `key` and contains `needle` (and `line` if > 0). */
static int has_error(const ms_errors *errs, const char *key, const char *needle, int line)
{
    for (int i = 0; i < errs->count; i++) {
        const ms_error *e = &errs->items[i];
        if (strcmp(e->key, key) == 0 && strstr(e->msg, needle) && (line <= 0 || e->line == line))
            return 1;
    }
    ms_errors_print(stderr, errs);
    return 0;
}

static void test_library_loads(void)
{
    static ms_errors errs;
    for (int i = 0; i < N_LIBRARY; i++) {
        ms_scenario *sc = load_lib(library[i], NULL, 0, &errs);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        CU_ASSERT_STRING_EQUAL(sc->name, library[i]);
        CU_ASSERT_EQUAL(sc->n_clouds, 4);
        CU_ASSERT_EQUAL(sc->horizon_months, 60);
        CU_ASSERT_EQUAL(sc->replications, 20);
        CU_ASSERT_EQUAL(sc->buyer_count, 20000);
        CU_ASSERT(sc->initial_regime >= 0);
        ms_scenario_destroy(sc);
    }
}

static void test_frontier_contents(void)
{
    static ms_errors errs;
    ms_scenario *sc = load_lib("frontier_dispute", NULL, 0, &errs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    int aws = ms_scenario_cloud(sc, "aws"), azure = ms_scenario_cloud(sc, "azure");
    int fr = ms_scenario_product(sc, "frontier");
    CU_ASSERT(aws >= 0 && azure >= 0 && fr >= 0);
    CU_ASSERT_DOUBLE_EQUAL(sc->clouds[aws].initial_share, 0.25, 1e-15);
    CU_ASSERT_EQUAL(sc->products[fr].vendor, ms_scenario_vendor(sc, "openai"));
    CU_ASSERT_EQUAL(sc->products[fr].klass, MS_CLASS_STATEFUL_AGENT);
    CU_ASSERT_EQUAL(sc->products[fr].clouds, (1u << aws) | (1u << azure));
    CU_ASSERT_EQUAL(sc->initial_regime, ms_scenario_regime(sc, "R2p"));
    const ms_regime *r = &sc->regimes[sc->initial_regime];
    CU_ASSERT_EQUAL(r->n_rules, 3);
    CU_ASSERT_EQUAL(r->rules[2].product, fr);
    CU_ASSERT_EQUAL(r->rules[2].cloud, aws);
    CU_ASSERT_EQUAL(r->rules[2].vendor, MS_ANY);
    CU_ASSERT_EQUAL(r->rules[2].klass, MS_ANY);
    CU_ASSERT_EQUAL(r->rules[2].state, MS_OFFER_CONTESTED);
    CU_ASSERT_EQUAL(r->rules[0].route_cloud, MS_ANY);
    CU_ASSERT_TRUE(sc->dispute.enabled);
    CU_ASSERT_EQUAL(sc->dispute.outcome, MS_OUTCOME_STOCHASTIC);
    CU_ASSERT_EQUAL(sc->dispute.product, fr);
    CU_ASSERT_DOUBLE_EQUAL(sc->dispute.p_amend, 0.7, 1e-15);
    CU_ASSERT_EQUAL(sc->dispute.regime_amended, ms_scenario_regime(sc, "R3"));
    CU_ASSERT_DOUBLE_EQUAL(sc->decision.switching_cost[MS_CLASS_STATEFUL_AGENT], 3.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(sc->decision.term_months, 36, 0);
    CU_ASSERT_STRING_EQUAL(ms_outcome_name(MS_OUTCOME_PLAINTIFF_WINS), "plaintiff_wins");
    CU_ASSERT_STRING_EQUAL(ms_offer_state_name(MS_OFFER_ROUTED), "routed");
    CU_ASSERT_STRING_EQUAL(ms_exo_type_name(MS_EXO_CLARIFYING_STATEMENT), "clarifying_statement");
    CU_ASSERT_STRING_EQUAL(ms_product_class_name(MS_CLASS_FIRST_PARTY_APP), "first_party_app");
    CU_ASSERT_EQUAL(ms_scenario_cloud(sc, "nope"), -1);
    ms_scenario_destroy(sc);
}

static void test_history_schedule(void)
{
    static ms_errors errs;
    ms_scenario *sc = load_lib("history_2025_2026", NULL, 0, &errs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->n_schedule, 3);
    CU_ASSERT_EQUAL(sc->initial_regime, ms_scenario_regime(sc, "R1"));
    for (int i = 1; i < sc->n_schedule; i++)
        CU_ASSERT(sc->schedule[i - 1].month <= sc->schedule[i].month);
    CU_ASSERT_EQUAL(sc->dispute.outcome, MS_OUTCOME_AMENDED);
    int claude = ms_scenario_product(sc, "claude");
    CU_ASSERT_EQUAL(sc->products[claude].clouds & (1u << ms_scenario_cloud(sc, "azure")), 0u);
    CU_ASSERT_EQUAL(sc->events[0].type, MS_EXO_PARTNERSHIP);
    ms_scenario_destroy(sc);
}

/* The backtest scenario: January 2024, R0 first, the API market only. */
static void test_history_2024(void)
{
    static ms_errors errs;
    ms_scenario *sc = load_lib("history_2024_2026", NULL, 0, &errs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->horizon_months, 36);
    CU_ASSERT_EQUAL(sc->n_schedule, 4);
    CU_ASSERT_EQUAL(sc->initial_regime, ms_scenario_regime(sc, "R0"));
    CU_ASSERT_EQUAL(sc->dispute.outcome, MS_OUTCOME_AMENDED);
    CU_ASSERT_EQUAL(sc->vendors[ms_scenario_vendor(sc, "microsoft")].initial_share, 0.0);
    CU_ASSERT(sc->products[ms_scenario_product(sc, "copilot")].launch_month > sc->horizon_months);
    for (int i = 1; i < sc->n_events; i++)
        CU_ASSERT(sc->events[i - 1].month <= sc->events[i].month);
    ms_scenario_destroy(sc);
}

/* Events and the schedule come out sorted by month, stably. */
static void test_sorting(void)
{
    static ms_errors errs;
    ms_scenario *sc = load_text(
        "@include \"common.cfg\"\n"
        "events = ( { month = 5.0; type = \"outage\"; cloud = \"aws\"; value = 1.0; },\n"
        "           { month = 1.0; type = \"launch\"; product = \"gemini\"; },\n"
        "           { month = 5.0; type = \"outage\"; cloud = \"gcp\"; value = 2.0; },\n"
        "           { month = 7.0; type = \"price_change\"; vendor = \"openai\"; value = 0.9; } "
        ");\n"
        "regime_schedule = ( { month = 12; regime = \"R3\"; }, { month = 0; regime = \"R2\"; } "
        ");\n",
        NULL, 0, &errs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->n_events, 4);
    CU_ASSERT_EQUAL(sc->events[3].vendor, ms_scenario_vendor(sc, "openai"));
    CU_ASSERT_EQUAL(sc->events[3].product, MS_ANY);
    CU_ASSERT_EQUAL(sc->events[0].type, MS_EXO_LAUNCH);
    CU_ASSERT_DOUBLE_EQUAL(sc->events[1].value, 1.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(sc->events[2].value, 2.0, 0);
    CU_ASSERT_EQUAL(sc->events[1].product, MS_ANY);
    CU_ASSERT_EQUAL(sc->initial_regime, ms_scenario_regime(sc, "R2"));
    CU_ASSERT_EQUAL(sc->schedule[1].regime, ms_scenario_regime(sc, "R3"));
    ms_scenario_destroy(sc);
}

static void roundtrip(ms_scenario *a)
{
    static ms_errors errs;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(ms_scenario_write(a, f), MS_OK);
    fclose(f);
    ms_scenario *b = NULL;
    CU_ASSERT_EQUAL(ms_scenario_load_string(buf, "resolved.cfg", NULL, NULL, 0, &b, &errs), MS_OK);
    if (!b)
        ms_errors_print(stderr, &errs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(memcmp(a, b, sizeof *a), 0);
    CU_ASSERT_STRING_EQUAL(a->name, b->name);
    CU_ASSERT_EQUAL(a->n_events, b->n_events);
    ms_scenario_destroy(b);
    free(buf);
}

static void test_roundtrip_library(void)
{
    static ms_errors errs;
    for (int i = 0; i < N_LIBRARY; i++) {
        ms_scenario *sc = load_lib(library[i], NULL, 0, &errs);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        roundtrip(sc);
        ms_scenario_destroy(sc);
    }
    /* awkward values: a huge seed, tiny and odd floats */
    const char *sets[] = {"sim.seed=-1", "clouds.aws.price_index=0.1000000000000000055511",
                          "buyers.segments.finance.spend_median=1e-6",
                          "dispute.p_amend=0.3333333333333333"};
    ms_scenario *sc = load_lib("frontier_dispute", sets, 4, &errs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->seed, UINT64_MAX);
    roundtrip(sc);
    ms_scenario_destroy(sc);
}

static void test_overrides(void)
{
    static ms_errors errs;
    const char *sets[] = {"buyers.count=5000",
                          "clouds.aws.price_index=0.9",
                          "clouds.gcp.capacity=250", /* absent in the files: created */
                          "dispute.outcome=\"settled\"",
                          "products.frontier.clouds=aws,azure,gcp",
                          "events[1].cloud=gcp", /* inside a list, in place */
                          "sim.seed=5000000000",
                          "buyers.count=6000",                   /* the last one wins */
                          "regimes.R2p.rules[2].state=blocked"}; /* in an included file */
    ms_scenario *sc = load_lib("microsoft_diversifies", sets, 9, &errs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->buyer_count, 6000);
    CU_ASSERT_DOUBLE_EQUAL(sc->clouds[ms_scenario_cloud(sc, "aws")].price_index, 0.9, 0);
    CU_ASSERT_DOUBLE_EQUAL(sc->clouds[ms_scenario_cloud(sc, "gcp")].capacity, 250, 0);
    CU_ASSERT_EQUAL(sc->dispute.outcome, MS_OUTCOME_SETTLED);
    CU_ASSERT_EQUAL(sc->products[ms_scenario_product(sc, "frontier")].clouds, 0x7u);
    CU_ASSERT_EQUAL(sc->events[1].cloud, ms_scenario_cloud(sc, "gcp"));
    CU_ASSERT_EQUAL(sc->seed, 5000000000u);
    CU_ASSERT_EQUAL(sc->regimes[ms_scenario_regime(sc, "R2p")].rules[2].state, MS_OFFER_BLOCKED);
    ms_scenario_destroy(sc);
    const char *big[] = {"sim.seed=18446744073709551615"};
    sc = load_lib("baseline", big, 1, &errs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->seed, UINT64_MAX);
    ms_scenario_destroy(sc);
}

static void test_override_errors(void)
{
    static ms_errors errs;
    const char *bad1[] = {"buyers.count=abc"};
    CU_ASSERT_PTR_NULL(load_lib("baseline", bad1, 1, &errs));
    CU_ASSERT_TRUE(has_error(&errs, "buyers.count", "not a number", 0));
    CU_ASSERT_STRING_EQUAL(errs.items[0].file, "--set");
    const char *bad2[] = {"buyres.count=5"};
    CU_ASSERT_PTR_NULL(load_lib("baseline", bad2, 1, &errs));
    CU_ASSERT_TRUE(has_error(&errs, "buyres.count", "did you mean 'buyers.count'", 0));
    const char *bad3[] = {"sim.horizon_months=0",  "clouds.aws.sla=2",
                          "dispute.enabled=maybe", "noequals",
                          "events[0].value=1",     "clouds.aws=1"};
    CU_ASSERT_PTR_NULL(load_lib("baseline", bad3, 6, &errs));
    CU_ASSERT_TRUE(has_error(&errs, "sim.horizon_months", "out of range", 0));
    CU_ASSERT_TRUE(has_error(&errs, "clouds.aws.sla", "out of range", 0));
    CU_ASSERT_TRUE(has_error(&errs, "dispute.enabled", "not a bool", 0));
    CU_ASSERT_TRUE(has_error(&errs, "noequals", "KEY=VALUE", 0));
    CU_ASSERT_TRUE(has_error(&errs, "events[0].value", "no such list element", 0));
    CU_ASSERT_TRUE(has_error(&errs, "clouds.aws", "not a single value", 0));
}

/* Included files sit below: the including file's values win, groups merge. */
static void test_include_layering(void)
{
    static ms_errors errs;
    ms_scenario *sc = load_text("@include \"common.cfg\"\n"
                                "clouds = { aws = { price_index = 0.8; }; };\n"
                                "dispute = { p_amend = 0.6; };\n",
                                NULL, 0, &errs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    int aws = ms_scenario_cloud(sc, "aws");
    CU_ASSERT_DOUBLE_EQUAL(sc->clouds[aws].price_index, 0.8, 0);
    CU_ASSERT_DOUBLE_EQUAL(sc->clouds[aws].initial_share, 0.25, 0);
    CU_ASSERT_DOUBLE_EQUAL(sc->dispute.p_amend, 0.6, 0);
    CU_ASSERT_DOUBLE_EQUAL(sc->dispute.p_pi_grant, 0.37, 0);
    CU_ASSERT_STRING_EQUAL(sc->name, "test");
    ms_scenario_destroy(sc);
}

/* @include paths resolve relative to the including file, at every depth. */
static void test_include_relative(void)
{
    static ms_errors errs;
    char dir[] = "/tmp/ms_scenario_XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/sub", dir);
    CU_ASSERT_EQUAL_FATAL(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/sub/mid.cfg", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "@include \"%s/common.cfg\"\n@include \"leaf.cfg\"\n", SCEN_DIR);
    fclose(f);
    snprintf(path, sizeof path, "%s/sub/leaf.cfg", dir);
    f = fopen(path, "w");
    fprintf(f, "sim = { replications = 7; };\n");
    fclose(f);
    snprintf(path, sizeof path, "%s/main.cfg", dir);
    f = fopen(path, "w");
    fprintf(f, "@include \"sub/mid.cfg\"\nsim = { horizon_months = 24; };\n");
    fclose(f);
    ms_scenario *sc = NULL;
    CU_ASSERT_EQUAL(ms_scenario_load(path, NULL, 0, &sc, &errs), MS_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->replications, 7);
    CU_ASSERT_EQUAL(sc->horizon_months, 24);
    CU_ASSERT_STRING_EQUAL(sc->name, "main");
    ms_scenario_destroy(sc);
    /* a missing include names the including file and line */
    f = fopen(path, "w");
    fprintf(f, "# comment\n@include \"sub/none.cfg\"\n");
    fclose(f);
    CU_ASSERT_EQUAL(ms_scenario_load(path, NULL, 0, &sc, &errs), MS_ECONFIG);
    CU_ASSERT_TRUE(has_error(&errs, "@include", "none.cfg", 2));
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/* A relative @include not beside the including file is looked for along
 * $MARKETSIM_PATH, then in the scenario library: the source tree's for a
 * program in the build tree, as this test is. */
static void test_include_search(void)
{
    static ms_errors errs;
    char lib[4096], dir[] = "/tmp/ms_search_XXXXXX", path[600];
    CU_ASSERT_PTR_NOT_NULL_FATAL(ms_scenario_library_dir(lib, sizeof lib));
    CU_ASSERT_STRING_EQUAL(lib, SCEN_DIR);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/tag.cfg", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, "sim = { replications = 9; };\n");
    fclose(f);
    const char *text = "@include \"common.cfg\"\n@include \"tag.cfg\"\n";
    ms_scenario *sc = NULL;
    unsetenv(MS_SCENARIO_PATH_ENV);
    CU_ASSERT_EQUAL(ms_scenario_load_string(text, "t.cfg", "/nonexistent", NULL, 0, &sc, &errs),
                    MS_ECONFIG);
    CU_ASSERT_TRUE(
        has_error(&errs, "@include", "\"tag.cfg\" not found (looked in /nonexistent", 2));
    CU_ASSERT_TRUE(has_error(&errs, "@include", SCEN_DIR " (the scenario library))", 2));
    CU_ASSERT_EQUAL(errs.count, 1); /* common.cfg came from the library */
    setenv(MS_SCENARIO_PATH_ENV, dir, 1);
    CU_ASSERT_EQUAL(ms_scenario_load_string(text, "t.cfg", "/nonexistent", NULL, 0, &sc, &errs),
                    MS_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->replications, 9);
    ms_scenario_destroy(sc);
    unsetenv(MS_SCENARIO_PATH_ENV);
    remove(path);
    rmdir(dir);
}

/* Debian's libconfig 1.5 reads 4294967396 as 100: we must refuse it. */
static void test_int_overflow(void)
{
    static ms_errors errs;
    CU_ASSERT_PTR_NULL(load_text("@include \"common.cfg\"\n"
                                 "sim = { horizon_months = 12;\n"
                                 "        replications = 4294967396; };\n",
                                 NULL, 0, &errs));
    CU_ASSERT_TRUE(has_error(&errs, "sim.replications", "does not fit in 32 bits", 3));
    CU_ASSERT_EQUAL(errs.count, 1);
    CU_ASSERT_PTR_NULL(
        load_text("@include \"common.cfg\"\nbuyers = { count = 3000000000; };\n", NULL, 0, &errs));
    CU_ASSERT_TRUE(has_error(&errs, "buyers.count", "L suffix", 2));
    CU_ASSERT_PTR_NULL(load_text(
        "@include \"common.cfg\"\nsim = { seed = 99999999999999999999L; };\n", NULL, 0, &errs));
    CU_ASSERT_TRUE(has_error(&errs, "sim.seed", "64 bits", 2));
    CU_ASSERT_PTR_NULL(load_text(
        "@include \"common.cfg\"\nsim = { replications = 3000000000L; };\n", NULL, 0, &errs));
    CU_ASSERT_TRUE(has_error(&errs, "sim.replications", "out of range", 2));
    ms_scenario *sc = load_text("@include \"common.cfg\"\nsim = { seed = 5000000000L; };\n"
                                "# 4294967396 in a comment is fine\nsim2 = \"x 4294967396\";\n",
                                NULL, 0, &errs);
    CU_ASSERT_PTR_NULL(sc); /* sim2 is unknown, but the numbers in text are no errors */
    CU_ASSERT_EQUAL(errs.count, 1);
    CU_ASSERT_TRUE(has_error(&errs, "sim2", "unknown key", 4));
}

static void test_unknown_and_lines(void)
{
    static ms_errors errs;
    CU_ASSERT_PTR_NULL(load_text("@include \"common.cfg\"\n"
                                 "\n"
                                 "sim = {\n"
                                 "  horizon_mnths = 12;\n"
                                 "};\n"
                                 "clouds = { aws = { price_indx = 1.0; }; };\n"
                                 "dispute = { p_amend = 1.5; outcome = \"setled\"; };\n"
                                 "products = { frontier = { vendor = \"opnai\"; }; };\n",
                                 NULL, 0, &errs));
    CU_ASSERT_TRUE(has_error(&errs, "sim.horizon_mnths", "did you mean 'horizon_months'", 4));
    CU_ASSERT_TRUE(has_error(&errs, "clouds.aws.price_indx", "did you mean 'price_index'", 6));
    CU_ASSERT_TRUE(has_error(&errs, "dispute.p_amend", "out of range", 7));
    CU_ASSERT_TRUE(has_error(&errs, "dispute.outcome", "did you mean \"settled\"", 7));
    CU_ASSERT_EQUAL(errs.count, 4);
    CU_ASSERT_PTR_NULL(load_text("@include \"common.cfg\"\n"
                                 "products = { frontier = { vendor = \"opnai\"; }; };\n",
                                 NULL, 0, &errs));
    CU_ASSERT_TRUE(has_error(&errs, "products.frontier.vendor", "did you mean \"openai\"", 2));
    /* errors inside an included file name that file */
    CU_ASSERT_PTR_NULL(
        load_text("@include \"common.cfg\"\nclouds = { aws = { initial_share = 0.5; }; };\n", NULL,
                  0, &errs));
    CU_ASSERT_TRUE(has_error(&errs, "clouds", "sum to", 2));
}

static void test_no_global_state(void)
{
    static ms_errors errs;
    ms_scenario *a = load_lib("history_2025_2026", NULL, 0, &errs);
    CU_ASSERT_PTR_NULL(load_text("sim = { seed = ; }", NULL, 0, &errs));
    ms_scenario *b = load_lib("history_2025_2026", NULL, 0, &errs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(memcmp(a, b, sizeof *a), 0);
    ms_scenario_destroy(a);
    ms_scenario_destroy(b);
    ms_scenario_destroy(NULL);
}

/* The schema's own defaults must be valid: an empty world plus entities. */
static void test_defaults_valid(void)
{
    static ms_errors errs;
    ms_scenario *sc = load_text("clouds = { a = { initial_share = 1.0; }; };\n"
                                "vendors = { v = { initial_share = 1; }; };\n"
                                "products = { p = { vendor = \"v\"; class = \"stateless_api\"; "
                                "clouds = [\"a\"]; }; };\n"
                                "buyers = { segments = { s = { share = 1.0; }; }; };\n",
                                NULL, 0, &errs);
    if (!sc)
        ms_errors_print(stderr, &errs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->initial_regime, MS_ANY);
    CU_ASSERT_EQUAL(sc->horizon_months, 60);
    CU_ASSERT_EQUAL(sc->dispute.enabled, 0);
    CU_ASSERT_EQUAL(sc->dispute.regime_amended, MS_ANY);
    CU_ASSERT_DOUBLE_EQUAL(sc->decision.bass_q, 0.38, 0);
    CU_ASSERT_DOUBLE_EQUAL(sc->products[0].packaging[4], 0.5, 0);
    roundtrip(sc);
    ms_scenario_destroy(sc);
    /* and an empty file says what is missing */
    CU_ASSERT_PTR_NULL(load_text("", NULL, 0, &errs));
    CU_ASSERT_TRUE(has_error(&errs, "clouds", "none defined", 0));
    CU_ASSERT_TRUE(has_error(&errs, "buyers.segments", "none defined", 0));
}

/* RFC 3629 at its edges: each ill-formed case is found at its byte. */
static void test_utf8(void)
{
    static const struct {
        const char *s;
        size_t bad; /* offset of the first bad byte; SIZE_MAX = valid */
    } cases[] = {
        {"", SIZE_MAX},
        {"plain ascii", SIZE_MAX},
        {"caf\xc3\xa9 \xce\x94 \xe2\x82\xac \xf0\x9f\x98\x80", SIZE_MAX},
        {"\xf4\x8f\xbf\xbf", SIZE_MAX}, /* U+10FFFF */
        {"\xed\x9f\xbf", SIZE_MAX},     /* U+D7FF, just below the surrogates */
        {"caf\xe9", 3},                 /* Latin-1 */
        {"\xc0\xaf", 0},                /* overlong '/' */
        {"\xe0\x80\xaf", 0},            /* overlong, 3 bytes */
        {"\xf0\x80\x80\xaf", 0},        /* overlong, 4 bytes */
        {"a\xed\xa0\x80", 1},           /* U+D800, a surrogate */
        {"\xf4\x90\x80\x80", 0},        /* above U+10FFFF */
        {"ab\xe2\x82", 2},              /* cut short */
        {"\x80", 0},                    /* a lone continuation byte */
        {"\xff", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i].s);
        size_t want = cases[i].bad == SIZE_MAX ? n : cases[i].bad;
        CU_ASSERT_EQUAL(ms_scenario_utf8_check(cases[i].s, n), want);
        CU_ASSERT_EQUAL(ms_scenario_utf8_valid(cases[i].s), cases[i].bad == SIZE_MAX);
    }
}

static void test_name_rules(void)
{
    CU_ASSERT_PTR_NULL(ms_scenario_name_problem(""));
    CU_ASSERT_PTR_NULL(ms_scenario_name_problem("frontier_dispute"));
    CU_ASSERT_PTR_NULL(ms_scenario_name_problem("...")); /* odd but one component */
    CU_ASSERT_PTR_NULL(ms_scenario_name_problem(".hidden"));
    CU_ASSERT_PTR_NOT_NULL(ms_scenario_name_problem("."));
    CU_ASSERT_PTR_NOT_NULL(ms_scenario_name_problem(".."));
    CU_ASSERT_PTR_NOT_NULL(ms_scenario_name_problem("a/b"));
    CU_ASSERT_PTR_NOT_NULL(ms_scenario_name_problem("/"));
    static ms_errors errs;
    CU_ASSERT_PTR_NULL(
        load_text("@include \"common.cfg\"\nsim = { name = \"..\"; };\n", NULL, 0, &errs));
    CU_ASSERT_TRUE(has_error(&errs, "sim.name", "not a usable name", 2));
    const char *set[] = {"sim.name=caf\xe9"};
    CU_ASSERT_PTR_NULL(load_text("@include \"common.cfg\"\n", set, 1, &errs));
    CU_ASSERT_TRUE(has_error(&errs, "sim.name", "not valid UTF-8", 0));
    /* a byte-order mark is skipped, lines still count from the file's start */
    CU_ASSERT_PTR_NULL(
        load_text("\xef\xbb\xbf@include \"common.cfg\"\nsim2 = 1;\n", NULL, 0, &errs));
    CU_ASSERT_EQUAL(errs.count, 1);
    CU_ASSERT_TRUE(has_error(&errs, "sim2", "unknown key", 2));
}

/* The prescan's size limits: the message names the limit and the line. */
static void test_size_limits(void)
{
    static ms_errors errs;
    ms_buf b;
    ms_buf_init(&b);
    ms_buf_puts(&b, "x = {\n");
    for (int i = 0; i < 1001; i++)
        ms_buf_printf(&b, "k%d = 1;\n", i);
    ms_buf_puts(&b, "};\n");
    CU_ASSERT_PTR_NULL(load_text(ms_buf_cstr(&b), NULL, 0, &errs));
    CU_ASSERT_EQUAL(errs.count, 1);
    CU_ASSERT_TRUE(
        has_error(&errs, "", "more than 1000 settings in one group (at most 1000)", 1002));
    ms_buf_clear(&b);
    for (int i = 0; i < 17; i++)
        ms_buf_puts(&b, "a = (");
    CU_ASSERT_PTR_NULL(load_text(ms_buf_cstr(&b), NULL, 0, &errs));
    CU_ASSERT_TRUE(has_error(&errs, "", "nested more than 16 levels deep (at most 16)", 1));
    ms_buf_fini(&b);
}

static const ms_test_case cases[] = {
    {"library scenarios load", test_library_loads},
    {"frontier_dispute contents", test_frontier_contents},
    {"history schedule", test_history_schedule},
    {"history from 2024", test_history_2024},
    {"events and schedule sorted", test_sorting},
    {"round trip through the resolved writer", test_roundtrip_library},
    {"--set overrides", test_overrides},
    {"--set errors", test_override_errors},
    {"@include layering", test_include_layering},
    {"@include relative paths", test_include_relative},
    {"@include search path and library", test_include_search},
    {"integer overflow trap", test_int_overflow},
    {"unknown keys and error lines", test_unknown_and_lines},
    {"no global state", test_no_global_state},
    {"schema defaults valid", test_defaults_valid},
    {"UTF-8 check", test_utf8},
    {"scenario name rules, BOM", test_name_rules},
    {"size limits", test_size_limits},
};

MS_TEST_MAIN("scenario", cases)
