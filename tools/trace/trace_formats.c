// SPDX-License-Identifier: MIT
/* The format table: one row a reader (tools/trace/fmt_*.c). */
#include "trace_int.h"

extern const struct trace_format trace_fmt_blkparse, trace_fmt_blktrace, trace_fmt_fio_iolog, trace_fmt_msr,
	trace_fmt_alibaba, trace_fmt_tencent, trace_fmt_fiu, trace_fmt_spc, trace_fmt_fs;

const struct trace_format *const trace_formats[] = {
	&trace_fmt_blkparse, &trace_fmt_blktrace, &trace_fmt_fio_iolog,
	&trace_fmt_msr,	     &trace_fmt_alibaba,  &trace_fmt_tencent,
	&trace_fmt_fiu,	     &trace_fmt_spc,	  &trace_fmt_fs,
};

const size_t trace_nformats = sizeof(trace_formats) / sizeof(trace_formats[0]);
