// SPDX-License-Identifier: MIT
/*
 * The result JSON (`zwsim fs --json`, `zwsim replay --json`): zones, files
 * and stats, checked field by field (docs/fs-command.md "The report").
 * Fields we do not know are kept for the page's "other results" tables.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *const rpt_cond_name[RC_NR] = { "nw", "em", "oi", "oe", "cl", "fu", "ro", "ol" };
const char *const rpt_cond_long[RC_NR] = {
	"not write pointer", "empty", "implicit open", "explicit open",
	"closed", "full", "read-only", "offline",
};
const char *const rpt_cond_colour[RC_NR] = {
	"#9a9a9a", "#e6e6e6", "#59a14f", "#2e7d32", "#f28e2b", "#4e79a7", "#b07aa1", "#e15759",
};

int rpt_cond_parse(const char *s)
{
	for (int i = 0; i < RC_NR; i++)
		if (!strcmp(s, rpt_cond_name[i]))
			return i;
	if (!strcmp(s, "of"))	/* blkzone's own spelling of offline */
		return RC_OL;
	return -1;
}

static bool get_int(json_object *o, const char *key, int64_t *v)
{
	json_object *x;

	if (!json_object_object_get_ex(o, key, &x) || !json_object_is_type(x, json_type_int))
		return false;
	*v = json_object_get_int64(x);
	return true;
}

static int load_zones(struct zw_report *rep, json_object *zones, char *err, size_t errlen)
{
	size_t n = json_object_array_length(zones);

	rep->zones = calloc(n ? n : 1, sizeof(*rep->zones));
	rep->nr_zones = n;
	rep->geometry = n > 0;
	for (size_t i = 0; i < n; i++) {
		json_object *z = json_object_array_get_idx(zones, i), *c, *wp;
		struct rpt_zone *rz = &rep->zones[i];
		int64_t no;

		if (!json_object_is_type(z, json_type_object) || !get_int(z, "zone", &no) || no != (int64_t)i) {
			snprintf(err, errlen, "%s: zones[%zu]: not an object with \"zone\": %zu", rep->json_name, i, i);
			return -1;
		}
		if (!json_object_object_get_ex(z, "cond", &c) || !json_object_is_type(c, json_type_string) ||
		    (rz->cond = rpt_cond_parse(json_object_get_string(c))) < 0) {
			snprintf(err, errlen, "%s: zones[%zu].cond: missing or not a zone condition (em, oi, oe, cl, fu, ro, ol, nw)",
				 rep->json_name, i);
			return -1;
		}
		rz->wp = -1;
		if (json_object_object_get_ex(z, "wp", &wp) && wp) {
			if (!json_object_is_type(wp, json_type_int) || json_object_get_int64(wp) < 0) {
				snprintf(err, errlen, "%s: zones[%zu].wp: not a byte offset or null", rep->json_name, i);
				return -1;
			}
			rz->wp = json_object_get_int64(wp);
		}
		if (!get_int(z, "start", &rz->start) || !get_int(z, "len", &rz->len) || !get_int(z, "cap", &rz->cap) ||
		    rz->len <= 0 || rz->cap < 0 || rz->cap > rz->len || rz->start < 0) {
			rz->start = rz->len = rz->cap = -1;
			rep->geometry = false;
		}
	}
	if (rep->geometry)
		rep->dev_bytes_total = rep->zones[n - 1].start + rep->zones[n - 1].len;
	return 0;
}

static int load_files(struct zw_report *rep, json_object *files, char *err, size_t errlen)
{
	size_t n = (size_t)json_object_object_length(files), k = 0;

	rep->files = calloc(n ? n : 1, sizeof(*rep->files));
	json_object_object_foreach(files, name, f) {
		struct rpt_file *rf;
		json_object *ext;

		/* a file system's own attributes (zonefs's "/sys/fs/zonefs"), not a file */
		if (name[0] == '/')
			continue;
		rf = &rep->files[k++];
		rep->nr_files = k;
		rf->name = name;
		if (!json_object_is_type(f, json_type_object) || !get_int(f, "size", &rf->size) || rf->size < 0) {
			snprintf(err, errlen, "%s: files.%s.size: missing or not a size in bytes", rep->json_name, name);
			return -1;
		}
		if (!json_object_object_get_ex(f, "extents", &ext) || !json_object_is_type(ext, json_type_array)) {
			snprintf(err, errlen, "%s: files.%s.extents: missing or not an array", rep->json_name, name);
			return -1;
		}
		rf->nr_ext = json_object_array_length(ext);
		rf->ext = calloc(rf->nr_ext ? rf->nr_ext : 1, sizeof(*rf->ext));
		for (size_t i = 0; i < rf->nr_ext; i++) {
			json_object *e = json_object_array_get_idx(ext, i);
			struct rpt_extent *re = &rf->ext[i];

			if (!json_object_is_type(e, json_type_object) || !get_int(e, "off", &re->off) ||
			    !get_int(e, "len", &re->len) || !get_int(e, "zone", &re->zone) ||
			    !get_int(e, "zone_off", &re->zone_off) || re->off < 0 || re->len <= 0 || re->zone_off < 0) {
				snprintf(err, errlen,
					 "%s: files.%s.extents[%zu]: needs off, len (> 0), zone and zone_off in bytes",
					 rep->json_name, name, i);
				return -1;
			}
			if (re->zone < 0 || (size_t)re->zone >= rep->nr_zones) {
				snprintf(err, errlen, "%s: files.%s.extents[%zu].zone: %" PRId64 " is not one of the %zu zones",
					 rep->json_name, name, i, re->zone, rep->nr_zones);
				return -1;
			}
			rep->zones[re->zone].valid += re->len;
		}
	}
	return 0;
}

static void load_result_latency(struct zw_report *rep);

int rpt_load_result(struct zw_report *rep, json_object *result, char *err, size_t errlen)
{
	json_object *zones, *files, *stats;

	if (!json_object_is_type(result, json_type_object)) {
		snprintf(err, errlen, "%s: not a JSON object (the output of zwsim fs --json or zwsim replay --json)",
			 rep->json_name);
		return -1;
	}
	rep->result = json_object_get(result);
	if (!json_object_object_get_ex(result, "zones", &zones) || !json_object_is_type(zones, json_type_array)) {
		snprintf(err, errlen, "%s: no \"zones\" array: not the output of zwsim fs --json or zwsim replay --json",
			 rep->json_name);
		return -1;
	}
	if (load_zones(rep, zones, err, errlen))
		return -1;
	if (json_object_object_get_ex(result, "files", &files)) {
		if (!json_object_is_type(files, json_type_object)) {
			snprintf(err, errlen, "%s: \"files\" is not an object", rep->json_name);
			return -1;
		}
		if (load_files(rep, files, err, errlen))
			return -1;
	}
	if (json_object_object_get_ex(result, "stats", &stats)) {
		if (!json_object_is_type(stats, json_type_object)) {
			snprintf(err, errlen, "%s: \"stats\" is not an object", rep->json_name);
			return -1;
		}
		rep->stats = stats;
	}
	load_result_latency(rep);
	return 0;
}

static bool number_at(const struct zw_report *rep, const char *path, size_t len, double *v)
{
	json_object *o = rep->result;
	char buf[128], *save = NULL;

	if (!o || len >= sizeof(buf))
		return false;
	memcpy(buf, path, len);
	buf[len] = 0;
	for (char *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save))
		if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, k, &o))
			return false;
	if (!json_object_is_type(o, json_type_int) && !json_object_is_type(o, json_type_double))
		return false;
	*v = json_object_get_double(o);
	return true;
}

/* "a.b|c.d": the first of the paths the result has (zwsim fs names, then zwsim replay's). */
bool rpt_number(const struct zw_report *rep, const char *paths, double *v)
{
	for (const char *p = paths;;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (number_at(rep, p, len, v))
			return true;
		if (!bar)
			return false;
		p = bar + 1;
	}
}

static const char *const pct_key[RPT_NR_PCT] = { "p50", "p90", "p99", "p99.9", "max" };

/*
 * Latency percentiles the result gives (zwsim replay's "latency_ns": an
 * object of operations, each with count, p50, p90, p99, p99.9, max).
 */
static void load_result_latency(struct zw_report *rep)
{
	static const char *const keys[] = { "latency_ns", "latency" };
	json_object *lat = NULL;

	for (size_t i = 0; i < 2 && !lat; i++)
		if (!json_object_object_get_ex(rep->result, keys[i], &lat) || !json_object_is_type(lat, json_type_object))
			lat = NULL;
	if (!lat)
		return;
	rep->res_pct = calloc((size_t)json_object_object_length(lat) + 1, sizeof(*rep->res_pct));
	json_object_object_foreach(lat, op, v) {
		struct rpt_pct *p = &rep->res_pct[rep->nr_res_pct];
		json_object *x;
		bool ok = json_object_is_type(v, json_type_object);

		for (int k = 0; ok && k < RPT_NR_PCT; k++) {
			ok = json_object_object_get_ex(v, pct_key[k], &x) &&
			     (json_object_is_type(x, json_type_int) || json_object_is_type(x, json_type_double));
			if (ok)
				p->v[k] = json_object_get_double(x);
		}
		if (!ok)
			continue;
		snprintf(p->op, sizeof(p->op), "%s", op);
		p->count = json_object_object_get_ex(v, "count", &x) ? (uint64_t)json_object_get_int64(x) : 0;
		rep->nr_res_pct++;
	}
}

void rpt_html_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
}

void rpt_fmt_bytes(char *buf, size_t len, double b)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int u = 0;

	while (b >= 1024 && u < 5) {
		b /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f B", b);
	else
		snprintf(buf, len, "%.*f %s", b < 10 ? 2 : b < 100 ? 1 : 0, b, unit[u]);
}

void rpt_fmt_ns(char *buf, size_t len, double ns)
{
	if (ns < 1000)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.3g µs", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.3g ms", ns / 1e6);
	else
		snprintf(buf, len, "%.4g s", ns / 1e9);
}

/* Nearest rank, as fio's and most tools' percentiles. */
uint64_t rpt_percentile(const uint64_t *sorted, size_t n, double p)
{
	size_t rank;

	if (!n)
		return 0;
	rank = (size_t)((p / 100.0) * (double)n + 0.999999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

struct zw_report *zw_report_load(json_object *result, const char *json_name, const char *log_path,
				 char *err, size_t errlen)
{
	struct zw_report *rep = calloc(1, sizeof(*rep));

	rep->json_name = json_name ? json_name : "result";
	rep->log_name = log_path;
	if (!result && !log_path) {
		snprintf(err, errlen, "nothing to report: give a result JSON, an event log, or both");
		goto fail;
	}
	if (result && rpt_load_result(rep, result, err, errlen))
		goto fail;
	if (log_path && rpt_load_log(rep, log_path, err, errlen))
		goto fail;
	return rep;
fail:
	zw_report_free(rep);
	return NULL;
}

void zw_report_free(struct zw_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->nr_files; i++)
		free(rep->files[i].ext);
	free(rep->files);
	free(rep->zones);
	free(rep->bins);
	free(rep->zone_bins);
	free(rep->cond0);
	for (size_t i = 0; i < rep->nr_lat; i++)
		free(rep->lat[i].v);
	free(rep->lat);
	free(rep->res_pct);
	free(rep->log_pct);
	for (size_t i = 0; i < rep->nr_var; i++) {
		for (size_t k = 0; k < rep->var[i].nr_keys; k++)
			free(rep->var[i].keys[k]);
		free(rep->var[i].keys);
		free(rep->var[i].ev);
	}
	free(rep->var);
	free(rep->evbuf);
	json_object_put(rep->result);
	free(rep);
}

int zw_report_html(FILE *out, json_object *result, const char *log_path, char *err, size_t errlen)
{
	struct zw_report *rep = zw_report_load(result, "result", log_path, err, errlen);
	int ret;

	if (!rep)
		return -1;
	ret = zw_report_write_html(rep, out);
	zw_report_free(rep);
	return ret;
}
