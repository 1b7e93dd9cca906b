// SPDX-License-Identifier: MIT
/*
 * The counting device: a zw_dev between the block layer and the real one,
 * which passes every command through and counts what reaches the device
 * (bytes written, zone resets and finishes, the capacity a finish leaves
 * unwritten) and how many zones are open and active after each command.
 * It sees the device's commands whoever sends them: the replay, writeback,
 * GC, the file system's own zone management.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

struct replay_cdev {
	struct zw_dev pub;
	struct zw_dev_ops ops;
	struct zw_dev *inner;
	struct replay *rp;
	uint8_t *cond;		/* each zone's condition after the last command */
	sector_t *wp, *cap;	/* each zone's write pointer (from its start) and capacity, as last known */
	unsigned int open, active, full, empty, closed;
};

struct cdev_async {
	struct replay_cdev *c;
	zw_io_done_fn done;
	void *arg;
};

#define CDEV(d) ((struct replay_cdev *)(d))

static void cond_count(struct replay_cdev *c, uint8_t cond, int delta)
{
	switch (cond) {
	case BLK_ZONE_COND_IMP_OPEN:
	case BLK_ZONE_COND_EXP_OPEN:
		c->open += (unsigned int)delta;
		c->active += (unsigned int)delta;
		break;
	case BLK_ZONE_COND_CLOSED:
		c->closed += (unsigned int)delta;
		c->active += (unsigned int)delta;
		break;
	case BLK_ZONE_COND_FULL:
		c->full += (unsigned int)delta;
		break;
	case BLK_ZONE_COND_EMPTY:
		c->empty += (unsigned int)delta;
		break;
	default:
		break;
	}
}

static void add_row(struct replay_cdev *c)
{
	struct replay_devstat *ds = &c->rp->ds;
	struct replay_zrow *row;

	if (c->open > ds->max_open)
		ds->max_open = c->open;
	if (c->active > ds->max_active)
		ds->max_active = c->active;
	if (ds->nr_rows == ds->max_rows) {
		size_t n = ds->max_rows ? ds->max_rows * 2 : 256;
		struct replay_zrow *rows = realloc(ds->rows, n * sizeof(*rows));

		if (!rows)
			return;
		ds->rows = rows;
		ds->max_rows = n;
	}
	row = &ds->rows[ds->nr_rows++];
	*row = (struct replay_zrow){ .t_ns = replay_now(c->rp), .record = c->rp->nrec, .open = c->open,
				     .active = c->active, .full = c->full, .empty = c->empty,
				     .closed = c->closed };
}

static bool is_open(uint8_t cond)
{
	return cond == BLK_ZONE_COND_IMP_OPEN || cond == BLK_ZONE_COND_EXP_OPEN;
}

#define REPORT_BATCH 128	/* zones a report asks for at once (on a real device one ioctl) */

/*
 * The zones [zno, zno + nr) as the device reports them, @fn called on each
 * (with its number); a zone the device did not report is left out.
 */
static void for_each_reported(struct replay_cdev *c, unsigned int zno, unsigned int nr,
			      void (*fn)(struct replay_cdev *, unsigned int, const struct blk_zone *, void *),
			      void *arg)
{
	struct blk_zone z[REPORT_BATCH];
	unsigned int end = zno + nr < c->pub.nr_zones ? zno + nr : c->pub.nr_zones;

	while (zno < end) {
		unsigned int want = end - zno < REPORT_BATCH ? end - zno : REPORT_BATCH;
		int got = zw_dev_report_zones(c->inner, zno, want, z);

		if (got <= 0) {	/* one at a time past a zone that cannot be reported */
			zno++;
			continue;
		}
		for (int i = 0; i < got; i++)
			fn(c, zno + (unsigned int)i, &z[i], arg);
		zno += (unsigned int)got;
	}
}

struct refresh_state {
	bool changed, opened;
};

static void refresh_one(struct replay_cdev *c, unsigned int i, const struct blk_zone *z, void *arg)
{
	struct refresh_state *rs = arg;

	c->wp[i] = z->wp == ZONE_WP_INVALID ? 0 : z->wp - z->start;
	if (z->cond == c->cond[i])
		return;
	if (is_open(z->cond) && !is_open(c->cond[i]))
		rs->opened = true;
	cond_count(c, c->cond[i], -1);
	cond_count(c, z->cond, 1);
	c->cond[i] = z->cond;
	rs->changed = true;
}

/* Zones [zno, zno + nr) brought up to date; true when a condition changed. */
static bool refresh_zones(struct replay_cdev *c, unsigned int zno, unsigned int nr, bool *opened)
{
	struct refresh_state rs = { 0 };

	for_each_reported(c, zno, nr, refresh_one, &rs);
	*opened |= rs.opened;
	return rs.changed;
}

/*
 * Bring zones [zno, zno + nr) up to date; a row when a count changed.  A
 * zone that opened may have made the device close another implicitly (at
 * its open limit: null_blk_zone_open(), ZNS, ZBC alike): then every zone.
 */
static void refresh(struct replay_cdev *c, unsigned int zno, unsigned int nr)
{
	bool opened = false, changed = refresh_zones(c, zno, nr, &opened);

	if (opened && c->pub.geo.max_open)
		changed |= refresh_zones(c, 0, c->pub.nr_zones, &opened);
	if (changed)
		add_row(c);
}

static unsigned int zone_of(const struct replay_cdev *c, sector_t sector)
{
	unsigned int zno = (unsigned int)(sector / c->pub.geo.zone_size);

	return zno < c->pub.nr_zones ? zno : c->pub.nr_zones - 1;
}

static void before(struct replay_cdev *c, struct zw_io *io)
{
	struct replay_devstat *ds = &c->rp->ds;
	struct blk_zone z;

	ds->cmds++;
	/*
	 * A finish moves the write pointer to the zone's end: a ZNS SSD or an
	 * SMR disk writes (or at least gives up) the capacity left, which is
	 * the device-level cost of finishing a zone early.
	 */
	if (io->op == REQ_OP_ZONE_FINISH &&
	    zw_dev_report_zones(c->inner, zone_of(c, io->sector), 1, &z) == 1 && zone_is_seq(&z) &&
	    z.cond != BLK_ZONE_COND_FULL && z.cond != BLK_ZONE_COND_READONLY &&
	    z.cond != BLK_ZONE_COND_OFFLINE && z.wp - z.start < z.capacity)
		c->rp->ds.finish_pad_bytes += (z.capacity - (z.wp - z.start)) << SECTOR_SHIFT;
}

static void after(struct replay_cdev *c, struct zw_io *io)
{
	struct replay_devstat *ds = &c->rp->ds;
	unsigned int zno = zone_of(c, io->sector), nr = 1;
	bool ok = io->res.status == BLK_STS_OK;

	if (!ok)
		ds->errors++;
	switch (io->op) {
	case REQ_OP_WRITE:
	case REQ_OP_ZONE_APPEND:
		if (ok)
			ds->write_bytes += (uint64_t)io->nr_sectors << SECTOR_SHIFT;
		if (io->nr_sectors)
			nr = zone_of(c, io->sector + io->nr_sectors - 1) - zno + 1;
		/*
		 * A write that succeeded inside an open zone and leaves room in
		 * it changes no condition: no zone report (on a real device an
		 * ioctl a write), the write pointer follows.
		 */
		if (ok && nr == 1 && (is_open(c->cond[zno]) || c->cond[zno] == BLK_ZONE_COND_NOT_WP)) {
			sector_t end = io->op == REQ_OP_ZONE_APPEND ? c->wp[zno] + io->nr_sectors
								    : io->sector + io->nr_sectors - (sector_t)zno * c->pub.geo.zone_size;

			if (c->cond[zno] == BLK_ZONE_COND_NOT_WP || end < c->cap[zno]) {
				if (c->cond[zno] != BLK_ZONE_COND_NOT_WP)
					c->wp[zno] = end;
				return;
			}
		}
		break;
	case REQ_OP_READ:
		if (ok)
			ds->read_bytes += (uint64_t)io->nr_sectors << SECTOR_SHIFT;
		return;
	case REQ_OP_ZONE_RESET:
		ds->resets += ok;
		break;
	case REQ_OP_ZONE_RESET_ALL:
		ds->resets += ok;
		zno = 0;
		nr = c->pub.nr_zones;
		break;
	case REQ_OP_ZONE_FINISH:
		ds->finishes += ok;
		break;
	case REQ_OP_ZONE_OPEN:
		ds->opens += ok;
		break;
	case REQ_OP_ZONE_CLOSE:
		ds->closes += ok;
		break;
	default:
		return;
	}
	refresh(c, zno, nr);
}

static void cdev_submit(struct zw_dev *dev, struct zw_io *io)
{
	struct replay_cdev *c = CDEV(dev);

	before(c, io);
	c->inner->ops->submit(c->inner, io);
	after(c, io);
}

static void cdev_async_done(struct zw_io *io, void *arg)
{
	struct cdev_async a = *(struct cdev_async *)arg;

	free(arg);
	after(a.c, io);
	a.done(io, a.arg);
}

static int cdev_submit_async(struct zw_dev *dev, struct zw_io *io, zw_io_done_fn done, void *arg)
{
	struct replay_cdev *c = CDEV(dev);
	struct cdev_async *a = malloc(sizeof(*a));
	int ret;

	if (!a)
		return -ENOMEM;
	*a = (struct cdev_async){ .c = c, .done = done, .arg = arg };
	before(c, io);
	ret = c->inner->ops->submit_async(c->inner, io, cdev_async_done, a);
	if (ret)
		free(a);
	return ret;
}

static int cdev_report_zones(struct zw_dev *dev, unsigned int zno, unsigned int nr, struct blk_zone *zones)
{
	return zw_dev_report_zones(CDEV(dev)->inner, zno, nr, zones);
}

static int cdev_reap(struct zw_dev *dev, bool wait)
{
	return zw_dev_reap(CDEV(dev)->inner, wait);
}

static int cdev_inject(struct zw_dev *dev, const char *fault, char *err, size_t errlen)
{
	return zw_dev_inject(CDEV(dev)->inner, fault, err, errlen);
}

static void wrap_one(struct replay_cdev *c, unsigned int i, const struct blk_zone *z, void *arg)
{
	(void)arg;
	c->cond[i] = z->cond;
	c->wp[i] = z->wp == ZONE_WP_INVALID ? 0 : z->wp - z->start;
	c->cap[i] = z->capacity;
}

/* The block layer's hook as each device command ends (emulated devices: virtual time). */
static void device_done(void *arg, const struct bio *bio, uint64_t ns)
{
	struct replay *rp = arg;

	if ((unsigned int)bio->bi_op < REPLAY_DEV_OPS)
		lat_add(&rp->ds.lat[bio->bi_op], ns);
}

void replay_dev_wrap(struct replay *rp)
{
	struct replay_cdev *c = calloc(1, sizeof(*c));
	struct zw_dev *in = rp->st.dev;

	if (!c)
		return;
	c->inner = in;
	c->rp = rp;
	c->pub = *in;
	c->ops = *in->ops;
	c->ops.submit = cdev_submit;
	c->ops.report_zones = cdev_report_zones;
	c->ops.submit_async = in->ops->submit_async ? cdev_submit_async : NULL;
	c->ops.reap = in->ops->reap ? cdev_reap : NULL;
	c->ops.inject = in->ops->inject ? cdev_inject : NULL;
	c->ops.close = NULL;
	c->pub.ops = &c->ops;
	c->cond = calloc(in->nr_zones ? in->nr_zones : 1, 1);
	c->wp = calloc(in->nr_zones ? in->nr_zones : 1, sizeof(*c->wp));
	c->cap = calloc(in->nr_zones ? in->nr_zones : 1, sizeof(*c->cap));
	if (!c->cond || !c->wp || !c->cap) {
		free(c->cond);
		free(c->wp);
		free(c->cap);
		free(c);
		return;
	}
	/* zones the device does not report count as conventional */
	memset(c->cond, BLK_ZONE_COND_NOT_WP, in->nr_zones);
	for_each_reported(c, 0, in->nr_zones, wrap_one, NULL);
	for (unsigned int i = 0; i < in->nr_zones; i++)
		cond_count(c, c->cond[i], 1);
	add_row(c);
	rp->inner = in;
	rp->cdev = &c->pub;
	if (rp->st.bdevp) {
		rp->st.bdevp->dev = &c->pub;
		/* a real device's time is the wall clock's, which the block layer does not keep */
		if (!in->real) {
			rp->st.bdevp->on_complete = device_done;
			rp->st.bdevp->on_complete_arg = rp;
		}
	}
}

void replay_dev_unwrap(struct replay *rp)
{
	struct replay_cdev *c = rp->cdev ? CDEV(rp->cdev) : NULL;

	if (!c)
		return;
	if (rp->st.bdevp) {
		rp->st.bdevp->dev = c->inner;
		rp->st.bdevp->on_complete = NULL;
	}
	free(c->cond);
	free(c->wp);
	free(c->cap);
	free(c);
	rp->cdev = NULL;
	free(rp->ds.rows);
	rp->ds.rows = NULL;
}
