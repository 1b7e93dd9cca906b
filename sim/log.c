// SPDX-License-Identifier: MIT
/* The event log, written with json-c: one plain JSON object a line. */
#include "log.h"

#include "blk.h"
#include "dev.h"
#include "iomap.h"
#include "pattern.h"

#include <json.h>
#include <stdlib.h>
#include <string.h>

static json_object *log_event(struct zw_log *log, const char *ev)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "t", json_object_new_uint64(log->clock ? *log->clock : 0));
	json_object_object_add(o, "ev", json_object_new_string(ev));
	return o;
}

static void log_emit(struct zw_log *log, json_object *o)
{
	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), log->f);
	fputc('\n', log->f);
	json_object_put(o);
}

static void add_bio(json_object *o, const struct bio *bio)
{
	json_object_object_add(o, "id", json_object_new_uint64(bio->bi_id));
	json_object_object_add(o, "op", json_object_new_string(req_op_name(bio->bi_op)));
	json_object_object_add(o, "sector", json_object_new_uint64(bio->bi_iter.bi_sector));
	json_object_object_add(o, "bytes", json_object_new_uint64(bio->bi_iter.bi_size));
	if (bio->bi_opf & REQ_FUA)
		json_object_object_add(o, "fua", json_object_new_boolean(1));
	if (bio->bi_opf & REQ_PREFLUSH)
		json_object_object_add(o, "preflush", json_object_new_boolean(1));
	if (bio->bi_flags & BIO_DIO)
		json_object_object_add(o, "dio", json_object_new_boolean(1));
}

/* The tag block @k of @bio carries (bytes decoded: zw_pattern_decode()); 0: none. */
static uint64_t bio_block_tag(const struct bio *bio, uint64_t k, unsigned int lbs)
{
	uint64_t skip = k * lbs + bio->bi_iter.bi_bvec_done, tag;

	for (unsigned int i = bio->bi_iter.bi_idx; i < bio->bi_vcnt; i++) {
		const struct bio_vec *bv = &bio->bi_io_vec[i];

		if (skip >= bv->bv_len) {
			skip -= bv->bv_len;
			continue;
		}
		if (bv->bv_data)
			return zw_pattern_decode((const char *)bv->bv_data + skip, lbs, &tag) ? tag : 0;
		return bv->bv_tags ? bv->bv_tags[skip / lbs] : bv->bv_tag + skip / lbs;
	}
	return 0;
}

/*
 * The tag of a write's first block when its first and last blocks carry
 * tags that run on (first .. first + n - 1), as file data does
 * (zw_tag_file()), in bytes or tags alike: zwsim check compares file
 * mappings with it.  0: none.
 */
static uint64_t bio_tag_run(const struct bio *bio)
{
	unsigned int lbs = bio->bi_bdev ? bio->bi_bdev->lim.logical_block_size : 0;
	uint64_t n = lbs ? bio->bi_iter.bi_size / lbs : 0, first, last;

	if (!n)
		return 0;
	first = bio_block_tag(bio, 0, lbs);
	last = n > 1 ? bio_block_tag(bio, n - 1, lbs) : first;
	return first && last == first + n - 1 ? first : 0;
}

void zw_log_bio(struct zw_log *log, const char *ev, const struct bio *bio)
{
	json_object *o;

	if (!log || !log->f)
		return;
	o = log_event(log, ev);
	add_bio(o, bio);
	if (!strcmp(ev, "bio_issue") && op_is_write(bio->bi_op)) {
		uint64_t tag = bio_tag_run(bio);

		if (tag)
			json_object_object_add(o, "tag", json_object_new_uint64(tag));
	}
	if (!strcmp(ev, "bio_end")) {
		json_object_object_add(o, "status", json_object_new_string(blk_status_name(bio->bi_status)));
		if (bio->bi_status && bio->bi_res.reason[0])
			json_object_object_add(o, "reason", json_object_new_string(bio->bi_res.reason));
		if (bio->bi_status && bio->bi_res.err)
			json_object_object_add(o, "zone_err", json_object_new_string(zone_err_name(&bio->bi_res)));
	}
	log_emit(log, o);
}

void zw_log_bio_split(struct zw_log *log, const struct bio *parent, const struct bio *split)
{
	json_object *o;

	if (!log || !log->f)
		return;
	o = log_event(log, "bio_split");
	add_bio(o, split);
	json_object_object_add(o, "parent", json_object_new_uint64(parent->bi_id));
	log_emit(log, o);
}

void zw_log_plug(struct zw_log *log, const char *ev, unsigned int zone_no, sector_t wp_offset,
		 const struct bio *bio)
{
	json_object *o;

	if (!log || !log->f)
		return;
	o = log_event(log, ev);
	json_object_object_add(o, "zone", json_object_new_uint64(zone_no));
	json_object_object_add(o, "wp_offset", json_object_new_uint64(wp_offset));
	if (bio)
		json_object_object_add(o, "id", json_object_new_uint64(bio->bi_id));
	log_emit(log, o);
}

void zw_log_folio(struct zw_log *log, const char *ev, const struct inode *inode,
		  const struct folio *folio)
{
	json_object *o;

	if (!log || !log->f)
		return;
	o = log_event(log, ev);
	json_object_object_add(o, "ino", json_object_new_uint64(inode->i_ino));
	json_object_object_add(o, "pos", json_object_new_int64(folio_pos(folio)));
	json_object_object_add(o, "size", json_object_new_uint64(folio_size(folio)));
	log_emit(log, o);
}

void zw_log_ioend(struct zw_log *log, const char *ev, const struct iomap_ioend *ioend,
		  uint32_t nr_folios, int error)
{
	json_object *o;

	if (!log || !log->f)
		return;
	o = log_event(log, ev);
	json_object_object_add(o, "ino", json_object_new_uint64(ioend->io_inode->i_ino));
	json_object_object_add(o, "offset", json_object_new_int64(ioend->io_offset));
	json_object_object_add(o, "size", json_object_new_uint64(ioend->io_size));
	json_object_object_add(o, "bio_bytes", json_object_new_uint64(ioend->io_bio.bi_iter.bi_size));
	json_object_object_add(o, "sector", json_object_new_uint64(ioend->io_sector));
	json_object_object_add(o, "folios", json_object_new_uint64(nr_folios));
	json_object_object_add(o, "segments", json_object_new_uint64(ioend->io_bio.bi_vcnt));
	json_object_object_add(o, "flags", json_object_new_uint64(ioend->io_flags));
	if (error)
		json_object_object_add(o, "error", json_object_new_string(errno_name(error)));
	log_emit(log, o);
}

void zw_log_wb_error(struct zw_log *log, const struct inode *inode, int64_t pos, int error)
{
	json_object *o;

	if (!log || !log->f)
		return;
	o = log_event(log, "writeback_error");
	json_object_object_add(o, "ino", json_object_new_uint64(inode->i_ino));
	json_object_object_add(o, "pos", json_object_new_int64(pos));
	json_object_object_add(o, "error", json_object_new_string(errno_name(error)));
	log_emit(log, o);
}

void zw_log_zone_cond(struct zw_log *log, unsigned int zone, uint8_t from, uint8_t to)
{
	json_object *o;

	if (!log || !log->f)
		return;
	o = log_event(log, "zone_cond");
	json_object_object_add(o, "zone", json_object_new_uint64(zone));
	json_object_object_add(o, "from", json_object_new_string(zone_cond_abbrev(from)));
	json_object_object_add(o, "to", json_object_new_string(zone_cond_abbrev(to)));
	log_emit(log, o);
}

void zw_log_dio(struct zw_log *log, const char *ev, const struct inode *inode, uint64_t id,
		bool write, int64_t pos, uint64_t bytes, const int64_t *ret)
{
	json_object *o;

	if (!log || !log->f)
		return;
	o = log_event(log, ev);
	json_object_object_add(o, "dio_id", json_object_new_uint64(id));
	json_object_object_add(o, "ino", json_object_new_uint64(inode->i_ino));
	json_object_object_add(o, "op", json_object_new_string(write ? "write" : "read"));
	json_object_object_add(o, "pos", json_object_new_int64(pos));
	json_object_object_add(o, "bytes", json_object_new_uint64(bytes));
	if (ret) {
		if (*ret < 0)
			json_object_object_add(o, "ret", json_object_new_string(errno_name((int)*ret)));
		else
			json_object_object_add(o, "ret", json_object_new_int64(*ret));
	}
	log_emit(log, o);
}

void zw_log_device(struct zw_log *log, struct zw_dev *dev, const struct blk_opts *bo)
{
	const struct zone_geometry *g = &dev->geo;
	struct blk_zone *zones;
	json_object *o, *a;

	if (!log || !log->f)
		return;
	o = log_event(log, "device");
	json_object_object_add(o, "kind", json_object_new_string(dev->ops->kind));
	json_object_object_add(o, "capacity", json_object_new_uint64(g->capacity));
	json_object_object_add(o, "zones", json_object_new_uint64(dev->nr_zones));
	json_object_object_add(o, "zone_size", json_object_new_uint64(g->zone_size));
	json_object_object_add(o, "zone_cap", json_object_new_uint64(g->zone_capacity));
	json_object_object_add(o, "conv", json_object_new_uint64(g->nr_conv));
	json_object_object_add(o, "lba", json_object_new_uint64(g->lba_size));
	json_object_object_add(o, "max_open", json_object_new_uint64(g->max_open));
	json_object_object_add(o, "max_active", json_object_new_uint64(g->max_active));
	json_object_object_add(o, "max_append", json_object_new_uint64(g->max_append_sectors));
	json_object_object_add(o, "zone_wplug", json_object_new_boolean(!bo->no_zone_wplug));
	json_object_object_add(o, "ordered_zone_append",
			       json_object_new_boolean(bo->ordered_zone_append));
	/* [zone, wp offset, condition] of every zone not empty, and any whose capacity differs */
	a = json_object_new_array();
	zones = dev->nr_zones ? calloc(dev->nr_zones, sizeof(*zones)) : NULL;
	if (zones && zw_dev_report_zones(dev, 0, dev->nr_zones, zones) == (int)dev->nr_zones) {
		for (unsigned int i = 0; i < dev->nr_zones; i++) {
			const struct blk_zone *z = &zones[i];
			json_object *e;

			if (z->cond == BLK_ZONE_COND_EMPTY && z->capacity == g->zone_capacity)
				continue;
			if (z->cond == BLK_ZONE_COND_NOT_WP && z->capacity == z->len)
				continue;
			e = json_object_new_array();
			json_object_array_add(e, json_object_new_uint64(i));
			json_object_array_add(e, json_object_new_uint64(z->wp - z->start));
			json_object_array_add(e, json_object_new_string(zone_cond_abbrev(z->cond)));
			json_object_array_add(e, json_object_new_uint64(z->capacity));
			json_object_array_add(a, e);
		}
	}
	free(zones);
	json_object_object_add(o, "zone_state", a);
	log_emit(log, o);
}

void zw_log_file_map(struct zw_log *log, uint64_t ino, uint64_t offset, uint64_t bytes,
		     uint64_t sector, unsigned int blocksize)
{
	json_object *o;

	if (!log || !log->f)
		return;
	o = log_event(log, "file_map");
	json_object_object_add(o, "ino", json_object_new_uint64(ino));
	json_object_object_add(o, "offset", json_object_new_uint64(offset));
	json_object_object_add(o, "bytes", json_object_new_uint64(bytes));
	json_object_object_add(o, "sector", json_object_new_uint64(sector));
	json_object_object_add(o, "block", json_object_new_uint64(blocksize));
	log_emit(log, o);
}
