// SPDX-License-Identifier: MIT
/*
 * The CSV formats of a fixed number of fields, one request a line (Alibaba,
 * Tencent CBS): the line and field loop of probe and next, so that each
 * reader keeps only what its own fields mean.
 */
#include "trace_int.h"

#define CSV_MAX_FIELDS 8	/* more than any of them has: a longer line counts as too many */

size_t trace_csv_probe(const struct trace_csv *c, const unsigned char *head, size_t len)
{
	static char copy[TRACE_PROBE_SIZE + 1];
	char *lines[16], *f[CSV_MAX_FIELDS];
	size_t n = trace_head_lines(head, len, copy, sizeof(copy), lines, 16), good = 0;
	for (size_t i = 0; i < n; i++) {
		if (trace_split(lines[i], ',', f, CSV_MAX_FIELDS) != c->nfields)
			return 0;
		int k = c->probe_line(i, f);
		if (k < 0)
			return 0;
		good += (size_t)k;
	}
	return good;
}

int trace_csv_next(const struct trace_csv *c, struct trace_reader *r, struct trace_rec *rec,
		   struct trace_err *err)
{
	char *l, *f[CSV_MAX_FIELDS];
	while ((l = trace_getline(r, err))) {
		if (!*l)
			continue;
		rec->where = r->line;
		size_t n = trace_split(l, ',', f, CSV_MAX_FIELDS);
		if (n != c->nfields)
			return trace_bad(r, err, NULL, "%zu fields (%s)", n, c->names);
		int rc = c->record(r, f, rec, err);
		if (rc)
			return rc;
	}
	return err->msg[0] ? -1 : 0;
}

int trace_stateless_open(struct trace_reader *r, const struct trace_opts *o, struct trace_err *err)
{
	(void)o;
	(void)err;
	r->priv = r;	/* no state, but not NULL: trace_close() closes what priv says is open */
	return 0;
}

void trace_stateless_close(struct trace_reader *r)
{
	r->priv = NULL;
}
