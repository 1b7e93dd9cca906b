/* SPDX-License-Identifier: MIT */
/*
 * The checker's readers: one line of input becomes at most one event.
 * zwsim's event log (docs/event-log.md), blkparse's default text output
 * and tracefs's block_rq_issue / block_rq_complete / block_bio_queue
 * lines (trace_pipe or the trace file), and the NVMe driver's
 * nvme_setup_cmd / nvme_complete_rq lines (read_nvme.c); a saved zone
 * report (blkzone report) for the geometry of a block trace.
 */
#ifndef ZWSIM_CHECK_READ_H
#define ZWSIM_CHECK_READ_H

#include <stddef.h>
#include <stdint.h>

#include "check.h"

enum chk_format { CHK_FMT_AUTO, CHK_FMT_ZWSIM, CHK_FMT_BLKPARSE, CHK_FMT_TRACEFS, CHK_FMT_NVME };

int chk_format_parse(const char *s, enum chk_format *f);
const char *chk_format_name(enum chk_format f);
/*
 * The format of a trace from its first line that is not blank or a
 * comment ('#': tracefs's header, skipped); CHK_FMT_AUTO: none known.
 */
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
 * The NVMe driver's tracepoints (nvme_setup_cmd, nvme_complete_rq; the
 * tracefs "trace" file or trace_pipe; read_nvme.c): commands of one
 * namespace, @dev its disk name ("nvme0n1"; the first seen when empty).  A
 * completion names only its queue and command id, so the reader keeps the
 * commands in flight; LBAs become sectors by @lba_bytes, the namespace's
 * logical block size.  Returns as chk_parse_blkparse() does.
 */
struct chk_nvme;
struct chk_nvme *chk_nvme_new(unsigned int lba_bytes);	/* NULL: not 512 x 2^n up to 64 KiB */
void chk_nvme_free(struct chk_nvme *n);
int chk_parse_nvme(struct chk_nvme *n, const char *line, struct chk_event *ev, char *dev, size_t devlen,
		   char *err, size_t errlen);

/*
 * A saved zone report (`blkzone report DEV` output): each line one zone.
 * 0, or -1 with "LINE: what" in @err.
 */
int chk_geo_from_report(FILE *f, struct chk_geo_buf *b, char *err, size_t errlen);

#endif
