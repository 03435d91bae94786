// SPDX-License-Identifier: MIT
/* Case-insensitive chained hash map; see hmap.h. */
#include "hmap.h"

#include <stdlib.h>

#include "irc.h"

int hmap_init(struct hmap *m)
{
	m->nbuckets = HMAP_MIN_BUCKETS;
	m->count = 0;
	m->buckets = calloc(m->nbuckets, sizeof(*m->buckets));
	return m->buckets ? 0 : -1;
}

void hmap_free(struct hmap *m)
{
	free(m->buckets);
	m->buckets = NULL;
	m->nbuckets = 0;
	m->count = 0;
}

static struct hmap_node **bucket_of(const struct hmap *m, uint32_t hash)
{
	return &m->buckets[hash & (m->nbuckets - 1)];
}

struct hmap_node *hmap_find(const struct hmap *m, const char *key)
{
	uint32_t hash = irc_casehash(key);
	struct hmap_node *n;

	for (n = *bucket_of(m, hash); n; n = n->next)
		if (n->hash == hash && !irc_casecmp(n->key, key))
			return n;
	return NULL;
}

/* Doubling is best effort: without memory the chains just grow longer. */
static void grow(struct hmap *m)
{
	size_t old_count = m->nbuckets, i;
	struct hmap_node **old = m->buckets;
	struct hmap_node **fresh = calloc(old_count * 2, sizeof(*fresh));

	if (!fresh)
		return;
	m->buckets = fresh;
	m->nbuckets = old_count * 2;
	for (i = 0; i < old_count; i++) {
		while (old[i]) {
			struct hmap_node *n = old[i];
			struct hmap_node **b = bucket_of(m, n->hash);

			old[i] = n->next;
			n->next = *b;
			*b = n;
		}
	}
	free(old);
}

void hmap_insert(struct hmap *m, struct hmap_node *n)
{
	struct hmap_node **b;

	if (m->count >= m->nbuckets)
		grow(m);
	n->hash = irc_casehash(n->key);
	b = bucket_of(m, n->hash);
	n->next = *b;
	*b = n;
	m->count++;
}

void hmap_remove(struct hmap *m, struct hmap_node *n)
{
	struct hmap_node **p = bucket_of(m, n->hash);

	while (*p && *p != n)
		p = &(*p)->next;
	if (*p) {
		*p = n->next;
		m->count--;
	}
}

void hmap_each(const struct hmap *m, void (*fn)(struct hmap_node *, void *),
	       void *arg)
{
	size_t i;
	struct hmap_node *n, *next;

	for (i = 0; i < m->nbuckets; i++)
		for (n = m->buckets[i]; n; n = next) {
			next = n->next;
			fn(n, arg);
		}
}
