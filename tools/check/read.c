// SPDX-License-Identifier: MIT
/* The checker's line readers (read.h). */
#include "read.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <json.h>
#include <linux/blkzoned.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fmt_names[] = {
	[CHK_FMT_AUTO] = "auto", [CHK_FMT_ZWSIM] = "zwsim",
	[CHK_FMT_BLKPARSE] = "blkparse", [CHK_FMT_TRACEFS] = "tracefs", [CHK_FMT_NVME] = "nvme",
};

int chk_format_parse(const char *s, enum chk_format *f)
{
	for (unsigned int i = 0; i < sizeof(fmt_names) / sizeof(fmt_names[0]); i++)
		if (!strcmp(s, fmt_names[i])) {
			*f = (enum chk_format)i;
			return 0;
		}
	return -1;
}

const char *chk_format_name(enum chk_format f)
{
	return f <= CHK_FMT_NVME ? fmt_names[f] : "?";
}

enum chk_format chk_format_probe(const char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	if (*line == '{')
		return CHK_FMT_ZWSIM;
	if (*line == '#')
		return CHK_FMT_AUTO;	/* tracefs's header: the events tell */
	if (strstr(line, ": nvme_setup_cmd: ") || strstr(line, ": nvme_complete_rq: "))
		return CHK_FMT_NVME;
	if (strstr(line, ": block_"))
		return CHK_FMT_TRACEFS;
	if (isdigit((unsigned char)*line) && strchr(line, ','))
		return CHK_FMT_BLKPARSE;
	return CHK_FMT_AUTO;
}

void chk_geo_buf_free(struct chk_geo_buf *b)
{
	free(b->init);
	memset(b, 0, sizeof(*b));
}

static int geo_add_init(struct chk_geo_buf *b, struct chk_zone_init in)
{
	if (b->nr_init == b->max_init) {
		size_t max = b->max_init ? b->max_init * 2 : 16;
		struct chk_zone_init *n = realloc(b->init, max * sizeof(*n));

		if (!n)
			return -1;
		b->init = n;
		b->max_init = max;
	}
	b->init[b->nr_init++] = in;
	b->g.init = b->init;
	b->g.nr_init = b->nr_init;
	return 0;
}

/* --- zwsim's event log ------------------------------------------------ */

static uint8_t cond_from_abbrev(const char *s)
{
	static const struct { const char *a; uint8_t c; } t[] = {
		{ "nw", BLK_ZONE_COND_NOT_WP }, { "em", BLK_ZONE_COND_EMPTY },
		{ "oi", BLK_ZONE_COND_IMP_OPEN }, { "oe", BLK_ZONE_COND_EXP_OPEN },
		{ "cl", BLK_ZONE_COND_CLOSED }, { "fu", BLK_ZONE_COND_FULL },
		{ "ro", BLK_ZONE_COND_READONLY }, { "ol", BLK_ZONE_COND_OFFLINE },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(s, t[i].a))
			return t[i].c;
	return BLK_ZONE_COND_EMPTY;
}

static enum chk_op op_from_name(const char *s)
{
	if (!strcmp(s, "write"))
		return CHK_OP_WRITE;
	if (!strcmp(s, "zone_append"))
		return CHK_OP_APPEND;
	if (!strcmp(s, "zone_reset"))
		return CHK_OP_RESET;
	if (!strcmp(s, "zone_reset_all"))
		return CHK_OP_RESET_ALL;
	if (!strcmp(s, "zone_finish"))
		return CHK_OP_FINISH;
	if (!strcmp(s, "zone_open"))
		return CHK_OP_OPEN;
	if (!strcmp(s, "zone_close"))
		return CHK_OP_CLOSE;
	return CHK_OP_OTHER;
}

static bool get_u64(json_object *o, const char *key, uint64_t *v)
{
	json_object *f;

	if (!json_object_object_get_ex(o, key, &f) || !json_object_is_type(f, json_type_int))
		return false;
	*v = json_object_get_uint64(f);
	return true;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *f;

	if (!json_object_object_get_ex(o, key, &f) || !json_object_is_type(f, json_type_string))
		return NULL;
	return json_object_get_string(f);
}

static int parse_device(json_object *o, struct chk_geo_buf *geo, char *err, size_t errlen)
{
	uint64_t zones = 0, conv = 0, mo = 0, ma = 0;
	json_object *st;

	if (!get_u64(o, "zones", &zones) || !get_u64(o, "zone_size", &geo->g.zone_size) ||
	    !get_u64(o, "zone_cap", &geo->g.zone_cap) || !get_u64(o, "capacity", &geo->g.capacity) ||
	    zones > UINT32_MAX || !zones || !geo->g.zone_size) {
		snprintf(err, errlen, "a \"device\" event needs zones, zone_size, zone_cap and capacity");
		return -1;
	}
	get_u64(o, "conv", &conv);
	{
		uint64_t lba = 0;

		get_u64(o, "lba", &lba);
		geo->g.lba = lba <= 1u << 20 ? (unsigned int)lba : 0;
	}
	get_u64(o, "max_open", &mo);
	get_u64(o, "max_active", &ma);
	if (conv > zones || mo > UINT32_MAX || ma > UINT32_MAX) {
		snprintf(err, errlen, "a \"device\" event with bad conv, max_open or max_active");
		return -1;
	}
	geo->g.nr_zones = (unsigned int)zones;
	geo->g.nr_conv = (unsigned int)conv;
	geo->g.max_open = (unsigned int)mo;
	geo->g.max_active = (unsigned int)ma;
	geo->nr_init = 0;
	if (json_object_object_get_ex(o, "zone_state", &st) && json_object_is_type(st, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(st); i++) {
			json_object *e = json_object_array_get_idx(st, i);
			json_object *a[4];

			if (!json_object_is_type(e, json_type_array) || json_object_array_length(e) != 4)
				continue;
			for (int k = 0; k < 4; k++)
				a[k] = json_object_array_get_idx(e, (size_t)k);
			if (!json_object_is_type(a[0], json_type_int) || !json_object_is_type(a[1], json_type_int) ||
			    !json_object_is_type(a[2], json_type_string) || !json_object_is_type(a[3], json_type_int))
				continue;
			if (geo_add_init(geo, (struct chk_zone_init){
				.zone = (unsigned int)json_object_get_uint64(a[0]),
				.wp_offset = json_object_get_uint64(a[1]),
				.cond = cond_from_abbrev(json_object_get_string(a[2])),
				.capacity = json_object_get_uint64(a[3]) }))
				return -1;
		}
	}
	geo->g.init = geo->init;
	geo->g.nr_init = geo->nr_init;
	geo->have = 1;
	return 0;
}

/* The number after "KEY": at @p (a plain unsigned integer), or -1. */
static int fast_u64(const char *line, const char *key, uint64_t *v)
{
	const char *p = strstr(line, key);
	uint64_t x = 0;

	if (!p)
		return -1;
	p += strlen(key);
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	if (*p != ',' && *p != '}')
		return -1;
	*v = x;
	return 0;
}

/* BLK_STS_ZONE_OPEN_RESOURCE or BLK_STS_ZONE_ACTIVE_RESOURCE, as blk_status names them */
static bool zone_resource_status(const char *st)
{
	return !strncmp(st, "BLK_STS_ZONE_OPEN_RESOURCE\"", 27) ||
	       !strncmp(st, "BLK_STS_ZONE_ACTIVE_RESOURCE\"", 29);
}

/*
 * The lines zwsim writes, read without a JSON parser: `{"t":N,"ev":"NAME",`
 * then flat fields, with no string that could hide a key (a failed bio's
 * "reason" sends it to json-c).  1: read; 0: an event the checker needs
 * not; -1: not that shape (json-c decides).
 */
static int fast_zwsim(const char *line, struct chk_event *ev)
{
	static const struct { const char *name; enum chk_phase phase; } evs[] = {
		{ "bio_issue\",", CHK_ISSUE }, { "bio_end\",", CHK_COMPLETE },
		{ "bio_submit\",", CHK_QUEUE }, { "bio_split\",", CHK_QUEUE },
	};
	size_t len = strlen(line);
	const char *p, *op, *end;
	uint64_t bytes;
	char name[24];
	size_t i, n;

	if (strncmp(line, "{\"t\":", 5) || len < 8 || line[len - 1] != '}' || strchr(line, '\\'))
		return -1;
	p = strstr(line, ",\"ev\":\"");
	if (!p)
		return -1;
	p += 7;
	for (i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (!strncmp(p, evs[i].name, strlen(evs[i].name)))
			break;
	if (i == sizeof(evs) / sizeof(evs[0])) {
		if (!strncmp(p, "device\"", 7) || !strncmp(p, "file_map\"", 9) || !strncmp(p, "zone_cond\"", 10))
			return -1;
		return strchr(p, '"') ? 0 : -1;
	}
	if (strstr(line, "\"reason\":"))
		return -1;
	memset(ev, 0, sizeof(*ev));
	ev->phase = evs[i].phase;
	op = strstr(line, "\"op\":\"");
	if (!op)
		return -1;
	op += 6;
	end = strchr(op, '"');
	n = end ? (size_t)(end - op) : 0;
	if (!n || n >= sizeof(name))
		return -1;
	memcpy(name, op, n);
	name[n] = '\0';
	ev->op = op_from_name(name);
	if (fast_u64(line, "\"id\":", &ev->id) || fast_u64(line, "\"sector\":", &ev->sector) ||
	    fast_u64(line, "\"bytes\":", &bytes) || fast_u64(line, "{\"t\":", &ev->time_ns))
		return -1;
	ev->sectors = bytes >> 9;
	if (ev->phase == CHK_ISSUE && strstr(line, "\"tag\":") && fast_u64(line, "\"tag\":", &ev->tag))
		return -1;
	if (ev->phase == CHK_COMPLETE) {
		const char *st = strstr(line, "\"status\":\"");

		if (!st)
			return -1;
		ev->error = strncmp(st + 10, "OK\"", 3) != 0;
		ev->zone_resource = zone_resource_status(st + 10);
	}
	ev->text = line;
	return 1;
}

int chk_parse_zwsim(const char *line, struct chk_event *ev, struct chk_geo_buf *geo, char *err,
		    size_t errlen)
{
	int fast = fast_zwsim(line, ev);
	json_object *o;

	if (fast >= 0)
		return fast;
	o = json_tokener_parse(line);
	const char *name, *op, *status;
	uint64_t bytes = 0;
	int ret = 0;

	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		snprintf(err, errlen, "not a JSON object");
		return -1;
	}
	name = get_str(o, "ev");
	if (!name) {
		snprintf(err, errlen, "no \"ev\" field");
		ret = -1;
		goto out;
	}
	if (!strcmp(name, "device")) {
		ret = geo ? parse_device(o, geo, err, errlen) : 0;
		goto out;
	}
	memset(ev, 0, sizeof(*ev));
	if (!strcmp(name, "file_map")) {
		uint64_t block;

		if (!get_u64(o, "ino", &ev->ino) || !get_u64(o, "offset", &ev->file_offset) ||
		    !get_u64(o, "bytes", &bytes) || !get_u64(o, "sector", &ev->sector) ||
		    !get_u64(o, "block", &block) || block > 1u << 20) {
			snprintf(err, errlen, "a file_map event needs ino, offset, bytes, sector and block");
			ret = -1;
			goto out;
		}
		ev->phase = CHK_MAP;
		ev->op = CHK_OP_OTHER;
		ev->sectors = bytes >> 9;
		ev->block = (unsigned int)block;
		get_u64(o, "t", &ev->time_ns);
		ev->text = line;
		ret = 1;
		goto out;
	}
	if (!strcmp(name, "zone_cond")) {
		const char *from = get_str(o, "from"), *to = get_str(o, "to");
		uint64_t zone;

		if (!from || !to || !get_u64(o, "zone", &zone) || zone > UINT32_MAX) {
			snprintf(err, errlen, "a zone_cond event needs zone, from and to");
			ret = -1;
			goto out;
		}
		ev->phase = CHK_COND;
		ev->op = CHK_OP_OTHER;
		ev->zone = (unsigned int)zone;
		ev->cond_from = cond_from_abbrev(from);
		ev->cond_to = cond_from_abbrev(to);
		get_u64(o, "t", &ev->time_ns);
		ev->text = line;
		ret = 1;
		goto out;
	}
	if (!strcmp(name, "bio_issue"))
		ev->phase = CHK_ISSUE;
	else if (!strcmp(name, "bio_end"))
		ev->phase = CHK_COMPLETE;
	else if (!strcmp(name, "bio_submit") || !strcmp(name, "bio_split"))
		ev->phase = CHK_QUEUE;
	else
		goto out;
	op = get_str(o, "op");
	if (!op || !get_u64(o, "id", &ev->id) || !get_u64(o, "sector", &ev->sector) ||
	    !get_u64(o, "bytes", &bytes)) {
		snprintf(err, errlen, "a %s event needs id, op, sector and bytes", name);
		ret = -1;
		goto out;
	}
	ev->op = op_from_name(op);
	ev->sectors = bytes >> 9;
	get_u64(o, "t", &ev->time_ns);
	if (ev->phase == CHK_ISSUE)
		get_u64(o, "tag", &ev->tag);
	status = get_str(o, "status");
	ev->error = ev->phase == CHK_COMPLETE && (!status || strcmp(status, "OK"));
	if (ev->phase == CHK_COMPLETE && status) {
		char st[40];

		snprintf(st, sizeof(st), "%s\"", status);
		ev->zone_resource = zone_resource_status(st);
	}
	ev->text = line;
	ret = 1;
out:
	json_object_put(o);
	return ret;
}

/* --- blkparse and tracefs --------------------------------------------- */

/* RWBS: the operation (ZA, ZR, ZRA, ZF, ZO, ZC as blk_fill_rwbs() writes them; W, R, D, N, F) */
static enum chk_op op_from_rwbs(const char *r)
{
	if (*r == 'F' && r[1])
		r++;		/* a preflush before the operation */
	if (r[0] == 'Z') {
		switch (r[1]) {
		case 'A': return CHK_OP_APPEND;
		case 'R': return r[2] == 'A' ? CHK_OP_RESET_ALL : CHK_OP_RESET;
		case 'F': return CHK_OP_FINISH;
		case 'O': return CHK_OP_OPEN;
		case 'C': return CHK_OP_CLOSE;
		default: return CHK_OP_OTHER;
		}
	}
	return r[0] == 'W' ? CHK_OP_WRITE : CHK_OP_OTHER;
}

static bool valid_rwbs(const char *r)
{
	if (!*r)
		return false;
	for (; *r; r++)
		if (!isupper((unsigned char)*r) && *r != 'a')
			return false;
	return true;
}

static bool dev_match(const char *d, char *dev, size_t devlen)
{
	if (!*dev) {
		snprintf(dev, devlen, "%s", d);
		return true;
	}
	return !strcmp(d, dev);
}

/* "SECTOR + N": the first such pair after @p */
static bool parse_range(const char *p, uint64_t *sector, uint64_t *n, const char **after)
{
	const char *plus = strstr(p, " + ");
	const char *s;
	char *end;

	if (!plus)
		return false;
	for (s = plus; s > p && isdigit((unsigned char)s[-1]); s--)
		;
	if (s == plus || (s > p && s[-1] != ' '))
		return false;
	*sector = strtoull(s, &end, 10);
	if (end != plus || !isdigit((unsigned char)plus[3]))
		return false;
	*n = strtoull(plus + 3, &end, 10);
	*after = end;
	return true;
}

/* The error of a completion: the last "[N]" (an errno; blk_status_to_errno() of the status) */
static bool parse_error(const char *p, bool *error, bool *zone_resource)
{
	const char *b = strrchr(p, '[');
	char *end;
	long v;

	if (!b)
		return false;
	v = strtol(b + 1, &end, 10);
	if (end == b + 1 || *end != ']')
		return false;
	*error = v != 0;
	*zone_resource = v == -EOVERFLOW || v == -ETOOMANYREFS;
	return true;
}

int chk_parse_blkparse(const char *line, struct chk_event *ev, char *dev, size_t devlen, char *err,
		       size_t errlen)
{
	char d[48], action[4], rwbs[16];
	unsigned int cpu, pid;
	uint64_t seq;
	double t;
	int n = 0;
	const char *after;

	/* "  8,0    1        1     0.000000000  1234  Q  WS 2048 + 8 [fio]" */
	if (sscanf(line, " %47[0-9,] %u %" SCNu64 " %lf %u %3s %15s %n", d, &cpu, &seq, &t, &pid, action,
		   rwbs, &n) < 7 || !n)
		return 0;	/* a summary, a message, a blank line */
	if (!strchr(d, ','))
		return 0;
	if (strlen(action) != 1 || !strchr("QDC", action[0]))
		return 0;	/* G, I, M, P, U, X...: not needed */
	if (!valid_rwbs(rwbs)) {
		snprintf(err, errlen, "RWBS '%s' is not a blkparse operation", rwbs);
		return -1;
	}
	if (!dev_match(d, dev, devlen))
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->phase = action[0] == 'Q' ? CHK_QUEUE : action[0] == 'D' ? CHK_ISSUE : CHK_COMPLETE;
	ev->op = op_from_rwbs(rwbs);
	ev->time_ns = t > 0 && t < 1.8e10 ? (uint64_t)(t * 1e9) : 0;
	if (!parse_range(line + n, &ev->sector, &ev->sectors, &after)) {
		if (ev->op == CHK_OP_OTHER)
			return 0;	/* a flush: no range */
		snprintf(err, errlen, "%s event without 'SECTOR + N'", action);
		return -1;
	}
	if (ev->phase == CHK_COMPLETE && !parse_error(after, &ev->error, &ev->zone_resource))
		ev->error = false;
	ev->text = line;
	return 1;
}

int chk_parse_tracefs(const char *line, struct chk_event *ev, char *dev, size_t devlen, char *err,
		      size_t errlen)
{
	static const struct { const char *name; enum chk_phase phase; } evs[] = {
		{ ": block_rq_issue: ", CHK_ISSUE },
		{ ": block_rq_complete: ", CHK_COMPLETE },
		{ ": block_bio_queue: ", CHK_QUEUE },
	};
	const char *p = NULL, *after, *ts;
	char d[48], rwbs[16];
	double t = 0;
	size_t i;
	int n = 0;

	if (*line == '#')
		return 0;
	for (i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if ((p = strstr(line, evs[i].name)))
			break;
	if (!p)
		return 0;	/* other events (block_rq_insert, ...) and lines */
	if (sscanf(p + strlen(evs[i].name), "%47[0-9,] %15s %n", d, rwbs, &n) < 2 || !n ||
	    !strchr(d, ',')) {
		snprintf(err, errlen, "%.*s without 'MAJ,MIN RWBS'", (int)strlen(evs[i].name) - 4,
			 evs[i].name + 2);
		return -1;
	}
	if (!valid_rwbs(rwbs)) {
		snprintf(err, errlen, "RWBS '%s' is not a block operation", rwbs);
		return -1;
	}
	if (!dev_match(d, dev, devlen))
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->phase = evs[i].phase;
	ev->op = op_from_rwbs(rwbs);
	/* the timestamp: the number just before ": block_" */
	for (ts = p; ts > line && (isdigit((unsigned char)ts[-1]) || ts[-1] == '.'); ts--)
		;
	if (ts < p)
		t = strtod(ts, NULL);
	ev->time_ns = t > 0 && t < 1.8e10 ? (uint64_t)(t * 1e9) : 0;
	if (!parse_range(p + strlen(evs[i].name) + n, &ev->sector, &ev->sectors, &after)) {
		if (ev->op == CHK_OP_OTHER)
			return 0;
		snprintf(err, errlen, "%.*s without 'SECTOR + N'", (int)strlen(evs[i].name) - 4,
			 evs[i].name + 2);
		return -1;
	}
	if (ev->phase == CHK_COMPLETE && !parse_error(after, &ev->error, &ev->zone_resource))
		ev->error = false;
	ev->text = line;
	return 1;
}

/* --- a saved zone report ------------------------------------------------ */

int chk_geo_from_report(FILE *f, struct chk_geo_buf *b, char *err, size_t errlen)
{
	char line[512];
	uint64_t lineno = 0, next = 0;
	unsigned int nr = 0, conv = 0;
	bool short_seen = false;

	memset(b, 0, sizeof(*b));
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, len, cap, wp = 0;
		unsigned int cond, type;
		char wps[32];
		const char *zc, *ty;

		lineno++;
		if (sscanf(line, " start: %" SCNx64 ", len %" SCNx64 ", cap %" SCNx64 ", wptr %31s", &start, &len,
			   &cap, wps) != 4) {
			if (strspn(line, " \t\r\n") == strlen(line))
				continue;
			snprintf(err, errlen, "%" PRIu64 ": not a zone report line (blkzone report's)", lineno);
			return -1;
		}
		zc = strstr(line, "zcond:");
		ty = strstr(line, "type:");
		if (!zc || !ty || sscanf(zc, "zcond: %u", &cond) != 1 || sscanf(ty, "type: %u", &type) != 1) {
			snprintf(err, errlen, "%" PRIu64 ": no zcond or type", lineno);
			return -1;
		}
		if (strcmp(wps, "-"))
			wp = strtoull(wps, NULL, 16);
		if (start != next || !len || cap > len || short_seen ||
		    (b->g.zone_size && len > b->g.zone_size)) {
			snprintf(err, errlen, "%" PRIu64 ": zones must follow each other with one size (the last may be shorter)", lineno);
			return -1;
		}
		short_seen = b->g.zone_size && len < b->g.zone_size;
		if (!b->g.zone_size)
			b->g.zone_size = len;
		if (type == BLK_ZONE_TYPE_CONVENTIONAL) {
			if (conv != nr) {
				snprintf(err, errlen, "%" PRIu64 ": conventional zones must come first", lineno);
				return -1;
			}
			conv++;
		} else {
			if (!b->g.zone_cap)
				b->g.zone_cap = cap;
			if ((cond != BLK_ZONE_COND_EMPTY || cap != b->g.zone_cap) &&
			    geo_add_init(b, (struct chk_zone_init){ .zone = nr, .wp_offset = wp, .cond = (uint8_t)cond,
								   .capacity = cap })) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
		}
		next = start + len;
		nr++;
	}
	if (!nr) {
		snprintf(err, errlen, "no zones in the report");
		return -1;
	}
	b->g.nr_zones = nr;
	b->g.nr_conv = conv;
	b->g.capacity = next;
	if (!b->g.zone_cap)
		b->g.zone_cap = b->g.zone_size;
	b->have = 1;
	return 0;
}
