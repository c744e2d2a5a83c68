/*
 * noise_probe.c: how much the machine itself disturbs a latency benchmark.
 * Times N identical pieces of pure CPU work (about 50 µs each, no memory
 * traffic, no system calls) and prints their spread like a query run: on an
 * idle machine p99 is close to p50; when other jobs compete for the cores,
 * p99 jumps to a scheduler time slice (milliseconds), and every engine's
 * p99 is bounded below by that.  compare.sh and scale.sh record it.
 */
#include <stdlib.h>
#include <string.h>

#include "benchlib.h"

/* Keeps the work from being optimized away. */
static volatile uint64_t probe_sink;

int main(int argc, char **argv)
{
    bl_set_progname(argv[0]);
    unsigned long n = 2000;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            char *end;
            n = strtoul(argv[++i], &end, 10);
            if (*end || n == 0) {
                bl_error("invalid number '%s'", argv[i]);
                return 2;
            }
        } else {
            bool help = strcmp(argv[i], "--help") == 0;
            fputs("usage: noise_probe [-n N] [--json]\n", help ? stdout : stderr);
            return help ? 0 : 2;
        }
    }
    /* Calibrate the unit of work to about 50 µs. */
    uint64_t iters = 1000;
    for (;;) {
        uint64_t t0 = bl_now_ns(), x = 1;
        for (uint64_t j = 0; j < iters; j++)
            x = x * 6364136223846793005u + 1442695040888963407u;
        probe_sink = x;
        if (bl_now_ns() - t0 >= 50000 || iters > (1u << 30))
            break;
        iters *= 2;
    }
    double *us = malloc(n * sizeof *us);
    if (!us) {
        bl_error("out of memory");
        return 1;
    }
    for (unsigned long i = 0; i < n; i++) {
        uint64_t t0 = bl_now_ns(), x = i;
        for (uint64_t j = 0; j < iters; j++)
            x = x * 6364136223846793005u + 1442695040888963407u;
        probe_sink = x;
        us[i] = (double)(bl_now_ns() - t0) / 1e3;
    }
    bl_stats s;
    bl_stats_compute(&s, us, n);
    bl_report r;
    bl_report_begin(&r, stdout, json);
    bl_report_str(&r, "engine", "noise_probe");
    bl_report_latency(&r, &s, 0);
    bl_report_end(&r);
    free(us);
    return 0;
}
