// SPDX-License-Identifier: MIT
/* Zone scripts: parse every line first, then run them one by one. */
#include "zone_script.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "blk.h"
#include "pattern.h"
#include "stack.h"

#define MAX_WORDS 8

static const struct {
	const char *word;
	enum zs_kind kind;
	int nargs;		/* words after the operation */
	const char *usage;
} ops[] = {
	{ "open", ZS_OPEN, 1, "open ZONE" },
	{ "close", ZS_CLOSE, 1, "close ZONE" },
	{ "finish", ZS_FINISH, 1, "finish ZONE" },
	{ "reset", ZS_RESET, 1, "reset ZONE | reset all" },
	{ "write", ZS_WRITE, 3, "write ZONE OFFSET BLOCKS" },
	{ "append", ZS_APPEND, 2, "append ZONE BLOCKS" },
	{ "read", ZS_READ, 3, "read ZONE OFFSET BLOCKS" },
	{ "report", ZS_REPORT, 1, "report [ZONE]" },
	{ "inject", ZS_INJECT, 1, "inject FAULT (ro=Z, offline=Z, err=SECTOR:NR[:once][:read|:write], fail_write=N)" },
	{ "flush", ZS_FLUSH, 0, "flush" },
};

static int parse_num(const char *s, uint64_t *v)
{
	char *end;
	int base = 10;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16;
	errno = 0;
	*v = strtoull(s, &end, base);
	return errno || *end ? -EINVAL : 0;
}

static int op_error(char *err, size_t errlen, const char *name, unsigned int line,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int op_error(char *err, size_t errlen, const char *name, unsigned int line,
		    const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s:%u: ", name, line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Check one operation's words and fill @op. */
static int parse_op(int argc, char **w, const struct zw_dev *dev, const char *name,
		    unsigned int line, struct zs_op *op, char *err, size_t errlen)
{
	uint64_t v[3] = { 0 };
	size_t i, k;
	int nargs;

	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (!strcmp(w[0], ops[k].word))
			break;
	if (k == sizeof(ops) / sizeof(ops[0]))
		return op_error(err, errlen, name, line,
				"unknown operation '%s' (expected open, close, finish, reset, write, append, read, report, inject or flush)",
				w[0]);
	op->kind = ops[k].kind;
	nargs = ops[k].nargs;
	if (op->kind == ZS_REPORT && argc == 1) {
		op->kind = ZS_REPORT_ALL;
		nargs = 0;
	}
	if (op->kind == ZS_RESET && argc == 2 && !strcmp(w[1], "all"))
		op->kind = ZS_RESET_ALL;
	if (argc - 1 != nargs)
		return op_error(err, errlen, name, line, "'%s' takes %d argument%s: %s", w[0],
				nargs, nargs == 1 ? "" : "s", ops[k].usage);
	if (op->kind == ZS_INJECT) {
		if (!dev->ops->inject)
			return op_error(err, errlen, name, line, "inject needs an emulated device (emu: or file:), not %s:",
					dev->ops->kind);
		char why[256];

		if (zw_dev_fault_check(dev, w[1], why, sizeof(why)))
			return op_error(err, errlen, name, line, "inject %s: %s", w[1], why);
		op->arg = strdup(w[1]);
		return op->arg ? 0 : op_error(err, errlen, name, line, "out of memory");
	}
	if (op->kind == ZS_RESET_ALL || op->kind == ZS_REPORT_ALL || op->kind == ZS_FLUSH)
		return 0;
	for (i = 0; i < (size_t)nargs; i++)
		if (parse_num(w[i + 1], &v[i]))
			return op_error(err, errlen, name, line, "'%s' is not a number (%s)", w[i + 1],
					ops[k].usage);
	if (v[0] >= dev->nr_zones)
		return op_error(err, errlen, name, line, "zone %" PRIu64 " does not exist (the device has zones 0 to %u)",
				v[0], dev->nr_zones - 1);
	op->zone = (unsigned int)v[0];
	if (op->kind == ZS_APPEND) {
		op->nr = v[1];
	} else if (op->kind == ZS_WRITE || op->kind == ZS_READ) {
		op->off = v[1];
		op->nr = v[2];
	}
	if (op->kind == ZS_WRITE || op->kind == ZS_READ || op->kind == ZS_APPEND) {
		uint64_t lba_sectors = dev->geo.lba_size >> SECTOR_SHIFT;

		if (!op->nr)
			return op_error(err, errlen, name, line, "BLOCKS must be at least 1");
		if (op->nr > UINT32_MAX / lba_sectors || op->off > (UINT64_MAX >> 20) / lba_sectors)
			return op_error(err, errlen, name, line, "%" PRIu64 " blocks at offset %" PRIu64 " is more than one command can carry",
					op->nr, op->off);
	}
	return 0;
}

static int add_op(struct zs_script *s, int argc, char **w, const struct zw_dev *dev,
		  const char *name, unsigned int line, char *err, size_t errlen)
{
	struct zs_op *n = realloc(s->ops, (s->nr + 1) * sizeof(*n)), *op;
	size_t len = 1;

	if (!n)
		return op_error(err, errlen, name, line, "out of memory");
	s->ops = n;
	op = &s->ops[s->nr];
	memset(op, 0, sizeof(*op));
	op->line = line;
	if (parse_op(argc, w, dev, name, line, op, err, errlen)) {
		free(op->arg);
		return -1;
	}
	for (int i = 0; i < argc; i++)
		len += strlen(w[i]) + 1;
	op->text = malloc(len);
	if (!op->text) {
		free(op->arg);
		return op_error(err, errlen, name, line, "out of memory");
	}
	op->text[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(op->text, " ");
		strcat(op->text, w[i]);
	}
	s->nr++;
	return 0;
}

int zs_parse_words(int argc, char **argv, const struct zw_dev *dev, struct zs_script *s,
		   char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (argc < 1 || argc > MAX_WORDS)
		return op_error(err, errlen, "command line", 1, "expected one zone operation");
	if (add_op(s, argc, argv, dev, "command line", 1, err, errlen)) {
		zs_free(s);
		return -1;
	}
	return 0;
}

int zs_parse(FILE *f, const char *name, const struct zw_dev *dev, struct zs_script *s,
	     char *err, size_t errlen)
{
	char *buf = NULL, *w[MAX_WORDS + 1];
	size_t cap = 0;
	unsigned int line = 0;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	while (!ret && getline(&buf, &cap, f) >= 0) {
		int argc = zw_split_words(buf, w, MAX_WORDS);

		line++;
		if (argc > MAX_WORDS)
			ret = op_error(err, errlen, name, line, "too many words");
		else if (argc)
			ret = add_op(s, argc, w, dev, name, line, err, errlen);
	}
	free(buf);
	if (!ret && ferror(f))
		ret = op_error(err, errlen, name, line, "read error: %s", strerror(errno));
	if (ret)
		zs_free(s);
	return ret;
}

void zs_free(struct zs_script *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		free(s->ops[i].text);
		free(s->ops[i].arg);
	}
	free(s->ops);
	s->ops = NULL;
	s->nr = 0;
}

/* --- running ---------------------------------------------------------- */

struct zs_state {
	struct zw_dev *dev;
	struct block_device *bdev;	/* NULL: the device alone (--raw) */
	const struct zs_opts *o;
	FILE *out;
	uint64_t lba_sectors;
	uint64_t appends;	/* numbers the appends, for their tags */
	bool bad_data;
	unsigned int lines;	/* lines printed so far */
	struct blk_zone *zones;	/* the last report: every zone, or the one named */
	int reported;		/* zones in it (first: report_first); <= 0 none */
	unsigned int report_first;
};

/*
 * Zones have one size, so a zone's start needs no report (on a real device
 * a report is a BLKREPORTZONE, which brings the kernel's write plugs back
 * in sync: it would change what the next write sees).
 */
static sector_t zone_start(const struct zs_state *st, unsigned int zno)
{
	return (sector_t)zno * st->dev->geo.zone_size;
}

/*
 * Report @nr zones from @first: through the block layer model, which
 * resyncs every plug awaiting a write pointer update among them
 * (disk_report_zone() -> disk_zone_wplug_sync_wp_offset()), or from the
 * device itself (a real device: the kernel does the same).
 */
static void zs_report(struct zs_state *st, unsigned int first, unsigned int nr)
{
	st->report_first = first;
	st->reported = st->bdev ? blkdev_report_zones(st->bdev, first, nr, st->zones + first)
				: zw_dev_report_zones(st->dev, first, nr, st->zones + first);
}

/* Print "cond=C wp=W" (or JSON fields) for zone @zno from the last report, or "-" for none. */
static void zone_state(const struct zs_state *st, int zno, const char **cond, char *wp, size_t len)
{
	const struct blk_zone *z;

	*cond = "-";
	snprintf(wp, len, "-");
	if (zno < 0 || (unsigned int)zno < st->report_first ||
	    (unsigned int)zno >= st->report_first + (unsigned int)(st->reported > 0 ? st->reported : 0))
		return;
	z = &st->zones[zno];
	*cond = zone_cond_abbrev(z->cond);
	if (zone_is_seq(z) && z->wp != ZONE_WP_INVALID)
		snprintf(wp, len, "%" PRIu64, (sector_t)(z->wp - z->start) / st->lba_sectors);
}

struct zs_result {
	blk_status_t status;
	int zone;		/* the zone to report, or -1 */
	bool has_at;
	uint64_t at;		/* append: block where the data landed */
	bool reported;		/* a report op: its zone state is printed even with no_report */
	const char *data;	/* verify: "ok" or "bad@N" */
	char databuf[32];
	struct zone_result res;
};

static void print_result(struct zs_state *st, const struct zs_op *op, struct zs_result *r,
			 const char *text)
{
	char wp[32], native[96];
	const char *cond;

	if (st->o->no_report && !r->reported)
		r->zone = -1;	/* no report between operations: nothing to say of the zone */
	zone_state(st, r->zone, &cond, wp, sizeof(wp));
	zone_result_native(&r->res, st->dev->geo.model, native, sizeof(native));
	st->lines++;
	if (st->o->json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "line", json_object_new_int((int)op->line));
		json_object_object_add(j, "op", json_object_new_string(text));
		json_object_object_add(j, "status", json_object_new_string(blk_status_name(r->status)));
		json_object_object_add(j, "errno", json_object_new_int(blk_status_to_errno(r->status)));
		json_object_object_add(j, "errno_name",
				       json_object_new_string(errno_name(blk_status_to_errno(r->status))));
		if (r->zone >= 0)
			json_object_object_add(j, "zone", json_object_new_int(r->zone));
		json_object_object_add(j, "cond", json_object_new_string(cond));
		json_object_object_add(j, "wp", strcmp(wp, "-") ? json_object_new_uint64(strtoull(wp, NULL, 10))
							      : NULL);
		if (r->has_at)
			json_object_object_add(j, "at", json_object_new_uint64(r->at));
		if (r->data)
			json_object_object_add(j, "data", json_object_new_string(r->data));
		if (r->status) {
			json_object_object_add(j, "reason", json_object_new_string(r->res.reason));
			if (*native)
				json_object_object_add(j, "native", json_object_new_string(native));
		}
		fprintf(st->out, "%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
		json_object_put(j);
		return;
	}
	fprintf(st->out, "%s => %s %s", text, blk_status_name(r->status),
		errno_name(blk_status_to_errno(r->status)));
	if (r->zone >= 0 || !st->o->no_report)
		fprintf(st->out, " cond=%s wp=%s", cond, wp);
	if (r->has_at)
		fprintf(st->out, " at=%" PRIu64, r->at);
	if (r->data)
		fprintf(st->out, " data=%s", r->data);
	if (st->o->explain && r->status)
		fprintf(st->out, "  # %s%s%s%s", r->res.reason, *native ? " (" : "", native,
			*native ? ")" : "");
	fputc('\n', st->out);
}

/*
 * Each block of a read must be unwritten (zeros, or null_blk's 0xFF fill
 * above the write pointer) or whole data this script could have written there.
 */
static void verify_read(struct zs_state *st, const struct zs_op *op, const uint8_t *buf,
			struct zs_result *r)
{
	size_t bs = st->dev->geo.lba_size;
	sector_t sector = zone_start(st, op->zone) + op->off * st->lba_sectors;

	r->data = "ok";
	for (uint64_t i = 0; i < op->nr; i++, sector += st->lba_sectors) {
		unsigned int zno = (unsigned int)(sector / st->dev->geo.zone_size);
		uint64_t tag;
		bool ok = zw_pattern_decode(buf + i * bs, bs, &tag);

		if (!ok && zw_pattern_is_unwritten_fill(buf + i * bs, bs)) {
			ok = true;	/* null_blk's 0xFF above the write pointer */
			tag = ZW_TAG_NONE;
		}

		if (ok && tag != ZW_TAG_NONE && tag != zw_tag_write(sector / st->lba_sectors))
			ok = (tag >> 62) == 1 && ((tag >> 32) & 0x3fffffff) == zno;
		if (!ok) {
			snprintf(r->databuf, sizeof(r->databuf), "bad@%" PRIu64, op->off + i);
			r->data = r->databuf;
			st->bad_data = true;
			return;
		}
	}
}

/*
 * Linux has no zone append for a program on a block device, so a real
 * device's `append` (zbd: zbd_append() in sim/dev_zbd.c) is a report of
 * the zone and a write at its write pointer (at the start of a full zone),
 * with blk_check_zone_append()'s checks.  With --zbd-append the model's
 * device does the same (a twin of a zbd: device), so that its zone write
 * plugs see what the kernel's see: that
 * report resyncs the zone's plug (2b), and the write goes through it (a
 * native append would remove it).  Turns @io into the write; false when
 * refused (io->res says why).
 */
static bool append_as_zbd(struct zs_state *st, unsigned int zno, struct zw_io *io)
{
	const struct zone_geometry *g = &st->dev->geo;
	unsigned int limit = g->max_append_sectors ? g->max_append_sectors : g->max_hw_sectors;
	struct blk_zone z;

	if (blkdev_report_zones(st->bdev, zno, 1, &z) != 1) {
		io->res.status = BLK_STS_IOERR;
		snprintf(io->res.reason, sizeof(io->res.reason), "zone report failed");
		return false;
	}
	io->res.status = BLK_STS_IOERR;
	if (io->sector != z.start || z.type == BLK_ZONE_TYPE_CONVENTIONAL) {
		snprintf(io->res.reason, sizeof(io->res.reason),
			 "zone append not at the start of a sequential zone");
		return false;
	}
	if (limit && io->nr_sectors > limit) {
		snprintf(io->res.reason, sizeof(io->res.reason),
			 "zone append of %u sectors is larger than the zone append limit %u",
			 io->nr_sectors, limit);
		return false;
	}
	if (z.cond != BLK_ZONE_COND_FULL && z.wp == ZONE_WP_INVALID) {
		snprintf(io->res.reason, sizeof(io->res.reason),
			 "zone append to a zone without a valid write pointer");
		return false;
	}
	io->res.status = BLK_STS_OK;
	io->sector = z.cond == BLK_ZONE_COND_FULL ? z.start : z.wp;
	io->op = REQ_OP_WRITE;
	return true;
}

static void run_io(struct zs_state *st, const struct zs_op *op, struct zs_result *r)
{
	struct zw_io io = { 0 };
	uint8_t *buf = NULL;

	io.sector = zone_start(st, op->zone) + op->off * st->lba_sectors;
	io.nr_sectors = (unsigned int)(op->nr * st->lba_sectors);
	switch (op->kind) {
	case ZS_WRITE:
		io.op = REQ_OP_WRITE;
		io.tag = zw_tag_write(io.sector / st->lba_sectors);
		break;
	case ZS_APPEND:
		io.op = REQ_OP_ZONE_APPEND;
		io.tag = zw_tag_append(op->zone, st->appends++ << 16);
		break;
	default:
		io.op = REQ_OP_READ;
		/* A read past the device fails without one: no buffer for it. */
		if (st->o->verify && io.sector + io.nr_sectors <= st->dev->geo.capacity) {
			buf = malloc((size_t)io.nr_sectors << SECTOR_SHIFT);
			if (!buf) {
				r->status = BLK_STS_RESOURCE;
				snprintf(r->res.reason, sizeof(r->res.reason), "out of memory for the read buffer");
				return;
			}
			io.buf = buf;
		}
		break;
	}
	if (st->bdev && st->o->zbd_append && io.op == REQ_OP_ZONE_APPEND &&
	    !append_as_zbd(st, op->zone, &io)) {
		/* refused before any write, as zbd_append() refuses it */
	} else if (st->bdev) {
		struct blk_dio dio;

		blk_dio_sync(st->bdev, io.op, io.sector, (uint64_t)io.nr_sectors << SECTOR_SHIFT, io.buf,
			     io.tag, &dio);
		io.res = dio.res;
		io.res.status = dio.status;
		/* an append made a write: it landed where it was sent */
		if (op->kind != ZS_APPEND || !st->o->zbd_append)
			io.sector = dio.sector;
	} else {
		zw_dev_submit_passthrough(st->dev, &io);
	}
	r->res = io.res;
	r->status = io.res.status;
	if (op->kind == ZS_APPEND && !r->status) {
		r->has_at = true;
		r->at = (io.sector - zone_start(st, op->zone)) / st->lba_sectors;
	}
	if (buf && !r->status)
		verify_read(st, op, buf, r);
	free(buf);
}

static void run_mgmt(struct zs_state *st, enum req_op rop, const struct zs_op *op,
		     struct zs_result *r)
{
	struct zw_io io = { .op = rop };

	if (rop != REQ_OP_ZONE_RESET_ALL && rop != REQ_OP_FLUSH)
		io.sector = zone_start(st, op->zone);
	if (st->bdev) {
		struct blk_dio dio;

		blk_dio_sync(st->bdev, rop, io.sector, 0, NULL, 0, &dio);
		io.res = dio.res;
		io.res.status = dio.status;
	} else {
		zw_dev_submit(st->dev, &io);
	}
	r->res = io.res;
	r->status = io.res.status;
}

static int run_inject(struct zs_state *st, const struct zs_op *op, struct zs_result *r)
{
	char err[256];
	char *eq = strchr(op->arg, '=');

	if (zw_dev_inject(st->dev, op->arg, err, sizeof(err))) {
		fprintf(stderr, "zwsim: line %u: inject %s: %s\n", op->line, op->arg, err);
		return -1;
	}
	if (!strncmp(op->arg, "ro=", 3) || !strncmp(op->arg, "offline=", 8))
		r->zone = atoi(eq + 1);
	return 0;
}

int zs_run(struct zw_dev *dev, struct block_device *bdev, const struct zs_script *s,
	   const struct zs_opts *o, FILE *out)
{
	struct zs_state st = {
		.dev = dev, .bdev = bdev, .o = o, .out = out,
		.lba_sectors = dev->geo.lba_size >> SECTOR_SHIFT,
	};
	int failed = 0;

	st.zones = calloc(dev->nr_zones, sizeof(*st.zones));
	if (!st.zones) {
		fprintf(stderr, "zwsim: out of memory for a zone report\n");
		return -2;
	}
	for (size_t i = 0; i < s->nr; i++) {
		const struct zs_op *op = &s->ops[i];
		struct zs_result r = { .zone = (int)op->zone };
		unsigned int races = bdev ? bdev->nr_races : 0;

		zone_result_ok(&r.res);
		switch (op->kind) {
		case ZS_OPEN: run_mgmt(&st, REQ_OP_ZONE_OPEN, op, &r); break;
		case ZS_CLOSE: run_mgmt(&st, REQ_OP_ZONE_CLOSE, op, &r); break;
		case ZS_FINISH: run_mgmt(&st, REQ_OP_ZONE_FINISH, op, &r); break;
		case ZS_RESET: run_mgmt(&st, REQ_OP_ZONE_RESET, op, &r); break;
		case ZS_RESET_ALL:
			r.zone = -1;
			run_mgmt(&st, REQ_OP_ZONE_RESET_ALL, op, &r);
			break;
		case ZS_FLUSH:
			r.zone = -1;
			run_mgmt(&st, REQ_OP_FLUSH, op, &r);
			break;
		case ZS_APPEND:
		case ZS_WRITE:
		case ZS_READ:
			run_io(&st, op, &r);
			break;
		case ZS_REPORT:
			/* with no_report, a report of this zone alone (BLKREPORTZONE of one zone) */
			r.reported = true;
			if (o->no_report)
				zs_report(&st, op->zone, 1);
			break;
		case ZS_REPORT_ALL:
			/* One line per zone from one report, as if "report Z" were written for each. */
			zs_report(&st, 0, dev->nr_zones);
			r.reported = true;
			for (unsigned int z = 0; z < dev->nr_zones; z++) {
				char text[32];

				snprintf(text, sizeof(text), "report %u", z);
				r.zone = (int)z;
				print_result(&st, op, &r, text);
			}
			continue;
		case ZS_INJECT:
			r.zone = -1;
			if (run_inject(&st, op, &r)) {
				free(st.zones);
				return -2;
			}
			break;
		}
		if (r.status)
			failed++;
		/* --race: which race points this operation met (the line it prints is the next one) */
		for (; bdev && bdev->race && races < bdev->nr_races; races++)
			fprintf(stderr, "zwsim: race %u line %u (%s)\n", races, st.lines + 1, op->text);
		/*
		 * One report of every zone after each operation, as the
		 * observations' program and blkzone report do; the line shows
		 * the named zone from it.  A whole-device report resyncs every
		 * plug that awaits it, not only the named zone's.
		 */
		if (!o->no_report)
			zs_report(&st, 0, dev->nr_zones);
		print_result(&st, op, &r, op->text);
	}
	if (bdev)
		blk_race_settle(bdev);
	fflush(out);
	free(st.zones);
	return st.bad_data ? -1 : failed;
}

int zs_run_op(struct zw_dev *dev, struct block_device *bdev, const struct zs_op *op,
	      struct zs_outcome *out)
{
	static const struct zs_opts o;
	struct zs_state st = {
		.dev = dev, .bdev = bdev, .o = &o, .out = NULL,
		.lba_sectors = dev->geo.lba_size >> SECTOR_SHIFT,
	};
	struct zs_result r = { .zone = (int)op->zone };
	int ret = 0;

	zone_result_ok(&r.res);
	switch (op->kind) {
	case ZS_OPEN: run_mgmt(&st, REQ_OP_ZONE_OPEN, op, &r); break;
	case ZS_CLOSE: run_mgmt(&st, REQ_OP_ZONE_CLOSE, op, &r); break;
	case ZS_FINISH: run_mgmt(&st, REQ_OP_ZONE_FINISH, op, &r); break;
	case ZS_RESET: run_mgmt(&st, REQ_OP_ZONE_RESET, op, &r); break;
	case ZS_RESET_ALL: run_mgmt(&st, REQ_OP_ZONE_RESET_ALL, op, &r); break;
	case ZS_FLUSH: run_mgmt(&st, REQ_OP_FLUSH, op, &r); break;
	case ZS_WRITE:
	case ZS_APPEND:
	case ZS_READ:
		run_io(&st, op, &r);
		break;
	case ZS_REPORT:
	case ZS_REPORT_ALL:
		break;
	case ZS_INJECT:
		ret = run_inject(&st, op, &r);
		break;
	}
	out->status = r.status;
	out->has_at = r.has_at;
	out->at = r.at;
	out->res = r.res;
	return ret;
}
