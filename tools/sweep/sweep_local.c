// SPDX-License-Identifier: MIT
/*
 * The local runner: up to N runs at a time on this machine, each a child
 * `zwsim replay`, the finished ones skipped; and a Slurm array task, which
 * runs one run of the plan by its index the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progress.h"
#include "sweep.h"

int sweep_local(const struct sweep *sw, const char *zwsim, int jobs, bool force_progress)
{
	size_t *todo = sw_calloc(sw->nr_runs, sizeof(size_t));
	pid_t *pids = sw_calloc((size_t)jobs, sizeof(pid_t));
	size_t *slot_run = sw_calloc((size_t)jobs, sizeof(size_t));
	size_t nr_todo = 0, next = 0, done = 0, failed = 0, running = 0, skipped;
	struct progress pg;
	char *lock = sw_asprintf("%s/lock", sw->out);
	int lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);

	/* one local sweep at a time in a directory: two would run the same runs */
	if (lfd < 0 || flock(lfd, LOCK_EX | LOCK_NB)) {
		fprintf(stderr, "zwsim sweep: %s: %s\n", lock,
			lfd < 0 ? strerror(errno) : "another zwsim sweep is running in this directory");
		if (lfd >= 0)
			close(lfd);
		free(lock);
		free(todo);
		free(pids);
		free(slot_run);
		return 2;
	}
	free(lock);
	for (size_t i = 0; i < sw->nr_runs; i++)
		if (sweep_state(sw, i) != RUN_DONE)
			todo[nr_todo++] = i;
	skipped = sw->nr_runs - nr_todo;
	progress_init(&pg, "zwsim sweep", "runs", nr_todo, false);
	/* the sweep's stdout carries nothing: a terminal on stderr is enough */
	if (isatty(STDERR_FILENO) && !(getenv("ZWSIM_PROGRESS") && !strcmp(getenv("ZWSIM_PROGRESS"), "0")))
		pg.on = true;
	if (force_progress)
		progress_force(&pg);
	while (next < nr_todo || running) {
		int status;
		pid_t pid;

		while (next < nr_todo && running < (size_t)jobs) {
			int s = 0;

			while (pids[s])
				s++;
			pid = sweep_start(sw, todo[next], zwsim);
			if (pid < 0) {
				failed++;
				next++;
				continue;
			}
			pids[s] = pid;
			slot_run[s] = todo[next++];
			running++;
		}
		if (!running)
			break;
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int s = 0; s < jobs; s++)
			if (pids[s] == pid) {
				pids[s] = 0;
				running--;
				if (sweep_finish(sw, slot_run[s], status)) {
					failed++;
					progress_done(&pg);
					fprintf(stderr, "zwsim sweep: run %s failed, see %s/logs/%s.log\n",
						sw->runs[slot_run[s]].name, sw->out, sw->runs[slot_run[s]].name);
				} else {
					done++;
				}
				progress_update(&pg, done + failed);
			}
	}
	progress_done(&pg);
	fprintf(stderr, "zwsim sweep: %zu runs: %zu done now, %zu done before, %zu failed\n",
		sw->nr_runs, done, skipped, failed);
	free(todo);
	free(pids);
	free(slot_run);
	close(lfd);
	return failed ? 1 : 0;
}

int sweep_task(const char *out, long index)
{
	char err[SWEEP_ERRLEN], *zwsim = NULL;
	struct sweep sw;
	int status, ret;
	pid_t pid;

	if (sweep_read_plan(&sw, out, &zwsim, err, sizeof(err))) {
		fprintf(stderr, "zwsim sweep: %s\n", err);
		free(zwsim);
		sweep_free(&sw);
		return 2;
	}
	if (index < 0 || (size_t)index >= sw.nr_runs) {
		fprintf(stderr, "zwsim sweep: --task %ld: the plan has runs 0 to %zu\n", index, sw.nr_runs - 1);
		ret = 2;
		goto out;
	}
	if (sweep_state(&sw, (size_t)index) == RUN_DONE) {
		fprintf(stderr, "zwsim sweep: run %s: done before\n", sw.runs[index].name);
		ret = 0;
		goto out;
	}
	fprintf(stderr, "zwsim sweep: run %ld: %s\n", index, sw.runs[index].name);
	pid = sweep_start(&sw, (size_t)index, zwsim);
	if (pid < 0) {
		ret = 1;
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = 0x7f00;
			break;
		}
	ret = sweep_finish(&sw, (size_t)index, status) ? 1 : 0;
	if (ret)
		fprintf(stderr, "zwsim sweep: run %s failed, see %s/logs/%s.log\n", sw.runs[index].name, out,
			sw.runs[index].name);
out:
	free(zwsim);
	sweep_free(&sw);
	return ret;
}
