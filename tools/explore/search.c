// SPDX-License-Identifier: MIT
/*
 * The search over schedules (explore.h): exhaustive (depth first, each
 * state explored once: state hashing) or seeded random, within a budget of
 * runs; every failure (rules broken, or an outcome other than the
 * baseline's) grouped by its signature and shrunk to the shortest schedule
 * that still shows it.
 */
#include <errno.h>
#include <inttypes.h>
#include <json.h>
#include <stdlib.h>
#include <string.h>

#include "explore.h"
#include "search.h"

/* --- a set of 64-bit hashes ---------------------------------------------- */

struct hash_set {
	uint64_t *v;
	size_t nr, max;		/* max: a power of two; 0 is kept apart */
	bool has_zero;
};

struct hash_set *hash_set_new(void)
{
	struct hash_set *h = calloc(1, sizeof(*h));

	if (h) {
		h->max = 1024;
		h->v = calloc(h->max, sizeof(*h->v));
		if (!h->v) {
			free(h);
			return NULL;
		}
	}
	return h;
}

static bool set_insert(uint64_t *v, size_t max, uint64_t x)
{
	for (size_t i = (x * 0x9e3779b97f4a7c15ull) >> 20 & (max - 1);; i = (i + 1) & (max - 1)) {
		if (v[i] == x)
			return false;
		if (!v[i]) {
			v[i] = x;
			return true;
		}
	}
}

bool hash_set_add(struct hash_set *h, uint64_t x)
{
	if (!x) {
		bool was = h->has_zero;

		h->has_zero = true;
		return !was;
	}
	if ((h->nr + 1) * 2 > h->max) {
		size_t max = h->max * 2;
		uint64_t *n = calloc(max, sizeof(*n));

		if (!n)
			return true;
		for (size_t i = 0; i < h->max; i++)
			if (h->v[i])
				set_insert(n, max, h->v[i]);
		free(h->v);
		h->v = n;
		h->max = max;
	}
	if (!set_insert(h->v, h->max, x))
		return false;
	h->nr++;
	return true;
}

bool hash_set_has(const struct hash_set *h, uint64_t x)
{
	if (!x)
		return h->has_zero;
	for (size_t i = (x * 0x9e3779b97f4a7c15ull) >> 20 & (h->max - 1);; i = (i + 1) & (h->max - 1)) {
		if (h->v[i] == x)
			return true;
		if (!h->v[i])
			return false;
	}
}

void hash_set_free(struct hash_set *h)
{
	if (h)
		free(h->v);
	free(h);
}

/* --- schedule strings ------------------------------------------------------ */

int schedule_parse(const char *s, uint32_t **choice, size_t *len)
{
	size_t n = 0, max = 0;
	uint32_t *c = NULL;

	*choice = NULL;
	*len = 0;
	if (!*s || !strcmp(s, "-"))
		return 0;
	while (*s) {
		char *end;
		unsigned long v;

		if (*s < '0' || *s > '9')
			goto bad;
		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno || v > 1000000 || (*end && *end != '.') || (*end == '.' && !end[1]))
			goto bad;
		if (n == max) {
			uint32_t *a;

			max = max ? max * 2 : 16;
			a = realloc(c, max * sizeof(*a));
			if (!a)
				goto bad;
			c = a;
		}
		c[n++] = (uint32_t)v;
		s = *end ? end + 1 : end;
	}
	*choice = c;
	*len = n;
	return 0;
bad:
	free(c);
	return -1;
}

const char *schedule_str(const uint32_t *choice, size_t len)
{
	static char buf[4096];
	size_t p = 0;

	while (len && !choice[len - 1])
		len--;
	if (!len)
		return "-";
	for (size_t i = 0; i < len && p < sizeof(buf) - 16; i++)
		p += (size_t)snprintf(buf + p, sizeof(buf) - p, "%s%" PRIu32, i ? "." : "", choice[i]);
	return buf;
}

/* --- signatures ------------------------------------------------------------ */

/* What a run shows: the rules broken, and "outcome" when it differs from the baseline's. */
static void signature(const struct run_result *r, const char *baseline, char *sig, size_t len)
{
	bool differs = r->outcome && baseline && strcmp(r->outcome, baseline);

	snprintf(sig, len, "%s%s%s", r->rules, *r->rules && differs ? "," : "", differs ? "outcome" : "");
}

static int run_sig(const struct scenario *s, const uint32_t *c, size_t n, const char *baseline,
		   char *sig, size_t len, struct run_result *keep)
{
	struct run_mode m = { .prefix = c, .prefix_len = n };
	struct run_result r;

	if (scn_run(s, &m, &r)) {
		run_result_free(&r);
		return -1;
	}
	signature(&r, baseline, sig, len);
	if (keep)
		*keep = r;
	else
		run_result_free(&r);
	return 0;
}

static size_t trim(const uint32_t *c, size_t n)
{
	while (n && !c[n - 1])
		n--;
	return n;
}

/*
 * Shrink @c (in place) to a shortest schedule with signature @sig:
 * deterministic (the same start gives the same end): drop choices one at
 * a time from the front, then lower each to the smallest value that keeps
 * the failure, until nothing changes.
 */
static size_t shrink(const struct scenario *s, uint32_t *c, size_t n, uint32_t max_nr,
		     const char *sig, const char *baseline, unsigned int *runs)
{
	uint32_t *cand = malloc((n + 1) * sizeof(*cand));
	char got[200];
	bool changed = true;

	n = trim(c, n);
	/*
	 * First the shortest schedules, in order: of one choice, then two, of
	 * values below the most completions ever waiting together (at most 8).
	 */
	for (size_t len = 1; cand && len < n && len <= 2; len++) {
		uint32_t lim = max_nr < 8 ? max_nr : 8, total = len == 1 ? lim : lim * lim;

		for (uint32_t k = 0; k < total; k++) {
			cand[0] = len == 1 ? k : k / lim;
			if (len == 2)
				cand[1] = k % lim;
			if (!cand[len - 1])
				continue;	/* ends in 0: a shorter one, tried already */
			(*runs)++;
			if (!run_sig(s, cand, len, baseline, got, sizeof(got), NULL) && !strcmp(got, sig)) {
				memcpy(c, cand, len * sizeof(*c));
				n = len;
				break;
			}
		}
	}
	while (cand && changed) {
		changed = false;
		for (size_t i = 0; i < n && !changed; i++) {
			memcpy(cand, c, i * sizeof(*c));
			memcpy(cand + i, c + i + 1, (n - i - 1) * sizeof(*c));
			(*runs)++;
			if (!run_sig(s, cand, n - 1, baseline, got, sizeof(got), NULL) && !strcmp(got, sig)) {
				memcpy(c, cand, (n - 1) * sizeof(*c));
				n = trim(c, n - 1);
				changed = true;
			}
		}
		for (size_t i = 0; i < n && !changed; i++)
			for (uint32_t v = 0; v < c[i] && !changed; v++) {
				memcpy(cand, c, n * sizeof(*c));
				cand[i] = v;
				(*runs)++;
				if (!run_sig(s, cand, n, baseline, got, sizeof(got), NULL) && !strcmp(got, sig)) {
					c[i] = v;
					n = trim(c, n);
					changed = true;
				}
			}
	}
	free(cand);
	return n;
}

/* --- the search -------------------------------------------------------------- */

struct failure {
	char sig[200];
	unsigned int count;
	uint32_t *found;	/* the first schedule that showed it */
	size_t found_len;
	uint64_t seed;		/* random search: its seed */
	bool by_seed;
	uint32_t max_nr;	/* the most completions waiting together in it */
};

struct prefix {
	uint32_t *c;
	size_t n;
};

static void note_failure(struct failure **fs, size_t *nr, const char *sig, const struct schedule *sc,
			 bool by_seed, uint64_t seed)
{
	struct failure *f;

	for (size_t i = 0; i < *nr; i++)
		if (!strcmp((*fs)[i].sig, sig)) {
			(*fs)[i].count++;
			for (size_t k = 0; k < sc->len; k++)
				if (sc->nr[k] > (*fs)[i].max_nr)
					(*fs)[i].max_nr = sc->nr[k];
			return;
		}
	f = realloc(*fs, (*nr + 1) * sizeof(**fs));
	if (!f)
		return;
	*fs = f;
	f = &f[(*nr)++];
	memset(f, 0, sizeof(*f));
	snprintf(f->sig, sizeof(f->sig), "%s", sig);
	f->count = 1;
	f->found = malloc((sc->len + 1) * sizeof(*f->found));
	if (f->found)
		memcpy(f->found, sc->choice, sc->len * sizeof(*f->found));
	f->found_len = f->found ? sc->len : 0;
	f->by_seed = by_seed;
	f->seed = seed;
	for (size_t k = 0; k < sc->len; k++)
		if (sc->nr[k] > f->max_nr)
			f->max_nr = sc->nr[k];
}

/* The lines of @now not in @base, at most @max, each after @indent */
static void outcome_diff(FILE *out, const char *base, const char *now, const char *indent,
			 unsigned int max)
{
	const char *p = now;
	unsigned int shown = 0;

	while (p && *p && shown < max) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *q = base;
		bool found = false;

		while (q && *q) {
			const char *qn = strchr(q, '\n');
			size_t ql = qn ? (size_t)(qn - q) : strlen(q);

			if (ql == len && !memcmp(q, p, len)) {
				found = true;
				break;
			}
			q = qn ? qn + 1 : NULL;
		}
		if (!found) {
			fprintf(out, "%s%.*s\n", indent, (int)len, p);
			shown++;
		}
		p = nl ? nl + 1 : NULL;
	}
}

int explore(const struct scenario *s, const struct explore_opts *o, FILE *out)
{
	struct run_result base;
	struct run_mode m0 = { 0 };
	struct failure *fs = NULL;
	size_t nr_fs = 0;
	unsigned int runs = 0, pruned = 0, shrink_runs = 0;
	bool complete = false;
	json_object *jo = NULL, *jf = NULL;
	int ret = 0;

	if (scn_run(s, &m0, &base)) {
		run_result_free(&base);
		return 2;
	}
	if (o->schedule) {
		/* replay one schedule */
		struct run_mode m = { .prefix = o->schedule, .prefix_len = o->schedule_len };
		struct run_result r;
		char sig[200];

		if (scn_run(s, &m, &r)) {
			run_result_free(&r);
			run_result_free(&base);
			return 2;
		}
		signature(&r, base.outcome, sig, sizeof(sig));
		fprintf(out, "scenario %s: %s\nschedule %s (choices made: %s)\n", s->path, s->title,
			schedule_str(o->schedule, o->schedule_len), schedule_str(r.sched.choice, r.sched.len));
		fputs(r.outcome, out);
		if (*r.rules)
			fprintf(out, "violated: %s\nfirst: %s\n", r.rules, r.first_violation);
		if (*sig) {
			fprintf(out, "differs from the baseline (schedule -) in:\n");
			outcome_diff(out, base.outcome, r.outcome, "  ", 1000);
		}
		fprintf(out, "%s\n", *sig ? "FAILS" : "as the baseline, no violation");
		ret = *sig ? 1 : 0;
		run_result_free(&r);
		run_result_free(&base);
		return ret;
	}
	if (!o->random) {
		struct prefix *stack = calloc(1, sizeof(*stack));
		size_t sp = stack ? 1 : 0, smax = 1;
		/* an fs scenario's state is more than the hash sees: no pruning there */
		struct hash_set *seen = *s->fs ? NULL : hash_set_new();

		while (sp && runs < o->budget) {
			struct prefix p = stack[--sp];
			struct run_mode m = { .prefix = p.c, .prefix_len = p.n, .seen = seen };
			struct run_result r;
			char sig[200];

			runs++;
			if (scn_run(s, &m, &r)) {
				free(p.c);
				run_result_free(&r);
				ret = 2;
				break;
			}
			signature(&r, base.outcome, sig, sizeof(sig));
			if (*sig)
				note_failure(&fs, &nr_fs, sig, &r.sched, false, 0);
			if (r.pruned_at < r.sched.len)
				pruned++;
			/* the siblings of every choice past the prefix, up to a state seen before */
			for (size_t k = r.sched.len; k-- > p.n;) {
				if (k >= r.pruned_at)
					continue;
				for (uint32_t alt = r.sched.nr[k] - 1; alt >= 1; alt--) {
					struct prefix q = { malloc((k + 1) * sizeof(uint32_t)), k + 1 };

					if (!q.c)
						continue;
					memcpy(q.c, r.sched.choice, k * sizeof(uint32_t));
					q.c[k] = alt;
					if (sp == smax) {
						struct prefix *ns = realloc(stack, smax * 2 * sizeof(*ns));

						if (!ns) {
							free(q.c);
							continue;
						}
						stack = ns;
						smax *= 2;
					}
					stack[sp++] = q;
				}
			}
			free(p.c);
			run_result_free(&r);
		}
		complete = !sp && ret == 0;
		while (sp)
			free(stack[--sp].c);
		free(stack);
		hash_set_free(seen);
	} else {
		for (unsigned int i = 0; i < o->budget; i++) {
			struct run_mode m = { .random = true, .seed = o->seed + i };
			struct run_result r;
			char sig[200];

			runs++;
			if (scn_run(s, &m, &r)) {
				run_result_free(&r);
				ret = 2;
				break;
			}
			signature(&r, base.outcome, sig, sizeof(sig));
			if (*sig)
				note_failure(&fs, &nr_fs, sig, &r.sched, true, o->seed + i);
			run_result_free(&r);
		}
	}
	if (ret) {
		run_result_free(&base);
		return ret;
	}
	if (o->json) {
		jo = json_object_new_object();
		jf = json_object_new_array();
		json_object_object_add(jo, "scenario", json_object_new_string(s->path));
		json_object_object_add(jo, "title", json_object_new_string(s->title));
		json_object_object_add(jo, "mode", json_object_new_string(o->random ? "random" : "exhaustive"));
		json_object_object_add(jo, "runs", json_object_new_uint64(runs));
		json_object_object_add(jo, "complete", json_object_new_boolean(complete));
		json_object_object_add(jo, "pruned", json_object_new_uint64(pruned));
		json_object_object_add(jo, "baseline", json_object_new_string(base.outcome));
		json_object_object_add(jo, "baseline_violations", json_object_new_string(base.rules));
	} else {
		fprintf(out, "scenario %s: %s\n", s->path, s->title);
		fprintf(out, "baseline (schedule -, oldest completion first):\n");
		outcome_diff(out, "", base.outcome, "  ", 1000);
		if (*base.rules)
			fprintf(out, "  violated: %s\n", base.rules);
		if (o->random)
			fprintf(out, "explored %u random schedules (seeds %" PRIu64 " to %" PRIu64 ")\n", runs, o->seed,
				o->seed + runs - 1);
		else
			fprintf(out, "explored %u schedules, %s (%u reached a state already explored)\n", runs,
				complete ? "all of them" : "budget spent before all", pruned);
	}
	for (size_t i = 0; i < nr_fs; i++) {
		struct failure *f = &fs[i];
		uint32_t *c = malloc((f->found_len + 1) * sizeof(*c));
		struct run_result r;
		char sig[200], found[4096];
		size_t n;

		if (!c)
			continue;
		memcpy(c, f->found, f->found_len * sizeof(*c));
		snprintf(found, sizeof(found), "%s", schedule_str(f->found, f->found_len));
		n = shrink(s, c, f->found_len, f->max_nr, f->sig, base.outcome, &shrink_runs);
		if (run_sig(s, c, n, base.outcome, sig, sizeof(sig), &r)) {
			free(c);
			continue;
		}
		if (jo) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "signature", json_object_new_string(f->sig));
			json_object_object_add(e, "schedules", json_object_new_uint64(f->count));
			json_object_object_add(e, "found", json_object_new_string(found));
			if (f->by_seed)
				json_object_object_add(e, "seed", json_object_new_uint64(f->seed));
			json_object_object_add(e, "shrunk", json_object_new_string(schedule_str(c, n)));
			json_object_object_add(e, "outcome", json_object_new_string(r.outcome));
			if (*r.rules)
				json_object_object_add(e, "first_violation", json_object_new_string(r.first_violation));
			json_object_array_add(jf, e);
		} else {
			fprintf(out, "failure %zu: %s (%u schedule%s)\n", i + 1, f->sig, f->count,
				f->count == 1 ? "" : "s");
			if (f->by_seed)
				fprintf(out, "  found with seed %" PRIu64 " (schedule %s)\n", f->seed, found);
			else
				fprintf(out, "  found with schedule %s\n", found);
			fprintf(out, "  shortest schedule: %s\n", schedule_str(c, n));
			fprintf(out, "  replay: zwsim explore %s --schedule %s\n", s->path, schedule_str(c, n));
			if (*r.rules)
				fprintf(out, "  first violation: %s\n", r.first_violation);
			if (strcmp(r.outcome, base.outcome)) {
				fprintf(out, "  outcome, where it differs from the baseline:\n");
				outcome_diff(out, base.outcome, r.outcome, "    ", 12);
			}
		}
		run_result_free(&r);
		free(c);
	}
	if (jo) {
		json_object_object_add(jo, "failures", jf);
		puts(json_object_to_json_string_ext(jo, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(jo);
	} else {
		fprintf(out, "%zu failure%s%s\n", nr_fs, nr_fs == 1 ? "" : "s",
			nr_fs ? "" : ": every schedule explored gives the baseline's outcome and breaks no rule");
	}
	for (size_t i = 0; i < nr_fs; i++)
		free(fs[i].found);
	free(fs);
	run_result_free(&base);
	return nr_fs ? 1 : 0;
}
