// SPDX-License-Identifier: MIT
/* Helpers of the line-oriented readers: lines, fields, numbers. */
#include <string.h>

#include "trace_int.h"

char *trace_getline(struct trace_reader *r, struct trace_err *err)
{
	size_t len;
	char *l = ts_line(r->s, &len, err);
	if (l)
		r->line++;
	return l;
}

size_t trace_split(char *line, char sep, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	if (sep == ' ') {
		for (;;) {
			while (*p == ' ' || *p == '\t')
				p++;
			if (!*p || n == max)
				return n;
			f[n++] = p;
			while (*p && *p != ' ' && *p != '\t')
				p++;
			if (!*p)
				return n;
			*p++ = 0;
		}
	}
	/* a separator other than blanks: fields trimmed of blanks */
	for (;;) {
		if (n == max)
			return n;
		while (*p == ' ' || *p == '\t')
			p++;
		f[n++] = p;
		char *c = strchr(p, sep), *e = c ? c : p + strlen(p);
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (!c) {
			*e = 0;
			return n;
		}
		*e = 0;
		p = c + 1;
	}
}

int trace_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		unsigned d = (unsigned)(*s - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int trace_i64(const char *s, int64_t *v)
{
	bool neg = *s == '-';
	uint64_t x;
	if (trace_u64(s + neg, &x) || x > (uint64_t)INT64_MAX + neg)
		return -1;
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return 0;
}

int trace_secs_ns(const char *s, int64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	const char *p = s;
	int digits = 0;

	if (!*p || *p == '.')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (sec > (UINT64_MAX - 9) / 10)
			return -1;
		sec = sec * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return -1;
		for (; *p >= '0' && *p <= '9'; p++)
			if (digits < 9) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				digits++;
			}
	}
	if (*p)
		return -1;
	for (; digits < 9; digits++)
		frac *= 10;
	if (sec > (uint64_t)(INT64_MAX - 999999999) / 1000000000)
		return -1;
	*ns = (int64_t)(sec * 1000000000 + frac);
	return 0;
}

size_t trace_head_lines(const unsigned char *head, size_t len, char *copy, size_t cap,
			char **lines, size_t max)
{
	size_t n = 0, i = 0;
	if (len >= cap)
		len = cap - 1;
	memcpy(copy, head, len);
	copy[len] = 0;
	while (i < len && n < max) {
		char *nl = memchr(copy + i, '\n', len - i);
		if (!nl) {
			/* a cut line is no evidence, but a short head is the whole data */
			if (len < TRACE_PROBE_SIZE)
				lines[n++] = copy + i;
			break;
		}
		*nl = 0;
		if (nl > copy + i && nl[-1] == '\r')
			nl[-1] = 0;
		lines[n++] = copy + i;
		i = (size_t)(nl - copy) + 1;
	}
	return n;
}

int trace_mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	return __builtin_mul_overflow(a, b, out) ? -1 : 0;
}
