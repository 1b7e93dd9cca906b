// SPDX-License-Identifier: MIT
/* libFuzzer: the fio-iolog trace reader on any bytes (tools/trace/). */
#include "fuzz_trace.h"

FUZZ_TRACE_FORMAT("fio-iolog")
