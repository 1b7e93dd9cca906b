/* SPDX-License-Identifier: MIT */
/*
 * The structured event log: one JSON object a line (docs/event-log.md).
 * Every bio submission is a "bio_submit" line, every completion a
 * "bio_end" line, with op, sector (512-byte units), bytes and status.
 */
#ifndef ZWSIM_LOG_H
#define ZWSIM_LOG_H

#include <stdbool.h>
#include <stdio.h>

#include "bio.h"

struct zw_log {
	FILE *f;
	const uint64_t *clock;	/* virtual nanoseconds, for "t" */
};

void zw_log_bio(struct zw_log *log, const char *ev, const struct bio *bio);
void zw_log_bio_split(struct zw_log *log, const struct bio *parent, const struct bio *split);
void zw_log_plug(struct zw_log *log, const char *ev, unsigned int zone_no, sector_t wp_offset,
		 const struct bio *bio);

struct folio;
struct inode;
struct iomap_ioend;
void zw_log_folio(struct zw_log *log, const char *ev, const struct inode *inode,
		  const struct folio *folio);
void zw_log_ioend(struct zw_log *log, const char *ev, const struct iomap_ioend *ioend,
		  uint32_t nr_folios, int error);
void zw_log_wb_error(struct zw_log *log, const struct inode *inode, int64_t pos, int error);
/*
 * A direct I/O starts ("dio_submit": @bytes asked for) or ends ("dio_end":
 * @bytes put in bios, @ret what the call returns).
 */
void zw_log_dio(struct zw_log *log, const char *ev, const struct inode *inode, uint64_t id,
		bool write, int64_t pos, uint64_t bytes, const int64_t *ret);
/*
 * The device at the start of a run ("device"): its geometry, the block
 * layer's switches and the zones not empty, so a log can be checked alone.
 */
struct zw_dev;
struct blk_opts;
void zw_log_device(struct zw_log *log, struct zw_dev *dev, const struct blk_opts *bo);
/*
 * A file system maps @bytes of file @ino at @offset to the device at
 * @sector ("file_map": zoned XFS's remap after a zone append or GC,
 * zonefs's file-is-its-zone mapping, regular XFS's extents under a
 * completed write), in blocks of @blocksize bytes.
 */
void zw_log_file_map(struct zw_log *log, uint64_t ino, uint64_t offset, uint64_t bytes,
		     uint64_t sector, unsigned int blocksize);
void zw_log_zone_cond(struct zw_log *log, unsigned int zone, uint8_t from, uint8_t to);

#endif
