// SPDX-License-Identifier: MIT
/* Device profiles: loading the JSON file, and the latency it gives each command (dev_profile.h). */
#include "dev_profile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "dev.h"

/* Set by the Makefile: the source tree's profiles/, then the installed ones. */
#ifndef ZWSIM_PROFILE_DIRS
#define ZWSIM_PROFILE_DIRS "profiles"
#endif

#define PROFILE_MAX_BYTES	(4u << 20)
#define PROFILE_MAX_POINTS	4096
#define PROFILE_MAX_NS		1e15	/* a command of more than ~11 days is a typo */

struct perr {
	const char *file;
	char *err;
	size_t errlen;
};

static int fail(struct perr *pe, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct perr *pe, const char *field, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(pe->err, pe->errlen, "%s: %s: %s", pe->file, field, msg);
	return -EINVAL;
}

static int get_number(struct perr *pe, const char *field, struct json_object *v, double min,
		      double max, double *out)
{
	enum json_type t = json_object_get_type(v);

	if (t != json_type_double && t != json_type_int)
		return fail(pe, field, "expected a number, found %s", json_type_to_name(t));
	*out = json_object_get_double(v);
	if (!isfinite(*out) || *out < min || *out > max)
		return fail(pe, field, "%g is out of range (%g to %g)", *out, min, max);
	return 0;
}

/* A size: bytes as a number, or a string with a k, M, G or T suffix ("4k"). */
static int get_size(struct perr *pe, const char *field, struct json_object *v, uint64_t *out)
{
	double d;

	if (json_object_is_type(v, json_type_string)) {
		if (zw_spec_size(json_object_get_string(v), out) || !*out)
			return fail(pe, field, "'%s' is not a size (e.g. 4096 or \"4k\")",
				    json_object_get_string(v));
		return 0;
	}
	if (get_number(pe, field, v, 1, 1e15, &d))
		return -EINVAL;
	if (d != (double)(uint64_t)d)
		return fail(pe, field, "%g is not a whole number of bytes", d);
	*out = (uint64_t)d;
	return 0;
}

static int get_array(struct perr *pe, const char *field, struct json_object *v, size_t *n)
{
	if (!json_object_is_type(v, json_type_array))
		return fail(pe, field, "expected an array, found %s",
			    json_type_to_name(json_object_get_type(v)));
	*n = json_object_array_length(v);
	if (!*n || *n > PROFILE_MAX_POINTS)
		return fail(pe, field, "%zu entries (1 to %u)", *n, PROFILE_MAX_POINTS);
	return 0;
}

/* The unit key of a latency object: exactly one of "ns", "us", "ms"; its scale to ns. */
static int get_unit(struct perr *pe, const char *field, struct json_object *obj,
		    struct json_object **vals, double *scale)
{
	static const struct { const char *key; double scale; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 },
	};
	int found = 0;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		struct json_object *v;

		if (json_object_object_get_ex(obj, units[i].key, &v)) {
			*vals = v;
			*scale = units[i].scale;
			found++;
		}
	}
	if (found != 1)
		return fail(pe, field, "needs exactly one of \"us\", \"ms\" or \"ns\" (the latencies), found %d", found);
	return 0;
}

static int check_keys(struct perr *pe, const char *field, struct json_object *obj,
		      const char *const *keys)
{
	json_object_object_foreach(obj, key, val) {
		const char *const *k;

		(void)val;
		for (k = keys; *k && strcmp(*k, key); k++)
			;
		if (!*k) {
			char list[256] = "";

			for (k = keys; *k; k++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 k == keys ? "" : ", ", *k);
			return fail(pe, field, "unknown key \"%s\" (accepted: %s)", key, list);
		}
	}
	return 0;
}

/*
 * { "sizes": [...], "depths": [...], "us": [[...], ...] }: one row of
 * latencies per size, one column per depth; "depths" may be left out
 * (one column, depth 1) and a row of one column may be a bare number.
 */
static int parse_grid(struct perr *pe, const char *name, struct json_object *obj,
		      struct dev_profile_grid *g)
{
	static const char *const keys[] = { "sizes", "depths", "ns", "us", "ms", NULL };
	struct json_object *sizes, *depths = NULL, *vals;
	char field[128];
	double scale;
	size_t ns, nd = 1;

	if (!json_object_is_type(obj, json_type_object))
		return fail(pe, name, "expected an object with \"sizes\", \"depths\" and \"us\"");
	if (check_keys(pe, name, obj, keys))
		return -EINVAL;
	snprintf(field, sizeof(field), "%s.sizes", name);
	if (!json_object_object_get_ex(obj, "sizes", &sizes))
		return fail(pe, name, "missing \"sizes\" (the command sizes of the rows)");
	if (get_array(pe, field, sizes, &ns))
		return -EINVAL;
	if (json_object_object_get_ex(obj, "depths", &depths)) {
		snprintf(field, sizeof(field), "%s.depths", name);
		if (get_array(pe, field, depths, &nd))
			return -EINVAL;
	}
	if (get_unit(pe, name, obj, &vals, &scale))
		return -EINVAL;
	g->nr_sizes = (unsigned int)ns;
	g->nr_depths = (unsigned int)nd;
	g->sizes = calloc(ns, sizeof(*g->sizes));
	g->depths = calloc(nd, sizeof(*g->depths));
	g->ns = calloc(ns * nd, sizeof(*g->ns));
	if (!g->sizes || !g->depths || !g->ns)
		return fail(pe, name, "out of memory");
	for (size_t i = 0; i < ns; i++) {
		snprintf(field, sizeof(field), "%s.sizes[%zu]", name, i);
		if (get_size(pe, field, json_object_array_get_idx(sizes, i), &g->sizes[i]))
			return -EINVAL;
		if (i && g->sizes[i] <= g->sizes[i - 1])
			return fail(pe, field, "sizes must increase");
	}
	for (size_t j = 0; j < nd; j++) {
		snprintf(field, sizeof(field), "%s.depths[%zu]", name, j);
		if (!depths)
			g->depths[j] = 1;
		else if (get_number(pe, field, json_object_array_get_idx(depths, j), 1, 1e6, &g->depths[j]))
			return -EINVAL;
		if (j && g->depths[j] <= g->depths[j - 1])
			return fail(pe, field, "depths must increase");
	}
	snprintf(field, sizeof(field), "%s.%s", name, scale == 1 ? "ns" : scale == 1e3 ? "us" : "ms");
	{
		size_t n;

		if (get_array(pe, field, vals, &n))
			return -EINVAL;
		if (n != ns)
			return fail(pe, field, "%zu rows for %zu sizes", n, ns);
	}
	for (size_t i = 0; i < ns; i++) {
		struct json_object *row = json_object_array_get_idx(vals, i);
		char rf[192];
		size_t n = 1;

		snprintf(rf, sizeof(rf), "%s[%zu]", field, i);
		if (json_object_is_type(row, json_type_array)) {
			n = json_object_array_length(row);
		} else if (nd != 1) {
			return fail(pe, rf, "expected an array of %zu latencies (one per depth)", nd);
		}
		if (n != nd)
			return fail(pe, rf, "%zu values for %zu depths", n, nd);
		for (size_t j = 0; j < nd; j++) {
			struct json_object *v = json_object_is_type(row, json_type_array)
						? json_object_array_get_idx(row, j) : row;
			char vf[256];
			double d;

			snprintf(vf, sizeof(vf), "%s[%zu]", rf, j);
			if (get_number(pe, vf, v, 0, PROFILE_MAX_NS / scale, &d))
				return -EINVAL;
			g->ns[i * nd + j] = d * scale;
		}
	}
	return 0;
}

/* { "fill": [0, ..., 1], "ms": [...] } */
static int parse_curve(struct perr *pe, const char *name, struct json_object *obj,
		       struct dev_profile_curve *c)
{
	static const char *const keys[] = { "fill", "ns", "us", "ms", NULL };
	struct json_object *fill, *vals;
	char field[128];
	double scale;
	size_t n, nv;

	if (!json_object_is_type(obj, json_type_object))
		return fail(pe, name, "expected an object with \"fill\" and \"ms\" (or \"us\")");
	if (check_keys(pe, name, obj, keys))
		return -EINVAL;
	if (!json_object_object_get_ex(obj, "fill", &fill))
		return fail(pe, name, "missing \"fill\" (fractions of the zone capacity written, 0 to 1)");
	snprintf(field, sizeof(field), "%s.fill", name);
	if (get_array(pe, field, fill, &n) || get_unit(pe, name, obj, &vals, &scale))
		return -EINVAL;
	snprintf(field, sizeof(field), "%s.%s", name, scale == 1 ? "ns" : scale == 1e3 ? "us" : "ms");
	if (get_array(pe, field, vals, &nv))
		return -EINVAL;
	if (nv != n)
		return fail(pe, field, "%zu values for %zu fill points", nv, n);
	c->nr = (unsigned int)n;
	c->fill = calloc(n, sizeof(*c->fill));
	c->ns = calloc(n, sizeof(*c->ns));
	if (!c->fill || !c->ns)
		return fail(pe, name, "out of memory");
	for (size_t i = 0; i < n; i++) {
		char vf[256];
		double d;

		snprintf(vf, sizeof(vf), "%s.fill[%zu]", name, i);
		if (get_number(pe, vf, json_object_array_get_idx(fill, i), 0, 1, &c->fill[i]))
			return -EINVAL;
		if (i && c->fill[i] <= c->fill[i - 1])
			return fail(pe, vf, "fill points must increase");
		snprintf(vf, sizeof(vf), "%s[%zu]", field, i);
		if (get_number(pe, vf, json_object_array_get_idx(vals, i), 0, PROFILE_MAX_NS / scale, &d))
			return -EINVAL;
		c->ns[i] = d * scale;
	}
	return 0;
}

static int get_string(struct perr *pe, const char *field, struct json_object *v, char **out)
{
	if (!json_object_is_type(v, json_type_string))
		return fail(pe, field, "expected a string, found %s",
			    json_type_to_name(json_object_get_type(v)));
	free(*out);
	*out = strdup(json_object_get_string(v));
	if (!*out)
		return fail(pe, field, "out of memory");
	return 0;
}

static int get_us(struct perr *pe, const char *field, struct json_object *v, double *ns)
{
	double us;

	if (get_number(pe, field, v, 0, PROFILE_MAX_NS / 1e3, &us))
		return -EINVAL;
	*ns = us * 1e3;
	return 0;
}

static const char *const top_keys[] = {
	"zwsim_profile", "name", "description", "device", "read", "write", "append",
	"flush_us", "seek_us", "implicit_open_us", "open_us", "close_us", "reset_empty_us", "reset",
	"reset_finished", "finish", "notes", "sources", NULL,
};

static int parse_profile(struct perr *pe, struct json_object *root, struct dev_profile *p)
{
	static const char *const io_names[DEV_PROFILE_NR_IO] = { "read", "write", "append" };
	struct json_object *v;
	double version;

	if (!json_object_is_type(root, json_type_object))
		return fail(pe, "(top)", "a profile is a JSON object");
	if (check_keys(pe, "(top)", root, top_keys))
		return -EINVAL;
	if (!json_object_object_get_ex(root, "zwsim_profile", &v))
		return fail(pe, "zwsim_profile", "missing: a profile starts with \"zwsim_profile\": 1 (the format's version)");
	if (get_number(pe, "zwsim_profile", v, 0, 1e9, &version))
		return -EINVAL;
	if (version != 1)
		return fail(pe, "zwsim_profile", "version %g is not known (this zwsim reads version 1)", version);
	if (json_object_object_get_ex(root, "name", &v) && get_string(pe, "name", v, &p->name))
		return -EINVAL;
	if (json_object_object_get_ex(root, "description", &v) &&
	    get_string(pe, "description", v, &p->description))
		return -EINVAL;
	if (json_object_object_get_ex(root, "device", &v)) {
		struct zone_geometry geo;
		char serr[256];

		if (get_string(pe, "device", v, &p->device))
			return -EINVAL;
		if (strstr(p->device, "profile="))
			return fail(pe, "device", "a profile's device keys cannot name a profile");
		if (zw_spec_geometry(p->device, &geo, serr, sizeof(serr)))
			return fail(pe, "device", "%s", serr);
	}
	for (int i = 0; i < DEV_PROFILE_NR_IO; i++) {
		if (!json_object_object_get_ex(root, io_names[i], &v)) {
			if (i != DEV_PROFILE_APPEND)
				return fail(pe, io_names[i], "missing: the latency of %ss by size and depth", io_names[i]);
			continue;
		}
		if (parse_grid(pe, io_names[i], v, &p->io[i]))
			return -EINVAL;
	}
	if (json_object_object_get_ex(root, "flush_us", &v) && get_us(pe, "flush_us", v, &p->flush_ns))
		return -EINVAL;
	if (json_object_object_get_ex(root, "seek_us", &v) && get_us(pe, "seek_us", v, &p->seek_ns))
		return -EINVAL;
	if (json_object_object_get_ex(root, "implicit_open_us", &v)) {
		static const char *const keys[] = { "write", "append", NULL };
		struct json_object *w;

		if (!json_object_is_type(v, json_type_object))
			return fail(pe, "implicit_open_us", "expected { \"write\": US, \"append\": US }");
		if (check_keys(pe, "implicit_open_us", v, keys))
			return -EINVAL;
		if (json_object_object_get_ex(v, "write", &w) &&
		    get_us(pe, "implicit_open_us.write", w, &p->imp_open_ns[DEV_PROFILE_WRITE]))
			return -EINVAL;
		if (json_object_object_get_ex(v, "append", &w) &&
		    get_us(pe, "implicit_open_us.append", w, &p->imp_open_ns[DEV_PROFILE_APPEND]))
			return -EINVAL;
	}
	if (json_object_object_get_ex(root, "open_us", &v) && get_us(pe, "open_us", v, &p->open_ns))
		return -EINVAL;
	if (json_object_object_get_ex(root, "close_us", &v) && get_us(pe, "close_us", v, &p->close_ns))
		return -EINVAL;
	if (json_object_object_get_ex(root, "reset_empty_us", &v) &&
	    get_us(pe, "reset_empty_us", v, &p->reset_empty_ns))
		return -EINVAL;
	if (json_object_object_get_ex(root, "reset", &v) && parse_curve(pe, "reset", v, &p->reset))
		return -EINVAL;
	if (json_object_object_get_ex(root, "reset_finished", &v) &&
	    parse_curve(pe, "reset_finished", v, &p->reset_finished))
		return -EINVAL;
	if (json_object_object_get_ex(root, "finish", &v) && parse_curve(pe, "finish", v, &p->finish))
		return -EINVAL;
	return 0;
}

int dev_profile_parse(const char *text, size_t len, const char *file, struct dev_profile **out,
		      char *err, size_t errlen)
{
	struct perr pe = { file, err, errlen };
	struct json_tokener *tok;
	struct json_object *root;
	struct dev_profile *p;
	int ret;

	*out = NULL;
	if (len > PROFILE_MAX_BYTES)
		return fail(&pe, "(file)", "%zu bytes: larger than a profile can be (%u)", len, PROFILE_MAX_BYTES);
	if (memchr(text, '\0', len))
		return fail(&pe, "(file)", "a NUL byte: a profile is JSON text");
	tok = json_tokener_new();
	if (!tok)
		return fail(&pe, "(file)", "out of memory");
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) < len) {
		enum json_tokener_error je = json_tokener_get_error(tok);
		size_t end = json_tokener_get_parse_end(tok), line = 1;

		for (size_t i = 0; i < end && i < len; i++)
			line += text[i] == '\n';
		if (je == json_tokener_continue)
			snprintf(err, errlen, "%s:%zu: not JSON: the text ends inside a value", file, line);
		else if (je == json_tokener_success)
			snprintf(err, errlen, "%s:%zu: not JSON: text after the profile's closing brace", file, line);
		else
			snprintf(err, errlen, "%s:%zu: not JSON: %s", file, line, json_tokener_error_desc(je));
		json_object_put(root);
		json_tokener_free(tok);
		return -EINVAL;
	}
	json_tokener_free(tok);
	p = calloc(1, sizeof(*p));
	if (!p) {
		json_object_put(root);
		return fail(&pe, "(file)", "out of memory");
	}
	ret = parse_profile(&pe, root, p);
	json_object_put(root);
	if (!ret && !p->name) {
		const char *base = strrchr(file, '/');
		size_t n;

		base = base ? base + 1 : file;
		n = strlen(base);
		if (n > 5 && !strcmp(base + n - 5, ".json"))
			n -= 5;
		p->name = strndup(base, n);
	}
	if (!ret)
		p->path = strdup(file);
	if (!ret && (!p->name || !p->path))
		ret = fail(&pe, "(file)", "out of memory");
	if (ret) {
		dev_profile_free(p);
		return ret;
	}
	*out = p;
	return 0;
}

const char *dev_profile_dirs(char *buf, size_t len)
{
	const char *env = getenv("ZWSIM_PROFILE_PATH");

	snprintf(buf, len, "%s%s%s", env && *env ? env : "", env && *env ? ":" : "", ZWSIM_PROFILE_DIRS);
	return buf;
}

static int read_file(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, n = 0;
	char *buf = NULL;

	if (!f) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			char *nb;

			if (cap > PROFILE_MAX_BYTES) {
				snprintf(err, errlen, "%s: larger than a profile can be (%u bytes)", path, PROFILE_MAX_BYTES);
				free(buf);
				fclose(f);
				return -EFBIG;
			}
			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				snprintf(err, errlen, "%s: out of memory", path);
				return -ENOMEM;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*text = buf;
	*len = n;
	return 0;
}

int dev_profile_load(const char *name, struct dev_profile **out, char *err, size_t errlen)
{
	size_t n = strlen(name);
	char dirs[4096], path[4352], *text = NULL, *save = NULL, *dir;
	size_t len = 0;
	int ret;

	*out = NULL;
	if (!n) {
		snprintf(err, errlen, "profile=: needs a profile name (e.g. zn540) or a path to a .json file");
		return -EINVAL;
	}
	if (strchr(name, '/') || (n > 5 && !strcmp(name + n - 5, ".json"))) {
		ret = read_file(name, &text, &len, err, errlen);
		if (ret)
			return ret;
		ret = dev_profile_parse(text ? text : "", len, name, out, err, errlen);
		free(text);
		return ret;
	}
	for (const char *c = name; *c; c++)
		if (!(*c == '-' || *c == '_' || *c == '.' || (*c >= '0' && *c <= '9') ||
		      (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'))) {
			snprintf(err, errlen, "profile=%s: a name is letters, digits, '-', '_' and '.' (or give a path to a .json file)",
				 name);
			return -EINVAL;
		}
	dev_profile_dirs(dirs, sizeof(dirs));
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(path, sizeof(path), "%s/%s.json", dir, name);
		ret = read_file(path, &text, &len, err, errlen);
		if (ret == -ENOENT)
			continue;
		if (ret)
			return ret;
		ret = dev_profile_parse(text ? text : "", len, path, out, err, errlen);
		free(text);
		return ret;
	}
	snprintf(err, errlen, "profile=%s: no %s.json in %s (the bundled ones are nullblk, zn540, hm-smr; or give a path)",
		 name, name, dev_profile_dirs(dirs, sizeof(dirs)));
	return -ENOENT;
}

static void grid_free(struct dev_profile_grid *g)
{
	free(g->sizes);
	free(g->depths);
	free(g->ns);
}

static void curve_free(struct dev_profile_curve *c)
{
	free(c->fill);
	free(c->ns);
}

void dev_profile_free(struct dev_profile *p)
{
	if (!p)
		return;
	for (int i = 0; i < DEV_PROFILE_NR_IO; i++)
		grid_free(&p->io[i]);
	curve_free(&p->reset);
	curve_free(&p->reset_finished);
	curve_free(&p->finish);
	free(p->name);
	free(p->path);
	free(p->description);
	free(p->device);
	free(p);
}

/*
 * One size's latency at @depth: linear between the table's depths; below
 * the first, the first; past the last, growing in proportion to the depth
 * (a saturated device: latency = depth / IOPS, as the ZN540's appends
 * show past QD 4).  A profile whose device does not saturate repeats its
 * last value at a large depth.
 */
static double grid_row(const struct dev_profile_grid *g, unsigned int i, double depth)
{
	const double *v = &g->ns[(size_t)i * g->nr_depths];
	unsigned int last = g->nr_depths - 1, j;

	if (depth <= g->depths[0])
		return v[0];
	if (depth >= g->depths[last])
		return v[last] * depth / g->depths[last];
	for (j = 1; g->depths[j] < depth; j++)
		;
	return v[j - 1] + (v[j] - v[j - 1]) * (depth - g->depths[j - 1]) / (g->depths[j] - g->depths[j - 1]);
}

/*
 * The latency of @bytes: linear between the table's sizes; below the
 * first, the first's (no command is cheaper than the smallest); past the
 * last, in proportion to the size (bandwidth-bound).
 */
static double grid_ns(const struct dev_profile_grid *g, uint64_t bytes, double depth)
{
	unsigned int last = g->nr_sizes - 1, i;
	double a, b;

	if (bytes <= g->sizes[0])
		return grid_row(g, 0, depth);
	if (bytes >= g->sizes[last])
		return grid_row(g, last, depth) * (double)bytes / (double)g->sizes[last];
	for (i = 1; g->sizes[i] < bytes; i++)
		;
	a = grid_row(g, i - 1, depth);
	b = grid_row(g, i, depth);
	return a + (b - a) * (double)(bytes - g->sizes[i - 1]) / (double)(g->sizes[i] - g->sizes[i - 1]);
}

static double curve_ns(const struct dev_profile_curve *c, double fill)
{
	unsigned int i;

	if (!c->nr)
		return 0;
	if (fill <= c->fill[0])
		return c->ns[0];
	if (fill >= c->fill[c->nr - 1])
		return c->ns[c->nr - 1];
	for (i = 1; c->fill[i] < fill; i++)
		;
	return c->ns[i - 1] + (c->ns[i] - c->ns[i - 1]) * (fill - c->fill[i - 1]) / (c->fill[i] - c->fill[i - 1]);
}

static uint64_t to_ns(double ns)
{
	return ns <= 0 ? 0 : ns >= 1.8e19 ? UINT64_MAX : (uint64_t)(ns + 0.5);
}

uint64_t dev_profile_io_ns(const struct dev_profile *p, enum req_op op, uint64_t bytes,
			   unsigned int depth, bool implicit_open)
{
	int k;

	switch (op) {
	case REQ_OP_READ:
		k = DEV_PROFILE_READ;
		break;
	case REQ_OP_WRITE:
		k = DEV_PROFILE_WRITE;
		break;
	case REQ_OP_ZONE_APPEND:
		k = p->io[DEV_PROFILE_APPEND].nr_sizes ? DEV_PROFILE_APPEND : DEV_PROFILE_WRITE;
		break;
	case REQ_OP_FLUSH:
		return to_ns(p->flush_ns);
	default:
		return 0;
	}
	return to_ns(grid_ns(&p->io[k], bytes, depth ? depth : 1) +
		     (implicit_open ? p->imp_open_ns[op == REQ_OP_ZONE_APPEND ? DEV_PROFILE_APPEND
									   : DEV_PROFILE_WRITE] : 0));
}

uint64_t dev_profile_zone_ns(const struct dev_profile *p, const struct dev_profile_zone_cmd *cmd)
{
	switch (cmd->op) {
	case REQ_OP_ZONE_OPEN:
		return to_ns(p->open_ns);
	case REQ_OP_ZONE_CLOSE:
		return to_ns(p->close_ns);
	case REQ_OP_ZONE_FINISH:
		return to_ns(curve_ns(&p->finish, cmd->fill));
	case REQ_OP_ZONE_RESET:
	case REQ_OP_ZONE_RESET_ALL:
		if (cmd->empty)
			return to_ns(p->reset_empty_ns);
		if (cmd->finished && p->reset_finished.nr)
			return to_ns(curve_ns(&p->reset_finished, cmd->fill));
		return to_ns(curve_ns(&p->reset, cmd->fill));
	default:
		return 0;
	}
}
