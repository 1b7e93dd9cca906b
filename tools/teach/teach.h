/* SPDX-License-Identifier: MIT */
/* The lesson runner: a lesson's steps on the real models, narrated and drawn. */
#ifndef ZWSIM_TEACH_H
#define ZWSIM_TEACH_H

#include <stdbool.h>
#include <stdio.h>

#include "draw.h"
#include "lesson.h"
#include "zone.h"

struct teach_opts {
	bool autorun;		/* no key presses: every step at once */
	bool quiz;		/* ask each step's quiz before its outcome */
	struct teach_term term;
	FILE *in;		/* key presses */
};

/*
 * Run lesson @l.  Returns 0 when the model did what every step expects,
 * 1 when it disagreed (said on stderr as "FILE:LINE: ..."), 2 for a step
 * the layer cannot run or a device the lesson cannot open.
 */
int teach_run(const struct lesson *l, const struct teach_opts *o);

/* The outcome of one step: key=value pairs (docs/teach.md lists the keys). */
#define TEACH_MAX_KV 96
struct teach_kv {
	char key[72];
	char val[96];
};
struct teach_outcome {
	struct teach_kv kv[TEACH_MAX_KV];
	unsigned int nr;
	bool has_res;		/* layer zone: the device's answer */
	struct zone_result res;
};

void teach_set(struct teach_outcome *oc, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *teach_get(const struct teach_outcome *oc, const char *key);
/* Does @got satisfy @want?  Numbers compare as numbers (to 0.005), the rest as text. */
bool teach_value_matches(const char *want, const char *got);

#endif
