/* SPDX-License-Identifier: MIT */
/*
 * The checker's readers: one line of input becomes at most one event.
 * zwsim's event log (docs/event-log.md), blkparse's default text output
 * and tracefs's block_rq_issue / block_rq_complete / block_bio_queue
 * lines (trace_pipe or the trace file); a saved zone report (blkzone
 * report) for the geometry of a block trace.
 */
#ifndef ZWSIM_CHECK_READ_H
#define ZWSIM_CHECK_READ_H

#include <stddef.h>
#include <stdint.h>

#include "check.h"

enum chk_format { CHK_FMT_AUTO, CHK_FMT_ZWSIM, CHK_FMT_BLKPARSE, CHK_FMT_TRACEFS };

int chk_format_parse(const char *s, enum chk_format *f);
const char *chk_format_name(enum chk_format f);
/* The format of a trace from its first line that is not blank; CHK_FMT_AUTO: none known. */
enum chk_format chk_format_probe(const char *line);

/* A geometry being read (the zones not empty owned here). */
struct chk_geo_buf {
	struct chk_geometry g;
	struct chk_zone_init *init;
	size_t nr_init, max_init;
	int have;		/* a geometry was read */
};
void chk_geo_buf_free(struct chk_geo_buf *b);

/*
 * One line of zwsim's event log (no newline needed).  1: an event in @ev
 * (ev->text is @line); 0: a line of no interest (a "device" line fills
 * @geo); -1: not an event log line, with a message in @err.
 */
int chk_parse_zwsim(const char *line, struct chk_event *ev, struct chk_geo_buf *geo, char *err,
		    size_t errlen);
/*
 * One line of blkparse or of tracefs: 1 an event for device @dev ("MAJ,MIN",
 * the first one seen when empty: it is filled in), 0 another line (another
 * device, an action the checker needs not, a summary), -1 a malformed
 * event line with a message.
 */
int chk_parse_blkparse(const char *line, struct chk_event *ev, char *dev, size_t devlen, char *err,
		       size_t errlen);
int chk_parse_tracefs(const char *line, struct chk_event *ev, char *dev, size_t devlen, char *err,
		      size_t errlen);

/*
 * A saved zone report (`blkzone report DEV` output): each line one zone.
 * 0, or -1 with "LINE: what" in @err.
 */
int chk_geo_from_report(FILE *f, struct chk_geo_buf *b, char *err, size_t errlen);

#endif
