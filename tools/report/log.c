// SPDX-License-Identifier: MIT
/*
 * The event log (docs/event-log.md), read once: each line is checked (an
 * object with a "t" and an "ev"), kept as one compact line for the page's
 * event list, and reduced to what the figures need: bins over virtual time
 * (bytes, resets, errors, open and active zones), each zone's condition at
 * each bin's end, and bio latencies (bio_submit or bio_split to bio_end)
 * by operation.  Memory is a few dozen bytes an event.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "progress.h"

/* The zone timeline is drawn for at most this many zone-bins (memory and page size). */
#define RPT_ZONE_BINS_MAX (16u << 20)

enum { K_OTHER, K_BIO_SUBMIT, K_BIO_SPLIT, K_BIO_END, K_ZONE_COND, K_FOLIO_END, K_DIO_END };

struct rec {
	uint64_t t;
	uint64_t bytes;
	uint32_t zone;
	uint8_t kind, from, to, ok;
	uint8_t op;		/* OP_* below */
};

enum { OP_NONE, OP_WRITE, OP_APPEND, OP_READ, OP_RESET, OP_FINISH, OP_OTHER };

struct idmap {			/* bio id -> submission time, open addressing */
	uint64_t *key, *t;
	size_t cap, used;
};

struct scan {
	struct zw_report *rep;
	struct rec *rec;
	size_t nr, alloc;
	struct idmap ids;
	uint64_t last_t;
	size_t var_hash[512];	/* variant index + 1 by hash of its signature */
};

static _Noreturn void oom(void)
{
	fprintf(stderr, "zwsim report: out of memory\n");
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (!q)
		oom();
	return q;
}

static void ids_put(struct idmap *m, uint64_t id, uint64_t t)
{
	if (2 * (m->used + 1) > m->cap) {
		struct idmap n = { .cap = m->cap ? 2 * m->cap : 1024 };

		n.key = calloc(n.cap, sizeof(*n.key));
		n.t = calloc(n.cap, sizeof(*n.t));
		if (!n.key || !n.t)
			oom();
		for (size_t i = 0; i < m->cap; i++)
			if (m->key[i])
				ids_put(&n, m->key[i] - 1, m->t[i]);
		free(m->key);
		free(m->t);
		*m = n;
	}
	for (size_t i = (id * 0x9E3779B97F4A7C15ull) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->key[i] || m->key[i] == id + 1) {
			if (!m->key[i])
				m->used++;
			m->key[i] = id + 1;
			m->t[i] = t;
			return;
		}
	}
}

static bool ids_get(const struct idmap *m, uint64_t id, uint64_t *t)
{
	if (!m->cap)
		return false;
	for (size_t i = (id * 0x9E3779B97F4A7C15ull) & (m->cap - 1); m->key[i]; i = (i + 1) & (m->cap - 1))
		if (m->key[i] == id + 1) {
			*t = m->t[i];
			return true;
		}
	return false;
}

static void ev_append(struct zw_report *rep, const char *s, size_t n)
{
	if (rep->evlen + n + 1 > rep->evalloc) {
		rep->evalloc = rep->evalloc ? 2 * rep->evalloc : 1 << 16;
		while (rep->evlen + n + 1 > rep->evalloc)
			rep->evalloc *= 2;
		rep->evbuf = xrealloc(rep->evbuf, rep->evalloc);
	}
	memcpy(rep->evbuf + rep->evlen, s, n);
	rep->evlen += n;
	rep->evbuf[rep->evlen] = 0;
}

/* A value in the compact line: tab, newline, '%' and '<' escaped as %XX (the page decodes them). */
static void ev_value(struct zw_report *rep, const char *s)
{
	for (const char *p = s; *p; p++) {
		const char *run = p;

		while (*p && *p != '\t' && *p != '\n' && *p != '\r' && *p != '%' && *p != '<')
			p++;
		ev_append(rep, run, (size_t)(p - run));
		if (!*p)
			break;
		char esc[4];

		snprintf(esc, sizeof(esc), "%%%02X", (unsigned char)*p);
		ev_append(rep, esc, 3);
	}
}

static uint64_t fnv(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

/* The variant (event name and key order) of one event line, made on first sight. */
static size_t variant_of(struct scan *sc, const char *ev, json_object *o)
{
	struct zw_report *rep = sc->rep;
	uint64_t h = fnv(ev, 0xcbf29ce484222325ull);
	size_t nk = 0;

	json_object_object_foreach(o, key, val) {
		(void)val;
		if (strcmp(key, "t") && strcmp(key, "ev")) {
			h = fnv(key, h ^ 0x1f);
			nk++;
		}
	}
	for (size_t slot = h & 511, probes = 0; probes < 512; slot = (slot + 1) & 511, probes++) {
		size_t v = sc->var_hash[slot];

		if (!v) {
			struct rpt_variant *nv;

			rep->var = xrealloc(rep->var, (rep->nr_var + 1) * sizeof(*rep->var));
			nv = &rep->var[rep->nr_var];
			memset(nv, 0, sizeof(*nv));
			nv->ev = strdup(ev);
			nv->keys = xrealloc(NULL, (nk ? nk : 1) * sizeof(char *));
			json_object_object_foreach(o, k2, v2) {
				(void)v2;
				if (strcmp(k2, "t") && strcmp(k2, "ev"))
					nv->keys[nv->nr_keys++] = strdup(k2);
			}
			sc->var_hash[slot] = ++rep->nr_var;
			return rep->nr_var - 1;
		}
		struct rpt_variant *cv = &rep->var[v - 1];
		bool same = !strcmp(cv->ev, ev) && cv->nr_keys == nk;
		size_t i = 0;

		if (same) {
			json_object_object_foreach(o, k3, v3) {
				(void)v3;
				if (!strcmp(k3, "t") || !strcmp(k3, "ev"))
					continue;
				if (strcmp(cv->keys[i++], k3)) {
					same = false;
					break;
				}
			}
		}
		if (same)
			return v - 1;
	}
	return SIZE_MAX;	/* more than 512 variants: the line is kept without one */
}

static uint8_t op_code(const char *op)
{
	if (!op)
		return OP_NONE;
	if (!strcmp(op, "write"))
		return OP_WRITE;
	if (!strcmp(op, "zone_append"))
		return OP_APPEND;
	if (!strcmp(op, "read"))
		return OP_READ;
	if (!strcmp(op, "zone_reset") || !strcmp(op, "zone_reset_all"))
		return OP_RESET;
	if (!strcmp(op, "zone_finish"))
		return OP_FINISH;
	return OP_OTHER;
}

static const char *str_field(json_object *o, const char *key)
{
	json_object *x;

	if (!json_object_object_get_ex(o, key, &x) || !json_object_is_type(x, json_type_string))
		return NULL;
	return json_object_get_string(x);
}

static bool u64_field(json_object *o, const char *key, uint64_t *v)
{
	json_object *x;

	if (!json_object_object_get_ex(o, key, &x) || !json_object_is_type(x, json_type_int) ||
	    json_object_get_int64(x) < 0)
		return false;
	*v = (uint64_t)json_object_get_int64(x);
	return true;
}

static void lat_add(struct zw_report *rep, const char *op, uint64_t v)
{
	struct rpt_lat *l = NULL;

	for (size_t i = 0; i < rep->nr_lat; i++)
		if (!strcmp(rep->lat[i].op, op))
			l = &rep->lat[i];
	if (!l) {
		rep->lat = xrealloc(rep->lat, (rep->nr_lat + 1) * sizeof(*rep->lat));
		l = &rep->lat[rep->nr_lat++];
		memset(l, 0, sizeof(*l));
		snprintf(l->op, sizeof(l->op), "%s", op);
	}
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 256;
		l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	l->v[l->n++] = v;
}

/* One line: checked, kept compact, its numbers recorded.  -1 with err on a bad line. */
static int scan_line(struct scan *sc, json_object *o, size_t lineno, char *err, size_t errlen)
{
	struct zw_report *rep = sc->rep;
	const char *ev = str_field(o, "ev"), *op;
	uint64_t t, u;
	struct rec r = { 0 };
	char num[32];
	size_t v;

	if (!u64_field(o, "t", &t) || !ev) {
		snprintf(err, errlen, "%s:%zu: an event needs \"t\" (virtual ns, an integer >= 0) and \"ev\" (docs/event-log.md)",
			 rep->log_name, lineno);
		return -1;
	}
	if (sc->nr && t < sc->last_t) {
		snprintf(err, errlen, "%s:%zu: field t: %" PRIu64 " goes back in time (the last was %" PRIu64 ")",
			 rep->log_name, lineno, t, sc->last_t);
		return -1;
	}
	/* the compact line: time since the last event, the variant, the values */
	v = variant_of(sc, ev, o);
	snprintf(num, sizeof(num), "%" PRIu64 "\t%zd", sc->nr ? t - sc->last_t : t, v == SIZE_MAX ? (ssize_t)-1 : (ssize_t)v);
	ev_append(rep, num, strlen(num));
	if (v != SIZE_MAX)
		rep->var[v].count++;
	json_object_object_foreach(o, key, val) {
		if (!strcmp(key, "t") || !strcmp(key, "ev"))
			continue;
		ev_append(rep, "\t", 1);
		if (v == SIZE_MAX) {
			ev_value(rep, key);
			ev_append(rep, "=", 1);
		}
		/* the common case without json-c's string (which also holds values past INT64_MAX) */
		if (json_object_is_type(val, json_type_int) && json_object_get_int64(val) != INT64_MAX) {
			char iv[24];
			int len = snprintf(iv, sizeof(iv), "%" PRId64, json_object_get_int64(val));

			ev_append(rep, iv, (size_t)len);
		} else {
			ev_value(rep, json_object_is_type(val, json_type_string) ? json_object_get_string(val)
					  : json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN));
		}
	}
	ev_append(rep, "\n", 1);
	sc->last_t = t;

	r.t = t;
	op = str_field(o, "op");
	r.op = op_code(op);
	if (u64_field(o, "bytes", &u))
		r.bytes = u;
	if (!strcmp(ev, "bio_submit") || !strcmp(ev, "bio_split")) {
		r.kind = ev[4] == 's' && ev[5] == 'u' ? K_BIO_SUBMIT : K_BIO_SPLIT;
		if (u64_field(o, "id", &u))
			ids_put(&sc->ids, u, t);
	} else if (!strcmp(ev, "bio_end")) {
		const char *st = str_field(o, "status");
		uint64_t t_sub;

		r.kind = K_BIO_END;
		r.ok = st && !strcmp(st, "OK");
		if (!r.ok && !rep->nr_errors++) {
			const char *reason = str_field(o, "reason");

			snprintf(rep->first_error, sizeof(rep->first_error), "line %zu, t=%" PRIu64 ": %s %s%s%s", lineno, t,
				 op ? op : "bio", st ? st : "(no status)", reason ? ": " : "", reason ? reason : "");
		}
		if (op && u64_field(o, "id", &u) && ids_get(&sc->ids, u, &t_sub) && t >= t_sub)
			lat_add(rep, op, t - t_sub);
	} else if (!strcmp(ev, "zone_cond")) {
		const char *from = str_field(o, "from"), *to = str_field(o, "to");
		int f = from ? rpt_cond_parse(from) : -1, c = to ? rpt_cond_parse(to) : -1;

		if (!u64_field(o, "zone", &u) || f < 0 || c < 0) {
			snprintf(err, errlen, "%s:%zu: zone_cond needs \"zone\", \"from\" and \"to\" (zone conditions)",
				 rep->log_name, lineno);
			return -1;
		}
		if (rep->result && u >= rep->nr_zones) {
			snprintf(err, errlen, "%s:%zu: field zone: %" PRIu64 " is not one of the %zu zones of %s",
				 rep->log_name, lineno, u, rep->nr_zones, rep->json_name);
			return -1;
		}
		if (u >= (1u << 20)) {
			snprintf(err, errlen, "%s:%zu: field zone: %" PRIu64 " is too large", rep->log_name, lineno, u);
			return -1;
		}
		r.kind = K_ZONE_COND;
		r.zone = (uint32_t)u;
		r.from = (uint8_t)f;
		r.to = (uint8_t)c;
	} else if (!strcmp(ev, "folio_writeback_end")) {
		r.kind = K_FOLIO_END;
		if (u64_field(o, "size", &u))
			r.bytes = u;
	} else if (!strcmp(ev, "dio_end")) {
		json_object *ret;

		r.kind = K_DIO_END;
		r.ok = json_object_object_get_ex(o, "ret", &ret) && json_object_get_int64(ret) > 0;
	}
	if (sc->nr == sc->alloc) {
		sc->alloc = sc->alloc ? 2 * sc->alloc : 4096;
		sc->rec = xrealloc(sc->rec, sc->alloc * sizeof(*sc->rec));
	}
	sc->rec[sc->nr++] = r;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool is_open(int c)
{
	return c == RC_OI || c == RC_OE;
}

static bool is_active(int c)
{
	return is_open(c) || c == RC_CL;
}

/* The records into bins: RPT_BINS slices of [t0, t1]. */
static void bin_records(struct scan *sc)
{
	struct zw_report *rep = sc->rep;
	uint64_t span;
	size_t nz = rep->nr_zones, b = 0;
	uint8_t *cond;
	uint32_t open = 0, active = 0;

	for (size_t i = 0; i < sc->nr; i++)
		if (sc->rec[i].kind == K_ZONE_COND && sc->rec[i].zone + 1 > nz)
			nz = sc->rec[i].zone + 1;
	rep->bins = calloc(RPT_BINS, sizeof(*rep->bins));
	rep->t0 = sc->nr ? sc->rec[0].t : 0;
	rep->t1 = sc->nr ? sc->rec[sc->nr - 1].t : 0;
	span = rep->t1 - rep->t0 + 1;
	/* each zone starts as its first zone_cond says it was, else as it ends */
	cond = calloc(nz ? nz : 1, 1);
	for (size_t z = 0; z < nz; z++)
		cond[z] = z < rep->nr_zones ? (uint8_t)rep->zones[z].cond : RC_EM;
	{
		uint8_t *seen = calloc(nz ? nz : 1, 1);

		for (size_t i = 0; i < sc->nr; i++) {
			struct rec *r = &sc->rec[i];

			if (r->kind == K_ZONE_COND && !seen[r->zone]) {
				seen[r->zone] = 1;
				cond[r->zone] = r->from;
			}
		}
		free(seen);
	}
	for (size_t z = 0; z < nz; z++) {
		open += is_open(cond[z]);
		active += is_active(cond[z]);
	}
	if (!rep->result && nz) {	/* no result: the zones the log names, as they end */
		rep->zones = calloc(nz, sizeof(*rep->zones));
		rep->nr_zones = nz;
		for (size_t z = 0; z < nz; z++)
			rep->zones[z] = (struct rpt_zone){ .cond = RC_EM, .wp = -1, .start = -1, .len = -1, .cap = -1 };
		for (size_t i = 0; i < sc->nr; i++)
			if (sc->rec[i].kind == K_ZONE_COND)
				rep->zones[sc->rec[i].zone].cond = sc->rec[i].to;
	}
	if (nz && nz * RPT_BINS <= RPT_ZONE_BINS_MAX && rep->nr_zones == nz) {
		rep->zone_bins = malloc(nz * RPT_BINS);
		rep->cond0 = malloc(nz);
		memcpy(rep->cond0, cond, nz);
	}
	rep->max_open = open;
	rep->max_active = active;
	for (size_t i = 0; i <= sc->nr; i++) {
		struct rec *r = i < sc->nr ? &sc->rec[i] : NULL;
		size_t rb = r ? (size_t)((unsigned __int128)(r->t - rep->t0) * RPT_BINS / span) : RPT_BINS;

		/* close the bins before this record's */
		for (; b < rb && b < RPT_BINS; b++) {
			rep->bins[b].open = open;
			rep->bins[b].active = active;
			if (rep->zone_bins)
				memcpy(rep->zone_bins + b * nz, cond, nz);
		}
		if (!r)
			break;
		struct rpt_bin *bin = &rep->bins[rb];

		bin->events++;
		switch (r->kind) {
		case K_BIO_END:
			if (!r->ok)
				bin->errors++;
			else if (r->op == OP_WRITE || r->op == OP_APPEND)
				bin->dev_bytes += r->bytes;
			else if (r->op == OP_READ)
				bin->read_bytes += r->bytes;
			else if (r->op == OP_RESET)
				bin->resets++;
			else if (r->op == OP_FINISH)
				bin->finishes++;
			break;
		case K_FOLIO_END:
			bin->wb_bytes += r->bytes;
			break;
		case K_DIO_END:
			if (r->op == OP_WRITE && r->ok)
				bin->wb_bytes += r->bytes;
			break;
		case K_ZONE_COND:
			open += is_open(r->to) - is_open(cond[r->zone]);
			active += is_active(r->to) - is_active(cond[r->zone]);
			cond[r->zone] = r->to;
			if (open > rep->max_open)
				rep->max_open = open;
			if (active > rep->max_active)
				rep->max_active = active;
			break;
		}
	}
	free(cond);
	for (size_t i = 0; i < rep->nr_lat; i++)
		qsort(rep->lat[i].v, rep->lat[i].n, sizeof(uint64_t), cmp_u64);
	/* latencies in a fixed order: by operation name */
	for (size_t i = 1; i < rep->nr_lat; i++)
		for (size_t k = i; k > 0 && strcmp(rep->lat[k - 1].op, rep->lat[k].op) > 0; k--) {
			struct rpt_lat tmp = rep->lat[k];

			rep->lat[k] = rep->lat[k - 1];
			rep->lat[k - 1] = tmp;
		}
	rep->log_pct = calloc(rep->nr_lat + 1, sizeof(*rep->log_pct));
	for (size_t i = 0; i < rep->nr_lat; i++) {
		struct rpt_pct *p = &rep->log_pct[i];

		snprintf(p->op, sizeof(p->op), "%s", rep->lat[i].op);
		p->count = rep->lat[i].n;
		for (int k = 0; k < RPT_NR_PCT; k++)
			p->v[k] = (double)rpt_percentile(rep->lat[i].v, rep->lat[i].n, rpt_pct_rank[k]);
	}
}

int rpt_load_log(struct zw_report *rep, const char *path, char *err, size_t errlen)
{
	struct scan sc = { .rep = rep };
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	json_tokener *tok = json_tokener_new();
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	struct progress prog;
	uint64_t done = 0;
	ssize_t n;
	int ret = -1;

	rep->log_name = strcmp(path, "-") ? path : "standard input";
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		json_tokener_free(tok);
		return -1;
	}
	{
		struct stat st;

		/* the status line counts bytes of the log read (tools/progress.h) */
		progress_init(&prog, "zwsim report", "MiB", !fstat(fileno(f), &st) && S_ISREG(st.st_mode)
			      ? (uint64_t)st.st_size >> 20 : 0, false);
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		json_object *o;

		lineno++;
		done += (uint64_t)n;
		if (!(lineno & 4095))
			progress_update(&prog, done >> 20);
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (!n)
			continue;
		if ((size_t)n != strlen(line)) {
			snprintf(err, errlen, "%s:%zu: a NUL byte: not a JSON Lines event log", rep->log_name, lineno);
			goto out;
		}
		json_tokener_reset(tok);
		o = json_tokener_parse_ex(tok, line, (int)n);
		if (!o || json_tokener_get_error(tok) != json_tokener_success ||
		    json_tokener_get_parse_end(tok) != (size_t)n) {
			snprintf(err, errlen, "%s:%zu: not JSON (%s): an event log has one JSON object a line",
				 rep->log_name, lineno,
				 o ? "text after the object" : json_tokener_error_desc(json_tokener_get_error(tok)));
			json_object_put(o);
			goto out;
		}
		if (!json_object_is_type(o, json_type_object)) {
			snprintf(err, errlen, "%s:%zu: not a JSON object", rep->log_name, lineno);
			json_object_put(o);
			goto out;
		}
		ret = scan_line(&sc, o, lineno, err, errlen);
		json_object_put(o);
		if (ret)
			goto out;
		ret = -1;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", rep->log_name, strerror(errno));
		goto out;
	}
	rep->has_log = true;
	rep->nr_events = sc.nr;
	bin_records(&sc);
	ret = 0;
out:
	progress_done(&prog);
	if (f != stdin)
		fclose(f);
	free(line);
	json_tokener_free(tok);
	free(sc.rec);
	free(sc.ids.key);
	free(sc.ids.t);
	return ret;
}
