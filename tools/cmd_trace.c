// SPDX-License-Identifier: MIT
/*
 * zwsim trace dump|convert: the requests of a trace exactly as zwsim reads
 * them (tools/trace/), printed one a line or written in another format.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "trace.h"

static void trace_usage(FILE *f)
{
	fprintf(f,
		"usage: zwsim trace dump [OPTIONS] TRACE...\n"
		"       zwsim trace convert --to fio-iolog|zwsim [-o OUT] [OPTIONS] TRACE...\n"
		"\n"
		"Read a block or file trace as zwsim replay reads it.  The format is told\n"
		"from the content (--format forces it); gzip, zstd, xz and bzip2 input is\n"
		"undone, from files and pipes alike ('-' is standard input).  Several\n"
		"TRACEs are read one after the other in the first one's format, except\n"
		"the per-CPU files of one blktrace capture, which are merged by time as\n"
		"blkparse merges them; a capture's name without .blktrace.N (as blkparse\n"
		"takes it) stands for all its CPU files.  blktrace versions 7 and 8 (the\n"
		"zoned struct blk_io_trace2 of BLKTRACESETUP2) are read; version 8's zone\n"
		"operations (zone append, reset, reset-all, finish, open, close) are no\n"
		"requests zwsim can replay: they are counted on standard error.\n"
		"\n"
		"dump: one request a line, space separated:\n"
		"  TIME_NS OP OFFSET BYTES DEVICE\n"
		"  TIME_NS  nanoseconds from the first request (earlier ones negative)\n"
		"  OP       write, read, discard, flush; flags after a comma: write,fua,\n"
		"           write,preflush, write,preflush,fua\n"
		"  OFFSET, BYTES  bytes, whatever the trace's unit\n"
		"  DEVICE   MAJ,MIN for block traces (blkparse, blktrace, fiu), else the\n"
		"           trace's volume, disk or file name\n"
		"  --format fs lines print as 'TIME_NS fs SCRIPT LINE'.\n"
		"\n"
		"convert --to:\n"
		"  fio-iolog  fio iolog v3 ('fio --read_iolog=OUT'; with --replay_redirect=DEV\n"
		"             onto one device): an add and open line for each device when it\n"
		"             first appears, times in microseconds from the first request\n"
		"             (an earlier request at 0, as fio replays it);\n"
		"             flushes as sync, discards as trim (fio 3.33 skips trims:\n"
		"             'bad ddir: 2'; later fio replays them)\n"
		"  zwsim      the timestamped fs script (docs/trace.md): one file per device,\n"
		"             'SECONDS dwrite|read FILE OFF LEN' (FILE: dev8_16 for 8,16),\n"
		"             'fsync FILE' for a flush, before a preflush write and after a\n"
		"             FUA write; a discard, which a file cannot take, is kept as a\n"
		"             '#' comment\n"
		"\n"
		"Options:\n"
		"  --format NAME   the trace's format, not detected (list below)\n"
		"  --action Q|D|C  blkparse/blktrace: which event is the request: Q the bio\n"
		"                  queued (default), D issued to the driver, C completed\n"
		"  --block-size N  spc: the bytes of an LBA (512)\n"
		"  --skip-bad      count malformed records (on stderr) instead of failing\n"
		"  -o FILE         convert: write there (default standard output)\n"
		"\n"
		"Formats:\n");
	for (size_t i = 0; i < trace_nformats; i++)
		fprintf(f, "  %-10s %s\n", trace_formats[i]->name, trace_formats[i]->summary);
	fprintf(f,
		"\n"
		"Examples:\n"
		"  zwsim trace dump samples/traces/blkparse.txt\n"
		"  blktrace -d /dev/nullb0 -w 5 & fio ...; zwsim trace dump nullb0\n"
		"  zwsim trace dump --action D sdb.blktrace.0 sdb.blktrace.1\n"
		"  xzcat cambridge.csv.xz | zwsim trace dump -\n"
		"  zwsim trace convert --to fio-iolog -o t.iolog samples/traces/msr.csv\n"
		"  fio --name=r --ioengine=libaio --direct=1 --read_iolog=t.iolog --replay_redirect=/dev/nullb0\n"
		"\n"
		"Exit status: 0 done, 2 bad usage or a malformed trace (the message names\n"
		"the file, line or record, and field).\n");
}

/* Sanitize a device name into a file name: "8,16" -> "dev8_16" */
static void dev_file(const char *dev, char *out, size_t n)
{
	size_t j = 0;
	bool block = strchr(dev, ',') != NULL;
	if (block)
		j = (size_t)snprintf(out, n, "dev");
	for (const char *p = dev; *p && j + 1 < n; p++)
		out[j++] = (*p == ',' || *p == '/' || *p == ' ') ? '_' : *p;
	out[j] = 0;
	if (!j)
		snprintf(out, n, "dev");
}

/* The devices met so far, in order of appearance, and a hash table over them
 * (a trace may name thousands of volumes: Tencent CBS has 5,584) */
struct seen {
	char (*devs)[48];
	size_t n, cap;
	uint32_t *slot;		/* index + 1 into devs, 0 empty; 2 * cap slots */
};

static uint32_t dev_hash(const char *d)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	for (; *d; d++)
		h = (h ^ (unsigned char)*d) * 16777619u;
	return h;
}

/* 1 when @dev was not seen before (and is now) */
static int seen_first(struct seen *s, const char *dev)
{
	if (s->cap) {
		for (uint32_t i = dev_hash(dev) & (uint32_t)(2 * s->cap - 1); s->slot[i];
		     i = (i + 1) & (uint32_t)(2 * s->cap - 1))
			if (!strcmp(s->devs[s->slot[i] - 1], dev))
				return 0;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->devs = realloc(s->devs, s->cap * sizeof(*s->devs));
		free(s->slot);
		s->slot = calloc(2 * s->cap, sizeof(*s->slot));
		if (!s->devs || !s->slot)
			abort();
		for (size_t k = 0; k < s->n; k++) {
			uint32_t i = dev_hash(s->devs[k]) & (uint32_t)(2 * s->cap - 1);
			while (s->slot[i])
				i = (i + 1) & (uint32_t)(2 * s->cap - 1);
			s->slot[i] = (uint32_t)k + 1;
		}
	}
	snprintf(s->devs[s->n], 48, "%s", dev);
	uint32_t i = dev_hash(dev) & (uint32_t)(2 * s->cap - 1);
	while (s->slot[i])
		i = (i + 1) & (uint32_t)(2 * s->cap - 1);
	s->slot[i] = (uint32_t)++s->n;
	return 1;
}

static void op_text(const struct trace_rec *rec, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", trace_op_name(rec->op),
		 rec->op == TRACE_OP_WRITE && (rec->flags & TRACE_F_PREFLUSH) ? ",preflush" : "",
		 rec->op == TRACE_OP_WRITE && (rec->flags & TRACE_F_FUA) ? ",fua" : "");
}

enum { TO_DUMP, TO_FIO, TO_ZWSIM };

static void emit(FILE *out, int to, const struct trace_rec *rec, int64_t t, struct seen *seen,
		 uint64_t *discards)
{
	char f[64], op[32];
	if (to == TO_DUMP) {
		if (rec->op == TRACE_OP_FS) {
			fprintf(out, "%" PRId64 " fs %s\n", t, rec->fs_line);
			return;
		}
		op_text(rec, op, sizeof(op));
		fprintf(out, "%" PRId64 " %s %" PRIu64 " %" PRIu64 " %s\n", t, op, rec->offset, rec->len,
			rec->dev);
		return;
	}
	if (to == TO_FIO) {
		int64_t us = t < 0 ? 0 : t / 1000;	/* fio: an earlier time is no delay */
		if (rec->op == TRACE_OP_FS)
			return;
		if (seen_first(seen, rec->dev))
			fprintf(out, "%" PRId64 " %s add\n%" PRId64 " %s open\n", us, rec->dev, us, rec->dev);
		static const char *const act[] = { [TRACE_OP_WRITE] = "write", [TRACE_OP_READ] = "read",
						   [TRACE_OP_DISCARD] = "trim", [TRACE_OP_FLUSH] = "sync" };
		fprintf(out, "%" PRId64 " %s %s %" PRIu64 " %" PRIu64 "\n", us, rec->dev, act[rec->op],
			rec->offset, rec->len);
		return;
	}
	/* zwsim fs script, led by seconds; a request before the first one at 0, as fio has it */
	char ts[40];
	if (t < 0)
		t = 0;
	snprintf(ts, sizeof(ts), "%" PRId64 ".%09" PRId64, t / 1000000000, t % 1000000000);
	if (rec->op == TRACE_OP_FS) {
		fprintf(out, "%s %s\n", ts, rec->fs_line);
		return;
	}
	dev_file(rec->dev, f, sizeof(f));
	switch (rec->op) {
	case TRACE_OP_WRITE:
		if (rec->flags & TRACE_F_PREFLUSH)	/* the cache flushed before the data */
			fprintf(out, "%s fsync %s\n", ts, f);
		fprintf(out, "%s dwrite %s %" PRIu64 " %" PRIu64 "\n", ts, f, rec->offset, rec->len);
		if (rec->flags & TRACE_F_FUA)
			fprintf(out, "%s fsync %s\n", ts, f);
		break;
	case TRACE_OP_READ:
		fprintf(out, "%s read %s %" PRIu64 " %" PRIu64 "\n", ts, f, rec->offset, rec->len);
		break;
	case TRACE_OP_FLUSH:
		fprintf(out, "%s fsync %s\n", ts, f);
		break;
	default:
		fprintf(out, "# %s discard %s %" PRIu64 " %" PRIu64 "\n", ts, f, rec->offset, rec->len);
		(*discards)++;
		break;
	}
}

int cmd_trace(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "format", required_argument, 0, 'f' }, { "action", required_argument, 0, 'a' },
		{ "skip-bad", no_argument, 0, 's' },	 { "to", required_argument, 0, 't' },
		{ "block-size", required_argument, 0, 'b' }, { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct trace_opts o = { .action = 'Q' };
	const char *format = NULL, *to_name = NULL, *out_path = NULL;
	int c, to;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		trace_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "dump") && strcmp(sub, "convert")) {
		fprintf(stderr, "zwsim trace: unknown subcommand '%s' (dump, convert)\n", sub);
		return EXIT_USAGE;
	}
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'a':
			if (strlen(optarg) != 1 || !strchr("QDC", optarg[0])) {
				fprintf(stderr, "zwsim trace: --action %s: Q, D or C\n", optarg);
				return EXIT_USAGE;
			}
			o.action = optarg[0];
			break;
		case 's': o.skip_bad = true; break;
		case 't': to_name = optarg; break;
		case 'o': out_path = optarg; break;
		case 'b': {
			char *e;
			unsigned long v = strtoul(optarg, &e, 10);
			if (*e || !v || v > (1u << 20)) {
				fprintf(stderr, "zwsim trace: --block-size %s: bytes, 1 to 1048576\n", optarg);
				return EXIT_USAGE;
			}
			o.block_size = (unsigned)v;
			break;
		}
		case 'h': trace_usage(stdout); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "zwsim trace %s: no TRACE given ('zwsim trace --help')\n", sub);
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "dump")) {
		if (to_name || out_path) {
			fprintf(stderr, "zwsim trace dump: --to and -o are for convert\n");
			return EXIT_USAGE;
		}
		to = TO_DUMP;
	} else if (!to_name) {
		fprintf(stderr, "zwsim trace convert: --to fio-iolog|zwsim is needed\n");
		return EXIT_USAGE;
	} else if (!strcmp(to_name, "fio-iolog")) {
		to = TO_FIO;
	} else if (!strcmp(to_name, "zwsim")) {
		to = TO_ZWSIM;
	} else {
		fprintf(stderr, "zwsim trace convert: --to %s: fio-iolog or zwsim\n", to_name);
		return EXIT_USAGE;
	}

	struct trace_err err;
	struct trace_reader *r = trace_open((const char *const *)argv + optind, (size_t)(argc - optind),
					    format, &o, &err);
	if (!r) {
		fprintf(stderr, "zwsim trace: %s\n", err.msg);
		return EXIT_USAGE;
	}
	if (to == TO_FIO && !strcmp(trace_format_name(r), "fs")) {
		fprintf(stderr, "zwsim trace convert: a file-level (fs) trace has no block requests for a fio iolog\n");
		trace_close(r);
		return EXIT_USAGE;
	}
	FILE *out = stdout;
	if (out_path && strcmp(out_path, "-") && !(out = fopen(out_path, "w"))) {
		perror(out_path);
		trace_close(r);
		return EXIT_USAGE;
	}
	static char obuf[1 << 16];
	setvbuf(out, obuf, _IOFBF, sizeof(obuf));
	if (to == TO_FIO)
		fprintf(out, "fio version 3 iolog\n");
	else if (to == TO_ZWSIM)
		fprintf(out, "# zwsim fs script from %s (%s), led by seconds from the first request\n",
			argv[optind], trace_format_name(r));

	struct trace_rec rec;
	struct seen seen = { 0 };
	uint64_t n = 0, discards = 0;
	int64_t t0 = 0, last_us = 0;
	int rc;
	while ((rc = trace_next(r, &rec, &err)) == 1) {
		if (!n++)
			t0 = rec.time_ns;
		int64_t t = (int64_t)((uint64_t)rec.time_ns - (uint64_t)t0);
		emit(out, to, &rec, t, &seen, &discards);
		if (t / 1000 > last_us)
			last_us = t / 1000;
	}
	if (to == TO_FIO)
		for (size_t i = 0; i < seen.n; i++)
			fprintf(out, "%" PRId64 " %s close\n", last_us, seen.devs[i]);
	free(seen.devs);
	free(seen.slot);
	int ret = EXIT_OK;
	if (fflush(out) || (out != stdout && fclose(out))) {
		perror(out_path ? out_path : "stdout");
		ret = EXIT_OPFAIL;
	}
	if (rc < 0) {
		fprintf(stderr, "zwsim trace: %s\n", err.msg);
		ret = EXIT_USAGE;
	} else {
		if (trace_skipped(r))
			fprintf(stderr, "zwsim trace: %" PRIu64 " malformed records skipped (--skip-bad)\n",
				trace_skipped(r));
		if (discards)
			fprintf(stderr, "zwsim trace: %" PRIu64 " discards kept as comments (no file equivalent)\n",
				discards);
		char zops[256];
		if (trace_zone_ops_str(r, zops, sizeof(zops)))
			fprintf(stderr, "zwsim trace: zone operations read but not requests (zwsim replays none): %s\n",
				zops);
		char hint[256];
		if (trace_action_hint(r, n, hint, sizeof(hint)))
			fprintf(stderr, "zwsim trace: %s\n", hint);
	}
	trace_close(r);
	return ret;
}
