/* SPDX-License-Identifier: MIT */
/*
 * A ublk server (drivers/block/ublk_drv.c): an emulated zoned device
 * exposed to the kernel as a host-managed zoned block device /dev/ublkbN.
 * One queue, served by the calling thread through io_uring uring_cmds.
 */
#ifndef ZWSIM_UBLK_SRV_H
#define ZWSIM_UBLK_SRV_H

#include <stdbool.h>
#include <stdio.h>

struct zw_dev;

struct ublk_srv_opts {
	unsigned int queue_depth;	/* tags on the one queue (1..4096) */
	bool sleep_latency;		/* sleep each command's profile latency */
	bool verbose;			/* one stderr line per command */
	const char *spec;		/* the device's spec (the control socket's fresh) */
	const char *control;		/* a control socket to listen on (ublk_ctl.h), or NULL */
};

/* Stats of one run, printed on exit. */
struct ublk_srv_stats {
	unsigned long long reads, writes, appends, flushes, zone_mgmt, reports, errors;
};

/*
 * Add, start and serve the device until SIGINT or SIGTERM, then stop and
 * delete it.  @out gets "/dev/ublkbN" once the kernel has the disk.  0, or
 * -errno with a message in @err (the device is gone either way).  *@devp
 * may be replaced by the control socket's fresh (the caller closes it).
 */
int ublk_serve(struct zw_dev **devp, const struct ublk_srv_opts *o, FILE *out,
	       struct ublk_srv_stats *st, char *err, size_t errlen);

#endif
