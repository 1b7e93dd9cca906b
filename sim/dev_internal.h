/* SPDX-License-Identifier: MIT */
/* What the device files share and nobody else may see. */
#ifndef ZWSIM_DEV_INTERNAL_H
#define ZWSIM_DEV_INTERNAL_H

#include <stdbool.h>

#include "dev.h"

enum zw_fault_dir { ZW_FAULT_RW, ZW_FAULT_READ, ZW_FAULT_WRITE };

/* I/O touching [sector, sector + nr) fails with a medium error. */
struct zw_fault_range {
	sector_t sector;
	uint64_t nr;
	bool once;
	enum zw_fault_dir dir;
};

/* A parsed spec string. */
struct zw_dev_config {
	char kind[8];			/* "emu" or "file" */
	char *path;			/* file: the zone directory */
	struct zone_geometry geo;
	uint64_t nr_zones;		/* 0: from size */
	enum zw_data_mode data_mode;
	bool data_auto;
	unsigned int *ro, nr_ro;	/* zones to make read-only */
	unsigned int *offline, nr_offline;
	struct zw_fault_range *errs;
	unsigned int nr_errs;
	uint64_t fail_write;		/* 0: none */
	char *profile_name;		/* profile=: as the spec names it */
	struct dev_profile *profile;	/* loaded by zw_spec_parse(); freed by zw_spec_free() */
	uint32_t given;			/* bit per key the spec named (ZW_KEY_*) */
	uint32_t from_profile;		/* of those, the ones its profile's device keys gave */
};

int zw_spec_parse(const char *spec, struct zw_dev_config *cfg, char *err, size_t errlen);
/* Apply one "key=value" (also used for faults injected at run time). */
int zw_spec_apply(struct zw_dev_config *cfg, const char *kv, char *err, size_t errlen);
/* Resolve defaults (capacity from zones, append size, data mode). */
int zw_spec_finish(struct zw_dev_config *cfg, char *err, size_t errlen);
/* The geometry part of a spec, normalised: "zones=...,zone_size=...". */
char *zw_spec_geometry_string(const struct zw_dev_config *cfg);
void zw_spec_free(struct zw_dev_config *cfg);
/* -EINVAL with a message when @user names geometry other than @stored's. */
int zw_spec_conflict(const struct zw_dev_config *stored, const struct zw_dev_config *user,
		     char *err, size_t errlen);
/* "256M", "4k", "1073741824": bytes.  0, or -EINVAL. */
int zw_parse_size(const char *s, uint64_t *bytes);

/* The emulated device: the zone model plus a data store. */
struct emu_dev;

struct emu_store_ops {
	/* Store @nr sectors at sector offset @off of zone @zno; @buf NULL: tagged blocks. */
	blk_status_t (*write)(struct emu_dev *e, unsigned int zno, sector_t off,
			      unsigned int nr, const void *buf, uint64_t tag,
			      struct zone_result *res);
	/* Read; what was never written (or was reset) reads as zeros. */
	blk_status_t (*read)(struct emu_dev *e, unsigned int zno, sector_t off,
			     unsigned int nr, void *buf, struct zone_result *res);
	/* Optional, tags mode: each block's tag (ZW_TAG_NONE where never written). */
	blk_status_t (*read_tags)(struct emu_dev *e, unsigned int zno, sector_t off,
				  unsigned int nr, uint64_t *tags, struct zone_result *res);
	int (*reset)(struct emu_dev *e, unsigned int zno);
	int (*finish)(struct emu_dev *e, unsigned int zno);
	int (*flush)(struct emu_dev *e);
	/* A fault changed a zone's condition: persist it where the store persists. */
	int (*cond_changed)(struct emu_dev *e, unsigned int zno);
	void (*free)(struct emu_dev *e);
};

struct emu_dev {
	struct zw_dev dev;
	struct zw_dev_config cfg;
	struct zone_model zm;
	const struct emu_store_ops *store;
	void *store_priv;
	uint64_t nr_writes;		/* write and append commands seen */
	uint32_t *finish_fill_ppm;	/* with a profile: what a zone held when finished
					 * (millionths of its capacity; UINT32_MAX: not finished) */
	sector_t head;			/* where the last read or write ended (a profile's seek) */
};

/* Backends: open the device a spec names (the kind prefix already checked). */
int emu_dev_open(const char *spec, struct zw_dev **devp, char *err, size_t errlen);
/* zbd: qd, the queue depth: 1 synchronous, up to ZW_ZBD_MAX_QD with io_uring */
#define ZW_ZBD_MAX_QD 1024
int zbd_dev_open(const char *path, unsigned int qd, unsigned int flags, struct zw_dev **devp,
		 char *err, size_t errlen);
int nvme_dev_open(const char *path, unsigned int flags, struct zw_dev **devp, char *err,
		  size_t errlen);
/* 0 when @path is neither mounted nor carries a file system signature; else -EBUSY and why. */
int zw_real_dev_safe_to_write(const char *path, char *err, size_t errlen);
/* /sys/block/DEV/queue/@attr of the block device @path, as a number; @dflt when unreadable. */
unsigned long zw_sysfs_queue_value(const char *path, const char *attr, unsigned long dflt);

int emu_store_mem_init(struct emu_dev *e, char *err, size_t errlen);
int emu_store_file_init(struct emu_dev *e, char *err, size_t errlen);

#endif
