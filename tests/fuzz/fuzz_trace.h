/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer for the trace readers: the bytes as a file (memfd) read to the
 * end by one reader (@format), or with the format detected (NULL), under
 * every --action and with and without --skip-bad.
 */
#ifndef ZWSIM_FUZZ_TRACE_H
#define ZWSIM_FUZZ_TRACE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline int fuzz_trace(const uint8_t *data, size_t size, const char *format)
{
	int fd = memfd_create("fuzz-trace", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	const char *paths[] = { path };
	/* the first byte picks the options, so the corpus explores them too */
	unsigned pick = size ? data[0] : 0;
	struct trace_opts o = { .action = "QDC"[pick % 3], .skip_bad = pick & 4, .block_size = pick & 8 ? 4096 : 0 };
	struct trace_err err;
	struct trace_reader *r = trace_open(paths, 1, format, &o, &err);
	if (r) {
		struct trace_rec rec;
		unsigned n = 0;
		while (trace_next(r, &rec, &err) == 1 && n++ < 1000000)
			if (rec.op == TRACE_OP_FS && !rec.fs_line)
				__builtin_trap();
		trace_close(r);
	}
	close(fd);
	return 0;
}

#define FUZZ_TRACE_FORMAT(fmt)                                                  \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)            \
	{                                                                       \
		return fuzz_trace(data, size, fmt);                             \
	}

#endif
