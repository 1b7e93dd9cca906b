// SPDX-License-Identifier: MIT
/* libFuzzer: the msr trace reader on any bytes (tools/trace/). */
#include "fuzz_trace.h"

FUZZ_TRACE_FORMAT("msr")
