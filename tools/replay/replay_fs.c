// SPDX-License-Identifier: MIT
/*
 * File system targets: a block record becomes calls on a file of the
 * mounted model (its volume's file, or the piece of it --split names, at
 * the same offset within it), as a program writing that file would make
 * them; an fs-format record is a zwsim fs script line and runs as
 * `zwsim fs` runs it (tools/fs_script.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

struct replay_file {
	char dev[48];
	uint64_t piece;
	char name[64];
};

/* A file name from a volume name: what is not a letter, digit, '.', '-' or '_' becomes '_'. */
static void volume_file_name(char *out, size_t len, const char *dev, uint64_t piece, bool split)
{
	size_t i;

	for (i = 0; dev[i] && i + 1 < len && i < 40; i++) {
		char c = dev[i];

		out[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
				 c == '-' || c == '_'
			 ? c
			 : '_';
	}
	out[i] = '\0';
	if (!i)
		snprintf(out, len, "volume");
	if (split)
		snprintf(out + strlen(out), len - strlen(out), ".%" PRIu64, piece);
}

/* The first use of a volume and piece: its file made (file_for()'s slow path: the zeroed op only here) */
static const char *volume_file_open(struct replay *rp, const char *dev, uint64_t piece, long *err)
{
	struct fs_op op = { .kind = F_OPEN };
	struct replay_file *f = realloc(rp->files, (rp->nr_files + 1) * sizeof(*f));

	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	rp->files = f;
	f = &rp->files[rp->nr_files];
	memset(f, 0, sizeof(*f));
	snprintf(f->dev, sizeof(f->dev), "%s", dev);
	f->piece = piece;
	if (rp->zonefs)
		snprintf(f->name, sizeof(f->name), "seq/%" PRIu64, piece);
	else
		volume_file_name(f->name, sizeof(f->name), dev, piece, rp->o.split != 0);
	snprintf(op.file, sizeof(op.file), "%s", f->name);
	*err = fs_run_op(&rp->run, &op, NULL, 0);
	if (*err)
		return NULL;
	rp->nr_files++;
	return f->name;
}

/* The file a record's volume and piece map to; opened at its first use. */
static const char *file_for(struct replay *rp, const char *dev, uint64_t piece, long *err)
{
	bool zonefs = rp->zonefs;
	struct replay_file *f;

	if (zonefs)
		dev = "";	/* every volume on the one set of zone files */
	for (size_t i = rp->nr_files; i-- > 0;) {
		f = &rp->files[i];
		if (f->piece == piece && !strcmp(f->dev, dev)) {
			if (i != rp->nr_files - 1) {	/* the last used is looked at first */
				struct replay_file t = *f;

				rp->files[i] = rp->files[rp->nr_files - 1];
				rp->files[rp->nr_files - 1] = t;
			}
			return rp->files[rp->nr_files - 1].name;
		}
	}
	return volume_file_open(rp, dev, piece, err);
}

static long run(struct replay *rp, enum fs_kind kind, const char *file, uint64_t off, uint64_t len)
{
	struct fs_op op;

	/* the fields a run reads (the hot path: no zeroing of the text) */
	op.kind = kind;
	op.off = off;
	op.len = len;
	op.call = len ? len : 1;
	op.line = 0;
	op.arg[0] = op.text[0] = '\0';
	if (file)
		memcpy(op.file, file, strlen(file) + 1);	/* names are < 64 bytes (file_for) */
	else
		op.file[0] = '\0';
	return fs_run_op(&rp->run, &op, NULL, 0);
}

int replay_fs_record(struct replay *rp, const struct trace_rec *rec, uint64_t off, const char *name)
{
	enum replay_kind k = (enum replay_kind)rec->op;
	uint64_t piece = 0, start;
	bool zonefs = rp->zonefs;
	uint64_t split = zonefs ? rp->inner->geo.zone_capacity << SECTOR_SHIFT : rp->o.split;
	const char *file = NULL;
	long ret = 0;

	if (rec->op == TRACE_OP_DISCARD) {
		/* the models have no hole punching (fallocate PUNCH_HOLE) */
		rp->s.skipped_unsupported++;
		return 0;
	}
	if (split && rec->op != TRACE_OP_FLUSH) {
		piece = off / split;
		off %= split;
	}
	replay_issued(rp);
	rp->s.replayed[k]++;
	start = replay_now(rp);
	if (rec->op != TRACE_OP_FLUSH)
		file = file_for(rp, rec->dev, piece, &ret);
	if (rec->op != TRACE_OP_FLUSH && !file)
		goto done;
	switch (rec->op) {
	case TRACE_OP_WRITE:
		/* a preflush: what was written before is on stable storage first */
		if (rec->flags & TRACE_F_PREFLUSH)
			ret = run(rp, F_SYNC, NULL, 0, 0);
		if (!ret)
			ret = run(rp, rp->o.direct || zonefs ? F_DWRITE : F_WRITE, file, off, rec->len);
		if (ret >= 0)
			rp->s.user_write_bytes += (uint64_t)ret;
		/* FUA: this write is on stable storage when it completes */
		if (ret >= 0 && (rec->flags & TRACE_F_FUA)) {
			long r2 = run(rp, F_FSYNC, file, 0, 0);

			if (r2 < 0)
				ret = r2;
		}
		break;
	case TRACE_OP_READ:
		ret = run(rp, F_READ, file, off, rec->len);
		if (ret >= 0)
			rp->s.user_read_bytes += (uint64_t)ret;
		break;
	case TRACE_OP_FLUSH:
		ret = run(rp, F_SYNC, NULL, 0, 0);
		break;
	default:
		break;
	}
done:
	lat_add(&rp->s.lat[k], replay_now(rp) - start);
	replay_log_record(rp, rp->nrec, k, off, rec->len, replay_now(rp) - start, ret < 0 ? (int)ret : 0);
	if (ret < 0) {
		char why[96];

		snprintf(why, sizeof(why), "on file %s", file ? file : "(all)");
		replay_error(rp, k, NULL, rp->nrec, rec, name, (int)ret, why);
	}
	return 0;
}

int replay_fs_line(struct replay *rp, const struct trace_rec *rec, const char *name)
{
	struct fs_op op = { .line = (unsigned int)rec->where };
	char line[512], why[160];
	uint64_t start;
	long ret;
	int got;

	snprintf(line, sizeof(line), "%s", rec->fs_line ? rec->fs_line : "");
	got = fs_parse_text(line, &op, why, sizeof(why));
	if (!got)
		return 0;
	if (got < 0) {
		if (rp->o.skip_bad) {
			rp->s.skipped_bad++;
			return 0;
		}
		fprintf(stderr, "zwsim %s: %s:%" PRIu64 ": %s\n", rp->o.cmd, name, rec->where, why);
		return EXIT_USAGE;
	}
	replay_issued(rp);
	rp->s.replayed[RK_FS]++;
	rp->s.fs_replayed[op.kind]++;
	start = replay_now(rp);
	ret = fs_run_op(&rp->run, &op, NULL, 0);
	if (op.kind == F_WRITE || op.kind == F_DWRITE || op.kind == F_APPEND) {
		if (ret > 0)
			rp->s.user_write_bytes += (uint64_t)ret;
	} else if (op.kind == F_READ && ret > 0) {
		rp->s.user_read_bytes += (uint64_t)ret;
	}
	lat_add(&rp->s.lat[RK_FS], replay_now(rp) - start);
	lat_add(&rp->s.fs_lat[op.kind], replay_now(rp) - start);
	replay_log_record(rp, rp->nrec, RK_FS, op.off, op.len, replay_now(rp) - start, ret < 0 ? (int)ret : 0);
	if (ret < 0)
		replay_error(rp, RK_FS, fs_kind_name(op.kind), rp->nrec, rec, name, (int)ret, NULL);
	return 0;
}

void replay_fs_free(struct replay *rp)
{
	free(rp->files);
	rp->files = NULL;
	rp->nr_files = 0;
}
