// SPDX-License-Identifier: MIT
/* The layers a lesson runs on: the real zone model, block layer, page cache and file systems. */
#include "layers.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "iomap.h"
#include "pattern.h"
#include "stack.h"
#include "zone_script.h"

#define MAX_WORDS 8

/* --- the operations of the writeback and fs layers ---------------------- */

enum op_kind {
	/* writeback: the block device's page cache (as zwsim writeback) */
	W_WRITE, W_READ, W_WRITEBACK, W_SYNC, W_FSYNC, W_SLEEP,
	/* fs: system calls (as zwsim fs) */
	F_OPEN, F_CLOSE, F_WRITE, F_DWRITE, F_APPEND, F_READ, F_TRUNCATE, F_UNLINK, F_FSYNC,
	F_SYNC, F_HINT, F_INJECT,
};

struct layer_op {
	enum op_kind kind;
	char file[64], arg[64];
	uint64_t off, len;
	struct zs_script zs;	/* layer zone */
};

struct op_desc {
	const char *word;
	enum op_kind kind;
	int min, max;		/* words after the operation */
	bool file;		/* the first of them names a file */
	const char *usage;
};

static const struct op_desc wb_ops[] = {
	{ "write", W_WRITE, 2, 2, false, "write OFF LEN" },
	{ "read", W_READ, 2, 2, false, "read OFF LEN" },
	{ "writeback", W_WRITEBACK, 0, 1, false, "writeback [PAGES]" },
	{ "sync", W_SYNC, 0, 0, false, "sync" },
	{ "fsync", W_FSYNC, 0, 0, false, "fsync" },
	{ "sleep", W_SLEEP, 1, 1, false, "sleep MS" },
	{ "inject", F_INJECT, 1, 1, false, "inject FAULT" },
};

static const struct op_desc fs_ops[] = {
	{ "open", F_OPEN, 1, 1, true, "open F" },
	{ "close", F_CLOSE, 1, 1, true, "close F" },
	{ "write", F_WRITE, 3, 3, true, "write F OFF LEN" },
	{ "dwrite", F_DWRITE, 3, 3, true, "dwrite F OFF LEN" },
	{ "append", F_APPEND, 2, 2, true, "append F LEN" },
	{ "read", F_READ, 3, 3, true, "read F OFF LEN" },
	{ "truncate", F_TRUNCATE, 2, 2, true, "truncate F LEN" },
	{ "unlink", F_UNLINK, 1, 1, true, "unlink F" },
	{ "fsync", F_FSYNC, 1, 1, true, "fsync F" },
	{ "sync", F_SYNC, 0, 0, false, "sync" },
	{ "hint", F_HINT, 2, 2, true, "hint F notset|none|short|medium|long|extreme" },
	{ "inject", F_INJECT, 1, 1, false, "inject FAULT" },
};

static const char *const hint_names[] = { "notset", "none", "short", "medium", "long", "extreme" };

/* Check a writeback or fs operation's words; 0, or -1 with why in @why. */
static int parse_layer_op(bool fs, int argc, char **w, struct layer_op *op, char *why, size_t wlen)
{
	size_t n = fs ? sizeof(fs_ops) / sizeof(fs_ops[0]) : sizeof(wb_ops) / sizeof(wb_ops[0]);
	uint64_t *nums[2] = { &op->off, &op->len };
	int k, i = 1, nnum = 0;

	for (k = 0; k < (int)n; k++)
		if (!strcmp(w[0], (fs ? fs_ops : wb_ops)[k].word))
			break;
	if (k == (int)n) {
		snprintf(why, wlen, "unknown %s operation '%s' (docs/teach.md lists them)", fs ? "fs" : "writeback", w[0]);
		return -1;
	}
	const struct op_desc *d = &(fs ? fs_ops : wb_ops)[k];

	if (argc - 1 < d->min || argc - 1 > d->max) {
		snprintf(why, wlen, "expected %s", d->usage);
		return -1;
	}
	op->kind = d->kind;
	if (d->file) {
		if (strlen(w[1]) >= sizeof(op->file)) {
			snprintf(why, wlen, "file name too long");
			return -1;
		}
		snprintf(op->file, sizeof(op->file), "%s", w[i++]);
	}
	if (op->kind == F_INJECT) {
		if (strlen(w[1]) >= sizeof(op->arg)) {
			snprintf(why, wlen, "fault too long");
			return -1;
		}
		snprintf(op->arg, sizeof(op->arg), "%s", w[1]);
		return 0;
	}
	if (op->kind == F_HINT) {
		for (op->off = 0; op->off < 6 && strcmp(w[i], hint_names[op->off]); op->off++)
			;
		if (op->off == 6) {
			snprintf(why, wlen, "expected %s", d->usage);
			return -1;
		}
		return 0;
	}
	op->len = op->kind == W_WRITEBACK ? 1024 : 0;
	/* one number is a length (append, truncate, sleep, writeback), two are OFF LEN */
	if (argc - i == 1)
		nums[0] = &op->len;
	for (; i < argc; i++, nnum++)
		if (zw_spec_size(w[i], nums[nnum])) {
			snprintf(why, wlen, "'%s' is not a number of bytes (%s)", w[i], d->usage);
			return -1;
		}
	if (!op->len && (op->kind == W_WRITE || op->kind == W_READ || op->kind == W_WRITEBACK ||
			 op->kind == F_WRITE || op->kind == F_DWRITE || op->kind == F_APPEND || op->kind == F_READ)) {
		snprintf(why, wlen, "a length of 0 (%s)", d->usage);
		return -1;
	}
	return 0;
}

/* --- opening ------------------------------------------------------------- */

int teach_open(struct teach_ctx *c, const struct lesson *l, const char *spec)
{
	char err[512];
	struct layer_op *ops;

	memset(c, 0, sizeof(*c));
	c->l = l;
	if (zw_dev_open(spec, 0, &c->dev, err, sizeof(err))) {
		fprintf(stderr, "zwsim teach: %s:%u: bad device spec '%s': %s\n", l->name, l->device_line,
			spec, err);
		return 2;
	}
	sim_loop_init(&c->loop, SIM_COMPLETE_FIFO, 0);
	c->have_loop = true;
	c->log.clock = &c->loop.now;
	c->log.f = open_memstream(&c->logbuf, &c->loglen);
	if (!c->log.f) {
		fprintf(stderr, "zwsim teach: out of memory\n");
		return 2;
	}
	c->dev->log = &c->log;
	if (blkdev_init(&c->bdev, c->dev, &c->loop, &c->log, err, sizeof(err))) {
		fprintf(stderr, "zwsim teach: %s:%u: %s\n", l->name, l->device_line, err);
		return 2;
	}
	c->have_bdev = true;
	ops = calloc(l->nr_steps ? l->nr_steps : 1, sizeof(*ops));
	if (!ops) {
		fprintf(stderr, "zwsim teach: out of memory\n");
		return 2;
	}
	c->ops = ops;
	/* every step is checked before the first runs: a bad line changes nothing */
	for (size_t i = 0; i < l->nr_steps; i++) {
		const struct lesson_step *st = &l->steps[i];
		char *copy = strdup(st->op), *w[MAX_WORDS + 1];
		int argc = copy ? zw_split_words(copy, w, MAX_WORDS) : 0;
		char why[600];
		int bad = !copy || !argc || argc > MAX_WORDS;

		snprintf(why, sizeof(why), "too many words");
		if (!bad && l->layer == LESSON_ZONE) {
			if (zs_parse_words(argc, w, c->dev, &ops[i].zs, err, sizeof(err))) {
				/* "command line:1: why": keep the why */
				const char *p = strstr(err, ": ");

				snprintf(why, sizeof(why), "%s", p ? p + 2 : err);
				bad = 1;
			}
		} else if (!bad) {
			bad = parse_layer_op(l->layer == LESSON_FS, argc, w, &ops[i], why, sizeof(why));
		}
		free(copy);
		if (bad) {
			fprintf(stderr, "zwsim teach: %s:%u: step '%s': %s\n", l->name, st->line, st->op, why);
			return 2;
		}
		if (ops[i].kind == F_INJECT && zw_dev_fault_check(c->dev, ops[i].arg, err, sizeof(err))) {
			fprintf(stderr, "zwsim teach: %s:%u: inject %s: %s\n", l->name, st->line, ops[i].arg, err);
			return 2;
		}
	}
	mm_ctx_init(&c->mm, &c->loop, 1ull << 30, c->dev->data_mode == ZW_DATA_TAGS);
	c->mm.log = &c->log;
	if (l->layer == LESSON_WRITEBACK) {
		blkdev_file_init(&c->bf, &c->bdev, &c->mm);
		c->have_bf = true;
	} else if (l->layer == LESSON_FS) {
		c->fsops = !strcmp(l->fs, "zonefs") ? &zonefs_fs_ops : &xfs_zoned_fs_ops;
		if (c->fsops->mount(&c->fs, &c->bdev, &c->mm, l->mount, err, sizeof(err))) {
			fprintf(stderr, "zwsim teach: %s: mount %s: %s\n", l->name, l->fs, err);
			c->fs = NULL;
			return 2;
		}
	}
	return 0;
}

void teach_close(struct teach_ctx *c)
{
	struct layer_op *ops = c->ops;

	if (c->fs) {
		sim_run(&c->loop);
		c->fsops->unmount(c->fs);
	}
	if (c->have_bf) {
		sim_run(&c->loop);
		blkdev_file_release(&c->bf);
	}
	free(c->mm.mappings);
	if (ops)
		for (size_t i = 0; i < c->l->nr_steps; i++)
			zs_free(&ops[i].zs);
	free(ops);
	free(c->open_files);
	if (c->have_bdev)
		blkdev_free(&c->bdev);
	if (c->have_loop)
		sim_loop_free(&c->loop);
	if (c->log.f)
		fclose(c->log.f);
	free(c->logbuf);
	if (c->dev)
		zw_dev_close(c->dev);
	memset(c, 0, sizeof(*c));
}

void teach_zones(struct teach_ctx *c, struct blk_zone *zones)
{
	blkdev_report_zones(&c->bdev, 0, c->dev->nr_zones, zones);
}

/* --- what the log says about the step ------------------------------------ */

static int64_t jint(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : -1;
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static void add_event(struct teach_ctx *c, unsigned int *shown, unsigned int *hidden, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_event(struct teach_ctx *c, unsigned int *shown, unsigned int *hidden, const char *fmt, ...)
{
	size_t n = strlen(c->events);
	va_list ap;

	if (*shown >= 8) {
		(*hidden)++;
		return;
	}
	(*shown)++;
	va_start(ap, fmt);
	vsnprintf(c->events + n, sizeof(c->events) - n, fmt, ap);
	va_end(ap);
}

/* Count and tell the step's events, from where the last step's ended. */
static void read_log(struct teach_ctx *c, struct teach_outcome *oc, int *first_zone)
{
	unsigned int bios = 0, splits = 0, failed = 0, waits = 0, ioends = 0, shown = 0, hidden = 0;
	uint64_t zone_sectors = c->dev->geo.zone_size;
	char *p, *nl;

	fflush(c->log.f);
	c->events[0] = '\0';
	c->have_failed = false;
	for (p = c->logbuf + c->logpos; p < c->logbuf + c->loglen && (nl = memchr(p, '\n', (size_t)(c->logbuf + c->loglen - p)));
	     p = nl + 1) {
		json_object *o;
		const char *ev;

		*nl = '\0';
		o = json_tokener_parse(p);
		*nl = '\n';
		if (!o)
			continue;
		ev = jstr(o, "ev");
		if (!strcmp(ev, "bio_submit")) {
			bios++;
			if (*first_zone < 0 && jint(o, "sector") >= 0 && strcmp(jstr(o, "op"), "zone_reset_all") &&
			    strcmp(jstr(o, "op"), "flush"))
				*first_zone = (int)((uint64_t)jint(o, "sector") / zone_sectors);
			add_event(c, &shown, &hidden, "  submit_bio()     bio %" PRId64 " %s sector %" PRId64 " %" PRId64 " bytes\n",
				  jint(o, "id"), jstr(o, "op"), jint(o, "sector"), jint(o, "bytes"));
		} else if (!strcmp(ev, "bio_split")) {
			splits++;
			add_event(c, &shown, &hidden, "  bio_split()      bio %" PRId64 " split off bio %" PRId64 ": %" PRId64 " bytes at sector %" PRId64 "\n",
				  jint(o, "id"), jint(o, "parent"), jint(o, "bytes"), jint(o, "sector"));
		} else if (!strcmp(ev, "zone_plug_queue")) {
			waits++;
			add_event(c, &shown, &hidden, "  zone write plug  bio %" PRId64 " waits in zone %" PRId64 "'s plug (one write in flight a zone)\n",
				  jint(o, "id"), jint(o, "zone"));
		} else if (!strcmp(ev, "ioend_submit")) {
			ioends++;
			add_event(c, &shown, &hidden, "  writeback_submit() ioend: file offset %" PRId64 ", %" PRId64 " bytes, %" PRId64 " folio(s)\n",
				  jint(o, "offset"), jint(o, "size"), jint(o, "folios"));
		} else if (!strcmp(ev, "writeback_error")) {
			add_event(c, &shown, &hidden, "  mapping_set_error() %s recorded at file offset %" PRId64 "\n",
				  jstr(o, "error"), jint(o, "pos"));
		} else if (!strcmp(ev, "bio_end")) {
			const char *status = jstr(o, "status");

			if (strcmp(status, "OK")) {
				failed++;
				if (!c->have_failed) {
					struct teach_failed_bio *f = &c->failed;

					c->have_failed = true;
					snprintf(f->op, sizeof(f->op), "%s", jstr(o, "op"));
					snprintf(f->status, sizeof(f->status), "%s", status);
					snprintf(f->reason, sizeof(f->reason), "%s", jstr(o, "reason"));
					snprintf(f->zone_err, sizeof(f->zone_err), "%s", jstr(o, "zone_err"));
					f->sector = (unsigned long long)jint(o, "sector");
					f->bytes = (unsigned long long)jint(o, "bytes");
				}
			}
			add_event(c, &shown, &hidden, "  bio_endio()      bio %" PRId64 " %s%s%" PRId64 " bytes at sector %" PRId64 ": %s\n",
				  jint(o, "id"), jstr(o, "op"), " ", jint(o, "bytes"), jint(o, "sector"), status);
		}
		json_object_put(o);
	}
	c->logpos = c->loglen;
	if (hidden)
		snprintf(c->events + strlen(c->events), sizeof(c->events) - strlen(c->events),
			 "  ... and %u more events\n", hidden);
	teach_set(oc, "bios", "%u", bios);
	teach_set(oc, "splits", "%u", splits);
	teach_set(oc, "failed_bios", "%u", failed);
	teach_set(oc, "plug_waits", "%u", waits);
	teach_set(oc, "ioends", "%u", ioends);
}

/* --- running a step ------------------------------------------------------- */

static bool is_open(struct teach_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nr_open; i++)
		if (!strcmp(c->open_files[i], name))
			return true;
	return false;
}

static void set_open(struct teach_ctx *c, const char *name, bool open)
{
	for (size_t i = 0; i < c->nr_open; i++)
		if (!strcmp(c->open_files[i], name)) {
			if (!open)
				memmove(c->open_files[i], c->open_files[--c->nr_open], 64);
			return;
		}
	if (open) {
		char (*n)[64] = realloc(c->open_files, (c->nr_open + 1) * 64);

		if (!n)
			return;
		c->open_files = n;
		snprintf(c->open_files[c->nr_open++], 64, "%s", name);
	}
}

/* The bytes a buffered write of the block device writes: its blocks' tags, as zwsim writeback. */
static ssize_t wb_write(struct teach_ctx *c, uint64_t off, uint64_t len)
{
	unsigned int bs = c->bdev.lim.logical_block_size;
	uint64_t first = off / bs, last = (off + len - 1) / bs;
	uint8_t *buf = malloc((size_t)(last - first + 1) * bs);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (uint64_t b = first; b <= last; b++)
		zw_pattern_fill(buf + (size_t)(b - first) * bs, bs, zw_tag_write(b));
	n = iomap_file_buffered_write(&c->bf.inode, (loff_t)off, len, buf + (off - first * bs), 0);
	free(buf);
	return n;
}

static void run_writeback(struct teach_ctx *c, const struct layer_op *op, char *res, size_t rlen)
{
	struct writeback_control wbc = { .nr_to_write = INT64_MAX, .range_end = INT64_MAX };
	ssize_t n = 0;
	int err = 0;

	switch (op->kind) {
	case W_WRITE:
		n = wb_write(c, op->off, op->len);
		break;
	case W_READ: {
		void *buf = malloc(op->len);

		n = buf ? iomap_file_buffered_read(&c->bf.inode, (loff_t)op->off, op->len, buf) : -ENOMEM;
		free(buf);
		break;
	}
	case W_WRITEBACK:
	case W_SYNC:
		wbc.sync_mode = op->kind == W_SYNC ? WB_SYNC_ALL : WB_SYNC_NONE;
		wbc.range_cyclic = op->kind == W_WRITEBACK;
		if (op->kind == W_WRITEBACK)
			wbc.nr_to_write = (long)op->len;
		err = do_writepages(&c->bf.inode.i_data, &wbc);
		sim_run(&c->loop);
		break;
	case W_FSYNC:
		err = vfs_fsync(&c->bf.file);
		break;
	case W_SLEEP:
		mm_advance(&c->mm, op->len * 1000000ull);
		break;
	case F_INJECT: {
		char why[256];

		err = zw_dev_inject(c->dev, op->arg, why, sizeof(why)) ? -EINVAL : 0;
		break;
	}
	default:
		break;
	}
	if (n < 0 || (n == 0 && op->kind != W_WRITE && op->kind != W_READ))
		snprintf(res, rlen, "%s", errno_name(n < 0 ? (int)n : err));
	else
		snprintf(res, rlen, "%zd", n);
}

static void run_fs(struct teach_ctx *c, const struct layer_op *op, char *res, size_t rlen)
{
	const struct zw_fs_ops *fo = c->fsops;
	char err[256];
	long ret = 0;

	switch (op->kind) {
	case F_OPEN:
		ret = is_open(c, op->file) ? 0 : fo->open(c->fs, op->file);
		if (!ret)
			set_open(c, op->file, true);
		break;
	case F_CLOSE:
		ret = is_open(c, op->file) ? fo->close(c->fs, op->file) : -EBADF;
		set_open(c, op->file, false);
		break;
	case F_WRITE:
	case F_DWRITE:
	case F_APPEND: {
		bool opened = !is_open(c, op->file);
		uint64_t done = 0;

		ret = opened ? fo->open(c->fs, op->file) : 0;
		if (ret)
			opened = false;
		/* write(2) calls of at most 1 MiB, as zwsim fs makes them; the first error stops it */
		while (!ret && done < op->len) {
			uint64_t len = op->len - done < (1u << 20) ? op->len - done : (1u << 20);
			ssize_t n = fo->write(c->fs, op->file, (loff_t)(op->off + done), len, op->kind != F_WRITE,
					      op->kind == F_APPEND);

			if (n <= 0) {
				ret = n;
				break;
			}
			done += (uint64_t)n;
			if ((uint64_t)n < len)
				break;
		}
		if (opened)
			fo->close(c->fs, op->file);
		sim_run(&c->loop);
		if (ret < 0 && done)
			snprintf(res, rlen, "%" PRIu64 " %s", done, errno_name((int)ret));
		else if (ret < 0)
			snprintf(res, rlen, "%s", errno_name((int)ret));
		else
			snprintf(res, rlen, "%" PRIu64, done);
		return;
	}
	case F_READ: {
		void *buf = malloc(op->len);

		ret = buf ? fo->read(c->fs, op->file, (loff_t)op->off, op->len, buf) : -ENOMEM;
		free(buf);
		if (ret >= 0) {
			snprintf(res, rlen, "%ld", ret);
			return;
		}
		break;
	}
	case F_TRUNCATE: ret = fo->truncate(c->fs, op->file, (loff_t)op->len); break;
	case F_UNLINK: ret = fo->unlink(c->fs, op->file); break;
	case F_FSYNC: ret = fo->fsync(c->fs, op->file); break;
	case F_SYNC: ret = fo->sync(c->fs); break;
	case F_HINT: ret = fo->hint(c->fs, op->file, (enum rw_hint)op->off); break;
	case F_INJECT:
		ret = zw_dev_inject(c->dev, op->arg, err, sizeof(err)) ? -EINVAL : 0;
		break;
	default:
		break;
	}
	sim_run(&c->loop);
	snprintf(res, rlen, "%s", errno_name((int)ret));
}

/* The file system's counters and each file's size and zones. */
static void fs_outcome(struct teach_ctx *c, struct teach_outcome *oc)
{
	json_object *files = json_object_new_object();

	c->fsops->report(c->fs, files);
	json_object_object_foreach(files, name, f) {
		json_object *ext, *size, *v;
		char key[72], zones[96] = "";

		if (json_object_object_get_ex(f, "size", &size)) {
			snprintf(key, sizeof(key), "size.%s", name);
			teach_set(oc, key, "%" PRId64, json_object_get_int64(size));
		}
		if (!json_object_object_get_ex(f, "extents", &ext))
			continue;
		for (size_t i = 0; i < json_object_array_length(ext); i++) {
			char z[16];

			if (!json_object_object_get_ex(json_object_array_get_idx(ext, i), "zone", &v))
				continue;
			snprintf(z, sizeof(z), "%" PRId64, json_object_get_int64(v));
			/* each zone once, in the order of the file's extents */
			char pat[20];

			snprintf(pat, sizeof(pat), ",%s,", z);
			char have[100];

			snprintf(have, sizeof(have), ",%s,", zones);
			if (strstr(have, pat))
				continue;
			snprintf(zones + strlen(zones), sizeof(zones) - strlen(zones), "%s%s", *zones ? "," : "", z);
		}
		snprintf(key, sizeof(key), "zones.%s", name);
		teach_set(oc, key, "%s", *zones ? zones : "-");
	}
	json_object_put(files);
	if (c->fsops->stats) {
		json_object *stats = json_object_new_object();
		static const char *const keys[] = { "user_bytes", "device_bytes", "gc_bytes", "zone_resets",
						    "write_amplification" };

		c->fsops->stats(c->fs, stats);
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			json_object *v;

			if (!json_object_object_get_ex(stats, keys[i], &v))
				continue;
			if (json_object_is_type(v, json_type_double))
				teach_set(oc, keys[i], "%.2f", json_object_get_double(v));
			else
				teach_set(oc, keys[i], "%" PRId64, json_object_get_int64(v));
		}
		json_object_put(stats);
	}
}

int teach_exec(struct teach_ctx *c, size_t i, struct teach_outcome *oc)
{
	struct layer_op *op = &((struct layer_op *)c->ops)[i];
	unsigned int lba_sectors = c->dev->geo.lba_size >> SECTOR_SHIFT;
	struct blk_zone *zones = calloc(c->dev->nr_zones, sizeof(*zones));
	unsigned int open = 0, active = 0;
	int zone = -1;
	char res[128] = "";

	oc->nr = 0;
	oc->has_res = false;
	if (!zones) {
		fprintf(stderr, "zwsim teach: out of memory\n");
		return 2;
	}
	if (c->l->layer == LESSON_ZONE) {
		struct zs_outcome zo;
		const struct zs_op *zop = &op->zs.ops[0];
		char native[96];

		if (zs_run_op(c->dev, c->l->raw ? NULL : &c->bdev, zop, &zo)) {
			free(zones);
			return 2;
		}
		sim_run(&c->loop);
		if (zop->kind != ZS_RESET_ALL && zop->kind != ZS_FLUSH && zop->kind != ZS_INJECT &&
		    zop->kind != ZS_REPORT_ALL)
			zone = (int)zop->zone;
		teach_set(oc, "status", "%s", blk_status_name(zo.status));
		teach_set(oc, "errno", "%s", errno_name(blk_status_to_errno(zo.status)));
		teach_set(oc, "result", "%s", blk_status_name(zo.status));
		/* the device's own code, compact: NVMe "0x1BC", SCSI "5h/21h/04h", "-" for none */
		if (c->dev->geo.model == ZONE_MODEL_ZNS && zo.res.nvme_status)
			snprintf(native, sizeof(native), "0x%03X", zo.res.nvme_status);
		else if (c->dev->geo.model == ZONE_MODEL_ZBC && zo.res.sense_key)
			snprintf(native, sizeof(native), "%Xh/%02Xh/%02Xh", zo.res.sense_key, zo.res.asc, zo.res.ascq);
		else
			snprintf(native, sizeof(native), "-");
		teach_set(oc, "native", "%s", native);
		if (zo.has_at)
			teach_set(oc, "at", "%" PRIu64, zo.at);
		/* the runner explains a refusal from these */
		oc->res = zo.res;
		oc->res.status = zo.status;
		oc->has_res = true;
		read_log(c, oc, &zone);
	} else {
		if (c->l->layer == LESSON_WRITEBACK)
			run_writeback(c, op, res, sizeof(res));
		else
			run_fs(c, op, res, sizeof(res));
		teach_set(oc, "result", "%s", res);
		read_log(c, oc, &zone);
		teach_set(oc, "status", "%s", c->have_failed ? c->failed.status : "OK");
		if (c->have_failed) {
			blk_status_t s = BLK_STS_IOERR;

			for (int k = 0; k <= BLK_STS_INVAL; k++)
				if (!strcmp(blk_status_name((blk_status_t)k), c->failed.status))
					s = (blk_status_t)k;
			teach_set(oc, "errno", "%s", errno_name(blk_status_to_errno(s)));
		} else {
			teach_set(oc, "errno", "0");
		}
		if (c->have_bf) {
			struct address_space *m = &c->bf.inode.i_data;

			teach_set(oc, "folios", "%zu", m->nr_folios);
			teach_set(oc, "dirty_folios", "%" PRIu64, m->nr_dirty);
		}
		if (c->fs)
			fs_outcome(c, oc);
	}
	teach_zones(c, zones);
	for (unsigned int z = 0; z < c->dev->nr_zones; z++) {
		char key[24], wp[24] = "-";

		if (zones[z].cond == BLK_ZONE_COND_IMP_OPEN || zones[z].cond == BLK_ZONE_COND_EXP_OPEN)
			open++;
		if (zones[z].cond == BLK_ZONE_COND_IMP_OPEN || zones[z].cond == BLK_ZONE_COND_EXP_OPEN ||
		    zones[z].cond == BLK_ZONE_COND_CLOSED)
			active++;
		if (zone_is_seq(&zones[z]) && zones[z].wp != ZONE_WP_INVALID)
			snprintf(wp, sizeof(wp), "%" PRIu64, (uint64_t)(zones[z].wp - zones[z].start) / lba_sectors);
		snprintf(key, sizeof(key), "cond.%u", z);
		teach_set(oc, key, "%s", zone_cond_abbrev(zones[z].cond));
		snprintf(key, sizeof(key), "wp.%u", z);
		teach_set(oc, key, "%s", wp);
		if ((int)z == zone) {
			teach_set(oc, "cond", "%s", zone_cond_abbrev(zones[z].cond));
			teach_set(oc, "wp", "%s", wp);
		}
	}
	if (zone >= 0) {
		teach_set(oc, "zone", "%d", zone);
	} else {
		teach_set(oc, "zone", "-");
		teach_set(oc, "cond", "-");
		teach_set(oc, "wp", "-");
	}
	teach_set(oc, "open_zones", "%u", open);
	teach_set(oc, "active_zones", "%u", active);
	free(zones);
	return 0;
}
