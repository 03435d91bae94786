/* Latency histogram; see hist.h. */
#include "hist.h"

#include <string.h>

void hist_reset(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

void hist_add(struct hist *h, uint64_t us)
{
	uint64_t ms = us / 1000;

	if (us < HIST_FINE_US)
		h->fine[us]++;
	else if (ms < HIST_COARSE_MS)
		h->coarse[ms]++;
	else
		h->overflow++;
	h->count++;
	h->sum_us += (double)us;
	if (us > h->max_us)
		h->max_us = us;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0;
	uint64_t i;

	if (!h->count)
		return 0;
	rank = (uint64_t)(q * (double)h->count);
	if (rank >= h->count)
		rank = h->count - 1;
	for (i = 0; i < HIST_FINE_US; i++) {
		seen += h->fine[i];
		if (seen > rank)
			return i;
	}
	for (i = HIST_FINE_US / 1000; i < HIST_COARSE_MS; i++) {
		seen += h->coarse[i];
		if (seen > rank)
			return i * 1000;
	}
	return (uint64_t)HIST_COARSE_MS * 1000;
}
