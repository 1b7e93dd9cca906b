// SPDX-License-Identifier: MIT
/*
 * OUT/plan.json: the expanded runs (names, values, labels, replay's
 * arguments) and the zwsim that runs them.  A Slurm task reads its run from
 * it by index, and --collect its table's parameters, so neither depends on
 * the matrix file staying as it was.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

int sweep_write_plan(const struct sweep *sw, const char *zwsim, char *err, size_t errlen)
{
	json_object *root = json_object_new_object(), *runs = json_object_new_array(), *axes = json_object_new_array();
	char *path = sweep_path(sw, NULL, "plan", ".json"), *tmp = sw_asprintf("%s.part", path);
	int ret = 0;

	json_object_object_add(root, "sweep", json_object_new_string(sw->name));
	json_object_object_add(root, "matrix", json_object_new_string(sw->matrix ? sw->matrix : ""));
	json_object_object_add(root, "zwsim", json_object_new_string(zwsim));
	for (size_t p = 0; p < sweep_nr_params; p++)
		if (sw->axis[p])
			json_object_array_add(axes, json_object_new_string(sweep_params[p].key));
	json_object_object_add(root, "axes", axes);
	for (size_t i = 0; i < sw->nr_runs; i++) {
		const struct sweep_run *r = &sw->runs[i];
		json_object *o = json_object_new_object(), *v = json_object_new_object(), *l = json_object_new_object();
		json_object *a = json_object_new_array();

		for (size_t p = 0; p < sweep_nr_params; p++)
			if (r->value[p]) {
				json_object_object_add(v, sweep_params[p].key, json_object_new_string(r->value[p]));
				json_object_object_add(l, sweep_params[p].key, json_object_new_string(r->label[p]));
			}
		for (int k = 0; k < r->argc; k++)
			json_object_array_add(a, json_object_new_string(r->argv[k]));
		json_object_object_add(o, "index", json_object_new_int64((int64_t)i));
		json_object_object_add(o, "name", json_object_new_string(r->name));
		json_object_object_add(o, "params", v);
		json_object_object_add(o, "labels", l);
		json_object_object_add(o, "argv", a);
		json_object_array_add(runs, o);
	}
	json_object_object_add(root, "runs", runs);
	if (json_object_to_file_ext(tmp, root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED) ||
	    rename(tmp, path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		ret = -EIO;
	}
	json_object_put(root);
	free(path);
	free(tmp);
	return ret;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int sweep_read_plan(struct sweep *sw, const char *out, char **zwsim, char *err, size_t errlen)
{
	char *path = sw_asprintf("%s/plan.json", out);
	json_object *root = json_object_from_file(path), *runs, *axes;
	int ret = -EINVAL;

	memset(sw, 0, sizeof(*sw));
	if (!root) {
		snprintf(err, errlen, "%s: %s (is %s a sweep's output directory?)", path,
			 json_util_get_last_err() ? json_util_get_last_err() : "unreadable", out);
		free(path);
		return -ENOENT;
	}
	if (!get_str(root, "sweep") || !get_str(root, "zwsim") ||
	    !json_object_object_get_ex(root, "runs", &runs) || !json_object_is_type(runs, json_type_array) ||
	    !json_object_object_get_ex(root, "axes", &axes) || !json_object_is_type(axes, json_type_array)) {
		snprintf(err, errlen, "%s: not a sweep plan (no sweep, zwsim, axes or runs)", path);
		goto out;
	}
	sw->name = sw_strdup(get_str(root, "sweep"));
	sw->matrix = sw_strdup(get_str(root, "matrix"));
	sw->out = sw_strdup(out);
	if (zwsim)
		*zwsim = sw_strdup(get_str(root, "zwsim"));
	for (size_t k = 0; k < json_object_array_length(axes); k++) {
		int p = sweep_param_index(json_object_get_string(json_object_array_get_idx(axes, k)));

		if (p >= 0)
			sw->axis[p] = true;
	}
	sw->nr_runs = json_object_array_length(runs);
	sw->runs = sw_calloc(sw->nr_runs, sizeof(*sw->runs));
	for (size_t i = 0; i < sw->nr_runs; i++) {
		json_object *o = json_object_array_get_idx(runs, i), *v, *l, *a;
		struct sweep_run *r = &sw->runs[i];

		if (!get_str(o, "name") || !json_object_object_get_ex(o, "params", &v) ||
		    !json_object_object_get_ex(o, "labels", &l) || !json_object_object_get_ex(o, "argv", &a) ||
		    !json_object_is_type(a, json_type_array) || strchr(get_str(o, "name"), '/')) {
			snprintf(err, errlen, "%s: runs[%zu]: no name, params, labels or argv", path, i);
			sw->nr_runs = i;
			goto out;
		}
		r->name = sw_strdup(get_str(o, "name"));
		r->value = sw_calloc(sweep_nr_params, sizeof(char *));
		r->label = sw_calloc(sweep_nr_params, sizeof(char *));
		for (size_t p = 0; p < sweep_nr_params; p++) {
			const char *s = get_str(v, sweep_params[p].key), *t = get_str(l, sweep_params[p].key);

			r->value[p] = s ? sw_strdup(s) : NULL;
			r->label[p] = s ? sw_strdup(t ? t : s) : NULL;
		}
		r->argc = (int)json_object_array_length(a);
		r->argv = sw_calloc((size_t)r->argc + 1, sizeof(char *));
		for (int k = 0; k < r->argc; k++)
			r->argv[k] = sw_strdup(json_object_get_string(json_object_array_get_idx(a, (size_t)k)));
	}
	ret = 0;
out:
	json_object_put(root);
	free(path);
	return ret;
}
