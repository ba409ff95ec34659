/* test_design.c - sweep designs: grid, Latin hypercube, Sobol and design
 * files (design.h). Every check compares against values worked out here
 * or against GSL directly, so a wrong order, count or value fails. Keys
 * are real schema keys: a design is typed by them (dispute.p_amend and
 * clouds.<id>.price_index are floats, sim.horizon_months and sim.seed
 * integers, sim.name and sim.initial_regime words). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <gsl/gsl_qrng.h>

#include "marketsim/design.h"

static double num(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    CU_ASSERT_EQUAL(*end, '\0');
    return v;
}

static ms_status build(ms_design_kind kind, const char *const *vary, int n, size_t samples,
                       uint64_t seed, ms_design *d, ms_error *err)
{
    memset(err, 0, sizeof *err);
    return ms_design_build(kind, vary, n, samples, seed, d, err);
}

/* ---- grid ---------------------------------------------------------------- */

static void test_grid_cartesian(void)
{
    const char *vary[] = {"sim.initial_regime=R2p,R3", "buyers.count=1:3:3",
                          "clouds.aws.price_index=0.5,1.5"};
    ms_design d;
    ms_error err;
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_GRID, vary, 3, 0, 0, &d, &err), MS_OK);
    CU_ASSERT_EQUAL(d.kind, MS_DESIGN_GRID);
    CU_ASSERT_EQUAL(d.n_keys, 3);
    CU_ASSERT_EQUAL_FATAL(d.n_points, 12);
    CU_ASSERT_STRING_EQUAL(d.keys[0], "sim.initial_regime");
    CU_ASSERT_STRING_EQUAL(d.keys[1], "buyers.count");
    CU_ASSERT_STRING_EQUAL(d.keys[2], "clouds.aws.price_index");
    const char *a[] = {"R2p", "R3"}, *b[] = {"1", "2", "3"}, *c[] = {"0.5", "1.5"};
    for (size_t p = 0; p < 12; p++) { /* first key slowest, last fastest */
        CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, p, 0), a[p / 6]);
        CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, p, 1), b[(p / 2) % 3]);
        CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, p, 2), c[p % 2]);
    }
    CU_ASSERT_STRING_EQUAL(ms_design_kind_name(d.kind), "grid");
    ms_design_fini(&d);
    CU_ASSERT_PTR_NULL(d.cells);
    CU_ASSERT_EQUAL(d.n_points, 0);
    ms_design_fini(&d); /* twice is safe */
}

static void test_grid_range_endpoints(void)
{
    const char *vary[] = {"dispute.p_amend=0.1:0.7:4"};
    ms_design d;
    ms_error err;
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_GRID, vary, 1, 0, 0, &d, &err), MS_OK);
    CU_ASSERT_EQUAL_FATAL(d.n_points, 4);
    /* the endpoints are exactly lo and hi, and the text is the shortest
     * that reads back as the value (0.3, not 0.29999999999999999) */
    CU_ASSERT_EQUAL(num(ms_design_cell(&d, 0, 0)), 0.1);
    CU_ASSERT_EQUAL(num(ms_design_cell(&d, 3, 0)), 0.7);
    const char *want[] = {"0.1", "0.3", "0.5", "0.7"};
    for (size_t p = 0; p < 4; p++) {
        CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, p, 0), want[p]);
        CU_ASSERT_DOUBLE_EQUAL(num(ms_design_cell(&d, p, 0)), 0.1 + 0.2 * (double)p, 1e-15);
    }
    ms_design_fini(&d);

    const char *one[] = {"clouds.aws.price_index=2.5:9:1"}; /* n = 1: lo */
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_GRID, one, 1, 0, 0, &d, &err), MS_OK);
    CU_ASSERT_EQUAL_FATAL(d.n_points, 1);
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 0, 0), "2.5");
    ms_design_fini(&d);

    const char *neg[] = {"sim.seed=-1:1:5"}; /* an integer key around zero */
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_GRID, neg, 1, 0, 0, &d, &err), MS_OK);
    CU_ASSERT_EQUAL_FATAL(d.n_points, 5);
    for (size_t p = 0; p < 5; p++) { /* -1,-0.5,0,0.5,1 rounded: whole, in range */
        double v = num(ms_design_cell(&d, p, 0));
        CU_ASSERT_EQUAL(v, floor(v));
        CU_ASSERT(v >= -1 && v <= 1);
        CU_ASSERT_PTR_NULL(strchr(ms_design_cell(&d, p, 0), '.'));
    }
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 0, 0), "-1");
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 4, 0), "1");
    ms_design_fini(&d);
}

static void test_grid_typed(void)
{
    const char *vary[] = {"buyers.count=1000:3000:5", "sim.horizon_months=1:10:4"};
    ms_design d;
    ms_error err;
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_GRID, vary, 2, 0, 0, &d, &err), MS_OK);
    CU_ASSERT_EQUAL_FATAL(d.n_points, 20);
    const char *a[] = {"1000", "1500", "2000", "2500", "3000"}, *b[] = {"1", "4", "7", "10"};
    for (size_t p = 0; p < 20; p++) {
        CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, p, 0), a[p / 4]);
        CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, p, 1), b[p % 4]);
    }
    ms_design_fini(&d);

    /* a float key takes reals however its bounds are written */
    const char *reals[][1] = {{"clouds.aws.price_index=1.0:2:3"}, {"clouds.aws.price_index=1:2:3"}};
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_GRID, reals[i], 1, 0, 0, &d, &err), MS_OK);
        CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 0, 0), "1");
        CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 1, 0), "1.5");
        CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 2, 0), "2");
        ms_design_fini(&d);
    }
    const char *amend[] = {"dispute.p_amend=0:1:5"};
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_GRID, amend, 1, 0, 0, &d, &err), MS_OK);
    const char *quarters[] = {"0", "0.25", "0.5", "0.75", "1"};
    for (size_t p = 0; p < 5; p++)
        CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, p, 0), quarters[p]);
    ms_design_fini(&d);

    /* an integer key takes whole numbers however its bounds are written:
     * 300.0 and 3e2 read as 300 */
    const char *ints[] = {"buyers.count=300.0:5e2:3"};
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_GRID, ints, 1, 0, 0, &d, &err), MS_OK);
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 0, 0), "300");
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 1, 0), "400");
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 2, 0), "500");
    ms_design_fini(&d);
}

static void expect_list(const char *spec, const char *const *want, size_t n)
{
    const char *vary[] = {spec};
    ms_design d;
    ms_error err;
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_GRID, vary, 1, 0, 0, &d, &err), MS_OK);
    CU_ASSERT_EQUAL_FATAL(d.n_points, n);
    for (size_t p = 0; p < n; p++)
        CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, p, 0), want[p]);
    ms_design_fini(&d);
}

static void test_grid_list_verbatim(void)
{
    /* words verbatim, ':' included (a word key's spec is always a list) */
    const char *words[] = {"0.30", "abc", "1e3", "-7", "a:b"};
    expect_list("sim.name=0.30,abc,1e3,-7,a:b", words, 5);
    /* a float key's numbers as written */
    const char *reals[] = {"0.30", "1e1", "7", "+2.5"};
    expect_list("clouds.aws.price_index=0.30,1e1,7,+2.5", reals, 4);
    /* an integer key's: as written when --set reads them, else the whole
     * number they denote */
    const char *ints[] = {"007", "300L", "300", "1000", "-5"};
    expect_list("sim.seed=007,300L,300.0,1e3,-5.0", ints, 5);

    ms_design d;
    ms_error err;
    const char *single[] = {"buyers.count=42"}; /* a one-item list */
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_GRID, single, 1, 0, 0, &d, &err), MS_OK);
    CU_ASSERT_EQUAL(d.n_points, 1);
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 0, 0), "42");
    ms_design_fini(&d);
}

/* ---- Latin hypercube ----------------------------------------------------- */

#define LHS_N 20

static void test_lhs_strata(void)
{
    const char *vary[] = {"dispute.p_amend=0.0:1", "buyers.segments.s.defer_utility=-5.5:4.5",
                          "sim.horizon_months=100:200"};
    double lo[] = {0, -5.5}, hi[] = {1, 4.5};
    ms_design d;
    ms_error err;
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_LHS, vary, 3, LHS_N, 7, &d, &err), MS_OK);
    CU_ASSERT_EQUAL(d.kind, MS_DESIGN_LHS);
    CU_ASSERT_EQUAL_FATAL(d.n_points, LHS_N);
    for (int k = 0; k < 2; k++) {
        int hits[LHS_N] = {0};
        for (size_t p = 0; p < LHS_N; p++) {
            double v = num(ms_design_cell(&d, p, k));
            CU_ASSERT(v >= lo[k] && v <= hi[k]);
            int bin = (int)floor((v - lo[k]) / (hi[k] - lo[k]) * LHS_N);
            if (bin >= 0 && bin < LHS_N)
                hits[bin]++;
        }
        for (int b = 0; b < LHS_N; b++) /* one point per stratum */
            CU_ASSERT_EQUAL(hits[b], 1);
    }
    int distinct = 0;
    for (size_t p = 0; p < LHS_N; p++) { /* an integer key: whole numbers in range */
        double v = num(ms_design_cell(&d, p, 2));
        CU_ASSERT_EQUAL(v, floor(v));
        CU_ASSERT(v >= 100 && v <= 200);
        distinct += p == 0 || strcmp(ms_design_cell(&d, p, 2), ms_design_cell(&d, 0, 2)) != 0;
    }
    CU_ASSERT(distinct > LHS_N / 2);
    ms_design_fini(&d);

    /* a float key's 0:1 is the same design as 0.0:1: reals, not 0 or 1 */
    const char *real[] = {"dispute.p_amend=0:1"}, *dotted[] = {"dispute.p_amend=0.0:1.0"};
    ms_design d2;
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_LHS, real, 1, LHS_N, 7, &d, &err), MS_OK);
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_LHS, dotted, 1, LHS_N, 7, &d2, &err), MS_OK);
    int whole = 0;
    for (size_t p = 0; p < LHS_N; p++) {
        double v = num(ms_design_cell(&d, p, 0));
        whole += v == floor(v);
        CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, p, 0), ms_design_cell(&d2, p, 0));
    }
    CU_ASSERT_EQUAL(whole, 0);
    ms_design_fini(&d);
    ms_design_fini(&d2);

    /* an integer key's 1:2 (or 1.0:2.0): whole values 1 and 2 only, each
     * taking half of the strata */
    const char *ints[] = {"sim.horizon_months=1.0:2.0"};
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_LHS, ints, 1, LHS_N, 7, &d, &err), MS_OK);
    int twos = 0;
    for (size_t p = 0; p < LHS_N; p++) {
        const char *v = ms_design_cell(&d, p, 0);
        CU_ASSERT(strcmp(v, "1") == 0 || strcmp(v, "2") == 0);
        twos += strcmp(v, "2") == 0;
    }
    CU_ASSERT_EQUAL(twos, LHS_N / 2);
    ms_design_fini(&d);
}

static int same_design(const ms_design *a, const ms_design *b)
{
    if (a->n_points != b->n_points || a->n_keys != b->n_keys)
        return 0;
    for (size_t p = 0; p < a->n_points; p++)
        for (int k = 0; k < a->n_keys; k++)
            if (strcmp(ms_design_cell(a, p, k), ms_design_cell(b, p, k)) != 0)
                return 0;
    return 1;
}

static void test_lhs_seeded(void)
{
    const char *vary[] = {"dispute.p_amend=0:1", "sim.horizon_months=10:20"};
    ms_design d1, d2, d3;
    ms_error err;
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_LHS, vary, 2, 8, 42, &d1, &err), MS_OK);
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_LHS, vary, 2, 8, 42, &d2, &err), MS_OK);
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_LHS, vary, 2, 8, 43, &d3, &err), MS_OK);
    CU_ASSERT_TRUE(same_design(&d1, &d2));
    CU_ASSERT_FALSE(same_design(&d1, &d3));
    /* a key's column depends on its own stream: adding a key after it
     * leaves the first key's values alone */
    const char *one[] = {"dispute.p_amend=0:1"};
    ms_design d4;
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_LHS, one, 1, 8, 42, &d4, &err), MS_OK);
    for (size_t p = 0; p < 8; p++)
        CU_ASSERT_STRING_EQUAL(ms_design_cell(&d4, p, 0), ms_design_cell(&d1, p, 0));
    ms_design_fini(&d1);
    ms_design_fini(&d2);
    ms_design_fini(&d3);
    ms_design_fini(&d4);
}

/* ---- Sobol ----------------------------------------------------------------- */

static void test_sobol_matches_gsl(void)
{
    const char *vary[] = {"dispute.p_amend=0:1", "clouds.aws.price_index=10:20", "sim.seed=-1:3"};
    double lo[] = {0, 10, -1}, hi[] = {1, 20, 3};
    ms_design d;
    ms_error err;
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_SOBOL, vary, 3, 16, 0, &d, &err), MS_OK);
    CU_ASSERT_EQUAL(d.kind, MS_DESIGN_SOBOL);
    CU_ASSERT_EQUAL_FATAL(d.n_points, 16);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, 3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    for (size_t p = 0; p < 16; p++) {
        double u[3];
        gsl_qrng_get(q, u);
        for (int k = 0; k < 3; k++) {
            double v = num(ms_design_cell(&d, p, k));
            CU_ASSERT(v >= lo[k] && v <= hi[k]);
            if (k < 2) /* real range: lo + (hi - lo) u */
                CU_ASSERT_DOUBLE_EQUAL(v, lo[k] + (hi[k] - lo[k]) * u[k], 1e-12);
        }
        /* an integer key's -1:3: floor(lo + (hi - lo + 1) u), 5 whole values */
        double want = floor(-1 + 5 * u[2]);
        CU_ASSERT_EQUAL(num(ms_design_cell(&d, p, 2)), want > 3 ? 3 : want);
    }
    gsl_qrng_free(q);
    /* the first Sobol point is the centre of the cube */
    CU_ASSERT_EQUAL(num(ms_design_cell(&d, 0, 0)), 0.5);
    CU_ASSERT_EQUAL(num(ms_design_cell(&d, 0, 1)), 15.0);
    ms_design_fini(&d);

    ms_design d2; /* and Sobol ignores the seed */
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_SOBOL, vary, 3, 16, 99, &d2, &err), MS_OK);
    CU_ASSERT_EQUAL_FATAL(build(MS_DESIGN_SOBOL, vary, 3, 16, 0, &d, &err), MS_OK);
    CU_ASSERT_TRUE(same_design(&d, &d2));
    ms_design_fini(&d);
    ms_design_fini(&d2);
}

/* ---- design files ---------------------------------------------------------- */

static char tmpdir[] = "/tmp/test_design.XXXXXX";

static const char *write_tmp(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_file_quotes_crlf_bom(void)
{
    const char *path =
        write_tmp("salib.csv", "\xEF\xBB\xBF\"buyers.count\",dispute.p_amend,sim.name\r\n"
                               "1000,0.3,plain\r\n"
                               "\"2000\",\"0.5\",\"a,b \"\"q\"\"\"\r\n"
                               "\r\n"
                               "3000,0.7,last\r\n");
    ms_design d;
    ms_error err = {0};
    CU_ASSERT_EQUAL_FATAL(ms_design_read_csv(path, &d, &err), MS_OK);
    CU_ASSERT_EQUAL(d.kind, MS_DESIGN_FILE);
    CU_ASSERT_STRING_EQUAL(ms_design_kind_name(d.kind), "file");
    CU_ASSERT_EQUAL_FATAL(d.n_keys, 3);
    CU_ASSERT_STRING_EQUAL(d.keys[0], "buyers.count"); /* BOM and quotes gone */
    CU_ASSERT_STRING_EQUAL(d.keys[1], "dispute.p_amend");
    CU_ASSERT_STRING_EQUAL(d.keys[2], "sim.name");
    CU_ASSERT_EQUAL_FATAL(d.n_points, 3); /* the blank line is no point */
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 0, 0), "1000");
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 0, 2), "plain"); /* no \r left */
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 1, 0), "2000");
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 1, 1), "0.5");
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 1, 2), "a,b \"q\"");
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 2, 1), "0.7");
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 2, 2), "last");
    ms_design_fini(&d);

    /* pandas writes an integer column holding a gap as floats: 300.0 is
     * 300 for an integer key; a float key's cells stay as written */
    path = write_tmp("pandas.csv", "buyers.count,dispute.p_amend\n300.0,0.50\n4e2,1\n");
    CU_ASSERT_EQUAL_FATAL(ms_design_read_csv(path, &d, &err), MS_OK);
    CU_ASSERT_EQUAL_FATAL(d.n_points, 2);
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 0, 0), "300");
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 1, 0), "400");
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 0, 1), "0.50");
    CU_ASSERT_STRING_EQUAL(ms_design_cell(&d, 1, 1), "1");
    ms_design_fini(&d);
}

static void expect_file_error(const char *name, const char *text, int line, const char *msg_part)
{
    const char *path = write_tmp(name, text);
    ms_design d;
    ms_error err;
    memset(&err, 0, sizeof err);
    CU_ASSERT_EQUAL(ms_design_read_csv(path, &d, &err), MS_EUSAGE);
    CU_ASSERT_EQUAL(d.n_points, 0);
    CU_ASSERT_PTR_NULL(d.cells);
    CU_ASSERT_STRING_EQUAL(err.file, path);
    CU_ASSERT_EQUAL(err.line, line);
    if (msg_part && !strstr(err.msg, msg_part)) {
        fprintf(stderr, "\n%s: message '%s' lacks '%s'\n", name, err.msg, msg_part);
        CU_FAIL("error message");
    }
}

#define HEAD2 "dispute.p_amend,buyers.count\n"

static void test_file_errors(void)
{
    expect_file_error("empty.csv", "", 1, "empty");
    expect_file_error("header_only.csv", HEAD2, 2, "no points");
    expect_file_error("short.csv", HEAD2 "0.1,2\n3\n", 3, "expected 2 fields");
    expect_file_error("long.csv", HEAD2 "0.1,2\n0.3,4\n0.5,6,7\n", 4, "expected 2 fields");
    /* blank lines count for line numbers */
    expect_file_error("blank.csv", "dispute.p_amend,buyers.count\r\n\r\n0.1,2\r\n\r\n9\r\n", 5,
                      "expected 2 fields");
    expect_file_error("quote.csv", HEAD2 "0.1,\"2\n", 2, "quoted");
    expect_file_error("emptycell.csv", HEAD2 "0.1,\n", 2, "empty value");
    expect_file_error("dupkey.csv", "sim.name,buyers.count,sim.name\na,2,b\n", 1, "repeats");
    expect_file_error("emptykey.csv", "buyres.count,,sim.name\n1,2,3\n", 1, "empty");
    /* keys and cells typed by the schema, quoting the cell as written */
    expect_file_error("unknown.csv", "sim.name,buyres.count\na,2\n", 1,
                      "column 2: unknown key (did you mean 'buyers.count'?)");
    expect_file_error("notwhole.csv", HEAD2 "0.1,300.0\n0.2,300.5\n", 3,
                      "\"300.5\" is not a whole number (expected 64-bit integer, 1 to ");
    expect_file_error("range.csv", HEAD2 "0.1,300\n1.50,300\n", 3,
                      "\"1.50\" is out of range (expected float, 0 to 1)");
    expect_file_error("word.csv", HEAD2 "0.1,many\n", 2, "\"many\" is not a number");

    ms_design d;
    ms_error err = {0};
    char path[300];
    snprintf(path, sizeof path, "%s/does-not-exist.csv", tmpdir);
    CU_ASSERT_EQUAL(ms_design_read_csv(path, &d, &err), MS_EUSAGE);
    CU_ASSERT_STRING_EQUAL(err.file, path);
}

/* ---- bad specs ---------------------------------------------------------------- */

/* A refusal: MS_EUSAGE, nothing built, err naming --vary (file) and the
 * user's text (key) unless key is NULL, and the message holding msg. */
static void expect_refused(ms_design_kind kind, const char *const *vary, int n, size_t samples,
                           const char *key, const char *msg)
{
    ms_design d;
    ms_error err;
    ms_status st = build(kind, vary, n, samples, 1, &d, &err);
    if (st != MS_EUSAGE)
        fprintf(stderr, "\n%s: status %d, expected MS_EUSAGE\n", vary[n - 1], (int)st);
    CU_ASSERT_EQUAL(st, MS_EUSAGE);
    CU_ASSERT_EQUAL(d.n_points, 0);
    CU_ASSERT_PTR_NULL(d.cells);
    CU_ASSERT(err.msg[0] != '\0');
    if (key) {
        CU_ASSERT_STRING_EQUAL(err.file, "--vary");
        CU_ASSERT_STRING_EQUAL(err.key, key);
    }
    if (msg && !strstr(err.msg, msg)) {
        fprintf(stderr, "\n%s: message '%s' lacks '%s'\n", vary[n - 1], err.msg, msg);
        CU_FAIL("error message");
    }
}

static void expect_usage(ms_design_kind kind, const char *const *vary, int n, size_t samples,
                         const char *key)
{
    expect_refused(kind, vary, n, samples, key, NULL);
}

#define AMEND "dispute.p_amend="

static void test_bad_specs(void)
{
    const char *v[][2] = {
        {AMEND, "expected KEY=SPEC"},
        {"=1,2", "expected KEY=SPEC"},
        {"dispute.p_amend", "expected KEY=SPEC"},
        {AMEND "0.2:0.1:3", "lo must not exceed hi"},
        {AMEND "x:0.2:3", "\"x\" is not a number (expected float, 0 to 1)"},
        {AMEND "0.1:0.2:0", "the count n"},
        {AMEND "0.1:0.2:1.5", "the count n"},
        {AMEND "0.1,,0.2", "empty value"},
        {AMEND "0.1,0.2,", "empty value"},
        {AMEND "0.1:0.2", "a grid needs"},
        {AMEND "0.1:nan:3", "\"nan\" is not a finite number"},
        {AMEND "0.1:inf:3", "\"inf\" is not a finite number"},
        /* the schema's range, quoting the text as typed */
        {AMEND "0:2", "\"2\" is out of range (expected float, 0 to 1)"},
        {AMEND "0.5,1.50", "\"1.50\" is out of range (expected float, 0 to 1)"},
        {AMEND "-0.1:1:3", "\"-0.1\" is out of range"},
        {AMEND "0.5,abc", "\"abc\" is not a number"},
        {"buyers.count=0:10:3", "\"0\" is out of range (expected 64-bit integer, 1 to "},
        /* an integer key: whole numbers only, never reformatted */
        {"buyers.count=300.5:400:3", "\"300.5\" is not a whole number (expected 64-bit integer"},
        {"buyers.count=300,2.555e2", "\"2.555e2\" is not a whole number"},
        {"sim.horizon_months=1e9:1e9:1", "\"1e9\" is out of range (expected integer, 1 to 1200)"},
        {"buyres.count=1,2", "unknown key (did you mean 'buyers.count'?)"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) /* key = the --vary text */
        expect_refused(MS_DESIGN_GRID, v[i], 1, 0, v[i][0], v[i][1]);

    const char *dup[] = {AMEND "0.1,0.2", "buyers.count=3,4", AMEND "0.5"};
    expect_refused(MS_DESIGN_GRID, dup, 3, 0, AMEND "0.5", "varied twice");

    const char *list[] = {AMEND "0:1", "buyers.count=1,2"};
    expect_usage(MS_DESIGN_LHS, list, 2, 4, "buyers.count=1,2");
    expect_usage(MS_DESIGN_SOBOL, list, 2, 4, "buyers.count=1,2");
    const char *counted[] = {AMEND "0:1:5"};
    expect_usage(MS_DESIGN_LHS, counted, 1, 4, AMEND "0:1:5");
    const char *lohi[] = {AMEND "1:0"};
    expect_usage(MS_DESIGN_LHS, lohi, 1, 4, AMEND "1:0");
    const char *words[] = {"dispute.outcome=amended:settled"};
    expect_refused(MS_DESIGN_LHS, words, 1, 4, words[0], "dispute.outcome is a choice");
    expect_refused(MS_DESIGN_SALTELLI, words, 1, 4, words[0], "saltelli samples number keys");
    const char *ok[] = {AMEND "0:1"};
    expect_usage(MS_DESIGN_LHS, ok, 1, 0, NULL); /* -n 0 */
    expect_usage(MS_DESIGN_SOBOL, ok, 1, 0, NULL);

    /* too many keys for Sobol (and for any design) */
    static char store[MS_DESIGN_MAX_KEYS + 1][48];
    const char *many[MS_DESIGN_MAX_KEYS + 1];
    for (int k = 0; k <= MS_DESIGN_MAX_KEYS; k++) {
        snprintf(store[k], sizeof store[k], "clouds.c%d.price_index=1:2", k);
        many[k] = store[k];
    }
    expect_usage(MS_DESIGN_SOBOL, many, MS_DESIGN_MAX_KEYS + 1, 4, NULL);
    ms_design d;
    ms_error err;
    CU_ASSERT_EQUAL(build(MS_DESIGN_SOBOL, many, MS_DESIGN_MAX_KEYS, 4, 0, &d, &err), MS_OK);
    CU_ASSERT_EQUAL(d.n_points, 4);
    ms_design_fini(&d);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    if (CU_initialize_registry() != CUE_SUCCESS)
        return CU_get_error();
    CU_pSuite g = CU_add_suite("grid", NULL, NULL);
    CU_add_test(g, "cartesian order, first key slowest", test_grid_cartesian);
    CU_add_test(g, "lo:hi:n endpoints and text", test_grid_range_endpoints);
    CU_add_test(g, "typed by the key, not by the bounds", test_grid_typed);
    CU_add_test(g, "lists verbatim", test_grid_list_verbatim);
    CU_pSuite l = CU_add_suite("lhs", NULL, NULL);
    CU_add_test(l, "one point per stratum", test_lhs_strata);
    CU_add_test(l, "seeded", test_lhs_seeded);
    CU_pSuite s = CU_add_suite("sobol", NULL, NULL);
    CU_add_test(s, "matches gsl_qrng_sobol", test_sobol_matches_gsl);
    CU_pSuite f = CU_add_suite("design file", NULL, NULL);
    CU_add_test(f, "quotes, CRLF, BOM, blank lines", test_file_quotes_crlf_bom);
    CU_add_test(f, "errors with line numbers", test_file_errors);
    CU_pSuite b = CU_add_suite("bad specs", NULL, NULL);
    CU_add_test(b, "MS_EUSAGE", test_bad_specs);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return failed ? 1 : 0;
}
