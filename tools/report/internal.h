/* SPDX-License-Identifier: MIT */
#ifndef ZWSIM_REPORT_INTERNAL_H
#define ZWSIM_REPORT_INTERNAL_H
/* What the report's files share: the aggregated model of one run. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "report.h"

/* Time bins of the over-time figures: enough for a wide screen, few enough to embed. */
#define RPT_BINS 1000

/* Zone conditions, as blkzone abbreviates them (docs/fs-command.md). */
enum rpt_cond { RC_NW, RC_EM, RC_OI, RC_OE, RC_CL, RC_FU, RC_RO, RC_OL, RC_NR };
extern const char *const rpt_cond_name[RC_NR];	/* "nw", "em", ... */
extern const char *const rpt_cond_long[RC_NR];	/* "not write pointer", "empty", ... */
extern const char *const rpt_cond_colour[RC_NR];
int rpt_cond_parse(const char *s);		/* -1 if unknown */

struct rpt_zone {
	int cond;
	int64_t wp;		/* bytes from the zone start, -1: none */
	int64_t start, len, cap;	/* bytes, -1: not in the input */
	int64_t valid;		/* bytes of file data mapped here (from the files' extents) */
};

struct rpt_extent {
	int64_t off, len, zone, zone_off;
};

struct rpt_file {
	const char *name;	/* points into the result JSON */
	int64_t size;
	size_t nr_ext;
	struct rpt_extent *ext;
};

/* A latency sample set: one operation kind of the event log's bios. */
struct rpt_lat {
	char op[24];
	uint64_t *v;
	size_t n, alloc;
};

/* One kind of event line: its name and the keys after t and ev, in order. */
struct rpt_variant {
	char *ev;
	char **keys;
	size_t nr_keys;
	uint64_t count;
};

/* Percentiles of one operation: p50, p90, p99, p99.9, max (ns). */
#define RPT_NR_PCT 5
extern const char *const rpt_pct_name[RPT_NR_PCT];
extern const double rpt_pct_rank[RPT_NR_PCT];
struct rpt_pct {
	char op[32];
	uint64_t count;
	double v[RPT_NR_PCT];
};

struct rpt_bin {
	uint64_t dev_bytes;	/* written to the device: write and zone append bios completed OK */
	uint64_t wb_bytes;	/* file data the host wrote back: folio writeback ends, direct writes */
	uint64_t read_bytes;
	uint32_t resets, finishes, errors, events;
	uint32_t open, active;	/* at the bin's end, from zone_cond events */
};

struct zw_report {
	json_object *result;	/* a reference, or NULL */
	const char *json_name, *log_name;

	struct rpt_zone *zones;
	size_t nr_zones;
	bool geometry;		/* start/len/cap known for every zone */
	int64_t dev_bytes_total;	/* the device's size from the geometry */
	struct rpt_file *files;
	size_t nr_files;
	json_object *stats;	/* result.stats, or NULL */

	/* the event log */
	bool has_log;
	uint64_t nr_events;
	uint64_t t0, t1;	/* first and last event time */
	struct rpt_bin *bins;	/* RPT_BINS of them when has_log */
	uint8_t *zone_bins;	/* nr_zones * RPT_BINS conditions at each bin's end, or NULL */
	uint8_t *cond0;		/* each zone's condition at the first event (with zone_bins) */
	uint32_t max_open, max_active;
	uint64_t nr_errors;
	char first_error[256];
	struct rpt_lat *lat;
	size_t nr_lat;
	struct rpt_pct *log_pct;	/* the log's bio latencies, nr_lat of them */
	struct rpt_pct *res_pct;	/* the result's own (zwsim replay's latency_ns) */
	size_t nr_res_pct;
	struct rpt_variant *var;
	size_t nr_var;
	char *evbuf;		/* compact event lines (html.c's format) */
	size_t evlen, evalloc;
};

int rpt_load_result(struct zw_report *rep, json_object *result, char *err, size_t errlen);
int rpt_load_log(struct zw_report *rep, const char *path, char *err, size_t errlen);

/* Helpers for the writers. */
void rpt_html_escape(FILE *out, const char *s);
void rpt_fmt_bytes(char *buf, size_t len, double bytes);	/* "1.5 MiB" */
void rpt_fmt_ns(char *buf, size_t len, double ns);		/* "12.3 µs" */
uint64_t rpt_percentile(const uint64_t *sorted, size_t n, double p);
/* The result's top-level number at a path such as "stats.write_amplification". */
bool rpt_number(const struct zw_report *rep, const char *path, double *v);

/* SVG figures; standalone adds the XML header and the fonts the page's CSS gives otherwise. */
bool rpt_svg_has(const struct zw_report *rep, const char *figure);
void rpt_svg_zone_map(const struct zw_report *rep, FILE *out, bool standalone);
void rpt_svg_timeline(const struct zw_report *rep, FILE *out, bool standalone);
void rpt_svg_counts(const struct zw_report *rep, FILE *out, bool standalone);
void rpt_svg_wa(const struct zw_report *rep, FILE *out, bool standalone);
void rpt_svg_latency(const struct rpt_pct *rows, size_t n, const char *id, const char *title, FILE *out,
		     bool standalone);
void rpt_svg_extents(const struct zw_report *rep, const struct rpt_file *f, FILE *out);
/* A result array of objects with "t" and numbers (zones_over_time and the like) as a chart. */
void rpt_svg_series(const struct zw_report *rep, json_object *arr, const char *id, const char *title, FILE *out,
		    bool standalone);

#endif
