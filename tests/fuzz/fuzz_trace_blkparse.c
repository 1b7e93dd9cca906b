// SPDX-License-Identifier: MIT
/* libFuzzer: the blkparse trace reader on any bytes (tools/trace/). */
#include "fuzz_trace.h"

FUZZ_TRACE_FORMAT("blkparse")
