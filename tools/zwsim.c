// SPDX-License-Identifier: MIT
/* zwsim: the command.  Each subcommand lives in its own cmd_*.c. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"

static const struct zwsim_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} cmds[] = {
	{ "zone", cmd_zone, "zone operations, reports and scripts on a zoned device" },
	{ "writeback", cmd_writeback, "buffered writes and iomap writeback to the block device" },
	{ "fs", cmd_fs, "file-level workloads on file system models (zonefs)" },
	{ "teach", cmd_teach, "lessons on zoned storage, run step by step on the real models" },
	{ "trace", cmd_trace, "read block and file traces: dump them, convert them (fio iolog, zwsim)" },
	{ "replay", cmd_replay, "replay a block or file trace through a file system model or onto the raw device" },
	{ "sweep", cmd_sweep, "a matrix of replays, here in parallel or as a Slurm job array, merged into one table" },
	{ "report", cmd_report, "a run's result and event log as an HTML page, SVG figures or text" },
	{ "check", cmd_check, "check zone write and append ordering in an event log or block trace" },
	{ "explore", cmd_explore, "run a scenario under many completion orders, shrink what fails" },
	{ "nullblk", cmd_nullblk, "make and remove zoned null_blk devices (Linux, root)" },
	{ "ublk", cmd_ublk, "expose an emulated zoned device as a real zoned block device /dev/ublkbN (Linux, root)" },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: zwsim COMMAND [ARGS]\n"
		"\n"
		"zwsim simulates Linux writeback to zoned block devices: an exact model of\n"
		"zoned storage (zone conditions, write pointers, open/active limits, zone\n"
		"append) on an embedded emulated device, with the behaviour of null_blk,\n"
		"NVMe ZNS or SCSI ZBC.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n'zwsim COMMAND --help' tells more; 'zwsim zone --help' lists device specs.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("zwsim %s\n", ZWSIM_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "zwsim: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
