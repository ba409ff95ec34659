/* test_experiment.c - the ordered task runner, replication statistics and
 * atomic output sets. */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "marketsim/atomic.h"
#include "marketsim/runner.h"
#include "marketsim/stats.h"

/* ---- runner ------------------------------------------------------------ */

#define MAX_IDS 256

typedef struct {
    pthread_mutex_t mu;
    uint64_t emitted[MAX_IDS];
    size_t n_emitted;
    int in_flight, max_in_flight;
    uint64_t fail_id;  /* a task that fails, or UINT64_MAX */
    size_t stop_after; /* raise the stop flag after this many emits, 0 = never */
    volatile sig_atomic_t stop;
    int shard_n, shard_k; /* select id % n == k when n > 0 */
} ctx_t;

static void sleep_us(long us)
{
    struct timespec ts = {0, us * 1000L};
    nanosleep(&ts, NULL);
}

/* Early ids sleep longest, so with several threads later ids finish
 * first: the collector must still emit 0, 1, 2, ... */
static ms_status run_task(void *vctx, const ms_exp_task *t, void **result, ms_error *err)
{
    ctx_t *c = vctx;
    pthread_mutex_lock(&c->mu);
    if (++c->in_flight > c->max_in_flight)
        c->max_in_flight = c->in_flight;
    pthread_mutex_unlock(&c->mu);
    sleep_us((long)((7 - t->id % 8) * 300));
    if (t->id == c->fail_id)
        return ms_error_set(err, MS_ESTATE, "", 0, "task", "task %llu failed",
                            (unsigned long long)t->id);
    uint64_t *r = malloc(sizeof *r);
    *r = t->id * t->id;
    *result = r;
    return MS_OK;
}

static ms_status emit_task(void *vctx, const ms_exp_task *t, void *result, ms_error *err)
{
    ctx_t *c = vctx;
    (void)err;
    uint64_t *r = result;
    CU_ASSERT_EQUAL(*r, t->id * t->id);
    CU_ASSERT_EQUAL(t->id, t->point * 3 + t->replication);
    free(r);
    pthread_mutex_lock(&c->mu);
    c->in_flight--;
    pthread_mutex_unlock(&c->mu);
    if (c->n_emitted < MAX_IDS)
        c->emitted[c->n_emitted++] = t->id;
    if (c->stop_after && c->n_emitted == c->stop_after)
        c->stop = SIGINT;
    return MS_OK;
}

static int select_shard(void *vctx, uint64_t id)
{
    const ctx_t *c = vctx;
    return c->shard_n == 0 || (int)(id % (uint64_t)c->shard_n) == c->shard_k;
}

static void init_ctx(ctx_t *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    c->fail_id = UINT64_MAX;
}

static ms_exp_plan plan_for(ctx_t *c, int threads)
{
    ms_exp_plan p;
    memset(&p, 0, sizeof p);
    p.points = 20;
    p.replications = 3;
    p.threads = threads;
    p.run = run_task;
    p.emit = emit_task;
    p.select = select_shard;
    p.ctx = c;
    p.stop = &c->stop;
    return p;
}

/* Task ids: point-major, and task_of inverts task_id. */
static void test_task_ids(void)
{
    CU_ASSERT_EQUAL(ms_exp_task_id(0, 0, 3), 0);
    CU_ASSERT_EQUAL(ms_exp_task_id(2, 1, 3), 7);
    for (uint64_t id = 0; id < 40; id++) {
        ms_exp_task t = ms_exp_task_of(id, 7);
        CU_ASSERT_EQUAL(t.id, id);
        CU_ASSERT(t.replication < 7);
        CU_ASSERT_EQUAL(ms_exp_task_id(t.point, t.replication, 7), id);
    }
}

static void test_order(void)
{
    const int threads[] = {1, 2, 4};
    for (int k = 0; k < 3; k++) {
        ctx_t c;
        init_ctx(&c);
        ms_exp_plan p = plan_for(&c, threads[k]);
        ms_exp_report rep;
        ms_error err;
        CU_ASSERT_EQUAL(ms_exp_execute(&p, &rep, &err), MS_OK);
        CU_ASSERT_EQUAL(rep.selected, 60);
        CU_ASSERT_EQUAL(rep.emitted, 60);
        CU_ASSERT_EQUAL(c.n_emitted, 60);
        for (size_t i = 0; i < c.n_emitted; i++)
            CU_ASSERT_EQUAL(c.emitted[i], i);
        /* flat memory: never more than the window (4 x threads) buffered */
        CU_ASSERT_TRUE(c.max_in_flight <= 4 * threads[k]);
        pthread_mutex_destroy(&c.mu);
    }
}

static void test_select(void)
{
    ctx_t c;
    init_ctx(&c);
    c.shard_n = 3;
    c.shard_k = 1;
    ms_exp_plan p = plan_for(&c, 4);
    ms_exp_report rep;
    CU_ASSERT_EQUAL(ms_exp_execute(&p, &rep, NULL), MS_OK);
    CU_ASSERT_EQUAL(rep.selected, 20);
    CU_ASSERT_EQUAL(c.n_emitted, 20);
    for (size_t i = 0; i < c.n_emitted; i++)
        CU_ASSERT_EQUAL(c.emitted[i], 3 * i + 1);
    pthread_mutex_destroy(&c.mu);
}

static void test_failure(void)
{
    for (int threads = 1; threads <= 4; threads *= 2) {
        ctx_t c;
        init_ctx(&c);
        c.fail_id = 5;
        ms_exp_plan p = plan_for(&c, threads);
        ms_exp_report rep;
        ms_error err;
        CU_ASSERT_EQUAL(ms_exp_execute(&p, &rep, &err), MS_ESTATE);
        CU_ASSERT_EQUAL(rep.failed_id, 5);
        CU_ASSERT_EQUAL(rep.emitted, 5); /* everything before it, nothing after */
        CU_ASSERT_STRING_EQUAL(err.msg, "task 5 failed");
        pthread_mutex_destroy(&c.mu);
    }
}

static void test_stop(void)
{
    ctx_t c;
    init_ctx(&c);
    c.stop_after = 7;
    ms_exp_plan p = plan_for(&c, 2);
    ms_exp_report rep;
    CU_ASSERT_EQUAL(ms_exp_execute(&p, &rep, NULL), MS_EINTR);
    CU_ASSERT_TRUE(rep.emitted >= 7 && rep.emitted < 60);
    for (size_t i = 0; i < c.n_emitted; i++)
        CU_ASSERT_EQUAL(c.emitted[i], i);
    pthread_mutex_destroy(&c.mu);
}

static void test_bad_plan(void)
{
    ctx_t c;
    init_ctx(&c);
    ms_exp_plan p = plan_for(&c, 0);
    CU_ASSERT_EQUAL(ms_exp_execute(&p, NULL, NULL), MS_EINVAL);
    pthread_mutex_destroy(&c.mu);
}

/* ---- statistics --------------------------------------------------------- */

static void test_t_interval(void)
{
    const double x[5] = {0.281, 0.262, 0.305, 0.297, 0.270};
    ms_stats_acc a;
    ms_stats_acc_init(&a);
    for (int i = 0; i < 5; i++)
        ms_stats_acc_add(&a, x[i]);
    ms_stats_summary s;
    ms_stats_summarize(&a, 0.95, &s);
    double mean = gsl_stats_mean(x, 1, 5), sd = gsl_stats_sd(x, 1, 5);
    double t = gsl_cdf_tdist_Pinv(0.975, 4.0);
    CU_ASSERT_DOUBLE_EQUAL(t, 2.7764451051977987, 1e-12); /* tables: 2.776 */
    CU_ASSERT_EQUAL(s.n, 5);
    CU_ASSERT_DOUBLE_EQUAL(s.mean, mean, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(s.mean, 0.283, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.sd, sd, 1e-14);
    CU_ASSERT_DOUBLE_EQUAL(s.ci_low, mean - t * sd / sqrt(5.0), 1e-14);
    CU_ASSERT_DOUBLE_EQUAL(s.ci_high, mean + t * sd / sqrt(5.0), 1e-14);
    /* by hand: sd = 0.0179861 -> half width 2.77645 * 0.0179861 / 2.23607 */
    CU_ASSERT_DOUBLE_EQUAL(s.ci_high - s.mean, 0.0223327, 1e-6);
}

static void test_small_n(void)
{
    ms_stats_acc a;
    ms_stats_acc_init(&a);
    ms_stats_summary s;
    ms_stats_summarize(&a, 0.95, &s);
    CU_ASSERT_TRUE(isnan(s.mean));
    ms_stats_acc_add(&a, 3.0);
    ms_stats_summarize(&a, 0.95, &s);
    CU_ASSERT_DOUBLE_EQUAL(s.mean, 3.0, 0);
    CU_ASSERT_TRUE(isnan(s.sd) && isnan(s.ci_low) && isnan(s.ci_high));
    ms_buf b;
    ms_buf_init(&b);
    ms_csv w;
    ms_csv_init(&w, &b);
    ms_stats_write_csv(&w, &s);
    ms_csv_end(&w);
    CU_ASSERT_STRING_EQUAL(ms_buf_cstr(&b), "3,,,,1\n");
    ms_buf_fini(&b);
}

static void test_table_order(void)
{
    ms_stats_table *t = ms_stats_table_create();
    char subj[16];
    for (int rep = 0; rep < 3; rep++) {
        for (int k = 0; k < 50; k++) {
            snprintf(subj, sizeof subj, "s%d", (k * 17) % 50);
            CU_ASSERT_EQUAL(ms_stats_table_add(t, "metric", subj, k + rep), MS_OK);
        }
        if (rep == 1) /* appears late: goes last */
            ms_stats_table_add(t, "resolution_months", "dispute", 9.0);
    }
    CU_ASSERT_EQUAL(ms_stats_table_count(t), 51);
    const char *m, *s;
    ms_stats_table_key(t, 0, &m, &s);
    CU_ASSERT_STRING_EQUAL(s, "s0");
    ms_stats_table_key(t, 1, &m, &s);
    CU_ASSERT_STRING_EQUAL(s, "s17");
    ms_stats_table_key(t, 50, &m, &s);
    CU_ASSERT_STRING_EQUAL(m, "resolution_months");
    CU_ASSERT_EQUAL(ms_stats_table_acc(t, 50)->n, 1);
    long i = ms_stats_table_find(t, "metric", "s17");
    CU_ASSERT_EQUAL(i, 1);
    CU_ASSERT_EQUAL(ms_stats_table_acc(t, 1)->n, 3);
    CU_ASSERT_DOUBLE_EQUAL(ms_stats_table_acc(t, 1)->mean, 2.0, 1e-15);
    CU_ASSERT_EQUAL(ms_stats_table_find(t, "metric", "nope"), -1);
    ms_stats_table_clear(t);
    CU_ASSERT_EQUAL(ms_stats_table_count(t), 0);
    CU_ASSERT_EQUAL(ms_stats_table_find(t, "metric", "s0"), -1);
    ms_stats_table_destroy(t);
}

/* ---- atomic output sets ------------------------------------------------- */

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static void fill_set(ms_atomic_set *s, size_t big)
{
    const char *names[] = {"a.csv", "b.csv", "c.csv"};
    for (int i = 0; i < 3; i++) {
        FILE *fp = ms_atomic_set_open(s, names[i], NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
        fprintf(fp, "x,y\n%d,2\n", i);
        for (size_t k = 0; i == 1 && k < big; k++)
            fputc('z', fp);
    }
}

static void test_atomic_commit_abort(void)
{
    char root[] = "/tmp/ms_test_atomic_XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
    char dir[128], path[160];
    snprintf(dir, sizeof dir, "%s/out/run1", root);
    ms_atomic_set *s;
    /* abort: nothing remains, not even the directories the set made */
    CU_ASSERT_EQUAL_FATAL(ms_atomic_set_create(dir, &s, NULL), MS_OK);
    fill_set(s, 0);
    CU_ASSERT_EQUAL(count_entries(dir), 3); /* only hidden temporaries */
    ms_atomic_set_abort(s);
    CU_ASSERT_FALSE(exists(dir));
    CU_ASSERT_EQUAL(count_entries(root), 0);
    /* commit: the files appear, temporaries are gone, stale file removed */
    CU_ASSERT_EQUAL_FATAL(ms_atomic_set_create(dir, &s, NULL), MS_OK);
    snprintf(path, sizeof path, "%s/stale.csv", dir);
    FILE *fp = fopen(path, "w");
    fclose(fp);
    fill_set(s, 0);
    CU_ASSERT_EQUAL(ms_atomic_set_remove(s, "stale.csv", NULL), MS_OK);
    CU_ASSERT_EQUAL(ms_atomic_set_commit(s, NULL), MS_OK);
    CU_ASSERT_EQUAL(count_entries(dir), 3);
    snprintf(path, sizeof path, "%s/b.csv", dir);
    fp = fopen(path, "r");
    char line[32] = "";
    CU_ASSERT_TRUE(fgets(line, sizeof line, fp) && fgets(line, sizeof line, fp));
    CU_ASSERT_STRING_EQUAL(line, "1,2\n");
    fclose(fp);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/* A real write failure: the file-size limit makes the second file's write
 * fail with EFBIG at flush time. Nothing may appear; an older file of the
 * same name must keep its old contents. */
static void test_atomic_injected_failure(void)
{
    char root[] = "/tmp/ms_test_atomic_XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
    char dir[128], path[160];
    snprintf(dir, sizeof dir, "%s/new", root);
    CU_ASSERT_EQUAL(ms_atomic_write_file(root, "a.csv", "old\n", 4, NULL), MS_OK);

    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 64 * 1024;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_FSIZE, &lim), 0);
    const char *dirs[] = {root, dir};
    for (int k = 0; k < 2; k++) {
        ms_atomic_set *s;
        ms_error err;
        CU_ASSERT_EQUAL_FATAL(ms_atomic_set_create(dirs[k], &s, &err), MS_OK);
        fill_set(s, 200 * 1024);
        CU_ASSERT_EQUAL(ms_atomic_set_commit(s, &err), MS_EIO);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot write"));
    }
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);

    CU_ASSERT_FALSE(exists(dir));
    CU_ASSERT_EQUAL(count_entries(root), 1); /* just the old a.csv */
    snprintf(path, sizeof path, "%s/a.csv", root);
    FILE *fp = fopen(path, "r");
    char line[16] = "";
    CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof line, fp));
    CU_ASSERT_STRING_EQUAL(line, "old\n");
    fclose(fp);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static void test_atomic_bad_dir(void)
{
    ms_atomic_set *s;
    ms_error err;
    CU_ASSERT_EQUAL(ms_atomic_set_create("/proc/ms_no_such/dir", &s, &err), MS_EIO);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot create directory"));
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return CU_get_error();
    CU_pSuite r = CU_add_suite("runner", NULL, NULL);
    CU_add_test(r, "task ids", test_task_ids);
    CU_add_test(r, "emits in id order under -j 1/2/4", test_order);
    CU_add_test(r, "select (shard) keeps id order", test_select);
    CU_add_test(r, "lowest failing task wins", test_failure);
    CU_add_test(r, "stop flag", test_stop);
    CU_add_test(r, "bad plan", test_bad_plan);
    CU_pSuite st = CU_add_suite("stats", NULL, NULL);
    CU_add_test(st, "t interval n=5", test_t_interval);
    CU_add_test(st, "n < 2", test_small_n);
    CU_add_test(st, "table first-appearance order", test_table_order);
    CU_pSuite a = CU_add_suite("atomic", NULL, NULL);
    CU_add_test(a, "commit and abort", test_atomic_commit_abort);
    CU_add_test(a, "injected write failure", test_atomic_injected_failure);
    CU_add_test(a, "uncreatable directory", test_atomic_bad_dir);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
