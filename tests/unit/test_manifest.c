/* test_manifest.c - manifest.csv's writer and reader (the shared keys in
 * their order, quoting that reads back, the identity before `command`),
 * the FNV-1a checksum's known values and the whole-file reader. */
#include "test_main.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "marketsim/hash.h"
#include "marketsim/manifest.h"

static void test_fnv1a_known_values(void)
{
    /* the published FNV-1a 64 test vectors */
    CU_ASSERT_EQUAL(ms_hash_fnv1a("", 0), UINT64_C(0xcbf29ce484222325));
    CU_ASSERT_EQUAL(ms_hash_fnv1a("a", 1), UINT64_C(0xaf63dc4c8601ec8c));
    CU_ASSERT_EQUAL(ms_hash_fnv1a("foobar", 6), UINT64_C(0x85944171f73967e8));
    /* a running hash is the hash of the concatenation */
    CU_ASSERT_EQUAL(ms_hash_fnv1a_add(ms_hash_fnv1a("foo", 3), "bar", 3),
                    ms_hash_fnv1a("foobar", 6));
}

/* A run-like manifest with a command line that needs quoting. */
static void build(ms_buf *b, const char *command)
{
    static const char cfg[] = "foobar";
    ms_manifest_head h = {.scenario = "tiny",
                          .config_name = "scenario.resolved.cfg",
                          .config = cfg,
                          .config_len = 6,
                          .seed = UINT64_C(18446744073709551615),
                          .replications = 3};
    ms_manifest_begin(b, &h);
    ms_manifest_u64(b, "horizon_months", 60);
    ms_manifest_hex(b, "fingerprint", 255);
    ms_manifest_num(b, "tolerance", 0.1);
    ms_manifest_end(b, command);
}

static void test_shared_keys_in_order(void)
{
    ms_buf b;
    ms_buf_init(&b);
    build(&b, "marketsim run x.cfg -o out");
    const char *text = ms_buf_cstr(&b);
    CU_ASSERT_EQUAL(strncmp(text, "key,value\nversion,", 18), 0);
    const char *git = strstr(text, "\ngit,");
    const char *rest = git ? strchr(git + 1, '\n') : NULL;
    CU_ASSERT_FATAL(rest != NULL);
    CU_ASSERT_PTR_NULL(memchr(text + 18, '\n', (size_t)(git - text - 18))); /* version, git */
    CU_ASSERT_STRING_EQUAL(rest + 1, "scenario,tiny\n"
                                     "scenario_hash,85944171f73967e8\n"
                                     "seed,18446744073709551615\n"
                                     "replications,3\n"
                                     "generator,philox4x32-10\n"
                                     "resolved_config,scenario.resolved.cfg\n"
                                     "horizon_months,60\n"
                                     "fingerprint,00000000000000ff\n"
                                     "tolerance,0.10000000000000001\n"
                                     "command,marketsim run x.cfg -o out\n");
    ms_buf_fini(&b);
    /* without a scenario (compare's top directory): no scenario rows */
    ms_buf_init(&b);
    ms_manifest_head h = {.seed = 7, .replications = 2};
    ms_manifest_begin(&b, &h);
    ms_manifest_end(&b, NULL);
    CU_ASSERT_PTR_NULL(strstr(ms_buf_cstr(&b), "scenario"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_buf_cstr(&b), "\nseed,7\nreplications,2\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_buf_cstr(&b), "\ncommand,\n"));
    ms_buf_fini(&b);
}

/* Runs that differ in -j and -o differ only in the last row, command. */
static void test_identity(void)
{
    ms_buf a, b;
    ms_buf_init(&a);
    ms_buf_init(&b);
    build(&a, "marketsim run x.cfg -j 1 -o one");
    build(&b, "marketsim run x.cfg -j 4 -o 'two, \"quoted\"'");
    const char *ta = ms_buf_cstr(&a), *cmd = strstr(ta, "\ncommand,");
    CU_ASSERT_FATAL(cmd != NULL);
    size_t n = (size_t)(cmd - ta) + 1;
    CU_ASSERT_PTR_NULL(strchr(cmd + 1, '\n')[1] ? "a row after command" : NULL);
    CU_ASSERT_EQUAL(memcmp(ta, ms_buf_cstr(&b), n), 0);
    CU_ASSERT_NOT_EQUAL(strcmp(ta + n, ms_buf_cstr(&b) + n), 0);
    ms_buf_fini(&a);
    ms_buf_fini(&b);
}

static void test_read_back(void)
{
    char path[] = "/tmp/ms_test_manifest.XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    const char *cmd = "marketsim sweep 'a b.cfg' --vary k=1,2 \"q\"\nline two";
    ms_buf b;
    ms_buf_init(&b);
    build(&b, cmd);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_EQUAL(ms_buf_write(&b, f), MS_OK);
    fclose(f);
    ms_manifest m;
    ms_error err = {0};
    CU_ASSERT_EQUAL_FATAL(ms_manifest_read(path, &m, &err), MS_OK);
    CU_ASSERT_EQUAL(m.n, 12);
    CU_ASSERT_STRING_EQUAL(ms_manifest_get(&m, "command"), cmd);
    CU_ASSERT_STRING_EQUAL(ms_manifest_get(&m, "seed"), "18446744073709551615");
    CU_ASSERT_STRING_EQUAL(ms_manifest_get(&m, "generator"), "philox4x32-10");
    CU_ASSERT_PTR_NULL(ms_manifest_get(&m, "nothing"));
    CU_ASSERT_EQUAL(m.len, b.len);
    ms_manifest_fini(&m);
    ms_buf_fini(&b);

    /* not a manifest: a wrong header, three fields, an open quote, empty */
    static const char *const bad[] = {"k,v\nseed,1\n", "key,value\na,b,c\n",
                                      "key,value\na,\"open\n", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f = fopen(path, "wb");
        fputs(bad[i], f);
        fclose(f);
        CU_ASSERT_EQUAL(ms_manifest_read(path, &m, &err), MS_EINVAL);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "not a key,value manifest"));
        CU_ASSERT_EQUAL(m.n, 0);
        ms_manifest_fini(&m);
    }
    unlink(path);
    CU_ASSERT_EQUAL(ms_manifest_read(path, &m, &err), MS_EIO);
    CU_ASSERT_EQUAL(errno, ENOENT);
    CU_ASSERT_STRING_EQUAL(err.file, path);
}

static void test_read_file(void)
{
    char path[] = "/tmp/ms_test_readfile.XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    /* more than one read's chunk, with NUL bytes inside */
    size_t n = 200000;
    char *data = malloc(n);
    CU_ASSERT_FATAL(data != NULL);
    for (size_t i = 0; i < n; i++)
        data[i] = (char)(i * 7);
    CU_ASSERT_EQUAL((size_t)write(fd, data, n), n);
    close(fd);
    ms_buf b;
    ms_buf_init(&b);
    ms_buf_puts(&b, "head");
    CU_ASSERT_EQUAL(ms_buf_read_file(&b, path), MS_OK);
    CU_ASSERT_EQUAL(b.len, 4 + n);
    CU_ASSERT_EQUAL(memcmp(b.data + 4, data, n), 0);
    unlink(path);
    CU_ASSERT_EQUAL(ms_buf_read_file(&b, path), MS_EIO);
    CU_ASSERT_EQUAL(b.len, 4 + n); /* as it was */
    ms_buf_fini(&b);
    free(data);
}

static const ms_test_case cases[] = {
    {"FNV-1a known values", test_fnv1a_known_values},
    {"shared keys in order", test_shared_keys_in_order},
    {"command row last", test_identity},
    {"read back", test_read_back},
    {"whole-file reader", test_read_file},
};

MS_TEST_MAIN("manifest", cases)
