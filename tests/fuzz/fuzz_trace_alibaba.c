// SPDX-License-Identifier: MIT
/* libFuzzer: the alibaba trace reader on any bytes (tools/trace/). */
#include "fuzz_trace.h"

FUZZ_TRACE_FORMAT("alibaba")
