/* phold_bare.c - the reference PHOLD: a bare binary heap of (time, lp) and
 * one GSL mt19937 generator, no engine, no handler table, no streams. It is
 * the practical single-core ceiling the engine is measured against
 * (tests/bench/phold_bench.sh). Usage: phold_bare LPS EVENTS_PER_LP END MEAN LOOKAHEAD SEED
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

typedef struct {
    double t;
    unsigned lp;
} item;

static void push(item *h, size_t *n, item x)
{
    size_t i = (*n)++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h[p].t <= x.t)
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = x;
}

static item pop(item *h, size_t *n)
{
    item top = h[0], x = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && h[c + 1].t < h[c].t)
            c++;
        if (x.t <= h[c].t)
            break;
        h[i] = h[c];
        i = c;
    }
    if (*n > 0)
        h[i] = x;
    return top;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: phold_bare LPS EVENTS_PER_LP END MEAN LOOKAHEAD SEED\n");
        return 2;
    }
    unsigned lps = (unsigned)strtoul(argv[1], NULL, 10);
    unsigned k = (unsigned)strtoul(argv[2], NULL, 10);
    double end = strtod(argv[3], NULL), mean = strtod(argv[4], NULL);
    double look = strtod(argv[5], NULL);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, strtoul(argv[6], NULL, 10));
    size_t n = 0;
    item *h = malloc(sizeof *h * (size_t)lps * k);
    for (unsigned lp = 0; lp < lps; lp++)
        for (unsigned j = 0; j < k; j++)
            push(h, &n, (item){look + gsl_ran_exponential(r, mean), lp});
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    unsigned long long events = 0;
    while (n > 0 && h[0].t <= end) {
        item e = pop(h, &n);
        events++;
        double t = e.t + look + gsl_ran_exponential(r, mean);
        push(h, &n, (item){t, (unsigned)gsl_rng_uniform_int(r, lps)});
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9;
    printf("events: %llu\nseconds: %.6f\nevents_per_sec: %.0f\n", events, s, events / s);
    free(h);
    gsl_rng_free(r);
    return 0;
}
