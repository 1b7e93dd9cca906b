/* SPDX-License-Identifier: MIT */
/* The search over a scenario's schedules (search.c). */
#ifndef ZWSIM_EXPLORE_SEARCH_H
#define ZWSIM_EXPLORE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "explore.h"

struct explore_opts {
	bool random;			/* seeded random schedules; else exhaustive */
	uint64_t seed;			/* the first seed (random) */
	unsigned int budget;		/* runs at most */
	const uint32_t *schedule;	/* replay this one only */
	size_t schedule_len;
	bool json;
};

/* 0: nothing found, 1: failures (printed), 2: the scenario did not run. */
int explore(const struct scenario *s, const struct explore_opts *o, FILE *out);

#endif
