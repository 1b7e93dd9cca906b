// SPDX-License-Identifier: MIT
/* The format table: one row a reader (tools/trace/fmt_*.c). */
#include "trace_int.h"

extern const struct trace_format trace_fmt_blkparse, trace_fmt_blktrace, trace_fmt_fio_iolog;

const struct trace_format *const trace_formats[] = {
	&trace_fmt_blkparse,
	&trace_fmt_blktrace,
	&trace_fmt_fio_iolog,
};

const size_t trace_nformats = sizeof(trace_formats) / sizeof(trace_formats[0]);
