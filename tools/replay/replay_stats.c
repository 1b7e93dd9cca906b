// SPDX-License-Identifier: MIT
/* Latency histograms and the error table of a replay. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

/*
 * A value's bucket: its octave (the position of its top bit) and the next
 * LAT_SUB_BITS bits below it, so every bucket is within 1/32 (3%) of the
 * values it holds; values below 32 ns have a bucket each.
 */
static unsigned int lat_bucket(uint64_t v)
{
	unsigned int msb;

	if (v < (1u << LAT_SUB_BITS))
		return (unsigned int)v;
	msb = 63u - (unsigned int)__builtin_clzll(v);
	return ((msb - LAT_SUB_BITS + 1) << LAT_SUB_BITS) |
	       (unsigned int)((v >> (msb - LAT_SUB_BITS)) & ((1u << LAT_SUB_BITS) - 1));
}

void lat_add(struct lat_hist *h, uint64_t ns)
{
	h->n++;
	h->sum += ns;
	if (ns > h->max)
		h->max = ns;
	unsigned int b = lat_bucket(ns);

	h->bucket[b]++;
	if (ns > h->top[b])
		h->top[b] = ns;
}

uint64_t lat_quantile(const struct lat_hist *h, double q)
{
	uint64_t want, seen = 0;

	if (!h->n)
		return 0;
	if (q >= 1.0)
		return h->max;
	/* the smallest value with at least q of the samples at or below it */
	want = (uint64_t)(q * (double)h->n);
	if ((double)want < q * (double)h->n)
		want++;
	if (!want)
		want = 1;
	for (unsigned int b = 0; b < (64u << LAT_SUB_BITS); b++) {
		seen += h->bucket[b];
		if (seen >= want)
			return h->top[b];
	}
	return h->max;
}

const char *replay_kind_name(enum replay_kind k)
{
	static const char *const names[RK_NR] = { "write", "read", "discard", "flush", "fs" };

	return k < RK_NR ? names[k] : "?";
}

void replay_error(struct replay *rp, enum replay_kind k, const char *opname, uint64_t recno,
		  const struct trace_rec *rec, const char *name, int err, const char *reason)
{
	struct replay_stats *s = &rp->s;
	struct replay_err *e = NULL;
	char key[48];

	s->failed[k]++;
	s->nr_err_total++;
	snprintf(key, sizeof(key), "%s %s", opname ? opname : replay_kind_name(k), errno_name(err));
	for (size_t i = 0; i < s->nr_errs; i++)
		if (!strcmp(s->errs[i].key, key))
			e = &s->errs[i];
	if (!e) {
		struct replay_err *n = realloc(s->errs, (s->nr_errs + 1) * sizeof(*n));

		if (!n)
			return;
		s->errs = n;
		e = &s->errs[s->nr_errs++];
		memset(e, 0, sizeof(*e));
		snprintf(e->key, sizeof(e->key), "%s", key);
		e->record = recno;
		snprintf(e->where, sizeof(e->where), "%s:%" PRIu64, name, rec->where);
		if (k == RK_FS && rec->fs_line)
			snprintf(e->what, sizeof(e->what), "%s", rec->fs_line);
		else
			snprintf(e->what, sizeof(e->what), "%s%s %" PRIu64 " %" PRIu64 " %s",
				 trace_op_name(rec->op), rec->flags & TRACE_F_FUA ? ",fua" : "", rec->offset,
				 rec->len, rec->dev);
		snprintf(e->reason, sizeof(e->reason), "%s", reason ? reason : "");
	}
	e->count++;
}
