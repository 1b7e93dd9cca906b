// SPDX-License-Identifier: MIT
/*
 * blktrace binary: the per-CPU DEV.blktrace.N files of one capture, or the
 * one merged file `blkparse -d` writes.  Two record layouts, told by the
 * magic's low byte (include/uapi/linux/blktrace_api.h):
 *
 * version 7, struct blk_io_trace (48 bytes), what BLKTRACESETUP gives:
 *   0 magic (0x65617400 | version)  4 sequence  8 time (ns)  16 sector (512 B)
 *   24 bytes  28 action (32)  32 pid  36 device  40 cpu  44 error (16)  46 pdu_len (16)
 *
 * version 8, struct blk_io_trace2 (64 bytes, BLK_IO_TRACE2_VERSION), what
 * the BLKTRACESETUP2 ioctl (struct blk_user_trace_setup2, Linux 6.19's
 * series "blktrace: ... blk_io_trace2") gives; pid and action change places
 * and the action is 64 bits:
 *   0 magic  4 sequence  8 time  16 sector  24 bytes  28 pid  32 action (64)
 *   40 device  44 cpu  48 error (16)  50 pdu_len (16)  52 pad (12)
 * (kernel/trace/blktrace.c relay_blktrace_event2(); the kernel picks the
 * layout from bt->version, set by the ioctl user space called).
 *
 * Either is followed by pdu_len bytes of payload, in the byte order of the
 * host that captured it, told by the magic (blktrace.h
 * check_data_endianness()).  The action's low 16 bits are the event
 * (__BLK_TA_QUEUE 1, ISSUE 7, COMPLETE 8; bit 8 flags a cgroup id in the
 * payload; v8 adds ZONE_PLUG 18 and ZONE_UNPLUG 19, which are neither), the
 * bits above them the categories, BLK_TC_ACT(): BLK_TC_READ 0x1, WRITE 0x2,
 * FLUSH 0x4, SYNC 0x8, NOTIFY 0x400, AHEAD 0x800, META 0x1000, DISCARD
 * 0x2000, FUA 0x8000 (PC 0x200 marks a passthrough command), and in v8 only
 * (BLK_TC_ACT() shifts a u64 there) ZONE_APPEND 1<<16, ZONE_RESET 1<<17,
 * ZONE_RESET_ALL 1<<18, ZONE_FINISH 1<<19, ZONE_OPEN 1<<20, ZONE_CLOSE
 * 1<<21, set by __blk_add_trace() from the request's REQ_OP_ZONE_*.
 * Notify records (process names, the start's wall clock, messages) are
 * skipped.  zwsim's request stream has no zone operations: the events of
 * the chosen action that carry a zone category are counted by kind
 * (trace_zone_ops()), not returned.  A file is of one version: a record of
 * the other is an error.  The layout, the zone categories and the doubled
 * zone append completion are checked against Linux 7.2's own records in the
 * VM tier (tests/vm/blktrace2.sh, samples/vm/blktrace2/).
 *
 * The files are merged as blkparse merges them (blkparse.c ms_prime(),
 * handle()): by time alone, a tie going to the earlier file.  Each file's
 * records are read one at a time, so memory does not grow with the trace.
 * The device is dev_t as the kernel packs it: major in bits 20..31.
 */
#include <stdlib.h>
#include <string.h>

#include "trace_int.h"

#define BT_MAGIC	0x65617400u
#define BT_VERSION	0x07	/* BLK_IO_TRACE_VERSION: struct blk_io_trace */
#define BT_VERSION2	0x08	/* BLK_IO_TRACE2_VERSION: struct blk_io_trace2 */
#define BT_HDR		48	/* sizeof(struct blk_io_trace) */
#define BT_HDR2		64	/* sizeof(struct blk_io_trace2) */

enum {
	BT_TA_QUEUE = 1, BT_TA_ISSUE = 7, BT_TA_COMPLETE = 8, BT_TA_CGROUP = 0x100,
};
enum {
	BT_TC_READ = 1u << 0, BT_TC_WRITE = 1u << 1, BT_TC_FLUSH = 1u << 2, BT_TC_SYNC = 1u << 3,
	BT_TC_PC = 1u << 9, BT_TC_NOTIFY = 1u << 10, BT_TC_AHEAD = 1u << 11, BT_TC_META = 1u << 12,
	BT_TC_DISCARD = 1u << 13, BT_TC_FUA = 1u << 15,
};
/* v8's zone categories, in the order blkparse's fill_rwbs() tests them (after D, before W) */
static const struct {
	uint64_t cat;
	enum trace_zone_op op;
} bt_zone_cats[] = {
	{ 1ull << 16, TRACE_ZOP_APPEND },	/* BLK_TC_ZONE_APPEND: ZA */
	{ 1ull << 17, TRACE_ZOP_RESET },	/* BLK_TC_ZONE_RESET: ZR */
	{ 1ull << 18, TRACE_ZOP_RESET_ALL },	/* BLK_TC_ZONE_RESET_ALL: ZRA */
	{ 1ull << 19, TRACE_ZOP_FINISH },	/* BLK_TC_ZONE_FINISH: ZF */
	{ 1ull << 20, TRACE_ZOP_OPEN },		/* BLK_TC_ZONE_OPEN: ZO */
	{ 1ull << 21, TRACE_ZOP_CLOSE },	/* BLK_TC_ZONE_CLOSE: ZC */
};
#define BT_TC_COMPLETE	(1u << 7)
#define BT_TC_ZONE_APPEND	(1ull << 16)

struct bt_file {
	struct trace_stream *s;
	bool end;		/* read to its end (or to an error) */
	const char *name;
	uint64_t recno;
	int swap;		/* -1 not known yet */
	unsigned version;	/* 0 not known yet, else 7 or 8: the file's first record's */
	bool have;		/* rec holds this file's next request */
	struct trace_rec rec;
};

struct bt_state {
	unsigned int want;
	uint32_t last_dev;		/* the device last spelled into last_name */
	char last_name[24];
	size_t n;
	struct bt_file f[];
};

static uint32_t get32(const unsigned char *p, int swap)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static uint64_t get64(const unsigned char *p, int swap)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return swap ? __builtin_bswap64(v) : v;
}

static uint16_t get16(const unsigned char *p, int swap)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return swap ? __builtin_bswap16(v) : v;
}

/* -1 not a blktrace record; else 0 native, 1 swapped */
static int bt_order(const unsigned char *p)
{
	uint32_t m = get32(p, 0);
	if ((m & 0xffffff00u) == BT_MAGIC)
		return 0;
	if ((__builtin_bswap32(m) & 0xffffff00u) == BT_MAGIC)
		return 1;
	return -1;
}

static int blktrace_probe(const unsigned char *head, size_t len)
{
	if (len < BT_HDR)
		return 0;
	int sw = bt_order(head);
	return sw < 0 ? 0 : 100;
}

static int bt_err(struct bt_file *f, struct trace_err *err, const char *field, const char *what)
{
	snprintf(err->msg, sizeof(err->msg), "%s: record %llu: field '%s': %s", f->name,
		 (unsigned long long)f->recno, field, what);
	return TRACE_BAD;
}

/* The file's next request into f->rec (f->have); 0 at its end, -1/TRACE_BAD on error. */
static int bt_advance(struct trace_reader *r, struct bt_state *st, struct bt_file *f, struct trace_err *err)
{
	unsigned char h[BT_HDR2], pdu[4096];

	f->have = false;
	while (!f->end) {
		long n = ts_read(f->s, h, BT_HDR, err);
		if (n < 0)
			return -1;
		if (n == 0) {
			f->end = true;
			return 0;
		}
		f->recno++;
		if (n < BT_HDR) {
			f->end = true;
			return bt_err(f, err, "magic", "the record is cut short (truncated file)");
		}
		int sw = bt_order(h);
		if (sw < 0 || (f->swap >= 0 && sw != f->swap)) {
			f->end = true;	/* no way to find the next record: the file ends here */
			char what[64];
			snprintf(what, sizeof(what), "0x%08x is not blktrace's 0x657461NN", get32(h, 0));
			bt_err(f, err, "magic", what);
			return -1;
		}
		f->swap = sw;
		unsigned version = get32(h, sw) & 0xff;
		if (version != BT_VERSION && version != BT_VERSION2) {
			f->end = true;
			char what[96];
			snprintf(what, sizeof(what), "version %u (zwsim reads versions 7 and 8)", version);
			bt_err(f, err, "version", what);
			return -1;
		}
		if (f->version && version != f->version) {
			/* the kernel writes one layout a trace (bt->version): a mix is two files run together */
			f->end = true;
			char what[128];
			snprintf(what, sizeof(what),
				 "version %u after version %u records (a capture has one layout; files of two were joined?)",
				 version, f->version);
			bt_err(f, err, "version", what);
			return -1;
		}
		f->version = version;
		bool v2 = version == BT_VERSION2;
		if (v2) {
			n = ts_read(f->s, h + BT_HDR, BT_HDR2 - BT_HDR, err);
			if (n < 0)
				return -1;
			if (n < BT_HDR2 - BT_HDR) {
				f->end = true;
				return bt_err(f, err, "magic", "the record is cut short (truncated file)");
			}
		}
		uint16_t pdu_len = get16(h + (v2 ? 50 : 46), sw);
		for (size_t left = pdu_len; left;) {
			size_t k = left < sizeof(pdu) ? left : sizeof(pdu);
			long got = ts_read(f->s, pdu, k, err);
			if (got < 0)
				return -1;
			if ((size_t)got < k) {
				f->end = true;
				return bt_err(f, err, "pdu_len", "the payload is cut short (truncated file)");
			}
			left -= k;
		}
		uint64_t action = v2 ? get64(h + 32, sw) : get32(h + 28, sw), cat = action >> 16;
		uint64_t ta = (action & 0xffff) & ~BT_TA_CGROUP;
		if (!(cat & (BT_TC_NOTIFY | BT_TC_PC)) && !((cat & BT_TC_ZONE_APPEND) && !(cat & BT_TC_COMPLETE)))
			trace_count_action(r, ta == BT_TA_QUEUE ? 'Q' : ta == BT_TA_ISSUE ? 'D'
					   : ta == BT_TA_COMPLETE ? 'C' : 0);
		if ((cat & (BT_TC_NOTIFY | BT_TC_PC)) || ta != st->want)
			continue;
		/* BLK_TA_ZONE_APPEND: the COMPLETE event without the COMPLETE category, which the kernel
		 * adds when a zone append's completion sets its sector (blktrace.c
		 * blk_add_trace_zone_update_request()): a second record of a completion already traced. */
		if ((cat & BT_TC_ZONE_APPEND) && !(cat & BT_TC_COMPLETE) && st->want == BT_TA_COMPLETE)
			continue;
		uint64_t sector = get64(h + 16, sw), t = get64(h + 8, sw);
		uint32_t bytes = get32(h + 24, sw), dev = get32(h + (v2 ? 40 : 36), sw);
		struct trace_rec *rec = &f->rec;
		memset(rec, 0, sizeof(*rec));
		if (sector > (UINT64_MAX - bytes) / 512)
			return bt_err(f, err, "sector", "beyond 2^64 bytes");
		/* RWBS as blkparse_fmt.c fill_rwbs() spells it: D, then v8's zone letters, then W, R, N */
		if (v2 && !(cat & BT_TC_DISCARD)) {
			size_t z = 0;
			while (z < sizeof(bt_zone_cats) / sizeof(bt_zone_cats[0]) && !(cat & bt_zone_cats[z].cat))
				z++;
			if (z < sizeof(bt_zone_cats) / sizeof(bt_zone_cats[0])) {
				r->zops.n[bt_zone_cats[z].op]++;
				r->zops.bytes[bt_zone_cats[z].op] += bytes;
				r->zops.total++;
				continue;
			}
		}
		rec->time_ns = (int64_t)t;
		rec->offset = sector * 512;
		rec->len = bytes;
		rec->where = f->recno;
		if (dev != st->last_dev || !st->last_name[0]) {
			snprintf(st->last_name, sizeof(st->last_name), "%u,%u", dev >> 20, dev & 0xfffff);
			st->last_dev = dev;
		}
		memcpy(rec->dev, st->last_name, sizeof(st->last_name));
		unsigned flags = (cat & BT_TC_FLUSH ? TRACE_F_PREFLUSH : 0) | (cat & BT_TC_FUA ? TRACE_F_FUA : 0) |
				 (cat & BT_TC_AHEAD ? TRACE_F_AHEAD : 0) | (cat & BT_TC_SYNC ? TRACE_F_SYNC : 0) |
				 (cat & BT_TC_META ? TRACE_F_META : 0);
		char cls = cat & BT_TC_DISCARD ? 'D' : cat & BT_TC_WRITE ? 'W' : bytes ? 'R' : 'N';
		if (trace_rwbs_op(cls, flags, rec)) {
			f->have = true;
			return 1;
		}
	}
	return 0;
}

static int blktrace_open(struct trace_reader *r, const struct trace_opts *o, struct trace_err *err)
{
	struct bt_state *st = calloc(1, sizeof(*st) + r->npaths * sizeof(st->f[0]));
	if (!st) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	r->priv = st;
	st->want = o->action == 'D' ? BT_TA_ISSUE : o->action == 'C' ? BT_TA_COMPLETE : BT_TA_QUEUE;
	for (size_t i = 0; i < r->npaths; i++) {
		struct bt_file *f = &st->f[i];
		f->s = i ? ts_open(r->paths[i], err) : r->s;
		if (!f->s)
			return -1;
		st->n++;
		f->name = ts_name(f->s);
		f->swap = -1;
		size_t len;
		const unsigned char *head = ts_peek(f->s, BT_HDR, &len, err);
		if (!head)
			return -1;
		if (len && (len < BT_HDR || bt_order(head) < 0)) {
			snprintf(err->msg, sizeof(err->msg), "%s: not a blktrace file (no blktrace magic)", f->name);
			return -1;
		}
	}
	return 0;
}

static int blktrace_next(struct trace_reader *r, struct trace_rec *rec, struct trace_err *err)
{
	struct bt_state *st = r->priv;
	struct bt_file *best = NULL;

	for (size_t i = 0; i < st->n; i++) {
		struct bt_file *f = &st->f[i];
		if (!f->have && !f->end) {
			int rc = bt_advance(r, st, f, err);
			if (rc < 0)
				return rc;
		}
		if (f->have && (!best || f->rec.time_ns < best->rec.time_ns))
			best = f;
	}
	if (!best)
		return 0;
	*rec = best->rec;
	best->have = false;
	return 1;
}

static void blktrace_close(struct trace_reader *r)
{
	struct bt_state *st = r->priv;
	for (size_t i = 1; i < st->n; i++)
		ts_close(st->f[i].s);
	free(st);
	r->priv = NULL;
}

const struct trace_format trace_fmt_blktrace = {
	.name = "blktrace",
	.summary = "blktrace binary (versions 7 and 8): per-CPU DEV.blktrace.N files merged by time, blkparse -d dumps",
	.probe = blktrace_probe,
	.open = blktrace_open,
	.next = blktrace_next,
	.close = blktrace_close,
	.merge_paths = true,
};
