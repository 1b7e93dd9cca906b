// SPDX-License-Identifier: MIT
/*
 * --collect: every finished run's figures in one table, OUT/results.csv and
 * OUT/results.json (the parameters, then the figures of each run's replay
 * report, rows in run-name order), and a list of the runs that failed or
 * have not finished, each with its logs.
 */
#include <errno.h>
#include <glob.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sweep.h"

/* "*" sums the values of an object's members. */
const struct sweep_figure sweep_figures[] = {
	{ "records_replayed", { "records", "replayed", "*" } },
	{ "records_failed",   { "records", "failed", "*" } },
	{ "records_skipped",  { "records", "skipped", "*" } },
	{ "user_written",     { "bytes", "user_written" } },
	{ "device_written",   { "bytes", "device_written" } },
	{ "gc_moved",         { "bytes", "gc_moved" } },
	{ "finish_padding",   { "bytes", "finish_padding" } },
	{ "wa_host",          { "write_amplification", "host" } },
	{ "wa_device",        { "write_amplification", "device" } },
	{ "zone_resets",      { "zone_ops", "resets" } },
	{ "zone_finishes",    { "zone_ops", "finishes" } },
	{ "max_open",         { "zone_ops", "max_open" } },
	{ "max_active",       { "zone_ops", "max_active" } },
	{ "device_commands",  { "zone_ops", "device_commands" } },
	{ "device_errors",    { "zone_ops", "device_errors" } },
	{ "write_p50_ns",     { "latency_ns", "write", "p50" } },
	{ "write_p99_ns",     { "latency_ns", "write", "p99" } },
	{ "write_p99.9_ns",   { "latency_ns", "write", "p99.9" } },
	{ "write_max_ns",     { "latency_ns", "write", "max" } },
	{ "read_p50_ns",      { "latency_ns", "read", "p50" } },
	{ "read_p99_ns",      { "latency_ns", "read", "p99" } },
	{ "flush_p99_ns",     { "latency_ns", "flush", "p99" } },
	{ "fs_p99_ns",        { "latency_ns", "fs", "p99" } },
	{ "lag_p99_ns",       { "lag_ns", "p99" } },
	{ "errors",           { "errors", "total" } },
	{ "elapsed_ns",       { "throughput", "elapsed_ns" } },
	{ "records_per_s",    { "throughput", "records_per_s" } },
};
const size_t sweep_nr_figures = sizeof(sweep_figures) / sizeof(sweep_figures[0]);

double sweep_figure_value(void *report, const struct sweep_figure *f)
{
	json_object *o = report;

	for (int k = 0; k < 4 && f->path[k]; k++) {
		if (!strcmp(f->path[k], "*")) {
			double sum = 0;

			if (!json_object_is_type(o, json_type_object))
				return NAN;
			json_object_object_foreach(o, key, v) {
				(void)key;
				if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
					sum += json_object_get_double(v);
			}
			return sum;
		}
		if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, f->path[k], &o))
			return NAN;
	}
	if (!json_object_is_type(o, json_type_int) && !json_object_is_type(o, json_type_double))
		return NAN;
	return json_object_get_double(o);
}

/* Integral and exact in a double (no libm: the command links without it). */
static bool is_int(double v)
{
	return v > -9007199254740992.0 && v < 9007199254740992.0 && v == (double)(int64_t)v;
}

static void fmt_number(char *buf, size_t len, double v)
{
	if (isnan(v))
		buf[0] = 0;
	else if (is_int(v))
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.10g", v);
}

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* The newest Slurm log of run i (OUT/slurm/JOB_INDEX.out), or NULL. */
static char *slurm_log(const struct sweep *sw, size_t i)
{
	char *pat = sw_asprintf("%s/slurm/*_%zu.out", sw->out, i), *best = NULL;
	struct timespec bt = { 0, 0 };
	glob_t g;

	if (!glob(pat, 0, NULL, &g)) {
		for (size_t k = 0; k < g.gl_pathc; k++) {
			struct stat st;

			if (!stat(g.gl_pathv[k], &st) &&
			    (!best || st.st_mtim.tv_sec > bt.tv_sec ||
			     (st.st_mtim.tv_sec == bt.tv_sec && st.st_mtim.tv_nsec >= bt.tv_nsec))) {
				free(best);
				best = sw_strdup(g.gl_pathv[k]);
				bt = st.st_mtim;
			}
		}
		globfree(&g);
	}
	free(pat);
	return best;
}

static char *status_line(const struct sweep *sw, size_t i)
{
	char *st = sweep_path(sw, "logs", sw->runs[i].name, ".status"), line[128] = "not started";
	FILE *f = fopen(st, "r");

	if (f) {
		if (fgets(line, sizeof(line), f))
			line[strcspn(line, "\n")] = 0;
		fclose(f);
	}
	free(st);
	return sw_strdup(line);
}

int sweep_collect(const struct sweep *sw, bool quiet)
{
	char *csv = sweep_path(sw, NULL, "results", ".csv"), *js = sweep_path(sw, NULL, "results", ".json");
	char *csvt = sw_asprintf("%s.part", csv), *jst = sw_asprintf("%s.part", js);
	bool has[64] = { false };
	size_t nr_done = 0, nr_failed = 0, nr_queued = 0, nr_missing = 0;
	bool *queued = sweep_slurm_queued(sw);
	json_object *root = json_object_new_object(), *rows = json_object_new_array(), *missing = json_object_new_array();
	FILE *f = fopen(csvt, "w");
	char num[64];
	int ret = 0;

	if (!f) {
		fprintf(stderr, "zwsim sweep: %s: %s\n", csvt, strerror(errno));
		ret = 2;
		goto out;
	}
	for (size_t i = 0; i < sw->nr_runs; i++)
		for (size_t p = 0; p < sweep_nr_params; p++)
			has[p] |= sw->runs[i].value[p] != NULL;
	fputs("name", f);
	for (size_t p = 0; p < sweep_nr_params; p++)
		if (has[p])
			fprintf(f, ",%s", sweep_params[p].key);
	for (size_t k = 0; k < sweep_nr_figures; k++)
		fprintf(f, ",%s", sweep_figures[k].name);
	fputc('\n', f);

	for (size_t i = 0; i < sw->nr_runs; i++) {
		const struct sweep_run *r = &sw->runs[i];
		enum sweep_state s = sweep_state(sw, i);
		json_object *row, *params, *figs, *rep;
		char *res;

		if (s != RUN_DONE) {
			char *st = status_line(sw, i), *sl = slurm_log(sw, i);
			char *log = sweep_path(sw, "logs", r->name, ".log");
			const char *what = queued && queued[i] ? "queued or running in Slurm" :
					   s == RUN_FAILED ? "failed" :
					   !strcmp(st, "started") ? "started, not finished (running, or killed)" :
					   !strncmp(st, "exit ", 5) ? "ended, but its report is missing or not whole" :
					   "not run";
			json_object *m = json_object_new_object();

			if (queued && queued[i])
				nr_queued++;
			else if (s == RUN_FAILED)
				nr_failed++;
			else
				nr_missing++;
			if (!quiet || s == RUN_FAILED)
				fprintf(stderr, "zwsim sweep: %s %s: %s (%s)%s%s%s%s\n", s == RUN_FAILED ? "failed" : "missing",
					r->name, what, st, access(log, F_OK) ? "" : ", log ", access(log, F_OK) ? "" : log,
					sl ? ", Slurm log " : "", sl ? sl : "");
			json_object_object_add(m, "index", json_object_new_int64((int64_t)i));
			json_object_object_add(m, "name", json_object_new_string(r->name));
			json_object_object_add(m, "state", json_object_new_string(what));
			json_object_object_add(m, "status", json_object_new_string(st));
			json_object_object_add(m, "log", access(log, F_OK) ? NULL : json_object_new_string(log));
			json_object_object_add(m, "slurm_log", sl ? json_object_new_string(sl) : NULL);
			json_object_array_add(missing, m);
			free(st);
			free(sl);
			free(log);
			continue;
		}
		res = sweep_path(sw, "runs", r->name, ".json");
		rep = json_object_from_file(res);
		free(res);
		nr_done++;
		row = json_object_new_object();
		params = json_object_new_object();
		figs = json_object_new_object();
		csv_field(f, r->name);
		for (size_t p = 0; p < sweep_nr_params; p++) {
			if (!has[p])
				continue;
			fputc(',', f);
			if (r->value[p]) {
				csv_field(f, r->value[p]);
				json_object_object_add(params, sweep_params[p].key, json_object_new_string(r->value[p]));
			} else {
				json_object_object_add(params, sweep_params[p].key, NULL);
			}
		}
		for (size_t k = 0; k < sweep_nr_figures; k++) {
			double v = sweep_figure_value(rep, &sweep_figures[k]);

			fmt_number(num, sizeof(num), v);
			fprintf(f, ",%s", num);
			json_object_object_add(figs, sweep_figures[k].name,
					       isnan(v) ? NULL :
					       is_int(v) ?
					       json_object_new_int64((int64_t)v) :
					       json_object_new_double_s(v, num));
		}
		fputc('\n', f);
		json_object_object_add(row, "name", json_object_new_string(r->name));
		json_object_object_add(row, "params", params);
		json_object_object_add(row, "figures", figs);
		json_object_array_add(rows, row);
		json_object_put(rep);
	}
	if (fclose(f) || rename(csvt, csv)) {
		fprintf(stderr, "zwsim sweep: %s: %s\n", csv, strerror(errno));
		ret = 2;
		goto out;
	}
	json_object_object_add(root, "sweep", json_object_new_string(sw->name));
	json_object_object_add(root, "runs", json_object_new_int64((int64_t)sw->nr_runs));
	json_object_object_add(root, "done", json_object_new_int64((int64_t)nr_done));
	json_object_object_add(root, "results", rows);
	json_object_object_add(root, "missing", missing);
	rows = missing = NULL;
	if (json_object_to_file_ext(jst, root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED) || rename(jst, js)) {
		fprintf(stderr, "zwsim sweep: %s: %s\n", js, strerror(errno));
		ret = 2;
		goto out;
	}
	fprintf(stderr, "zwsim sweep: %zu of %zu runs in %s and %s", nr_done, sw->nr_runs, csv, js);
	if (nr_failed || nr_queued || nr_missing)
		fprintf(stderr, "; %zu failed, %zu in the Slurm queue, %zu not finished", nr_failed, nr_queued, nr_missing);
	fputc('\n', stderr);
	ret = nr_failed ? 1 : 0;
out:
	json_object_put(root);
	json_object_put(rows);
	json_object_put(missing);
	free(queued);
	free(csv);
	free(js);
	free(csvt);
	free(jst);
	return ret;
}
