// SPDX-License-Identifier: MIT
/* zwsim explore SCENARIO: a scenario under many completion orders (tools/explore/, docs/explore.md). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "explore/explore.h"
#include "explore/search.h"

static void explore_usage(FILE *f)
{
	fprintf(f,
		"usage: zwsim explore [OPTIONS] SCENARIO\n"
		"\n"
		"Run a scenario (a device and I/O submitted without waiting, a data file)\n"
		"under many completion orders and report every order that breaks a rule\n"
		"of zwsim check or ends otherwise than the baseline (oldest completion\n"
		"first): errors, placement, a file's extents.  Each failure is shrunk to\n"
		"the shortest schedule that still shows it, printed so it replays.\n"
		"\n"
		"A schedule is the choices made each time several completions wait: 0 the\n"
		"oldest, 1 the next... ('1.0.2'; past its end, 0; '-' is the baseline).\n"
		"\n"
		"Options:\n"
		"  --random           seeded random schedules (default: all of them, depth\n"
		"                     first, each state explored once)\n"
		"  --seed N           the first seed of --random (1); run i uses N + i\n"
		"  --budget N         runs at most (1000)\n"
		"  --schedule S       replay one schedule and print its outcome\n"
		"  --json             the findings as JSON\n"
		"\n"
		"Exit status: 0 nothing found, 1 failures found, 2 bad usage or scenario.\n"
		"\n"
		"Examples:\n"
		"  zwsim explore scenarios/unplugged-qd.scn\n"
		"  zwsim explore --random --seed 7 --budget 200 scenarios/append-fragments.scn\n"
		"  zwsim explore scenarios/unplugged-qd.scn --schedule 1\n");
}

int cmd_explore(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "random", no_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "budget", required_argument, NULL, 'b' },
		{ "schedule", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct explore_opts o = { .seed = 1, .budget = 1000 };
	uint32_t *sched = NULL;
	struct scenario s;
	bool replay = false;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		char *end;
		unsigned long long v;

		switch (c) {
		case 'r': o.random = true; break;
		case 's':
		case 'b':
			errno = 0;
			v = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || *optarg == '-' ||
			    (c == 'b' && (v == 0 || v > 10000000))) {
				fprintf(stderr, "zwsim explore: --%s %s: not a %s\n", c == 's' ? "seed" : "budget",
					optarg, c == 's' ? "number" : "count from 1 to 10000000");
				free(sched);
				return EXIT_USAGE;
			}
			if (c == 's')
				o.seed = v;
			else
				o.budget = (unsigned int)v;
			break;
		case 'S':
			free(sched);
			if (schedule_parse(optarg, &sched, &o.schedule_len)) {
				fprintf(stderr, "zwsim explore: --schedule %s: expected choices like 1.0.2 (or -)\n", optarg);
				return EXIT_USAGE;
			}
			replay = true;
			break;
		case 'j': o.json = true; break;
		case 'h':
			explore_usage(stdout);
			return EXIT_OK;
		default:
			explore_usage(stderr);
			free(sched);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "zwsim explore: needs one SCENARIO (see zwsim explore --help)\n");
		free(sched);
		return EXIT_USAGE;
	}
	if (scn_load(argv[optind], &s)) {
		free(sched);
		return EXIT_USAGE;
	}
	o.schedule = replay ? (sched ? sched : (const uint32_t *)"") : NULL;
	ret = explore(&s, &o, stdout);
	scn_free(&s);
	free(sched);
	return ret;
}
