// SPDX-License-Identifier: MIT
/*
 * zonefs mount, zone accounting and I/O error handling (fs/zonefs/super.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"
#include "zonefs.h"

/* The model's super block: one tagged block at the start of zone 0 ("ZOFS"). */
#define ZONEFS_SB_TAG	0x5a4f4653ull

/*
 * zonefs_inode_zone_mgmt(): a zone command for a file's zone.  Closing a
 * zone with nothing written is sent as a reset, so an unwritten ZNS zone
 * does not stay closed and active.
 */
int zonefs_inode_zone_mgmt(struct zonefs_inode_info *zi, enum req_op op)
{
	struct zonefs_zone *z = zi->i_zone;
	struct blk_dio dio;

	if (op == REQ_OP_ZONE_CLOSE && !z->z_wpoffset)
		op = REQ_OP_ZONE_RESET;
	blk_dio_sync(zi->i_sbi->bdev, op, z->z_sector, 0, NULL, 0, &dio);
	return blk_status_to_errno(dio.status);
}

/* zonefs_inode_account_active(): active = open, or partly written, and healthy. */
void zonefs_inode_account_active(struct zonefs_inode_info *zi)
{
	struct zonefs_zone *z = zi->i_zone;
	struct zonefs_sb_info *sbi = zi->i_sbi;
	bool active;

	if (z->z_flags & ZONEFS_ZONE_CNV)
		return;
	active = !(z->z_flags & (ZONEFS_ZONE_OFFLINE | ZONEFS_ZONE_READONLY)) &&
		 ((z->z_flags & ZONEFS_ZONE_OPEN) ||
		  (z->z_wpoffset > 0 && z->z_wpoffset < z->z_capacity));
	if (active && !(z->z_flags & ZONEFS_ZONE_ACTIVE)) {
		z->z_flags |= ZONEFS_ZONE_ACTIVE;
		sbi->s_active_seq_files++;
	} else if (!active && (z->z_flags & ZONEFS_ZONE_ACTIVE)) {
		z->z_flags &= ~ZONEFS_ZONE_ACTIVE;
		sbi->s_active_seq_files--;
	}
}

/* A zone's data size as a report says (zonefs_check_zone_condition()), with its flags. */
static uint64_t zonefs_check_zone_condition(struct zonefs_zone *z, const struct blk_zone *zone)
{
	switch (zone->cond) {
	case BLK_ZONE_COND_OFFLINE:
		z->z_flags |= ZONEFS_ZONE_OFFLINE;
		return 0;
	case BLK_ZONE_COND_READONLY:
		/* The data stays readable, at the size zonefs knew. */
		z->z_flags |= ZONEFS_ZONE_READONLY;
		return z->z_flags & ZONEFS_ZONE_CNV ? z->z_capacity : z->z_wpoffset;
	case BLK_ZONE_COND_FULL:
		return z->z_capacity;
	default:
		if (z->z_flags & ZONEFS_ZONE_CNV)
			return z->z_capacity;
		return (uint64_t)(zone->wp - zone->start) << SECTOR_SHIFT;
	}
}

/* __zonefs_io_error(): after an I/O error, make the file agree with its zone. */
static void __zonefs_io_error(struct zonefs_inode_info *zi, bool write)
{
	struct zonefs_zone *z = zi->i_zone;
	struct zonefs_sb_info *sbi = zi->i_sbi;
	struct inode *inode = &zi->i_vnode;
	uint64_t isize = (uint64_t)inode->i_size, data_size;
	struct blk_zone zone;

	if (z->z_flags & ZONEFS_ZONE_CNV) {
		/* A conventional zone has no write pointer: a synthesized report, full. */
		memset(&zone, 0, sizeof(zone));
		zone.cond = BLK_ZONE_COND_FULL;
	} else if (blkdev_report_zones(sbi->bdev, z->z_zno, 1, &zone) != 1) {
		sbi->s_rdonly = true;	/* cannot even report the zone: remount read-only */
		return;
	}
	data_size = zonefs_check_zone_condition(z, &zone);
	if (!(z->z_flags & (ZONEFS_ZONE_READONLY | ZONEFS_ZONE_OFFLINE)) && !write &&
	    isize == data_size)
		return;

	/* The zone went offline, or errors=zone-offline: the file is gone. */
	if ((z->z_flags & ZONEFS_ZONE_OFFLINE) ||
	    (sbi->s_mount_opts & ZONEFS_MNTOPT_ERRORS_ZOL)) {
		z->z_flags |= ZONEFS_ZONE_OFFLINE;
		z->z_mode = 0;
		data_size = 0;
	} else if ((z->z_flags & ZONEFS_ZONE_READONLY) ||
		   (sbi->s_mount_opts & ZONEFS_MNTOPT_ERRORS_ZRO)) {
		/* errors=zone-ro: keep what the file had, make it read-only */
		z->z_flags |= ZONEFS_ZONE_READONLY;
		z->z_mode &= ~0222u;
		data_size = isize;
	} else if ((sbi->s_mount_opts & ZONEFS_MNTOPT_ERRORS_RO) && data_size > isize) {
		/* Do not expose data the file never had. */
		data_size = isize;
	}
	/* errors=repair (and remount-ro otherwise): the size follows the device. */

	if ((sbi->s_mount_opts & ZONEFS_MNTOPT_EXPLICIT_OPEN) &&
	    (z->z_flags & (ZONEFS_ZONE_READONLY | ZONEFS_ZONE_OFFLINE)))
		z->z_flags &= ~ZONEFS_ZONE_OPEN;
	if (sbi->s_mount_opts & ZONEFS_MNTOPT_ERRORS_RO)
		sbi->s_rdonly = true;
	inode->i_size = (loff_t)data_size;
	z->z_wpoffset = data_size;
	zonefs_inode_account_active(zi);
}

void zonefs_io_error(struct zonefs_inode_info *zi, bool write)
{
	__zonefs_io_error(zi, write);
}

struct zonefs_inode_info *zonefs_lookup(struct zonefs_sb_info *sbi, const char *name)
{
	for (unsigned int i = 0; i < sbi->nr_files; i++)
		if (!strcmp(sbi->inodes[i].name, name))
			return &sbi->inodes[i];
	return NULL;
}

static int zonefs_parse_options(struct zonefs_sb_info *sbi, const char *options, char *err,
				size_t errlen)
{
	char *copy, *tok, *save = NULL;
	int ret = 0;

	sbi->s_mount_opts = ZONEFS_MNTOPT_ERRORS_RO;
	if (!options || !*options)
		return 0;
	copy = strdup(options);
	for (tok = strtok_r(copy, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "aggr_cnv")) {
			sbi->s_mount_opts |= ZONEFS_MNTOPT_AGGR_CNV;
		} else if (!strcmp(tok, "explicit-open")) {
			sbi->s_mount_opts |= ZONEFS_MNTOPT_EXPLICIT_OPEN;
		} else if (!strncmp(tok, "errors=", 7)) {
			unsigned int e = !strcmp(tok + 7, "remount-ro") ? ZONEFS_MNTOPT_ERRORS_RO :
					 !strcmp(tok + 7, "zone-ro") ? ZONEFS_MNTOPT_ERRORS_ZRO :
					 !strcmp(tok + 7, "zone-offline") ? ZONEFS_MNTOPT_ERRORS_ZOL :
					 !strcmp(tok + 7, "repair") ? ZONEFS_MNTOPT_ERRORS_REPAIR : 0;

			if (!e) {
				snprintf(err, errlen, "zonefs: %s: accepted are errors=remount-ro, zone-ro, zone-offline, repair", tok);
				ret = -EINVAL;
			}
			sbi->s_mount_opts = (sbi->s_mount_opts & ~ZONEFS_MNTOPT_ERRORS_MASK) | e;
		} else {
			snprintf(err, errlen, "zonefs: unknown mount option '%s' (accepted: explicit-open, errors=..., aggr_cnv)", tok);
			ret = -EINVAL;
		}
	}
	free(copy);
	return ret;
}

/* mkzonefs, reduced: every zone reset and the super block written to zone 0. */
static int zonefs_mkfs(struct block_device *bdev)
{
	struct blk_dio dio;

	blk_dio_sync(bdev, REQ_OP_ZONE_RESET_ALL, 0, 0, NULL, 0, &dio);
	if (dio.status)
		return blk_status_to_errno(dio.status);
	blk_dio_sync(bdev, REQ_OP_WRITE, 0, bdev->lim.logical_block_size, NULL, ZONEFS_SB_TAG, &dio);
	return blk_status_to_errno(dio.status);
}

static bool zonefs_has_super(struct block_device *bdev)
{
	unsigned int bs = bdev->lim.logical_block_size;
	void *buf = malloc(bs);
	struct blk_dio dio;
	uint64_t tag = 0;
	bool ok;

	if (!buf)
		return false;
	blk_dio_sync(bdev, REQ_OP_READ, 0, bs, buf, 0, &dio);
	ok = !dio.status && zw_pattern_decode(buf, bs, &tag) && tag == ZONEFS_SB_TAG;
	free(buf);
	return ok;
}

static int zonefs_init_file(struct zonefs_sb_info *sbi, unsigned int idx, unsigned int group_idx,
			    const struct blk_zone *zone, unsigned int zno)
{
	struct zonefs_zone *z = &sbi->zones[idx];
	struct zonefs_inode_info *zi = &sbi->inodes[idx];
	struct inode *inode = &zi->i_vnode;
	bool cnv = zone->type == BLK_ZONE_TYPE_CONVENTIONAL;

	z->z_zno = zno;
	z->z_sector = zone->start;
	z->z_size = zone->len << SECTOR_SHIFT;
	z->z_capacity = zone->capacity << SECTOR_SHIFT;
	z->z_flags = cnv ? ZONEFS_ZONE_CNV : 0;
	z->z_mode = 0640;
	/* zonefs_init_zgroup(): s_maxbytes, the largest capacity */
	if (z->z_capacity > sbi->s_maxbytes)
		sbi->s_maxbytes = z->z_capacity;
	/* zonefs_init_zone(): the write pointer offset from the zone's condition */
	switch (zone->cond) {
	case BLK_ZONE_COND_OFFLINE:
		z->z_flags |= ZONEFS_ZONE_OFFLINE;
		z->z_mode = 0;
		break;
	case BLK_ZONE_COND_READONLY:
		/* found read-only at mount: no access at all */
		z->z_flags |= ZONEFS_ZONE_READONLY;
		z->z_mode = 0;
		break;
	case BLK_ZONE_COND_FULL:
		z->z_wpoffset = z->z_capacity;
		break;
	default:
		z->z_wpoffset = cnv ? z->z_capacity : (zone->wp - zone->start) << SECTOR_SHIFT;
		break;
	}
	inode_init(inode, sbi->mm, zno, (unsigned int)__builtin_ctz(sbi->s_blocksize),
		   cnv ? &zonefs_cnv_aops : NULL);
	inode->i_size = (loff_t)z->z_wpoffset;
	inode->i_private = zi;
	file_open(&zi->i_file, inode);
	zi->i_zone = z;
	zi->i_sbi = sbi;
	snprintf(zi->name, sizeof(zi->name), "%s/%u", cnv ? "cnv" : "seq", group_idx);
	/* Zones left open are closed at mount (zonefs_init_zgroup()). */
	if (!cnv && (zone->cond == BLK_ZONE_COND_IMP_OPEN || zone->cond == BLK_ZONE_COND_EXP_OPEN) &&
	    zonefs_inode_zone_mgmt(zi, REQ_OP_ZONE_CLOSE))
		return -EIO;
	zonefs_inode_account_active(zi);
	return 0;
}

static int zonefs_mount(struct zw_fs **fsp, struct block_device *bdev, struct mm_ctx *mm,
			const char *options, char *err, size_t errlen)
{
	struct zonefs_sb_info *sbi = calloc(1, sizeof(*sbi));
	struct blk_zone *zones = NULL;
	unsigned int nr = bdev->nr_zones, idx = 0, cnv_idx = 0, seq_idx = 0;
	int ret;

	if (!sbi) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	sbi->bdev = bdev;
	sbi->mm = mm;
	sbi->s_blocksize = bdev->lim.logical_block_size;
	ret = zonefs_parse_options(sbi, options, err, errlen);
	if (ret)
		goto fail;
	/* explicit-open means nothing on a device with no open and no active limit */
	if (!bdev->lim.max_open_zones && !bdev->lim.max_active_zones)
		sbi->s_mount_opts &= ~ZONEFS_MNTOPT_EXPLICIT_OPEN;
	sbi->s_max_wro_seq_files = bdev->lim.max_open_zones;
	sbi->s_max_active_seq_files = bdev->lim.max_active_zones;
	if (nr < 2) {
		snprintf(err, errlen, "zonefs needs at least two zones (one for the super block)");
		ret = -EINVAL;
		goto fail;
	}
	if (!zonefs_has_super(bdev) && (ret = zonefs_mkfs(bdev))) {
		snprintf(err, errlen, "zonefs: cannot format the device (%s)", errno_name(ret));
		goto fail;
	}
	zones = calloc(nr, sizeof(*zones));
	sbi->zones = calloc(nr - 1, sizeof(*sbi->zones));
	sbi->inodes = calloc(nr - 1, sizeof(*sbi->inodes));
	if (!zones || !sbi->zones || !sbi->inodes) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto fail;
	}
	if (blkdev_report_zones(bdev, 0, nr, zones) != (int)nr) {
		snprintf(err, errlen, "zonefs: zone report failed");
		ret = -EIO;
		goto fail;
	}
	/* Conventional files first (cnv/0...), then sequential (seq/0...), each in zone order. */
	/*
	 * aggr_cnv (zonefs_init_zgroup()): the run of conventional zones after
	 * the super block is one zone as far as the file is concerned.
	 */
	if ((sbi->s_mount_opts & ZONEFS_MNTOPT_AGGR_CNV) && nr > 2 &&
	    zones[1].type == BLK_ZONE_TYPE_CONVENTIONAL) {
		unsigned int last = 1;

		while (last + 1 < nr && zones[last + 1].type == BLK_ZONE_TYPE_CONVENTIONAL)
			last++;
		for (unsigned int zno = 2; zno <= last; zno++) {
			zones[1].len += zones[zno].len;
			zones[1].capacity += zones[zno].capacity;
			zones[zno].type = 0;	/* part of cnv/0 */
		}
	}
	for (int pass = 0; pass < 2; pass++)
		for (unsigned int zno = 1; zno < nr; zno++) {
			bool cnv = zones[zno].type == BLK_ZONE_TYPE_CONVENTIONAL;

			if (!zones[zno].type || cnv != !pass)
				continue;
			ret = zonefs_init_file(sbi, idx++, cnv ? cnv_idx++ : seq_idx++, &zones[zno], zno);
			if (ret) {
				snprintf(err, errlen, "zonefs: cannot close zone %u at mount", zno);
				sbi->nr_files = idx;
				goto fail;
			}
		}
	sbi->nr_files = idx;
	sbi->nr_cnv = cnv_idx;
	free(zones);
	*fsp = (struct zw_fs *)sbi;
	return 0;
fail:
	free(zones);
	for (unsigned int i = 0; i < sbi->nr_files; i++)
		inode_release(&sbi->inodes[i].i_vnode);
	free(sbi->zones);
	free(sbi->inodes);
	free(sbi);
	return ret;
}

static void zonefs_unmount(struct zw_fs *fs)
{
	struct zonefs_sb_info *sbi = (struct zonefs_sb_info *)fs;

	for (unsigned int i = 0; i < sbi->nr_files; i++)
		inode_release(&sbi->inodes[i].i_vnode);
	free(sbi->zones);
	free(sbi->inodes);
	free(sbi);
}

static void zonefs_report(struct zw_fs *fs, json_object *files)
{
	struct zonefs_sb_info *sbi = (struct zonefs_sb_info *)fs;

	for (unsigned int i = 0; i < sbi->nr_files; i++) {
		struct zonefs_inode_info *zi = &sbi->inodes[i];
		json_object *f = json_object_new_object(), *ext = json_object_new_array();
		loff_t size = zi->i_vnode.i_size;

		/* One extent: a zonefs file is its zone. */
		if (size > 0) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "off", json_object_new_int64(0));
			json_object_object_add(e, "len", json_object_new_int64(size));
			json_object_object_add(e, "zone", json_object_new_int((int)zi->i_zone->z_zno));
			json_object_object_add(e, "zone_off", json_object_new_int64(0));
			json_object_array_add(ext, e);
		}
		json_object_object_add(f, "size", json_object_new_int64(size));
		json_object_object_add(f, "mode", json_object_new_int((int)zi->i_zone->z_mode));
		json_object_object_add(f, "zone", json_object_new_int((int)zi->i_zone->z_zno));
		json_object_object_add(f, "extents", ext);
		json_object_object_add(files, zi->name, f);
	}
	{
		json_object *st = json_object_new_object();

		json_object_object_add(st, "max_wro_seq_files", json_object_new_int((int)sbi->s_max_wro_seq_files));
		json_object_object_add(st, "nr_wro_seq_files", json_object_new_int((int)sbi->s_wro_seq_files));
		json_object_object_add(st, "max_active_seq_files", json_object_new_int((int)sbi->s_max_active_seq_files));
		json_object_object_add(st, "nr_active_seq_files", json_object_new_int((int)sbi->s_active_seq_files));
		json_object_object_add(st, "read_only", json_object_new_boolean(sbi->s_rdonly));
		json_object_object_add(files, "/sys/fs/zonefs", st);
	}
}

/* Every block of every file: its own data (the file's tag for that block) or zeros. */
static int zonefs_verify(struct zw_fs *fs, char *err, size_t errlen)
{
	struct zonefs_sb_info *sbi = (struct zonefs_sb_info *)fs;
	unsigned int bs = sbi->s_blocksize;
	void *buf = malloc(bs);

	if (!buf)
		return -1;
	for (unsigned int i = 0; i < sbi->nr_files; i++) {
		struct zonefs_inode_info *zi = &sbi->inodes[i];
		struct zonefs_zone *z = zi->i_zone;

		if (z->z_flags & ZONEFS_ZONE_OFFLINE)
			continue;
		for (uint64_t b = 0; b < (uint64_t)zi->i_vnode.i_size / bs; b++) {
			struct blk_dio dio;
			uint64_t tag;

			blk_dio_sync(sbi->bdev, REQ_OP_READ, z->z_sector + (b * bs >> SECTOR_SHIFT), bs,
				     buf, 0, &dio);
			/*
			 * zeros: never written (a finished zone, a conventional
			 * file's holes); a block written in part holds the
			 * file's data in that part and zeros around it
			 */
			if (dio.status || (!(zw_pattern_decode(buf, bs, &tag) &&
					     (tag == ZW_TAG_NONE || tag == zw_tag_file(zi->i_vnode.i_ino, b))) &&
					   !zw_pattern_partial_ok(buf, bs, (uint64_t[]){ zw_tag_file(zi->i_vnode.i_ino, b) }, 1))) {
				snprintf(err, errlen, "%s: block %" PRIu64 " is not what was written there",
					 zi->name, b);
				free(buf);
				return -1;
			}
		}
	}
	free(buf);
	return 0;
}

/* stat(2), what `zwsim fs --verify` needs: the inode number (the zone) and the size */
static int zonefs_stat(struct zw_fs *fs, const char *name, uint64_t *ino, loff_t *size)
{
	struct zonefs_inode_info *zi = zonefs_lookup((struct zonefs_sb_info *)fs, name);

	if (!zi)
		return -ENOENT;
	*ino = zi->i_vnode.i_ino;
	*size = zi->i_vnode.i_size;
	return 0;
}

/* file.c */
int zonefs_open(struct zw_fs *fs, const char *name);
int zonefs_close(struct zw_fs *fs, const char *name);
ssize_t zonefs_write(struct zw_fs *fs, const char *name, loff_t off, size_t len, bool direct,
		     bool append);
ssize_t zonefs_read(struct zw_fs *fs, const char *name, loff_t off, size_t len, void *buf);
int zonefs_truncate(struct zw_fs *fs, const char *name, loff_t size);
int zonefs_unlink(struct zw_fs *fs, const char *name);
int zonefs_fsync(struct zw_fs *fs, const char *name);
int zonefs_sync(struct zw_fs *fs);
int zonefs_hint(struct zw_fs *fs, const char *name, enum rw_hint hint);

const struct zw_fs_ops zonefs_fs_ops = {
	.name = "zonefs",
	.mount = zonefs_mount,
	.unmount = zonefs_unmount,
	.open = zonefs_open,
	.close = zonefs_close,
	.write = zonefs_write,
	.read = zonefs_read,
	.truncate = zonefs_truncate,
	.unlink = zonefs_unlink,
	.fsync = zonefs_fsync,
	.sync = zonefs_sync,
	.hint = zonefs_hint,
	.report = zonefs_report,
	.verify = zonefs_verify,
	.stat = zonefs_stat,
};
