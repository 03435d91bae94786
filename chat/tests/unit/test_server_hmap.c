// SPDX-License-Identifier: MIT
/* Unit tests for the case-insensitive hash map (chat/server/hmap.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hmap.h"

struct item {
	struct hmap_node node;
	char name[16];
};

#define NITEMS 5000

static struct item items[NITEMS];

static void fill(struct hmap *m, int count)
{
	int i;

	for (i = 0; i < count; i++) {
		snprintf(items[i].name, sizeof(items[i].name), "Nick[%d]", i);
		items[i].node.key = items[i].name;
		hmap_insert(m, &items[i].node);
	}
}

static void finds_under_rfc1459_folding(void **state)
{
	struct hmap m;

	(void)state;
	assert_int_equal(hmap_init(&m), 0);
	fill(&m, 3);
	assert_ptr_equal(hmap_find(&m, "nick{1}"), &items[1].node);
	assert_ptr_equal(hmap_find(&m, "NICK[2]"), &items[2].node);
	assert_null(hmap_find(&m, "nick[3]"));
	assert_null(hmap_find(&m, "Nick"));
	hmap_free(&m);
}

static void grows_and_keeps_everything(void **state)
{
	struct hmap m;
	char key[16];
	int i;

	(void)state;
	assert_int_equal(hmap_init(&m), 0);
	fill(&m, NITEMS);
	assert_int_equal(m.count, NITEMS);
	assert_true(m.nbuckets >= NITEMS);
	for (i = 0; i < NITEMS; i++) {
		snprintf(key, sizeof(key), "NICK{%d}", i);
		assert_ptr_equal(hmap_find(&m, key), &items[i].node);
	}
	hmap_free(&m);
}

static void remove_leaves_others(void **state)
{
	struct hmap m;
	int i;

	(void)state;
	assert_int_equal(hmap_init(&m), 0);
	fill(&m, 1000);
	for (i = 0; i < 1000; i += 2)
		hmap_remove(&m, &items[i].node);
	assert_int_equal(m.count, 500);
	for (i = 0; i < 1000; i++)
		assert_true((hmap_find(&m, items[i].name) != NULL) == (i & 1));
	hmap_free(&m);
}

static void count_node(struct hmap_node *n, void *arg)
{
	(void)n;
	(*(int *)arg)++;
}

static void each_visits_every_node(void **state)
{
	struct hmap m;
	int seen = 0;

	(void)state;
	assert_int_equal(hmap_init(&m), 0);
	fill(&m, 777);
	hmap_each(&m, count_node, &seen);
	assert_int_equal(seen, 777);
	hmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_under_rfc1459_folding),
		cmocka_unit_test(grows_and_keeps_everything),
		cmocka_unit_test(remove_leaves_others),
		cmocka_unit_test(each_visits_every_node),
	};

	return cmocka_run_group_tests_name("server_hmap", tests, NULL, NULL);
}
