/* SPDX-License-Identifier: MIT */
/*
 * The replay engine: a trace's records (tools/trace) become file operations
 * on a file system model (replay_fs.c) or bios on the raw device through
 * the block layer (replay_raw.c), issued as fast as possible or at the
 * trace's times (replay.c), counted and timed (replay_stats.c), and
 * reported (replay_report.c).  docs/replay.md describes it all.
 */
#ifndef ZWSIM_REPLAY_H
#define ZWSIM_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json.h>

#include "cmds.h"
#include "fs_oracle.h"
#include "fs_script.h"
#include "req_op.h"
#include "stack.h"
#include "trace.h"

/* What is timed and counted: the trace's kinds, then the fs format's. */
enum replay_kind { RK_WRITE, RK_READ, RK_DISCARD, RK_FLUSH, RK_FS, RK_NR };

/* --remap: fit a trace's byte range onto a smaller target. */
struct replay_remap {
	uint64_t base;		/* subtracted from every offset (records below it are skipped) */
	uint64_t div;		/* offsets divided by it (1: none), rounded down to a block */
	uint64_t wrap;		/* offsets modulo it (0: none; UINT64_MAX: the target's size) */
};

struct replay_opts {
	const char *cmd;		/* "replay", for messages */
	const char *fsname;		/* "xfs-zoned", "zonefs", "xfs", "raw" */
	const char *mount;		/* mount options */
	bool direct;			/* block records as O_DIRECT writes (zonefs: always) */
	uint64_t split;			/* a volume as files of this many bytes (0: one file) */
	const char *volume;		/* only this device/volume's records (NULL: all) */
	struct replay_remap remap;
	double speed;			/* > 0: the trace's times, divided by it */
	bool strict;			/* the trace's times (speed 1 unless given) */
	unsigned int qd;		/* raw: records in flight at most */
	bool verify;
	bool skip_bad;			/* malformed records counted, not fatal */
	bool no_sync;			/* no final sync (fs targets) */
	uint64_t inject_at;		/* after this many records, */
	const char *inject;		/* inject this fault (NULL: none) */
};

/* A log-linear latency histogram (ns): 64 octaves of 32 steps. */
#define LAT_SUB_BITS 5
struct lat_hist {
	uint64_t n, sum, max;
	uint64_t bucket[64 << LAT_SUB_BITS];
	uint64_t top[64 << LAT_SUB_BITS];	/* the largest value each bucket saw */
};

void lat_add(struct lat_hist *h, uint64_t ns);
/*
 * The @q quantile (0..1): the largest value seen in the bucket that holds
 * it (exact when the bucket saw one value, within 3% otherwise).
 */
uint64_t lat_quantile(const struct lat_hist *h, double q);

/* An error by kind ("write -EIO"): how often, and its first occurrence. */
struct replay_err {
	char key[48];
	uint64_t count;
	uint64_t record;		/* the record's number in the replay (from 1) */
	char where[96];			/* FILE:LINE or FILE:#RECORD */
	char what[128];			/* the record */
	char reason[192];		/* the device's reason, when it gave one */
};

/* One row of the zones over time: when zone counts changed. */
struct replay_zrow {
	uint64_t t_ns, record;
	unsigned int open, active, full, empty, closed;
};

/* Device commands by enum req_op, whose largest is REQ_OP_ZONE_RESET_ALL. */
#define REPLAY_DEV_OPS (REQ_OP_ZONE_RESET_ALL + 1)

/* What the device underneath saw (replay_dev.c counts it). */
struct replay_devstat {
	uint64_t write_bytes;		/* written and appended, that succeeded */
	uint64_t read_bytes;
	uint64_t finish_pad_bytes;	/* capacity left in zones a finish closed */
	uint64_t resets, finishes, opens, closes;
	uint64_t cmds, errors;
	unsigned int max_open, max_active;
	struct replay_zrow *rows;
	size_t nr_rows, max_rows;
	/* emulated devices: each command's virtual time from dispatch to end, by its op */
	struct lat_hist lat[REPLAY_DEV_OPS];
};

struct replay_stats {
	uint64_t read[RK_NR];		/* records read by kind */
	uint64_t replayed[RK_NR];	/* issued to the target */
	uint64_t failed[RK_NR];		/* of which failed */
	uint64_t skipped_volume, skipped_range, skipped_unsupported, skipped_bad;
	uint64_t user_write_bytes;	/* bytes the replay's writes put on the target */
	uint64_t user_read_bytes;
	struct lat_hist lat[RK_NR];
	uint64_t fs_replayed[F_NR_KINDS];	/* --format fs: by operation */
	struct lat_hist fs_lat[F_NR_KINDS];
	struct lat_hist lag;		/* --strict/--speed: issue time minus the trace's time */
	bool timed;
	bool have_first;		/* first_ns is set: a record was issued */
	uint64_t first_ns, last_ns;	/* simulated (or measured) time of the run: the first record's issue to the end */
	struct replay_err *errs;
	size_t nr_errs;
	uint64_t nr_err_total;
};

struct replay_file;

struct replay {
	struct replay_opts o;
	struct zw_stack st;
	struct block_device *bdev;
	struct zw_dev *inner;		/* the device under the counting one */
	struct zw_dev *cdev;		/* the counting one (replay_dev.c) */
	struct mm_ctx mm;
	bool raw, zonefs, real, mounted;	/* raw, zonefs: the --fs named */
	struct fs_run run;		/* file system targets */
	struct fs_oracle oracle;
	struct replay_stats s;
	struct replay_devstat ds;
	uint64_t nrec;			/* records handled */
	/* timing */
	int64_t t0;			/* the first record's trace time */
	bool have_t0;
	uint64_t start_ns;		/* the clock when the first record was issued */
	uint64_t due_ns;		/* the current record's due time (timed replays) */
	uint64_t wall0;			/* real devices: the monotonic clock at the start */
	/* the raw target */
	struct replay_rawio *ios;
	unsigned int inflight;
	uint64_t *conv_written;		/* --verify: written blocks of conventional zones, a bitmap */
	uint64_t *seq_start;		/* --verify: each zone's write pointer when the run began */
	uint64_t verified_blocks;	/* --verify on raw: blocks read back and checked */
	uint64_t replay_read_bytes;	/* the device's reads before --verify's */
	/* file system targets: the files a volume maps to */
	struct replay_file *files;
	size_t nr_files;
	const char *format;		/* the trace format read */
	const char *trace_name;
	FILE *log;			/* the event log, for the replay's own lines */
	/*
	 * Called after each record is issued, when set (the place for an
	 * online checker, --check): 0 goes on, anything else is the exit
	 * status the replay stops with.
	 */
	int (*after_record)(struct replay *rp, const struct trace_rec *rec, void *arg);
	void *hook_arg;
};

/*
 * Open the device and the target (mounting the file system), as the
 * options say; 0, or the exit status after saying why on stderr.
 */
int replay_open(struct replay *rp, const struct replay_opts *o, const struct zw_stack_opts *so);
/* Replay one record (@name: the trace, for messages). 0, or the exit status. */
int replay_record(struct replay *rp, const struct trace_rec *rec, const char *name);
/* Everything issued completes; the final sync; then --verify.  0, 1 on a mismatch. */
int replay_finish(struct replay *rp, char *err, size_t errlen);
void replay_close(struct replay *rp);

/* The clock (simulated ns; on a real device, measured). */
uint64_t replay_now(const struct replay *rp);
/* Count an error of @rp's current record. */
/*
 * Count an error: record number @recno (from 1), of kind @k (@opname, NULL:
 * the kind's name, keys the table), the device's @reason or NULL.
 */
void replay_error(struct replay *rp, enum replay_kind k, const char *opname, uint64_t recno,
		  const struct trace_rec *rec, const char *name, int err, const char *reason);
/*
 * The event log's replay_record line, when the record is done: @off the
 * target offset (after --remap, --split), @err 0 or a negative errno.
 */
void replay_log_record(struct replay *rp, uint64_t recno, enum replay_kind k, uint64_t off, uint64_t len,
		       uint64_t latency, int err);
/* The time from the record's due time to now, at issue (--strict, --speed). */
void replay_issued(struct replay *rp);
const char *replay_kind_name(enum replay_kind k);

/* replay_raw.c */
int replay_raw_init(struct replay *rp);
int replay_raw_record(struct replay *rp, const struct trace_rec *rec, uint64_t off, const char *name);
void replay_raw_drain(struct replay *rp);
int replay_raw_verify(struct replay *rp, char *err, size_t errlen);
void replay_raw_free(struct replay *rp);

/* replay_fs.c */
int replay_fs_record(struct replay *rp, const struct trace_rec *rec, uint64_t off, const char *name);
int replay_fs_line(struct replay *rp, const struct trace_rec *rec, const char *name);
void replay_fs_free(struct replay *rp);

/* replay_dev.c: the counting device between the block layer and the device */
void replay_dev_wrap(struct replay *rp);
void replay_dev_unwrap(struct replay *rp);

/* replay_report.c */
json_object *replay_report_json(struct replay *rp);
void replay_report_text(FILE *f, struct replay *rp, json_object *report);
int replay_report_csv(struct replay *rp, json_object *report, const char *dir, char *err, size_t errlen);

#endif
