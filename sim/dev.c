// SPDX-License-Identifier: MIT
/* Opening a device by its spec: the kind before the colon picks the backend. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dev_internal.h"

int zw_dev_open(const char *spec, unsigned int flags, struct zw_dev **devp, char *err,
		size_t errlen)
{
	*devp = NULL;
	if (!strncmp(spec, "zbd:", 4)) {
		if (!spec[4] || strchr(spec + 4, ',')) {
			snprintf(err, errlen, "zbd: takes a zoned block device path, e.g. zbd:/dev/nullb0");
			return -EINVAL;
		}
		return zbd_dev_open(spec + 4, flags, devp, err, errlen);
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
