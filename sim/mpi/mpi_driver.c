/* mpi_driver.c - `marketsim sweep` farmed over Open MPI ranks. Linked only
 * into the MPI build (-DMARKETSIM_MPI=ON); the core stays MPI-free.
 *
 * Every rank parses the same command line and builds the same plan. Rank 0
 * is the writer: it hands task ids out one at a time to whichever worker
 * is free (dynamic farming, so slow corners of a design do not idle the
 * rest), keeps results that arrive early, and emits them in id order
 * through the same assembler as a threaded run. Output bytes therefore do
 * not depend on the number of ranks. Workers only run tasks and send back
 * their rows; their stderr is closed so errors are reported once, by
 * rank 0, which receives every task error as a message. */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h" /* mpi wraps the sweep command: the layer above cli */
#include "marketsim/csv.h"
#include "marketsim/sweep.h"

enum { TAG_TASK = 1, TAG_RESULT = 2 };
#define NO_TASK UINT64_MAX

/* A result message: id, status, then rows (or the error message). */
typedef struct {
    uint64_t id;
    uint64_t status;
} result_head;

typedef struct {
    int size;
} mpi_ctx;

/* ---- worker side --------------------------------------------------- */

static ms_status send_result(uint64_t id, ms_status st, const char *data, size_t len)
{
    char *msg = malloc(sizeof(result_head) + len);
    if (!msg)
        return MS_ENOMEM;
    result_head h = {id, (uint64_t)st};
    memcpy(msg, &h, sizeof h);
    memcpy(msg + sizeof h, data, len);
    MPI_Send(msg, (int)(sizeof h + len), MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
    free(msg);
    return MS_OK;
}

static ms_status worker_exec(void *vctx, const ms_exp_plan *plan, ms_exp_report *rep, ms_error *err)
{
    (void)vctx;
    memset(rep, 0, sizeof *rep);
    for (;;) {
        uint64_t id;
        MPI_Recv(&id, 1, MPI_UINT64_T, 0, TAG_TASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (id == NO_TASK)
            return MS_OK;
        ms_exp_task task = ms_exp_task_of(id, plan->replications);
        void *result = NULL;
        ms_error terr = {0};
        ms_status st = plan->run(plan->ctx, &task, &result, &terr);
        if (st == MS_OK) {
            ms_buf *b = result;
            st = send_result(id, MS_OK, b->data, b->len);
        } else {
            char text[sizeof terr.msg + sizeof terr.key + 8];
            snprintf(text, sizeof text, "%s: %s", terr.key, terr.msg);
            send_result(id, st, text, strlen(text) + 1);
        }
        if (result)
            plan->free_result(plan->ctx, result);
        if (st != MS_OK && st != MS_ECONFIG)
            return ms_error_set(err, st, NULL, 0, "", "worker failed");
    }
}

/* ---- writer side --------------------------------------------------- */

typedef struct {
    const ms_exp_plan *plan;
    uint64_t total, next_id, next_emit;
    ms_buf **early; /* results received before their turn, by id - next_emit */
    size_t window;
    int busy;
    ms_status st;
    ms_error *err;
    ms_exp_report *rep;
} master;

static int is_selected(const master *m, uint64_t id)
{
    return !m->plan->select || m->plan->select(m->plan->ctx, id);
}

/* The next selected id to hand out, or NO_TASK. */
static uint64_t take_id(master *m)
{
    while (m->next_id < m->total && !is_selected(m, m->next_id))
        m->next_id++;
    if (m->next_id >= m->total || m->next_id - m->next_emit >= m->window)
        return NO_TASK;
    return m->next_id++;
}

static void emit_ready(master *m)
{
    for (;;) {
        while (m->next_emit < m->total && !is_selected(m, m->next_emit) &&
               m->next_emit < m->next_id)
            m->next_emit++;
        if (m->next_emit >= m->next_id || !m->early[m->next_emit % m->window])
            return;
        ms_buf *b = m->early[m->next_emit % m->window];
        m->early[m->next_emit % m->window] = NULL;
        ms_exp_task task = ms_exp_task_of(m->next_emit, m->plan->replications);
        if (m->st == MS_OK)
            m->st = m->plan->emit(m->plan->ctx, &task, b, m->err);
        else
            m->plan->free_result(m->plan->ctx, b);
        m->next_emit++;
        m->rep->emitted++;
        if (m->plan->progress && m->st == MS_OK)
            m->plan->progress(m->plan->ctx, m->rep->emitted, m->rep->selected);
    }
}

static void receive_one(master *m, int *source)
{
    MPI_Status status;
    int len;
    MPI_Probe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &status);
    MPI_Get_count(&status, MPI_BYTE, &len);
    char *msg = malloc((size_t)len);
    MPI_Recv(msg, len, MPI_BYTE, status.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    *source = status.MPI_SOURCE;
    m->busy--;
    result_head h;
    memcpy(&h, msg, sizeof h);
    const char *body = msg + sizeof h;
    size_t blen = (size_t)len - sizeof h;
    if (h.status != MS_OK) {
        if (m->st == MS_OK)
            m->st = ms_error_set(m->err, (ms_status)h.status, NULL, 0, "", "task %llu: %.*s",
                                 (unsigned long long)h.id, (int)blen, body);
        m->rep->failed_id = h.id;
    } else {
        ms_buf *b = malloc(sizeof *b);
        ms_buf_init(b);
        ms_buf_append(b, body, blen);
        m->early[h.id % m->window] = b;
    }
    free(msg);
    emit_ready(m);
}

static ms_status master_exec(void *vctx, const ms_exp_plan *plan, ms_exp_report *rep, ms_error *err)
{
    mpi_ctx *ctx = vctx;
    master m = {.plan = plan,
                .total = plan->points * plan->replications,
                .window = (size_t)(ctx->size - 1) * 4,
                .st = MS_OK,
                .err = err,
                .rep = rep};
    memset(rep, 0, sizeof *rep);
    rep->failed_id = UINT64_MAX;
    for (uint64_t id = 0; id < m.total; id++)
        rep->selected += (uint64_t)is_selected(&m, id);
    m.early = calloc(m.window, sizeof *m.early);
    if (!m.early)
        return MS_ENOMEM;
    int *idle = malloc((size_t)ctx->size * sizeof *idle), n_idle = 0, source;
    if (!idle) {
        free(m.early);
        return MS_ENOMEM;
    }
    for (int w = ctx->size - 1; w >= 1; w--)
        idle[n_idle++] = w;
    for (;;) {
        /* a worker waits (idle) while the window is full: it is sent
         * NO_TASK only when the farm is over */
        int stop = m.st != MS_OK || (plan->stop && *plan->stop);
        uint64_t id;
        while (!stop && n_idle > 0 && (id = take_id(&m)) != NO_TASK) {
            MPI_Send(&id, 1, MPI_UINT64_T, idle[--n_idle], TAG_TASK, MPI_COMM_WORLD);
            m.busy++;
        }
        if (m.busy == 0)
            break;
        receive_one(&m, &source);
        idle[n_idle++] = source;
    }
    uint64_t none = NO_TASK;
    for (int w = 1; w < ctx->size; w++)
        MPI_Send(&none, 1, MPI_UINT64_T, w, TAG_TASK, MPI_COMM_WORLD);
    free(idle);
    for (size_t i = 0; i < m.window; i++)
        if (m.early[i])
            plan->free_result(plan->ctx, m.early[i]);
    free(m.early);
    if (m.st == MS_OK && plan->stop && *plan->stop)
        return MS_EINTR;
    return m.st;
}

int ms_mpi_sweep(int argc, char **argv)
{
    int provided, rank, size;
    MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpi_ctx ctx = {size};
    int rc;
    if (size == 1) {
        rc = ms_cli_sweep(argc, argv);
    } else if (rank == 0) {
        rc = ms_cli_sweep_exec(argc, argv, master_exec, &ctx, 1);
    } else {
        if (!freopen("/dev/null", "w", stderr))
            return MS_EXIT_FAIL;
        rc = ms_cli_sweep_exec(argc, argv, worker_exec, &ctx, 0);
    }
    MPI_Finalize();
    return rc;
}
