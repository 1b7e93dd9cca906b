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
 *   fill_copy_mb_per_s                the replay's two copies alone, on memory
 *                                     faulted in first: each 4 KiB block of a
 *                                     256 MiB "page cache" filled with the
 *                                     pattern, and copied into a 384 MiB "zone"
 *                                     area 100 MiB later (the background
 *                                     writeback threshold of the replay's 1 GiB)
 *   writeback_bytes_mb_per_s          the writeback part of bench_writeback's
 *                                     bytes-mode run (4 KiB folios, block device client)
 *   replay_bytes_xfs_zoned_mb_per_s   user bytes per CPU second of `zwsim replay`
 *                                     of 512 Ki 4 KiB writes from a fio iolog
 *                                     through xfs-zoned on emu:...,data=bytes,
 *                                     end to end
 *   replay_bytes_xfs_zoned_2m_mb_per_s  the same for 2 Mi writes, as many as
 *                                     bench_replay.py's tags-mode figures replay
 *   replay_bytes_xfs_zoned_steady_mb_per_s  what the second half of a replay
 *                                     of 1 Mi writes adds (first-touch memory
 *                                     excluded)
 *   replay_bytes_xfs_zoned_memcpy_ratio, _2m_memcpy_ratio  the two end-to-end
 *                                     figures / memcpy_mb_per_s (the target is
 *                                     1/3); printed when both groups ran
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
#include "copy.h"
#include "pattern.h"

#define RUNS 3

static double cpu_now(void)
{
	return bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

/* @sz bytes of @byte, every page faulted in */
static uint8_t *faulted_in(size_t sz, int byte)
{
	uint8_t *p = malloc(sz);

	if (!p) {
		fprintf(stderr, "bench_bytes: out of memory\n");
		exit(1);
	}
	memset(p, byte, sz);
	return p;
}

static double memcpy_mb_per_s(void)
{
	size_t sz = (size_t)512 << 20;
	uint8_t *a = faulted_in(sz, 0x5a), *b = faulted_in(sz, 0);
	double best = 0;

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

/*
 * The floor of the bytes-mode replay's data path: what zw_pattern_fill()
 * into the folio and zw_copy() into the zone cost a user byte when neither
 * the model's work nor first-touch memory is in the way.  The copy reads a
 * block 100 MiB after it was filled, as writeback past the background
 * threshold does, so it comes from memory, not from the cache.
 */
static double fill_copy_mb_per_s(void)
{
	size_t csz = (size_t)256 << 20, zsz = (size_t)384 << 20, lag = (size_t)100 << 20, total = 4 * csz;
	uint8_t *c = faulted_in(csz, 0), *z = faulted_in(zsz, 0);
	uint64_t tag = 1;
	double best = 0;

	for (int r = 0; r < RUNS; r++) {
		size_t zoff = 0;
		double t = cpu_now(), mb;

		/* block i filled, block i - lag copied; past the end only copies (the last sync) */
		for (size_t i = 0; i < total + lag; i += 4096) {
			if (i < total)
				zw_pattern_fill(c + i % csz, 4096, tag++);
			if (i >= lag) {
				zw_copy(z + zoff, c + (i - lag) % csz, 4096);
				zoff = (zoff + 4096) % zsz;
			}
		}
		mb = (double)total / 1e6 / (cpu_now() - t);
		if (mb > best)
			best = mb;
	}
	if (!zw_pattern_decode(z + 4096, 4096, &tag) || !tag)
		exit(1);
	free(c);
	free(z);
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
 * (2 GiB from the user) on 32 zones of 64 MiB, or 32 times over (8 GiB, 2 Mi
 * records): stale zones are reset and written again, so memory stays within
 * the device's 2 GiB, as a long replay's must.  The first pass pays for
 * fresh memory (the kernel faults and clears every page of the cached file
 * and of the zones first written, 668 MB: about 0.4 s a GiB here, more than
 * copying it); the later ones run at the data path's own speed.
 */
#define REPLAY_FILE_BLOCKS 65536u
#define REPLAY_PASSES 8u
#define LONG_PASSES 32u

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

static double mb_of(unsigned int passes)
{
	return (double)REPLAY_FILE_BLOCKS * passes * 4096 / 1e6;
}

struct replay_figures {
	double mb_per_s, long_mb_per_s;	/* end to end: REPLAY_PASSES, LONG_PASSES */
};

/*
 * replay_bytes_xfs_zoned_mb_per_s: the replay of REPLAY_PASSES passes, end
 * to end; _2m_: of LONG_PASSES; _steady_: what the next REPLAY_PASSES
 * passes of a replay twice as long add (its CPU time minus the shorter
 * one's), the rate a long replay goes on at once its memory is in.
 */
static struct replay_figures replay_bytes(void)
{
	char dir[] = "/tmp/bench_bytes.XXXXXX";
	double t1, t2, tl, th;
	struct replay_figures f;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	t1 = replay_best_secs(dir, REPLAY_PASSES, false);
	t2 = replay_best_secs(dir, 2 * REPLAY_PASSES, false);
	tl = replay_best_secs(dir, LONG_PASSES, false);
	th = replay_best_secs(dir, REPLAY_PASSES, true);
	rmdir(dir);
	f.mb_per_s = mb_of(REPLAY_PASSES) / t1;
	f.long_mb_per_s = mb_of(LONG_PASSES) / tl;
	printf("bench: replay_bytes_xfs_zoned_mb_per_s %.0f MB/s\n", f.mb_per_s);
	printf("bench: replay_bytes_xfs_zoned_2m_mb_per_s %.0f MB/s\n", f.long_mb_per_s);
	if (t2 > t1)
		printf("bench: replay_bytes_xfs_zoned_steady_mb_per_s %.0f MB/s\n", mb_of(REPLAY_PASSES) / (t2 - t1));
	else
		fprintf(stderr, "bench_bytes: replay_bytes_xfs_zoned_steady_mb_per_s not measured: "
			"the longer replay took no longer (%.3f s, %.3f s)\n", t2, t1);
	printf("bench: replay_bytes_xfs_zoned_hugepages_mb_per_s %.0f MB/s\n", mb_of(REPLAY_PASSES) / th);
	return f;
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	double memcpy_mb = 0;

	if (!only || !strcmp(only, "memcpy")) {
		memcpy_mb = memcpy_mb_per_s();
		printf("bench: memcpy_mb_per_s %.0f MB/s\n", memcpy_mb);
		printf("bench: fresh_memory_mb_per_s %.0f MB/s\n", fresh_memory_mb_per_s());
		printf("bench: fill_copy_mb_per_s %.0f MB/s\n", fill_copy_mb_per_s());
	}
	if (!only || !strcmp(only, "writeback")) {
		double best = 0;

		for (int r = 0; r < RUNS; r++) {
			double mb = writeback_bytes_mb_per_s();

			best = mb > best ? mb : best;
		}
		printf("bench: writeback_bytes_mb_per_s %.0f MB/s\n", best);
	}
	if (!only || !strcmp(only, "replay")) {
		struct replay_figures f = replay_bytes();

		if (memcpy_mb > 0) {
			printf("bench: replay_bytes_xfs_zoned_memcpy_ratio %.3f ratio\n", f.mb_per_s / memcpy_mb);
			printf("bench: replay_bytes_xfs_zoned_2m_memcpy_ratio %.3f ratio\n", f.long_mb_per_s / memcpy_mb);
		}
	}
	return 0;
}
