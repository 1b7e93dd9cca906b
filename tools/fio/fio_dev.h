/* SPDX-License-Identifier: MIT */
/*
 * The emulated device as fio's jobs share it: one zw_dev with zwsim's
 * block layer and a sim_loop per device spec, found again by its spec, so
 * the jobs of one fio run (threads, thread=1) and the hooks fio calls in
 * its parent before any job starts all see one model.  Nothing here knows
 * fio: the engine (zwsim-fio.c) turns io_us into these requests.
 *
 * Every function but fio_dev_get/put and the lock calls expects the
 * device's lock held (fio_dev_lock).
 */
#ifndef ZWSIM_FIO_DEV_H
#define ZWSIM_FIO_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fio_dev;

struct fio_dev_info {
	uint64_t size;			/* bytes */
	uint64_t zone_size;		/* bytes */
	unsigned int nr_zones, nr_conv;
	unsigned int lba_size;
	unsigned int max_open;		/* as the kernel's queue limit: 0 = none */
	unsigned int max_active;
	bool zoned, host_aware;
	bool tags;			/* data=tags: writes keep no bytes */
	const char *profile;		/* the profile's name, or NULL */
	const char *spec;		/* normalised */
};

/* A zone as fio's struct zbd_zone has it: bytes; type and cond the kernel's numbers. */
struct fio_dev_zone {
	uint64_t start, len, capacity, wp;
	unsigned int type, cond;
};

enum fio_dev_op { FIO_DEV_READ, FIO_DEV_WRITE, FIO_DEV_APPEND, FIO_DEV_FLUSH, FIO_DEV_RESET };

struct fio_dev_req {
	enum fio_dev_op op;
	uint64_t offset, len;		/* bytes; an append: the zone start in, where it landed out */
	void *buf;			/* NULL: tagged blocks (write), no data (read) */
	void (*done)(struct fio_dev_req *req);	/* from fio_dev_run_one(), lock held */
	void *priv;
	/* out */
	int error;			/* 0 or a positive errno, as a program sees it */
	char reason[256];		/* why, when error */
	uint64_t lat_ns;		/* virtual time from submission to completion */
	/* the device's own */
	uint64_t submit_ns;
	unsigned int remaining;
};

/* The device @spec names, opened on first use; 0 or -errno with a message. */
int fio_dev_get(const char *spec, struct fio_dev **devp, char *err, size_t errlen);
/* The device of @spec if one is open here, else NULL; its users count it. */
void fio_dev_put(struct fio_dev *d);
/* How many users (fio_dev_get minus fio_dev_put) it has. */
unsigned int fio_dev_users(const struct fio_dev *d);

void fio_dev_lock(struct fio_dev *d);
void fio_dev_unlock(struct fio_dev *d);

void fio_dev_info(const struct fio_dev *d, struct fio_dev_info *info);
/* Up to @nr zones from the one holding byte @offset; how many, or -errno. */
int fio_dev_report(struct fio_dev *d, uint64_t offset, struct fio_dev_zone *zones, unsigned int nr);

/* Start @req; its done() runs from fio_dev_run_one().  0, or a positive errno (done never runs). */
int fio_dev_submit(struct fio_dev *d, struct fio_dev_req *req);
/* Run @req and wait for it (the loop runs other completions meanwhile).  0 or a positive errno. */
int fio_dev_run_sync(struct fio_dev *d, struct fio_dev_req *req);

/* The virtual clock (ns), and the time of the next event (false: none queued). */
uint64_t fio_dev_now(const struct fio_dev *d);
bool fio_dev_next_time(const struct fio_dev *d, uint64_t *t);
/* Run the next event; false when none is queued. */
bool fio_dev_run_one(struct fio_dev *d);

/* Commands dispatched to the device and not yet completed. */
unsigned int fio_dev_inflight(const struct fio_dev *d);

#endif
