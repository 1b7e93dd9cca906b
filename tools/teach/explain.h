/* SPDX-License-Identifier: MIT */
/* Why an operation was refused, in the kernel's and each device's terms. */
#ifndef ZWSIM_TEACH_EXPLAIN_H
#define ZWSIM_TEACH_EXPLAIN_H

#include "draw.h"
#include "zone.h"

/*
 * The reason, the rule, the Linux status and errno, and what null_blk, an
 * NVMe ZNS device and a SCSI ZBC disk report for the same refusal (when
 * the device's zone rules refused it: res->err set).
 */
void teach_explain(const struct teach_term *t, const struct zone_result *res, const char *what);
/* The same for a bio that failed in writeback or a file system (the event log's bio_end). */
void teach_explain_bio(const struct teach_term *t, const char *status, const char *reason,
		       const char *zone_err);

#endif
