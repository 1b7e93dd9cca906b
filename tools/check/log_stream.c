// SPDX-License-Identifier: MIT
/* A checker of zwsim's own event log fed line by line (check.h: chk_log). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "read.h"

struct chk_log {
	struct chk_geo_buf geo;
	struct chk *c;
	char *buf;		/* the line, NUL-terminated */
	size_t buf_len;
};

struct chk_log *chk_log_new(void)
{
	return calloc(1, sizeof(struct chk_log));
}

int chk_log_line(struct chk_log *l, const char *line, size_t len, uint64_t lineno, char *err,
		 size_t errlen)
{
	struct chk_event ev;
	int r;

	if (len + 1 > l->buf_len) {
		char *n = realloc(l->buf, len + 1);

		if (!n) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		l->buf = n;
		l->buf_len = len + 1;
	}
	memcpy(l->buf, line, len);
	while (len && (l->buf[len - 1] == '\n' || l->buf[len - 1] == '\r'))
		len--;
	l->buf[len] = '\0';
	if (!len)
		return 0;
	r = chk_parse_zwsim(l->buf, &ev, l->c ? NULL : &l->geo, err, errlen);
	if (r < 0)
		return -1;
	if (!l->c && l->geo.have) {
		l->c = chk_new(&l->geo.g);
		if (!l->c) {
			snprintf(err, errlen, "the \"device\" event describes no usable geometry");
			return -1;
		}
	}
	if (r == 1 && l->c) {
		ev.line = lineno;
		chk_feed(l->c, &ev);
	}
	return 0;
}

struct chk *chk_log_checker(struct chk_log *l)
{
	return l->c;
}

void chk_log_free(struct chk_log *l)
{
	if (!l)
		return;
	chk_free(l->c);
	chk_geo_buf_free(&l->geo);
	free(l->buf);
	free(l);
}

/* --- a log stream that feeds the checker as it is written --------------- */

struct tee {
	FILE *under;
	struct chk_log *l;
	char *part;		/* a line not yet ended */
	size_t part_len, part_max;
	uint64_t lineno;
};

static int tee_line(struct tee *t, const char *s, size_t n)
{
	char err[256];

	t->lineno++;
	if (chk_log_line(t->l, s, n, t->lineno, err, sizeof(err)))
		fprintf(stderr, "zwsim: --check: log line %" PRIu64 ": %s\n", t->lineno, err);
	return 0;
}

static ssize_t tee_write(void *cookie, const char *buf, size_t size)
{
	struct tee *t = cookie;
	size_t i = 0;

	if (t->under && fwrite(buf, 1, size, t->under) != size)
		return -1;
	while (i < size) {
		const char *nl = memchr(buf + i, '\n', size - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : size - i;

		if (t->part_len + n > t->part_max) {
			size_t max = (t->part_len + n) * 2 + 256;
			char *p = realloc(t->part, max);

			if (!p)
				return -1;
			t->part = p;
			t->part_max = max;
		}
		if (!nl || t->part_len) {
			memcpy(t->part + t->part_len, buf + i, n);
			t->part_len += n;
			if (nl) {
				tee_line(t, t->part, t->part_len);
				t->part_len = 0;
			}
		} else {
			tee_line(t, buf + i, n);
		}
		i += n + (nl != NULL);
	}
	return (ssize_t)size;
}

static int tee_close(void *cookie)
{
	struct tee *t = cookie;
	int ret = 0;

	if (t->part_len)
		tee_line(t, t->part, t->part_len);
	if (t->under && t->under != stdout)
		ret = fclose(t->under);
	else if (t->under)
		fflush(t->under);
	free(t->part);
	free(t);
	return ret;
}

FILE *chk_log_tee(FILE *under, struct chk_log *l)
{
	struct tee *t = calloc(1, sizeof(*t));
	FILE *f;

	if (!t)
		return NULL;
	t->under = under;
	t->l = l;
	f = fopencookie(t, "w", (cookie_io_functions_t){ .write = tee_write, .close = tee_close });
	if (!f)
		free(t);
	else
		setvbuf(f, NULL, _IOLBF, 0);	/* the checker sees each line as it is written */
	return f;
}

static FILE *tee_filter(FILE *f, void *arg)
{
	FILE *t = chk_log_tee(f, arg);

	if (!t && f != stdout)
		fclose(f);
	return t;
}

FILE *(*const chk_log_filter)(FILE *f, void *arg) = tee_filter;

size_t chk_log_report(struct chk_log *l, FILE *out, const char *what)
{
	struct chk *c = l->c;

	if (!c) {
		fprintf(out, "%s: --check: the log had no \"device\" event: nothing checked\n", what);
		return 1;
	}
	chk_finish(c);
	for (size_t i = 0; i < chk_nr_kept(c); i++) {
		fprintf(out, "%s: check: ", what);
		chk_print_violation(out, chk_violation(c, i));
	}
	fprintf(out, "%s: check: %" PRIu64 " events, %zu violation%s\n", what, chk_nr_events(c),
		chk_nr_violations(c), chk_nr_violations(c) == 1 ? "" : "s");
	return chk_nr_violations(c);
}
