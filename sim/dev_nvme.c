// SPDX-License-Identifier: MIT
/*
 * nvme: NVMe ZNS namespaces through the NVMe passthrough interface
 * (libnvme): reads and writes, native Zone Append that returns the LBA the
 * device chose, Zone Management Send and Receive.  Commands bypass the
 * kernel's block layer (no splitting, no zone write plugs), so what comes
 * back is the device's own answer, with its NVMe status kept next to the
 * Linux status nvme_error_status() would make of it.
 *
 * Do not mix these appends with block-layer writes to the same zone
 * (zone-model-observed.md): the kernel's plug does not see them.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nvme/ioctl.h>
#include <nvme/types.h>

#include "dev_internal.h"
#include "pattern.h"

struct nvme_dev {
	struct zw_dev dev;
	int fd;
	uint32_t nsid;
	bool writable;
	unsigned int lba_shift;
	char *path;
};

#define NVMEDEV(dev) ((struct nvme_dev *)(dev))
#define NVME_TIMEOUT_MS 30000
#define REPORT_BATCH 256

/*
 * A failed command: the NVMe status as the device gave it, and the Linux
 * status nvme_error_status() makes of it.
 */
static void nvme_fail(struct zw_io *io, int ret, const char *what)
{
	if (ret < 0) {
		io->res.status = errno_to_blk_status(-errno);
		snprintf(io->res.reason, sizeof(io->res.reason), "%s: %s", what, strerror(errno));
		return;
	}
	io->res.nvme_status = (uint16_t)(ret & 0x7ff);
	io->res.status = nvme_status_to_blk_status(io->res.nvme_status);
	snprintf(io->res.reason, sizeof(io->res.reason), "%s: NVMe status 0x%03X%s", what,
		 io->res.nvme_status, ret & NVME_SC_DNR ? " (do not retry)" : "");
}

static int nvme_dev_report_zones(struct zw_dev *dev, unsigned int zno, unsigned int nr,
				 struct blk_zone *zones)
{
	struct nvme_dev *nd = NVMEDEV(dev);
	size_t len = sizeof(struct nvme_zone_report) + REPORT_BATCH * sizeof(struct nvme_zns_desc);
	struct nvme_zone_report *rep = malloc(len);
	unsigned int got = 0;

	if (!rep)
		return -ENOMEM;
	if (zno >= dev->nr_zones)
		nr = 0;
	else if (nr > dev->nr_zones - zno)
		nr = dev->nr_zones - zno;
	while (got < nr) {
		uint64_t slba = ((uint64_t)(zno + got) * dev->geo.zone_size) >> (nd->lba_shift - SECTOR_SHIFT);
		int ret = nvme_zns_report_zones(nd->fd, nd->nsid, slba, NVME_ZNS_ZRAS_REPORT_ALL, false,
						true, (uint32_t)len, rep, NVME_TIMEOUT_MS, NULL);
		uint64_t n;

		if (ret) {
			free(rep);
			return ret < 0 ? -errno : -EIO;
		}
		n = le64toh(rep->nr_zones);
		if (!n)
			break;
		for (uint64_t i = 0; i < n && got < nr; i++, got++) {
			const struct nvme_zns_desc *d = &rep->entries[i];
			struct blk_zone *z = &zones[got];
			unsigned int s = nd->lba_shift - SECTOR_SHIFT;

			memset(z, 0, sizeof(*z));
			z->start = le64toh(d->zslba) << s;
			z->len = dev->geo.zone_size;
			z->capacity = le64toh(d->zcap) << s;
			z->type = BLK_ZONE_TYPE_SEQWRITE_REQ;
			z->cond = d->zs >> 4;
			/* as the Linux nvme driver reports them (nvme_zone_parse_entry()) */
			if (z->cond == BLK_ZONE_COND_FULL)
				z->wp = z->start + z->len;
			else if (z->cond == BLK_ZONE_COND_READONLY || z->cond == BLK_ZONE_COND_OFFLINE)
				z->wp = ZONE_WP_INVALID;
			else
				z->wp = le64toh(d->wp) << s;
		}
	}
	free(rep);
	return (int)got;
}

static void *nvme_io_buffer(const struct zw_dev *dev, const struct zw_io *io, size_t len)
{
	unsigned int lbs = dev->geo.lba_size;
	void *buf;

	if (posix_memalign(&buf, 4096, len))
		return NULL;
	if (io->op == REQ_OP_READ)
		return buf;
	if (io->buf)
		memcpy(buf, io->buf, len);
	else
		for (size_t b = 0; b < len / lbs; b++)
			zw_pattern_fill((char *)buf + b * lbs, lbs, io->tags ? io->tags[b] : io->tag + b);
	return buf;
}

static void nvme_rw(struct nvme_dev *nd, struct zw_io *io)
{
	size_t len = (size_t)io->nr_sectors << SECTOR_SHIFT;
	uint64_t nlb = len >> nd->lba_shift;
	void *buf = nvme_io_buffer(&nd->dev, io, len);
	struct nvme_io_args args = {
		.args_size = sizeof(args),
		.fd = nd->fd,
		.nsid = nd->nsid,
		.timeout = NVME_TIMEOUT_MS,
		.slba = io->sector >> (nd->lba_shift - SECTOR_SHIFT),
		.data = buf,
		.data_len = (uint32_t)len,
	};
	int ret;

	if (!buf || !nlb || nlb > 65536) {
		free(buf);
		io->res.status = BLK_STS_INVAL;
		snprintf(io->res.reason, sizeof(io->res.reason),
			 "an NVMe command carries 1 to 65536 logical blocks");
		return;
	}
	args.nlb = (uint16_t)(nlb - 1);	/* 0-based */
	if (io->op == REQ_OP_ZONE_APPEND) {
		__u64 result = 0;
		struct nvme_zns_append_args aargs = {
			.args_size = sizeof(aargs),
			.fd = nd->fd,
			.nsid = nd->nsid,
			.timeout = NVME_TIMEOUT_MS,
			.zslba = args.slba,
			.nlb = args.nlb,
			.data = buf,
			.data_len = args.data_len,
			.result = &result,
		};

		ret = nvme_zns_append(&aargs);
		if (!ret)
			io->sector = (sector_t)result << (nd->lba_shift - SECTOR_SHIFT);
	} else if (io->op == REQ_OP_READ) {
		ret = nvme_read(&args);
		if (!ret && io->buf)
			memcpy(io->buf, buf, len);
	} else {
		ret = nvme_write(&args);
	}
	if (ret)
		nvme_fail(io, ret, req_op_name(io->op));
	free(buf);
}

static void nvme_mgmt(struct nvme_dev *nd, struct zw_io *io)
{
	struct nvme_zns_mgmt_send_args args = {
		.args_size = sizeof(args),
		.fd = nd->fd,
		.nsid = nd->nsid,
		.timeout = NVME_TIMEOUT_MS,
		.slba = io->sector >> (nd->lba_shift - SECTOR_SHIFT),
	};
	int ret;

	switch (io->op) {
	case REQ_OP_ZONE_OPEN: args.zsa = NVME_ZNS_ZSA_OPEN; break;
	case REQ_OP_ZONE_CLOSE: args.zsa = NVME_ZNS_ZSA_CLOSE; break;
	case REQ_OP_ZONE_FINISH: args.zsa = NVME_ZNS_ZSA_FINISH; break;
	case REQ_OP_ZONE_RESET_ALL:
		args.slba = 0;
		args.select_all = true;
		args.zsa = NVME_ZNS_ZSA_RESET;
		break;
	default: args.zsa = NVME_ZNS_ZSA_RESET; break;
	}
	ret = nvme_zns_mgmt_send(&args);
	if (ret)
		nvme_fail(io, ret, req_op_name(io->op));
}

static void nvme_submit(struct zw_dev *dev, struct zw_io *io)
{
	struct nvme_dev *nd = NVMEDEV(dev);
	int ret;

	zone_result_ok(&io->res);
	if (!nd->writable && io->op != REQ_OP_READ) {
		io->res.status = BLK_STS_NOTSUPP;
		snprintf(io->res.reason, sizeof(io->res.reason),
			 "%s was opened read-only: pass --force to change a real device", nd->path);
		return;
	}
	switch (io->op) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
	case REQ_OP_ZONE_APPEND:
		nvme_rw(nd, io);
		break;
	case REQ_OP_FLUSH:
		ret = nvme_flush(nd->fd, nd->nsid);
		if (ret)
			nvme_fail(io, ret, "flush");
		break;
	default:
		nvme_mgmt(nd, io);
		break;
	}
	io->res.sector = io->sector;
}

static void nvme_dev_close(struct zw_dev *dev)
{
	struct nvme_dev *nd = NVMEDEV(dev);

	if (nd->fd >= 0)
		close(nd->fd);
	free(nd->path);
	free(dev->spec);
	free(nd);
}

static const struct zw_dev_ops nvme_dev_ops = {
	.kind = "nvme",
	.report_zones = nvme_dev_report_zones,
	.submit = nvme_submit,
	.close = nvme_dev_close,
};

/* The block device of a generic char device (/dev/ng0n1 -> /dev/nvme0n1), for the safety checks. */
static void nvme_block_path(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (!strncmp(base, "ng", 2))
		snprintf(out, len, "/dev/nvme%s", base + 2);
	else
		snprintf(out, len, "%s", path);
}

int nvme_dev_open(const char *path, unsigned int flags, struct zw_dev **devp, char *err,
		  size_t errlen)
{
	struct nvme_dev *nd = calloc(1, sizeof(*nd));
	struct nvme_id_ns ns;
	struct nvme_zns_id_ns zns;
	struct zone_geometry *g;
	char blk[PATH_MAX];
	uint64_t nsze, zsze;
	unsigned int fmt;
	int ret;

	if (!nd) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	nd->fd = -1;
	nd->dev.ops = &nvme_dev_ops;
	nd->dev.real = true;
	nd->path = strdup(path);
	nd->writable = flags & ZW_DEV_FORCE;
	nvme_block_path(path, blk, sizeof(blk));
	if (nd->writable && (ret = zw_real_dev_safe_to_write(blk, err, errlen)))
		goto fail;
	nd->fd = open(path, (nd->writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (nd->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (nvme_get_nsid(nd->fd, &nd->nsid) || nvme_identify_ns(nd->fd, nd->nsid, &ns)) {
		ret = -ENODEV;
		snprintf(err, errlen, "%s: not an NVMe namespace (identify failed)", path);
		goto fail;
	}
	if (nvme_zns_identify_ns(nd->fd, nd->nsid, &zns)) {
		ret = -ENODEV;
		snprintf(err, errlen, "%s: not a zoned (ZNS) namespace", path);
		goto fail;
	}
	fmt = ns.flbas & 0xf;
	nd->lba_shift = ns.lbaf[fmt].ds;
	nsze = le64toh(ns.nsze);
	zsze = le64toh(zns.lbafe[fmt].zsze);
	if (nd->lba_shift < SECTOR_SHIFT || !zsze) {
		ret = -ENODEV;
		snprintf(err, errlen, "%s: unusable format (lba 2^%u, zone size %" PRIu64 ")", path,
			 nd->lba_shift, zsze);
		goto fail;
	}
	g = &nd->dev.geo;
	g->model = ZONE_MODEL_ZNS;
	g->lba_size = 1u << nd->lba_shift;
	g->zone_size = zsze << (nd->lba_shift - SECTOR_SHIFT);
	g->capacity = (nsze / zsze * zsze) << (nd->lba_shift - SECTOR_SHIFT);
	/* MOR/MAR are 0-based, all ones for no limit */
	g->max_open = le32toh(zns.mor) == 0xffffffff ? 0 : le32toh(zns.mor) + 1;
	g->max_active = le32toh(zns.mar) == 0xffffffff ? 0 : le32toh(zns.mar) + 1;
	/*
	 * The kernel's limits for the namespace's block device: MDTS as
	 * max_hw_sectors (a larger passthrough command is refused with
	 * -EINVAL) and ZASL as the zone append limit; QEMU's default MDTS 7
	 * (512 KiB) when sysfs cannot tell.
	 */
	g->max_hw_sectors = (unsigned int)zw_sysfs_queue_value(blk, "max_hw_sectors_kb", 512) * 2;
	g->max_append_sectors = (unsigned int)(zw_sysfs_queue_value(blk, "zone_append_max_bytes",
								    512 << 10) >> SECTOR_SHIFT);
	nd->dev.nr_zones = (unsigned int)(nsze / zsze);
	{
		struct blk_zone z;

		if (nvme_dev_report_zones(&nd->dev, 0, 1, &z) != 1) {
			ret = -EIO;
			snprintf(err, errlen, "%s: zone report failed", path);
			goto fail;
		}
		g->zone_capacity = z.capacity;
	}
	if (asprintf(&nd->dev.spec, "nvme:%s", path) < 0)
		nd->dev.spec = NULL;
	*devp = &nd->dev;
	return 0;
fail:
	nvme_dev_close(&nd->dev);
	return ret;
}
