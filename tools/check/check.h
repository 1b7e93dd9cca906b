/* SPDX-License-Identifier: MIT */
/*
 * The zone ordering checker (docs/check.md): fed the I/O events of one
 * zoned device in the order they happened (issue and completion of each
 * command), it keeps its own copy of every zone's write pointer and
 * condition and reports each event that breaks one of the rules below.
 *
 *	struct chk *c = chk_new(&geo);
 *	while (reader gives an event)
 *		chk_feed(c, &ev);
 *	chk_finish(c);
 *	for (size_t i = 0; i < chk_nr_violations(c); i++)
 *		... chk_violation(c, i) ...
 *	chk_free(c);
 *
 * Used by `zwsim check`, `zwsim fs --check` (on its own log as it is
 * written) and `zwsim replay --check`.
 */
#ifndef ZWSIM_CHECK_H
#define ZWSIM_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum chk_op {
	CHK_OP_OTHER,		/* reads, flushes, discards: only their context counts */
	CHK_OP_WRITE,
	CHK_OP_APPEND,
	CHK_OP_RESET,
	CHK_OP_RESET_ALL,
	CHK_OP_FINISH,
	CHK_OP_OPEN,
	CHK_OP_CLOSE,
};

enum chk_phase {
	CHK_QUEUE,		/* entered the block layer (Q, bio_submit, block_bio_queue): context only */
	CHK_ISSUE,		/* the device got it (D, bio_issue, block_rq_issue) */
	CHK_COMPLETE,		/* it completed (C, bio_end, block_rq_complete) */
	CHK_MAP,		/* a file system mapped file data there (zwsim's file_map) */
	CHK_COND,		/* the device changed a zone's condition by itself (zwsim's zone_cond: a fault) */
};

struct chk_event {
	enum chk_phase phase;
	enum chk_op op;
	uint64_t id;		/* the command's id; 0: matched by position (block traces) */
	uint64_t sector;	/* 512-byte sectors; a completed append: where it landed */
	uint64_t sectors;
	bool error;		/* a completion that failed */
	bool zone_resource;	/* ... refused for want of an open or active zone (BLK_STS_ZONE_OPEN_RESOURCE,
				   BLK_STS_ZONE_ACTIVE_RESOURCE: -ETOOMANYREFS, -EOVERFLOW) */
	uint64_t time_ns;
	uint64_t tag;		/* an issued write: its first block's tag, the next ones follow (0: none) */
	uint64_t ino, file_offset;	/* CHK_MAP: the file and where (bytes); sector, sectors: where it lives */
	unsigned int block;	/* CHK_MAP: the file system's block size */
	unsigned int zone;	/* CHK_COND: the zone, and its condition (BLK_ZONE_COND_*) before and after */
	uint8_t cond_from, cond_to;
	uint64_t line;		/* where in its input, for messages */
	const char *text;	/* the input line, for context (copied) */
};

/* The device's zones, uniform but for the per-zone capacities and starting states. */
struct chk_zone_init {
	unsigned int zone;
	uint64_t wp_offset;	/* sectors from the zone start */
	uint8_t cond;		/* BLK_ZONE_COND_* */
	uint64_t capacity;
};

struct chk_geometry {
	unsigned int lba;	/* logical block size in bytes (0: 4096) */
	uint64_t capacity;	/* sectors */
	uint64_t zone_size;	/* sectors */
	uint64_t zone_cap;	/* sectors */
	unsigned int nr_zones, nr_conv;
	unsigned int max_open, max_active;	/* 0: no limit */
	const struct chk_zone_init *init;	/* zones not empty at the start */
	size_t nr_init;
};

/* One zone as the checker saw it. */
struct chk_zone_snap {
	unsigned int zone;
	uint64_t wp_offset;
	const char *cond;	/* blkzone's abbreviation */
	unsigned int writes_in_flight, appends_in_flight;
};

#define CHK_CONTEXT	5	/* events kept around a violation: 3 before, it, 1 after */

struct chk_violation {
	const char *rule;	/* a stable name: "write-not-at-wp", ... */
	const char *kfunc;	/* the kernel function that enforces it */
	char msg[256];
	uint64_t line;
	struct chk_zone_snap before, after;
	char *context[CHK_CONTEXT];	/* the input lines around it, NULL when none */
	uint64_t context_line[CHK_CONTEXT];
	unsigned int nr_context, at;	/* context[at] is the violating event */
};

struct chk;

/* A checker for a device of @g's geometry (copied); NULL when out of memory or @g is unusable. */
struct chk *chk_new(const struct chk_geometry *g);
void chk_free(struct chk *c);
/* One event; false when it is not for this device (a sector beyond it). */
bool chk_feed(struct chk *c, const struct chk_event *ev);
/* The end of the trace: what is still out of place. */
void chk_finish(struct chk *c);
size_t chk_nr_violations(const struct chk *c);
/* The violations kept (at most the first 1000, but all are counted). */
size_t chk_nr_kept(const struct chk *c);
const struct chk_violation *chk_violation(const struct chk *c, size_t i);
uint64_t chk_nr_events(const struct chk *c);

/* A file's extents as the file_map events left them, against the fewest its zones allow. */
struct chk_file {
	uint64_t ino, bytes;
	unsigned int extents, ideal;
};
size_t chk_nr_files(const struct chk *c);
struct chk_file chk_file(const struct chk *c, size_t i);

/* Every rule: name, what it says, the kernel function that enforces it. */
struct chk_rule {
	const char *name, *says, *kfunc;
};
extern const struct chk_rule chk_rules[];
extern const size_t chk_nr_rules;

/* Print a violation as text, or add it to a JSON array (json-c) */
void chk_print_violation(FILE *f, const struct chk_violation *v);
struct json_object;
struct json_object *chk_violation_json(const struct chk_violation *v);

/*
 * A streaming checker of zwsim's own event log, for `zwsim fs --check`:
 * lines are fed as the log is written; the geometry comes from the log's
 * "device" event.
 */
struct chk_log;
struct chk_log *chk_log_new(void);
/* One line of the event log; -1 on a line that is no event (message in @err). */
int chk_log_line(struct chk_log *l, const char *line, size_t len, uint64_t lineno, char *err,
		 size_t errlen);
struct chk *chk_log_checker(struct chk_log *l);	/* NULL before the "device" event */
void chk_log_free(struct chk_log *l);
/*
 * A stream that writes to @under (NULL: nowhere) and feeds each line to
 * @l as it is written; closing it closes @under (but stdout).
 */
FILE *chk_log_tee(FILE *under, struct chk_log *l);
/* chk_log_tee() as a zw_stack_opts log_filter (arg: the chk_log) */
extern FILE *(*const chk_log_filter)(FILE *f, void *arg);
/* Print the violations and a summary line to @out; how many there were (1 when nothing was checked). */
size_t chk_log_report(struct chk_log *l, FILE *out, const char *what);

#endif
