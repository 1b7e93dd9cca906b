// SPDX-License-Identifier: MIT
/* libFuzzer: format detection and the stream layer (gzip, zstd, xz, bzip2) on any bytes. */
#include "fuzz_trace.h"

FUZZ_TRACE_FORMAT(NULL)
