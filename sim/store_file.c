// SPDX-License-Identifier: MIT
/*
 * The file store of file: devices, in the Linux zloop layout
 * (drivers/block/zloop.c): one file per zone, "cnv-NNNNNN" for a
 * conventional zone (always zone-size long), "seq-NNNNNN" for a sequential
 * zone, whose size is its write pointer.  A directory can move between
 * zwsim and a zloop device.
 *
 * Because the write pointer is the file size, it can never claim data that
 * is not in the file: a process killed in the middle of a write leaves at
 * most a torn last block, which the next open cuts off.  Open zones come
 * back closed, as zloop (zloop_update_seq_zone()) and devices after a power
 * cycle report them.  zwsim.conf beside the zone files keeps the geometry
 * and the read-only and offline zones; zloop ignores it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dev_internal.h"
#include "pattern.h"

#define FD_CACHE	256
#define CONF_NAME	"zwsim.conf"
#define FILL_CHUNK	(1u << 20)

struct fd_slot {
	int fd;
	unsigned int zno;
	bool dirty;
};

struct file_store {
	char *dir;
	struct fd_slot slots[FD_CACHE];
	uint8_t *fill;		/* scratch for tagged writes */
};

#define FS(e) ((struct file_store *)(e)->store_priv)

static void zone_path(const struct emu_dev *e, unsigned int zno, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s-%06u", FS(e)->dir,
		 zone_is_seq(&e->zm.zones[zno]) ? "seq" : "cnv", zno);
}

static void slot_close(struct fd_slot *s)
{
	if (s->fd < 0)
		return;
	if (s->dirty)
		fdatasync(s->fd);	/* a flush must cover zones whose fd was evicted */
	close(s->fd);
	s->fd = -1;
	s->dirty = false;
}

static int zone_fd(struct emu_dev *e, unsigned int zno)
{
	struct fd_slot *s = &FS(e)->slots[zno % FD_CACHE];
	char path[PATH_MAX];

	if (s->fd >= 0 && s->zno == zno)
		return s->fd;
	slot_close(s);
	zone_path(e, zno, path, sizeof(path));
	s->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	s->zno = zno;
	return s->fd;
}

static blk_status_t io_error(struct emu_dev *e, struct zone_result *res, bool write,
			     unsigned int zno, int err)
{
	return zone_fail(res, e->zm.geo.model, write ? ZERR_MEDIUM_WRITE : ZERR_MEDIUM_READ,
			 "%s of zone %u file failed: %s", write ? "write" : "read", zno,
			 strerror(err));
}

static int pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf = (const char *)buf + n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static blk_status_t file_write(struct emu_dev *e, unsigned int zno, sector_t off,
			       unsigned int nr, const void *buf, uint64_t tag,
			       struct zone_result *res)
{
	struct file_store *fs = FS(e);
	size_t len = (size_t)nr << SECTOR_SHIFT, bs = e->zm.geo.lba_size;
	off_t pos = (off_t)(off << SECTOR_SHIFT);
	int fd = zone_fd(e, zno), ret = 0;

	if (fd < 0)
		return io_error(e, res, true, zno, errno);
	if (buf) {
		ret = pwrite_all(fd, buf, len, pos);
	} else {
		for (size_t done = 0; done < len && !ret;) {
			size_t n = len - done < FILL_CHUNK ? len - done : FILL_CHUNK;

			for (size_t i = 0; i < n / bs; i++)
				zw_pattern_fill(fs->fill + i * bs, bs, tag + (done + i * bs) / bs);
			ret = pwrite_all(fd, fs->fill, n, pos + (off_t)done);
			done += n;
		}
	}
	if (ret)
		return io_error(e, res, true, zno, -ret);
	fs->slots[zno % FD_CACHE].dirty = true;
	return BLK_STS_OK;
}

static blk_status_t file_read(struct emu_dev *e, unsigned int zno, sector_t off,
			      unsigned int nr, void *buf, struct zone_result *res)
{
	size_t len = (size_t)nr << SECTOR_SHIFT, done = 0;
	off_t pos = (off_t)(off << SECTOR_SHIFT);
	int fd = zone_fd(e, zno);

	if (fd < 0)
		return io_error(e, res, false, zno, errno);
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, pos + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return io_error(e, res, false, zno, errno);
		if (n == 0)
			break;
		done += (size_t)n;
	}
	memset((char *)buf + done, 0, len - done);	/* above the write pointer: zeros */
	return BLK_STS_OK;
}

static int file_truncate(struct emu_dev *e, unsigned int zno, off_t size)
{
	int fd = zone_fd(e, zno);

	if (fd < 0 || ftruncate(fd, size))
		return -errno;
	FS(e)->slots[zno % FD_CACHE].dirty = true;
	return 0;
}

/* zloop: a reset truncates the zone file to zero, a finish to the zone size. */
static int file_reset(struct emu_dev *e, unsigned int zno)
{
	return file_truncate(e, zno, 0);
}

static int file_finish(struct emu_dev *e, unsigned int zno)
{
	return file_truncate(e, zno, (off_t)(e->zm.zones[zno].len << SECTOR_SHIFT));
}

static int file_flush(struct emu_dev *e)
{
	struct file_store *fs = FS(e);

	for (unsigned int i = 0; i < FD_CACHE; i++) {
		struct fd_slot *s = &fs->slots[i];

		if (s->fd >= 0 && s->dirty) {
			if (fdatasync(s->fd))
				return -1;
			s->dirty = false;
		}
	}
	return 0;
}

/* zwsim.conf: the geometry on the first line, then one "ro=Z" or "offline=Z" per faulty zone. */
static int conf_write(struct emu_dev *e)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	char *geo = zw_spec_geometry_string(&e->cfg);
	FILE *f;
	int ret = 0;

	if (!geo)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/%s", FS(e)->dir, CONF_NAME);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", FS(e)->dir, CONF_NAME);
	f = fopen(tmp, "w");
	if (!f) {
		free(geo);
		return -errno;
	}
	fprintf(f, "%s\n", geo);
	for (unsigned int i = 0; i < e->zm.nr_zones; i++) {
		uint8_t c = e->zm.zones[i].cond;

		if (c == BLK_ZONE_COND_READONLY || c == BLK_ZONE_COND_OFFLINE)
			fprintf(f, "%s=%u\n", c == BLK_ZONE_COND_READONLY ? "ro" : "offline", i);
	}
	if (fflush(f) || fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	free(geo);
	return ret;
}

static int file_cond_changed(struct emu_dev *e, unsigned int zno)
{
	(void)zno;
	return conf_write(e);
}

static void file_free(struct emu_dev *e)
{
	struct file_store *fs = FS(e);

	if (!fs)
		return;
	for (unsigned int i = 0; i < FD_CACHE; i++)
		slot_close(&fs->slots[i]);
	free(fs->dir);
	free(fs->fill);
	free(fs);
	e->store_priv = NULL;
}

static const struct emu_store_ops file_store_ops = {
	.write = file_write,
	.read = file_read,
	.reset = file_reset,
	.finish = file_finish,
	.flush = file_flush,
	.cond_changed = file_cond_changed,
	.free = file_free,
};

#define INIT_ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -EINVAL; } while (0)

/*
 * Read zwsim.conf: take its geometry (a spec naming other geometry is
 * refused), and note its read-only and offline zones for the restore.
 * Returns 1 when there is no conf, 0 when read.
 */
static int conf_read(struct emu_dev *e, struct zw_dev_config *faults, char *err, size_t errlen)
{
	char path[PATH_MAX], line[1024], spec[1200];
	struct zw_dev_config stored;
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", FS(e)->dir, CONF_NAME);
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 1 : (snprintf(err, errlen, "%s: %s", path, strerror(errno)), -errno);
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		INIT_ERR("%s is empty: remove it, or the directory, to make a new device", path);
	}
	line[strcspn(line, "\n")] = '\0';
	snprintf(spec, sizeof(spec), "emu:%s", line);
	ret = zw_spec_parse(spec, &stored, err, errlen);
	if (!ret)
		ret = zw_spec_finish(&stored, err, errlen);
	if (!ret)
		ret = zw_spec_conflict(&stored, &e->cfg, err, errlen);
	if (!ret) {
		e->cfg.geo = stored.geo;
		while (!ret && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (*line)
				ret = zw_spec_apply(faults, line, err, errlen);
		}
	}
	if (ret && !strstr(err, "was made"))
		snprintf(err + strlen(err), errlen - strlen(err), " (in %s)", path);
	zw_spec_free(&stored);
	fclose(f);
	return ret;
}

/* Make or check each zone file and restore each zone's state from it. */
static int zone_files_restore(struct emu_dev *e, const struct zw_dev_config *faults,
			      char *err, size_t errlen)
{
	size_t lba = e->zm.geo.lba_size;

	for (unsigned int zno = 0; zno < e->zm.nr_zones; zno++) {
		const struct blk_zone *z = &e->zm.zones[zno];
		off_t len = (off_t)(z->len << SECTOR_SHIFT);
		char path[PATH_MAX];
		struct stat st;
		int fd = zone_fd(e, zno);
		enum blk_zone_cond cond = BLK_ZONE_COND_CLOSED;

		zone_path(e, zno, path, sizeof(path));
		if (fd < 0 || fstat(fd, &st))
			INIT_ERR("%s: %s", path, strerror(errno));
		if (!zone_is_seq(z)) {
			if (st.st_size != len && ftruncate(fd, len))
				INIT_ERR("%s: %s", path, strerror(errno));
			continue;
		}
		if (st.st_size > len)
			INIT_ERR("%s holds %lld bytes, more than its zone (%lld): not a zone file of this geometry",
				 path, (long long)st.st_size, (long long)len);
		if (st.st_size % (off_t)lba) {
			/* A write cut short by a crash: its torn last block is not data. */
			st.st_size -= st.st_size % (off_t)lba;
			if (ftruncate(fd, st.st_size))
				INIT_ERR("%s: %s", path, strerror(errno));
		}
		for (unsigned int i = 0; i < faults->nr_ro; i++)
			if (faults->ro[i] == zno)
				cond = BLK_ZONE_COND_READONLY;
		for (unsigned int i = 0; i < faults->nr_offline; i++)
			if (faults->offline[i] == zno)
				cond = BLK_ZONE_COND_OFFLINE;
		if (zone_restore(&e->zm, zno, (sector_t)st.st_size >> SECTOR_SHIFT, cond))
			INIT_ERR("%s: cannot restore zone %u", path, zno);
	}
	return 0;
}

int emu_store_file_init(struct emu_dev *e, char *err, size_t errlen)
{
	struct zw_dev_config faults = { 0 };
	struct file_store *fs = calloc(1, sizeof(*fs));
	struct stat st;
	int ret, fresh;

	e->store = &file_store_ops;
	e->store_priv = fs;
	if (!fs || !(fs->fill = malloc(FILL_CHUNK)) || !(fs->dir = strdup(e->cfg.path))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < FD_CACHE; i++)
		fs->slots[i].fd = -1;
	if (mkdir(fs->dir, 0700) && errno != EEXIST)
		INIT_ERR("cannot make the device directory %s: %s", fs->dir, strerror(errno));
	if (stat(fs->dir, &st) || !S_ISDIR(st.st_mode))
		INIT_ERR("%s is not a directory", fs->dir);
	fresh = conf_read(e, &faults, err, errlen);
	if (fresh < 0) {
		zw_spec_free(&faults);
		return fresh;
	}
	ret = zone_model_init(&e->zm, &e->cfg.geo, err, errlen);
	if (!ret)
		ret = zone_files_restore(e, &faults, err, errlen);
	if (!ret && fresh)
		ret = conf_write(e) ? (snprintf(err, errlen, "cannot write %s/%s: %s", fs->dir,
						 CONF_NAME, strerror(errno)), -EIO) : 0;
	zw_spec_free(&faults);
	return ret;
}
