// SPDX-License-Identifier: MIT
/*
 * The replay's report: one JSON object (docs/replay.md lists every key),
 * the short text summary made from it, and the CSV tables.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "replay.h"

/* A number with @decimals decimals, printed as such (no binary-fraction digits). */
static json_object *fixed(double v, int decimals)
{
	char s[48];

	if (!isfinite(v))
		return NULL;
	snprintf(s, sizeof(s), "%.*f", decimals, v);
	return json_object_new_double_s(strtod(s, NULL), s);
}

static json_object *ratio(double v)
{
	return fixed(v, 4);
}

static json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static json_object *by_kind(const uint64_t *v)
{
	json_object *o = json_object_new_object();

	for (int k = 0; k < RK_NR; k++)
		json_object_object_add(o, replay_kind_name((enum replay_kind)k), u64(v[k]));
	return o;
}

static json_object *lat_json(const struct lat_hist *h)
{
	static const struct { const char *name; double q; } qs[] = {
		{ "p50", 0.5 }, { "p90", 0.9 }, { "p99", 0.99 }, { "p99.9", 0.999 },
	};
	json_object *o = json_object_new_object();

	json_object_object_add(o, "count", u64(h->n));
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		json_object_object_add(o, qs[i].name, u64(lat_quantile(h, qs[i].q)));
	json_object_object_add(o, "max", u64(h->max));
	json_object_object_add(o, "mean", u64(h->n ? h->sum / h->n : 0));
	return o;
}

/* A number from the fs's own stats, 0 when it has none. */
static uint64_t fs_stat(json_object *stats, const char *key)
{
	json_object *v;

	return stats && json_object_object_get_ex(stats, key, &v) ? (uint64_t)json_object_get_int64(v) : 0;
}

json_object *replay_report_json(struct replay *rp)
{
	const struct replay_stats *s = &rp->s;
	const struct replay_devstat *ds = &rp->ds;
	json_object *top = json_object_new_object(), *o, *fsrep = NULL, *fsstats = NULL, *a;
	uint64_t gc, secs_ns = s->last_ns > s->first_ns ? s->last_ns - s->first_ns : 0;
	double secs = (double)secs_ns / 1e9;

	if (!rp->raw) {
		fsrep = fs_report_json(&rp->run, rp->bdev);
		json_object_object_get_ex(fsrep, "stats", &fsstats);
	}
	gc = fs_stat(fsstats, "gc_bytes");

	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(rp->trace_name ? rp->trace_name : ""));
	json_object_object_add(o, "format", json_object_new_string(rp->format ? rp->format : ""));
	json_object_object_add(top, "trace", o);

	o = json_object_new_object();
	json_object_object_add(o, "fs", json_object_new_string(rp->o.fsname));
	json_object_object_add(o, "dev", json_object_new_string(rp->inner->spec ? rp->inner->spec : ""));
	json_object_object_add(o, "qd", json_object_new_int((int)rp->o.qd));
	json_object_object_add(o, "timing", json_object_new_string(!s->timed ? "asap" : rp->o.strict ? "strict" : "speed"));
	json_object_object_add(o, "speed", s->timed ? ratio(rp->o.speed > 0 ? rp->o.speed : 1.0) : NULL);
	json_object_object_add(o, "clock", json_object_new_string(rp->real ? "measured" : "simulated"));
	json_object_object_add(top, "target", o);

	o = json_object_new_object();
	json_object_object_add(o, "read", by_kind(s->read));
	json_object_object_add(o, "replayed", by_kind(s->replayed));
	json_object_object_add(o, "failed", by_kind(s->failed));
	a = json_object_new_object();
	json_object_object_add(a, "volume", u64(s->skipped_volume));
	json_object_object_add(a, "range", u64(s->skipped_range));
	json_object_object_add(a, "unsupported", u64(s->skipped_unsupported));
	json_object_object_add(a, "bad", u64(s->skipped_bad));
	json_object_object_add(o, "skipped", a);
	if (s->read[RK_FS]) {
		a = json_object_new_object();
		for (int k = 0; k < F_NR_KINDS; k++)
			if (s->fs_replayed[k])
				json_object_object_add(a, fs_kind_name((enum fs_kind)k), u64(s->fs_replayed[k]));
		json_object_object_add(o, "fs_ops", a);
	}
	json_object_object_add(top, "records", o);

	o = json_object_new_object();
	json_object_object_add(o, "user_written", u64(s->user_write_bytes));
	json_object_object_add(o, "user_read", u64(s->user_read_bytes));
	json_object_object_add(o, "device_written", u64(ds->write_bytes));
	json_object_object_add(o, "device_read", u64(rp->replay_read_bytes));
	json_object_object_add(o, "gc_moved", u64(gc));
	json_object_object_add(o, "finish_padding", u64(ds->finish_pad_bytes));
	json_object_object_add(top, "bytes", o);

	/*
	 * host: what the file system (or the raw replay) wrote to the device
	 * for the user's data, GC's moves aside; device: everything the device
	 * stored or gave up, GC's moves and the capacity finishes left unwritten
	 * included.
	 */
	o = json_object_new_object();
	json_object_object_add(o, "host", s->user_write_bytes ? ratio((double)(ds->write_bytes - (gc < ds->write_bytes ? gc : ds->write_bytes)) / (double)s->user_write_bytes) : NULL);
	json_object_object_add(o, "device", s->user_write_bytes ? ratio((double)(ds->write_bytes + ds->finish_pad_bytes) / (double)s->user_write_bytes) : NULL);
	json_object_object_add(top, "write_amplification", o);

	o = json_object_new_object();
	json_object_object_add(o, "bytes_moved", u64(gc));
	json_object_object_add(o, "zone_resets_by_fs", fsstats ? u64(fs_stat(fsstats, "zone_resets")) : NULL);
	json_object_object_add(top, "gc", o);

	o = json_object_new_object();
	json_object_object_add(o, "resets", u64(ds->resets));
	json_object_object_add(o, "finishes", u64(ds->finishes));
	json_object_object_add(o, "opens", u64(ds->opens));
	json_object_object_add(o, "closes", u64(ds->closes));
	json_object_object_add(o, "max_open", json_object_new_int((int)ds->max_open));
	json_object_object_add(o, "max_active", json_object_new_int((int)ds->max_active));
	json_object_object_add(o, "device_commands", u64(ds->cmds));
	json_object_object_add(o, "device_errors", u64(ds->errors));
	json_object_object_add(top, "zone_ops", o);

	a = json_object_new_array_ext((int)ds->nr_rows);
	for (size_t i = 0; i < ds->nr_rows; i++) {
		const struct replay_zrow *r = &ds->rows[i];

		o = json_object_new_object();
		json_object_object_add(o, "t", u64(r->t_ns));
		json_object_object_add(o, "record", u64(r->record));
		json_object_object_add(o, "open", json_object_new_int((int)r->open));
		json_object_object_add(o, "active", json_object_new_int((int)r->active));
		json_object_object_add(o, "closed", json_object_new_int((int)r->closed));
		json_object_object_add(o, "full", json_object_new_int((int)r->full));
		json_object_object_add(o, "empty", json_object_new_int((int)r->empty));
		json_object_array_add(a, o);
	}
	json_object_object_add(top, "zones_over_time", a);

	o = json_object_new_object();
	for (int k = 0; k < RK_NR; k++)
		if (s->lat[k].n)
			json_object_object_add(o, replay_kind_name((enum replay_kind)k), lat_json(&s->lat[k]));
	for (int k = 0; k < F_NR_KINDS; k++)
		if (s->fs_lat[k].n) {
			char name[32];

			snprintf(name, sizeof(name), "fs %s", fs_kind_name((enum fs_kind)k));
			json_object_object_add(o, name, lat_json(&s->fs_lat[k]));
		}
	json_object_object_add(top, "latency_ns", o);
	json_object_object_add(top, "lag_ns", s->timed ? lat_json(&s->lag) : NULL);
	o = NULL;
	if (!rp->real) {
		o = json_object_new_object();
		for (int op = 0; op < REPLAY_DEV_OPS; op++)
			if (rp->ds.lat[op].n)
				json_object_object_add(o, req_op_name((enum req_op)op), lat_json(&rp->ds.lat[op]));
	}
	json_object_object_add(top, "device_latency_ns", o);

	o = json_object_new_object();
	json_object_object_add(o, "elapsed_ns", u64(secs_ns));
	json_object_object_add(o, "seconds", fixed(secs, 6));
	json_object_object_add(o, "records_per_s", secs > 0 ? fixed((double)rp->nrec / secs, 0) : NULL);
	json_object_object_add(o, "user_write_bytes_per_s", secs > 0 ? fixed((double)s->user_write_bytes / secs, 0) : NULL);
	json_object_object_add(top, "throughput", o);

	o = json_object_new_object();
	json_object_object_add(o, "total", u64(s->nr_err_total));
	a = json_object_new_array();
	for (size_t i = 0; i < s->nr_errs; i++) {
		const struct replay_err *e = &s->errs[i];
		json_object *ej = json_object_new_object(), *first = json_object_new_object();

		json_object_object_add(ej, "kind", json_object_new_string(e->key));
		json_object_object_add(ej, "count", u64(e->count));
		json_object_object_add(first, "record", u64(e->record));
		json_object_object_add(first, "where", json_object_new_string(e->where));
		json_object_object_add(first, "what", json_object_new_string(e->what));
		json_object_object_add(first, "reason", json_object_new_string(e->reason));
		json_object_object_add(ej, "first", first);
		json_object_array_add(a, ej);
	}
	json_object_object_add(o, "by_kind", a);
	json_object_object_add(top, "errors", o);

	if (fsrep) {
		json_object *v;

		if (json_object_object_get_ex(fsrep, "files", &v))
			json_object_object_add(top, "files", json_object_get(v));
		if (fsstats) {
			/* the fs's own series is the replay's zones_over_time by another name: not twice */
			json_object_object_del(fsstats, "zones_over_time");
			json_object_object_add(top, "fs_stats", json_object_get(fsstats));
		}
		json_object_put(fsrep);
	}
	json_object_object_add(top, "zones", fs_report_zones(rp->bdev));
	return top;
}

static void human_bytes(char *out, size_t len, uint64_t b)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(out, len, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static const char *jstr(json_object *top, const char *a, const char *b)
{
	json_object *o, *v;

	if (!json_object_object_get_ex(top, a, &o) || !json_object_object_get_ex(o, b, &v) || !v)
		return "-";
	return json_object_get_string(v);
}

/* "PREFIXNAME (us): p50 .., p99 .., p99.9 .., max ..TAIL" */
static void lat_line(FILE *f, const char *prefix, const char *name, const struct lat_hist *h, const char *tail)
{
	fprintf(f, "%s%s (us): p50 %.1f, p99 %.1f, p99.9 %.1f, max %.1f%s\n", prefix, name,
		(double)lat_quantile(h, 0.5) / 1e3, (double)lat_quantile(h, 0.99) / 1e3,
		(double)lat_quantile(h, 0.999) / 1e3, (double)h->max / 1e3, tail);
}

void replay_report_text(FILE *f, struct replay *rp, json_object *report)
{
	const struct replay_stats *s = &rp->s;
	const struct replay_devstat *ds = &rp->ds;
	char ub[32], db[32], gb[32], pb[32];
	uint64_t replayed = 0, failed = 0;
	json_object *zones;
	unsigned int by_cond[16] = { 0 };

	for (int k = 0; k < RK_NR; k++) {
		replayed += s->replayed[k];
		failed += s->failed[k];
	}
	fprintf(f, "replay: %s (%s), %" PRIu64 " records on %s, %s\n", rp->trace_name ? rp->trace_name : "-",
		rp->format ? rp->format : "-", rp->nrec, rp->o.fsname, rp->inner->spec ? rp->inner->spec : "");
	fprintf(f, "records: %" PRIu64 " replayed (", replayed);
	for (int k = 0, n = 0; k < RK_NR; k++)
		if (s->replayed[k])
			fprintf(f, "%s%" PRIu64 " %s", n++ ? ", " : "", s->replayed[k], replay_kind_name((enum replay_kind)k));
	fprintf(f, "), %" PRIu64 " failed, %" PRIu64 " skipped\n", failed,
		s->skipped_volume + s->skipped_range + s->skipped_unsupported + s->skipped_bad);
	human_bytes(ub, sizeof(ub), s->user_write_bytes);
	human_bytes(db, sizeof(db), ds->write_bytes);
	human_bytes(gb, sizeof(gb), (uint64_t)json_object_get_int64(json_object_object_get(json_object_object_get(report, "gc"), "bytes_moved")));
	human_bytes(pb, sizeof(pb), ds->finish_pad_bytes);
	fprintf(f, "written: %s by the user, %s to the device (GC moved %s, zone finishes left %s)\n", ub, db, gb, pb);
	fprintf(f, "write amplification: host %s, device %s\n", jstr(report, "write_amplification", "host"),
		jstr(report, "write_amplification", "device"));
	if (json_object_object_get_ex(report, "zones", &zones)) {
		for (size_t i = 0; i < json_object_array_length(zones); i++) {
			const char *c = json_object_get_string(json_object_object_get(json_object_array_get_idx(zones, i), "cond"));
			static const char *const conds[] = { "nw", "em", "oi", "oe", "cl", "fu", "ro", "ol" };

			for (unsigned int k = 0; k < 8; k++)
				if (!strcmp(c, conds[k]))
					by_cond[k]++;
		}
		fprintf(f, "zones: %" PRIu64 " resets, %" PRIu64 " finishes; open at most %u, active at most %u; at the end "
			"%u empty, %u open, %u closed, %u full\n", ds->resets, ds->finishes, ds->max_open, ds->max_active,
			by_cond[1], by_cond[2] + by_cond[3], by_cond[4], by_cond[5]);
	}
	for (int k = 0; k < RK_NR; k++)
		if (s->lat[k].n && k != RK_FS)
			lat_line(f, "latency ", replay_kind_name((enum replay_kind)k), &s->lat[k], "");
	for (int k = 0; k < F_NR_KINDS; k++)
		if (s->fs_lat[k].n)
			lat_line(f, "latency fs ", fs_kind_name((enum fs_kind)k), &s->fs_lat[k], "");
	for (int op = 0; op < REPLAY_DEV_OPS && !rp->real; op++) {
		const struct lat_hist *h = &rp->ds.lat[op];
		char tail[40];

		if (!h->n)
			continue;
		snprintf(tail, sizeof(tail), " (%" PRIu64 " command%s)", h->n, h->n == 1 ? "" : "s");
		lat_line(f, "device ", req_op_name((enum req_op)op), h, tail);
	}
	if (s->timed)
		lat_line(f, "", "behind the trace's times", &s->lag, "");
	fprintf(f, "time: %s s %s, %s records/s\n", jstr(report, "throughput", "seconds"),
		rp->real ? "measured" : "simulated", jstr(report, "throughput", "records_per_s"));
	for (size_t i = 0; i < s->nr_errs; i++) {
		const struct replay_err *e = &s->errs[i];

		fprintf(f, "error: %s x%" PRIu64 ", first at %s (%s)%s%s\n", e->key, e->count, e->where, e->what,
			e->reason[0] ? ": " : "", e->reason);
	}
}

static FILE *csv_open(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return f;
}

int replay_report_csv(struct replay *rp, json_object *report, const char *dir, char *err, size_t errlen)
{
	json_object *zones, *lat;
	struct blk_zone z;
	FILE *f;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	f = csv_open(dir, "zones.csv", err, errlen);
	if (!f)
		return -1;
	fprintf(f, "zone,type,cond,start,len,capacity,wp\n");
	json_object_object_get_ex(report, "zones", &zones);
	for (unsigned int i = 0; i < rp->bdev->nr_zones; i++) {
		json_object *zo = json_object_array_get_idx(zones, i), *wp = json_object_object_get(zo, "wp");

		zw_dev_report_zones(rp->inner, i, 1, &z);
		fprintf(f, "%u,%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s\n", i, zone_is_seq(&z) ? "seq" : "cnv",
			json_object_get_string(json_object_object_get(zo, "cond")), (uint64_t)z.start << SECTOR_SHIFT,
			(uint64_t)z.len << SECTOR_SHIFT, (uint64_t)z.capacity << SECTOR_SHIFT,
			wp ? json_object_get_string(wp) : "");
	}
	fclose(f);
	f = csv_open(dir, "over_time.csv", err, errlen);
	if (!f)
		return -1;
	fprintf(f, "t_ns,record,open,active,closed,full,empty\n");
	for (size_t i = 0; i < rp->ds.nr_rows; i++) {
		const struct replay_zrow *r = &rp->ds.rows[i];

		fprintf(f, "%" PRIu64 ",%" PRIu64 ",%u,%u,%u,%u,%u\n", r->t_ns, r->record, r->open, r->active, r->closed,
			r->full, r->empty);
	}
	fclose(f);
	f = csv_open(dir, "latency.csv", err, errlen);
	if (!f)
		return -1;
	fprintf(f, "kind,count,p50_ns,p90_ns,p99_ns,p99.9_ns,max_ns,mean_ns\n");
	/* the records' kinds, then the device's commands as "device OP" */
	for (int part = 0; part < 2; part++) {
		if (!json_object_object_get_ex(report, part ? "device_latency_ns" : "latency_ns", &lat) || !lat)
			continue;
		json_object_object_foreach(lat, kind, v) {
			fprintf(f, "%s%s", part ? "device " : "", kind);
			json_object_object_foreach(v, key, x) {
				(void)key;
				fprintf(f, ",%s", json_object_get_string(x));
			}
			fprintf(f, "\n");
		}
	}
	fclose(f);
	return 0;
}
