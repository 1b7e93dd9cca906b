/* SPDX-License-Identifier: MIT */
/*
 * A small fake file system for the writeback tests: an inode on an
 * emulated zoned device whose ->writeback_range maps folio ranges to
 * extents the test chooses (iomap type, flags, disk address), and whose
 * ->writeback_submit records what it was given (the pending ioend) before
 * submitting it the way the test asks:
 *
 *   FAKE_SUBMIT_GENERIC  ioend_writeback_submit() (zonefs, block/fops.c)
 *   FAKE_SUBMIT_TRACK    the same, with a bi_end_io that records each ioend
 *                        completion and the state of one folio after it
 *   FAKE_SUBMIT_DEFER    completions are queued; fake_finish_deferred() sorts,
 *                        merges and finishes them (xfs_end_bio + xfs_end_io)
 *   FAKE_SUBMIT_APPEND   zone append at the start of a sequential zone, split
 *                        with iomap_split_ioend() (xfs_zoned_writeback_submit)
 *
 * Everything shows in the event log too: the log is an open_memstream()
 * buffer the tests search.
 *
 * Included by several test programs; every function is static inline so a
 * program that does not use one does not warn.
 */
#ifndef ZWSIM_TEST_FAKEFS_H
#define ZWSIM_TEST_FAKEFS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "blk.h"
#include "dev.h"
#include "event.h"
#include "iomap.h"
#include "log.h"
#include "mm.h"

#define KiB	1024ull
#define MiB	(1024ull * 1024)

#define FAKE_MAX_EXT	64
#define FAKE_MAX_REC	4096
#define FAKE_MAX_FAIL	8

struct fake_ext {
	loff_t offset;
	uint64_t length;
	uint64_t addr;		/* bytes on the device */
	uint16_t type;
	uint16_t flags;
};

/* What ->writeback_submit was given. */
struct fake_submit {
	loff_t offset;
	size_t size;
	uint32_t bio_bytes;
	uint16_t segments;
	uint16_t flags;
	sector_t sector;	/* io_sector */
	uint32_t nr_folios;
	int error;
};

/* One ioend completion seen by a FAKE_SUBMIT_TRACK or _APPEND bi_end_io. */
struct fake_end {
	loff_t offset;
	size_t size;
	sector_t sector;	/* bi_sector at completion: where an append landed */
	int error;
	bool split_child;	/* had an io_parent */
	bool folio_writeback;	/* the tracked folio, after the completion */
	unsigned int folio_pending;	/* its write_bytes_pending, after */
};

enum fake_submit_mode {
	FAKE_SUBMIT_GENERIC,
	FAKE_SUBMIT_TRACK,
	FAKE_SUBMIT_DEFER,
	FAKE_SUBMIT_APPEND,
};

struct fake_fs {
	struct zw_dev *dev;
	struct block_device bdev;
	struct sim_loop loop;
	struct mm_ctx mm;
	struct zw_log log;
	FILE *logf;
	char *logbuf;
	size_t loglen;
	struct inode inode;
	struct file file;

	struct fake_ext ext[FAKE_MAX_EXT];
	unsigned int nr_ext;		/* 0: the file maps 1:1 onto the device */

	/* ->writeback_range at exactly fail_pos[i] returns fail_error[i] */
	loff_t fail_pos[FAKE_MAX_FAIL];
	int fail_error[FAKE_MAX_FAIL];
	unsigned int nr_fail;

	/* ->writeback_range at preset_pos first sets wpc->nr_folios = preset_nr_folios */
	bool preset;
	loff_t preset_pos;
	uint32_t preset_nr_folios;

	enum fake_submit_mode mode;
	unsigned int append_zone;	/* FAKE_SUBMIT_APPEND: the zone appended to */
	unsigned int append_max_len;	/* and the split size handed to iomap_split_ioend */

	/* records */
	struct fake_submit sub[FAKE_MAX_REC];
	unsigned int nr_sub;
	loff_t range_pos[FAKE_MAX_REC];	/* every ->writeback_range call */
	unsigned int range_len[FAKE_MAX_REC];
	unsigned int nr_range;
	struct fake_end end[FAKE_MAX_REC];
	unsigned int nr_end;
	struct folio *track_folio;
	struct iomap_ioend *deferred;	/* FAKE_SUBMIT_DEFER: completed, not finished */

	struct iomap_writeback_ops ops;
};

/* --- the file system ---------------------------------------------------- */

static inline struct fake_fs *FAKE(const struct inode *inode)
{
	return inode->i_private;
}

static inline ssize_t fake_writeback_range(struct iomap_writeback_ctx *wpc, struct folio *folio,
					   uint64_t pos, unsigned int len, uint64_t end_pos)
{
	struct fake_fs *fs = FAKE(wpc->inode);
	struct iomap *iomap = &wpc->iomap;

	if (fs->nr_range < FAKE_MAX_REC) {
		fs->range_pos[fs->nr_range] = (loff_t)pos;
		fs->range_len[fs->nr_range++] = len;
	}
	for (unsigned int i = 0; i < fs->nr_fail; i++)
		if (fs->fail_pos[i] == (loff_t)pos)
			return fs->fail_error[i];
	if (fs->preset && fs->preset_pos == (loff_t)pos)
		wpc->nr_folios = fs->preset_nr_folios;

	memset(iomap, 0, sizeof(*iomap));
	iomap->bdev = &fs->bdev;
	if (!fs->nr_ext) {
		iomap->offset = 0;
		iomap->length = UINT64_MAX / 4;
		iomap->addr = 0;
		iomap->type = IOMAP_MAPPED;
	} else {
		unsigned int i;

		for (i = 0; i < fs->nr_ext; i++) {
			const struct fake_ext *e = &fs->ext[i];

			if ((loff_t)pos >= e->offset && (loff_t)pos < e->offset + (loff_t)e->length)
				break;
		}
		if (i == fs->nr_ext) {
			fail_msg("the fake file system has no extent at %llu", (unsigned long long)pos);
			return -EIO;
		}
		iomap->offset = fs->ext[i].offset;
		iomap->length = fs->ext[i].length;
		iomap->addr = fs->ext[i].addr;
		iomap->type = fs->ext[i].type;
		iomap->flags = fs->ext[i].flags;
	}
	return iomap_add_to_ioend(wpc, folio, (loff_t)pos, (loff_t)end_pos, len);
}

static inline void fake_record_end(struct fake_fs *fs, struct iomap_ioend *ioend, struct bio *bio,
				   unsigned int *slot)
{
	struct fake_end *e;

	*slot = fs->nr_end;
	assert_true(fs->nr_end < FAKE_MAX_REC);
	e = &fs->end[fs->nr_end++];
	e->offset = ioend->io_offset;
	e->size = ioend->io_size;
	e->sector = bio->bi_iter.bi_sector;
	e->error = blk_status_to_errno(bio->bi_status);
	e->split_child = ioend->io_parent != NULL;
}

static inline void fake_record_folio(struct fake_fs *fs, unsigned int slot)
{
	struct folio *folio = fs->track_folio;
	struct iomap_folio_state *ifs;

	if (!folio)
		return;
	ifs = folio->private;
	fs->end[slot].folio_writeback = folio_test_writeback(folio);
	fs->end[slot].folio_pending = ifs ? ifs->write_bytes_pending : 0;
}

/* FAKE_SUBMIT_TRACK: the generic completion, observed. */
static inline void fake_track_end_io(struct bio *bio)
{
	struct iomap_ioend *ioend = iomap_ioend_from_bio(bio);
	struct fake_fs *fs = FAKE(ioend->io_inode);
	unsigned int slot;

	fake_record_end(fs, ioend, bio, &slot);
	ioend_writeback_end_bio(bio);	/* frees the ioend */
	fake_record_folio(fs, slot);
}

/* FAKE_SUBMIT_DEFER: xfs_end_bio(): queue for the completion worker. */
static inline void fake_defer_end_io(struct bio *bio)
{
	struct iomap_ioend *ioend = iomap_ioend_from_bio(bio);
	struct fake_fs *fs = FAKE(ioend->io_inode);

	ioend->io_next = fs->deferred;
	fs->deferred = ioend;
}

/* FAKE_SUBMIT_APPEND: split children and the parent finish through iomap_finish_ioends(). */
static inline void fake_append_end_io(struct bio *bio)
{
	struct iomap_ioend *ioend = iomap_ioend_from_bio(bio);
	struct fake_fs *fs = FAKE(ioend->io_inode);
	unsigned int slot;

	fake_record_end(fs, ioend, bio, &slot);
	iomap_finish_ioends(ioend, blk_status_to_errno(bio->bi_status));
	fake_record_folio(fs, slot);
}

static inline void fake_record_submit(struct fake_fs *fs, const struct iomap_writeback_ctx *wpc,
				      const struct iomap_ioend *ioend, int error)
{
	struct fake_submit *s;

	assert_true(fs->nr_sub < FAKE_MAX_REC);
	s = &fs->sub[fs->nr_sub++];
	s->offset = ioend->io_offset;
	s->size = ioend->io_size;
	s->bio_bytes = ioend->io_bio.bi_iter.bi_size;
	s->segments = ioend->io_bio.bi_vcnt;
	s->flags = ioend->io_flags;
	s->sector = ioend->io_sector;
	s->nr_folios = wpc->nr_folios;
	s->error = error;
}

static inline int fake_writeback_submit(struct iomap_writeback_ctx *wpc, int error)
{
	struct fake_fs *fs = FAKE(wpc->inode);
	struct iomap_ioend *ioend = wpc->wb_ctx;
	struct iomap_ioend *split;
	sector_t zone_start;

	fake_record_submit(fs, wpc, ioend, error);
	switch (fs->mode) {
	case FAKE_SUBMIT_GENERIC:
		break;
	case FAKE_SUBMIT_TRACK:
		ioend->io_bio.bi_end_io = fake_track_end_io;
		break;
	case FAKE_SUBMIT_DEFER:
		ioend->io_bio.bi_end_io = fake_defer_end_io;
		break;
	case FAKE_SUBMIT_APPEND:
		/* xfs_zoned_writeback_submit() and xfs_zone_alloc_and_submit() */
		ioend->io_bio.bi_end_io = fake_append_end_io;
		if (error) {
			ioend->io_bio.bi_status = errno_to_blk_status(error);
			bio_endio(&ioend->io_bio);
			return error;
		}
		zone_start = (sector_t)fs->append_zone * fs->bdev.zone_size;
		ioend->io_sector = zone_start;
		ioend->io_bio.bi_iter.bi_sector = zone_start;
		/* xfs_submit_zoned_bio(): every piece goes to its io_sector, the zone start */
		while ((split = iomap_split_ioend(ioend, fs->append_max_len, true))) {
			split->io_bio.bi_iter.bi_sector = split->io_sector;
			split->io_bio.bi_op = REQ_OP_ZONE_APPEND;
			submit_bio(&split->io_bio);
		}
		ioend->io_bio.bi_iter.bi_sector = ioend->io_sector;
		ioend->io_bio.bi_op = REQ_OP_ZONE_APPEND;
		submit_bio(&ioend->io_bio);
		return 0;
	}
	return ioend_writeback_submit(wpc, error);
}

static inline int fake_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	struct fake_fs *fs = FAKE(mapping->host);
	struct iomap_writeback_ctx wpc = {
		.inode = mapping->host,
		.wbc = wbc,
		.ops = &fs->ops,
		.bdev = &fs->bdev,
	};

	return iomap_writepages(&wpc);
}

static const struct address_space_operations fake_aops = {
	.writepages = fake_writepages,
};

/* --- setting up ---------------------------------------------------------- */

/*
 * A fake file system on the emulated device @spec, with @blkbits blocks,
 * completions in @policy order (@seed for shuffles).
 */
static inline struct fake_fs *fake_fs_new_ordered(const char *spec, unsigned int blkbits,
						  enum sim_completion_policy policy, uint64_t seed)
{
	struct fake_fs *fs = calloc(1, sizeof(*fs));
	char err[512];

	assert_non_null(fs);
	if (zw_dev_open(spec, 0, &fs->dev, err, sizeof(err)))
		fail_msg("zw_dev_open(%s): %s", spec, err);
	sim_loop_init(&fs->loop, policy, seed);
	fs->logf = open_memstream(&fs->logbuf, &fs->loglen);
	assert_non_null(fs->logf);
	fs->log.f = fs->logf;
	fs->log.clock = &fs->loop.now;
	if (blkdev_init(&fs->bdev, fs->dev, &fs->loop, &fs->log, err, sizeof(err)))
		fail_msg("blkdev_init: %s", err);
	fs->mm.loop = &fs->loop;
	fs->mm.log = &fs->log;
	fs->mm.tags = fs->dev->data_mode == ZW_DATA_TAGS;
	inode_init(&fs->inode, &fs->mm, 42, blkbits, &fake_aops);
	fs->inode.i_private = fs;
	file_open(&fs->file, &fs->inode);
	fs->ops.writeback_range = fake_writeback_range;
	fs->ops.writeback_submit = fake_writeback_submit;
	return fs;
}

static inline struct fake_fs *fake_fs_new(const char *spec, unsigned int blkbits)
{
	return fake_fs_new_ordered(spec, blkbits, SIM_COMPLETE_FIFO, 0);
}

static inline void fake_fs_free(struct fake_fs *fs)
{
	inode_release(&fs->inode);
	sim_run(&fs->loop);
	blkdev_free(&fs->bdev);
	sim_loop_free(&fs->loop);
	fclose(fs->logf);
	free(fs->logbuf);
	zw_dev_close(fs->dev);
	free(fs);
}

static inline void fake_add_ext(struct fake_fs *fs, loff_t offset, uint64_t length, uint64_t addr,
				uint16_t type, uint16_t flags)
{
	assert_true(fs->nr_ext < FAKE_MAX_EXT);
	fs->ext[fs->nr_ext++] = (struct fake_ext){ offset, length, addr, type, flags };
}

static inline void fake_fail_at(struct fake_fs *fs, loff_t pos, int error)
{
	assert_true(fs->nr_fail < FAKE_MAX_FAIL);
	fs->fail_pos[fs->nr_fail] = pos;
	fs->fail_error[fs->nr_fail++] = error;
}

/* --- doing things -------------------------------------------------------- */

/* The byte a test writes at file offset @off (generation @gen). */
static inline uint8_t fake_byte(uint64_t off, unsigned int gen)
{
	return (uint8_t)((off * 131u) ^ (off >> 9) ^ (gen * 0x5bu) ^ 0xa5u);
}

static inline void fake_write_gen(struct fake_fs *fs, loff_t pos, size_t len, unsigned int gen)
{
	uint8_t *buf = malloc(len);

	assert_non_null(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = fake_byte((uint64_t)pos + i, gen);
	assert_int_equal(iomap_file_buffered_write(&fs->inode, pos, len, buf, 0), (ssize_t)len);
	free(buf);
}

static inline void fake_write(struct fake_fs *fs, loff_t pos, size_t len)
{
	fake_write_gen(fs, pos, len, 0);
}

/* Write back with @mode (whole file) and run every completion; what ->writepages returned. */
static inline int fake_writeback(struct fake_fs *fs, enum writeback_sync_modes mode)
{
	struct writeback_control wbc = {
		.sync_mode = mode,
		.nr_to_write = INT64_MAX,
		.range_start = 0,
		.range_end = INT64_MAX,
	};
	int err = do_writepages(&fs->inode.i_data, &wbc);

	sim_run(&fs->loop);
	return err;
}

static inline int fake_sync(struct fake_fs *fs)
{
	return fake_writeback(fs, WB_SYNC_ALL);
}

/* Read the device itself (no block layer, no page cache); any byte range. */
static inline void fake_dev_read(struct fake_fs *fs, uint64_t addr, size_t len, void *buf)
{
	unsigned int lbs = fs->dev->geo.lba_size;
	uint64_t first = addr - addr % lbs, end = (addr + len + lbs - 1) / lbs * lbs;
	uint8_t *tmp = malloc((size_t)(end - first));
	struct zw_io io = {
		.op = REQ_OP_READ,
		.sector = first >> SECTOR_SHIFT,
		.nr_sectors = (unsigned int)((end - first) >> SECTOR_SHIFT),
		.buf = tmp,
	};

	assert_non_null(tmp);
	zw_dev_submit(fs->dev, &io);
	assert_int_equal(io.res.status, BLK_STS_OK);
	memcpy(buf, tmp + (addr - first), len);
	free(tmp);
}

/* Does the device hold generation @gen of file bytes [pos, pos + len) at @addr? */
static inline bool fake_dev_holds(struct fake_fs *fs, uint64_t addr, loff_t pos, size_t len,
				  unsigned int gen)
{
	uint8_t *buf = malloc(len);
	bool ok = true;

	assert_non_null(buf);
	fake_dev_read(fs, addr, len, buf);
	for (size_t i = 0; i < len && ok; i++)
		ok = buf[i] == fake_byte((uint64_t)pos + i, gen);
	free(buf);
	return ok;
}

static inline bool fake_dev_zero(struct fake_fs *fs, uint64_t addr, size_t len)
{
	uint8_t *buf = malloc(len);
	bool ok = true;

	assert_non_null(buf);
	fake_dev_read(fs, addr, len, buf);
	for (size_t i = 0; i < len && ok; i++)
		ok = !buf[i];
	free(buf);
	return ok;
}

/* No folio of the file is locked or under writeback, and the counters agree. */
static inline void assert_no_folio_busy(struct fake_fs *fs)
{
	struct address_space *mapping = &fs->inode.i_data;

	for (size_t i = 0; i < mapping->nr_folios; i++) {
		struct folio *folio = mapping->folios[i];

		if (folio_test_writeback(folio) || folio_test_locked(folio))
			fail_msg("folio at %lld is still %s", (long long)folio_pos(folio),
				 folio_test_writeback(folio) ? "under writeback" : "locked");
	}
	assert_int_equal(fs->mm.nr_writeback_pages, 0);
}

static inline void assert_nothing_dirty(struct fake_fs *fs)
{
	struct address_space *mapping = &fs->inode.i_data;

	for (size_t i = 0; i < mapping->nr_folios; i++) {
		struct folio *folio = mapping->folios[i];
		struct iomap_folio_state *ifs = folio->private;

		if (folio_test_dirty(folio))
			fail_msg("folio at %lld is dirty", (long long)folio_pos(folio));
		for (unsigned int b = 0; ifs && b < ifs->nr_blocks; b++)
			if (ifs->state[ifs->nr_blocks + b])
				fail_msg("block %u of folio at %lld is dirty", b,
					 (long long)folio_pos(folio));
	}
	assert_int_equal(mapping->nr_dirty, 0);
	assert_int_equal(fs->mm.nr_dirty_pages, 0);
}

/* --- the event log --------------------------------------------------------- */

static inline const char *fake_log(struct fake_fs *fs)
{
	fflush(fs->logf);
	return fs->logbuf ? fs->logbuf : "";
}

/*
 * The @n-th (from 0) event named @ev, parsed (json_object_put() it), or
 * NULL; with @ev NULL, any event.
 */
static inline json_object *log_event_nth(const char *log, const char *ev, unsigned int n)
{
	const char *line = log;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *copy = strndup(line, len);
		json_object *o = json_tokener_parse(copy), *e;

		free(copy);
		assert_non_null(o);
		if (!ev || (json_object_object_get_ex(o, "ev", &e) &&
			    !strcmp(json_object_get_string(e), ev))) {
			if (!n--)
				return o;
		}
		json_object_put(o);
		line += len + (nl ? 1 : 0);
	}
	return NULL;
}

/* The integer @key of every @ev event, in log order (one pass): how many. */
static inline unsigned int log_collect_int(const char *log, const char *ev, const char *key,
					   int64_t *out, unsigned int max)
{
	const char *line = log;
	unsigned int n = 0;

	while (*line && n < max) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *copy = strndup(line, len);
		json_object *o = json_tokener_parse(copy), *e, *v;

		free(copy);
		assert_non_null(o);
		if (json_object_object_get_ex(o, "ev", &e) && !strcmp(json_object_get_string(e), ev) &&
		    json_object_object_get_ex(o, key, &v))
			out[n++] = json_object_get_int64(v);
		json_object_put(o);
		line += len + (nl ? 1 : 0);
	}
	return n;
}

static inline unsigned int log_count(const char *log, const char *ev)
{
	char needle[64];
	unsigned int n = 0;

	snprintf(needle, sizeof(needle), "\"ev\":\"%s\"", ev);
	for (const char *p = log; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static inline int64_t json_int(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no \"%s\" in %s", key, json_object_to_json_string(o));
	return json_object_get_int64(v);
}

static inline const char *json_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no \"%s\" in %s", key, json_object_to_json_string(o));
	return json_object_get_string(v);
}

#endif
