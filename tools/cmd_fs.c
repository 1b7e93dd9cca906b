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
#include "dirty_policy.h"
#include "fs_oracle.h"
#include "fs_script.h"
#include "progress.h"
#include "stack.h"
#include "vfs.h"

static int parse_num(const char *s, uint64_t *v)
{
	return zw_spec_size(s, v);
}

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
		"The page cache's dirty-memory policy (as zwsim writeback; sync is the\n"
		"flusher's WB_SYNC_NONE pass over every dirty file, a chunk each in turn,\n"
		"then the WB_SYNC_ALL pass, as sync(2) in Linux 7.2):\n"
		"%s"
		"A run longer than half a second shows its progress on stderr when that is\n"
		"a terminal and the results go elsewhere (ZWSIM_PROGRESS=0: never).\n"
		"\n"
		"Examples:\n"
		"  zwsim fs --fs zonefs --dev emu:zones=8,zone_size=4M,conv=2 --json work.fs\n"
		"  zwsim fs --fs xfs-zoned --dev emu:size=2G,zone_size=64M,conv=8,data=tags \\\n"
		"      --memory 6G --writeback-interval 0 --json fill.fs\n",
		zw_dirty_policy_help);
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
		ZW_DIRTY_POLICY_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct zw_dirty_policy policy;
	const char *fsname = NULL, *spec = NULL, *mopts = NULL, *logpath = NULL;
	enum sim_completion_policy order = SIM_COMPLETE_FIFO;
	bool json = false, verify = false, force = false;
	struct chk_log *checker = NULL;
	struct fs_run r = { .cmd = "fs" };
	json_object *report;
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

	zw_dirty_policy_init(&policy);
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (zw_dirty_policy_option(&policy, "fs", c, optarg)) {
		case 1: continue;
		case -1: return EXIT_USAGE;
		}
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
	r.ops = fs_type_find(fsname);
	if (!r.ops) {
		fprintf(stderr, "zwsim fs: --fs %s: accepted: zonefs, xfs-zoned, xfs\n", fsname);
		return EXIT_USAGE;
	}
	f = zw_script_open("fs", argv[optind]);
	if (!f)
		return EXIT_USAGE;
	ret = fs_parse_script(f, "fs", argv[optind], &ops, &nr);
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
	mm_ctx_init(&mm, &st.loop, policy.memory, r.dev->data_mode == ZW_DATA_TAGS);
	zw_dirty_policy_apply(&policy, &mm);
	if (verify && r.ops->stat) {
		fs_run_oracle_init(&r, &oracle, st.bdevp);
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
		fs_run_op(&r, &ops[i], res, sizeof(res));
		if (r.series)
			r.ops->sample(r.fs, r.series, i + 1);
		if (!json)
			printf("%s => %s\n", ops[i].text, res);
		else
			fprintf(stderr, "%s => %s\n", ops[i].text, res);
	}
	sim_run(&st.loop);
	progress_done(&prog);
	report = fs_report_json(&r, st.bdevp);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(report, JSON_C_TO_STRING_PLAIN));
	else
		fs_report_print(stdout, report);
	json_object_put(report);
	/* --check: the checker has read the log as it was written (docs/check.md) */
	if (checker && (fflush(st.log.f), chk_log_report(checker, stderr, "zwsim fs")))
		ret = EXIT_OPFAIL;
	if (verify && fs_run_verify(&r, &mm, err, sizeof(err))) {
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
