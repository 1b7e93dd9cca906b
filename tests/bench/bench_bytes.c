// SPDX-License-Identifier: MIT
/*
 * Bytes-mode benchmarks (docs/performance.md): how close the data path
 * comes to this machine's memory bandwidth when the emulated device keeps
 * every byte.
 *
 *   memcpy_mb_per_s                   memcpy() between two 512 MiB buffers
 *                                     (larger than the caches), faulted in first
 *   fresh_memory_mb_per_s             the kernel handing out fresh memory: 512 MiB
 *                                     mapped, a byte written a page, unmapped
 *   writeback_bytes_mb_per_s          the writeback part of bench_writeback's
 *                                     bytes-mode run (4 KiB folios, block device client)
 *   replay_bytes_xfs_zoned_mb_per_s   user bytes per CPU second of `zwsim replay`
 *                                     of 4 KiB writes from a fio iolog through
 *                                     xfs-zoned on emu:...,data=bytes, end to end
 *   replay_bytes_xfs_zoned_steady_mb_per_s  the same for what a replay twice
 *                                     as long adds (first-touch memory excluded)
 *   replay_bytes_xfs_zoned_hugepages_mb_per_s  the end-to-end figure with
 *                                     `zwsim replay --hugepages`
 *
 * CPU time (getrusage, clock_gettime(CLOCK_PROCESS_CPUTIME_ID)) rather than
 * wall-clock time: the machine is shared.  Best of three each.  The replay
 * runs the zwsim binary named by $ZWSIM (make bench sets it), else ./zwsim.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_wb.h"

#define RUNS 3

static double cpu_now(void)
{
	return bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static double memcpy_mb_per_s(void)
{
	size_t sz = (size_t)512 << 20;
	uint8_t *a = malloc(sz), *b = malloc(sz);
	double best = 0;

	if (!a || !b) {
		fprintf(stderr, "bench_bytes: out of memory\n");
		exit(1);
	}
	memset(a, 0x5a, sz);
	memset(b, 0, sz);
	for (int r = 0; r < RUNS; r++) {
		double t = cpu_now(), mb;

		memcpy(r & 1 ? a : b, r & 1 ? b : a, sz);
		mb = (double)sz / 1e6 / (cpu_now() - t);
		if (mb > best)
			best = mb;
	}
	/* keep the copies from being optimised away */
	if (a[sz / 2] != 0x5a || b[sz / 3] != 0x5a)
		exit(1);
	free(a);
	free(b);
	return best;
}

/*
 * What a process pays for memory it has not touched before (the page cache
 * and the zones a replay first writes): mmap() of 512 MiB, one byte
 * written a 4 KiB page (the kernel's page fault: a page taken, charged to
 * the cgroup, cleared, mapped), munmap() (the pages given back).
 */
static double fresh_memory_mb_per_s(void)
{
	size_t sz = (size_t)512 << 20;
	double best = 0;

	for (int r = 0; r < RUNS; r++) {
		double t = cpu_now(), mb;
		volatile uint8_t *p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("bench_bytes: mmap");
			exit(1);
		}
		for (size_t o = 0; o < sz; o += 4096)
			p[o] = 1;
		munmap((void *)p, sz);
		mb = (double)sz / 1e6 / (cpu_now() - t);
		if (mb > best)
			best = mb;
	}
	return best;
}

/* bench_writeback's bytes-mode run: 4 rounds of 65,536 4 KiB folios, the writeback part timed */
static double writeback_bytes_mb_per_s(void)
{
	uint64_t folios;
	double secs = bench_wb_run("bench_bytes", "emu:zones=16,zone_size=256M,data=bytes", 65536, 4,
				   CLOCK_PROCESS_CPUTIME_ID, &folios);

	return (double)(folios * 4096) / 1e6 / secs;
}

/*
 * The replay: a 256 MiB file written whole eight times over in 4 KiB writes
 * (2 GiB from the user) on 32 zones of 64 MiB: stale zones are reset and
 * written again, so memory stays within the device's 2 GiB, as a long
 * replay's must.  The first pass pays for fresh memory (the kernel faults
 * and clears every page of the cached file and of the zones first written:
 * about 0.4 s a GiB here, more than copying it); the later ones run at the
 * data path's own speed.
 */
#define REPLAY_FILE_BLOCKS 65536u
#define REPLAY_PASSES 8u

static void write_iolog(const char *path, unsigned int passes)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		exit(1);
	}
	fprintf(f, "fio version 2 iolog\nv add\nv open\n");
	for (unsigned int p = 0; p < passes; p++)
		for (unsigned int i = 0; i < REPLAY_FILE_BLOCKS; i++)
			fprintf(f, "v write %llu 4096\n", (unsigned long long)i * 4096);
	if (fclose(f)) {
		perror(path);
		exit(1);
	}
}

/*
 * CPU seconds (user + system) of one zwsim replay of @iolog, which must
 * succeed; @huge: with --hugepages
 */
static double replay_once(const char *zwsim, const char *iolog, bool huge)
{
	struct rusage ru;
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (!pid) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execl(zwsim, zwsim, "replay", "--dev", "emu:zones=32,zone_size=64M,data=bytes",
		      "--fs", "xfs-zoned", iolog, huge ? "--hugepages" : (char *)NULL, (char *)NULL);
		perror(zwsim);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench_bytes: %s replay failed\n", zwsim);
		exit(1);
	}
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* best CPU seconds of a replay of the file written @passes times */
static double replay_best_secs(const char *dir, unsigned int passes, bool huge)
{
	const char *zwsim = getenv("ZWSIM") ? getenv("ZWSIM") : "./zwsim";
	char path[64];
	double best = 0;

	snprintf(path, sizeof(path), "%s/w%u.iolog", dir, passes);
	write_iolog(path, passes);
	for (int r = 0; r < RUNS; r++) {
		double secs = replay_once(zwsim, path, huge);

		if (!r || secs < best)
			best = secs;
	}
	unlink(path);
	return best;
}

/*
 * replay_bytes_xfs_zoned_mb_per_s: the replay of REPLAY_PASSES passes, end
 * to end; replay_bytes_xfs_zoned_steady_mb_per_s: what the next
 * REPLAY_PASSES passes of a replay twice as long add (its CPU time minus the
 * shorter one's), the rate a long replay goes on at once its memory is in.
 */
static void replay_bytes(void)
{
	char dir[] = "/tmp/bench_bytes.XXXXXX";
	double mb = (double)REPLAY_FILE_BLOCKS * REPLAY_PASSES * 4096 / 1e6, t1, t2, th;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	t1 = replay_best_secs(dir, REPLAY_PASSES, false);
	t2 = replay_best_secs(dir, 2 * REPLAY_PASSES, false);
	th = replay_best_secs(dir, REPLAY_PASSES, true);
	rmdir(dir);
	printf("bench: replay_bytes_xfs_zoned_mb_per_s %.0f MB/s\n", mb / t1);
	if (t2 > t1)
		printf("bench: replay_bytes_xfs_zoned_steady_mb_per_s %.0f MB/s\n", mb / (t2 - t1));
	else
		fprintf(stderr, "bench_bytes: replay_bytes_xfs_zoned_steady_mb_per_s not measured: "
			"the longer replay took no longer (%.3f s, %.3f s)\n", t2, t1);
	printf("bench: replay_bytes_xfs_zoned_hugepages_mb_per_s %.0f MB/s\n", mb / th);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;

	if (!only || !strcmp(only, "memcpy")) {
		printf("bench: memcpy_mb_per_s %.0f MB/s\n", memcpy_mb_per_s());
		printf("bench: fresh_memory_mb_per_s %.0f MB/s\n", fresh_memory_mb_per_s());
	}
	if (!only || !strcmp(only, "writeback")) {
		double best = 0;

		for (int r = 0; r < RUNS; r++) {
			double mb = writeback_bytes_mb_per_s();

			best = mb > best ? mb : best;
		}
		printf("bench: writeback_bytes_mb_per_s %.0f MB/s\n", best);
	}
	if (!only || !strcmp(only, "replay"))
		replay_bytes();
	return 0;
}
