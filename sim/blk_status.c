// SPDX-License-Identifier: MIT
/* Status names and errno mapping: block/blk-core.c blk_errors[]. */
#include "blk_status.h"

#include <errno.h>
#include <stddef.h>

static const struct {
	blk_status_t sts;
	int err;
	const char *name;
} blk_errors[] = {
	{ BLK_STS_OK, 0, "OK" },
	{ BLK_STS_NOTSUPP, -EOPNOTSUPP, "BLK_STS_NOTSUPP" },
	{ BLK_STS_TIMEOUT, -ETIMEDOUT, "BLK_STS_TIMEOUT" },
	{ BLK_STS_NOSPC, -ENOSPC, "BLK_STS_NOSPC" },
	{ BLK_STS_TRANSPORT, -ENOLINK, "BLK_STS_TRANSPORT" },
	{ BLK_STS_TARGET, -EREMOTEIO, "BLK_STS_TARGET" },
	{ BLK_STS_RESV_CONFLICT, -EBADE, "BLK_STS_RESV_CONFLICT" },
	{ BLK_STS_MEDIUM, -ENODATA, "BLK_STS_MEDIUM" },
	{ BLK_STS_PROTECTION, -EILSEQ, "BLK_STS_PROTECTION" },
	{ BLK_STS_RESOURCE, -ENOMEM, "BLK_STS_RESOURCE" },
	{ BLK_STS_IOERR, -EIO, "BLK_STS_IOERR" },
	{ BLK_STS_AGAIN, -EAGAIN, "BLK_STS_AGAIN" },
	{ BLK_STS_DEV_RESOURCE, -EBUSY, "BLK_STS_DEV_RESOURCE" },
	{ BLK_STS_ZONE_OPEN_RESOURCE, -ETOOMANYREFS, "BLK_STS_ZONE_OPEN_RESOURCE" },
	{ BLK_STS_ZONE_ACTIVE_RESOURCE, -EOVERFLOW, "BLK_STS_ZONE_ACTIVE_RESOURCE" },
	{ BLK_STS_OFFLINE, -ENODEV, "BLK_STS_OFFLINE" },
	{ BLK_STS_INVAL, -EINVAL, "BLK_STS_INVAL" },
};

#define NR_BLK_ERRORS (sizeof(blk_errors) / sizeof(blk_errors[0]))

const char *blk_status_name(blk_status_t sts)
{
	for (size_t i = 0; i < NR_BLK_ERRORS; i++)
		if (blk_errors[i].sts == sts)
			return blk_errors[i].name;
	return "BLK_STS_IOERR";	/* unknown status: the kernel treats it as IOERR */
}

int blk_status_to_errno(blk_status_t sts)
{
	for (size_t i = 0; i < NR_BLK_ERRORS; i++)
		if (blk_errors[i].sts == sts)
			return blk_errors[i].err;
	return -EIO;
}

blk_status_t errno_to_blk_status(int err)
{
	for (size_t i = 0; i < NR_BLK_ERRORS; i++)
		if (blk_errors[i].err == err)
			return blk_errors[i].sts;
	return BLK_STS_IOERR;
}

const char *errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ 0, "0" },
		{ -EIO, "-EIO" },
		{ -EOPNOTSUPP, "-EOPNOTSUPP" },
		{ -ETIMEDOUT, "-ETIMEDOUT" },
		{ -ENOSPC, "-ENOSPC" },
		{ -ENOLINK, "-ENOLINK" },
		{ -EREMOTEIO, "-EREMOTEIO" },
		{ -EBADE, "-EBADE" },
		{ -ENODATA, "-ENODATA" },
		{ -EILSEQ, "-EILSEQ" },
		{ -ENOMEM, "-ENOMEM" },
		{ -EAGAIN, "-EAGAIN" },
		{ -EBUSY, "-EBUSY" },
		{ -ETOOMANYREFS, "-ETOOMANYREFS" },
		{ -EOVERFLOW, "-EOVERFLOW" },
		{ -ENODEV, "-ENODEV" },
		{ -EINVAL, "-EINVAL" },
		{ -EPERM, "-EPERM" },
		{ -ENOENT, "-ENOENT" },
		{ -EBADF, "-EBADF" },
		{ -EFBIG, "-EFBIG" },
		{ -EROFS, "-EROFS" },
		{ -EEXIST, "-EEXIST" },
		{ -EISDIR, "-EISDIR" },
		{ -ENOTDIR, "-ENOTDIR" },
		{ -ENOTBLK, "-ENOTBLK" },
		{ -EFAULT, "-EFAULT" },
		{ -EUCLEAN, "-EUCLEAN" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return "-E?";
}
