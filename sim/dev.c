// SPDX-License-Identifier: MIT
/* Opening a device by its spec: the kind before the colon picks the backend. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev_internal.h"

int zw_dev_open(const char *spec, unsigned int flags, struct zw_dev **devp, char *err,
		size_t errlen)
{
	*devp = NULL;
	if (!strncmp(spec, "zbd:", 4)) {
		const char *comma = strchr(spec + 4, ',');
		unsigned long qd = 1;
		char path[PATH_MAX];
		size_t len;

		if (!spec[4] || comma == spec + 4) {
			snprintf(err, errlen, "zbd: takes a zoned block device path, e.g. zbd:/dev/nullb0");
			return -EINVAL;
		}
		if (comma) {
			const char *v = comma + 1;
			char *end;

			if (strncmp(v, "qd=", 3)) {
				snprintf(err, errlen, "zbd: unknown key in '%s': the only key is qd=N "
					 "(commands in flight, 1 to %u), e.g. zbd:/dev/nullb0,qd=8",
					 comma + 1, ZW_ZBD_MAX_QD);
				return -EINVAL;
			}
			v += 3;
			errno = 0;
			qd = strtoul(v, &end, 10);
			if (!*v || *end || *v == '-' || errno || !qd || qd > ZW_ZBD_MAX_QD) {
				snprintf(err, errlen, "zbd: qd=%s: the queue depth qd is a number from 1 to %u",
					 v, ZW_ZBD_MAX_QD);
				return -EINVAL;
			}
		}
		len = comma ? (size_t)(comma - (spec + 4)) : strlen(spec + 4);
		if (len >= sizeof(path)) {
			snprintf(err, errlen, "zbd: the device path is too long");
			return -EINVAL;
		}
		memcpy(path, spec + 4, len);
		path[len] = 0;
		return zbd_dev_open(path, (unsigned int)qd, flags, devp, err, errlen);
	}
	if (!strncmp(spec, "nvme:", 5)) {
		if (!spec[5] || strchr(spec + 5, ',')) {
			snprintf(err, errlen, "nvme: takes an NVMe namespace, e.g. nvme:/dev/ng0n1");
			return -EINVAL;
		}
		return nvme_dev_open(spec + 5, flags, devp, err, errlen);
	}
	return emu_dev_open(spec, devp, err, errlen);
}

void zw_dev_close(struct zw_dev *dev)
{
	if (dev)
		dev->ops->close(dev);
}

int zw_dev_inject(struct zw_dev *dev, const char *fault, char *err, size_t errlen)
{
	if (!dev->ops->inject) {
		snprintf(err, errlen, "%s devices take no injected faults", dev->ops->kind);
		return -EOPNOTSUPP;
	}
	return dev->ops->inject(dev, fault, err, errlen);
}

int zw_dev_submit_async(struct zw_dev *dev, struct zw_io *io, zw_io_done_fn done, void *arg)
{
	if (dev->ops->submit_async)
		return dev->ops->submit_async(dev, io, done, arg);
	zw_dev_submit(dev, io);
	done(io, arg);
	return 0;
}

int zw_dev_reap(struct zw_dev *dev, bool wait)
{
	return dev->ops->reap ? dev->ops->reap(dev, wait) : 0;
}

int zw_dev_loop_poll(void *arg)
{
	return zw_dev_reap(arg, true);
}

void zw_dev_submit_passthrough(struct zw_dev *dev, struct zw_io *io)
{
	bool data = io->op == REQ_OP_READ || io->op == REQ_OP_WRITE || io->op == REQ_OP_ZONE_APPEND;

	if (!dev->real && data && dev->geo.max_hw_sectors && io->nr_sectors > dev->geo.max_hw_sectors) {
		zone_result_ok(&io->res);
		io->res.status = BLK_STS_INVAL;
		snprintf(io->res.reason, sizeof(io->res.reason),
			 "a command of %u sectors is larger than the device's max_hw_sectors (%u): "
			 "the kernel refuses to map it for passthrough",
			 io->nr_sectors, dev->geo.max_hw_sectors);
		return;
	}
	zw_dev_submit(dev, io);
}
