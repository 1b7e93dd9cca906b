/* SPDX-License-Identifier: MIT */
/*
 * The zone map in a terminal: one line a zone, a bar from the zone start
 * to its size (written up to the write pointer, writable up to the
 * capacity), the condition and the write pointer, with what changed since
 * the previous map.  Colour only when asked (teach_color_wanted()).
 */
#ifndef ZWSIM_TEACH_DRAW_H
#define ZWSIM_TEACH_DRAW_H

#include <stdbool.h>
#include <stdio.h>

#include "zone.h"

struct teach_term {
	FILE *out;
	bool color;
};

enum { TC_RESET, TC_BOLD, TC_DIM, TC_OK, TC_BAD, TC_NOTE, TC_HEAD };

/* The escape sequence for @c, or "" without colour. */
const char *tc(const struct teach_term *t, int c);

/*
 * --color=auto|always|never: auto means a terminal (isatty) whose TERM is
 * set and not "dumb", and no NO_COLOR in the environment (no-color.org).
 * Returns -1 for an unknown @mode.
 */
int teach_color_wanted(const char *mode, int fd);

/*
 * Draw @nr zones as they are (@now) against how they were (@before, NULL:
 * the first map): changed zones are marked and say what they were.
 */
void teach_draw_zones(const struct teach_term *t, const struct blk_zone *before,
		      const struct blk_zone *now, unsigned int nr, unsigned int lba_sectors);

#endif
