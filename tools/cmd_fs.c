// SPDX-License-Identifier: MIT
/*
 * zwsim fs: a file-level workload on a file system model, mounted on a
 * device through the block layer, with the result of every call, and at
 * the end each file's extents and the zone report.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "check/check.h"
#include "cmds.h"
#include "fs_oracle.h"
#include "progress.h"
#include "stack.h"
#include "vfs.h"

static const struct zw_fs_ops *const fs_types[] = { &zonefs_fs_ops, &xfs_zoned_fs_ops, &xfs_fs_ops };

static void fs_usage(FILE *f)
{
	fprintf(f,
		"usage: zwsim fs --fs zonefs|xfs-zoned|xfs --dev SPEC [OPTIONS] SCRIPT\n"
		"\n"
		"Run a file-level workload on a file system model (zonefs, xfs-zoned)\n"
		"mounted on a zoned device, or (xfs: the regular XFS path) on a\n"
		"conventional one (emu:zoned=0,size=...), through the page cache and\n"
		"iomap writeback (buffered writes) or iomap direct I/O (direct writes),\n"
		"and the block layer.  A device with no such file system is formatted\n"
		"first.\n"
		"\n"
		"Script lines ('#' comments; offsets and lengths in bytes):\n"
		"  open F | close F          open F for writing (creating it where the fs can)\n"
		"  write F OFF LEN [CALL]    buffered write, as write(2) calls of CALL bytes (1M)\n"
		"  dwrite F OFF LEN [CALL]   direct (O_DIRECT) write: the cached range is\n"
		"                            written back and dropped, then the data goes\n"
		"                            to the device in the write's own bios (xfs: in\n"
		"                            place, to new unwritten blocks converted when it\n"
		"                            completes, or copied on write over shared ones;\n"
		"                            the size moves at completion); xfs, xfs-zoned:\n"
		"                            a failed write-back of the cached range makes\n"
		"                            it a buffered write\n"
		"  append F LEN [CALL]       direct write at the end of the file (O_APPEND:\n"
		"                            at the size the file has at issue)\n"
		"  read F OFF LEN            read\n"
		"  truncate F LEN | unlink F | fsync F | sync\n"
		"  hint F notset|none|short|medium|long|extreme   the file's write hint\n"
		"  reflink SRC DST           FICLONE as cp --reflink=always: DST (truncated)\n"
		"                            shares all of SRC's blocks; SRC's dirty data is\n"
		"                            written back first (xfs only; others -EOPNOTSUPP)\n"
		"  fallocate F OFF LEN       preallocate unwritten extents (mode 0; xfs only)\n"
		"  inject FAULT              emulated devices: ro=Z, offline=Z, err=..., fail_write=N\n"
		"A write to a file that is not open opens, writes and closes it.  zonefs\n"
		"files are cnv/N and seq/N.  Each line prints 'OPERATION => RESULT': bytes,\n"
		"0, -ERRNO, or 'BYTES -ERRNO' when a later call of a write failed.\n"
		"\n"
		"Options:\n"
		"  --fs NAME       the file system model: zonefs, xfs-zoned, xfs (the\n"
		"                  regular path: needs a device with no sequential zone)\n"
		"  --dev SPEC      the device (zwsim zone --help)\n"
		"  --mount OPTS    mount options (zonefs: explicit-open, aggr_cnv,\n"
		"                  errors=remount-ro|zone-ro|zone-offline|repair;\n"
		"                  xfs-zoned: nolifetime, max_open_zones=N,\n"
		"                  zonegc_low_space=PERCENT, kernel=7.2|6.17: whose\n"
		"                  zone selection rules, default 7.2; prior_data=live|deleted:\n"
		"                  data found on the device at mount is used by files the\n"
		"                  model does not know (default), or by none)\n"
		"  --json          the end report as JSON: {\"files\": {NAME: {\"size\", \"extents\":\n"
		"                  [{\"off\", \"len\", \"zone\", \"zone_off\"}]}}, \"zones\": [{\"zone\",\n"
		"                  \"cond\", \"wp\"}]} (bytes; wp from the zone start); zonefs adds\n"
		"                  each file's \"mode\" and \"zone\", and \"/sys/fs/zonefs\" counters;\n"
		"                  xfs-zoned adds \"stats\" (bytes written by the user, to the\n"
		"                  device, moved by GC, zone resets, write amplification, zones, and\n"
		"                  \"zones_over_time\": zones by state after each operation that\n"
		"                  changed them);\n"
		"                  xfs adds each file's \"disk_size\" and each extent's \"block\",\n"
		"                  \"unwritten\", \"shared\" (bytes), and \"stats\" (user and device bytes,\n"
		"                  free, delalloc, COW and shared blocks)\n"
		"  --verify        at the end: sync, fsync each file, drop the page cache, then\n"
		"                  read every file back through the fs and compare each byte\n"
		"                  with what the calls' results say was written (zeros where\n"
		"                  nothing was; not checked: data from before the run, and\n"
		"                  what a writeback or I/O error may have lost), the size\n"
		"                  too; then the file system's own check of the blocks\n"
		"                  its files map; exit 1 on the first mismatch (docs/fs-verify.md)\n"
		"  --force         a real device (zbd:, nvme:) may be written: the model\n"
		"                  formats it as its own (never when mounted or holding a\n"
		"                  file system signature)\n"
		"  --check         check the run's event log as it is written (zwsim check's\n"
		"                  rules, docs/check.md): violations on stderr, exit 1\n"
		"  --log FILE, --order fifo|latency|shuffle, --seed N\n"
		"A run longer than half a second shows its progress on stderr when that is\n"
		"a terminal and the results go elsewhere (ZWSIM_PROGRESS=0: never).\n"
		"\n"
		"Example:\n"
		"  zwsim fs --fs zonefs --dev emu:zones=8,zone_size=4M,conv=2 --json work.fs\n");
}

enum fs_kind { F_OPEN, F_CLOSE, F_WRITE, F_DWRITE, F_APPEND, F_READ, F_TRUNCATE, F_UNLINK,
	       F_FSYNC, F_SYNC, F_HINT, F_INJECT, F_REFLINK, F_FALLOCATE };

struct fs_op {
	enum fs_kind kind;
	unsigned int line;
	char file[64];
	char arg[64];
	uint64_t off, len, call;
	char text[192];
};

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

static int parse_script(FILE *f, const char *name, struct fs_op **opsp, size_t *nrp)
{
	char *buf = NULL, why[160];
	size_t cap = 0, nr = 0;
	struct fs_op *ops = NULL;
	unsigned int line = 0;

	while (getline(&buf, &cap, f) >= 0) {
		char *w[6];
		int argc = zw_split_words(buf, w, 6);
		struct fs_op op = { .line = ++line };
		struct fs_op *n;

		if (!argc)
			continue;
		if (argc > 6)
			snprintf(why, sizeof(why), "too many words");
		if (argc > 6 || parse_line(argc, w, &op, why, sizeof(why))) {
			fprintf(stderr, "zwsim fs: %s:%u: %s\n", name, line, why);
			free(ops);
			free(buf);
			return -1;
		}
		op.text[0] = '\0';
		for (int i = 0; i < argc; i++)
			snprintf(op.text + strlen(op.text), sizeof(op.text) - strlen(op.text), "%s%s",
				 i ? " " : "", w[i]);
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

struct fs_run {
	const struct zw_fs_ops *ops;
	struct zw_fs *fs;
	struct zw_dev *dev;
	char (*open_files)[64];
	size_t nr_open;
	struct fs_oracle *oracle;	/* --verify: what every file must hold */
	json_object *series;		/* the fs's state counts over the run (zw_fs_ops.sample) */
	bool told_tags;			/* the data=tags note was printed */
};

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

/* A write as a program makes it: calls of at most @call bytes; the first error stops it. */
static void run_write(struct fs_run *r, const struct fs_op *op, char *res, size_t rlen)
{
	bool opened = false, direct = op->kind != F_WRITE, append = op->kind == F_APPEND;
	uint64_t done = 0;
	ssize_t n = 0;
	int err;

	if (!is_open(r, op->file)) {
		err = r->ops->open(r->fs, op->file);
		if (err) {
			snprintf(res, rlen, "%s", errno_name(err));
			return;
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
		fprintf(stderr, "zwsim fs: note: data=tags keeps one tag a block, so a buffered write of part "
			"of a block is refused (-EINVAL); data=bytes (the default) takes any write\n");
		r->told_tags = true;
	}
	if (n < 0 && done)
		snprintf(res, rlen, "%" PRIu64 " %s", done, errno_name((int)n));
	else if (n < 0)
		snprintf(res, rlen, "%s", errno_name((int)n));
	else
		snprintf(res, rlen, "%" PRIu64, done);
}

static int run_op_(struct fs_run *r, const struct fs_op *op, char *res, size_t rlen, long *result)
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
		run_write(r, op, res, rlen);
		return 0;
	case F_READ: {
		void *buf = malloc(op->len);
		ssize_t n = buf ? r->ops->read(r->fs, op->file, (loff_t)op->off, op->len, buf) : -ENOMEM;

		free(buf);
		*result = n;
		snprintf(res, rlen, "%zd", n);
		if (n < 0)
			snprintf(res, rlen, "%s", errno_name((int)n));
		return 0;
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
			*result = -EOPNOTSUPP;
			snprintf(res, rlen, "-EOPNOTSUPP  # %s has no reflink (FICLONE)", r->ops->name);
			return 0;
		}
		ret = r->ops->reflink(r->fs, op->file, op->arg);
		break;
	case F_FALLOCATE:
		if (!r->ops->fallocate) {
			*result = -EOPNOTSUPP;
			snprintf(res, rlen, "-EOPNOTSUPP  # %s has no preallocation (fallocate mode 0)", r->ops->name);
			return 0;
		}
		ret = r->ops->fallocate(r->fs, op->file, (loff_t)op->off, (loff_t)op->len);
		break;
	case F_INJECT:
		if (zw_dev_inject(r->dev, op->arg, err, sizeof(err))) {
			*result = -EINVAL;
			snprintf(res, rlen, "-EINVAL  # %s", err);
			return 0;
		}
		break;
	}
	*result = ret;
	snprintf(res, rlen, "%s", errno_name(ret));
	return 0;
}

/* A line of the script, and what the oracle learns from its result. */
static int run_op(struct fs_run *r, const struct fs_op *op, char *res, size_t rlen)
{
	struct fs_oracle *o = r->oracle;
	long ret = 0;
	int err;

	if (o && op->kind != F_SYNC && op->kind != F_INJECT) {
		fso_before(o, op->file);
		if (op->kind == F_REFLINK)
			fso_before(o, op->arg);
	}
	err = run_op_(r, op, res, rlen, &ret);
	if (!o)
		return err;
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
	return err;
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
static int verify_run(struct fs_run *r, struct mm_ctx *mm, char *err, size_t errlen)
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

static void print_report(struct fs_run *r, struct block_device *bdev, bool json)
{
	json_object *top = json_object_new_object(), *files = json_object_new_object();
	json_object *zones = json_object_new_array();
	struct blk_zone z;

	r->ops->report(r->fs, files);
	for (unsigned int i = 0; i < bdev->nr_zones; i++) {
		json_object *o = json_object_new_object();
		bool has_wp;

		blkdev_report_zones(bdev, i, 1, &z);
		has_wp = zone_is_seq(&z) && z.wp != ZONE_WP_INVALID;
		json_object_object_add(o, "zone", json_object_new_int((int)i));
		json_object_object_add(o, "cond", json_object_new_string(zone_cond_abbrev(z.cond)));
		json_object_object_add(o, "wp", has_wp ? json_object_new_uint64((uint64_t)(z.wp - z.start) << SECTOR_SHIFT)
						       : NULL);
		json_object_array_add(zones, o);
	}
	json_object_object_add(top, "files", files);
	json_object_object_add(top, "zones", zones);
	if (r->ops->stats) {
		json_object *stats = json_object_new_object();

		r->ops->stats(r->fs, stats);
		if (r->series)
			json_object_object_add(stats, "zones_over_time", json_object_get(r->series));
		json_object_object_add(top, "stats", stats);
	}
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(top, JSON_C_TO_STRING_PLAIN));
	} else {
		printf("# files\n");
		json_object_object_foreach(files, name, f) {
			json_object *ext, *size;

			if (!json_object_object_get_ex(f, "extents", &ext) ||
			    !json_object_object_get_ex(f, "size", &size))
				continue;
			printf("%s size=%" PRId64, name, json_object_get_int64(size));
			for (size_t i = 0; i < json_object_array_length(ext); i++) {
				json_object *e = json_object_array_get_idx(ext, i), *v;
				int64_t vals[4];
				const char *keys[] = { "off", "len", "zone", "zone_off" };

				for (int k = 0; k < 4; k++)
					vals[k] = json_object_object_get_ex(e, keys[k], &v) ? json_object_get_int64(v) : 0;
				printf(" [%" PRId64 "+%" PRId64 " @zone %" PRId64 "+%" PRId64 "]", vals[0], vals[1],
				       vals[2], vals[3]);
			}
			printf("\n");
		}
		printf("# zones\n");
		for (size_t i = 0; i < json_object_array_length(zones); i++) {
			json_object *o = json_object_array_get_idx(zones, i), *c, *w;

			json_object_object_get_ex(o, "cond", &c);
			json_object_object_get_ex(o, "wp", &w);
			printf("zone %zu cond=%s wp=%s\n", i, json_object_get_string(c),
			       w ? json_object_get_string(w) : "-");
		}
	}
	json_object_put(top);
}

int cmd_fs(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "fs", required_argument, NULL, 'F' },
		{ "dev", required_argument, NULL, 'd' },
		{ "mount", required_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ "verify", no_argument, NULL, 'V' },
		{ "check", no_argument, NULL, 'K' },
		{ "force", no_argument, NULL, 'f' },
		{ "log", required_argument, NULL, 'l' },
		{ "order", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fsname = NULL, *spec = NULL, *mopts = NULL, *logpath = NULL;
	enum sim_completion_policy order = SIM_COMPLETE_FIFO;
	bool json = false, verify = false, force = false;
	struct chk_log *checker = NULL;
	struct fs_run r = { 0 };
	struct fs_oracle oracle;
	struct progress prog;
	struct mm_ctx mm;
	struct zw_stack st;
	struct fs_op *ops;
	uint64_t seed = 0;
	char err[512];
	size_t nr;
	FILE *f;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'F': fsname = optarg; break;
		case 'd': spec = optarg; break;
		case 'M': mopts = optarg; break;
		case 'j': json = true; break;
		case 'V': verify = true; break;
		case 'K': checker = chk_log_new(); break;
		case 'f': force = true; break;
		case 'l': logpath = optarg; break;
		case 'o':
			if (sim_policy_parse(optarg, &order)) {
				fprintf(stderr, "zwsim fs: --order %s: accepted values are fifo, latency, shuffle\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 's':
			if (parse_num(optarg, &seed)) {
				fprintf(stderr, "zwsim fs: --seed %s: not a number\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			fs_usage(stdout);
			return EXIT_OK;
		default:
			fs_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!fsname || !spec || optind != argc - 1) {
		fprintf(stderr, "zwsim fs: needs --fs NAME, --dev SPEC and one SCRIPT (see zwsim fs --help)\n");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(fs_types) / sizeof(fs_types[0]); i++)
		if (!strcmp(fsname, fs_types[i]->name))
			r.ops = fs_types[i];
	if (!r.ops) {
		fprintf(stderr, "zwsim fs: --fs %s: accepted: zonefs, xfs-zoned, xfs\n", fsname);
		return EXIT_USAGE;
	}
	f = zw_script_open("fs", argv[optind]);
	if (!f)
		return EXIT_USAGE;
	ret = parse_script(f, argv[optind], &ops, &nr);
	zw_script_close(f);
	if (ret)
		return EXIT_USAGE;
	ret = zw_stack_open(&st, &(struct zw_stack_opts){
		.cmd = "fs", .spec = spec, .log = logpath ? logpath : checker ? "/dev/null" : NULL,
		.order = order, .seed = seed,
		.dev_flags = force ? ZW_DEV_FORCE : 0, .model_on_real = true,
		.log_filter = checker ? chk_log_filter : NULL, .log_filter_arg = checker,
	});
	if (ret) {
		free(ops);
		return ret;
	}
	r.dev = st.dev;
	if (r.dev->real && !force) {
		fprintf(stderr, "zwsim fs: %s is a real device, which the model formats as its own: "
			"say --force to allow it\n", spec);
		zw_stack_close(&st);
		free(ops);
		return EXIT_USAGE;
	}
	mm_ctx_init(&mm, &st.loop, 1ull << 30, r.dev->data_mode == ZW_DATA_TAGS);
	if (verify && r.ops->stat) {
		/* zonefs: a truncate up finishes the zone, whose unwritten blocks read as the device says */
		fso_init(&oracle, &(struct fso_fs){ .stat = oracle_stat, .read = oracle_read, .arg = &r },
			 st.bdevp->lim.logical_block_size, r.dev->data_mode == ZW_DATA_TAGS,
			 !strcmp(r.dev->ops->kind, "emu"), strcmp(r.ops->name, "zonefs") != 0);
		r.oracle = &oracle;
	}
	mm.log = zw_stack_log(&st);
	if (r.ops->mount(&r.fs, st.bdevp, &mm, mopts, err, sizeof(err))) {
		fprintf(stderr, "zwsim fs: mount: %s\n", err);
		zw_stack_close(&st);
		free(ops);
		return EXIT_USAGE;
	}
	ret = EXIT_OK;
	if (json && r.ops->sample) {
		r.series = json_object_new_array();
		r.ops->sample(r.fs, r.series, 0);
	}
	progress_init(&prog, "zwsim fs", "lines", nr, json);
	for (size_t i = 0; i < nr; i++) {
		char res[320];

		progress_update(&prog, i);
		run_op(&r, &ops[i], res, sizeof(res));
		if (r.series)
			r.ops->sample(r.fs, r.series, i + 1);
		if (!json)
			printf("%s => %s\n", ops[i].text, res);
		else
			fprintf(stderr, "%s => %s\n", ops[i].text, res);
	}
	sim_run(&st.loop);
	progress_done(&prog);
	print_report(&r, st.bdevp, json);
	/* --check: the checker has read the log as it was written (docs/check.md) */
	if (checker && (fflush(st.log.f), chk_log_report(checker, stderr, "zwsim fs")))
		ret = EXIT_OPFAIL;
	if (verify && verify_run(&r, &mm, err, sizeof(err))) {
		fprintf(stderr, "zwsim fs: verify: %s\n", err);
		ret = EXIT_OPFAIL;
	}
	if (r.oracle)
		fso_free(r.oracle);
	json_object_put(r.series);
	r.ops->unmount(r.fs);
	free(mm.mappings);
	zw_stack_close(&st);
	chk_log_free(checker);
	free(r.open_files);
	free(ops);
	return ret;
}
