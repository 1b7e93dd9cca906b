// SPDX-License-Identifier: MIT
/* libFuzzer: the blktrace trace reader on any bytes (tools/trace/). */
#include "fuzz_trace.h"

FUZZ_TRACE_FORMAT("blktrace")
