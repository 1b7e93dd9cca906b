/* SPDX-License-Identifier: MIT */
/*
 * Progress of a long run: a status line on stderr ("LABEL: DONE/TOTAL UNIT
 * (P%), RATE/s, ETA S s", or "LABEL: DONE UNIT, RATE/s" when the total is
 * not known: 0, with ", P%, ETA S s" when frac/frac_total say how much of
 * the input has been read), redrawn at most four times a second and erased at the
 * end, shown only when stderr is a terminal that the results do not go to
 * (ZWSIM_PROGRESS=0: never, =1: always).  Wall-clock time paces the redraws
 * and nothing else: results never depend on it.
 */
#ifndef ZWSIM_PROGRESS_H
#define ZWSIM_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	const char *label, *unit;
	uint64_t total;
	double next;		/* monotonic seconds of the next redraw */
	double start;		/* monotonic seconds at the start, for the rate */
	uint64_t frac, frac_total;	/* no total: how much of the input is read, of how much (0: unknown) */
	bool on, drawn;
};

/* @results_on_stderr: the run prints its results there, so no status line. */
void progress_init(struct progress *p, const char *label, const char *unit, uint64_t total,
		   bool results_on_stderr);
void progress_update(struct progress *p, uint64_t done);
/* Show it whatever stderr is (--progress). */
void progress_force(struct progress *p);
/* Erase the line (before the run prints its report). */
void progress_done(struct progress *p);

#endif
