/* fuzz_journal.c - libFuzzer harness for the sweep journal reader
 * (sweep --resume): any bytes after a valid identity line (or, when the
 * first byte is odd, with none) as DIR/.sweep.journal. Resume must replay
 * a prefix of well-formed records in increasing id order and cut the rest,
 * or refuse the file, never crash, read out of bounds or leak. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <unistd.h>

#include "../../sim/experiment/sweep_internal.h"
#include "fuzz_common.h"
#include "marketsim/hash.h"

static const char identity[] = "fuzz identity\n";

typedef struct {
    uint64_t n, last;
} replay_ctx;

static ms_status replay(void *vctx, uint64_t id, const char *text, size_t len)
{
    replay_ctx *c = vctx;
    (void)text;
    (void)len;
    c->n++;
    c->last = id;
    return MS_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[128];
    if (!path[0])
        snprintf(path, sizeof path, "%s/.sweep.journal", fuzz_dir());
    char head[64];
    size_t hn = 0;
    if (size == 0 || !(data[0] & 1u))
        hn = (size_t)snprintf(head, sizeof head, "marketsim-journal 1 %016" PRIx64 "\n",
                              ms_hash_fnv1a(identity, strlen(identity)));
    char *buf = malloc(hn + size + 1);
    if (!buf)
        abort();
    memcpy(buf, head, hn);
    if (size)
        memcpy(buf + hn, data, size);
    fuzz_write(path, buf, hn + size);
    free(buf);
    ms_sweep_journal j;
    replay_ctx c = {0, 0};
    uint64_t last = 0, replayed = 0;
    ms_error err;
    if (ms_sweep_journal_open(&j, path, identity, 1, replay, &c, &last, &replayed, &err) == MS_OK) {
        if (replayed != c.n || (c.n && last != c.last))
            abort();
        ms_sweep_journal_close(&j, 1);
    }
    unlink(path);
    return 0;
}
