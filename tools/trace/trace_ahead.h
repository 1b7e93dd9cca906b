/* SPDX-License-Identifier: MIT */
/*
 * A trace read ahead on a thread of its own (trace_ahead.c).  Between
 * trace_ahead_start() and trace_ahead_stop() only the thread touches the
 * reader; after trace_ahead_stop() its counters (trace_skipped(),
 * trace_zone_ops()) are final.  Not for the fs format, whose records point
 * into the reader's line buffer (rec->fs_line).
 */
#ifndef ZWSIM_TRACE_AHEAD_H
#define ZWSIM_TRACE_AHEAD_H

#include "trace.h"

struct trace_ahead;

/* NULL if no thread could be started (the caller reads @r itself then) */
struct trace_ahead *trace_ahead_start(struct trace_reader *r);
/* As trace_next(): 1 a record, 0 the end, -1 an error in @err; the same records in the same order */
int trace_ahead_next(struct trace_ahead *a, struct trace_rec *rec, struct trace_err *err);
/*
 * Ends the thread and frees @a; NULL is fine.  A replay that stops early
 * waits for the batch being read to be full (up to 512 records;
 * from a pipe, until its writer has written them or closed it).
 */
void trace_ahead_stop(struct trace_ahead *a);

#endif
