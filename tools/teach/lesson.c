// SPDX-License-Identifier: MIT
/* The lesson file parser: one keyword a line, the rest of the line its text. */
#include "lesson.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The outcomes a step may expect or a quiz may ask about (see docs/teach.md). */
static const char *const outcome_keys[] = {
	"status", "errno", "cond", "wp", "at", "zone", "result", "native",
	"bios", "splits", "failed_bios", "plug_waits", "ioends", "folios", "dirty_folios",
	"open_zones", "active_zones",
	"user_bytes", "device_bytes", "gc_bytes", "zone_resets", "write_amplification",
};
/* ... and per file: "size.FILE", "zones.FILE" (the zones its extents are in) */
/* ... and per zone: "cond.N", "wp.N" */
static const char *const file_key_prefixes[] = { "size.", "zones.", "cond.", "wp." };

static int fail(char *err, size_t errlen, const char *name, unsigned int line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(char *err, size_t errlen, const char *name, unsigned int line,
		const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s:%u: ", name, line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static bool outcome_key_ok_(const char *key);

/* KEY, or KEY@PERSONALITY for a lesson that compares personalities */
static bool outcome_key_ok(const char *key)
{
	const char *at = strchr(key, '@');
	char base[96];

	if (!at)
		return outcome_key_ok_(key);
	if (strcmp(at + 1, "nullblk") && strcmp(at + 1, "zns") && strcmp(at + 1, "zbc"))
		return false;
	if ((size_t)(at - key) >= sizeof(base))
		return false;
	snprintf(base, sizeof(base), "%.*s", (int)(at - key), key);
	return outcome_key_ok_(base);
}

static bool outcome_key_ok_(const char *key)
{
	for (size_t i = 0; i < sizeof(outcome_keys) / sizeof(outcome_keys[0]); i++)
		if (!strcmp(key, outcome_keys[i]))
			return true;
	for (size_t i = 0; i < sizeof(file_key_prefixes) / sizeof(file_key_prefixes[0]); i++) {
		size_t n = strlen(file_key_prefixes[i]);

		if (!strncmp(key, file_key_prefixes[i], n) && key[n])
			return true;
	}
	return false;
}

/* Trim blanks at both ends, in place. */
static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Append @text to *@dst as a new line. */
static int add_line(char **dst, const char *text)
{
	size_t old = *dst ? strlen(*dst) : 0, n = strlen(text);
	char *p = realloc(*dst, old + n + 2);

	if (!p)
		return -ENOMEM;
	if (old)
		p[old++] = '\n';
	memcpy(p + old, text, n + 1);
	*dst = p;
	return 0;
}

/* Set a field that may appear once. */
static int set_once(char **dst, const char *text, const char *what, const char *name,
		    unsigned int line, char *err, size_t errlen)
{
	if (*dst)
		return fail(err, errlen, name, line, "a second '%s' line", what);
	if (!*text)
		return fail(err, errlen, name, line, "'%s' needs a value", what);
	*dst = strdup(text);
	return *dst ? 0 : fail(err, errlen, name, line, "out of memory");
}

/* "status=OK cond=oi wp=8" */
static int parse_expect(struct lesson_step *st, char *text, const char *name, unsigned int line,
			char *err, size_t errlen)
{
	char *save = NULL;

	if (st->expect_line)
		return fail(err, errlen, name, line, "a second 'expect' line for the step at line %u (put every key=value on one)",
			    st->line);
	st->expect_line = line;
	for (char *w = strtok_r(text, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(w, '=');

		if (!eq || eq == w || !eq[1])
			return fail(err, errlen, name, line, "'%s' is not KEY=VALUE", w);
		*eq = '\0';
		if (!outcome_key_ok(w))
			return fail(err, errlen, name, line, "unknown outcome '%s' (docs/teach.md lists them)", w);
		for (unsigned int i = 0; i < st->nr_expect; i++)
			if (!strcmp(st->expect[i].key, w))
				return fail(err, errlen, name, line, "'%s' expected twice", w);
		if (st->nr_expect == LESSON_MAX_EXPECT)
			return fail(err, errlen, name, line, "more than %d expectations", LESSON_MAX_EXPECT);
		st->expect[st->nr_expect].key = strdup(w);
		st->expect[st->nr_expect].value = strdup(eq + 1);
		if (!st->expect[st->nr_expect].key || !st->expect[st->nr_expect].value) {
			free(st->expect[st->nr_expect].key);
			free(st->expect[st->nr_expect].value);
			return fail(err, errlen, name, line, "out of memory");
		}
		st->nr_expect++;
	}
	if (!st->nr_expect)
		return fail(err, errlen, name, line, "'expect' needs at least one KEY=VALUE");
	return 0;
}

/* "KEY | QUESTION | CHOICE CHOICE ..." */
static int parse_quiz(struct lesson_step *st, char *text, const char *name, unsigned int line,
		      char *err, size_t errlen)
{
	struct lesson_quiz *q = &st->quiz;
	char *bar1 = strchr(text, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
	char *key, *question, *save = NULL;

	if (q->key)
		return fail(err, errlen, name, line, "a second 'quiz' for the step at line %u", st->line);
	if (!bar2 || strchr(bar2 + 1, '|'))
		return fail(err, errlen, name, line, "expected quiz KEY | QUESTION | CHOICE CHOICE ...");
	*bar1 = *bar2 = '\0';
	key = trim(text);
	question = trim(bar1 + 1);
	if (!outcome_key_ok(key))
		return fail(err, errlen, name, line, "unknown outcome '%s' to ask about (docs/teach.md lists them)", key);
	if (!*question)
		return fail(err, errlen, name, line, "the quiz has no question");
	q->line = line;
	for (char *w = strtok_r(bar2 + 1, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (q->nr_choices == LESSON_MAX_CHOICES)
			return fail(err, errlen, name, line, "more than %d choices", LESSON_MAX_CHOICES);
		for (unsigned int i = 0; i < q->nr_choices; i++)
			if (!strcmp(q->choices[i], w))
				return fail(err, errlen, name, line, "choice '%s' given twice", w);
		q->choices[q->nr_choices] = strdup(w);
		if (!q->choices[q->nr_choices])
			return fail(err, errlen, name, line, "out of memory");
		q->nr_choices++;
	}
	if (q->nr_choices < 2)
		return fail(err, errlen, name, line, "a quiz needs at least two choices");
	q->key = strdup(key);
	q->question = strdup(question);
	return q->key && q->question ? 0 : fail(err, errlen, name, line, "out of memory");
}

static int check_step_done(const struct lesson *l, const char *name, char *err, size_t errlen)
{
	const struct lesson_step *st;

	if (!l->nr_steps)
		return 0;
	st = &l->steps[l->nr_steps - 1];
	if (!st->kernel)
		return fail(err, errlen, name, st->line, "the step has no 'kernel' line (the function it stands for)");
	if (!st->nr_expect)
		return fail(err, errlen, name, st->line, "the step has no 'expect' line (what the model must do)");
	return 0;
}

static int parse_line(struct lesson *l, char *kw, char *text, const char *name, unsigned int line,
		      char *err, size_t errlen)
{
	struct lesson_step *st = l->nr_steps ? &l->steps[l->nr_steps - 1] : NULL;

	if (!strcmp(kw, "step")) {
		struct lesson_step *n;
		char *save = NULL, *op;
		size_t len = 0;

		if (check_step_done(l, name, err, errlen))
			return -1;
		if (!*text)
			return fail(err, errlen, name, line, "'step' needs an operation");
		n = realloc(l->steps, (l->nr_steps + 1) * sizeof(*n));
		if (!n)
			return fail(err, errlen, name, line, "out of memory");
		l->steps = n;
		st = &l->steps[l->nr_steps++];
		memset(st, 0, sizeof(*st));
		st->line = line;
		op = malloc(strlen(text) + 1);
		if (!op)
			return fail(err, errlen, name, line, "out of memory");
		op[0] = '\0';
		for (char *w = strtok_r(text, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
			if (len)
				op[len++] = ' ';
			strcpy(op + len, w);
			len += strlen(w);
		}
		st->op = op;
		return 0;
	}
	if (!strcmp(kw, "kernel") || !strcmp(kw, "say") || !strcmp(kw, "expect") || !strcmp(kw, "quiz")) {
		if (!st)
			return fail(err, errlen, name, line, "'%s' before the first 'step'", kw);
		if (!strcmp(kw, "kernel"))
			return set_once(&st->kernel, text, kw, name, line, err, errlen);
		if (!strcmp(kw, "say"))
			return add_line(&st->say, text) ? fail(err, errlen, name, line, "out of memory") : 0;
		if (!strcmp(kw, "expect"))
			return parse_expect(st, text, name, line, err, errlen);
		return parse_quiz(st, text, name, line, err, errlen);
	}
	if (!strcmp(kw, "summary"))
		return add_line(&l->summary, text) ? fail(err, errlen, name, line, "out of memory") : 0;
	if (st)
		return strcmp(kw, "title") && strcmp(kw, "device") && strcmp(kw, "layer") &&
				       strcmp(kw, "fs") && strcmp(kw, "mount") && strcmp(kw, "intro") &&
				       strcmp(kw, "path") && strcmp(kw, "compare")
			       ? fail(err, errlen, name, line, "unknown keyword '%s' (docs/teach.md lists them)", kw)
			       : fail(err, errlen, name, line, "'%s' belongs before the first 'step'", kw);
	if (!strcmp(kw, "title"))
		return set_once(&l->title, text, kw, name, line, err, errlen);
	if (!strcmp(kw, "device")) {
		l->device_line = line;
		if (strncmp(text, "emu:", 4))
			return fail(err, errlen, name, line, "a lesson runs on an emulated device: 'emu:...', not '%s'", text);
		return set_once(&l->device, text, kw, name, line, err, errlen);
	}
	if (!strcmp(kw, "fs")) {
		if (strcmp(text, "zonefs") && strcmp(text, "xfs-zoned"))
			return fail(err, errlen, name, line, "fs: zonefs or xfs-zoned, not '%s'", text);
		return set_once(&l->fs, text, kw, name, line, err, errlen);
	}
	if (!strcmp(kw, "mount"))
		return set_once(&l->mount, text, kw, name, line, err, errlen);
	if (!strcmp(kw, "path")) {
		if (strcmp(text, "device") && strcmp(text, "block"))
			return fail(err, errlen, name, line, "path: block (through the block layer) or device (straight to it), not '%s'", text);
		l->raw = !strcmp(text, "device");
		return 0;
	}
	if (!strcmp(kw, "compare")) {
		char *save = NULL;

		if (l->nr_compare)
			return fail(err, errlen, name, line, "a second 'compare' line");
		for (char *w = strtok_r(text, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
			if (strcmp(w, "nullblk") && strcmp(w, "zns") && strcmp(w, "zbc"))
				return fail(err, errlen, name, line, "compare: nullblk, zns or zbc, not '%s'", w);
			if (l->nr_compare == 2 || (l->nr_compare && !strcmp(l->compare[0], w)))
				return fail(err, errlen, name, line, "compare names at most two other personalities, each once");
			l->compare[l->nr_compare] = strdup(w);
			if (!l->compare[l->nr_compare])
				return fail(err, errlen, name, line, "out of memory");
			l->nr_compare++;
		}
		if (!l->nr_compare)
			return fail(err, errlen, name, line, "compare needs a personality (nullblk, zns, zbc)");
		return 0;
	}
	if (!strcmp(kw, "intro"))
		return add_line(&l->intro, text) ? fail(err, errlen, name, line, "out of memory") : 0;
	if (!strcmp(kw, "layer")) {
		if (!strcmp(text, "zone"))
			l->layer = LESSON_ZONE;
		else if (!strcmp(text, "writeback"))
			l->layer = LESSON_WRITEBACK;
		else if (!strcmp(text, "fs"))
			l->layer = LESSON_FS;
		else
			return fail(err, errlen, name, line, "layer: zone, writeback or fs, not '%s'", text);
		return 0;
	}
	return fail(err, errlen, name, line, "unknown keyword '%s' (docs/teach.md lists them)", kw);
}

int lesson_parse(FILE *f, const char *name, struct lesson *l, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t cap = 0;
	unsigned int line = 0;
	bool have_layer = false;
	int ret = 0;

	memset(l, 0, sizeof(*l));
	l->name = strdup(name);
	if (!l->name)
		return fail(err, errlen, name, 0, "out of memory");
	while (!ret && getline(&buf, &cap, f) >= 0) {
		char *s = trim(buf), *kw = s, *text;

		line++;
		if (!*s || *s == '#')
			continue;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = '\0';
		text = trim(s);
		if (!strcmp(kw, "layer"))
			have_layer = true;
		ret = parse_line(l, kw, text, name, line, err, errlen);
	}
	free(buf);
	if (!ret && ferror(f))
		ret = fail(err, errlen, name, line, "read error: %s", strerror(errno));
	if (!ret)
		ret = check_step_done(l, name, err, errlen);
	if (!ret && !l->title)
		ret = fail(err, errlen, name, line, "no 'title' line");
	if (!ret && !l->device)
		ret = fail(err, errlen, name, line, "no 'device' line (an emu: spec)");
	if (!ret && !have_layer)
		ret = fail(err, errlen, name, line, "no 'layer' line (zone, writeback or fs)");
	if (!ret && l->layer == LESSON_FS && !l->fs)
		ret = fail(err, errlen, name, line, "layer fs needs an 'fs' line (zonefs or xfs-zoned)");
	if (!ret && l->nr_compare && l->layer != LESSON_ZONE)
		ret = fail(err, errlen, name, line, "'compare' belongs to layer zone only");
	if (!ret && l->raw && l->layer != LESSON_ZONE)
		ret = fail(err, errlen, name, line, "'path device' belongs to layer zone only");
	if (!ret && l->layer != LESSON_FS && (l->fs || l->mount))
		ret = fail(err, errlen, name, line, "'fs' and 'mount' belong to layer fs only");
	if (!ret && !l->nr_steps)
		ret = fail(err, errlen, name, line, "no 'step'");
	if (ret)
		lesson_free(l);
	return ret;
}

void lesson_free(struct lesson *l)
{
	for (size_t i = 0; i < l->nr_steps; i++) {
		struct lesson_step *st = &l->steps[i];

		free(st->op);
		free(st->kernel);
		free(st->say);
		for (unsigned int k = 0; k < st->nr_expect; k++) {
			free(st->expect[k].key);
			free(st->expect[k].value);
		}
		free(st->quiz.key);
		free(st->quiz.question);
		for (unsigned int k = 0; k < st->quiz.nr_choices; k++)
			free(st->quiz.choices[k]);
	}
	free(l->steps);
	free(l->name);
	free(l->title);
	free(l->device);
	for (unsigned int i = 0; i < l->nr_compare; i++)
		free(l->compare[i]);
	free(l->fs);
	free(l->mount);
	free(l->intro);
	free(l->summary);
	memset(l, 0, sizeof(*l));
}

const char *lesson_layer_name(enum lesson_layer layer)
{
	switch (layer) {
	case LESSON_ZONE: return "zone";
	case LESSON_WRITEBACK: return "writeback";
	default: return "fs";
	}
}
