/* SPDX-License-Identifier: MIT */
#ifndef ZWSIM_REPORT_H
#define ZWSIM_REPORT_H
/*
 * zwsim report: pictures of a run.  The input is a result JSON object (what
 * `zwsim fs --json` or `zwsim replay --json` prints: zones, files, stats,
 * and whatever else is there) and, optionally, its event log (JSON Lines,
 * docs/event-log.md).  The writers make one self-contained HTML page, one
 * SVG figure, or a plain-text summary (docs/report.md).
 *
 * Either input may be missing (NULL), not both.  On bad input the functions
 * return -1 with a message naming the file, line and field in err; nothing
 * is written to out then.  Output is deterministic: the same inputs give
 * the same bytes.
 */
#include <stdio.h>

#include <json-c/json.h>

struct zw_report;

/* Read and aggregate the inputs; json_name names the result in messages. */
struct zw_report *zw_report_load(json_object *result, const char *json_name, const char *log_path,
				 char *err, size_t errlen);
void zw_report_free(struct zw_report *rep);

/* The figures --svg draws, by name; NULL-terminated. */
extern const char *const zw_report_figures[];

int zw_report_write_html(struct zw_report *rep, FILE *out);
/* -1 with err when the figure is unknown or its data is not in the inputs. */
int zw_report_write_svg(struct zw_report *rep, const char *figure, FILE *out, char *err, size_t errlen);
int zw_report_write_text(struct zw_report *rep, FILE *out);

/*
 * All in one, for `zwsim replay --html FILE`: the HTML page of a result and
 * its event log (log_path may be NULL).  0, or -1 with err.
 */
int zw_report_html(FILE *out, json_object *result, const char *log_path, char *err, size_t errlen);

#endif
