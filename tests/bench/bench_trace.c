// SPDX-License-Identifier: MIT
/*
 * Trace reader throughput: records per second through trace_open/next
 * for each format, from a file of generated records (page cache, so the
 * parsers are what is timed), best of three; and the peak RSS of reading
 * a long blkparse text from a pipe (memory must not grow with the trace).
 *
 *   bench: trace_NAME_records_per_s VALUE records/s
 *   bench: trace_pipe_peak_rss_mib VALUE MiB
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Record @i of @format as text, into @buf; its length. */
static int gen_line(const char *format, uint64_t i, char *buf, size_t n)
{
	uint64_t t = i * 1237, sector = (i * 8) % (1ull << 31);
	if (!strcmp(format, "blkparse"))
		return snprintf(buf, n, "  8,16   %" PRIu64 " %8" PRIu64 " %5" PRIu64 ".%09" PRIu64 "  4711  Q  WS %" PRIu64 " + 8 [fio]\n",
				i % 2, i + 1, t / 1000000000, t % 1000000000, sector);
	if (!strcmp(format, "fio-iolog"))
		return snprintf(buf, n, "%" PRIu64 " /dev/sdb write %" PRIu64 " 4096\n", t / 1000, sector * 512);
	if (!strcmp(format, "msr"))
		return snprintf(buf, n, "%" PRIu64 ",hm,0,Write,%" PRIu64 ",4096,1234\n", (uint64_t)128166385295514663ull + t / 100,
				sector * 512);
	if (!strcmp(format, "tencent"))
		return snprintf(buf, n, "%" PRIu64 ",%" PRIu64 ",8,1,1058\n", 1538323199 + t / 1000000000, sector);
	if (!strcmp(format, "alibaba"))
		return snprintf(buf, n, "7,W,%" PRIu64 ",4096,%" PRIu64 "\n", sector * 512, (uint64_t)1577808000000000ull + t / 1000);
	if (!strcmp(format, "fiu"))
		return snprintf(buf, n, "%" PRIu64 " 2552 kjournald %" PRIu64 " 8 W 6 0 3f4fc2833a17fd2a3dacad7c0e8ca8ad\n",
				(uint64_t)89966527996712ull + t, sector);
	if (!strcmp(format, "spc"))
		return snprintf(buf, n, "0,%" PRIu64 ",4096,w,%" PRIu64 ".%06" PRIu64 "\n", sector, t / 1000000000,
				(t % 1000000000) / 1000);
	return 0;
}

/* A blk_io_trace v7 Q record, native order */
static void gen_bin(uint64_t i, unsigned char *r)
{
	uint32_t magic = 0x65617407, seq = (uint32_t)i + 1, bytes = 4096, action = ((0x2u | 0x10u) << 16) | 1,
		 pid = 4711, dev = (8u << 20) | 16, cpu = 0;
	uint64_t t = 1000000 + i * 1237, sector = (i * 8) % (1ull << 31);
	uint16_t z = 0;
	memcpy(r, &magic, 4);
	memcpy(r + 4, &seq, 4);
	memcpy(r + 8, &t, 8);
	memcpy(r + 16, &sector, 8);
	memcpy(r + 24, &bytes, 4);
	memcpy(r + 28, &action, 4);
	memcpy(r + 32, &pid, 4);
	memcpy(r + 36, &dev, 4);
	memcpy(r + 40, &cpu, 4);
	memcpy(r + 44, &z, 2);
	memcpy(r + 46, &z, 2);
}

static char *make_file(const char *format, uint64_t n)
{
	char *path = strdup("/tmp/zwsim-bench-trace-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	char line[256];
	if (!strcmp(format, "fio-iolog"))
		fputs("fio version 3 iolog\n", f);
	for (uint64_t i = 0; i < n; i++) {
		if (!strcmp(format, "blktrace")) {
			unsigned char r[48];
			gen_bin(i, r);
			fwrite(r, 1, 48, f);
		} else {
			int l = gen_line(format, i, line, sizeof(line));
			fwrite(line, 1, (size_t)l, f);
		}
	}
	fclose(f);
	return path;
}

static uint64_t read_all(const char *path, const char *format)
{
	struct trace_err err;
	const char *paths[] = { path };
	struct trace_opts o = { .action = 'Q' };
	struct trace_reader *r = trace_open(paths, 1, format, &o, &err);
	if (!r) {
		fprintf(stderr, "bench: %s\n", err.msg);
		exit(1);
	}
	struct trace_rec rec;
	uint64_t n = 0, sum = 0;
	int rc;
	while ((rc = trace_next(r, &rec, &err)) == 1) {
		n++;
		sum += rec.offset;
	}
	if (rc < 0) {
		fprintf(stderr, "bench: %s\n", err.msg);
		exit(1);
	}
	trace_close(r);
	if (!sum)
		exit(1);
	return n;
}

static void bench_format(const char *format, uint64_t n)
{
	char *path = make_file(format, n);
	double best = 0;
	for (int k = 0; k < 3; k++) {
		double t0 = now();
		uint64_t got = read_all(path, NULL);
		double rate = (double)got / (now() - t0);
		if (got != n) {
			fprintf(stderr, "bench: %s: %" PRIu64 " of %" PRIu64 " records\n", format, got, n);
			exit(1);
		}
		if (rate > best)
			best = rate;
	}
	char name[32];
	snprintf(name, sizeof(name), "%s", format);
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	printf("bench: trace_%s_records_per_s %.0f records/s\n", name, best);
	fflush(stdout);
	unlink(path);
	free(path);
}

/* A child writes @n blkparse lines into a pipe; we read them all: peak RSS */
static void bench_pipe(uint64_t n)
{
	int p[2];
	if (pipe(p))
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		FILE *f = fdopen(p[1], "w");
		char line[256];
		for (uint64_t i = 0; i < n; i++) {
			int l = gen_line("blkparse", i, line, sizeof(line));
			fwrite(line, 1, (size_t)l, f);
		}
		fclose(f);
		_exit(0);
	}
	close(p[1]);
	char path[32];
	snprintf(path, sizeof(path), "/dev/fd/%d", p[0]);
	uint64_t got = read_all(path, NULL);
	close(p[0]);
	waitpid(pid, NULL, 0);
	if (got != n) {
		fprintf(stderr, "bench: pipe: %" PRIu64 " of %" PRIu64 " records\n", got, n);
		exit(1);
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("bench: trace_pipe_peak_rss_mib %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
}

/* bench_trace [FORMAT]: all figures, or one format's */
int main(int argc, char **argv)
{
	static const char *const text[] = { "blkparse", "fio-iolog", "msr", "tencent", "alibaba", "fiu", "spc" };
	if (argc > 1) {
		bench_format(argv[1], strcmp(argv[1], "blktrace") ? 2000000 : 4000000);
		return 0;
	}
	/* the pipe first, so the peak is the reader's and not the file benches' */
	bench_pipe(10000000);
	bench_format("blktrace", 4000000);
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		bench_format(text[i], 2000000);
	return 0;
}
