/* SPDX-License-Identifier: MIT */
/*
 * A zoned device behind one ops table, named by a spec string:
 *
 *   emu:zones=64,zone_size=256M,zone_cap=192M,conv=4,max_open=14,model=zns
 *   file:/var/tmp/zdev,zones=16        (zloop layout: one file per zone)
 *   zbd:/dev/nullb0,qd=8               (a real zoned block device; qd: async I/O)
 *   emu:zones=64,profile=zn540         (latency from a device profile, dev_profile.h)
 *
 * Every command is a struct zw_io submitted to the device; the outcome is
 * in io->res (Linux status, the device's native code, a reason).
 */
#ifndef ZWSIM_DEV_H
#define ZWSIM_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zone.h"

struct zw_log;
struct dev_profile;

/* A piece of a write's data (zw_io.segs): whole sectors. */
struct zw_seg {
	const void *data;
	size_t len;
};

struct zw_io {
	enum req_op op;
	sector_t sector;	/* zone append: in, the zone start; out, where the data landed */
	unsigned int nr_sectors;
	void *buf;		/* write: the data, or NULL to write tagged blocks;
				 * read: where to put it (NULL: only check) */
	uint64_t tag;		/* write with buf == NULL: block i carries tag + i, */
	const uint64_t *tags;	/* or, when set, tags[i] */
	uint64_t *rtags;	/* read, when set: each block's tag instead of bytes
				 * (only for a device with reads_tags) */
	const struct zw_seg *segs;	/* write with buf == NULL, when set: the data, in
					 * nr_segs pieces (only for a device with writes_segs) */
	unsigned int nr_segs;
	unsigned int depth;	/* in: commands at the device, this one included (0: alone) */
	uint64_t lat_ns;	/* out: the command's latency by the device's profile;
				 * ZW_LAT_NONE without one (the sim_loop's own model) */
	struct zone_result res;
};

#define ZW_LAT_NONE UINT64_MAX

enum zw_data_mode {
	ZW_DATA_BYTES,		/* every byte is kept */
	ZW_DATA_TAGS,		/* only each block's tag: huge devices fit in memory */
};

struct zw_dev;

/* An asynchronous command's completion: io->res holds the outcome. */
typedef void (*zw_io_done_fn)(struct zw_io *io, void *arg);

struct zw_dev_ops {
	const char *kind;	/* "emu", "file", ... */
	/* Copy up to @nr zones from @zno on; returns how many, or -errno. */
	int (*report_zones)(struct zw_dev *dev, unsigned int zno, unsigned int nr,
			    struct blk_zone *zones);
	/* Execute @io (read, write, zone append, zone management, flush). */
	void (*submit)(struct zw_dev *dev, struct zw_io *io);
	/*
	 * Optional asynchronous path (zbd: with qd > 1, io_uring): start a
	 * read or write, at most dev->qd in flight (waiting for one to
	 * complete when full); @done runs from reap().  Other commands
	 * wait for what is in flight, run synchronously and complete at
	 * once.  0, or -errno.
	 */
	int (*submit_async)(struct zw_dev *dev, struct zw_io *io, zw_io_done_fn done, void *arg);
	/* Complete what has finished (@wait: at least one, if any is in flight); how many, or -errno. */
	int (*reap)(struct zw_dev *dev, bool wait);
	/* Fault injection (emulated devices): 0, or -errno with a message. */
	int (*inject)(struct zw_dev *dev, const char *fault, char *err, size_t errlen);
	void (*close)(struct zw_dev *dev);
};

struct zw_dev {
	const struct zw_dev_ops *ops;
	bool real;			/* a real device: the kernel's block layer is in its path */
	struct zone_geometry geo;	/* as the device reports it */
	unsigned int nr_zones;
	enum zw_data_mode data_mode;
	char *spec;			/* normalised: every key, in a fixed order */
	struct zw_log *log;		/* zone condition changes go here, when set */
	unsigned int qd;		/* commands in flight at most (1: synchronous) */
	bool reads_tags;		/* reads can return tags (zw_io.rtags): an emulated device in tags mode */
	bool writes_segs;		/* writes can carry their data in pieces (zw_io.segs): an emulated
					 * device in bytes mode, which copies each into the zone itself */
	const struct dev_profile *profile;	/* its latency model (profile=), or NULL */
};

/* zw_dev_open() flags */
#define ZW_DEV_FORCE	(1u << 0)	/* a real device may be written to */

/*
 * Open the device a spec names.  A real device (zbd:, nvme:) is opened for
 * writing only with ZW_DEV_FORCE, and never when it is mounted or carries a
 * file system signature.  0, or -errno with a message in @err.
 */
int zw_dev_open(const char *spec, unsigned int flags, struct zw_dev **devp, char *err,
		size_t errlen);
void zw_dev_close(struct zw_dev *dev);

static inline void zw_dev_submit(struct zw_dev *dev, struct zw_io *io)
{
	dev->ops->submit(dev, io);
}

/*
 * Start @io; @done(@io, @arg) runs when it completes: from zw_dev_reap() on
 * a device with an asynchronous path, before this returns on any other.
 * 0, or -errno (then @done never runs).
 */
int zw_dev_submit_async(struct zw_dev *dev, struct zw_io *io, zw_io_done_fn done, void *arg);
/* Complete finished asynchronous commands (@wait: wait for one); how many, or -errno. */
int zw_dev_reap(struct zw_dev *dev, bool wait);
/* A struct sim_loop ext_poll hook for the device @arg: zw_dev_reap(arg, true). */
int zw_dev_loop_poll(void *arg);

/*
 * One command to the device as NVMe passthrough (/dev/ngXnY) sends it: no
 * splitting, so a read, write or zone append larger than the device's
 * max_hw_sectors never reaches it: the kernel refuses to map the buffer
 * (blk_rq_map_user_iov(), block/blk-map.c: -EINVAL).  Real devices get
 * the command as it is (their kernel makes that check itself).
 */
void zw_dev_submit_passthrough(struct zw_dev *dev, struct zw_io *io);

static inline int zw_dev_report_zones(struct zw_dev *dev, unsigned int zno,
				      unsigned int nr, struct blk_zone *zones)
{
	return dev->ops->report_zones(dev, zno, nr, zones);
}

/*
 * Inject a fault.  Accepted forms (the same as the spec keys):
 *   ro=Z  offline=Z          make zone Z read-only / offline (again: restore it, empty)
 *   err=SECTOR:NR[:once][:read|:write]
 *                            I/O touching those sectors fails (medium error)
 *   fail_write=N             the Nth write or append from now fails
 *   corrupt=SECTOR           the block holding SECTOR silently holds another
 *                            block's data (nothing else changes)
 */
int zw_dev_inject(struct zw_dev *dev, const char *fault, char *err, size_t errlen);
/* Would zw_dev_inject() take @fault?  0, or -errno with a message; changes nothing. */
int zw_dev_fault_check(const struct zw_dev *dev, const char *fault, char *err, size_t errlen);

/*
 * The geometry a spec's keys describe ("zones=8,zone_size=64M,..." or a full
 * "emu:..." spec), with every default resolved: what `zwsim nullblk create`
 * turns into a real null_blk device.  0, or -EINVAL with a message.
 */
int zw_spec_geometry(const char *keys, struct zone_geometry *geo, char *err, size_t errlen);

/* "256M", "4k", "1073741824": bytes (the spec's size syntax).  0, or -EINVAL. */
int zw_spec_size(const char *s, uint64_t *bytes);

/* The accepted spec keys, for messages and --help. */
extern const char zw_dev_spec_help[];

#endif
