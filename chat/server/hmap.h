/* SPDX-License-Identifier: MIT */
/*
 * Hash map from IRC names (nicks, channels) to the structures that embed
 * a struct hmap_node.  Keys compare under rfc1459 case folding, so
 * "Nick[1]" and "nick{1}" are the same key.  Chained buckets, doubled
 * when the load passes one entry per bucket.
 */
#ifndef CCHATD_HMAP_H
#define CCHATD_HMAP_H

#include <stddef.h>
#include <stdint.h>

#define HMAP_MIN_BUCKETS 256

struct hmap_node {
	struct hmap_node *next;
	uint32_t hash;
	const char *key;        /* points into the embedding structure */
};

struct hmap {
	struct hmap_node **buckets;
	size_t nbuckets;        /* a power of two */
	size_t count;
};

int hmap_init(struct hmap *m);
void hmap_free(struct hmap *m);
struct hmap_node *hmap_find(const struct hmap *m, const char *key);
/* Inserts n under n->key, which must not be present yet. */
void hmap_insert(struct hmap *m, struct hmap_node *n);
void hmap_remove(struct hmap *m, struct hmap_node *n);
/* Calls fn on every node; fn may remove the node it is given. */
void hmap_each(const struct hmap *m, void (*fn)(struct hmap_node *, void *),
	       void *arg);

#endif
