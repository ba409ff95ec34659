/* test_csv.c - the CSV writer: RFC 4180 quoting, exact round trip of
 * doubles, and numbers that ignore the locale. */
#include "test_main.h"
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "../../sim/experiment/results_csv.h"
#include "marketsim/csv.h"

/* Writes one row of the given fields and returns it (static storage). */
static const char *row_of(const char *const *fields, int n)
{
    static char out[512];
    ms_buf b;
    ms_buf_init(&b);
    ms_csv w;
    ms_csv_init(&w, &b);
    for (int i = 0; i < n; i++)
        ms_csv_str(&w, fields[i]);
    ms_csv_end(&w);
    snprintf(out, sizeof out, "%s", ms_buf_cstr(&b));
    ms_buf_fini(&b);
    return out;
}

static void test_quoting(void)
{
    const char *plain[] = {"aws", "frontier", ""};
    CU_ASSERT_STRING_EQUAL(row_of(plain, 3), "aws,frontier,\n");
    const char *comma[] = {"a,b", "x"};
    CU_ASSERT_STRING_EQUAL(row_of(comma, 2), "\"a,b\",x\n");
    const char *quote[] = {"say \"hi\""};
    CU_ASSERT_STRING_EQUAL(row_of(quote, 1), "\"say \"\"hi\"\"\"\n");
    const char *nl[] = {"line\nbreak", "cr\rhere"};
    CU_ASSERT_STRING_EQUAL(row_of(nl, 2), "\"line\nbreak\",\"cr\rhere\"\n");
    const char *semi[] = {"frontier@aws:1.2(-0.4s;-0.2u)"};
    CU_ASSERT_STRING_EQUAL(row_of(semi, 1), "frontier@aws:1.2(-0.4s;-0.2u)\n");
    CU_ASSERT_TRUE(ms_csv_needs_quotes("\""));
    CU_ASSERT_FALSE(ms_csv_needs_quotes("plain text; ok"));
}

static void test_fields_and_header(void)
{
    ms_buf b;
    ms_buf_init(&b);
    ms_csv w;
    ms_csv_init(&w, &b);
    ms_csv_header(&w, "a,b,c,d,e,f");
    ms_csv_int(&w, -42);
    ms_csv_uint(&w, UINT64_MAX);
    ms_csv_num(&w, 0.1);
    ms_csv_num(&w, -0.0);
    ms_csv_exact(&w, 0.1);
    ms_csv_empty(&w);
    ms_csv_end(&w);
    CU_ASSERT_STRING_EQUAL(ms_buf_cstr(&b),
                           "a,b,c,d,e,f\n-42,18446744073709551615,0.1,0,0.10000000000000001,\n");
    CU_ASSERT_TRUE(ms_buf_ok(&b));
    ms_buf_fini(&b);
}

static void test_non_finite(void)
{
    char s[64];
    ms_csv_format(s, sizeof s, NAN, 17);
    CU_ASSERT_STRING_EQUAL(s, "nan");
    ms_csv_format(s, sizeof s, INFINITY, 17);
    CU_ASSERT_STRING_EQUAL(s, "inf");
    ms_csv_format(s, sizeof s, -INFINITY, 10);
    CU_ASSERT_STRING_EQUAL(s, "-inf");
    ms_csv_format(s, sizeof s, 1e300, 17);
    CU_ASSERT_STRING_EQUAL(s, "1.0000000000000001e+300");
}

/* A double whose bits are uniform (every magnitude and sign) or, every
 * other draw, a Gaussian (the ordinary values a model produces). */
static double draw_double(gsl_rng *r, int i)
{
    if (i % 2)
        return gsl_ran_gaussian(r, 1000.0);
    uint64_t bits = ((uint64_t)gsl_rng_get(r) << 32) | (uint64_t)gsl_rng_get(r);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

static void test_round_trip(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20261126);
    int bad = 0, checked = 0;
    for (int i = 0; i < 100000; i++) {
        double v = draw_double(r, i);
        if (!isfinite(v))
            continue;
        char s[64];
        ms_csv_format(s, sizeof s, v, MS_CSV_EXACT_DIGITS);
        double back = strtod(s, NULL);
        checked++;
        if (memcmp(&back, &v, sizeof v) != 0 && bad++ < 5)
            fprintf(stderr, "round trip failed: %s\n", s);
    }
    gsl_rng_free(r);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_TRUE(checked > 99000);
}

/* A value for the printf comparison: uniform bits, a fraction in [0, 1),
 * a ratio of small integers, a binary fraction with few bits (ties at
 * short precisions), or a power of ten one ulp off. */
static double draw_value(gsl_rng *r, int i)
{
    double v;
    switch (i % 5) {
    case 0:
        v = draw_double(r, 0);
        break;
    case 1:
        v = gsl_rng_uniform(r);
        break;
    case 2:
        v = (double)gsl_rng_uniform_int(r, 100000) / (double)(1 + gsl_rng_uniform_int(r, 1000));
        break;
    case 3:
        v = ldexp((double)gsl_rng_uniform_int(r, 1024), -(int)gsl_rng_uniform_int(r, 12));
        break;
    default:
        v = pow(10.0, (double)gsl_rng_uniform_int(r, 40) - 20.0);
        v = gsl_rng_uniform(r) < 0.5 ? nextafter(v, 0.0) : nextafter(v, HUGE_VAL);
        break;
    }
    return gsl_rng_uniform(r) < 0.5 ? -v : v;
}

/* ms_csv_format formats the common values itself (no snprintf): it must
 * give snprintf's bytes for every value and precision. */
static void test_matches_printf(void)
{
    static const int digits[] = {17, 10, 4, 1, 2, 16};
    static const double edge[] = {0.0, -0.0, 1e-3, 1e15, 0.5, 2.5, 0.125, 9.5, 0.095, 1.0 / 3.0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20261130);
    int bad = 0;
    for (int i = 0; i < 60000 + (int)(sizeof edge / sizeof edge[0]); i++) {
        double v = i < 60000 ? draw_value(r, i) : edge[i - 60000];
        if (isnan(v))
            continue; /* written as nan whatever its sign */
        for (size_t k = 0; k < sizeof digits / sizeof digits[0]; k++) {
            char got[64], want[64];
            ms_csv_format(got, sizeof got, v, digits[k]);
            snprintf(want, sizeof want, "%.*g", digits[k], v);
            if (strcmp(got, want) != 0 && bad++ < 5)
                fprintf(stderr, "%%.%dg: %s, printf gives %s\n", digits[k], got, want);
        }
    }
    gsl_rng_free(r);
    CU_ASSERT_EQUAL(bad, 0);
}

/* Switches LC_NUMERIC to a locale with a decimal comma: an installed one,
 * or one built with localedef into a temporary LOCPATH. 0 if impossible. */
static int comma_locale(char *tmpdir, size_t n)
{
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "de_DE"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (setlocale(LC_NUMERIC, names[i]))
            return 1;
    snprintf(tmpdir, n, "/tmp/ms_test_locale_XXXXXX");
    if (!mkdtemp(tmpdir))
        return 0;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", tmpdir);
    if (system(cmd) != 0)
        return 0;
    setenv("LOCPATH", tmpdir, 1);
    return setlocale(LC_NUMERIC, "de_DE.UTF-8") != NULL;
}

static void test_locale_independent(void)
{
    char tmpdir[64] = "";
    /* the test command installs `locales`, so one can always be built */
    int have = comma_locale(tmpdir, sizeof tmpdir);
    CU_ASSERT_TRUE_FATAL(have);
    char probe[32];
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    CU_ASSERT_STRING_EQUAL(probe, "0,5"); /* the locale really is active */
    char s[64];
    ms_csv_format(s, sizeof s, 0.1, 17);
    CU_ASSERT_STRING_EQUAL(s, "0.10000000000000001");
    ms_csv_format(s, sizeof s, -1234.5e-20, 10);
    CU_ASSERT_STRING_EQUAL(s, "-1.2345e-17");
    ms_buf b;
    ms_buf_init(&b);
    ms_csv w;
    ms_csv_init(&w, &b);
    ms_csv_num(&w, 0.25);
    ms_csv_exact(&w, 2.5);
    ms_csv_end(&w);
    CU_ASSERT_STRING_EQUAL(ms_buf_cstr(&b), "0.25,2.5\n");
    ms_buf_fini(&b);
    setlocale(LC_NUMERIC, "C");
    if (tmpdir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
        CU_ASSERT_EQUAL(system(cmd), 0);
    }
}

static void test_buf(void)
{
    ms_buf b;
    ms_buf_init(&b);
    CU_ASSERT_STRING_EQUAL(ms_buf_cstr(&b), "");
    for (int i = 0; i < 1000; i++)
        ms_buf_printf(&b, "%d;", i);
    CU_ASSERT_EQUAL(strncmp(ms_buf_cstr(&b), "0;1;2;", 6), 0);
    CU_ASSERT_TRUE(b.len > 3000);
    ms_buf_clear(&b);
    CU_ASSERT_EQUAL(b.len, 0);
    ms_buf_fini(&b);
}

/* A two-cloud, one-product world, built by hand (no loader needed). */
static ms_scenario *tiny_scenario(void)
{
    ms_scenario *sc = calloc(1, sizeof *sc);
    snprintf(sc->name, sizeof sc->name, "tiny");
    sc->n_clouds = 2;
    snprintf(sc->clouds[0].id, MS_ID_LEN, "aws");
    snprintf(sc->clouds[1].id, MS_ID_LEN, "azure");
    sc->n_vendors = 1;
    snprintf(sc->vendors[0].id, MS_ID_LEN, "openai");
    sc->n_products = 1;
    snprintf(sc->products[0].id, MS_ID_LEN, "frontier");
    sc->n_segments = 1;
    snprintf(sc->segments[0].id, MS_ID_LEN, "finance");
    return sc;
}

static void test_results_rows(void)
{
    ms_scenario *sc = tiny_scenario();
    ms_market_row market = {3, 1, 12, 34.5, 0.25, 1.0 / 3.0};
    ms_product_row product = {3, 0, 0, 7, 1e-7};
    ms_segment_row segment = {3, 0, 100, 40, 5, 2};
    ms_event_row event = {2.5, "regime_change", "R3", "dispute_amended, at last"};
    ms_market_result res;
    memset(&res, 0, sizeof res);
    res.market = &market;
    res.n_market = 1;
    res.products = &product;
    res.n_products = 1;
    res.segments = &segment;
    res.n_segments = 1;
    res.events = &event;
    res.n_events = 1;
    ms_buf bufs[MS_RESULTS_COUNT];
    for (int f = 0; f < MS_RESULTS_COUNT; f++)
        ms_buf_init(&bufs[f]);
    ms_results_format(sc, 4, &res, bufs);
    CU_ASSERT_STRING_EQUAL(ms_buf_cstr(&bufs[MS_RESULTS_MARKET]),
                           "tiny,4,3,azure,12,34.5,0.25,0.3333333333\n");
    CU_ASSERT_STRING_EQUAL(ms_buf_cstr(&bufs[MS_RESULTS_PRODUCTS]),
                           "tiny,4,3,openai,frontier,aws,7,1e-07\n");
    CU_ASSERT_STRING_EQUAL(ms_buf_cstr(&bufs[MS_RESULTS_SEGMENTS]),
                           "tiny,4,3,finance,100,40,5,2\n");
    CU_ASSERT_STRING_EQUAL(ms_buf_cstr(&bufs[MS_RESULTS_EVENTS]),
                           "tiny,4,2.5,regime_change,R3,\"dispute_amended, at last\"\n");
    CU_ASSERT_STRING_EQUAL(
        ms_results_columns(MS_RESULTS_MARKET),
        "scenario,replication,month,cloud,buyers,spend,share_spend,share_buyers");

    ms_decision_record rec;
    memset(&rec, 0, sizeof rec);
    rec.time = 1.5;
    rec.buyer = 42;
    rec.n_offers = 2;
    rec.offers[0].product = 0;
    rec.offers[0].cloud = 0;
    rec.offers[0].utility = 1.23456;
    rec.offers[0].switching = 0.4;
    rec.offers[0].uncertainty = 0.2;
    rec.offers[1].product = 0;
    rec.offers[1].cloud = 1;
    rec.offers[1].utility = -0.5;
    rec.defer_utility = 0.1;
    rec.chosen_product = -1;
    rec.chosen_cloud = -1;
    rec.held_product = -1;
    rec.held_cloud = -1;
    ms_results_format_decision(&bufs[MS_RESULTS_DECISIONS], sc, 0, &rec);
    rec.chosen_product = 0;
    rec.chosen_cloud = 7; /* out of range: printed as ?, never a crash */
    rec.n_offers = 0;
    rec.held_product = 0; /* a renewal */
    rec.held_cloud = 1;
    rec.forced = 1;
    ms_results_format_decision(&bufs[MS_RESULTS_DECISIONS], sc, 0, &rec);
    CU_ASSERT_STRING_EQUAL(
        ms_buf_cstr(&bufs[MS_RESULTS_DECISIONS]),
        "tiny,0,1.5,42,finance,0.1,"
        "\"frontier@aws:1.235(-0.4s,-0.2u);frontier@azure:-0.5(0s,0u)\",defer,,0\n"
        "tiny,0,1.5,42,finance,0.1,,frontier@?,frontier@azure,1\n");
    for (int f = 0; f < MS_RESULTS_COUNT; f++)
        ms_buf_fini(&bufs[f]);
    free(sc);
}

static const ms_test_case cases[] = {
    {"quoting", test_quoting},
    {"fields and header", test_fields_and_header},
    {"non-finite", test_non_finite},
    {"round trip 1e5 doubles", test_round_trip},
    {"%.*g as printf, 3.6e5 cases", test_matches_printf},
    {"locale independence", test_locale_independent},
    {"buffer", test_buf},
    {"market results rows", test_results_rows},
};

MS_TEST_MAIN("csv", cases)
