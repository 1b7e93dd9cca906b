// SPDX-License-Identifier: MIT
/*
 * zwsim replay: a trace (blkparse, blktrace, fio iolog, SNIA CSV, zwsim's
 * fs format) through a file system model or straight onto the device,
 * and what it did there (tools/replay/, docs/replay.md).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "check/check.h"
#include "page_alloc.h"
#include "progress.h"
#include "report/report.h"
#include "replay/replay.h"
#include "trace_ahead.h"

static void replay_usage(FILE *f)
{
	fprintf(f,
		"usage: zwsim replay --dev SPEC --fs xfs-zoned|zonefs|xfs|raw [OPTIONS] TRACE...\n"
		"\n"
		"Replay a write trace on a zoned (or regular) device: through a file system\n"
		"model (zoned XFS, zonefs, regular XFS: page cache, iomap writeback, GC) or\n"
		"straight to the device through the block layer (raw), and report where the\n"
		"data went, what the device wrote, zones, latencies and errors.\n"
		"\n"
		"TRACE is one file, '-' (standard input), or the per-CPU files of one\n"
		"blktrace capture; compressed (.gz .zst .xz .bz2) or not; its format is\n"
		"found from its content.  Formats:\n");
	for (size_t i = 0; i < trace_nformats; i++)
		fprintf(f, "  %-10s %s\n", trace_formats[i]->name, trace_formats[i]->summary);
	fprintf(f,
		"\n"
		"Where records go:\n"
		"  block records on a file system: one file per traced device or volume\n"
		"  (named after it: '8,16' is file 8_16), the record's offset the file\n"
		"  offset; zonefs: the volume in zone-sized pieces, seq/0, seq/1, ...; a\n"
		"  discard is not replayed (the models punch no holes); a flush is sync(2),\n"
		"  FUA an fsync after the write, a preflush a sync before it.\n"
		"  raw: each record is O_DIRECT I/O on the device (bios of at most 1 MiB):\n"
		"  writes off a sequential zone's write pointer fail as the device fails them.\n"
		"  fs-format records (zwsim fs script lines) run on the file system as\n"
		"  `zwsim fs` runs them.\n"
		"\n"
		"Options:\n"
		"  --dev SPEC       the device (zwsim zone --help); a real one only with --force\n"
		"  --fs NAME        xfs-zoned, zonefs, xfs (regular XFS: a conventional device) or raw\n"
		"  --format NAME    the trace's format, when not to be detected\n"
		"  --action Q|D|C   blktrace/blkparse: the event that is the request (default Q)\n"
		"  --skip-bad       count malformed records and go on (default: the first is an error)\n"
		"  --mount OPTS     mount options (zwsim fs --help)\n"
		"  --direct         block records as O_DIRECT writes (default: buffered; zonefs: direct)\n"
		"  --split SIZE     a volume as files of SIZE bytes: VOLUME.0, VOLUME.1, ...\n"
		"  --volume NAME    replay only this device's or volume's records ('8,16')\n"
		"  --remap KEYS     fit the trace's offsets onto the target: base=OFF (subtracted;\n"
		"                   records below it are skipped), div=N (offsets divided by N,\n"
		"                   rounded down to a block), wrap=SIZE|dev (offsets modulo SIZE or\n"
		"                   the device's size), in that order; e.g. --remap base=1G,wrap=dev\n"
		"  --speed N        issue each record at its trace time divided by N\n"
		"  --strict         issue each record at its trace time (--speed 1), and report how\n"
		"                   far behind it the replay fell (default: as fast as possible)\n"
		"  --qd N           raw: records in flight at most (default 1; file systems: 1)\n"
		"  --json           the report as JSON on stdout (docs/replay.md lists its keys)\n"
		"  --csv DIR        DIR/zones.csv, DIR/over_time.csv, DIR/latency.csv\n"
		"  --log FILE       the full event log (docs/event-log.md), '-' for stdout\n"
		"  --check          check the replay's event log as it is written (zwsim check's\n"
		"                   rules, docs/check.md): violations on stderr, exit 1 when any\n"
		"  --html FILE      the self-contained HTML report of this replay (zwsim report,\n"
		"                   docs/report.md), from its result and its event log (--log's\n"
		"                   file, or a temporary one removed afterwards; not with --log -)\n"
		"  --verify         at the end read back every file (file systems: as zwsim fs\n"
		"                   --verify) or every written block (raw) and check it; exit 1\n"
		"                   on the first mismatch\n"
		"  --inject N:FAULT after record N, inject FAULT into the emulated device\n"
		"                   (ro=Z, offline=Z, err=SECTOR:NR[:once][:read|:write],\n"
		"                   fail_write=N, corrupt=SECTOR)\n"
		"  --no-sync        no sync at the end (file systems)\n"
		"  --order fifo|latency|shuffle, --seed N   completion order (default latency:\n"
		"                   the device's latency model gives the simulated time)\n"
		"  --force          a real device (zbd:, nvme:) may be written (never when\n"
		"                   mounted or holding a file system signature)\n"
		"  --progress       the progress line on stderr even when it is no terminal\n"
		"  --hugepages      data=bytes: the page cache's and the emulated device's memory\n"
		"                   in transparent huge pages; faster first passes on some\n"
		"                   machines, slower on others (docs/performance.md)\n"
		"\n"
		"Time is simulated on emulated devices (the latency model), measured on\n"
		"real ones.  Exit status: 0 replayed (failed records are results), 1 --verify\n"
		"found a mismatch or --check a violation, 2 bad usage or a malformed trace\n"
		"(no report then).\n"
		"\n"
		"Examples:\n"
		"  zwsim replay --dev emu:zones=64,zone_size=64M,data=tags --fs xfs-zoned trace.blkparse\n"
		"  zwsim replay --dev emu:zones=16,zone_size=1M,conv=2 --fs raw --qd 1 --json job.iolog\n"
		"  zcat msr.csv.gz | zwsim replay --dev emu:zones=256,zone_size=256M,data=tags \\\n"
		"        --fs xfs-zoned --format msr --remap wrap=dev --strict -\n"
		"  zwsim replay --dev emu:zones=16,zone_size=1M,zone_wplug=0 --fs raw --qd 8 \\\n"
		"        --check job.iolog\n"
		"  zwsim replay --dev emu:zones=64,zone_size=64M --fs xfs-zoned --html run.html trace.blkparse\n");
}

/*
 * For the progress line's ETA: the size of the trace's files when all are
 * regular files (compressed or not: what is read of them is what counts),
 * and how much this process has read so far (/proc/self/io's rchar; the
 * little else it reads is noise).  0 when not known (a pipe).
 */
static uint64_t input_bytes(const char *const *paths, size_t n)
{
	uint64_t total = 0;
	struct stat st;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(paths[i], "-") || stat(paths[i], &st) || !S_ISREG(st.st_mode))
			return 0;
		total += (uint64_t)st.st_size;
	}
	return total;
}

static uint64_t bytes_read(void)
{
	unsigned long long v = 0;
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "rchar: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

static int parse_num(const char *s, uint64_t *v)
{
	return zw_spec_size(s, v);
}

/* --remap base=OFF,div=N,wrap=SIZE|dev */
static int parse_remap(const char *arg, struct replay_remap *m)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');

		if (!eq)
			return -1;
		*eq++ = '\0';
		if (!strcmp(kv, "base")) {
			if (parse_num(eq, &m->base))
				return -1;
		} else if (!strcmp(kv, "div")) {
			if (parse_num(eq, &m->div) || !m->div)
				return -1;
		} else if (!strcmp(kv, "wrap")) {
			if (!strcmp(eq, "dev"))
				m->wrap = UINT64_MAX;
			else if (parse_num(eq, &m->wrap) || !m->wrap)
				return -1;
		} else {
			return -1;
		}
	}
	return 0;
}

/* --html FILE: zwsim report's page of this run (its result and complete event log) */
static void html_write(FILE *f, const char *path, json_object *report, const char *logpath, int *ret)
{
	char err[512];

	if (zw_report_html(f, report, logpath, err, sizeof(err))) {
		fprintf(stderr, "zwsim replay: --html %s: %s\n", path, err);
		fclose(f);
		remove(path);
		*ret = EXIT_OPFAIL;
		return;
	}
	if (fclose(f)) {
		fprintf(stderr, "zwsim replay: --html %s: %s\n", path, strerror(errno));
		*ret = EXIT_OPFAIL;
	}
}

int cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "fs", required_argument, NULL, 'F' },
		{ "format", required_argument, NULL, 'T' },
		{ "action", required_argument, NULL, 'a' },
		{ "skip-bad", no_argument, NULL, 'B' },
		{ "mount", required_argument, NULL, 'M' },
		{ "direct", no_argument, NULL, 'D' },
		{ "split", required_argument, NULL, 'S' },
		{ "volume", required_argument, NULL, 'v' },
		{ "remap", required_argument, NULL, 'R' },
		{ "speed", required_argument, NULL, 'x' },
		{ "strict", no_argument, NULL, 't' },
		{ "qd", required_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, 'l' },
		{ "check", no_argument, NULL, 'K' },
		{ "html", required_argument, NULL, 'H' },
		{ "verify", no_argument, NULL, 'V' },
		{ "inject", required_argument, NULL, 'i' },
		{ "no-sync", no_argument, NULL, 'N' },
		{ "order", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ "progress", no_argument, NULL, 'P' },
		{ "hugepages", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct replay_opts o = { .cmd = "replay", .qd = 1 };
	struct trace_opts topts = { .action = 'Q' };
	enum sim_completion_policy order = SIM_COMPLETE_LATENCY;
	const char *spec = NULL, *format = NULL, *csv = NULL, *logpath = NULL, *html = NULL;
	char tmplog[64] = "";		/* --html without --log: the log's temporary file, */
	int tmpfd = -1;			/* unlinked at once and reached as /dev/fd/N */
	struct chk_log *checker = NULL;
	FILE *htmlf = NULL;
	json_object *report = NULL;
	bool json = false, force = false, progress_on = false, check = false;
	struct trace_reader *tr;
	struct trace_ahead *ahead = NULL;
	struct trace_err terr;
	struct trace_rec rec;
	struct progress prog;
	struct replay *rp;
	uint64_t seed = 0, v;
	char err[512];
	int c, ret, got;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': spec = optarg; break;
		case 'F': o.fsname = optarg; break;
		case 'T': format = optarg; break;
		case 'a':
			if (strlen(optarg) != 1 || !strchr("QDC", optarg[0])) {
				fprintf(stderr, "zwsim replay: --action %s: accepted values are Q, D, C\n", optarg);
				return EXIT_USAGE;
			}
			topts.action = optarg[0];
			break;
		case 'B': o.skip_bad = topts.skip_bad = true; break;
		case 'M': o.mount = optarg; break;
		case 'D': o.direct = true; break;
		case 'S':
			if (parse_num(optarg, &o.split) || !o.split || o.split % 4096) {
				fprintf(stderr, "zwsim replay: --split %s: a size in bytes, a multiple of 4 KiB\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'v': o.volume = optarg; break;
		case 'R':
			if (parse_remap(optarg, &o.remap)) {
				fprintf(stderr, "zwsim replay: --remap %s: expected base=OFF, div=N, wrap=SIZE|dev, "
					"separated by commas\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'x': {
			char *end;

			o.speed = strtod(optarg, &end);
			if (*end || !(o.speed > 0) || o.speed > 1e9) {
				fprintf(stderr, "zwsim replay: --speed %s: a number above 0 (2: twice as fast)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case 't': o.strict = true; break;
		case 'q':
			if (parse_num(optarg, &v) || !v || v > 4096) {
				fprintf(stderr, "zwsim replay: --qd %s: a number from 1 to 4096\n", optarg);
				return EXIT_USAGE;
			}
			o.qd = (unsigned int)v;
			break;
		case 'j': json = true; break;
		case 'c': csv = optarg; break;
		case 'l': logpath = optarg; break;
		case 'K': check = true; break;
		case 'H': html = optarg; break;
		case 'V': o.verify = true; break;
		case 'i': {
			char *colon = strchr(optarg, ':');

			if (!colon || colon == optarg || !colon[1]) {
				fprintf(stderr, "zwsim replay: --inject %s: expected N:FAULT (after record N)\n", optarg);
				return EXIT_USAGE;
			}
			*colon = '\0';
			if (parse_num(optarg, &o.inject_at)) {
				fprintf(stderr, "zwsim replay: --inject %s: N is not a number\n", optarg);
				return EXIT_USAGE;
			}
			o.inject = colon + 1;
			break;
		}
		case 'N': o.no_sync = true; break;
		case 'o':
			if (sim_policy_parse(optarg, &order)) {
				fprintf(stderr, "zwsim replay: --order %s: accepted values are fifo, latency, shuffle\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 's':
			if (parse_num(optarg, &seed)) {
				fprintf(stderr, "zwsim replay: --seed %s: not a number\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'f': force = true; break;
		case 'P': progress_on = true; break;
		case 'U': page_alloc_set_huge(true); break;
		case 'h':
			replay_usage(stdout);
			return EXIT_OK;
		default:
			replay_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!spec || !o.fsname || optind >= argc) {
		fprintf(stderr, "zwsim replay: needs --dev SPEC, --fs NAME and a TRACE (see zwsim replay --help)\n");
		return EXIT_USAGE;
	}
	if (strcmp(o.fsname, "raw") && !fs_type_find(o.fsname)) {
		fprintf(stderr, "zwsim replay: --fs %s: accepted: xfs-zoned, zonefs, xfs, raw\n", o.fsname);
		return EXIT_USAGE;
	}
	if (o.qd > 1 && strcmp(o.fsname, "raw")) {
		fprintf(stderr, "zwsim replay: --qd %u: a file system's calls are made one at a time; "
			"--qd is for --fs raw\n", o.qd);
		return EXIT_USAGE;
	}
	if (csv && json && !strcmp(csv, "-")) {
		fprintf(stderr, "zwsim replay: --csv needs a directory\n");
		return EXIT_USAGE;
	}
	if (html && logpath && !strcmp(logpath, "-")) {
		fprintf(stderr, "zwsim replay: --html reads the event log back: give --log a file, not '-'\n");
		return EXIT_USAGE;
	}
	if (format) {
		size_t i;

		for (i = 0; i < trace_nformats && strcmp(format, trace_formats[i]->name); i++)
			;
		if (i == trace_nformats) {
			fprintf(stderr, "zwsim replay: --format %s: accepted:", format);
			for (i = 0; i < trace_nformats; i++)
				fprintf(stderr, " %s", trace_formats[i]->name);
			fprintf(stderr, "\n");
			return EXIT_USAGE;
		}
	}
	tr = trace_open((const char *const *)&argv[optind], (size_t)(argc - optind), format, &topts, &terr);
	if (!tr) {
		fprintf(stderr, "zwsim replay: %s\n", terr.msg);
		return EXIT_USAGE;
	}
	if (html && !(htmlf = fopen(html, "w"))) {
		fprintf(stderr, "zwsim replay: --html %s: %s\n", html, strerror(errno));
		trace_close(tr);
		return EXIT_USAGE;
	}
	if (html && !logpath) {
		/*
		 * The report reads the log back: a temporary file, removed at
		 * once (nothing is left behind, whatever happens) and named by
		 * its descriptor, so the page names no random path.
		 */
		const char *dir = getenv("TMPDIR");
		char tmpl[4096];

		snprintf(tmpl, sizeof(tmpl), "%s/zwsim-replay-XXXXXX", dir && *dir ? dir : "/tmp");
		tmpfd = mkstemp(tmpl);
		if (tmpfd < 0) {
			fprintf(stderr, "zwsim replay: --html: a temporary event log in %s: %s\n",
				dir && *dir ? dir : "/tmp", strerror(errno));
			ret = EXIT_OPFAIL;
			rp = NULL;
			goto out_trace;
		}
		unlink(tmpl);
		snprintf(tmplog, sizeof(tmplog), "/dev/fd/%d", tmpfd);
		logpath = tmplog;
	}
	rp = malloc(sizeof(*rp));
	if (check)
		checker = chk_log_new();
	if (!rp || (check && !checker)) {
		fprintf(stderr, "zwsim replay: out of memory\n");
		ret = EXIT_OPFAIL;
		goto out_trace;
	}
	/* --check: the checker reads every line of the log as it is written */
	ret = replay_open(rp, &o, &(struct zw_stack_opts){
		.cmd = "replay", .spec = spec, .log = logpath ? logpath : checker ? "/dev/null" : NULL,
		.order = order, .seed = seed,
		.dev_flags = force ? ZW_DEV_FORCE : 0, .model_on_real = true,
		.log_filter = checker ? chk_log_filter : NULL, .log_filter_arg = checker,
	});
	if (ret)
		goto out_trace;
	rp->format = trace_format_name(tr);
	rp->trace_name = argc - optind > 1 ? "(blktrace capture)" : strcmp(argv[optind], "-") ? argv[optind] : "<stdin>";
	progress_init(&prog, "zwsim replay", "records", 0, false);
	if (progress_on)
		progress_force(&prog);
	prog.frac_total = input_bytes((const char *const *)&argv[optind], (size_t)(argc - optind));
	/*
	 * On a real device the records are parsed on another thread while the
	 * device works (trace_ahead.c).  An emulated device's replay is all
	 * CPU: there the handover costs more than it overlaps.
	 */
	if (rp->real && strcmp(rp->format, "fs"))
		ahead = trace_ahead_start(tr);
	while ((got = ahead ? trace_ahead_next(ahead, &rec, &terr) : trace_next(tr, &rec, &terr)) > 0) {
		ret = replay_record(rp, &rec, rp->trace_name);
		if (ret)
			break;
		if (!(rp->nrec & 1023)) {
			if (prog.on && prog.frac_total)
				prog.frac = bytes_read();
			progress_update(&prog, rp->nrec);
		}
	}
	trace_ahead_stop(ahead);
	progress_done(&prog);
	if (got < 0) {
		/* nothing half-done is a result */
		fprintf(stderr, "zwsim replay: %s\n", terr.msg);
		ret = EXIT_USAGE;
	}
	rp->s.skipped_bad += trace_skipped(tr);
	/* blktrace v8's zone operations: no request to replay them as (fmt_blktrace.c) */
	char zops[256];
	if (trace_zone_ops_str(tr, zops, sizeof(zops))) {
		rp->s.skipped_unsupported += trace_zone_ops(tr)->total;
		fprintf(stderr, "zwsim replay: zone operations in the trace not replayed (skipped, unsupported): %s\n",
			zops);
	}
	char hint[256];
	if (!ret && trace_action_hint(tr, rp->nrec, hint, sizeof(hint)))
		fprintf(stderr, "zwsim replay: %s\n", hint);
	trace_close(tr);
	if (!ret) {
		char verr[512];
		int vret = replay_finish(rp, verr, sizeof(verr));

		report = replay_report_json(rp);

		if (o.verify)
			json_object_object_add(report, "verify", json_object_new_string(vret ? verr : "ok"));
		if (json)
			printf("%s\n", json_object_to_json_string_ext(report, JSON_C_TO_STRING_PLAIN));
		else
			replay_report_text(stdout, rp, report);
		if (csv && replay_report_csv(rp, report, csv, err, sizeof(err))) {
			fprintf(stderr, "zwsim replay: --csv: %s\n", err);
			ret = EXIT_USAGE;
		}
		if (vret) {
			fprintf(stderr, "zwsim replay: verify: %s\n", verr);
			ret = EXIT_OPFAIL;
		} else if (o.verify && !json) {
			printf("verify: ok\n");
		}
	}
	/* the log is complete once the stack is closed (an unmount writes to it too) */
	replay_close(rp);
	free(rp);
	if (checker && chk_log_report(checker, stderr, "zwsim replay") && !ret)
		ret = EXIT_OPFAIL;
	if (htmlf && report) {
		html_write(htmlf, html, report, logpath, &ret);
	} else if (htmlf) {
		fclose(htmlf);		/* no report: no page */
		remove(html);
	}
	json_object_put(report);
	chk_log_free(checker);
	if (tmpfd >= 0)
		close(tmpfd);
	return ret;
out_trace:
	trace_close(tr);
	free(rp);
	if (htmlf) {
		fclose(htmlf);
		remove(html);
	}
	chk_log_free(checker);
	if (tmpfd >= 0)
		close(tmpfd);
	return ret;
}
