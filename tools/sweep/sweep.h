/* SPDX-License-Identifier: MIT */
/*
 * zwsim sweep: a matrix of replay parameters expanded into independent
 * runs (sweep_matrix.c), run here in parallel (sweep_local.c) or as a Slurm
 * job array (sweep_slurm.c), each one `zwsim replay ... --json` into its own
 * file (sweep_run.c), merged into one table (sweep_collect.c) and plotted
 * (sweep_plot.c).  docs/sweep.md describes the matrix file and the layout of
 * the output directory.
 */
#ifndef ZWSIM_SWEEP_H
#define ZWSIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One parameter of a run: a key of the matrix and how replay takes it. */
enum sweep_kind { SWEEP_TRACE, SWEEP_PROFILE, SWEEP_STRING, SWEEP_NUMBER, SWEEP_FLAG };

struct sweep_param {
	const char *key;	/* the matrix's name for it */
	const char *flag;	/* replay's option (NULL: trace, profile) */
	enum sweep_kind kind;
	bool required;
};

extern const struct sweep_param sweep_params[];
extern const size_t sweep_nr_params;

/* A run: a value (NULL: not given) and a label for each parameter. */
struct sweep_run {
	char *name;		/* stable: labels of the axes, then a hash of every value */
	char **value;		/* [sweep_nr_params], as written in the matrix */
	char **label;		/* [sweep_nr_params] */
	char **argv;		/* replay's arguments after "replay", NULL-terminated */
	int argc;
};

struct sweep_slurm_opts {
	char *partition, *account, *time, *mem, *extra;
	int throttle;
};

struct sweep {
	char *matrix;		/* the matrix file as given */
	char *dir;		/* the matrix file's directory (traces are relative to it) */
	char *name;		/* the sweep's name (the matrix's "name", else its file name) */
	char *out;		/* the output directory */
	bool axis[32];		/* the parameter is an axis: its label is in run names */
	struct sweep_run *runs;	/* sorted by name */
	size_t nr_runs;
	size_t nr_excluded, nr_included;
	struct sweep_slurm_opts slurm;
};

#define SWEEP_ERRLEN 512

/* Allocation that cannot fail (out of memory: a message, exit 1). */
char *sw_strdup(const char *s);
void *sw_calloc(size_t n, size_t size);
char *sw_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* sweep_matrix.c */
int sweep_parse(struct sweep *sw, const char *text, const char *matrix_path, char *err, size_t errlen);
/* @check: every trace readable, every emu: spec valid (not for --collect). */
int sweep_load(struct sweep *sw, const char *matrix_path, bool check, char *err, size_t errlen);
void sweep_free(struct sweep *sw);
int sweep_param_index(const char *key);
/* The plan (OUT/plan.json): what a Slurm task or --collect reads. */
int sweep_write_plan(const struct sweep *sw, const char *zwsim, char *err, size_t errlen);
int sweep_read_plan(struct sweep *sw, const char *out, char **zwsim, char *err, size_t errlen);

/* sweep_run.c: one run's files and its execution. */
enum sweep_state { RUN_PENDING, RUN_DONE, RUN_FAILED };
char *sweep_path(const struct sweep *sw, const char *sub, const char *name, const char *ext);
enum sweep_state sweep_state(const struct sweep *sw, size_t i);
int sweep_mkdirs(const struct sweep *sw, char *err, size_t errlen);
/* Start run i (its output to OUT/runs/NAME.json.part); returns the child's pid. */
int sweep_start(const struct sweep *sw, size_t i, const char *zwsim);
/* After waitpid: make the result final or record the failure; 0 when done. */
int sweep_finish(const struct sweep *sw, size_t i, int status);
/* The run's command line as a shell would run it (for --commands, --dry-run). */
char *sweep_command(const struct sweep *sw, size_t i, const char *zwsim, bool with_files);

/* sweep_local.c */
int sweep_local(const struct sweep *sw, const char *zwsim, int jobs, bool force_progress);
int sweep_task(const char *out, long index);

/* sweep_slurm.c */
int sweep_slurm(const struct sweep *sw, const char *zwsim, bool submit, bool resubmit, bool wait);
/* Which runs are in the Slurm queue (jobs this sweep submitted); NULL: none submitted or no squeue. */
bool *sweep_slurm_queued(const struct sweep *sw);

/* sweep_collect.c: OUT/results.csv and OUT/results.json; prints what is missing. */
int sweep_collect(const struct sweep *sw, bool quiet);

/* sweep_plot.c */
int sweep_plot(const struct sweep *sw, const char *figure, const char *by, const char *svg);

/* sweep_html.c: OUT/report.html and a page a run (tools/report/); @svg: a plot to show, or NULL. */
int sweep_html(const struct sweep *sw, const char *svg);

/* The figures of a result, in table order (sweep_collect.c). */
struct sweep_figure {
	const char *name;
	const char *path[4];	/* keys from the report's root */
};
extern const struct sweep_figure sweep_figures[];
extern const size_t sweep_nr_figures;
/* A figure's value from a replay report (NaN when absent or null). */
double sweep_figure_value(void *report, const struct sweep_figure *f);

#endif
