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

	*p = (struct progress){ .label = label, .unit = unit, .total = total, .start = progress_now() };
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
	double now, rate;

	if (!p->on || (now = progress_now()) < p->next)
		return;
	p->next = now + 0.25;
	rate = now > p->start ? (double)done / (now - p->start) : 0;
	if (p->total)
		fprintf(stderr, "\r%s: %llu/%llu %s (%u%%)", p->label, (unsigned long long)done,
			(unsigned long long)p->total, p->unit, (unsigned int)(done * 100 / p->total));
	else
		fprintf(stderr, "\r%s: %llu %s", p->label, (unsigned long long)done, p->unit);
	/* the rate (and with a total, the time left) once there is one */
	if (done && rate > 0) {
		fprintf(stderr, ", %.0f/s", rate);
		if (p->total && done <= p->total)
			fprintf(stderr, ", ETA %.0f s", (double)(p->total - done) / rate);
		/* no total, but a fraction of the input read: the time left from that */
		else if (!p->total && p->frac && p->frac_total && p->frac <= p->frac_total && now > p->start)
			fprintf(stderr, ", %u%%, ETA %.0f s", (unsigned int)(p->frac * 100 / p->frac_total),
				(double)(p->frac_total - p->frac) * (now - p->start) / (double)p->frac);
	}
	fputs("\033[K", stderr);
	fflush(stderr);
	p->drawn = true;
}

void progress_force(struct progress *p)
{
	p->on = true;
	p->next = 0;
}

void progress_done(struct progress *p)
{
	if (p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = false;
}
