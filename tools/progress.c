// SPDX-License-Identifier: MIT
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double progress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, const char *label, const char *unit, uint64_t total,
		   bool results_on_stderr)
{
	const char *env = getenv("ZWSIM_PROGRESS");

	*p = (struct progress){ .label = label, .unit = unit, .total = total };
	/* a terminal on stderr, and stdout elsewhere (or the results would scroll the line away) */
	p->on = !results_on_stderr && isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO);
	p->next = progress_now() + 0.5;		/* short runs never show it */
	/* ZWSIM_PROGRESS=0: never; =1: from the start, terminal or not (but not among results) */
	if (env && !strcmp(env, "0"))
		p->on = false;
	if (env && !strcmp(env, "1") && !results_on_stderr) {
		p->on = true;
		p->next = 0;
	}
}

void progress_update(struct progress *p, uint64_t done)
{
	double now;

	if (!p->on || (now = progress_now()) < p->next)
		return;
	p->next = now + 0.25;
	fprintf(stderr, "\r%s: %llu/%llu %s (%u%%)\033[K", p->label, (unsigned long long)done,
		(unsigned long long)p->total, p->unit,
		p->total ? (unsigned int)(done * 100 / p->total) : 100u);
	fflush(stderr);
	p->drawn = true;
}

void progress_done(struct progress *p)
{
	if (p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = false;
}
