// SPDX-License-Identifier: MIT
/*
 * The matrix file: parameters given once ("fixed") or as lists ("axes"),
 * whose cross product, less "exclude" and plus "include", is the set of
 * runs.  Each run's name comes from its parameters alone: the labels of
 * the axes' values, then a hash of every value, so reordering the matrix
 * renames nothing and resuming finds what was done.
 */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev.h"
#include "sweep.h"

const struct sweep_param sweep_params[] = {
	{ "trace",    NULL,          SWEEP_TRACE,   true },
	{ "dev",      "--dev",       SWEEP_STRING,  true },
	{ "profile",  NULL,          SWEEP_PROFILE, false },
	{ "fs",       "--fs",        SWEEP_STRING,  true },
	{ "mount",    "--mount",     SWEEP_STRING,  false },
	{ "format",   "--format",    SWEEP_STRING,  false },
	{ "action",   "--action",    SWEEP_STRING,  false },
	{ "volume",   "--volume",    SWEEP_STRING,  false },
	{ "remap",    "--remap",     SWEEP_STRING,  false },
	{ "split",    "--split",     SWEEP_STRING,  false },
	{ "direct",   "--direct",    SWEEP_FLAG,    false },
	{ "speed",    "--speed",     SWEEP_NUMBER,  false },
	{ "strict",   "--strict",    SWEEP_FLAG,    false },
	{ "qd",       "--qd",        SWEEP_NUMBER,  false },
	{ "order",    "--order",     SWEEP_STRING,  false },
	{ "seed",     "--seed",      SWEEP_NUMBER,  false },
	{ "inject",   "--inject",    SWEEP_STRING,  false },
	{ "skip_bad", "--skip-bad",  SWEEP_FLAG,    false },
	{ "no_sync",  "--no-sync",   SWEEP_FLAG,    false },
	{ "verify",   "--verify",    SWEEP_FLAG,    false },
};
const size_t sweep_nr_params = sizeof(sweep_params) / sizeof(sweep_params[0]);

#define NP (sizeof(sweep_params) / sizeof(sweep_params[0]))

int sweep_param_index(const char *key)
{
	for (size_t i = 0; i < NP; i++)
		if (!strcmp(sweep_params[i].key, key))
			return (int)i;
	return -1;
}

char *sw_strdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		fprintf(stderr, "zwsim sweep: out of memory\n");
		exit(1);
	}
	return d;
}

void *sw_calloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p) {
		fprintf(stderr, "zwsim sweep: out of memory\n");
		exit(1);
	}
	return p;
}

char *sw_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		fprintf(stderr, "zwsim sweep: out of memory\n");
		exit(1);
	}
	va_end(ap);
	return s;
}

/* A value as the matrix gives it: a scalar, or {"label": L, "value": V}. */
struct cell {
	char *value, *label;	/* label NULL: derived */
};

static const char *type_name(json_object *o)
{
	return json_type_to_name(json_object_get_type(o));
}

static int cell_parse(json_object *o, int p, const char *where, struct cell *c, char *err, size_t errlen)
{
	const struct sweep_param *sp = &sweep_params[p];
	json_object *lab = NULL, *val = o;

	c->value = c->label = NULL;
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, v) {
			(void)v;
			if (strcmp(k, "label") && strcmp(k, "value")) {
				snprintf(err, errlen, "%s: unknown key \"%s\" (a value object has \"label\" and \"value\")", where, k);
				return -EINVAL;
			}
		}
		if (!json_object_object_get_ex(o, "value", &val)) {
			snprintf(err, errlen, "%s: a value object needs \"value\"", where);
			return -EINVAL;
		}
		if (json_object_object_get_ex(o, "label", &lab) && !json_object_is_type(lab, json_type_string)) {
			snprintf(err, errlen, "%s: \"label\" must be a string, not %s", where, type_name(lab));
			return -EINVAL;
		}
	}
	switch (sp->kind) {
	case SWEEP_FLAG:
		if (!json_object_is_type(val, json_type_boolean)) {
			snprintf(err, errlen, "%s: %s is true or false, not %s", where, sp->key, type_name(val));
			return -EINVAL;
		}
		c->value = sw_strdup(json_object_get_boolean(val) ? "true" : "false");
		break;
	case SWEEP_NUMBER:
		if (!json_object_is_type(val, json_type_int) && !json_object_is_type(val, json_type_double)) {
			snprintf(err, errlen, "%s: %s is a number, not %s", where, sp->key, type_name(val));
			return -EINVAL;
		}
		c->value = sw_strdup(json_object_get_string(val));
		break;
	default:
		if (!json_object_is_type(val, json_type_string) || !*json_object_get_string(val)) {
			if (json_object_is_type(val, json_type_string))
				snprintf(err, errlen, "%s: %s is empty", where, sp->key);
			else
				snprintf(err, errlen, "%s: %s is a string, not %s", where, sp->key, type_name(val));
			return -EINVAL;
		}
		c->value = sw_strdup(json_object_get_string(val));
		break;
	}
	if (lab) {
		if (!*json_object_get_string(lab)) {
			free(c->value);
			snprintf(err, errlen, "%s: the label is empty", where);
			return -EINVAL;
		}
		c->label = sw_strdup(json_object_get_string(lab));
	}
	return 0;
}

/* Characters of a name: letters, digits, '.', '+', '-'; others become '-'. */
static char *sanitize(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *d = sw_calloc(n + 2, 1);

	for (size_t i = 0; i < n && o < 40; i++) {
		char ch = s[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			  ch == '.' || ch == '+' || ch == '-';

		if (!ok)
			ch = '-';
		if (ch == '-' && (o == 0 || d[o - 1] == '-'))
			continue;
		d[o++] = ch;
	}
	while (o && d[o - 1] == '-')
		d[--o] = 0;
	if (!o)
		d[o++] = 'x';
	return d;
}

static char *derive_label(int p, const char *value)
{
	const char *s = value;
	char *tmp, *l;

	switch (sweep_params[p].kind) {
	case SWEEP_TRACE:
	case SWEEP_PROFILE: {
		const char *b = strrchr(value, '/');
		char *dot;

		tmp = sw_strdup(b ? b + 1 : value);
		dot = strchr(tmp, '.');
		if (dot && dot != tmp)
			*dot = 0;
		l = sanitize(tmp);
		free(tmp);
		return l;
	}
	case SWEEP_FLAG:
		return sw_strdup(!strcmp(value, "true") ? "on" : "off");
	default:
		if (p == sweep_param_index("dev") && strchr(value, ':'))
			s = strchr(value, ':') + 1;
		return sanitize(*s ? s : value);
	}
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static void run_free(struct sweep_run *r)
{
	free(r->name);
	for (size_t p = 0; p < NP; p++) {
		if (r->value)
			free(r->value[p]);
		if (r->label)
			free(r->label[p]);
	}
	free(r->value);
	free(r->label);
	if (r->argv)
		for (int i = 0; i < r->argc; i++)
			free(r->argv[i]);
	free(r->argv);
	memset(r, 0, sizeof(*r));
}

void sweep_free(struct sweep *sw)
{
	for (size_t i = 0; i < sw->nr_runs; i++)
		run_free(&sw->runs[i]);
	free(sw->runs);
	free(sw->matrix);
	free(sw->dir);
	free(sw->name);
	free(sw->out);
	free(sw->slurm.partition);
	free(sw->slurm.account);
	free(sw->slurm.time);
	free(sw->slurm.mem);
	free(sw->slurm.extra);
	memset(sw, 0, sizeof(*sw));
}

/* The run's name and replay arguments from its values. */
static void run_build(const struct sweep *sw, struct sweep_run *r)
{
	uint64_t h = 1469598103934665603ULL;
	size_t len = 0;
	char *name;
	int n = 0;

	for (size_t p = 0; p < NP; p++) {
		if (r->value[p]) {
			h = fnv1a(h, sweep_params[p].key);
			h = fnv1a(h, "=");
			h = fnv1a(h, r->value[p]);
			h = fnv1a(h, "\n");
			if (!r->label[p])
				r->label[p] = derive_label((int)p, r->value[p]);
			else {
				char *s = sanitize(r->label[p]);

				free(r->label[p]);
				r->label[p] = s;
			}
		}
		if (sw->axis[p])
			len += strlen(sweep_params[p].key) + 2 + strlen(r->label[p] ? r->label[p] : "none");
	}
	name = sw_calloc(len + 16, 1);
	for (size_t p = 0; p < NP; p++)
		if (sw->axis[p]) {
			strcat(name, sweep_params[p].key);
			strcat(name, "-");
			strcat(name, r->label[p] ? r->label[p] : "none");
			strcat(name, "_");
		}
	sprintf(name + strlen(name), "%08" PRIx32, (uint32_t)(h ^ (h >> 32)));
	r->name = name;

	/* replay's arguments: the options in table order, then the trace */
	r->argv = sw_calloc(2 * NP + 4, sizeof(char *));
	for (size_t p = 0; p < NP; p++) {
		const struct sweep_param *sp = &sweep_params[p];

		if (!r->value[p] || !sp->flag)
			continue;
		if (sp->kind == SWEEP_FLAG) {
			if (!strcmp(r->value[p], "true"))
				r->argv[n++] = sw_strdup(sp->flag);
			continue;
		}
		r->argv[n++] = sw_strdup(sp->flag);
		if (p == (size_t)sweep_param_index("dev") && r->value[sweep_param_index("profile")])
			r->argv[n++] = sw_asprintf("%s,profile=%s", r->value[p], r->value[sweep_param_index("profile")]);
		else
			r->argv[n++] = sw_strdup(r->value[p]);
	}
	r->argv[n++] = sw_strdup("--json");
	{
		const char *t = r->value[sweep_param_index("trace")];

		if (t[0] == '/' || !strcmp(t, "-") || !sw->dir)
			r->argv[n++] = sw_strdup(t);
		else
			r->argv[n++] = sw_asprintf("%s/%s", sw->dir, t);
	}
	r->argc = n;
}

struct axis {
	int p;
	struct cell *cells;
	size_t n;
};

static void cells_free(struct cell *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].value);
		free(c[i].label);
	}
}

/* A run matches an exclude entry when it has each of the entry's values. */
static bool matches(char *const *value, struct cell *ent, const bool *has)
{
	for (size_t p = 0; p < NP; p++)
		if (has[p] && (!value[p] || strcmp(value[p], ent[p].value)))
			return false;
	return true;
}

/* A map of key: value (the "fixed" object, an exclude or include entry). */
static int parse_map(json_object *o, const char *where, struct cell *cells, bool *has, char *err, size_t errlen)
{
	char w[256];

	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "%s: must be an object of parameters, not %s", where, type_name(o));
		return -EINVAL;
	}
	json_object_object_foreach(o, k, v) {
		int p = sweep_param_index(k);

		if (p < 0) {
			snprintf(err, errlen, "%s: unknown parameter \"%s\" (zwsim sweep --help lists them)", where, k);
			return -EINVAL;
		}
		snprintf(w, sizeof(w), "%s.%s", where, k);
		if (cell_parse(v, p, w, &cells[p], err, errlen))
			return -EINVAL;
		has[p] = true;
	}
	return 0;
}

static int add_run(struct sweep *sw, size_t *cap, struct cell *vals, const bool *has, const char *where,
		   char *err, size_t errlen)
{
	struct sweep_run *r;

	if (sw->nr_runs == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		sw->runs = realloc(sw->runs, *cap * sizeof(*sw->runs));
		if (!sw->runs) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
	}
	if (sw->nr_runs >= 100000) {
		snprintf(err, errlen, "%s: more than 100000 runs", where);
		return -E2BIG;
	}
	r = &sw->runs[sw->nr_runs++];
	memset(r, 0, sizeof(*r));
	r->value = sw_calloc(NP, sizeof(char *));
	r->label = sw_calloc(NP, sizeof(char *));
	for (size_t p = 0; p < NP; p++)
		if (has[p]) {
			r->value[p] = sw_strdup(vals[p].value);
			r->label[p] = vals[p].label ? sw_strdup(vals[p].label) : NULL;
		}
	for (size_t p = 0; p < NP; p++)
		if (sweep_params[p].required && !has[p]) {
			snprintf(err, errlen, "%s: no \"%s\" (give it in \"fixed\", \"axes\" or the include)", where,
				 sweep_params[p].key);
			return -EINVAL;
		}
	return 0;
}

static int cmp_run(const void *a, const void *b)
{
	return strcmp(((const struct sweep_run *)a)->name, ((const struct sweep_run *)b)->name);
}

static int parse_slurm(struct sweep *sw, json_object *o, char *err, size_t errlen)
{
	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "slurm: must be an object, not %s", type_name(o));
		return -EINVAL;
	}
	json_object_object_foreach(o, k, v) {
		char **dst = !strcmp(k, "partition") ? &sw->slurm.partition :
			     !strcmp(k, "account") ? &sw->slurm.account :
			     !strcmp(k, "time") ? &sw->slurm.time :
			     !strcmp(k, "mem") ? &sw->slurm.mem :
			     !strcmp(k, "extra") ? &sw->slurm.extra : NULL;

		if (!strcmp(k, "throttle")) {
			if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0 ||
			    json_object_get_int64(v) > 100000) {
				snprintf(err, errlen, "slurm.throttle: a number of tasks from 0 (none) to 100000");
				return -EINVAL;
			}
			sw->slurm.throttle = (int)json_object_get_int64(v);
			continue;
		}
		if (!dst) {
			snprintf(err, errlen, "slurm: unknown key \"%s\" (partition, account, time, mem, throttle, extra)", k);
			return -EINVAL;
		}
		if (!json_object_is_type(v, json_type_string)) {
			snprintf(err, errlen, "slurm.%s: a string, not %s", k, type_name(v));
			return -EINVAL;
		}
		for (const char *c = json_object_get_string(v); *c; c++)
			if (*c == '\n' || *c == '\r') {
				snprintf(err, errlen, "slurm.%s: no line breaks", k);
				return -EINVAL;
			}
		free(*dst);
		*dst = sw_strdup(json_object_get_string(v));
	}
	return 0;
}

/* The line of a byte offset, for json-c's errors. */
static int line_of(const char *text, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off && text[i]; i++)
		line += text[i] == '\n';
	return line;
}

int sweep_parse(struct sweep *sw, const char *text, const char *path, char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *root, *o;
	struct cell fixed[NP], ent[NP];
	bool has_fixed[NP], has[NP];
	struct axis axes[NP];
	size_t nr_axes = 0, cap = 0, len = strlen(text);
	size_t *idx = NULL;
	int ret = -EINVAL;

	memset(fixed, 0, sizeof(fixed));
	memset(has_fixed, 0, sizeof(has_fixed));
	memset(axes, 0, sizeof(axes));
	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root || json_tokener_get_parse_end(tok) < len) {
		size_t end = json_tokener_get_parse_end(tok);
		enum json_tokener_error e = json_tokener_get_error(tok);

		while (root && end < len && (text[end] == ' ' || text[end] == '\n' || text[end] == '\t' || text[end] == '\r'))
			end++;
		if (!root || end < len) {
			snprintf(err, errlen, "%s:%d: %s", path, line_of(text, end),
				 root ? "text after the matrix object" :
				 e == json_tokener_continue ? "unexpected end of the file" : json_tokener_error_desc(e));
			json_object_put(root);
			json_tokener_free(tok);
			return -EINVAL;
		}
	}
	json_tokener_free(tok);
	if (!json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen, "%s: the matrix is a JSON object, not %s", path, type_name(root));
		goto out;
	}
	json_object_object_foreach(root, key, val) {
		(void)val;
		if (strcmp(key, "name") && strcmp(key, "out") && strcmp(key, "fixed") && strcmp(key, "axes") &&
		    strcmp(key, "exclude") && strcmp(key, "include") && strcmp(key, "slurm") && strcmp(key, "comment")) {
			snprintf(err, errlen, "%s: unknown key \"%s\" (name, out, fixed, axes, exclude, include, slurm, comment)",
				 path, key);
			goto out;
		}
	}
	if (json_object_object_get_ex(root, "name", &o)) {
		if (!json_object_is_type(o, json_type_string) || !*json_object_get_string(o)) {
			snprintf(err, errlen, "%s: name: a non-empty string", path);
			goto out;
		}
		free(sw->name);
		sw->name = sanitize(json_object_get_string(o));
	}
	if (json_object_object_get_ex(root, "out", &o)) {
		if (!json_object_is_type(o, json_type_string) || !*json_object_get_string(o)) {
			snprintf(err, errlen, "%s: out: a directory name", path);
			goto out;
		}
		free(sw->out);
		if (json_object_get_string(o)[0] == '/' || !sw->dir)
			sw->out = sw_strdup(json_object_get_string(o));
		else
			sw->out = sw_asprintf("%s/%s", sw->dir, json_object_get_string(o));
	}
	if (json_object_object_get_ex(root, "slurm", &o) && parse_slurm(sw, o, err, errlen))
		goto out;
	if (json_object_object_get_ex(root, "fixed", &o) && parse_map(o, "fixed", fixed, has_fixed, err, errlen))
		goto out;
	if (json_object_object_get_ex(root, "axes", &o)) {
		if (!json_object_is_type(o, json_type_object)) {
			snprintf(err, errlen, "%s: axes: an object of parameter: [values], not %s", path, type_name(o));
			goto out;
		}
		json_object_object_foreach(o, k, v) {
			int p = sweep_param_index(k);
			size_t n;

			if (p < 0) {
				snprintf(err, errlen, "axes: unknown parameter \"%s\" (zwsim sweep --help lists them)", k);
				goto out;
			}
			if (has_fixed[p]) {
				snprintf(err, errlen, "axes.%s: also in \"fixed\"", k);
				goto out;
			}
			if (!json_object_is_type(v, json_type_array) || !(n = json_object_array_length(v))) {
				snprintf(err, errlen, "axes.%s: a non-empty list of values", k);
				goto out;
			}
			axes[nr_axes].p = p;
			axes[nr_axes].cells = sw_calloc(n, sizeof(struct cell));
			axes[nr_axes].n = 0;
			sw->axis[p] = true;
			nr_axes++;
			for (size_t i = 0; i < n; i++) {
				char w[256];

				snprintf(w, sizeof(w), "axes.%s[%zu]", k, i);
				if (cell_parse(json_object_array_get_idx(v, i), p, w, &axes[nr_axes - 1].cells[i], err, errlen))
					goto out;
				axes[nr_axes - 1].n++;
				for (size_t j = 0; j < i; j++)
					if (!strcmp(axes[nr_axes - 1].cells[j].value, axes[nr_axes - 1].cells[i].value)) {
						snprintf(err, errlen, "%s: the same value as axes.%s[%zu]", w, k, j);
						goto out;
					}
			}
		}
	}

	/* the cross product, less the excludes */
	{
		json_object *ex = NULL;
		size_t nex = 0;
		struct cell *excells = NULL;
		bool *exhas = NULL;
		uint64_t total = 1;

		if (json_object_object_get_ex(root, "exclude", &ex)) {
			if (!json_object_is_type(ex, json_type_array)) {
				snprintf(err, errlen, "exclude: a list of objects of parameters");
				goto out;
			}
			nex = json_object_array_length(ex);
			excells = sw_calloc(nex * NP, sizeof(struct cell));
			exhas = sw_calloc(nex * NP, sizeof(bool));
			for (size_t e = 0; e < nex; e++) {
				char w[64];

				snprintf(w, sizeof(w), "exclude[%zu]", e);
				if (parse_map(json_object_array_get_idx(ex, e), w, excells + e * NP, exhas + e * NP, err, errlen)) {
					cells_free(excells, nex * NP);
					free(excells);
					free(exhas);
					goto out;
				}
			}
		}
		for (size_t a = 0; a < nr_axes; a++) {
			total *= axes[a].n;
			if (total > 100000) {
				snprintf(err, errlen, "axes: more than 100000 combinations");
				cells_free(excells, nex * NP);
				free(excells);
				free(exhas);
				goto out;
			}
		}
		idx = sw_calloc(nr_axes + 1, sizeof(size_t));
		for (uint64_t c = 0; c < total; c++) {
			struct cell vals[NP];
			bool vhas[NP];
			char *values[NP];
			bool drop = false;

			memcpy(vals, fixed, sizeof(vals));
			memcpy(vhas, has_fixed, sizeof(vhas));
			for (size_t a = 0; a < nr_axes; a++) {
				vals[axes[a].p] = axes[a].cells[idx[a]];
				vhas[axes[a].p] = true;
			}
			for (size_t p = 0; p < NP; p++)
				values[p] = vhas[p] ? vals[p].value : NULL;
			for (size_t e = 0; e < nex && !drop; e++)
				drop = matches(values, excells + e * NP, exhas + e * NP);
			if (drop)
				sw->nr_excluded++;
			else if (add_run(sw, &cap, vals, vhas, "the matrix", err, errlen)) {
				cells_free(excells, nex * NP);
				free(excells);
				free(exhas);
				goto out;
			}
			for (size_t a = 0; a < nr_axes; a++) {	/* the next combination, last axis fastest */
				size_t b = nr_axes - 1 - a;

				if (++idx[b] < axes[b].n)
					break;
				idx[b] = 0;
			}
		}
		cells_free(excells, nex * NP);
		free(excells);
		free(exhas);
	}

	/* the includes: the fixed values, then the entry's */
	if (json_object_object_get_ex(root, "include", &o)) {
		if (!json_object_is_type(o, json_type_array)) {
			snprintf(err, errlen, "include: a list of objects of parameters");
			goto out;
		}
		for (size_t e = 0; e < json_object_array_length(o); e++) {
			char w[64];
			struct cell vals[NP];
			bool vhas[NP];
			int r;

			memset(ent, 0, sizeof(ent));
			memset(has, 0, sizeof(has));
			snprintf(w, sizeof(w), "include[%zu]", e);
			if (parse_map(json_object_array_get_idx(o, e), w, ent, has, err, errlen)) {
				cells_free(ent, NP);
				goto out;
			}
			for (size_t p = 0; p < NP; p++) {
				vals[p] = has[p] ? ent[p] : fixed[p];
				vhas[p] = has[p] || has_fixed[p];
				/* what an include sets differs between runs: it names them, as an axis does */
				if (has[p] && !has_fixed[p])
					sw->axis[p] = true;
			}
			r = add_run(sw, &cap, vals, vhas, w, err, errlen);
			cells_free(ent, NP);
			if (r)
				goto out;
			sw->nr_included++;
		}
	}
	if (!sw->nr_runs) {
		snprintf(err, errlen, "%s: no runs (everything excluded?)", path);
		goto out;
	}
	for (size_t i = 0; i < sw->nr_runs; i++)	/* names once every axis is known */
		run_build(sw, &sw->runs[i]);
	qsort(sw->runs, sw->nr_runs, sizeof(*sw->runs), cmp_run);
	for (size_t i = 1; i < sw->nr_runs; i++)	/* an include that repeats a run of the product */
		if (!strcmp(sw->runs[i].name, sw->runs[i - 1].name)) {
			run_free(&sw->runs[i]);
			memmove(&sw->runs[i], &sw->runs[i + 1], (sw->nr_runs - i - 1) * sizeof(*sw->runs));
			sw->nr_runs--;
			i--;
		}
	ret = 0;
out:
	free(idx);
	cells_free(fixed, NP);
	for (size_t a = 0; a < nr_axes; a++) {
		cells_free(axes[a].cells, axes[a].n);
		free(axes[a].cells);
	}
	json_object_put(root);
	return ret;
}

static char *abspath(const char *p)
{
	char cwd[PATH_MAX];

	if (p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return sw_strdup(p);
	if (!strcmp(p, "."))
		return sw_strdup(cwd);
	return sw_asprintf("%s/%s", cwd, p);
}

int sweep_load(struct sweep *sw, const char *path, bool check, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL, *slash, *base;
	size_t len = 0, cap = 0, n;
	int ret;

	memset(sw, 0, sizeof(*sw));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	do {
		if (len + 4096 + 1 > cap) {
			cap = 2 * cap + 8192;
			text = realloc(text, cap);
			if (!text) {
				fclose(f);
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
		}
		n = fread(text + len, 1, 4096, f);
		len += n;
	} while (n > 0 && len < (16u << 20));
	fclose(f);
	text[len] = 0;
	if (strlen(text) != len) {
		free(text);
		snprintf(err, errlen, "%s: a NUL byte in the file (a matrix is JSON text)", path);
		return -EINVAL;
	}
	sw->matrix = abspath(path);
	sw->dir = sw_strdup(sw->matrix);
	slash = strrchr(sw->dir, '/');
	*slash = 0;
	if (!*sw->dir)
		strcpy(sw->dir, "/");
	base = sw_strdup(strrchr(sw->matrix, '/') + 1);
	if (strlen(base) > 5 && !strcmp(base + strlen(base) - 5, ".json"))
		base[strlen(base) - 5] = 0;
	sw->name = sanitize(base);
	sw->out = sw_asprintf("%s/%s.sweep", sw->dir, base);
	free(base);
	ret = sweep_parse(sw, text, path, err, errlen);
	free(text);
	if (ret || !check)
		return ret;
	/* every trace there, every emulated device's spec valid: said now, not in run 37 */
	for (size_t i = 0; i < sw->nr_runs; i++) {
		struct sweep_run *r = &sw->runs[i];
		const char *t = r->argv[r->argc - 1];
		const char *dev = NULL;

		if (strcmp(t, "-") && access(t, R_OK)) {
			snprintf(err, errlen, "%s: run %s: trace %s: %s", path, r->name, t, strerror(errno));
			return -ENOENT;
		}
		if (!strcmp(t, "-")) {
			snprintf(err, errlen, "%s: run %s: a sweep's traces are files, not '-'", path, r->name);
			return -EINVAL;
		}
		for (int a = 0; a + 1 < r->argc; a++)
			if (!strcmp(r->argv[a], "--dev"))
				dev = r->argv[a + 1];
		if (dev && !strncmp(dev, "emu:", 4)) {
			struct zone_geometry geo;
			char e2[256];

			if (zw_spec_geometry(dev, &geo, e2, sizeof(e2)) && !strstr(e2, "faults")) {
				snprintf(err, errlen, "%s: run %s: dev %s: %s", path, r->name, dev, e2);
				return -EINVAL;
			}
		}
	}
	return 0;
}
