// SPDX-License-Identifier: MIT
/*
 * The emulated zoned device: the zone model decides, a store keeps the data
 * (memory or one file per zone), and injected faults fail I/O the way a
 * medium error would.  The command flow follows null_blk's
 * null_process_zoned_cmd(): check and implicitly open, do the I/O, and
 * advance the write pointer only when the I/O succeeded.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev_internal.h"
#include "dev_profile.h"
#include "log.h"
#include "pattern.h"

#define EMU(dev) ((struct emu_dev *)(dev))

static enum zone_personality emu_model(const struct emu_dev *e)
{
	return e->zm.geo.model;
}

/* An injected medium error on these sectors?  "once" faults disarm when hit. */
static bool emu_fault_hit(struct emu_dev *e, enum zw_fault_dir dir, sector_t sector,
			  unsigned int nr, struct zone_result *res)
{
	for (unsigned int i = 0; i < e->cfg.nr_errs; i++) {
		struct zw_fault_range *r = &e->cfg.errs[i];

		if (!r->nr || (r->dir != ZW_FAULT_RW && r->dir != dir))
			continue;
		if (sector >= r->sector + r->nr || r->sector >= sector + nr)
			continue;
		zone_fail(res, emu_model(e), dir == ZW_FAULT_READ ? ZERR_MEDIUM_READ : ZERR_MEDIUM_WRITE,
			  "injected %s error on sectors %" PRIu64 "+%" PRIu64,
			  dir == ZW_FAULT_READ ? "read" : "write", r->sector, r->nr);
		if (r->once)
			r->nr = 0;
		return true;
	}
	return false;
}

/* Split [sector, sector + nr) at zone ends and hand each piece to @fn. */
static blk_status_t emu_for_each_zone(struct emu_dev *e, sector_t sector, unsigned int nr,
				      char *buf,
				      blk_status_t (*fn)(struct emu_dev *, unsigned int, sector_t,
							 unsigned int, char *, struct zw_io *),
				      struct zw_io *io)
{
	while (nr) {
		unsigned int zno = zone_no(&e->zm, sector);
		const struct blk_zone *z = &e->zm.zones[zno];
		sector_t off = sector - z->start;
		unsigned int n = (unsigned int)(z->len - off < nr ? z->len - off : nr);
		blk_status_t sts = fn(e, zno, off, n, buf, io);

		if (sts)
			return sts;
		sector += n;
		nr -= n;
		if (buf)
			buf += (size_t)n << SECTOR_SHIFT;
	}
	return BLK_STS_OK;
}

static blk_status_t emu_store_write_piece(struct emu_dev *e, unsigned int zno, sector_t off,
					  unsigned int n, char *buf, struct zw_io *io)
{
	unsigned int lba_sectors = e->zm.geo.lba_size >> SECTOR_SHIFT;
	uint64_t first = ((e->zm.zones[zno].start + off) - io->sector) / lba_sectors;
	uint64_t nr = n / lba_sectors, i, run;
	blk_status_t sts;

	if (buf || !io->tags)
		return e->store->write(e, zno, off, n, buf, buf ? 0 : io->tag + first, &io->res);
	/* Per-block tags: store each run of consecutive tags as one tagged write. */
	for (i = 0; i < nr; i += run) {
		for (run = 1; i + run < nr && io->tags[first + i + run] == io->tags[first + i] + run; run++)
			;
		sts = e->store->write(e, zno, off + i * lba_sectors, (unsigned int)(run * lba_sectors),
				      NULL, io->tags[first + i], &io->res);
		if (sts)
			return sts;
	}
	return BLK_STS_OK;
}

/*
 * Memory-backed null_blk reads only what lies below a sequential zone's
 * write pointer and fills the rest with 0xFF bytes: null_transfer() copies
 * null_zone_valid_read_len() bytes, then nullb_fill_pattern()
 * (drivers/block/null_blk/main.c, zoned.c).  Seen on Linux 7.2: a read
 * above the wp of a null_blk zone returns 0xFF, not zeros.
 */
static void emu_nullblk_fill_above_wp(const struct emu_dev *e, unsigned int zno, sector_t off,
				      unsigned int n, char *buf)
{
	const struct blk_zone *z = &e->zm.zones[zno];
	sector_t valid, from;

	if (emu_model(e) != ZONE_MODEL_NULLBLK || !zone_is_seq(z) || z->wp == ZONE_WP_INVALID)
		return;
	valid = z->wp - z->start;
	if (off + n <= valid)
		return;
	from = off > valid ? off : valid;
	memset(buf + ((from - off) << SECTOR_SHIFT), 0xff, (size_t)(off + n - from) << SECTOR_SHIFT);
}

static blk_status_t emu_store_read_piece(struct emu_dev *e, unsigned int zno, sector_t off,
					 unsigned int n, char *buf, struct zw_io *io)
{
	blk_status_t sts = e->store->read(e, zno, off, n, buf, &io->res);

	if (!sts)
		emu_nullblk_fill_above_wp(e, zno, off, n, buf);
	return sts;
}

static void emu_write(struct emu_dev *e, struct zw_io *io)
{
	struct zone_result *res = &io->res;

	if (zone_write_prepare(&e->zm, io->op, io->sector, io->nr_sectors, res))
		return;
	io->sector = res->sector;	/* an append learns here where it lands */
	e->nr_writes++;
	if (e->cfg.fail_write && e->nr_writes == e->cfg.fail_write) {
		e->cfg.fail_write = 0;
		zone_fail(res, emu_model(e), ZERR_MEDIUM_WRITE,
			  "injected failure of write #%" PRIu64, e->nr_writes);
		return;
	}
	if (emu_fault_hit(e, ZW_FAULT_WRITE, io->sector, io->nr_sectors, res))
		return;
	if (io->segs && !io->buf) {
		/* the pieces in order, each straight from its segment into the store */
		sector_t s = io->sector;

		for (unsigned int i = 0; i < io->nr_segs; i++) {
			unsigned int n = (unsigned int)(io->segs[i].len >> SECTOR_SHIFT);

			if (emu_for_each_zone(e, s, n, (char *)io->segs[i].data, emu_store_write_piece, io))
				return;
			s += n;
		}
	} else if (emu_for_each_zone(e, io->sector, io->nr_sectors, io->buf, emu_store_write_piece, io)) {
		return;
	}
	zone_write_complete(&e->zm, io->sector, io->nr_sectors);
	res->sector = io->sector;
}

/*
 * A read into tags: the store's tags, or, for what null_blk fills above a
 * write pointer, the bytes decoded (0xFF fill is no tag: an I/O error, as
 * a tags-mode page cache treats data it cannot hold).
 */
static blk_status_t emu_store_read_tags_piece(struct emu_dev *e, unsigned int zno, sector_t off,
					      unsigned int n, char *buf, struct zw_io *io)
{
	const struct blk_zone *z = &e->zm.zones[zno];
	unsigned int lba_sectors = e->zm.geo.lba_size >> SECTOR_SHIFT;
	uint64_t *tags = io->rtags + ((z->start + off) - io->sector) / lba_sectors;
	blk_status_t sts;
	char *bytes;

	(void)buf;
	if (emu_model(e) != ZONE_MODEL_NULLBLK || !zone_is_seq(z) || z->wp == ZONE_WP_INVALID ||
	    off + n <= z->wp - z->start)
		return e->store->read_tags(e, zno, off, n, tags, &io->res);
	bytes = malloc((size_t)n << SECTOR_SHIFT);
	if (!bytes)
		return BLK_STS_RESOURCE;
	sts = emu_store_read_piece(e, zno, off, n, bytes, io);
	for (unsigned int b = 0; !sts && b < n / lba_sectors; b++)
		if (!zw_pattern_decode(bytes + (size_t)b * e->zm.geo.lba_size, e->zm.geo.lba_size, &tags[b]))
			sts = BLK_STS_IOERR;
	free(bytes);
	return sts;
}

static void emu_read(struct emu_dev *e, struct zw_io *io)
{
	blk_status_t sts;

	if (zone_read_check(&e->zm, io->sector, io->nr_sectors, &io->res))
		return;
	if (emu_fault_hit(e, ZW_FAULT_READ, io->sector, io->nr_sectors, &io->res))
		return;
	if (io->rtags) {
		sts = emu_for_each_zone(e, io->sector, io->nr_sectors, NULL, emu_store_read_tags_piece, io);
		if (sts)
			io->res.status = sts;
	} else if (io->buf) {
		emu_for_each_zone(e, io->sector, io->nr_sectors, io->buf, emu_store_read_piece, io);
	}
}

static void emu_mgmt(struct emu_dev *e, struct zw_io *io)
{
	struct zone_model *zm = &e->zm;
	unsigned int zno = zone_no(zm, io->sector), i;
	bool *had_data = NULL;

	if (io->op == REQ_OP_ZONE_RESET_ALL) {
		had_data = calloc(zm->nr_zones, sizeof(*had_data));
		if (!had_data) {
			zone_fail(&io->res, emu_model(e), ZERR_NOTSUPP, "out of memory");
			io->res.status = BLK_STS_RESOURCE;
			return;
		}
		for (i = 0; i < zm->nr_zones; i++)
			had_data[i] = zone_is_seq(&zm->zones[i]) &&
				      zm->zones[i].wp != zm->zones[i].start;
	}
	if (zone_mgmt(zm, io->op, io->sector, &io->res) == BLK_STS_OK) {
		if (io->op == REQ_OP_ZONE_RESET_ALL) {
			for (i = 0; i < zm->nr_zones; i++)
				if (had_data[i] && zm->zones[i].wp == zm->zones[i].start)
					e->store->reset(e, i);
		} else if (io->op == REQ_OP_ZONE_RESET) {
			e->store->reset(e, zno);
		} else if (io->op == REQ_OP_ZONE_FINISH) {
			e->store->finish(e, zno);
		}
	}
	free(had_data);
}

/* How full zone @zno is, as a fraction of its capacity, for the profile's curves. */
static double emu_zone_fill(const struct emu_dev *e, unsigned int zno)
{
	const struct blk_zone *z = &e->zm.zones[zno];

	if (!zone_is_seq(z) || !z->capacity)
		return 0;
	if (z->cond == BLK_ZONE_COND_FULL || z->wp == ZONE_WP_INVALID)
		return 1;
	return (double)(z->wp - z->start) / (double)z->capacity;
}

/* A zone management command's state before it runs, for its latency. */
static struct dev_profile_zone_cmd emu_zone_cmd(const struct emu_dev *e, enum req_op op,
						unsigned int zno)
{
	const struct blk_zone *z = &e->zm.zones[zno];
	struct dev_profile_zone_cmd c = {
		.op = op,
		.fill = emu_zone_fill(e, zno),
		.empty = z->cond == BLK_ZONE_COND_EMPTY,
	};

	if (z->cond == BLK_ZONE_COND_FULL && e->finish_fill_ppm[zno] != UINT32_MAX) {
		/* a finished zone's reset costs what was written before the finish */
		c.finished = true;
		c.fill = e->finish_fill_ppm[zno] / 1e6;
	}
	return c;
}

/* Zone management by the profile: the latency, and what a finish leaves behind. */
static void emu_mgmt_profiled(struct emu_dev *e, struct zw_io *io)
{
	const struct dev_profile *p = e->dev.profile;
	unsigned int zno = zone_no(&e->zm, io->sector), i;
	struct dev_profile_zone_cmd c;
	uint64_t ns = 0;

	if (io->op == REQ_OP_ZONE_RESET_ALL) {
		/* one reset per zone holding data, one after another */
		for (i = 0; i < e->zm.nr_zones; i++)
			if (zone_is_seq(&e->zm.zones[i]) && e->zm.zones[i].cond != BLK_ZONE_COND_EMPTY) {
				c = emu_zone_cmd(e, REQ_OP_ZONE_RESET, i);
				ns += dev_profile_zone_ns(p, &c);
			}
		emu_mgmt(e, io);
		if (!io->res.status)
			for (i = 0; i < e->zm.nr_zones; i++)
				e->finish_fill_ppm[i] = UINT32_MAX;
		io->lat_ns = ns;
		return;
	}
	if (zno >= e->zm.nr_zones) {
		emu_mgmt(e, io);
		io->lat_ns = 0;
		return;
	}
	c = emu_zone_cmd(e, io->op, zno);
	emu_mgmt(e, io);
	io->lat_ns = dev_profile_zone_ns(p, &c);
	if (io->res.status)
		return;
	if (io->op == REQ_OP_ZONE_RESET)
		e->finish_fill_ppm[zno] = UINT32_MAX;
	else if (io->op == REQ_OP_ZONE_FINISH && !c.finished)
		e->finish_fill_ppm[zno] = (uint32_t)(c.fill * 1e6);
}

/* A read, write or append by the profile: its size, the depth, and whether it opened its zone. */
static void emu_io_profiled(struct emu_dev *e, struct zw_io *io)
{
	unsigned int zno = zone_no(&e->zm, io->sector);
	bool was_closed = false, seek = io->sector != e->head;

	if (io->op != REQ_OP_READ && zno < e->zm.nr_zones)
		was_closed = e->zm.zones[zno].cond == BLK_ZONE_COND_EMPTY ||
			     e->zm.zones[zno].cond == BLK_ZONE_COND_CLOSED;
	if (io->op == REQ_OP_READ)
		emu_read(e, io);
	else
		emu_write(e, io);
	io->lat_ns = dev_profile_io_ns(e->dev.profile, io->op, (uint64_t)io->nr_sectors << SECTOR_SHIFT,
				       io->depth, was_closed && zno < e->zm.nr_zones &&
				       e->zm.zones[zno].cond == BLK_ZONE_COND_IMP_OPEN);
	if (seek && e->dev.profile->seek_ns > 0)
		io->lat_ns += (uint64_t)(e->dev.profile->seek_ns + 0.5);
	e->head = io->sector + io->nr_sectors;	/* an append: where it landed */
}

static void emu_submit(struct zw_dev *dev, struct zw_io *io)
{
	struct emu_dev *e = EMU(dev);

	zone_result_ok(&io->res);
	io->res.sector = 0;
	io->lat_ns = ZW_LAT_NONE;
	if (dev->profile) {
		switch (io->op) {
		case REQ_OP_READ:
		case REQ_OP_WRITE:
		case REQ_OP_ZONE_APPEND:
			emu_io_profiled(e, io);
			return;
		case REQ_OP_ZONE_OPEN:
		case REQ_OP_ZONE_CLOSE:
		case REQ_OP_ZONE_FINISH:
		case REQ_OP_ZONE_RESET:
		case REQ_OP_ZONE_RESET_ALL:
			emu_mgmt_profiled(e, io);
			return;
		default:
			io->lat_ns = dev_profile_io_ns(dev->profile, io->op, 0, io->depth, false);
			break;
		}
	}
	switch (io->op) {
	case REQ_OP_WRITE:
	case REQ_OP_ZONE_APPEND:
		emu_write(e, io);
		break;
	case REQ_OP_READ:
		emu_read(e, io);
		break;
	case REQ_OP_FLUSH:
		if (e->store->flush(e))
			zone_fail(&io->res, emu_model(e), ZERR_MEDIUM_WRITE, "flush failed: %s",
				  strerror(errno));
		break;
	case REQ_OP_ZONE_OPEN:
	case REQ_OP_ZONE_CLOSE:
	case REQ_OP_ZONE_FINISH:
	case REQ_OP_ZONE_RESET:
	case REQ_OP_ZONE_RESET_ALL:
		emu_mgmt(e, io);
		break;
	default:
		zone_fail(&io->res, emu_model(e), ZERR_NOTSUPP, "%s is not supported",
			  req_op_name(io->op));
		break;
	}
}

static int emu_report_zones(struct zw_dev *dev, unsigned int zno, unsigned int nr,
			    struct blk_zone *zones)
{
	struct emu_dev *e = EMU(dev);

	if (zno >= e->zm.nr_zones)
		return 0;
	if (nr > e->zm.nr_zones - zno)
		nr = e->zm.nr_zones - zno;
	memcpy(zones, &e->zm.zones[zno], nr * sizeof(*zones));
	return (int)nr;
}

static int emu_set_cond(struct emu_dev *e, unsigned int zno, enum blk_zone_cond cond,
			char *err, size_t errlen)
{
	struct zone_result res;
	bool had_data;

	if (zno >= e->zm.nr_zones) {
		snprintf(err, errlen, "no zone %u: the device has %u zones", zno, e->zm.nr_zones);
		return -EINVAL;
	}
	had_data = e->zm.zones[zno].cond != BLK_ZONE_COND_EMPTY;
	if (zone_set_cond(&e->zm, zno, cond, &res)) {
		snprintf(err, errlen, "%s", res.reason);
		return -EINVAL;
	}
	/* Restored to empty: its data is gone, as after a reset. */
	if (had_data && e->zm.zones[zno].cond == BLK_ZONE_COND_EMPTY)
		e->store->reset(e, zno);
	return e->store->cond_changed ? e->store->cond_changed(e, zno) : 0;
}

/*
 * "corrupt=SECTOR": the logical block holding SECTOR silently takes other
 * data (a whole block tagged for another place), as bit rot or a misdirected
 * write would leave it; the zone's condition and write pointer stay.  What
 * reads it back finds the wrong block: what --verify is to catch.
 */
static int emu_corrupt(struct emu_dev *e, const char *arg, char *err, size_t errlen)
{
	unsigned int lbs_sectors = e->dev.geo.lba_size >> SECTOR_SHIFT, zno;
	struct zone_result res;
	sector_t sector, off;
	char *end;

	errno = 0;
	sector = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || sector >= e->zm.geo.capacity) {
		snprintf(err, errlen, "corrupt=%s: a sector of the device (0 to %" PRIu64 ")", arg,
			 (uint64_t)e->zm.geo.capacity - 1);
		return -EINVAL;
	}
	sector -= sector % lbs_sectors;
	zno = zone_no(&e->zm, sector);
	off = sector - e->zm.zones[zno].start;
	zone_result_ok(&res);
	if (e->store->write(e, zno, off, lbs_sectors, NULL, zw_tag_write(sector / lbs_sectors + 1), &res)) {
		snprintf(err, errlen, "corrupt=%s: %s", arg, res.reason);
		return -EIO;
	}
	return 0;
}

static int emu_inject(struct zw_dev *dev, const char *fault, char *err, size_t errlen)
{
	struct emu_dev *e = EMU(dev);
	unsigned int nr_ro = e->cfg.nr_ro, nr_off = e->cfg.nr_offline, i;
	uint64_t fail_write;
	int ret;

	if (!strncmp(fault, "corrupt=", 8))
		return emu_corrupt(e, fault + 8, err, errlen);
	fail_write = e->cfg.fail_write;
	e->cfg.fail_write = 0;
	ret = zw_spec_apply(&e->cfg, fault, err, errlen);
	if (!ret && !strncmp(fault, "fail_write=", 11))
		e->cfg.fail_write += e->nr_writes;	/* counted from now */
	else
		e->cfg.fail_write = fail_write;
	if (ret)
		return ret;
	if (strncmp(fault, "ro=", 3) && strncmp(fault, "offline=", 8) &&
	    strncmp(fault, "err=", 4) && strncmp(fault, "fail_write=", 11)) {
		snprintf(err, errlen, "'%s' is not a fault (accepted: ro=Z, offline=Z, err=SECTOR:NR[:once][:read|:write], fail_write=N, corrupt=SECTOR)",
			 fault);
		return -EINVAL;
	}
	for (i = nr_ro; i < e->cfg.nr_ro && !ret; i++)
		ret = emu_set_cond(e, e->cfg.ro[i], BLK_ZONE_COND_READONLY, err, errlen);
	for (i = nr_off; i < e->cfg.nr_offline && !ret; i++)
		ret = emu_set_cond(e, e->cfg.offline[i], BLK_ZONE_COND_OFFLINE, err, errlen);
	/* The lists hold what was asked at open time; runtime zone faults live in the model. */
	e->cfg.nr_ro = nr_ro;
	e->cfg.nr_offline = nr_off;
	return ret;
}

static void emu_close(struct zw_dev *dev)
{
	struct emu_dev *e = EMU(dev);

	if (e->store && e->store->free)
		e->store->free(e);
	zone_model_free(&e->zm);
	free(e->finish_fill_ppm);
	zw_spec_free(&e->cfg);
	free(dev->spec);
	free(e);
}

static const struct zw_dev_ops emu_dev_ops = {
	.kind = "emu",
	.report_zones = emu_report_zones,
	.submit = emu_submit,
	.inject = emu_inject,
	.close = emu_close,
};

static const struct zw_dev_ops file_dev_ops = {
	.kind = "file",
	.report_zones = emu_report_zones,
	.submit = emu_submit,
	.inject = emu_inject,
	.close = emu_close,
};

/* Every change of a zone's condition, in the event log. */
static void emu_cond_changed(void *arg, unsigned int zno, uint8_t from, uint8_t to)
{
	struct emu_dev *e = arg;

	zw_log_zone_cond(e->dev.log, zno, from, to);
}

/* A zone fault named in the spec: a file: device may carry it already. */
static int emu_open_fault(struct emu_dev *e, unsigned int zno, enum blk_zone_cond cond,
			  char *err, size_t errlen)
{
	if (zno < e->zm.nr_zones && e->zm.zones[zno].cond == cond)
		return 0;
	return emu_set_cond(e, zno, cond, err, errlen);
}

int emu_dev_open(const char *spec, struct zw_dev **devp, char *err, size_t errlen)
{
	struct emu_dev *e = calloc(1, sizeof(*e));
	char *geo;
	int ret;

	*devp = NULL;
	if (!e) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = zw_spec_parse(spec, &e->cfg, err, errlen);
	if (ret) {
		free(e);
		return ret;
	}
	e->dev.ops = strcmp(e->cfg.kind, "file") ? &emu_dev_ops : &file_dev_ops;
	ret = zw_spec_finish(&e->cfg, err, errlen);
	/* The file store may take the geometry from the directory first. */
	if (!ret)
		ret = e->dev.ops == &file_dev_ops ? emu_store_file_init(e, err, errlen)
						  : zone_model_init(&e->zm, &e->cfg.geo, err, errlen);
	if (!ret && e->dev.ops == &emu_dev_ops)
		ret = emu_store_mem_init(e, err, errlen);
	if (!ret && e->cfg.profile) {
		e->finish_fill_ppm = malloc(e->zm.nr_zones * sizeof(*e->finish_fill_ppm));
		if (!e->finish_fill_ppm) {
			snprintf(err, errlen, "out of memory");
			ret = -ENOMEM;
		} else {
			memset(e->finish_fill_ppm, 0xff, e->zm.nr_zones * sizeof(*e->finish_fill_ppm));
		}
	}
	for (unsigned int i = 0; !ret && i < e->cfg.nr_ro; i++)
		ret = emu_open_fault(e, e->cfg.ro[i], BLK_ZONE_COND_READONLY, err, errlen);
	for (unsigned int i = 0; !ret && i < e->cfg.nr_offline; i++)
		ret = emu_open_fault(e, e->cfg.offline[i], BLK_ZONE_COND_OFFLINE, err, errlen);
	if (ret) {
		emu_close(&e->dev);
		return ret;
	}
	e->dev.geo = e->zm.geo;		/* with the personality's clamps applied */
	e->zm.on_cond_change = emu_cond_changed;
	e->zm.on_cond_change_arg = e;
	e->dev.nr_zones = e->zm.nr_zones;
	e->dev.data_mode = e->cfg.data_mode;
	e->dev.reads_tags = e->cfg.data_mode == ZW_DATA_TAGS && e->store->read_tags;
	e->dev.writes_segs = e->cfg.data_mode == ZW_DATA_BYTES;
	e->dev.profile = e->cfg.profile;
	geo = zw_spec_geometry_string(&e->cfg);
	if (!geo || asprintf(&e->dev.spec, "%s:%s%s%s%s%s", e->cfg.kind,
			     e->cfg.path ? e->cfg.path : "", e->cfg.path ? "," : "", geo,
			     e->cfg.profile ? ",profile=" : "",
			     e->cfg.profile ? e->cfg.profile_name : "") < 0)
		e->dev.spec = NULL;
	free(geo);
	*devp = &e->dev;
	return 0;
}

int zw_dev_fault_check(const struct zw_dev *dev, const char *fault, char *err, size_t errlen)
{
	const struct emu_dev *e = (const struct emu_dev *)dev;
	struct zw_dev_config scratch = { 0 };
	int ret;

	if (!dev->ops->inject) {
		snprintf(err, errlen, "%s devices take no injected faults (emu: and file: do)", dev->ops->kind);
		return -EOPNOTSUPP;
	}
	if (!strncmp(fault, "corrupt=", 8))
		return 0;
	if (strncmp(fault, "ro=", 3) && strncmp(fault, "offline=", 8) &&
	    strncmp(fault, "err=", 4) && strncmp(fault, "fail_write=", 11)) {
		snprintf(err, errlen, "not a fault (accepted: ro=Z, offline=Z, err=SECTOR:NR[:once][:read|:write], fail_write=N, corrupt=SECTOR)");
		return -EINVAL;
	}
	ret = zw_spec_apply(&scratch, fault, err, errlen);
	for (unsigned int i = 0; !ret && i < scratch.nr_ro + scratch.nr_offline; i++) {
		unsigned int zno = i < scratch.nr_ro ? scratch.ro[i] : scratch.offline[i - scratch.nr_ro];

		if (zno >= e->zm.nr_zones) {
			snprintf(err, errlen, "zone %u does not exist (the device has zones 0 to %u)",
				 zno, e->zm.nr_zones - 1);
			ret = -EINVAL;
		} else if (!zone_is_seq(&e->zm.zones[zno])) {
			snprintf(err, errlen, "zone %u is conventional: only sequential zones can be made read-only or offline",
				 zno);
			ret = -EINVAL;
		}
	}
	zw_spec_free(&scratch);
	return ret;
}
