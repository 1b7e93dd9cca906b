// SPDX-License-Identifier: MIT
/*
 * --slurm: a job-array script, OUT/slurm/sweep.sbatch, one array task per
 * run (`zwsim sweep --task INDEX OUT` runs the plan's run INDEX as the local
 * runner would), each task's output in OUT/slurm/JOB_INDEX.out, a throttle
 * (%N), and resources estimated per run (the largest of the array, since an
 * array's tasks share them):
 *
 *   memory: 256 MiB + what the emulated device can come to hold (its size
 *           with data=bytes, or data=auto up to 16 GiB: memory follows what
 *           was written, so this bounds it; with tags, 16 bytes a record,
 *           a record taken as 16 bytes of trace) + twice the trace,
 *           rounded up to 64 MiB;
 *   time:   10 minutes + 1 minute per 4 MiB of trace,
 *
 * a compressed trace (.gz .zst .xz .bz2) counted ten times its size.
 * --submit runs sbatch on it; --resubmit submits again, as the same
 * script, the runs that failed or were lost (not done, not in the queue).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dev.h"
#include "sweep.h"

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

static const char *run_dev(const struct sweep_run *r)
{
	for (int a = 0; a + 1 < r->argc; a++)
		if (!strcmp(r->argv[a], "--dev"))
			return r->argv[a + 1];
	return "";
}

/* One run's estimate: memory in MiB, time in minutes. */
static void estimate(const struct sweep_run *r, uint64_t *mem_mib, uint64_t *minutes)
{
	const char *trace = r->argv[r->argc - 1], *dev = run_dev(r);
	struct stat st;
	uint64_t tb = 0, store = 0;
	struct zone_geometry geo;
	char err[256];

	if (!stat(trace, &st))
		tb = (uint64_t)st.st_size;
	if (ends_with(trace, ".gz") || ends_with(trace, ".zst") || ends_with(trace, ".xz") || ends_with(trace, ".bz2"))
		tb *= 10;
	if (!strncmp(dev, "emu:", 4) || !strncmp(dev, "file:", 5)) {
		bool tags = strstr(dev, "data=tags") != NULL;
		uint64_t size = 0;

		if (!strncmp(dev, "emu:", 4) && !zw_spec_geometry(dev, &geo, err, sizeof(err)))
			size = (uint64_t)geo.capacity * 512;
		if (!strncmp(dev, "emu:", 4) && !strstr(dev, "data=bytes") && size > (16ULL << 30))
			tags = true;
		store = !strncmp(dev, "file:", 5) ? 0 : tags ? tb : size;
	}
	*mem_mib = (256ULL << 20) + store + 2 * tb;
	*mem_mib = (*mem_mib + (64ULL << 20) - 1) / (64ULL << 20) * 64;
	*minutes = 10 + (tb + (4ULL << 20) - 1) / (4ULL << 20);
}

/* Runs a program; its first line of stdout in @line.  Returns its status. */
static int run_prog(char *const argv[], char *line, size_t len)
{
	int fd[2], status;
	pid_t pid;
	ssize_t n;
	size_t got = 0;

	if (pipe(fd))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "zwsim sweep: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	while (got + 1 < len && (n = read(fd[0], line + got, len - 1 - got)) > 0)
		got += (size_t)n;
	line[got] = 0;
	{
		char sink[4096];

		while (read(fd[0], sink, sizeof(sink)) > 0)
			;
	}
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	line[strcspn(line, "\n")] = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static char *jobs_path(const struct sweep *sw)
{
	return sw_asprintf("%s/slurm/jobs", sw->out);
}

bool *sweep_slurm_queued(const struct sweep *sw)
{
	char *jp = jobs_path(sw), line[64];
	FILE *f = fopen(jp, "r"), *q;
	char **ids = NULL;
	size_t nr = 0;
	bool *queued = NULL;
	char *buf = NULL;
	size_t cap = 0;

	free(jp);
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n;")] = 0;
		if (!*line)
			continue;
		ids = realloc(ids, (nr + 1) * sizeof(*ids));
		ids[nr++] = sw_strdup(line);
	}
	fclose(f);
	/* every array task of ours still pending or running, one a line */
	q = popen("squeue -h -r -o '%F %K' 2>/dev/null", "r");
	if (q) {
		queued = sw_calloc(sw->nr_runs, sizeof(bool));
		while (getline(&buf, &cap, q) > 0) {
			char job[64];
			long idx;

			if (sscanf(buf, "%63s %ld", job, &idx) != 2)
				continue;
			for (size_t k = 0; k < nr; k++)
				if (!strcmp(job, ids[k]) && idx >= 0 && (size_t)idx < sw->nr_runs)
					queued[idx] = true;
		}
		if (pclose(q)) {
			free(queued);
			queued = NULL;
		}
	}
	free(buf);
	for (size_t k = 0; k < nr; k++)
		free(ids[k]);
	free(ids);
	return queued;
}

static int write_script(const struct sweep *sw, const char *zwsim, const char *path)
{
	char *tmp = sw_asprintf("%s.part", path);
	FILE *f = fopen(tmp, "w");
	uint64_t mem = 0, min = 0;
	int throttle = sw->slurm.throttle ? sw->slurm.throttle : 16;

	if (!f) {
		fprintf(stderr, "zwsim sweep: %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return 2;
	}
	for (size_t i = 0; i < sw->nr_runs; i++) {
		uint64_t m, t;

		estimate(&sw->runs[i], &m, &t);
		mem = m > mem ? m : mem;
		min = t > min ? t : min;
	}
	fprintf(f, "#!/bin/sh\n");
	fprintf(f, "# zwsim sweep %s: %zu runs, one array task each (%s/plan.json lists them by index).\n",
		sw->name, sw->nr_runs, sw->out);
	fprintf(f, "# Memory and time per task: the largest of the runs' estimates (docs/sweep.md);\n");
	fprintf(f, "# give \"slurm\": {\"mem\": ..., \"time\": ...} in the matrix to set them instead.\n");
	fprintf(f, "#SBATCH --job-name=zwsim-%s\n", sw->name);
	fprintf(f, "#SBATCH --array=0-%zu%%%d\n", sw->nr_runs - 1, throttle);
	fprintf(f, "#SBATCH --output=%s/slurm/%%A_%%a.out\n", sw->out);
	fprintf(f, "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n");
	if (sw->slurm.mem)
		fprintf(f, "#SBATCH --mem=%s\n", sw->slurm.mem);
	else
		fprintf(f, "#SBATCH --mem=%lluM\n", (unsigned long long)mem);
	if (sw->slurm.time)
		fprintf(f, "#SBATCH --time=%s\n", sw->slurm.time);
	else
		fprintf(f, "#SBATCH --time=%llu:%02llu:00\n", (unsigned long long)(min / 60), (unsigned long long)(min % 60));
	if (sw->slurm.partition)
		fprintf(f, "#SBATCH --partition=%s\n", sw->slurm.partition);
	if (sw->slurm.account)
		fprintf(f, "#SBATCH --account=%s\n", sw->slurm.account);
	if (sw->slurm.extra)
		fprintf(f, "#SBATCH %s\n", sw->slurm.extra);
	fprintf(f, "#\n# index  run\n");
	for (size_t i = 0; i < sw->nr_runs; i++)
		fprintf(f, "# %5zu  %s\n", i, sw->runs[i].name);
	fprintf(f, "exec %s sweep --task \"$SLURM_ARRAY_TASK_ID\" %s\n", zwsim, sw->out);
	if (fclose(f) || chmod(tmp, 0755) || rename(tmp, path)) {
		fprintf(stderr, "zwsim sweep: %s: %s\n", path, strerror(errno));
		free(tmp);
		return 2;
	}
	free(tmp);
	return 0;
}

int sweep_slurm(const struct sweep *sw, const char *zwsim, bool submit, bool resubmit, bool wait)
{
	char *dir = sw_asprintf("%s/slurm", sw->out), *script = sw_asprintf("%s/sweep.sbatch", dir);
	char array[4096] = "", line[256], *argv[8];
	int argc = 0, ret = 0, throttle = sw->slurm.throttle ? sw->slurm.throttle : 16;

	if (strpbrk(sw->out, " \t\n'\"$`\\") || strpbrk(zwsim, " \t\n'\"$`\\")) {
		fprintf(stderr, "zwsim sweep: --slurm: %s: no spaces or quotes in the output directory's path\n", sw->out);
		ret = 2;
		goto out;
	}
	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "zwsim sweep: %s: %s\n", dir, strerror(errno));
		ret = 2;
		goto out;
	}
	if (resubmit) {
		bool *queued = sweep_slurm_queued(sw);
		size_t n = 0, len = 0;

		for (size_t i = 0; i < sw->nr_runs; i++) {
			if (sweep_state(sw, i) == RUN_DONE || (queued && queued[i]))
				continue;
			if (len + 24 > sizeof(array) - 16) {
				fprintf(stderr, "zwsim sweep: --resubmit: too many runs to list; resubmit the whole array\n");
				free(queued);
				ret = 2;
				goto out;
			}
			len += (size_t)sprintf(array + len, "%s%zu", n ? "," : "", i);
			n++;
		}
		free(queued);
		if (!n) {
			fprintf(stderr, "zwsim sweep: nothing to resubmit: every run is done or in the queue\n");
			goto out;
		}
		sprintf(array + len, "%%%d", throttle);
		fprintf(stderr, "zwsim sweep: resubmitting %zu runs: %s\n", n, array);
	} else if ((ret = write_script(sw, zwsim, script))) {
		goto out;
	} else {
		fprintf(stderr, "zwsim sweep: %s: %zu array tasks\n", script, sw->nr_runs);
	}
	if (!submit && !resubmit)
		goto out;
	if (access(script, R_OK)) {
		fprintf(stderr, "zwsim sweep: %s: %s (write it with --slurm first)\n", script, strerror(errno));
		ret = 2;
		goto out;
	}
	argv[argc++] = (char *)"sbatch";
	argv[argc++] = (char *)"--parsable";
	if (wait)
		argv[argc++] = (char *)"--wait";
	char *arr = sw_asprintf("--array=%s", array);
	if (*array)
		argv[argc++] = arr;
	argv[argc++] = script;
	argv[argc] = NULL;
	{
		int st = run_prog(argv, line, sizeof(line));
		char *jp = jobs_path(sw);
		FILE *f;

		if (!*line) {
			fprintf(stderr, "zwsim sweep: sbatch failed (status %d)\n", st);
			free(jp);
			free(arr);
			ret = 1;
			goto out;
		}
		line[strcspn(line, ";")] = 0;
		f = fopen(jp, "a");
		if (f) {
			fprintf(f, "%s\n", line);
			fclose(f);
		}
		free(jp);
		fprintf(stderr, "zwsim sweep: submitted job %s%s\n", line,
			wait ? (st ? ", ended with failed tasks" : ", ended") : "");
		if (wait && st)
			ret = 1;
	}
	free(arr);
out:
	free(dir);
	free(script);
	return ret;
}
