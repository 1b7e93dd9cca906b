// SPDX-License-Identifier: MIT
/*
 * The oracle of `zwsim fs --verify` (fs_oracle.h): each file's expected
 * content from the calls' results, and the check of what reads back.
 */
#include "fs_oracle.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"

#define FSO_CHUNK (1u << 20)	/* bytes read at a time */

void fso_init(struct fs_oracle *o, const struct fso_fs *fs, unsigned int blocksize, bool tags, bool fresh,
	      bool truncate_up_zeroes)
{
	memset(o, 0, sizeof(*o));
	o->fs = *fs;
	o->blocksize = blocksize;
	o->tags = tags;
	o->fresh = fresh;
	o->truncate_up_zeroes = truncate_up_zeroes;
}

void fso_free(struct fs_oracle *o)
{
	for (size_t i = 0; i < o->nr_files; i++)
		free(o->files[i].segs);
	free(o->files);
	free(o->seen);
	free(o->pend);
	memset(o, 0, sizeof(*o));
}

static void *grow(void *p, size_t nr, size_t size)
{
	void *n = realloc(p, (nr + 1) * size);

	if (!n) {
		fprintf(stderr, "zwsim fs: verify: out of memory\n");
		exit(1);
	}
	return n;
}

/* --- one file's map ------------------------------------------------------ */

/* Append a segment, merged with the last when they say the same. */
static void seg_push(struct fso_seg **segs, size_t *nr, struct fso_seg s)
{
	struct fso_seg *last = *nr ? &(*segs)[*nr - 1] : NULL;

	if (s.start >= s.end)
		return;
	if (s.kind != FSO_DATA)
		s.ino = 0;
	if (last && last->end == s.start && last->kind == s.kind && last->ino == s.ino) {
		last->end = s.end;
		return;
	}
	*segs = grow(*segs, *nr, sizeof(**segs));
	(*segs)[(*nr)++] = s;
}

/* [start, end) of @f (inside its size) becomes @kind. */
static void set_range(struct fso_file *f, uint64_t start, uint64_t end, enum fso_kind kind, uint64_t ino)
{
	struct fso_seg *segs = NULL;
	size_t nr = 0;
	bool placed = false;

	if (end > f->size)
		end = f->size;
	if (start >= end)
		return;
	for (size_t i = 0; i < f->nr_segs; i++) {
		struct fso_seg s = f->segs[i], head = s, tail = s;

		if (s.end <= start || s.start >= end) {
			if (s.start >= end && !placed) {
				seg_push(&segs, &nr, (struct fso_seg){ start, end, kind, ino });
				placed = true;
			}
			seg_push(&segs, &nr, s);
			continue;
		}
		head.end = start;
		seg_push(&segs, &nr, head);
		if (!placed) {
			seg_push(&segs, &nr, (struct fso_seg){ start, end, kind, ino });
			placed = true;
		}
		tail.start = end;
		seg_push(&segs, &nr, tail);
	}
	if (!placed)
		seg_push(&segs, &nr, (struct fso_seg){ start, end, kind, ino });
	free(f->segs);
	f->segs = segs;
	f->nr_segs = nr;
}

/* The size becomes @size: cut, or grown with @fill. */
static void set_size(struct fso_file *f, uint64_t size, enum fso_kind fill)
{
	if (size >= f->size) {
		seg_push(&f->segs, &f->nr_segs, (struct fso_seg){ f->size, size, fill, 0 });
		f->size = size;
		return;
	}
	while (f->nr_segs && f->segs[f->nr_segs - 1].start >= size)
		f->nr_segs--;
	if (f->nr_segs && f->segs[f->nr_segs - 1].end > size)
		f->segs[f->nr_segs - 1].end = size;
	f->size = size;
}

/* --- files by name ---------------------------------------------------------- */

static struct fso_file *live(struct fs_oracle *o, const char *name)
{
	for (size_t i = o->nr_files; i-- > 0;)
		if (o->files[i].live && !strcmp(o->files[i].name, name))
			return &o->files[i];
	return NULL;
}

static struct fso_file *new_file(struct fs_oracle *o, const char *name, uint64_t ino)
{
	struct fso_file *f;

	o->files = grow(o->files, o->nr_files, sizeof(*o->files));
	f = &o->files[o->nr_files++];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->live = true;
	f->ino = ino;
	return f;
}

/*
 * Before the first call that names @name: a file there already (zonefs
 * files, always) holds what the device held, zeros on a fresh device.
 */
void fso_before(struct fs_oracle *o, const char *name)
{
	uint64_t ino, size;

	for (size_t i = 0; i < o->nr_seen; i++)
		if (!strcmp(o->seen[i], name))
			return;
	o->seen = grow(o->seen, o->nr_seen, sizeof(*o->seen));
	snprintf(o->seen[o->nr_seen++], sizeof(*o->seen), "%s", name);
	if (!o->fs.stat(o->fs.arg, name, &ino, &size))
		set_size(new_file(o, name, ino), size, o->fresh ? FSO_ZERO : FSO_UNKNOWN);
}

/* After a call that may have created @name: a new, empty file. */
static struct fso_file *adopt(struct fs_oracle *o, const char *name)
{
	struct fso_file *f = live(o, name);
	uint64_t ino, size;

	if (!f && !o->fs.stat(o->fs.arg, name, &ino, &size))
		f = new_file(o, name, ino);
	return f;
}

/* After a failed call: the size the file system says; what it grew by is unknown. */
static void resync_size(struct fs_oracle *o, struct fso_file *f)
{
	uint64_t ino, size;

	if (f && !o->fs.stat(o->fs.arg, f->name, &ino, &size))
		set_size(f, size, FSO_UNKNOWN);
}

/* Errors a call returns before it changes anything. */
static bool fails_early(long ret)
{
	switch (-ret) {
	case EINVAL: case ENOSPC: case EFBIG: case EPERM: case EROFS: case ENOENT: case EBADF: case EBUSY:
	case EOPNOTSUPP:
		return true;
	default:
		return false;
	}
}

static size_t idx(const struct fs_oracle *o, const struct fso_file *f)
{
	return (size_t)(f - o->files);
}

static void pend_add(struct fs_oracle *o, size_t file, size_t origin, uint64_t start, uint64_t end)
{
	o->pend = grow(o->pend, o->nr_pend, sizeof(*o->pend));
	o->pend[o->nr_pend++] = (struct fso_pending){ file, origin, start, end };
}

/*
 * The unsynced ranges whose data was in @origin's page cache (every one,
 * with SIZE_MAX): settled by an fsync (@lost: it failed, they are unknown).
 */
static void pend_settle(struct fs_oracle *o, size_t origin, bool lost)
{
	size_t kept = 0;

	for (size_t i = 0; i < o->nr_pend; i++) {
		struct fso_pending *p = &o->pend[i];

		if (origin != SIZE_MAX && p->origin != origin) {
			o->pend[kept++] = *p;
			continue;
		}
		if (lost && o->files[p->file].live)
			set_range(&o->files[p->file], p->start, p->end, FSO_UNKNOWN, 0);
	}
	o->nr_pend = kept;
}

static void pend_drop_file(struct fs_oracle *o, size_t file)
{
	size_t kept = 0;

	for (size_t i = 0; i < o->nr_pend; i++)
		if (o->pend[i].file != file)
			o->pend[kept++] = o->pend[i];
	o->nr_pend = kept;
}

/* --- the calls ------------------------------------------------------------- */

uint64_t fso_write_offset(struct fs_oracle *o, const char *name, uint64_t off, bool append)
{
	struct fso_file *f;

	fso_before(o, name);
	f = live(o, name);
	return append ? (f ? f->size : 0) : off;
}

void fso_write(struct fs_oracle *o, const char *name, uint64_t off, uint64_t len, ssize_t ret)
{
	struct fso_file *f = adopt(o, name);

	if (!f)
		return;
	if (ret > 0) {
		uint64_t end = off + (uint64_t)ret;

		if (end > f->size)
			set_size(f, end, FSO_ZERO);	/* a gap past EOF reads as zeros */
		set_range(f, off, end, FSO_DATA, f->ino);
		pend_add(o, idx(o, f), idx(o, f), off, end);
		return;
	}
	if (ret < 0) {
		resync_size(o, f);
		/*
		 * -ENOSPC is early for a buffered write (nothing written, or
		 * it returns the bytes it wrote), not for a direct one:
		 * iomap_dio_rw() submits what it could map before the
		 * allocation failed, and iomap_dio_complete() returns the
		 * error for the whole call; blocks overwritten in place have
		 * the new data.  The oracle does not know which kind of write
		 * failed, so the range is unknown.
		 */
		if (!fails_early(ret) || ret == -ENOSPC)
			set_range(f, off, off + len, FSO_UNKNOWN, 0);
	}
}

void fso_touch(struct fs_oracle *o, const char *name, int ret)
{
	fso_before(o, name);
	(void)ret;
	adopt(o, name);
}

void fso_read(struct fs_oracle *o, const char *name, ssize_t ret)
{
	fso_before(o, name);
	if (ret < 0)
		resync_size(o, live(o, name));
}

void fso_truncate(struct fs_oracle *o, const char *name, uint64_t size, int ret)
{
	struct fso_file *f;

	fso_before(o, name);
	f = live(o, name);
	if (!f)
		return;
	if (ret)
		resync_size(o, f);
	else
		set_size(f, size, o->truncate_up_zeroes ? FSO_ZERO : FSO_UNKNOWN);
}

void fso_unlink(struct fs_oracle *o, const char *name, int ret)
{
	struct fso_file *f;

	fso_before(o, name);
	f = live(o, name);
	if (!f || ret)
		return;
	f->live = false;
	pend_drop_file(o, idx(o, f));
}

void fso_fsync(struct fs_oracle *o, const char *name, int ret)
{
	struct fso_file *f;

	fso_before(o, name);
	f = live(o, name);
	if (!f)
		return;
	pend_settle(o, idx(o, f), ret != 0);
	if (ret)
		resync_size(o, f);
}

void fso_sync(struct fs_oracle *o, int ret)
{
	if (!ret)
		return;
	pend_settle(o, SIZE_MAX, true);
	for (size_t i = 0; i < o->nr_files; i++)
		if (o->files[i].live)
			resync_size(o, &o->files[i]);
}

void fso_reflink(struct fs_oracle *o, const char *src, const char *dst, int ret)
{
	struct fso_file *s, *d;
	size_t si, di, n;

	fso_before(o, src);
	fso_before(o, dst);
	d = adopt(o, dst);	/* may move o->files */
	s = live(o, src);
	if (ret) {
		resync_size(o, s);
		resync_size(o, d);
		if (s && !fails_early(ret))
			pend_settle(o, idx(o, s), true);	/* its data did not reach the device */
		return;
	}
	if (!s || !d || s == d)
		return;
	/* DST's own content is gone: it has SRC's size and ranges, with their sources */
	free(d->segs);
	d->segs = malloc(s->nr_segs * sizeof(*d->segs) + 1);
	if (!d->segs)
		exit(1);
	/* an empty SRC (created, never written) has no ranges, and no array */
	if (s->nr_segs)
		memcpy(d->segs, s->segs, s->nr_segs * sizeof(*d->segs));
	d->nr_segs = s->nr_segs;
	d->size = s->size;
	si = idx(o, s);
	di = idx(o, d);
	pend_drop_file(o, di);
	n = o->nr_pend;
	for (size_t i = 0; i < n; i++)
		if (o->pend[i].file == si)
			pend_add(o, di, o->pend[i].origin, o->pend[i].start, o->pend[i].end);
}

void fso_fallocate(struct fs_oracle *o, const char *name, uint64_t off, uint64_t len, int ret)
{
	struct fso_file *f;

	fso_before(o, name);
	f = adopt(o, name);
	if (!f)
		return;
	if (ret)
		resync_size(o, f);
	else if (off + len > f->size)
		set_size(f, off + len, FSO_ZERO);	/* unwritten extents read as zeros */
}

void fso_inject(struct fs_oracle *o, int ret)
{
	if (!ret)
		o->faults = true;
}

size_t fso_nr_files(const struct fs_oracle *o)
{
	return o->nr_files;
}

const char *fso_file_name(const struct fs_oracle *o, size_t i)
{
	return i < o->nr_files && o->files[i].live ? o->files[i].name : NULL;
}

/* --- the check ------------------------------------------------------------- */

/* What was read back at byte @at of a block, for the message. */
static void describe(const uint8_t *blk, size_t len, unsigned int bs, size_t at, char *out, size_t outlen)
{
	uint64_t tag = 0;

	if (!blk[at]) {
		snprintf(out, outlen, "zeros");
		return;
	}
	if (len >= sizeof(tag))
		memcpy(&tag, blk, sizeof(tag));
	if ((tag >> 62) == 3 && len == bs && zw_pattern_partial_ok(blk, bs, &tag, 1)) {
		snprintf(out, outlen, "data of ino %" PRIu64 " block %" PRIu64, (uint64_t)((tag >> 40) & 0x3fffff),
			 (uint64_t)(tag & ((1ull << 40) - 1)));
		return;
	}
	snprintf(out, outlen, "foreign data (byte 0x%02x)", blk[at]);
}

/* Which inode's data, if any, the tags-mode block @b of @f may hold where zeros are expected. */
static bool tags_block_byte_ok(const struct fso_file *f, uint64_t b, unsigned int bs, uint64_t pos, uint8_t c,
			       uint8_t *tmp)
{
	for (size_t i = 0; i < f->nr_segs; i++) {
		const struct fso_seg *s = &f->segs[i];

		if (s->kind != FSO_DATA || s->end <= b * bs || s->start >= (b + 1) * bs)
			continue;
		zw_pattern_fill(tmp, bs, zw_tag_file(s->ino, b));
		if (tmp[pos - b * bs] == c)
			return true;
	}
	return false;
}

/* Compare [c0, c0 + n) of @f, read into @buf. */
static int check_chunk(struct fs_oracle *o, const struct fso_file *f, uint64_t c0, size_t n, const uint8_t *buf,
		       uint8_t *tmp, char *err, size_t errlen)
{
	unsigned int bs = o->blocksize;
	uint64_t c1 = c0 + n;

	for (size_t i = 0; i < f->nr_segs; i++) {
		const struct fso_seg *s = &f->segs[i];
		uint64_t a = s->start > c0 ? s->start : c0, e = s->end < c1 ? s->end : c1;
		char want[96], got[96];
		uint64_t x = 0;
		bool bad = false;

		if (a >= e || s->kind == FSO_UNKNOWN)
			continue;
		if (s->kind == FSO_ZERO) {
			for (x = a; x < e && !bad; x++)
				bad = buf[x - c0] &&
				      !(o->tags && tags_block_byte_ok(f, x / bs, bs, x, buf[x - c0], tmp));
			x--;
			snprintf(want, sizeof(want), "zeros");
		} else {
			for (uint64_t b = a / bs; b * bs < e && !bad; b++) {
				uint64_t ba = b * bs > a ? b * bs : a, be = (b + 1) * bs < e ? (b + 1) * bs : e;

				zw_pattern_fill(tmp, bs, zw_tag_file(s->ino, b));
				for (x = ba; x < be && !bad; x++)
					bad = buf[x - c0] != tmp[x - b * bs];
				x--;
				snprintf(want, sizeof(want), "data of ino %" PRIu64 " block %" PRIu64 " (byte 0x%02x)",
					 s->ino, b, tmp[x - b * bs]);
			}
		}
		if (bad) {
			uint64_t b0 = x / bs * bs, b1 = b0 + bs < c1 ? b0 + bs : c1;

			describe(buf + (b0 - c0), (size_t)(b1 - b0), bs, (size_t)(x - b0), got, sizeof(got));
			snprintf(err, errlen, "%s: byte %" PRIu64 " (block %" PRIu64 "): expected %s, found %s",
				 f->name, x, x / bs, want, got);
			return -1;
		}
	}
	return 0;
}

int fso_verify(struct fs_oracle *o, char *err, size_t errlen)
{
	unsigned int bs = o->blocksize;
	uint8_t *buf = malloc(FSO_CHUNK), *tmp = malloc(bs);
	int ret = 0;

	if (!buf || !tmp) {
		free(buf);
		free(tmp);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/*
	 * Ranges of unlinked files never fsynced: whether their data reached
	 * the device before the page cache went, only an error could say.
	 */
	if (o->faults)
		for (size_t i = 0; i < o->nr_files; i++)
			if (!o->files[i].live)
				pend_settle(o, i, true);
	/* names that are no file must not be one */
	for (size_t i = 0; !ret && i < o->nr_seen; i++) {
		uint64_t ino, size;

		if (!live(o, o->seen[i]) && !o->fs.stat(o->fs.arg, o->seen[i], &ino, &size)) {
			snprintf(err, errlen, "%s: exists (ino %" PRIu64 ", size %" PRIu64 ") but %s", o->seen[i], ino,
				 size, "no call left a file of that name");
			ret = -1;
		}
	}
	for (size_t i = 0; !ret && i < o->nr_files; i++) {
		struct fso_file *f = &o->files[i];
		uint64_t ino, size;

		if (!f->live)
			continue;
		if (o->fs.stat(o->fs.arg, f->name, &ino, &size)) {
			snprintf(err, errlen, "%s: no such file, expected one of %" PRIu64 " bytes", f->name, f->size);
			ret = -1;
		} else if (ino != f->ino) {
			snprintf(err, errlen, "%s: ino %" PRIu64 ", expected %" PRIu64, f->name, ino, f->ino);
			ret = -1;
		} else if (size != f->size) {
			snprintf(err, errlen, "%s: size %" PRIu64 ", expected %" PRIu64 " (what the calls made it)",
				 f->name, size, f->size);
			ret = -1;
		}
		for (uint64_t c0 = 0; !ret && c0 < f->size; c0 += FSO_CHUNK) {
			size_t n = f->size - c0 < FSO_CHUNK ? (size_t)(f->size - c0) : FSO_CHUNK;
			ssize_t got = o->fs.read(o->fs.arg, f->name, c0, n, buf);

			if (got != (ssize_t)n) {
				snprintf(err, errlen, "%s: read of %zu bytes at %" PRIu64 " returned %zd", f->name, n, c0,
					 got);
				ret = -1;
				break;
			}
			ret = check_chunk(o, f, c0, n, buf, tmp, err, errlen);
		}
	}
	free(buf);
	free(tmp);
	return ret;
}
