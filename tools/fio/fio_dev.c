// SPDX-License-Identifier: MIT
/* The emulated device as fio's jobs share it (fio_dev.h). */
#include "fio_dev.h"

#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blk.h"
#include "dev.h"
#include "dev_profile.h"

/* The kernel's direct I/O makes bios of at most BIO_MAX_VECS pages (__blkdev_direct_IO()). */
#define FIO_DEV_BIO_MAX	((uint64_t)BIO_MAX_VECS * 4096)

struct fio_dev {
	struct fio_dev *next;
	char *key;			/* the spec as the job gave it */
	unsigned int users;
	pthread_mutex_t lock;
	struct zw_dev *dev;
	struct sim_loop loop;
	struct block_device bdev;
	unsigned int lba_shift;		/* log2 of the logical block size (a power of two) */
};

static struct fio_dev *bdev_to_fio_dev(struct block_device *bdev)
{
	return (struct fio_dev *)((char *)bdev - offsetof(struct fio_dev, bdev));
}

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fio_dev *registry;

static void fio_dev_free(struct fio_dev *d)
{
	blkdev_free(&d->bdev);
	sim_loop_free(&d->loop);
	zw_dev_close(d->dev);
	pthread_mutex_destroy(&d->lock);
	free(d->key);
	free(d);
}

static int fio_dev_open(const char *spec, struct fio_dev **devp, char *err, size_t errlen)
{
	struct fio_dev *d;
	int ret;

	if (strncmp(spec, "emu:", 4) && strncmp(spec, "file:", 5)) {
		snprintf(err, errlen, "zwsim-fio drives emulated devices (emu:..., file:...); run fio's own engines on a real one");
		return -EINVAL;
	}
	d = calloc(1, sizeof(*d));
	if (!d || !(d->key = strdup(spec))) {
		free(d);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&d->lock, NULL);
	ret = zw_dev_open(spec, 0, &d->dev, err, errlen);
	if (ret) {
		pthread_mutex_destroy(&d->lock);
		free(d->key);
		free(d);
		return ret;
	}
	sim_loop_init(&d->loop, SIM_COMPLETE_FIFO, 1);
	ret = blkdev_init(&d->bdev, d->dev, &d->loop, NULL, err, errlen);
	if (ret) {
		sim_loop_free(&d->loop);
		zw_dev_close(d->dev);
		pthread_mutex_destroy(&d->lock);
		free(d->key);
		free(d);
		return ret;
	}
	while ((1u << d->lba_shift) < d->bdev.lim.logical_block_size)
		d->lba_shift++;
	*devp = d;
	return 0;
}

int fio_dev_get(const char *spec, struct fio_dev **devp, char *err, size_t errlen)
{
	struct fio_dev *d;
	int ret = 0;

	pthread_mutex_lock(&registry_lock);
	for (d = registry; d && strcmp(d->key, spec); d = d->next)
		;
	if (!d) {
		ret = fio_dev_open(spec, &d, err, errlen);
		if (!ret) {
			d->next = registry;
			registry = d;
		}
	}
	if (!ret) {
		d->users++;
		*devp = d;
	}
	pthread_mutex_unlock(&registry_lock);
	return ret;
}

void fio_dev_put(struct fio_dev *d)
{
	struct fio_dev **pp;

	pthread_mutex_lock(&registry_lock);
	if (--d->users == 0) {
		for (pp = &registry; *pp != d; pp = &(*pp)->next)
			;
		*pp = d->next;
		fio_dev_free(d);
	}
	pthread_mutex_unlock(&registry_lock);
}

unsigned int fio_dev_users(const struct fio_dev *d)
{
	return d->users;
}

void fio_dev_lock(struct fio_dev *d)
{
	pthread_mutex_lock(&d->lock);
}

void fio_dev_unlock(struct fio_dev *d)
{
	pthread_mutex_unlock(&d->lock);
}

void fio_dev_info(const struct fio_dev *d, struct fio_dev_info *info)
{
	const struct zone_geometry *g = &d->dev->geo;

	memset(info, 0, sizeof(*info));
	info->size = g->capacity << SECTOR_SHIFT;
	info->zone_size = g->zone_size << SECTOR_SHIFT;
	info->nr_zones = d->dev->nr_zones;
	info->nr_conv = g->nonzoned ? d->dev->nr_zones : g->nr_conv;
	info->lba_size = g->lba_size;
	info->max_open = d->bdev.lim.max_open_zones;
	info->max_active = d->bdev.lim.max_active_zones;
	info->zoned = !g->nonzoned;
	info->host_aware = g->seq_pref;
	info->tags = d->dev->data_mode == ZW_DATA_TAGS;
	info->profile = d->dev->profile ? d->dev->profile->name : NULL;
	info->spec = d->dev->spec;
}

int fio_dev_report(struct fio_dev *d, uint64_t offset, struct fio_dev_zone *zones, unsigned int nr)
{
	unsigned int zno = (unsigned int)((offset >> SECTOR_SHIFT) / d->bdev.zone_size);
	struct blk_zone *bz = calloc(nr ? nr : 1, sizeof(*bz));
	int n;

	if (!bz)
		return -ENOMEM;
	n = blkdev_report_zones(&d->bdev, zno, nr, bz);
	for (int i = 0; i < n; i++) {
		zones[i].start = bz[i].start << SECTOR_SHIFT;
		zones[i].len = bz[i].len << SECTOR_SHIFT;
		zones[i].capacity = bz[i].capacity << SECTOR_SHIFT;
		zones[i].wp = bz[i].wp << SECTOR_SHIFT;
		zones[i].type = bz[i].type;
		zones[i].cond = bz[i].cond;
	}
	free(bz);
	return n;
}

static void fio_dev_end_io(struct bio *bio)
{
	struct fio_dev_req *req = bio->bi_private;
	struct fio_dev *d = bdev_to_fio_dev(bio->bi_bdev);

	if (bio->bi_status && !req->error) {
		req->error = -blk_status_to_errno(bio->bi_status);
		snprintf(req->reason, sizeof(req->reason), "%s%s%.200s", blk_status_name(bio->bi_status),
			 bio->bi_res.reason[0] ? ": " : "", bio->bi_res.reason);
	}
	if (req->op == FIO_DEV_APPEND && !bio->bi_status)
		req->offset = bio->bi_iter.bi_sector << SECTOR_SHIFT;
	bio_put(bio);
	if (--req->remaining)
		return;
	req->lat_ns = d->loop.now - req->submit_ns;
	req->done(req);
}

static const enum req_op req_ops[] = {
	[FIO_DEV_READ] = REQ_OP_READ,
	[FIO_DEV_WRITE] = REQ_OP_WRITE,
	[FIO_DEV_APPEND] = REQ_OP_ZONE_APPEND,
	[FIO_DEV_FLUSH] = REQ_OP_FLUSH,
	[FIO_DEV_RESET] = REQ_OP_ZONE_RESET,
};

int fio_dev_submit(struct fio_dev *d, struct fio_dev_req *req)
{
	uint64_t lba_mask = (1ull << d->lba_shift) - 1;
	enum req_op op = req_ops[req->op];
	bool data = req->op <= FIO_DEV_APPEND;
	uint64_t done = 0;

	req->error = 0;
	req->reason[0] = '\0';
	req->submit_ns = d->loop.now;
	if (data && ((req->offset | req->len) & lba_mask || !req->len)) {
		snprintf(req->reason, sizeof(req->reason), "offset %llu, length %llu: not multiples of the %u-byte logical block",
			 (unsigned long long)req->offset, (unsigned long long)req->len, 1u << d->lba_shift);
		return EINVAL;
	}
	/* +1 while submitting: a bio that completes at once must not end the request early */
	req->remaining = 1;
	do {
		/* a read or write: bios of up to 1 MiB; an append or zone command: one bio */
		uint64_t n = !data ? 0 : op == REQ_OP_ZONE_APPEND ? req->len
			     : (req->len - done < FIO_DEV_BIO_MAX ? req->len - done : FIO_DEV_BIO_MAX);
		struct bio *bio = bio_alloc(&d->bdev, 1, op, REQ_SYNC);

		if (!bio) {
			if (!req->error) {
				req->error = ENOMEM;
				snprintf(req->reason, sizeof(req->reason), "out of memory for a bio");
			}
			break;
		}
		bio->bi_iter.bi_sector = (req->offset + done) >> SECTOR_SHIFT;
		if (n)
			bio_add_data(bio, req->buf ? (char *)req->buf + done : NULL,
				     req->buf ? 0 : ((req->offset + done) >> d->lba_shift) + 1, (uint32_t)n, NULL, 0);
		bio->bi_end_io = fio_dev_end_io;
		bio->bi_private = req;
		req->remaining++;
		submit_bio(bio);
		done += n;
	} while (done < req->len);
	if (--req->remaining == 0) {
		/* everything completed (or failed) inside submit_bio */
		req->lat_ns = 0;
		req->done(req);
	}
	return 0;
}

static void fio_dev_sync_done(struct fio_dev_req *req)
{
	*(bool *)req->priv = true;
}

int fio_dev_run_sync(struct fio_dev *d, struct fio_dev_req *req)
{
	bool finished = false;
	int ret;

	req->done = fio_dev_sync_done;
	req->priv = &finished;
	ret = fio_dev_submit(d, req);
	if (ret)
		return ret;
	while (!finished && sim_run_one(&d->loop))
		;
	if (!finished) {
		snprintf(req->reason, sizeof(req->reason), "internal: the command never completed");
		return EIO;
	}
	return req->error;
}

uint64_t fio_dev_now(const struct fio_dev *d)
{
	return d->loop.now;
}

bool fio_dev_next_time(const struct fio_dev *d, uint64_t *t)
{
	return sim_next_time(&d->loop, t);
}

bool fio_dev_run_one(struct fio_dev *d)
{
	return sim_run_one(&d->loop);
}

unsigned int fio_dev_inflight(const struct fio_dev *d)
{
	return d->bdev.nr_inflight;
}
