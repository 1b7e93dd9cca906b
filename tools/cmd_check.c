// SPDX-License-Identifier: MIT
/*
 * zwsim check TRACE...: the zone ordering checker (tools/check/,
 * docs/check.md) on zwsim's event log, blkparse text, tracefs block lines
 * or the NVMe driver's tracepoints.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "check/read.h"
#include "cmds.h"
#include "dev.h"
#include "stack.h"

static void check_usage(FILE *f)
{
	fprintf(f,
		"usage: zwsim check [OPTIONS] TRACE...\n"
		"\n"
		"Check that the writes and zone appends of a run landed where they should:\n"
		"every write issued at its zone's write pointer, every completed append at\n"
		"the write pointer when it was processed (a zone's appends contiguous, never\n"
		"overlapping), nothing across a zone's capacity, open and active zones\n"
		"within the limits, no reset or finish racing writes of its zone.  Each\n"
		"violation is printed with the rule, the kernel function that enforces it,\n"
		"the zone before and after, and the events around it.\n"
		"\n"
		"TRACE is zwsim's event log (--log of zwsim zone/fs/writeback), blkparse's\n"
		"text output (Q, D and C lines), tracefs lines (block_rq_issue,\n"
		"block_rq_complete, block_bio_queue; trace_pipe or the trace file) or the\n"
		"NVMe driver's tracefs lines (nvme_setup_cmd, nvme_complete_rq: they see\n"
		"passthrough commands too, io_uring_cmd on /dev/ngXnY); '-' is standard\n"
		"input.  Each TRACE is checked on its own.\n"
		"\n"
		"Options:\n"
		"  --format auto|zwsim|blkparse|tracefs|nvme   the input format (auto: guessed)\n"
		"  -d, --dev SPEC     the device's geometry from a device spec (emu:zones=...,\n"
		"                     see zwsim zone --help); zwsim's log carries its own\n"
		"  --zones FILE       the geometry from a saved zone report (blkzone report DEV)\n"
		"  --max-open N, --max-active N   the device's limits (with --zones)\n"
		"  --lba-size BYTES   the logical block size (an nvme trace counts in LBAs:\n"
		"                     /sys/block/DEV/queue/logical_block_size)\n"
		"  --device DEV       the device of a block trace (MAJ,MIN) or of an nvme trace\n"
		"                     (its disk, nvme0n1); default: the first seen\n"
		"  --json             one JSON object: every violation with its context\n"
		"  -q, --quiet        only the summary\n"
		"\n"
		"Exit status: 0 no violation, 1 a violation, 2 bad usage or input.\n"
		"\n"
		"Examples:\n"
		"  zwsim zone run --dev emu:zones=8,zone_size=4M --log run.jsonl script.zs\n"
		"  zwsim check run.jsonl\n"
		"  blkparse -i nullb0 > trace.txt; zwsim check --zones report.txt trace.txt\n"
		"  zwsim check --dev emu:zones=64,zone_size=256M,max_open=14 --format tracefs trace_pipe.txt\n"
		"  zwsim check --zones report.txt --max-open 8 --max-active 10 --lba-size 4096 nvme-trace.txt\n");
}

struct check_args {
	enum chk_format fmt;
	struct chk_geo_buf geo;		/* from --dev or --zones */
	bool have_geo, json, quiet;
	long max_open, max_active, lba_size;
	const char *device;
};

static int parse_uint(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 0);
	return errno || end == s || *end || *v < 0 || *v > 1000000 ? -1 : 0;
}

static int geo_from_spec(const char *spec, struct chk_geo_buf *b)
{
	char err[512], keys[1024];
	struct zone_geometry g;
	struct blk_opts bo;

	if (zw_spec_blk_opts(spec, &bo, keys, sizeof(keys), err, sizeof(err)) ||
	    zw_spec_geometry(keys, &g, err, sizeof(err))) {
		fprintf(stderr, "zwsim check: --dev %s: %s\n", spec, err);
		return -1;
	}
	memset(b, 0, sizeof(*b));
	b->g.capacity = g.capacity;
	b->g.zone_size = g.zone_size;
	b->g.zone_cap = g.zone_capacity;
	b->g.nr_zones = (unsigned int)((g.capacity + g.zone_size - 1) / g.zone_size);
	b->g.nr_conv = g.nr_conv;
	b->g.max_open = g.max_open;
	b->g.max_active = g.max_active;
	b->g.lba = g.lba_size;
	b->have = 1;
	return 0;
}

/* Check one trace; the exit status it asks for, its figures in @out (JSON) or on stdout. */
static int check_one(const char *path, struct check_args *a, json_object *out)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	enum chk_format fmt = a->fmt;
	struct chk_geo_buf logeo = { 0 };
	struct chk *c = NULL;
	struct chk_nvme *nvme = NULL;
	char *line = NULL, err[256], dev[48] = "";
	size_t cap = 0;
	ssize_t len;
	uint64_t lineno = 0;
	int ret = EXIT_OK;

	if (!f) {
		fprintf(stderr, "zwsim check: %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	if (a->device)
		snprintf(dev, sizeof(dev), "%s", a->device);
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct chk_event ev;
		int r;

		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!len)
			continue;
		if (fmt == CHK_FMT_AUTO) {
			fmt = chk_format_probe(line);
			if (fmt == CHK_FMT_AUTO && *line == '#')
				continue;	/* tracefs's header */
			if (fmt == CHK_FMT_AUTO) {
				fprintf(stderr, "zwsim check: %s:%" PRIu64 ": not zwsim's event log, blkparse, tracefs or nvme (say --format)\n",
					path, lineno);
				ret = EXIT_USAGE;
				break;
			}
		}
		if (fmt == CHK_FMT_ZWSIM)
			r = chk_parse_zwsim(line, &ev, a->have_geo ? NULL : &logeo, err, sizeof(err));
		else if (fmt == CHK_FMT_BLKPARSE)
			r = chk_parse_blkparse(line, &ev, dev, sizeof(dev), err, sizeof(err));
		else if (fmt == CHK_FMT_TRACEFS)
			r = chk_parse_tracefs(line, &ev, dev, sizeof(dev), err, sizeof(err));
		else {
			if (!nvme) {
				long lba = a->lba_size >= 0 ? a->lba_size : a->have_geo ? (long)a->geo.g.lba : 0;

				nvme = chk_nvme_new((unsigned int)lba);
				if (!nvme) {
					fprintf(stderr, "zwsim check: %s: an nvme trace counts in logical blocks: say --lba-size BYTES (/sys/block/DEV/queue/logical_block_size)%s\n",
						path, lba ? ", a power of two from 512 to 65536" : "");
					ret = EXIT_USAGE;
					break;
				}
			}
			r = chk_parse_nvme(nvme, line, &ev, dev, sizeof(dev), err, sizeof(err));
		}
		if (r < 0) {
			fprintf(stderr, "zwsim check: %s:%" PRIu64 ": %s\n", path, lineno, err);
			ret = EXIT_USAGE;
			break;
		}
		if (!c && (a->have_geo || logeo.have)) {
			struct chk_geometry g = a->have_geo ? a->geo.g : logeo.g;

			if (a->max_open >= 0)
				g.max_open = (unsigned int)a->max_open;
			if (a->max_active >= 0)
				g.max_active = (unsigned int)a->max_active;
			if (a->lba_size >= 0)
				g.lba = (unsigned int)a->lba_size;
			c = chk_new(&g);
			if (!c) {
				fprintf(stderr, "zwsim check: %s: the geometry is not usable\n", path);
				ret = EXIT_USAGE;
				break;
			}
		}
		if (r == 0)
			continue;
		if (!c) {
			fprintf(stderr, "zwsim check: %s:%" PRIu64 ": no geometry for this %s trace: say --dev SPEC or --zones REPORT%s\n",
				path, lineno, chk_format_name(fmt),
				fmt == CHK_FMT_ZWSIM ? " (or log with a zwsim that writes the \"device\" event)" : "");
			ret = EXIT_USAGE;
			break;
		}
		ev.line = lineno;
		chk_feed(c, &ev);
	}
	free(line);
	chk_nvme_free(nvme);
	if (f != stdin)
		fclose(f);
	if (ret == EXIT_OK && !c) {
		fprintf(stderr, "zwsim check: %s: no events%s\n", path,
			a->have_geo || logeo.have ? "" : " and no geometry");
		ret = EXIT_USAGE;
	}
	if (ret == EXIT_OK) {
		chk_finish(c);
		if (out) {
			json_object *t = json_object_new_object(), *vs = json_object_new_array();

			json_object_object_add(t, "trace", json_object_new_string(path));
			json_object_object_add(t, "format", json_object_new_string(chk_format_name(fmt)));
			if (*dev)
				json_object_object_add(t, "device", json_object_new_string(dev));
			json_object_object_add(t, "events", json_object_new_uint64(chk_nr_events(c)));
			json_object_object_add(t, "violations", json_object_new_uint64(chk_nr_violations(c)));
			for (size_t i = 0; i < chk_nr_kept(c); i++)
				json_object_array_add(vs, chk_violation_json(chk_violation(c, i)));
			json_object_object_add(t, "list", vs);
			if (chk_nr_files(c)) {
				json_object *fs = json_object_new_array();

				for (size_t i = 0; i < chk_nr_files(c); i++) {
					struct chk_file cf = chk_file(c, i);
					json_object *e = json_object_new_object();

					json_object_object_add(e, "ino", json_object_new_uint64(cf.ino));
					json_object_object_add(e, "bytes", json_object_new_uint64(cf.bytes));
					json_object_object_add(e, "extents", json_object_new_uint64(cf.extents));
					json_object_object_add(e, "ideal", json_object_new_uint64(cf.ideal));
					json_object_array_add(fs, e);
				}
				json_object_object_add(t, "files", fs);
			}
			json_object_array_add(out, t);
		} else {
			for (size_t i = 0; !a->quiet && i < chk_nr_kept(c); i++) {
				printf("%s:", path);
				chk_print_violation(stdout, chk_violation(c, i));
			}
			for (size_t i = 0; !a->quiet && i < chk_nr_files(c); i++) {
				struct chk_file cf = chk_file(c, i);

				printf("%s: file %" PRIu64 ": %u extent%s for %" PRIu64 " bytes (fewest possible: %u)%s\n",
				       path, cf.ino, cf.extents, cf.extents == 1 ? "" : "s", cf.bytes, cf.ideal,
				       cf.extents > cf.ideal ? ": fragmented" : "");
			}
			if (chk_nr_kept(c) < chk_nr_violations(c) && !a->quiet)
				printf("%s: (only the first %zu violations are shown)\n", path, chk_nr_kept(c));
			printf("%s: %s, %" PRIu64 " events, %zu violation%s\n", path, chk_format_name(fmt),
			       chk_nr_events(c), chk_nr_violations(c), chk_nr_violations(c) == 1 ? "" : "s");
		}
		if (chk_nr_violations(c))
			ret = EXIT_OPFAIL;
	}
	chk_free(c);
	chk_geo_buf_free(&logeo);
	return ret;
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'F' },
		{ "dev", required_argument, NULL, 'd' },
		{ "zones", required_argument, NULL, 'z' },
		{ "max-open", required_argument, NULL, 'o' },
		{ "max-active", required_argument, NULL, 'a' },
		{ "lba-size", required_argument, NULL, 'L' },
		{ "device", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct check_args a = { .max_open = -1, .max_active = -1, .lba_size = -1 };
	json_object *out = NULL, *traces = NULL;
	int c, ret = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			if (chk_format_parse(optarg, &a.fmt)) {
				fprintf(stderr, "zwsim check: --format %s: accepted: auto, zwsim, blkparse, tracefs, nvme\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'd':
			chk_geo_buf_free(&a.geo);
			if (geo_from_spec(optarg, &a.geo))
				return EXIT_USAGE;
			a.have_geo = true;
			break;
		case 'z': {
			FILE *f = fopen(optarg, "r");
			char err[256];

			if (!f) {
				fprintf(stderr, "zwsim check: --zones %s: %s\n", optarg, strerror(errno));
				return EXIT_USAGE;
			}
			chk_geo_buf_free(&a.geo);
			if (chk_geo_from_report(f, &a.geo, err, sizeof(err))) {
				fprintf(stderr, "zwsim check: --zones %s:%s\n", optarg, err);
				fclose(f);
				chk_geo_buf_free(&a.geo);
				return EXIT_USAGE;
			}
			fclose(f);
			a.have_geo = true;
			break;
		}
		case 'o':
		case 'a':
			if (parse_uint(optarg, c == 'o' ? &a.max_open : &a.max_active)) {
				fprintf(stderr, "zwsim check: --%s %s: not a count\n", c == 'o' ? "max-open" : "max-active", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'L':
			if (parse_uint(optarg, &a.lba_size) || a.lba_size < 512 || a.lba_size > 65536 ||
			    (a.lba_size & (a.lba_size - 1))) {
				fprintf(stderr, "zwsim check: --lba-size %s: a power of two from 512 to 65536\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'D': a.device = optarg; break;
		case 'j': a.json = true; break;
		case 'q': a.quiet = true; break;
		case 'h':
			check_usage(stdout);
			return EXIT_OK;
		default:
			check_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "zwsim check: needs a TRACE (see zwsim check --help)\n");
		chk_geo_buf_free(&a.geo);
		return EXIT_USAGE;
	}
	if (a.json) {
		out = json_object_new_object();
		traces = json_object_new_array();
	}
	for (int i = optind; i < argc; i++) {
		int r = check_one(argv[i], &a, traces);

		if (r > ret)
			ret = r;
	}
	if (out) {
		uint64_t total = 0;

		for (size_t i = 0; i < json_object_array_length(traces); i++) {
			json_object *v;

			json_object_object_get_ex(json_object_array_get_idx(traces, i), "violations", &v);
			total += json_object_get_uint64(v);
		}
		json_object_object_add(out, "traces", traces);
		json_object_object_add(out, "violations", json_object_new_uint64(total));
		json_object_object_add(out, "exit", json_object_new_int(ret));
		puts(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(out);
	}
	chk_geo_buf_free(&a.geo);
	return ret;
}
