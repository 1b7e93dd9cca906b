// SPDX-License-Identifier: MIT
/*
 * The zwsim fs script: parsing its lines and running them on a file system
 * model (fs_script.h).
 */
#include "fs_script.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fs_oracle.h"
#include "stack.h"

static const struct zw_fs_ops *const fs_types[] = { &zonefs_fs_ops, &xfs_zoned_fs_ops, &xfs_fs_ops };

const struct zw_fs_ops *fs_type_find(const char *name)
{
	for (size_t i = 0; i < sizeof(fs_types) / sizeof(fs_types[0]); i++)
		if (!strcmp(name, fs_types[i]->name))
			return fs_types[i];
	return NULL;
}

static const char *const hint_names[] = { "notset", "none", "short", "medium", "long", "extreme" };

static int parse_num(const char *s, uint64_t *v)
{
	return zw_spec_size(s, v);
}

static int parse_line(int argc, char **w, struct fs_op *op, char *why, size_t wlen)
{
	static const struct {
		const char *word;
		enum fs_kind kind;
		int min, max;	/* words after the operation */
		const char *usage;
	} ops[] = {
		{ "open", F_OPEN, 1, 1, "open F" },
		{ "close", F_CLOSE, 1, 1, "close F" },
		{ "write", F_WRITE, 3, 4, "write F OFF LEN [CALL]" },
		{ "dwrite", F_DWRITE, 3, 4, "dwrite F OFF LEN [CALL]" },
		{ "append", F_APPEND, 2, 3, "append F LEN [CALL]" },
		{ "read", F_READ, 3, 3, "read F OFF LEN" },
		{ "truncate", F_TRUNCATE, 2, 2, "truncate F LEN" },
		{ "unlink", F_UNLINK, 1, 1, "unlink F" },
		{ "fsync", F_FSYNC, 1, 1, "fsync F" },
		{ "sync", F_SYNC, 0, 0, "sync" },
		{ "hint", F_HINT, 2, 2, "hint F notset|none|short|medium|long|extreme" },
		{ "inject", F_INJECT, 1, 1, "inject FAULT" },
		{ "reflink", F_REFLINK, 2, 2, "reflink SRC DST" },
		{ "fallocate", F_FALLOCATE, 3, 3, "fallocate F OFF LEN" },
	};
	size_t k;
	int i = 1;

	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (!strcmp(w[0], ops[k].word))
			break;
	if (k == sizeof(ops) / sizeof(ops[0])) {
		snprintf(why, wlen, "unknown operation '%s'", w[0]);
		return -1;
	}
	if (argc - 1 < ops[k].min || argc - 1 > ops[k].max) {
		snprintf(why, wlen, "expected %s", ops[k].usage);
		return -1;
	}
	op->kind = ops[k].kind;
	op->call = 1 << 20;
	if (op->kind == F_INJECT) {
		snprintf(op->arg, sizeof(op->arg), "%s", w[1]);
		return 0;
	}
	if (ops[k].min && op->kind != F_SYNC) {
		if (strlen(w[1]) >= sizeof(op->file)) {
			snprintf(why, wlen, "file name too long");
			return -1;
		}
		snprintf(op->file, sizeof(op->file), "%s", w[i++]);
	}
	switch (op->kind) {
	case F_REFLINK:
		if (strlen(w[i]) >= sizeof(op->arg)) {
			snprintf(why, wlen, "file name too long");
			return -1;
		}
		snprintf(op->arg, sizeof(op->arg), "%s", w[i]);
		break;
	case F_WRITE:
	case F_DWRITE:
	case F_READ:
	case F_FALLOCATE:
		if (parse_num(w[i], &op->off) || parse_num(w[i + 1], &op->len) || !op->len ||
		    (argc > i + 2 && (parse_num(w[i + 2], &op->call) || !op->call))) {
			snprintf(why, wlen, "expected %s with byte counts", ops[k].usage);
			return -1;
		}
		break;
	case F_APPEND:
	case F_TRUNCATE:
		if (parse_num(w[i], &op->len) || (op->kind == F_APPEND && !op->len) ||
		    (argc > i + 1 && (parse_num(w[i + 1], &op->call) || !op->call))) {
			snprintf(why, wlen, "expected %s with byte counts", ops[k].usage);
			return -1;
		}
		break;
	case F_HINT:
		for (op->off = 0; op->off < 6 && strcmp(w[i], hint_names[op->off]); op->off++)
			;
		if (op->off == 6) {
			snprintf(why, wlen, "expected %s", ops[k].usage);
			return -1;
		}
		break;
	default:
		break;
	}
	return 0;
}

const char *fs_kind_name(enum fs_kind kind)
{
	static const char *const names[F_NR_KINDS] = {
		"open", "close", "write", "dwrite", "append", "read", "truncate", "unlink",
		"fsync", "sync", "hint", "inject", "reflink", "fallocate",
	};

	return kind < F_NR_KINDS ? names[kind] : "?";
}

int fs_parse_text(char *line, struct fs_op *op, char *why, size_t wlen)
{
	unsigned int lineno = op->line;
	char *w[6];
	int argc = zw_split_words(line, w, 6);
	size_t at = 0;

	if (!argc)
		return 0;
	if (argc > 6) {
		snprintf(why, wlen, "too many words");
		return -1;
	}
	memset(op, 0, sizeof(*op));
	op->line = lineno;
	if (parse_line(argc, w, op, why, wlen))
		return -1;
	for (int i = 0; i < argc && at < sizeof(op->text); i++)
		at += (size_t)snprintf(op->text + at, sizeof(op->text) - at, "%s%s", i ? " " : "", w[i]);
	return 1;
}

int fs_parse_script(FILE *f, const char *cmd, const char *name, struct fs_op **opsp, size_t *nrp)
{
	char *buf = NULL, why[160];
	size_t cap = 0, nr = 0;
	struct fs_op *ops = NULL;
	unsigned int line = 0;

	while (getline(&buf, &cap, f) >= 0) {
		struct fs_op op = { .line = ++line };
		struct fs_op *n;
		int got = fs_parse_text(buf, &op, why, sizeof(why));

		if (!got)
			continue;
		if (got < 0) {
			fprintf(stderr, "zwsim %s: %s:%u: %s\n", cmd, name, line, why);
			free(ops);
			free(buf);
			return -1;
		}
		n = realloc(ops, (nr + 1) * sizeof(*n));
		if (!n) {
			free(ops);
			free(buf);
			return -1;
		}
		ops = n;
		ops[nr++] = op;
	}
	free(buf);
	*opsp = ops;
	*nrp = nr;
	return 0;
}

static bool is_open(struct fs_run *r, const char *name)
{
	for (size_t i = 0; i < r->nr_open; i++)
		if (!strcmp(r->open_files[i], name))
			return true;
	return false;
}

static void set_open(struct fs_run *r, const char *name, bool open)
{
	for (size_t i = 0; i < r->nr_open; i++)
		if (!strcmp(r->open_files[i], name)) {
			if (!open)
				memmove(r->open_files[i], r->open_files[--r->nr_open], 64);
			return;
		}
	if (open) {
		char (*n)[64] = realloc(r->open_files, (r->nr_open + 1) * 64);

		if (!n)
			return;
		r->open_files = n;
		snprintf(r->open_files[r->nr_open++], 64, "%s", name);
	}
}

/* The result as the script's output says it, when asked for. */
static void say(char *res, size_t rlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *res, size_t rlen, const char *fmt, ...)
{
	va_list ap;

	if (!res)
		return;
	va_start(ap, fmt);
	vsnprintf(res, rlen, fmt, ap);
	va_end(ap);
}

/* A write as a program makes it: calls of at most @call bytes; the first error stops it. */
static long run_write(struct fs_run *r, const struct fs_op *op, char *res, size_t rlen)
{
	bool opened = false, direct = op->kind != F_WRITE, append = op->kind == F_APPEND;
	uint64_t done = 0;
	ssize_t n = 0;
	int err;

	if (!is_open(r, op->file)) {
		err = r->ops->open(r->fs, op->file);
		if (err) {
			say(res, rlen, "%s", errno_name(err));
			return err;
		}
		opened = true;
	}
	while (done < op->len) {
		uint64_t len = op->len - done < op->call ? op->len - done : op->call;

		uint64_t at = r->oracle ? fso_write_offset(r->oracle, op->file, op->off + done, append) : 0;

		n = r->ops->write(r->fs, op->file, (loff_t)(op->off + done), len, direct, append);
		if (r->oracle)
			fso_write(r->oracle, op->file, at, len, n);
		if (n <= 0)
			break;
		done += (uint64_t)n;
		if ((uint64_t)n < len)	/* a short write: the file is at its maximum size */
			break;
	}
	if (opened)
		r->ops->close(r->fs, op->file);
	/* the model's limit, not the kernel's: say so once */
	if (n == -EINVAL && !direct && r->dev->data_mode == ZW_DATA_TAGS && !r->told_tags) {
		fprintf(stderr, "zwsim %s: note: data=tags keeps one tag a block, so a buffered write of part "
			"of a block is refused (-EINVAL); data=bytes (the default) takes any write\n",
			r->cmd ? r->cmd : "fs");
		r->told_tags = true;
	}
	if (n < 0 && done)
		say(res, rlen, "%" PRIu64 " %s", done, errno_name((int)n));
	else if (n < 0)
		say(res, rlen, "%s", errno_name((int)n));
	else
		say(res, rlen, "%" PRIu64, done);
	return n < 0 ? (long)n : (long)done;
}

static long run_op_(struct fs_run *r, const struct fs_op *op, char *res, size_t rlen)
{
	char err[256];
	int ret = 0;

	switch (op->kind) {
	case F_OPEN:
		ret = is_open(r, op->file) ? 0 : r->ops->open(r->fs, op->file);
		if (!ret)
			set_open(r, op->file, true);
		break;
	case F_CLOSE:
		ret = is_open(r, op->file) ? r->ops->close(r->fs, op->file) : -EBADF;
		set_open(r, op->file, false);
		break;
	case F_WRITE:
	case F_DWRITE:
	case F_APPEND:
		return run_write(r, op, res, rlen);
	case F_READ: {
		void *buf = malloc(op->len);
		ssize_t n = buf ? r->ops->read(r->fs, op->file, (loff_t)op->off, op->len, buf) : -ENOMEM;

		free(buf);
		if (n < 0)
			say(res, rlen, "%s", errno_name((int)n));
		else
			say(res, rlen, "%zd", n);
		return n;
	}
	case F_TRUNCATE:
		ret = r->ops->truncate(r->fs, op->file, (loff_t)op->len);
		break;
	case F_UNLINK:
		ret = r->ops->unlink(r->fs, op->file);
		break;
	case F_FSYNC:
		ret = r->ops->fsync(r->fs, op->file);
		break;
	case F_SYNC:
		ret = r->ops->sync(r->fs);
		break;
	case F_HINT:
		ret = r->ops->hint(r->fs, op->file, (enum rw_hint)op->off);
		break;
	case F_REFLINK:
		if (!r->ops->reflink) {
			say(res, rlen, "-EOPNOTSUPP  # %s has no reflink (FICLONE)", r->ops->name);
			return -EOPNOTSUPP;
		}
		ret = r->ops->reflink(r->fs, op->file, op->arg);
		break;
	case F_FALLOCATE:
		if (!r->ops->fallocate) {
			say(res, rlen, "-EOPNOTSUPP  # %s has no preallocation (fallocate mode 0)", r->ops->name);
			return -EOPNOTSUPP;
		}
		ret = r->ops->fallocate(r->fs, op->file, (loff_t)op->off, (loff_t)op->len);
		break;
	case F_INJECT:
		if (zw_dev_inject(r->dev, op->arg, err, sizeof(err))) {
			say(res, rlen, "-EINVAL  # %s", err);
			return -EINVAL;
		}
		break;
	default:
		break;
	}
	say(res, rlen, "%s", errno_name(ret));
	return ret;
}

/* A line of the script, and what the oracle learns from its result. */
long fs_run_op(struct fs_run *r, const struct fs_op *op, char *res, size_t rlen)
{
	struct fs_oracle *o = r->oracle;
	long ret;

	if (o && op->kind != F_SYNC && op->kind != F_INJECT) {
		fso_before(o, op->file);
		if (op->kind == F_REFLINK)
			fso_before(o, op->arg);
	}
	ret = run_op_(r, op, res, rlen);
	if (!o)
		return ret;
	switch (op->kind) {
	case F_OPEN: case F_CLOSE: case F_HINT:
		fso_touch(o, op->file, (int)ret);
		break;
	case F_READ: fso_read(o, op->file, ret); break;
	case F_TRUNCATE: fso_truncate(o, op->file, op->len, (int)ret); break;
	case F_UNLINK: fso_unlink(o, op->file, (int)ret); break;
	case F_FSYNC: fso_fsync(o, op->file, (int)ret); break;
	case F_SYNC: fso_sync(o, (int)ret); break;
	case F_REFLINK: fso_reflink(o, op->file, op->arg, (int)ret); break;
	case F_FALLOCATE: fso_fallocate(o, op->file, op->off, op->len, (int)ret); break;
	case F_INJECT: fso_inject(o, (int)ret); break;
	default: break;	/* writes: each write(2) in run_write() */
	}
	return ret;
}

static int oracle_stat(void *arg, const char *name, uint64_t *ino, uint64_t *size)
{
	struct fs_run *r = arg;
	loff_t sz = 0;
	int ret = r->ops->stat(r->fs, name, ino, &sz);

	*size = (uint64_t)sz;
	return ret;
}

static ssize_t oracle_read(void *arg, const char *name, uint64_t off, size_t len, void *buf)
{
	struct fs_run *r = arg;

	return r->ops->read(r->fs, name, (loff_t)off, len, buf);
}

/*
 * --verify, after the workload: sync, fsync every file (what an error
 * there says is lost is not checked), make sure nothing is dirty or under
 * writeback, drop the page cache, then the file system's own check of its
 * mappings and the oracle's of every byte read back through the fs.
 */
int fs_run_verify(struct fs_run *r, struct mm_ctx *mm, char *err, size_t errlen)
{
	struct fs_oracle *o = r->oracle;
	int sync_err = 0;

	if (o) {
		sync_err = r->ops->sync(r->fs);
		fso_sync(o, sync_err);
		for (size_t i = 0; i < fso_nr_files(o); i++) {
			const char *name = fso_file_name(o, i);

			if (name)
				fso_fsync(o, name, r->ops->fsync(r->fs, name));
		}
		sim_run(mm->loop);
		for (size_t i = 0; i < mm->nr_mappings; i++) {
			struct address_space *mapping = mm->mappings[i];

			for (size_t k = 0; k < mapping->nr_folios; k++) {
				const struct folio *folio = mapping->folios[k];

				if (folio_test_writeback(folio) || (folio_test_dirty(folio) && !sync_err)) {
					snprintf(err, errlen, "ino %" PRIu64 ": a folio at %" PRId64 " is still %s after sync",
						 mapping->host->i_ino, folio_pos(folio),
						 folio_test_writeback(folio) ? "under writeback" : "dirty");
					return -1;
				}
			}
			invalidate_mapping_pages(mapping);
		}
	}
	/*
	 * A shut down file system reads nothing back (every call is -EIO, as
	 * until the next mount): only its mappings are checked, below.
	 */
	if (o && !(r->ops->shut_down && r->ops->shut_down(r->fs)) && fso_verify(o, err, errlen))
		return -1;
	return r->ops->verify(r->fs, err, errlen);
}

void fs_run_oracle_init(struct fs_run *r, struct fs_oracle *o, struct block_device *bdev)
{
	/* zonefs: a truncate up finishes the zone, whose unwritten blocks read as the device says */
	fso_init(o, &(struct fso_fs){ .stat = oracle_stat, .read = oracle_read, .arg = r },
		 bdev->lim.logical_block_size, r->dev->data_mode == ZW_DATA_TAGS,
		 !strcmp(r->dev->ops->kind, "emu"), strcmp(r->ops->name, "zonefs") != 0);
	r->oracle = o;
}

json_object *fs_report_zones(struct block_device *bdev)
{
	json_object *zones = json_object_new_array_ext((int)bdev->nr_zones);
	struct blk_zone z;

	for (unsigned int i = 0; i < bdev->nr_zones; i++) {
		json_object *o = json_object_new_object();
		bool has_wp;

		blkdev_report_zones(bdev, i, 1, &z);
		has_wp = zone_is_seq(&z) && z.wp != ZONE_WP_INVALID;
		json_object_object_add(o, "zone", json_object_new_int((int)i));
		json_object_object_add(o, "cond", json_object_new_string(zone_cond_abbrev(z.cond)));
		json_object_object_add(o, "wp", has_wp ? json_object_new_uint64((uint64_t)(z.wp - z.start) << SECTOR_SHIFT)
						       : NULL);
		json_object_object_add(o, "start", json_object_new_uint64((uint64_t)z.start << SECTOR_SHIFT));
		json_object_object_add(o, "len", json_object_new_uint64((uint64_t)z.len << SECTOR_SHIFT));
		json_object_object_add(o, "cap", json_object_new_uint64((uint64_t)z.capacity << SECTOR_SHIFT));
		json_object_array_add(zones, o);
	}
	return zones;
}

json_object *fs_report_json(struct fs_run *r, struct block_device *bdev)
{
	json_object *top = json_object_new_object(), *files = json_object_new_object();

	r->ops->report(r->fs, files);
	json_object_object_add(top, "files", files);
	json_object_object_add(top, "zones", fs_report_zones(bdev));
	if (r->ops->stats) {
		json_object *stats = json_object_new_object();

		r->ops->stats(r->fs, stats);
		if (r->series)
			json_object_object_add(stats, "zones_over_time", json_object_get(r->series));
		json_object_object_add(top, "stats", stats);
	}
	return top;
}

void fs_report_print(FILE *out, json_object *top)
{
	json_object *files, *zones;

	if (json_object_object_get_ex(top, "files", &files)) {
		fprintf(out, "# files\n");
		json_object_object_foreach(files, name, f) {
			json_object *ext, *size;

			if (!json_object_object_get_ex(f, "extents", &ext) ||
			    !json_object_object_get_ex(f, "size", &size))
				continue;
			fprintf(out, "%s size=%" PRId64, name, json_object_get_int64(size));
			for (size_t i = 0; i < json_object_array_length(ext); i++) {
				json_object *e = json_object_array_get_idx(ext, i), *v;
				int64_t vals[4];
				const char *keys[] = { "off", "len", "zone", "zone_off" };

				for (int k = 0; k < 4; k++)
					vals[k] = json_object_object_get_ex(e, keys[k], &v) ? json_object_get_int64(v) : 0;
				fprintf(out, " [%" PRId64 "+%" PRId64 " @zone %" PRId64 "+%" PRId64 "]", vals[0], vals[1],
					vals[2], vals[3]);
			}
			fprintf(out, "\n");
		}
	}
	if (json_object_object_get_ex(top, "zones", &zones)) {
		fprintf(out, "# zones\n");
		for (size_t i = 0; i < json_object_array_length(zones); i++) {
			json_object *o = json_object_array_get_idx(zones, i), *c, *w;

			json_object_object_get_ex(o, "cond", &c);
			json_object_object_get_ex(o, "wp", &w);
			fprintf(out, "zone %zu cond=%s wp=%s\n", i, json_object_get_string(c),
				w ? json_object_get_string(w) : "-");
		}
	}
}
