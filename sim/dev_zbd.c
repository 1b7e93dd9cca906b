// SPDX-License-Identifier: MIT
/*
 * zbd: any zoned block device (null_blk, SMR, ZNS, ZBC) through libzbd and
 * the kernel's block layer.  Reads and writes use O_DIRECT at the offsets
 * asked; the kernel splits and plugs them.  The block device offers no zone
 * append to user space, so an append is emulated per zone: a write at the
 * zone's write pointer, one at a time (the kernel's plugging idea), which
 * returns where it landed.
 *
 * Safety: the device is opened for writing only with ZW_DEV_FORCE, and
 * never when it is mounted or carries a file system signature (libblkid).
 * Errors keep their meaning: the errno the kernel returned, mapped back to
 * the block status it comes from.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <libzbd/zbd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dev_internal.h"
#include "pattern.h"

struct zbd_dev {
	struct zw_dev dev;
	int fd;
	bool writable;
	char *path;
	struct zbd_zone *zbuf;	/* report buffer */
	unsigned int zbuf_nr;
};

#define ZBD(dev) ((struct zbd_dev *)(dev))

static void zbd_to_blk_zone(const struct zbd_zone *zz, struct blk_zone *z)
{
	memset(z, 0, sizeof(*z));
	/* libzbd speaks bytes; struct blk_zone speaks sectors */
	z->start = zz->start >> SECTOR_SHIFT;
	z->len = zz->len >> SECTOR_SHIFT;
	z->capacity = zz->capacity >> SECTOR_SHIFT;
	z->wp = zz->wp >> SECTOR_SHIFT;
	z->type = (uint8_t)zz->type;
	z->cond = (uint8_t)zz->cond;
	if (z->cond == BLK_ZONE_COND_NOT_WP || z->cond == BLK_ZONE_COND_READONLY ||
	    z->cond == BLK_ZONE_COND_OFFLINE)
		z->wp = ZONE_WP_INVALID;
}

static int zbd_dev_report_zones(struct zw_dev *dev, unsigned int zno, unsigned int nr,
				struct blk_zone *zones)
{
	struct zbd_dev *zd = ZBD(dev);
	unsigned int got = 0;

	if (zno >= dev->nr_zones)
		return 0;
	if (nr > dev->nr_zones - zno)
		nr = dev->nr_zones - zno;
	while (got < nr) {
		unsigned int n = nr - got < zd->zbuf_nr ? nr - got : zd->zbuf_nr;
		off_t ofst = (off_t)((zno + got) * dev->geo.zone_size) << SECTOR_SHIFT;

		if (zbd_report_zones(zd->fd, ofst, (off_t)((uint64_t)n * dev->geo.zone_size) << SECTOR_SHIFT,
				     ZBD_RO_ALL, zd->zbuf, &n))
			return -errno;
		if (!n)
			break;
		for (unsigned int i = 0; i < n; i++)
			zbd_to_blk_zone(&zd->zbuf[i], &zones[got + i]);
		got += n;
	}
	return (int)got;
}

static void zbd_fail(struct zw_io *io, int err, const char *what)
{
	io->res.status = errno_to_blk_status(-err);
	snprintf(io->res.reason, sizeof(io->res.reason), "%s: %s (%s)", what, strerror(err),
		 errno_name(-err));
}

/*
 * A page-aligned buffer of 4 KiB pages, never huge pages: direct I/O builds
 * its bios from the buffer's pages (__blkdev_direct_IO(),
 * bio_iov_iter_get_pages()), merging physically contiguous ones into one
 * segment, so a buffer backed by transparent huge pages gets bios larger
 * than 1 MiB and a write the block layer splits fails at a point that
 * depends on where the pages happen to lie.  Seen on Linux 7.2: a 48 MiB
 * write across a zone's capacity stopped at a different block on each run
 * with THP, always at the model's (1 MiB bios of 256 pages) without.
 */
static void *zbd_buffer_alloc(size_t len)
{
	void *buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED)
		return NULL;
	madvise(buf, len, MADV_NOHUGEPAGE);	/* before the first touch */
	return buf;
}

/* Fill a buffer with what the io carries. */
static void *zbd_io_buffer(const struct zw_dev *dev, const struct zw_io *io, size_t len)
{
	unsigned int lbs = dev->geo.lba_size;
	void *buf = zbd_buffer_alloc(len);

	if (!buf)
		return NULL;
	if (io->op == REQ_OP_READ)
		return buf;
	if (io->buf) {
		memcpy(buf, io->buf, len);
		return buf;
	}
	for (size_t b = 0; b < len / lbs; b++)
		zw_pattern_fill((char *)buf + b * lbs, lbs, io->tags ? io->tags[b] : io->tag + b);
	return buf;
}

static void zbd_rw(struct zbd_dev *zd, struct zw_io *io)
{
	size_t len = (size_t)io->nr_sectors << SECTOR_SHIFT;
	off_t ofst = (off_t)(io->sector << SECTOR_SHIFT);
	void *buf = zbd_io_buffer(&zd->dev, io, len);
	ssize_t n;

	if (!buf) {
		zbd_fail(io, ENOMEM, "buffer");
		return;
	}
	if (io->op == REQ_OP_READ)
		n = pread(zd->fd, buf, len, ofst);
	else
		n = pwrite(zd->fd, buf, len, ofst);
	if (n < 0)
		zbd_fail(io, errno, io->op == REQ_OP_READ ? "read" : "write");
	else if ((size_t)n != len)
		zbd_fail(io, EIO, io->op == REQ_OP_READ ? "short read" : "short write");
	else if (io->op == REQ_OP_READ && io->buf)
		memcpy(io->buf, buf, len);
	munmap(buf, len);
}

/*
 * Zone append emulated from user space: learn the zone's write pointer and
 * write there.  Commands are synchronous, so there is one write in flight
 * per zone, as the kernel's zone write plug would have it.  The checks are
 * the kernel's: blk_check_zone_append() (a sequential zone's start, no
 * larger than the append limit, which for emulated append is max_sectors),
 * and blk_zone_wplug_handle_write() for a full zone: it has no write plug,
 * a new one starts at the append's own offset, the zone start, so the
 * emulated append is a write there, and the device answers it (ZBC:
 * -EREMOTEIO, as zwsim's model of the plug says).
 */
static void zbd_append(struct zbd_dev *zd, struct zw_io *io)
{
	const struct zone_geometry *g = &zd->dev.geo;
	unsigned int zno = (unsigned int)(io->sector / g->zone_size);
	unsigned int limit = g->max_append_sectors ? g->max_append_sectors : g->max_hw_sectors;
	struct blk_zone z;
	int ret = zbd_dev_report_zones(&zd->dev, zno, 1, &z);

	if (ret != 1) {
		zbd_fail(io, ret < 0 ? -ret : EIO, "zone report");
		return;
	}
	if (io->sector != z.start || z.type == BLK_ZONE_TYPE_CONVENTIONAL) {
		zbd_fail(io, EIO, "zone append not at the start of a sequential zone");
		return;
	}
	if (limit && io->nr_sectors > limit) {
		zbd_fail(io, EIO, "zone append larger than the device's zone append limit");
		return;
	}
	if (z.cond != BLK_ZONE_COND_FULL && z.wp == ZONE_WP_INVALID) {
		zbd_fail(io, EIO, "zone append to a zone without a valid write pointer");
		return;
	}
	io->sector = z.cond == BLK_ZONE_COND_FULL ? z.start : z.wp;
	io->op = REQ_OP_WRITE;
	zbd_rw(zd, io);
	io->op = REQ_OP_ZONE_APPEND;
}

static void zbd_mgmt(struct zbd_dev *zd, struct zw_io *io)
{
	enum zbd_zone_op op;
	off_t ofst = (off_t)(io->sector << SECTOR_SHIFT);
	off_t len = (off_t)(zd->dev.geo.zone_size << SECTOR_SHIFT);

	switch (io->op) {
	case REQ_OP_ZONE_OPEN: op = ZBD_OP_OPEN; break;
	case REQ_OP_ZONE_CLOSE: op = ZBD_OP_CLOSE; break;
	case REQ_OP_ZONE_FINISH: op = ZBD_OP_FINISH; break;
	case REQ_OP_ZONE_RESET_ALL:
		/* blkdev_zone_mgmt() turns a whole-device reset into REQ_OP_ZONE_RESET_ALL. */
		ofst = 0;
		len = (off_t)(zd->dev.geo.capacity << SECTOR_SHIFT);
		op = ZBD_OP_RESET;
		break;
	default: op = ZBD_OP_RESET; break;
	}
	if (zbd_zones_operation(zd->fd, op, ofst, len))
		zbd_fail(io, errno, req_op_name(io->op));
}

static void zbd_submit(struct zw_dev *dev, struct zw_io *io)
{
	struct zbd_dev *zd = ZBD(dev);

	zone_result_ok(&io->res);
	if (!zd->writable && io->op != REQ_OP_READ) {
		io->res.status = BLK_STS_NOTSUPP;
		snprintf(io->res.reason, sizeof(io->res.reason),
			 "%s was opened read-only: pass --force to change a real device",
			 zd->path);
		return;
	}
	switch (io->op) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		zbd_rw(zd, io);
		break;
	case REQ_OP_ZONE_APPEND:
		zbd_append(zd, io);
		break;
	case REQ_OP_FLUSH:
		if (fdatasync(zd->fd))
			zbd_fail(io, errno, "flush");
		break;
	default:
		zbd_mgmt(zd, io);
		break;
	}
	io->res.sector = io->sector;
}

static void zbd_dev_close(struct zw_dev *dev)
{
	struct zbd_dev *zd = ZBD(dev);

	if (zd->fd >= 0)
		zbd_close(zd->fd);
	free(zd->zbuf);
	free(zd->path);
	free(dev->spec);
	free(zd);
}

static const struct zw_dev_ops zbd_dev_ops = {
	.kind = "zbd",
	.report_zones = zbd_dev_report_zones,
	.submit = zbd_submit,
	.close = zbd_dev_close,
};

/*
 * Where the block layer splits: max_sectors in 512-byte sectors (BLKSECTGET),
 * exact where sysfs rounds it down to KiB (null_blk's 255 sectors are
 * "127" in max_sectors_kb, 254 sectors).
 */
static unsigned int zbd_max_sectors(int fd, const char *path)
{
	unsigned short max = 0;

	if (!ioctl(fd, BLKSECTGET, &max) && max)
		return max;
	return (unsigned int)zw_sysfs_queue_value(path, "max_sectors_kb", 128) * 2;
}

int zbd_dev_open(const char *path, unsigned int flags, struct zw_dev **devp, char *err,
		 size_t errlen)
{
	struct zbd_dev *zd = calloc(1, sizeof(*zd));
	struct zone_geometry *g;
	struct zbd_info info;
	struct blk_zone *zones;
	int ret;

	if (!zd) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	zd->fd = -1;
	zd->dev.ops = &zbd_dev_ops;
	zd->dev.real = true;
	zd->path = strdup(path);
	zd->writable = flags & ZW_DEV_FORCE;
	if (zd->writable && (ret = zw_real_dev_safe_to_write(path, err, errlen)))
		goto fail;
	zbd_set_log_level(ZBD_LOG_NONE);
	zd->fd = zbd_open(path, (zd->writable ? O_RDWR : O_RDONLY) | O_DIRECT, &info);
	if (zd->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
			 errno == ENOTBLK || errno == ENXIO || errno == EINVAL ? " (not a zoned block device?)" : "");
		zd->fd = -1;
		goto fail;
	}
	g = &zd->dev.geo;
	g->capacity = info.nr_sectors;
	g->zone_size = info.zone_sectors;
	g->lba_size = info.lblock_size;
	g->max_open = info.max_nr_open_zones;
	g->max_active = info.max_nr_active_zones;
	g->max_hw_sectors = zbd_max_sectors(zd->fd, path);
	g->max_append_sectors = (unsigned int)(zw_sysfs_queue_value(path, "zone_append_max_bytes", 0) >> SECTOR_SHIFT);
	g->model = !strncmp(basename(zd->path), "nvme", 4) ? ZONE_MODEL_ZNS :
		   !strncmp(basename(zd->path), "sd", 2) ? ZONE_MODEL_ZBC : ZONE_MODEL_NULLBLK;
	/*
	 * sd_zbc gives SCSI disks no native zone append: the block layer
	 * emulates it, and zone_append_max_bytes shows that emulation's limit.
	 */
	if (g->model == ZONE_MODEL_ZBC)
		g->max_append_sectors = 0;
	zd->dev.nr_zones = info.nr_zones;
	zd->zbuf_nr = 4096;
	zd->zbuf = calloc(zd->zbuf_nr, sizeof(*zd->zbuf));
	zones = calloc(info.nr_zones, sizeof(*zones));
	if (!zd->zbuf || !zones) {
		free(zones);
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto fail;
	}
	ret = zbd_dev_report_zones(&zd->dev, 0, info.nr_zones, zones);
	if (ret != (int)info.nr_zones) {
		free(zones);
		snprintf(err, errlen, "%s: zone report failed", path);
		ret = -EIO;
		goto fail;
	}
	for (unsigned int i = 0; i < info.nr_zones; i++) {
		if (zones[i].type == BLK_ZONE_TYPE_CONVENTIONAL)
			g->nr_conv++;
		else if (!g->zone_capacity)
			g->zone_capacity = zones[i].capacity;
		g->seq_pref |= zones[i].type == BLK_ZONE_TYPE_SEQWRITE_PREF;
	}
	free(zones);
	if (asprintf(&zd->dev.spec, "zbd:%s", path) < 0)
		zd->dev.spec = NULL;
	*devp = &zd->dev;
	return 0;
fail:
	zbd_dev_close(&zd->dev);
	return ret;
}
