// SPDX-License-Identifier: MIT
/* zwsim sweep: a matrix of replays, run here or on Slurm, merged into one table (tools/sweep/). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "sweep/sweep.h"

static const char usage[] =
	"usage: zwsim sweep [OPTIONS] MATRIX\n"
	"\n"
	"Run a parameter study: every combination of the matrix's traces, devices,\n"
	"profiles, file systems, mount options, seeds and other replay options is\n"
	"one run, `zwsim replay ... --json` into a file of its own, named after its\n"
	"parameters; then one table of every run's figures.  Here in parallel, or\n"
	"as a Slurm job array; a sweep started again does only what is not done.\n"
	"\n"
	"MATRIX is a JSON file (docs/sweep.md):\n"
	"  {\n"
	"    \"name\": \"zone-size\",\n"
	"    \"fixed\": { \"fs\": \"xfs-zoned\", \"trace\": \"app.iolog\" },\n"
	"    \"axes\": {\n"
	"      \"dev\": [ { \"label\": \"1M\", \"value\": \"emu:zones=64,zone_size=1M\" },\n"
	"                 { \"label\": \"4M\", \"value\": \"emu:zones=16,zone_size=4M\" } ],\n"
	"      \"profile\": [ \"nullblk\", \"zn540\" ],\n"
	"      \"seed\": [ 1, 2 ]\n"
	"    },\n"
	"    \"exclude\": [ { \"profile\": \"zn540\", \"seed\": 2 } ],\n"
	"    \"include\": [ { \"dev\": \"emu:zones=8,zone_size=8M\", \"profile\": \"hm-smr\", \"seed\": 1 } ]\n"
	"  }\n"
	"  \"fixed\" values hold for every run; \"axes\" lists are crossed (here 2 x 2 x 2\n"
	"  = 8, less 2 excluded, plus 1 included: 7 runs); an exclude drops every run\n"
	"  with all of its values; an include adds one run (the fixed values, then its\n"
	"  own).  A value is a string, number or boolean, or {\"label\", \"value\"}: the\n"
	"  label names it in run names and plots.  Optional: \"out\" (the output\n"
	"  directory, default MATRIX without .json plus .sweep), \"slurm\" (partition,\n"
	"  account, time, mem, throttle, extra: an sbatch option line), \"comment\".\n"
	"  Traces are relative to the matrix's directory.\n"
	"\n"
	"Parameters (replay's options, zwsim replay --help):\n"
	"  trace dev fs (required), profile (the device spec's profile=), mount, format,\n"
	"  action, volume, remap, split, speed, qd, order, seed, inject (strings or\n"
	"  numbers); direct, strict, skip_bad, no_sync, verify (true or false)\n"
	"\n"
	"A run's name: KEY-LABEL for each axis, then a hash of all its values, e.g.\n"
	"  dev-1M_profile-zn540_seed-1_5f0e2a91\n"
	"Its report is OUT/runs/NAME.json (written as NAME.json.part, renamed when\n"
	"whole), its stderr OUT/logs/NAME.log, how it ended OUT/logs/NAME.status.\n"
	"\n"
	"Options:\n"
	"  --dry-run         list the runs and their commands; run nothing\n"
	"  --jobs N          runs at a time here (default: the number of cores)\n"
	"  --out DIR         the output directory (instead of the matrix's)\n"
	"  --progress        the progress line on stderr even when it is no terminal\n"
	"  --commands        print one shell command a line, for GNU parallel:\n"
	"                      zwsim sweep --commands m.json | parallel -j 8\n"
	"                    then --collect\n"
	"  --slurm           write OUT/slurm/sweep.sbatch, a job array of one task a run\n"
	"                    (memory and time estimated from the traces and devices)\n"
	"  --submit          --slurm, and submit it with sbatch\n"
	"  --wait            with --submit or --resubmit: wait for the array to end (sbatch\n"
	"                    --wait), then collect\n"
	"  --throttle N      at most N tasks of the array at once (%%N; default 16)\n"
	"  --collect         merge the finished runs into OUT/results.csv and\n"
	"                    OUT/results.json; list the failed and missing ones\n"
	"  --resubmit        submit again the runs that failed or were lost (not done and\n"
	"                    not in the Slurm queue); also --resubmit-failed\n"
	"  --plot FIGURE --by PARAM   an SVG of FIGURE (a column of the table: wa_device,\n"
	"                    gc_moved, write_p99_ns, ...) against PARAM, one line for each\n"
	"                    combination of the other axes\n"
	"  --svg FILE        where --plot writes (default OUT/plot-FIGURE-by-PARAM.svg)\n"
	"  --html            OUT/report.html: the runs' table (and the plot) on one page,\n"
	"                    each run's name linking to its own report (zwsim report)\n"
	"\n"
	"Exit status: 0 every run done; 1 a run failed (listed, with its log);\n"
	"2 bad usage or a bad matrix (FILE:LINE or the field).\n"
	"\n"
	"Examples:\n"
	"  zwsim sweep --dry-run study.json\n"
	"  zwsim sweep --jobs 4 study.json                 # here; again to resume\n"
	"  zwsim sweep --plot wa_device --by dev study.json\n"
	"  zwsim sweep --submit --throttle 32 study.json   # on a Slurm cluster\n"
	"  zwsim sweep --collect study.json                # whatever has finished\n"
	"  zwsim sweep --resubmit study.json\n";

enum { OPT_DRY = 256, OPT_JOBS, OPT_OUT, OPT_PROGRESS, OPT_COMMANDS, OPT_SLURM, OPT_SUBMIT, OPT_WAIT,
       OPT_THROTTLE, OPT_COLLECT, OPT_RESUBMIT, OPT_PLOT, OPT_BY, OPT_SVG, OPT_TASK, OPT_HTML };

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "dry-run", no_argument, NULL, OPT_DRY },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "commands", no_argument, NULL, OPT_COMMANDS },
	{ "slurm", no_argument, NULL, OPT_SLURM },
	{ "submit", no_argument, NULL, OPT_SUBMIT },
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ "throttle", required_argument, NULL, OPT_THROTTLE },
	{ "collect", no_argument, NULL, OPT_COLLECT },
	{ "resubmit", no_argument, NULL, OPT_RESUBMIT },
	{ "resubmit-failed", no_argument, NULL, OPT_RESUBMIT },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "by", required_argument, NULL, OPT_BY },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "task", required_argument, NULL, OPT_TASK },
	{ "html", no_argument, NULL, OPT_HTML },
	{ NULL, 0, NULL, 0 }
};

static long number(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < lo || v > hi) {
		fprintf(stderr, "zwsim sweep: %s %s: a number from %ld to %ld\n", opt, s, lo, hi);
		exit(EXIT_USAGE);
	}
	return v;
}

static char *absolute(const char *p)
{
	char cwd[PATH_MAX];

	if (p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return sw_strdup(p);
	return sw_asprintf("%s/%s", cwd, p);
}

/* After the runs: the plot, the HTML page; the worst status of all. */
static int finish(const struct sweep *sw, int ret, const char *plot, const char *by, const char *svg, bool html)
{
	char *def = plot && !svg ? sw_asprintf("%s/plot-%s-by-%s.svg", sw->out, plot, by) : NULL;
	const char *path = svg ? svg : def;
	int r2 = 0;

	if (plot)
		r2 = sweep_plot(sw, plot, by, path);
	if (html) {
		int r3 = sweep_html(sw, plot && !r2 ? path : NULL);

		r2 = r2 ? r2 : r3;
	}
	free(def);
	return ret ? ret : r2;
}

int cmd_sweep(int argc, char **argv)
{
	bool dry = false, progress = false, commands = false, slurm = false, submit = false, wait = false;
	bool collect = false, resubmit = false, html = false;
	const char *plot = NULL, *by = NULL, *svg = NULL, *out = NULL;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN), throttle = -1, task = -1;
	char err[SWEEP_ERRLEN], zwsim[PATH_MAX], *plan_zwsim = NULL;
	struct sweep sw;
	struct stat st;
	ssize_t n;
	int c, ret = 0;

	if (jobs < 1)
		jobs = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage, stdout); return EXIT_OK;
		case OPT_DRY: dry = true; break;
		case OPT_JOBS: jobs = number("--jobs", optarg, 1, 4096); break;
		case OPT_OUT: out = optarg; break;
		case OPT_PROGRESS: progress = true; break;
		case OPT_COMMANDS: commands = true; break;
		case OPT_SLURM: slurm = true; break;
		case OPT_SUBMIT: slurm = submit = true; break;
		case OPT_WAIT: wait = true; break;
		case OPT_THROTTLE: throttle = number("--throttle", optarg, 1, 100000); break;
		case OPT_COLLECT: collect = true; break;
		case OPT_RESUBMIT: resubmit = true; break;
		case OPT_PLOT: plot = optarg; break;
		case OPT_BY: by = optarg; break;
		case OPT_SVG: svg = optarg; break;
		case OPT_TASK: task = number("--task", optarg, 0, 1000000); break;
		case OPT_HTML: html = true; break;
		default: fprintf(stderr, "zwsim sweep --help shows the options\n"); return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "zwsim sweep: %s (zwsim sweep --help)\n",
			optind == argc ? "no matrix file given" : "one matrix file only");
		return EXIT_USAGE;
	}
	if (task >= 0)	/* a Slurm array task: OUT, not a matrix */
		return sweep_task(argv[optind], task);
	if (!!plot != !!by) {
		fprintf(stderr, "zwsim sweep: --plot FIGURE and --by PARAM go together\n");
		return EXIT_USAGE;
	}
	if (wait && !submit && !resubmit) {
		fprintf(stderr, "zwsim sweep: --wait goes with --submit or --resubmit\n");
		return EXIT_USAGE;
	}
	if ((plot || html) && (commands || dry || (slurm && !wait) || (resubmit && !wait))) {
		fprintf(stderr, "zwsim sweep: --plot and --html need finished runs: a local sweep, --collect, or --wait\n");
		return EXIT_USAGE;
	}
	if ((int)dry + (int)commands + (int)slurm + (int)collect + (int)resubmit > 1) {
		fprintf(stderr, "zwsim sweep: one of --dry-run, --commands, --slurm/--submit, --collect, --resubmit\n");
		return EXIT_USAGE;
	}
	n = readlink("/proc/self/exe", zwsim, sizeof(zwsim) - 1);
	if (n <= 0) {
		fprintf(stderr, "zwsim sweep: cannot find this program (/proc/self/exe)\n");
		return EXIT_USAGE;
	}
	zwsim[n] = 0;

	/* MATRIX, or an output directory (its plan.json) */
	if (!stat(argv[optind], &st) && S_ISDIR(st.st_mode)) {
		if (sweep_read_plan(&sw, argv[optind], &plan_zwsim, err, sizeof(err))) {
			fprintf(stderr, "zwsim sweep: %s\n", err);
			sweep_free(&sw);
			return EXIT_USAGE;
		}
		free(sw.out);
		sw.out = absolute(argv[optind]);
		if (!collect && !resubmit && !plot) {
			fprintf(stderr, "zwsim sweep: %s is an output directory: give the matrix file to run it\n",
				argv[optind]);
			ret = EXIT_USAGE;
			goto out;
		}
	} else if (sweep_load(&sw, argv[optind], !collect && !resubmit, err, sizeof(err))) {
		fprintf(stderr, "zwsim sweep: %s\n", err);
		sweep_free(&sw);
		return EXIT_USAGE;
	}
	if (out) {
		free(sw.out);
		sw.out = absolute(out);
	} else {
		char *o = absolute(sw.out);

		free(sw.out);
		sw.out = o;
	}
	if (throttle > 0)
		sw.slurm.throttle = (int)throttle;

	if (dry) {
		for (size_t i = 0; i < sw.nr_runs; i++) {
			char *cmd = sweep_command(&sw, i, zwsim, false);
			const char *state = sweep_state(&sw, i) == RUN_DONE ? "  (done)" : "";

			printf("%zu %s%s\n    %s\n", i, sw.runs[i].name, state, cmd);
			free(cmd);
		}
		fprintf(stderr, "zwsim sweep: %zu runs (%zu excluded, %zu included) into %s\n", sw.nr_runs,
			sw.nr_excluded, sw.nr_included, sw.out);
		goto out;
	}
	if (collect || resubmit) {
		/* what ran is the plan's, when there is one */
		struct sweep planned;
		char *pp = sw_asprintf("%s/plan.json", sw.out);

		if (!plan_zwsim && !access(pp, F_OK)) {
			if (sweep_read_plan(&planned, sw.out, &plan_zwsim, err, sizeof(err))) {
				fprintf(stderr, "zwsim sweep: %s\n", err);
				sweep_free(&planned);
				free(pp);
				ret = EXIT_USAGE;
				goto out;
			}
			planned.slurm = sw.slurm;
			memset(&sw.slurm, 0, sizeof(sw.slurm));
			sweep_free(&sw);
			sw = planned;
		}
		free(pp);
		if (collect)
			ret = sweep_collect(&sw, false);
		if (resubmit) {
			ret = sweep_slurm(&sw, plan_zwsim ? plan_zwsim : zwsim, false, true, wait);
			if (wait) {
				int r2 = sweep_collect(&sw, false);

				ret = ret ? ret : r2;
			}
		}
		ret = finish(&sw, ret, plot, by, svg, html);
		goto out;
	}
	if (sweep_mkdirs(&sw, err, sizeof(err)) || sweep_write_plan(&sw, zwsim, err, sizeof(err))) {
		fprintf(stderr, "zwsim sweep: %s\n", err);
		ret = EXIT_USAGE;
		goto out;
	}
	if (commands) {
		for (size_t i = 0; i < sw.nr_runs; i++) {
			char *cmd = sweep_command(&sw, i, zwsim, true);

			if (sweep_state(&sw, i) != RUN_DONE)
				printf("%s\n", cmd);
			free(cmd);
		}
		goto out;
	}
	if (slurm) {
		ret = sweep_slurm(&sw, zwsim, submit, false, wait);
		if (wait) {
			int r2 = sweep_collect(&sw, false);

			ret = ret ? ret : r2;
		}
	} else {
		ret = sweep_local(&sw, zwsim, (int)jobs, progress);
		if (ret == EXIT_USAGE)
			goto out;
		if (sweep_collect(&sw, true) == 2)
			ret = 2;
	}
	ret = finish(&sw, ret, plot, by, svg, html);
out:
	free(plan_zwsim);
	sweep_free(&sw);
	return ret;
}
