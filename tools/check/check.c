// SPDX-License-Identifier: MIT
/*
 * The zone ordering checker (check.h, docs/check.md).  Per zone it keeps
 * the write pointer of the data that completed (wp: everything below it
 * is written, without holes), the out-of-place completions above it
 * (islands: appends that completed before those that were processed
 * earlier), the write pointer as issued writes move it (issue_wp), the
 * commands in flight, and the condition, with the open and active counts
 * a device keeps.
 */
#include "check.h"

#include "pattern.h"

#include <inttypes.h>
#include <json.h>
#include <linux/blkzoned.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const struct chk_rule chk_rules[] = {
	{ "write-not-at-wp",
	  "a regular write to a sequential zone is issued at the zone's write pointer of that moment",
	  "blk_zone_wplug_prepare_bio() (the plug's wp_offset; blk_zone_wplug_handle_write() holds later writes back)" },
	{ "append-not-at-wp",
	  "a completed zone append's sector is the write pointer when the device processed it: the appends of a zone land contiguously",
	  "the driver's zone append (zloop_rw(), or zloop_queue_rq() with ordered_zone_append); emulated: blk_zone_wplug_prepare_bio()" },
	{ "append-overlap",
	  "completed zone appends and writes of a zone never overlap",
	  "the driver's zone append (zloop_rw()); emulated: blk_zone_wplug_prepare_bio()" },
	{ "append-not-at-zone-start",
	  "a zone append is addressed to the start of a sequential zone",
	  "blk_check_zone_append()" },
	{ "capacity",
	  "no write or zone append crosses its zone's capacity",
	  "blk_zone_wplug_prepare_bio() (disk_zone_is_full()), blk_check_zone_append()" },
	{ "open-limit",
	  "open zones (implicitly and explicitly) never exceed max_open_zones",
	  "the device (null_blk's null_check_open()); the limit is bdev_max_open_zones()" },
	{ "active-limit",
	  "active zones (open and closed) never exceed max_active_zones",
	  "the device (null_blk's null_check_active()); the limit is bdev_max_active_zones()" },
	{ "mgmt-races-write",
	  "no zone reset or finish is issued while writes to its zone are in flight, nor a write during one",
	  "blk_zone_wplug_handle_reset_or_finish() (disk_zone_wplug_set_wp_offset() aborts plugged writes)" },
	{ "mapping-data",
	  "with block tags, every file mapping points at the data written for that file block",
	  "the file system's mapping once the data is written: xfs_zoned_end_io() (the remap to where the zone append landed), zonefs_file_write_dio_end_io() (a zonefs file is its zone), xfs_end_ioend() (regular XFS: xfs_reflink_end_cow(), xfs_iomap_write_unwritten())" },
};
const size_t chk_nr_rules = sizeof(chk_rules) / sizeof(chk_rules[0]);

enum {
	R_WRITE_WP, R_APPEND_WP, R_OVERLAP, R_APPEND_START, R_CAPACITY, R_OPEN, R_ACTIVE, R_MGMT,
	R_MAPPING,
};

#define CHK_KEEP	1000
#define CTX_LEN		400

struct cmd {
	uint64_t id, sector, sectors, line, tag;
	enum chk_op op;
	bool flagged;		/* already reported at issue */
	/* the implicit open it asked for: done at issue (undone if the device refused it), or past a limit */
	bool opened;
	uint8_t prev_cond;
	unsigned int victim;	/* 1 + the zone closed to make room, 0: none */
	int over;		/* R_OPEN or R_ACTIVE: judged at completion; -1: within the limits */
	unsigned int over_nr;	/* the open or active zones then */
};

struct island {
	uint64_t start, end, line;	/* zone offsets */
	bool append;
	bool flagged;		/* its write was reported already, when issued */
};

struct zone {
	uint8_t cond;
	bool conv, wp_unknown;
	uint64_t cap, wp, issue_wp;
	struct cmd *cmds;
	uint32_t nr_cmds;
	size_t max_cmds;
	unsigned int writes, appends, mgmt;
	struct island *isl;
	uint32_t nr_isl;
	size_t max_isl;
	struct tagged *tg;	/* data written with tags, by zone offset */
	uint32_t nr_tg;
	size_t max_tg;
};

/* Data landed at zone offsets [start, start + n) whose first block carries @tag, the next ones following. */
struct tagged {
	uint64_t start, n, tag;
};

/* A file's mapping, by file block: [off, off + n) lives at @sector. */
struct fmap {
	uint64_t off, n, sector;
};

struct file {
	uint64_t ino;
	unsigned int block;
	struct fmap *m;
	size_t nr, max;
};

struct chk {
	struct chk_geometry g;
	struct zone *z;
	unsigned int nr_open, nr_imp_open, nr_active;
	uint64_t nr_events, nr_viol;
	struct chk_violation *v;
	size_t nr_kept;
	/* the last events, for context: a ring */
	char ctx[CHK_CONTEXT][CTX_LEN];
	uint64_t ctx_line[CHK_CONTEXT];
	unsigned int ctx_head, ctx_nr;
	struct file *files;
	size_t nr_files, max_files;
	/* violations still waiting for the events after them */
	size_t pending_from;
	unsigned int pending_after;
};

static const char *cond_name(uint8_t c)
{
	switch (c) {
	case BLK_ZONE_COND_NOT_WP: return "nw";
	case BLK_ZONE_COND_EMPTY: return "em";
	case BLK_ZONE_COND_IMP_OPEN: return "oi";
	case BLK_ZONE_COND_EXP_OPEN: return "oe";
	case BLK_ZONE_COND_CLOSED: return "cl";
	case BLK_ZONE_COND_FULL: return "fu";
	case BLK_ZONE_COND_READONLY: return "ro";
	case BLK_ZONE_COND_OFFLINE: return "ol";
	default: return "?";
	}
}

static bool cond_open(uint8_t c)
{
	return c == BLK_ZONE_COND_IMP_OPEN || c == BLK_ZONE_COND_EXP_OPEN;
}

static bool cond_active(uint8_t c)
{
	return cond_open(c) || c == BLK_ZONE_COND_CLOSED;
}

static void set_cond(struct chk *c, struct zone *z, uint8_t to)
{
	c->nr_open -= cond_open(z->cond);
	c->nr_imp_open -= z->cond == BLK_ZONE_COND_IMP_OPEN;
	c->nr_active -= cond_active(z->cond);
	z->cond = to;
	c->nr_open += cond_open(to);
	c->nr_imp_open += to == BLK_ZONE_COND_IMP_OPEN;
	c->nr_active += cond_active(to);
}

struct chk *chk_new(const struct chk_geometry *g)
{
	struct chk *c;

	if (!g->zone_size || !g->nr_zones || g->zone_cap > g->zone_size || g->nr_conv > g->nr_zones)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->g = *g;
	c->g.init = NULL;
	c->g.nr_init = 0;
	if (!c->g.zone_cap)
		c->g.zone_cap = g->zone_size;
	if (!c->g.capacity)
		c->g.capacity = g->zone_size * g->nr_zones;
	c->z = calloc(g->nr_zones, sizeof(*c->z));
	c->v = calloc(CHK_KEEP, sizeof(*c->v));
	if (!c->z || !c->v) {
		chk_free(c);
		return NULL;
	}
	for (unsigned int i = 0; i < g->nr_zones; i++) {
		struct zone *z = &c->z[i];

		z->conv = i < g->nr_conv;
		z->cond = z->conv ? BLK_ZONE_COND_NOT_WP : BLK_ZONE_COND_EMPTY;
		z->cap = c->g.zone_cap;
		if ((uint64_t)(i + 1) * g->zone_size > c->g.capacity && !z->conv)
			z->cap = c->g.capacity > (uint64_t)i * g->zone_size ? c->g.capacity - (uint64_t)i * g->zone_size : 0;
	}
	for (size_t i = 0; i < g->nr_init; i++) {
		const struct chk_zone_init *in = &g->init[i];
		struct zone *z;

		if (in->zone >= g->nr_zones)
			continue;
		z = &c->z[in->zone];
		if (in->capacity)
			z->cap = in->capacity;
		if (z->conv)
			continue;
		z->wp = z->issue_wp = in->wp_offset;
		set_cond(c, z, in->cond);
		if (in->cond == BLK_ZONE_COND_FULL)
			z->wp = z->issue_wp = z->cap;
	}
	return c;
}

void chk_free(struct chk *c)
{
	if (!c)
		return;
	for (unsigned int i = 0; c->z && i < c->g.nr_zones; i++) {
		free(c->z[i].cmds);
		free(c->z[i].isl);
		free(c->z[i].tg);
	}
	for (size_t i = 0; i < c->nr_files; i++)
		free(c->files[i].m);
	free(c->files);
	for (size_t i = 0; c->v && i < c->nr_kept; i++)
		for (unsigned int k = 0; k < c->v[i].nr_context; k++)
			free(c->v[i].context[k]);
	free(c->z);
	free(c->v);
	free(c);
}

static struct chk_zone_snap snap(const struct chk *c, unsigned int zno)
{
	const struct zone *z = &c->z[zno];

	return (struct chk_zone_snap){
		.zone = zno, .wp_offset = z->wp, .cond = cond_name(z->cond),
		.writes_in_flight = z->writes, .appends_in_flight = z->appends,
	};
}

/* Report a violation of @rule at the event being fed (its "after" is filled when the event is done). */
static struct chk_violation *violate(struct chk *c, int rule, const struct chk_event *ev,
				     const struct chk_zone_snap *before, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static struct chk_violation *violate(struct chk *c, int rule, const struct chk_event *ev,
				     const struct chk_zone_snap *before, const char *fmt, ...)
{
	struct chk_violation *v;
	va_list ap;

	c->nr_viol++;
	if (c->nr_kept >= CHK_KEEP)
		return NULL;
	v = &c->v[c->nr_kept++];
	v->rule = chk_rules[rule].name;
	v->kfunc = chk_rules[rule].kfunc;
	v->line = ev->line;
	v->before = *before;
	v->after = *before;
	va_start(ap, fmt);
	vsnprintf(v->msg, sizeof(v->msg), fmt, ap);
	va_end(ap);
	/* the events before it (the ring holds the current one last) */
	for (unsigned int k = 0; k < c->ctx_nr && v->nr_context < CHK_CONTEXT - 1; k++) {
		unsigned int i = (c->ctx_head + CHK_CONTEXT - c->ctx_nr + k) % CHK_CONTEXT;

		if (c->ctx_nr - k > CHK_CONTEXT - 1)
			continue;
		v->context[v->nr_context] = strdup(c->ctx[i]);
		v->context_line[v->nr_context++] = c->ctx_line[i];
	}
	v->at = v->nr_context ? v->nr_context - 1 : 0;
	if (!c->pending_after) {
		c->pending_from = c->nr_kept - 1;
	}
	c->pending_after = 1;
	return v;
}

static int zone_of(const struct chk *c, uint64_t sector, unsigned int *zno)
{
	uint64_t z = sector / c->g.zone_size;

	if (z >= c->g.nr_zones)
		return -1;
	*zno = (unsigned int)z;
	return 0;
}

/* Room for element @nr of @arr (@cap allocated; @first at the start, doubled when full): the
 * array, moved or not; NULL when out of memory (@arr is then untouched). */
static void *room_for_one(void *arr, size_t nr, size_t *cap, size_t first, size_t size)
{
	if (nr < *cap)
		return arr;
	size_t max = *cap ? *cap * 2 : first;
	void *n = realloc(arr, max * size);

	if (n)
		*cap = max;
	return n;
}

static struct cmd *cmd_add(struct zone *z, const struct chk_event *ev)
{
	struct cmd *n = room_for_one(z->cmds, z->nr_cmds, &z->max_cmds, 8, sizeof(*n));

	if (!n)
		return NULL;
	z->cmds = n;
	z->cmds[z->nr_cmds] = (struct cmd){ ev->id, ev->sector, ev->sectors, ev->line, ev->tag, ev->op, false,
					    false, 0, 0, -1, 0 };
	switch (ev->op) {
	case CHK_OP_WRITE: z->writes++; break;
	case CHK_OP_APPEND: z->appends++; break;
	default: z->mgmt++; break;
	}
	return &z->cmds[z->nr_cmds++];
}

/* The command a completion is for: by id, else the oldest of its kind and position. */
static int cmd_find(const struct zone *z, const struct chk_event *ev, uint64_t zstart)
{
	for (uint32_t i = 0; i < z->nr_cmds; i++) {
		const struct cmd *m = &z->cmds[i];

		if (m->op != ev->op)
			continue;
		if (ev->id) {
			if (m->id == ev->id)
				return (int)i;
			continue;
		}
		if (ev->op == CHK_OP_APPEND ? (m->sectors == ev->sectors || !ev->sectors)
					    : (m->sector == ev->sector && (m->sectors == ev->sectors || !ev->sectors)))
			return (int)i;
		(void)zstart;
	}
	return -1;
}

static struct cmd cmd_remove(struct zone *z, uint32_t i)
{
	struct cmd m = z->cmds[i];

	memmove(&z->cmds[i], &z->cmds[i + 1], (z->nr_cmds - i - 1) * sizeof(*z->cmds));
	z->nr_cmds--;
	switch (m.op) {
	case CHK_OP_WRITE: z->writes--; break;
	case CHK_OP_APPEND: z->appends--; break;
	default: z->mgmt--; break;
	}
	return m;
}

/* An implicitly open zone the device may close to make room (nr_zones: none) */
static unsigned int zone_imp_open_first(const struct chk *c)
{
	unsigned int i;

	for (i = 0; i < c->g.nr_zones; i++)
		if (c->z[i].cond == BLK_ZONE_COND_IMP_OPEN)
			break;
	return i;
}

/*
 * A write or append makes its zone open: the device's implicit open, with
 * its limits.  The device checks them before the zone changes
 * (null_zone_write(): null_check_zone_resources(), then the condition),
 * and refuses a command past them with BLK_STS_ZONE_ACTIVE_RESOURCE or
 * BLK_STS_ZONE_OPEN_RESOURCE (ZNS: Too Many Active or Open Zones), the
 * zone left as it was.  So a command past a limit opens nothing here: it
 * is judged when it completes (a violation if the device took it), and a
 * command the device refused for want of a zone resource undoes its open.
 */
static void zone_open_implicit(struct chk *c, unsigned int zno, struct cmd *m)
{
	struct zone *z = &c->z[zno];

	if (cond_open(z->cond) || z->cond == BLK_ZONE_COND_FULL || z->conv ||
	    z->cond == BLK_ZONE_COND_READONLY || z->cond == BLK_ZONE_COND_OFFLINE)
		return;		/* the last two: the device fails the command (null_zone_write()) */
	if (z->cond == BLK_ZONE_COND_EMPTY && c->g.max_active && c->nr_active >= c->g.max_active) {
		m->over = R_ACTIVE;
		m->over_nr = c->nr_active;
		return;
	}
	if (c->g.max_open && c->nr_open >= c->g.max_open) {
		/* the device closes an implicitly open zone to make room (null_close_imp_open_zone()) */
		unsigned int i = zone_imp_open_first(c);

		if (i == c->g.nr_zones) {
			m->over = R_OPEN;
			m->over_nr = c->nr_open;
			return;
		}
		set_cond(c, &c->z[i], BLK_ZONE_COND_CLOSED);
		m->victim = i + 1;
	}
	m->opened = true;
	m->prev_cond = z->cond;
	set_cond(c, z, BLK_ZONE_COND_IMP_OPEN);
}

/* A write or append completed: the implicit open it asked for, as the device did it or not. */
static void zone_open_done(struct chk *c, unsigned int zno, const struct cmd *m, const struct chk_event *ev,
			   const struct chk_zone_snap *before)
{
	struct zone *z = &c->z[zno];

	if (m->over >= 0) {
		if (ev->error || cond_open(z->cond) || z->cond == BLK_ZONE_COND_FULL)
			return;		/* refused: the zone stayed as it was; or an earlier one opened it */
		if (m->over == R_ACTIVE)
			violate(c, R_ACTIVE, ev, before,
				"zone %u opened while %u zones are active (max_active_zones %u): a write or append issued at line %" PRIu64 " completed",
				zno, m->over_nr, c->g.max_active, m->line);
		else
			violate(c, R_OPEN, ev, before,
				"zone %u opened while %u zones are explicitly open (max_open_zones %u): a write or append issued at line %" PRIu64 " completed",
				zno, m->over_nr, c->g.max_open, m->line);
		if (!cond_open(z->cond) && z->cond != BLK_ZONE_COND_FULL)
			set_cond(c, z, BLK_ZONE_COND_IMP_OPEN);
		return;
	}
	if (!m->opened || !ev->zone_resource || z->cond != BLK_ZONE_COND_IMP_OPEN)
		return;
	/* refused for want of a resource the checker thought free: undo the open (and the close for room) */
	set_cond(c, z, z->wp || z->nr_isl ? BLK_ZONE_COND_CLOSED : m->prev_cond);
	if (m->victim && c->z[m->victim - 1].cond == BLK_ZONE_COND_CLOSED)
		set_cond(c, &c->z[m->victim - 1], BLK_ZONE_COND_IMP_OPEN);
}

static void zone_full_check(struct chk *c, struct zone *z)
{
	if (!z->conv && z->wp >= z->cap && z->issue_wp >= z->cap && z->cond != BLK_ZONE_COND_FULL &&
	    z->cond != BLK_ZONE_COND_READONLY && z->cond != BLK_ZONE_COND_OFFLINE)
		set_cond(c, z, BLK_ZONE_COND_FULL);
}

static void zone_reset(struct chk *c, struct zone *z, uint64_t wp)
{
	z->wp = z->issue_wp = wp;
	z->nr_isl = 0;
	if (!wp)
		z->nr_tg = 0;
	z->wp_unknown = false;
	set_cond(c, z, wp ? BLK_ZONE_COND_FULL : BLK_ZONE_COND_EMPTY);
}

static void issue(struct chk *c, const struct chk_event *ev)
{
	unsigned int zno;
	uint64_t zstart, off;
	struct chk_zone_snap before;
	struct zone *z;
	struct cmd *m;

	if (ev->op == CHK_OP_OTHER || ev->op == CHK_OP_RESET_ALL || zone_of(c, ev->sector, &zno))
		return;
	z = &c->z[zno];
	if (z->conv) {
		/* no rule but the data: a write's tags count once it completes */
		if (ev->op == CHK_OP_WRITE)
			cmd_add(z, ev);
		return;
	}
	before = snap(c, zno);
	zstart = (uint64_t)zno * c->g.zone_size;
	off = ev->sector - zstart;
	m = cmd_add(z, ev);
	if (!m)
		return;
	switch (ev->op) {
	case CHK_OP_WRITE:
		if (z->mgmt) {
			violate(c, R_MGMT, ev, &before, "write at sector %" PRIu64 " issued while a reset or finish of zone %u is in flight",
				ev->sector, zno);
			m->flagged = true;
		}
		if (z->wp_unknown) {
			/* after a failed write the kernel reports the zone: trust the next write */
			z->wp_unknown = false;
			z->wp = z->issue_wp = off;
			z->nr_isl = 0;
		} else if (!z->appends && off != z->issue_wp && !m->flagged) {
			violate(c, R_WRITE_WP, ev, &before,
				"write of %" PRIu64 " sectors at sector %" PRIu64 " issued while zone %u's write pointer is at sector %" PRIu64 " (%s by %" PRIu64 ")",
				ev->sectors, ev->sector, zno, zstart + z->issue_wp,
				off > z->issue_wp ? "ahead" : "behind",
				off > z->issue_wp ? off - z->issue_wp : z->issue_wp - off);
			m->flagged = true;
		}
		if (off + ev->sectors > z->cap && !m->flagged) {
			violate(c, R_CAPACITY, ev, &before,
				"write of sectors %" PRIu64 "-%" PRIu64 " crosses the capacity of zone %u (ends at sector %" PRIu64 ")",
				ev->sector, ev->sector + ev->sectors - 1, zno, zstart + z->cap);
			m->flagged = true;
		}
		zone_open_implicit(c, zno, m);
		if (off + ev->sectors > z->issue_wp)
			z->issue_wp = off + ev->sectors;
		break;
	case CHK_OP_APPEND:
		if (z->mgmt)
			violate(c, R_MGMT, ev, &before, "zone append to zone %u issued while a reset or finish of it is in flight", zno);
		if (off)
			violate(c, R_APPEND_START, ev, &before,
				"zone append addressed to sector %" PRIu64 ", not to the start of zone %u (sector %" PRIu64 ")",
				ev->sector, zno, zstart);
		zone_open_implicit(c, zno, m);
		break;
	case CHK_OP_RESET:
	case CHK_OP_FINISH:
		if (z->writes || z->appends)
			violate(c, R_MGMT, ev, &before, "%s of zone %u issued while %u write(s) and %u append(s) to it are in flight",
				ev->op == CHK_OP_RESET ? "reset" : "finish", zno, z->writes, z->appends);
		break;
	default:
		break;
	}
}

/* Add [s, e) above the wp to the islands; false when it overlaps one. */
static bool island_add(struct zone *z, uint64_t s, uint64_t e, uint64_t line, bool append,
		       bool flagged)
{
	uint32_t i;

	for (i = 0; i < z->nr_isl; i++) {
		if (s < z->isl[i].end && z->isl[i].start < e)
			return false;
		if (z->isl[i].start > s)
			break;
	}
	struct island *n = room_for_one(z->isl, z->nr_isl, &z->max_isl, 8, sizeof(*n));

	if (!n)
		return true;
	z->isl = n;
	memmove(&z->isl[i + 1], &z->isl[i], (z->nr_isl - i) * sizeof(*z->isl));
	z->isl[i] = (struct island){ s, e, line, append, flagged };
	z->nr_isl++;
	return true;
}

/* Move the wp over the islands that now touch it. */
static void islands_merge(struct zone *z)
{
	uint32_t n = 0;

	while (n < z->nr_isl && z->isl[n].start == z->wp)
		z->wp = z->isl[n++].end;
	memmove(z->isl, z->isl + n, (z->nr_isl - n) * sizeof(*z->isl));
	z->nr_isl -= n;
}

/* Tagged data landed at [off, off + n) (kept in zone order: where a mapping looks) */
static void tagged_add(struct zone *z, uint64_t off, uint64_t n, uint64_t tag)
{
	uint32_t i = z->nr_tg;

	struct tagged *t = room_for_one(z->tg, z->nr_tg, &z->max_tg, 16, sizeof(*t));

	if (!t)
		return;
	z->tg = t;
	while (i && z->tg[i - 1].start > off)
		i--;
	memmove(&z->tg[i + 1], &z->tg[i], (z->nr_tg - i) * sizeof(*z->tg));
	z->tg[i] = (struct tagged){ off, n, tag };
	z->nr_tg++;
}

/*
 * Data landed in a conventional zone at [off, off + n), over what was
 * there: the tags under it are cut away, and a tagged write's own take
 * their place (joined to a neighbour it runs on from, so a file written
 * in order stays one piece).
 */
static void tagged_replace(struct zone *z, uint64_t off, uint64_t n, uint64_t tag, unsigned int spb)
{
	uint64_t end = off + n;
	uint32_t i = 0;

	while (i < z->nr_tg) {
		struct tagged *t = &z->tg[i];
		uint64_t te = t->start + t->n;

		if (te <= off || t->start >= end) {
			i++;
			continue;
		}
		if (t->start < off && te > end) {
			/* the write lands inside: keep both sides */
			struct tagged tail = { end, te - end, t->tag + (end - t->start) / spb };

			t->n = off - t->start;
			tagged_add(z, tail.start, tail.n, tail.tag);
			break;
		}
		if (t->start < off) {
			t->n = off - t->start;
			i++;
		} else if (te > end) {
			t->tag += (end - t->start) / spb;
			t->n = te - end;
			t->start = end;
			i++;
		} else {
			memmove(&z->tg[i], &z->tg[i + 1], (z->nr_tg - i - 1) * sizeof(*z->tg));
			z->nr_tg--;
		}
	}
	if (!tag)
		return;
	for (i = 0; i < z->nr_tg; i++) {
		struct tagged *t = &z->tg[i];

		if (t->start + t->n == off && t->tag + t->n / spb == tag) {
			t->n += n;
			return;
		}
	}
	tagged_add(z, off, n, tag);
}

/* Data of a zone landed at [off, off + n): committed, in order or not. */
static void commit(struct chk *c, unsigned int zno, uint64_t off, uint64_t n, const struct chk_event *ev,
		   const struct chk_zone_snap *before, bool flagged, uint64_t tag)
{
	struct zone *z = &c->z[zno];
	uint64_t zstart = (uint64_t)zno * c->g.zone_size;
	bool append = ev->op == CHK_OP_APPEND;

	if (off < z->wp || !island_add(z, off, off + n, ev->line, append, flagged)) {
		if (!flagged)
			violate(c, R_OVERLAP, ev, before,
				"%s of %" PRIu64 " sectors completed at sector %" PRIu64 ", over data already written in zone %u (written up to sector %" PRIu64 ")",
				append ? "zone append" : "write", n, zstart + off, zno, zstart + z->wp);
		if (off + n > z->wp && off <= z->wp)
			z->wp = off + n;
		return;
	}
	islands_merge(z);
	if (z->wp > z->issue_wp)
		z->issue_wp = z->wp;
	if (tag)
		tagged_add(z, off, n, tag);
}

static void complete(struct chk *c, const struct chk_event *ev)
{
	unsigned int zno;
	uint64_t zstart;
	struct chk_zone_snap before;
	struct zone *z;
	struct cmd m;
	int i;

	if (ev->op == CHK_OP_RESET_ALL) {
		if (ev->error)
			return;
		for (unsigned int k = 0; k < c->g.nr_zones; k++)
			if (!c->z[k].conv)
				zone_reset(c, &c->z[k], 0);
		return;
	}
	if (ev->op == CHK_OP_OTHER || zone_of(c, ev->sector, &zno))
		return;
	z = &c->z[zno];
	zstart = (uint64_t)zno * c->g.zone_size;
	if (z->conv) {
		unsigned int spb = (c->g.lba ? c->g.lba : 4096) >> 9;

		if (ev->op != CHK_OP_WRITE || (i = cmd_find(z, ev, zstart)) < 0)
			return;
		m = cmd_remove(z, (uint32_t)i);
		if (!ev->error && (m.tag || z->nr_tg))
			tagged_replace(z, m.sector - zstart, m.sectors, m.tag, spb ? spb : 1);
		return;
	}
	i = cmd_find(z, ev, zstart);
	if (i < 0)
		return;		/* refused before the device saw it, or issued before the trace */
	before = snap(c, zno);
	m = cmd_remove(z, (uint32_t)i);
	switch (ev->op) {
	case CHK_OP_WRITE:
		zone_open_done(c, zno, &m, ev, &before);
		if (ev->error) {
			z->wp_unknown = true;
			z->issue_wp = z->wp;
			break;
		}
		commit(c, zno, m.sector - zstart, m.sectors, ev, &before, m.flagged, m.tag);
		break;
	case CHK_OP_APPEND: {
		uint64_t off = ev->sector - zstart, n = ev->sectors ? ev->sectors : m.sectors;

		zone_open_done(c, zno, &m, ev, &before);
		if (ev->error)
			break;
		if (off + n > z->cap) {
			violate(c, R_CAPACITY, ev, &before,
				"zone append completed at sectors %" PRIu64 "-%" PRIu64 ", across the capacity of zone %u (ends at sector %" PRIu64 ")",
				ev->sector, ev->sector + n - 1, zno, zstart + z->cap);
			break;
		}
		commit(c, zno, off, n, ev, &before, false, m.tag);
		break;
	}
	case CHK_OP_RESET:
		if (!ev->error)
			zone_reset(c, z, 0);
		break;
	case CHK_OP_FINISH:
		if (!ev->error)
			zone_reset(c, z, z->cap);
		break;
	case CHK_OP_OPEN:
		if (ev->error || z->cond == BLK_ZONE_COND_EXP_OPEN)
			break;
		if (z->cond == BLK_ZONE_COND_EMPTY && c->g.max_active && c->nr_active >= c->g.max_active)
			violate(c, R_ACTIVE, ev, &before, "zone %u explicitly opened while %u zones are active (max_active_zones %u)",
				zno, c->nr_active, c->g.max_active);
		if (!cond_open(z->cond) && c->g.max_open && c->nr_open >= c->g.max_open) {
			/* null_open_zone(): null_check_open() closes an implicitly open zone to make room */
			unsigned int k = zone_imp_open_first(c);

			if (k < c->g.nr_zones)
				set_cond(c, &c->z[k], BLK_ZONE_COND_CLOSED);
			else
				violate(c, R_OPEN, ev, &before,
					"zone %u explicitly opened while %u zones are explicitly open (max_open_zones %u)",
					zno, c->nr_open, c->g.max_open);
		}
		set_cond(c, z, BLK_ZONE_COND_EXP_OPEN);
		break;
	case CHK_OP_CLOSE:
		if (!ev->error && cond_open(z->cond))
			set_cond(c, z, z->wp ? BLK_ZONE_COND_CLOSED : BLK_ZONE_COND_EMPTY);
		break;
	default:
		break;
	}
	/* quiescent: nothing in flight may still fill a hole below an island */
	if (!z->writes && !z->appends && z->nr_isl) {
		const struct island *is = &z->isl[0];

		if (!is->flagged)
			violate(c, is->append ? R_APPEND_WP : R_WRITE_WP, ev, &before,
			"%s at sectors %" PRIu64 "-%" PRIu64 " (line %" PRIu64 ") landed above zone %u's write pointer %" PRIu64 ": sectors %" PRIu64 "-%" PRIu64 " were never written",
			is->append ? "zone append" : "write", zstart + is->start, zstart + is->end - 1, is->line, zno,
			zstart + z->wp, zstart + z->wp, zstart + is->start - 1);
		z->wp = z->isl[z->nr_isl - 1].end;
		z->nr_isl = 0;
		if (z->wp > z->issue_wp)
			z->issue_wp = z->wp;
	}
	zone_full_check(c, z);
}

static struct file *file_get(struct chk *c, uint64_t ino)
{
	for (size_t i = 0; i < c->nr_files; i++)
		if (c->files[i].ino == ino)
			return &c->files[i];
	struct file *f = room_for_one(c->files, c->nr_files, &c->max_files, 16, sizeof(*f));

	if (!f)
		return NULL;
	c->files = f;
	c->files[c->nr_files] = (struct file){ .ino = ino };
	return &c->files[c->nr_files++];
}

/* The file's blocks [off, off + n) now live at @sector: what was mapped there before is replaced. */
static void file_map(struct file *f, uint64_t off, uint64_t n, uint64_t sector, unsigned int spb)
{
	size_t i = 0, k;

	/* cut what overlaps [off, off + n) */
	while (i < f->nr) {
		struct fmap *e = &f->m[i];

		if (e->off + e->n <= off || e->off >= off + n) {
			i++;
			continue;
		}
		if (e->off < off && e->off + e->n > off + n) {
			/* a hole punched in the middle: split in two */
			struct fmap tail = { off + n, e->off + e->n - off - n, e->sector + (off + n - e->off) * spb };

			e->n = off - e->off;
			struct fmap *m = room_for_one(f->m, f->nr, &f->max, 16, sizeof(*m));

			if (!m)
				return;
			f->m = m;
			memmove(&f->m[i + 2], &f->m[i + 1], (f->nr - i - 1) * sizeof(*f->m));
			f->m[i + 1] = tail;
			f->nr++;
			i += 2;
			continue;
		}
		if (e->off < off) {
			e->n = off - e->off;
			i++;
		} else if (e->off + e->n > off + n) {
			e->sector += (off + n - e->off) * spb;
			e->n = e->off + e->n - off - n;
			e->off = off + n;
			i++;
		} else {
			memmove(&f->m[i], &f->m[i + 1], (f->nr - i - 1) * sizeof(*f->m));
			f->nr--;
		}
	}
	struct fmap *m = room_for_one(f->m, f->nr, &f->max, 16, sizeof(*m));

	if (!m)
		return;
	f->m = m;
	for (k = 0; k < f->nr && f->m[k].off < off; k++)
		;
	memmove(&f->m[k + 1], &f->m[k], (f->nr - k) * sizeof(*f->m));
	f->m[k] = (struct fmap){ off, n, sector };
	f->nr++;
}

/* A file_map event: the data there must carry the file's tags; the file's extents follow. */
static void map(struct chk *c, const struct chk_event *ev)
{
	unsigned int lba = c->g.lba ? c->g.lba : 4096, spb = lba >> 9, zno;
	uint64_t nblocks = ev->sectors / spb, fblock = ev->file_offset / lba, zstart, off;
	struct chk_zone_snap before;
	struct file *f = file_get(c, ev->ino);
	struct zone *z;

	if (!f || !spb || !nblocks || ev->block != lba || ev->file_offset % lba)
		return;
	f->block = ev->block;
	file_map(f, fblock, nblocks, ev->sector, spb);
	if (zone_of(c, ev->sector, &zno))
		return;
	z = &c->z[zno];
	zstart = (uint64_t)zno * c->g.zone_size;
	off = ev->sector - zstart;
	before = snap(c, zno);
	/* each tagged piece of data under the mapping carries the file's tag for its block */
	for (uint32_t i = 0; i < z->nr_tg; i++) {
		const struct tagged *t = &z->tg[i];
		uint64_t s = t->start > off ? t->start : off;
		uint64_t e = t->start + t->n < off + ev->sectors ? t->start + t->n : off + ev->sectors;
		uint64_t want, got;

		if (s >= e)
			continue;
		got = t->tag + (s - t->start) / spb;
		want = zw_tag_file(ev->ino, fblock + (s - off) / spb);
		if (got != want) {
			violate(c, R_MAPPING, ev, &before,
				"file %" PRIu64 " block %" PRIu64 " mapped to sector %" PRIu64 ", where the data written carries tag %#" PRIx64 " (file %" PRIu64 " block %" PRIu64 "), not %#" PRIx64,
				ev->ino, fblock + (s - off) / spb, zstart + s, got, (uint64_t)((got >> 40) & 0x3fffff),
				(uint64_t)(got & ((1ull << 40) - 1)), want);
			return;
		}
	}
	if (!z->conv && off + ev->sectors > z->wp && !z->nr_isl && !z->writes && !z->appends)
		violate(c, R_MAPPING, ev, &before,
			"file %" PRIu64 " blocks %" PRIu64 "-%" PRIu64 " mapped to sectors %" PRIu64 "-%" PRIu64 ", above zone %u's write pointer %" PRIu64 ": never written",
			ev->ino, fblock, fblock + nblocks - 1, ev->sector, ev->sector + ev->sectors - 1, zno,
			zstart + z->wp);
}

size_t chk_nr_files(const struct chk *c)
{
	return c->nr_files;
}

struct chk_file chk_file(const struct chk *c, size_t i)
{
	const struct file *f = &c->files[i];
	unsigned int lba = c->g.lba ? c->g.lba : 4096, spb = lba >> 9;
	struct chk_file r = { .ino = f->ino };
	uint64_t cap = c->g.zone_cap * 512;

	for (size_t k = 0; k < f->nr; k++) {
		r.bytes += f->m[k].n * lba;
		if (!k || f->m[k].off != f->m[k - 1].off + f->m[k - 1].n ||
		    f->m[k].sector != f->m[k - 1].sector + f->m[k - 1].n * spb)
			r.extents++;
	}
	/* the fewest: a zone's capacity each (an extent never crosses a zone) */
	r.ideal = (unsigned int)(cap ? (r.bytes + cap - 1) / cap : 1);
	return r;
}

/*
 * zwsim's log names the zone conditions the device changes by itself: a
 * fault that makes a zone read-only or offline (null_set_zone_cond():
 * the zone is finished first, so it gives back its open and active
 * resources), and the same fault again restoring it, empty.  No command
 * shows these, so the checker follows them; every other change it works
 * out from the commands, not taking the model's word for what it checks.
 */
static void cond_changed(struct chk *c, const struct chk_event *ev)
{
	struct zone *z;

	if (ev->zone >= c->g.nr_zones || c->z[ev->zone].conv)
		return;
	z = &c->z[ev->zone];
	if (ev->cond_to == BLK_ZONE_COND_READONLY || ev->cond_to == BLK_ZONE_COND_OFFLINE) {
		set_cond(c, z, ev->cond_to);
		z->wp_unknown = true;
	} else if ((ev->cond_from == BLK_ZONE_COND_READONLY || ev->cond_from == BLK_ZONE_COND_OFFLINE) &&
		   ev->cond_to == BLK_ZONE_COND_EMPTY) {
		zone_reset(c, z, 0);
	}
}

bool chk_feed(struct chk *c, const struct chk_event *ev)
{
	size_t first = c->nr_kept;
	unsigned int zno = 0;
	bool known = ev->op == CHK_OP_RESET_ALL || ev->op == CHK_OP_OTHER || ev->phase == CHK_MAP || ev->phase == CHK_COND ||
		     !zone_of(c, ev->sector, &zno);
	unsigned int slot = c->ctx_head;

	c->nr_events++;
	/* this event's text joins the ring, and the context of violations waiting for it */
	{
		size_t n = ev->text ? strnlen(ev->text, CTX_LEN - 1) : 0;

		if (n)
			memcpy(c->ctx[slot], ev->text, n);
		c->ctx[slot][n] = '\0';
	}
	c->ctx_line[slot] = ev->line;
	c->ctx_head = (c->ctx_head + 1) % CHK_CONTEXT;
	if (c->ctx_nr < CHK_CONTEXT)
		c->ctx_nr++;
	if (c->pending_after) {
		for (size_t i = c->pending_from; i < c->nr_kept; i++) {
			struct chk_violation *v = &c->v[i];

			if (v->nr_context < CHK_CONTEXT) {
				v->context[v->nr_context] = strdup(c->ctx[slot]);
				v->context_line[v->nr_context++] = ev->line;
			}
		}
		c->pending_after = 0;
	}
	if (!known)
		return false;
	if (ev->phase == CHK_ISSUE)
		issue(c, ev);
	else if (ev->phase == CHK_COMPLETE)
		complete(c, ev);
	else if (ev->phase == CHK_MAP)
		map(c, ev);
	else if (ev->phase == CHK_COND)
		cond_changed(c, ev);
	for (size_t i = first; i < c->nr_kept; i++)
		c->v[i].after = snap(c, c->v[i].before.zone);
	return true;
}

void chk_finish(struct chk *c)
{
	(void)c;	/* a hole with its filler still in flight at the end is not known to be one */
}

size_t chk_nr_violations(const struct chk *c) { return (size_t)c->nr_viol; }
size_t chk_nr_kept(const struct chk *c) { return c->nr_kept; }
const struct chk_violation *chk_violation(const struct chk *c, size_t i) { return &c->v[i]; }
uint64_t chk_nr_events(const struct chk *c) { return c->nr_events; }

static const struct chk_rule *rule_of(const struct chk_violation *v)
{
	for (size_t i = 0; i < chk_nr_rules; i++)
		if (!strcmp(chk_rules[i].name, v->rule))
			return &chk_rules[i];
	return &chk_rules[0];
}

void chk_print_violation(FILE *f, const struct chk_violation *v)
{
	fprintf(f, "line %" PRIu64 ": %s: %s\n", v->line, v->rule, v->msg);
	fprintf(f, "  rule: %s\n", rule_of(v)->says);
	fprintf(f, "  enforced by: %s\n", v->kfunc);
	fprintf(f, "  zone %u before: wp +%" PRIu64 " %s, %u write(s) and %u append(s) in flight\n",
		v->before.zone, v->before.wp_offset, v->before.cond, v->before.writes_in_flight,
		v->before.appends_in_flight);
	fprintf(f, "  zone %u after:  wp +%" PRIu64 " %s, %u write(s) and %u append(s) in flight\n",
		v->after.zone, v->after.wp_offset, v->after.cond, v->after.writes_in_flight,
		v->after.appends_in_flight);
	for (unsigned int k = 0; k < v->nr_context; k++)
		fprintf(f, "  %s %6" PRIu64 " %s\n", k == v->at ? ">" : " ", v->context_line[k], v->context[k]);
}

static json_object *snap_json(const struct chk_zone_snap *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "zone", json_object_new_uint64(s->zone));
	json_object_object_add(o, "wp_offset", json_object_new_uint64(s->wp_offset));
	json_object_object_add(o, "cond", json_object_new_string(s->cond));
	json_object_object_add(o, "writes_in_flight", json_object_new_uint64(s->writes_in_flight));
	json_object_object_add(o, "appends_in_flight", json_object_new_uint64(s->appends_in_flight));
	return o;
}

json_object *chk_violation_json(const struct chk_violation *v)
{
	json_object *o = json_object_new_object(), *ctx = json_object_new_array();

	json_object_object_add(o, "rule", json_object_new_string(v->rule));
	json_object_object_add(o, "line", json_object_new_uint64(v->line));
	json_object_object_add(o, "message", json_object_new_string(v->msg));
	json_object_object_add(o, "says", json_object_new_string(rule_of(v)->says));
	json_object_object_add(o, "kernel", json_object_new_string(v->kfunc));
	json_object_object_add(o, "zone_before", snap_json(&v->before));
	json_object_object_add(o, "zone_after", snap_json(&v->after));
	for (unsigned int k = 0; k < v->nr_context; k++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "line", json_object_new_uint64(v->context_line[k]));
		json_object_object_add(e, "text", json_object_new_string(v->context[k]));
		if (k == v->at)
			json_object_object_add(e, "here", json_object_new_boolean(1));
		json_object_array_add(ctx, e);
	}
	json_object_object_add(o, "context", ctx);
	return o;
}
