// SPDX-License-Identifier: MIT
/* The zone map in a terminal. */
#include "draw.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BAR 32

const char *tc(const struct teach_term *t, int c)
{
	static const char *const seq[] = {
		[TC_RESET] = "\033[0m", [TC_BOLD] = "\033[1m", [TC_DIM] = "\033[2m",
		[TC_OK] = "\033[32m", [TC_BAD] = "\033[1;31m", [TC_NOTE] = "\033[36m",
		[TC_HEAD] = "\033[1;34m",
	};

	return t->color ? seq[c] : "";
}

int teach_color_wanted(const char *mode, int fd)
{
	const char *term = getenv("TERM"), *no = getenv("NO_COLOR");

	if (!mode || !strcmp(mode, "auto"))
		return isatty(fd) && term && *term && strcmp(term, "dumb") && !(no && *no);
	if (!strcmp(mode, "always"))
		return 1;
	if (!strcmp(mode, "never"))
		return 0;
	return -1;
}

/* A colour per condition, so the eye finds open, closed and full zones. */
static const char *cond_color(uint8_t cond)
{
	switch (cond) {
	case BLK_ZONE_COND_NOT_WP: return "\033[36m";
	case BLK_ZONE_COND_EMPTY: return "\033[2m";
	case BLK_ZONE_COND_IMP_OPEN: return "\033[33m";
	case BLK_ZONE_COND_EXP_OPEN: return "\033[1;33m";
	case BLK_ZONE_COND_CLOSED: return "\033[34m";
	case BLK_ZONE_COND_FULL: return "\033[31m";
	case BLK_ZONE_COND_READONLY: return "\033[35m";
	default: return "\033[90m";
	}
}

static bool wp_valid(const struct blk_zone *z)
{
	return zone_is_seq(z) && z->wp != ZONE_WP_INVALID;
}

static void draw_bar(const struct teach_term *t, const struct blk_zone *z)
{
	unsigned int written = 0, usable = BAR;
	char bar[BAR + 1];

	if (!zone_is_seq(z))
		written = BAR;
	else if (wp_valid(z))
		written = (unsigned int)((z->wp - z->start) * BAR / z->len);
	if (zone_is_seq(z))
		usable = (unsigned int)((z->capacity * BAR + z->len - 1) / z->len);
	/* any data at all shows as one cell */
	if (wp_valid(z) && z->wp > z->start && !written)
		written = 1;
	for (unsigned int i = 0; i < BAR; i++)
		bar[i] = !wp_valid(z) && zone_is_seq(z) ? (i < usable ? '/' : ' ')
			 : i < written ? '#' : i < usable ? '.' : ' ';
	bar[BAR] = '\0';
	if (!t->color) {
		fprintf(t->out, "[%s]", bar);
		return;
	}
	fprintf(t->out, "[%s%.*s\033[0m\033[2m%.*s\033[0m%.*s]", cond_color(z->cond), (int)written, bar,
		(int)(usable > written ? usable - written : 0), bar + written,
		(int)(BAR - (usable > written ? usable : written)), bar + (usable > written ? usable : written));
}

static void wp_text(const struct blk_zone *z, unsigned int lba_sectors, char *buf, size_t len)
{
	if (!zone_is_seq(z))
		snprintf(buf, len, "-");
	else if (!wp_valid(z))
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%" PRIu64, (uint64_t)(z->wp - z->start) / lba_sectors);
}

void teach_draw_zones(const struct teach_term *t, const struct blk_zone *before,
		      const struct blk_zone *now, unsigned int nr, unsigned int lba_sectors)
{
	for (unsigned int i = 0; i < nr; i++) {
		const struct blk_zone *z = &now[i];
		bool changed = before && (before[i].cond != z->cond || before[i].wp != z->wp);
		char wp[32], was[32];

		wp_text(z, lba_sectors, wp, sizeof(wp));
		fprintf(t->out, " %s zone %2u %s ", changed ? "*" : " ", i, zone_is_seq(z) ? "seq" : "cnv");
		draw_bar(t, z);
		fprintf(t->out, " %s%s%s", t->color ? cond_color(z->cond) : "", zone_cond_abbrev(z->cond),
			tc(t, TC_RESET));
		if (zone_is_seq(z))
			fprintf(t->out, " wp=%s/%" PRIu64, wp, (uint64_t)z->capacity / lba_sectors);
		if (changed) {
			wp_text(&before[i], lba_sectors, was, sizeof(was));
			fprintf(t->out, "  %s(was %s wp=%s)%s", tc(t, TC_NOTE), zone_cond_abbrev(before[i].cond), was,
				tc(t, TC_RESET));
		}
		fputc('\n', t->out);
	}
}
