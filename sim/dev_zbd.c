// SPDX-License-Identifier: MIT
/*
 * zbd: any zoned block device (null_blk, SMR, ZNS, ZBC) through libzbd and
 * the kernel's block layer.  Reads and writes use O_DIRECT at the offsets
 * asked; the kernel splits and plugs them.  The block device offers no zone
 * append to user space, so an append is emulated per zone: a write at the
 * zone's write pointer, one at a time (the kernel's plugging idea), which
 * returns where it landed.
 *
 * With qd=N > 1 (zbd:/dev/X,qd=N), reads and writes may also go
 * asynchronously through io_uring, at most N in flight, their completions
 * reaped by the caller (zw_dev_reap(), a sim_loop's ext_poll hook); zone
 * appends, zone management and flushes stay synchronous, after what is in
 * flight has completed.
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
#include <liburing.h>
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

/* An asynchronous command in flight. */
struct zbd_req {
	struct zw_io *io;
	zw_io_done_fn done;
	void *arg;
	void *buf;		/* the aligned buffer the kernel reads or writes */
	size_t len;
	struct zbd_req *next_free;
};

struct zbd_dev {
	struct zw_dev dev;
	int fd;
	bool writable;
	char *path;
	struct zbd_zone *zbuf;	/* report buffer */
	void *sbuf;		/* synchronous commands' buffer (zbd_sync_buffer()) */
	size_t sbuf_len;
	unsigned int zbuf_nr;
	/* qd > 1: io_uring */
	bool ring_ok;
	struct io_uring ring;
	struct zbd_req *reqs, *free_reqs;	/* qd of them */
	unsigned int inflight;
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

/* Fill @buf with what the io carries. */
static void *zbd_buffer_fill(const struct zw_dev *dev, const struct zw_io *io, void *buf, size_t len)
{
	unsigned int lbs = dev->geo.lba_size;

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

/* A new buffer filled with what the io carries (an asynchronous command's own). */
static void *zbd_io_buffer(const struct zw_dev *dev, const struct zw_io *io, size_t len)
{
	return zbd_buffer_fill(dev, io, zbd_buffer_alloc(len), len);
}

/* A read or write done: @n bytes, or -errno (pread/pwrite's or io_uring's). */
static void zbd_rw_end_keep(struct zw_io *io, void *buf, size_t len, ssize_t n)
{
	if (n < 0)
		zbd_fail(io, (int)-n, io->op == REQ_OP_READ ? "read" : "write");
	else if ((size_t)n != len)
		zbd_fail(io, EIO, io->op == REQ_OP_READ ? "short read" : "short write");
	else if (io->op == REQ_OP_READ && io->buf)
		memcpy(io->buf, buf, len);
}

/* The same for an asynchronous command, whose buffer goes with it. */
static void zbd_rw_end(struct zw_io *io, void *buf, size_t len, ssize_t n)
{
	zbd_rw_end_keep(io, buf, len, n);
	munmap(buf, len);
}

/*
 * The buffer of synchronous commands, kept and grown (the same 4 KiB pages,
 * no huge pages): a new one each command costs a mapping and a page fault
 * per page, which under the VM tier's TCG was a good part of a command.
 */
static void *zbd_sync_buffer(struct zbd_dev *zd, size_t len)
{
	if (len > zd->sbuf_len) {
		size_t n = (len + (1u << 20) - 1) & ~(size_t)((1u << 20) - 1);
		void *buf = zbd_buffer_alloc(n);

		if (!buf)
			return NULL;
		if (zd->sbuf)
			munmap(zd->sbuf, zd->sbuf_len);
		zd->sbuf = buf;
		zd->sbuf_len = n;
	}
	return zd->sbuf;
}

static void zbd_rw(struct zbd_dev *zd, struct zw_io *io)
{
	size_t len = (size_t)io->nr_sectors << SECTOR_SHIFT;
	off_t ofst = (off_t)(io->sector << SECTOR_SHIFT);
	void *buf = zbd_buffer_fill(&zd->dev, io, zbd_sync_buffer(zd, len), len);
	ssize_t n;

	if (!buf) {
		zbd_fail(io, ENOMEM, "buffer");
		return;
	}
	if (io->op == REQ_OP_READ)
		n = pread(zd->fd, buf, len, ofst);
	else
		n = pwrite(zd->fd, buf, len, ofst);
	zbd_rw_end_keep(io, buf, len, n < 0 ? -errno : n);
}

/* Complete what io_uring has finished; with @wait, at least one when any is in flight. */
/*
 * Submit what is published in the submission ring but not yet taken by the
 * kernel.  A busy ring (-EAGAIN, -EBUSY) is retried before the next wait
 * for a completion (zbd_reap()); any other error is the caller's.
 */
static int zbd_flush_sq(struct zbd_dev *zd)
{
	while (io_uring_sq_ready(&zd->ring)) {
		int ret = io_uring_submit(&zd->ring);

		if (ret == -EINTR)
			continue;
		if (ret == -EAGAIN || ret == -EBUSY)
			return 0;
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int zbd_reap(struct zw_dev *dev, bool wait)
{
	struct zbd_dev *zd = ZBD(dev);
	int done = 0;
	int ret = zbd_flush_sq(zd);

	if (ret < 0)
		return ret;

	while (zd->inflight) {
		struct io_uring_cqe *cqe;
		struct zbd_req *rq;

		ret = wait && !done ? io_uring_wait_cqe(&zd->ring, &cqe)
				    : io_uring_peek_cqe(&zd->ring, &cqe);

		if (ret == -EAGAIN)
			break;
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			return ret;
		rq = io_uring_cqe_get_data(cqe);
		zbd_rw_end(rq->io, rq->buf, rq->len, cqe->res);
		io_uring_cqe_seen(&zd->ring, cqe);
		rq->io->res.sector = rq->io->sector;
		zd->inflight--;
		rq->next_free = zd->free_reqs;
		zd->free_reqs = rq;
		rq->done(rq->io, rq->arg);
		done++;
	}
	return done;
}

/* Wait for everything in flight (before a synchronous command). */
static int zbd_drain(struct zbd_dev *zd)
{
	while (zd->inflight) {
		int ret = zbd_reap(&zd->dev, true);

		if (ret < 0)
			return ret;
	}
	return 0;
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

/* Refuse a change to a device opened read-only; true when refused. */
static bool zbd_refuse(struct zbd_dev *zd, struct zw_io *io)
{
	if (zd->writable || io->op == REQ_OP_READ)
		return false;
	io->res.status = BLK_STS_NOTSUPP;
	snprintf(io->res.reason, sizeof(io->res.reason),
		 "%s was opened read-only: pass --force to change a real device", zd->path);
	return true;
}

static void zbd_submit(struct zw_dev *dev, struct zw_io *io)
{
	struct zbd_dev *zd = ZBD(dev);
	int ret;

	zone_result_ok(&io->res);
	if (zbd_refuse(zd, io))
		return;
	if (zd->ring_ok && (ret = zbd_drain(zd))) {
		zbd_fail(io, -ret, "waiting for the I/O in flight");
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

static int zbd_submit_async(struct zw_dev *dev, struct zw_io *io, zw_io_done_fn done, void *arg)
{
	struct zbd_dev *zd = ZBD(dev);
	struct io_uring_sqe *sqe;
	struct zbd_req *rq;
	int ret;

	if (io->op != REQ_OP_READ && io->op != REQ_OP_WRITE) {
		zbd_submit(dev, io);	/* synchronous, after what is in flight */
		done(io, arg);
		return 0;
	}
	zone_result_ok(&io->res);
	if (zbd_refuse(zd, io)) {
		done(io, arg);
		return 0;
	}
	while (!zd->free_reqs) {	/* qd in flight: wait for one */
		ret = zbd_reap(dev, true);
		if (ret < 0)
			return ret;
	}
	rq = zd->free_reqs;
	rq->len = (size_t)io->nr_sectors << SECTOR_SHIFT;
	rq->buf = zbd_io_buffer(dev, io, rq->len);
	if (!rq->buf)
		return -ENOMEM;
	sqe = io_uring_get_sqe(&zd->ring);
	if (!sqe) {	/* cannot be: the ring has qd entries */
		munmap(rq->buf, rq->len);
		return -EBUSY;
	}
	if (io->op == REQ_OP_READ)
		io_uring_prep_read(sqe, zd->fd, rq->buf, (unsigned int)rq->len, io->sector << SECTOR_SHIFT);
	else
		io_uring_prep_write(sqe, zd->fd, rq->buf, (unsigned int)rq->len, io->sector << SECTOR_SHIFT);
	rq->io = io;
	rq->done = done;
	rq->arg = arg;
	io_uring_sqe_set_data(sqe, rq);
	/*
	 * From here the SQE belongs to the ring: liburing publishes it even
	 * when io_uring_enter() then fails, and the kernel may still take it,
	 * so the request (and its buffer) stays in flight either way.
	 */
	zd->free_reqs = rq->next_free;
	zd->inflight++;
	return zbd_flush_sq(zd);
}

static void zbd_dev_close(struct zw_dev *dev)
{
	struct zbd_dev *zd = ZBD(dev);

	if (zd->ring_ok) {
		zbd_drain(zd);
		io_uring_queue_exit(&zd->ring);
	}
	free(zd->reqs);
	if (zd->sbuf)
		munmap(zd->sbuf, zd->sbuf_len);
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

/* qd > 1: reads and writes may also go through io_uring */
static const struct zw_dev_ops zbd_dev_ops_async = {
	.kind = "zbd",
	.report_zones = zbd_dev_report_zones,
	.submit = zbd_submit,
	.submit_async = zbd_submit_async,
	.reap = zbd_reap,
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

int zbd_dev_open(const char *path, unsigned int qd, unsigned int flags, struct zw_dev **devp,
		 char *err, size_t errlen)
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
	zd->dev.qd = qd;
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
	if (qd > 1) {
		zd->reqs = calloc(qd, sizeof(*zd->reqs));
		if (!zd->reqs) {
			snprintf(err, errlen, "out of memory");
			ret = -ENOMEM;
			goto fail;
		}
		for (unsigned int i = 0; i < qd; i++) {
			zd->reqs[i].next_free = zd->free_reqs;
			zd->free_reqs = &zd->reqs[i];
		}
		ret = io_uring_queue_init(qd, &zd->ring, 0);
		if (ret < 0) {
			snprintf(err, errlen, "%s: qd=%u: io_uring: %s", path, qd, strerror(-ret));
			goto fail;
		}
		zd->ring_ok = true;
		zd->dev.ops = &zbd_dev_ops_async;
	}
	if ((qd > 1 ? asprintf(&zd->dev.spec, "zbd:%s,qd=%u", path, qd)
		    : asprintf(&zd->dev.spec, "zbd:%s", path)) < 0)
		zd->dev.spec = NULL;
	*devp = &zd->dev;
	return 0;
fail:
	zbd_dev_close(&zd->dev);
	return ret;
}
