/* Latency histogram: 1 microsecond buckets up to HIST_FINE_US, then
 * 1 millisecond buckets up to HIST_COARSE_MS; anything slower is
 * counted as overflow (and reported as "at least the limit"). */
#ifndef CCHAT_BENCH_HIST_H
#define CCHAT_BENCH_HIST_H

#include <stdint.h>

#define HIST_FINE_US 100000		/* 100 ms at 1 us */
#define HIST_COARSE_MS 120000		/* 120 s at 1 ms */

struct hist {
	uint64_t fine[HIST_FINE_US];
	uint64_t coarse[HIST_COARSE_MS];
	uint64_t overflow;
	uint64_t count;
	uint64_t max_us;
	double sum_us;
};

void hist_reset(struct hist *h);
void hist_add(struct hist *h, uint64_t us);
/* The value below which fraction q (0..1) of the samples lie, in
 * microseconds; 0 when empty. */
uint64_t hist_quantile(const struct hist *h, double q);

#endif
