// SPDX-License-Identifier: MIT
/*
 * The lesson runner: each step is told, optionally asked about, run on the
 * real models, explained when refused, drawn, and checked against what the
 * lesson says the model must do.
 */
#include "teach.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "explain.h"
#include "layers.h"

void teach_set(struct teach_outcome *oc, const char *key, const char *fmt, ...)
{
	struct teach_kv *kv = NULL;
	va_list ap;

	for (unsigned int i = 0; i < oc->nr; i++)
		if (!strcmp(oc->kv[i].key, key))
			kv = &oc->kv[i];
	if (!kv) {
		if (oc->nr == TEACH_MAX_KV)
			return;
		kv = &oc->kv[oc->nr++];
		snprintf(kv->key, sizeof(kv->key), "%s", key);
	}
	va_start(ap, fmt);
	vsnprintf(kv->val, sizeof(kv->val), fmt, ap);
	va_end(ap);
}

const char *teach_get(const struct teach_outcome *oc, const char *key)
{
	for (unsigned int i = 0; i < oc->nr; i++)
		if (!strcmp(oc->kv[i].key, key))
			return oc->kv[i].val;
	return NULL;
}

static bool is_number(const char *s, double *v)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*v = strtod(s, &end);
	return !errno && !*end;
}

bool teach_value_matches(const char *want, const char *got)
{
	double a, b;

	if (!got)
		return false;
	if (is_number(want, &a) && is_number(got, &b))
		return (a > b ? a - b : b - a) < 0.005;
	return !strcmp(want, got);
}

/* --- the keyboard --------------------------------------------------------- */

struct keys {
	FILE *in;
	bool raw;
	struct termios saved;
};

/* Ctrl-C or a kill while keys are raw: give the terminal back first (tcsetattr() is async-signal-safe). */
static struct termios saved_term;
static int saved_fd = -1;

static void restore_and_die(int sig)
{
	if (saved_fd >= 0)
		tcsetattr(saved_fd, TCSANOW, &saved_term);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void keys_open(struct keys *k, FILE *in)
{
	struct termios t;

	k->in = in;
	k->raw = false;
	if (!isatty(fileno(in)) || tcgetattr(fileno(in), &k->saved))
		return;
	t = k->saved;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	saved_term = k->saved;
	saved_fd = fileno(in);
	signal(SIGINT, restore_and_die);
	signal(SIGTERM, restore_and_die);
	signal(SIGHUP, restore_and_die);
	k->raw = !tcsetattr(fileno(in), TCSANOW, &t);
}

static void keys_close(struct keys *k)
{
	if (k->raw) {
		tcsetattr(fileno(k->in), TCSANOW, &k->saved);
		saved_fd = -1;
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
	}
}

/* One key press (a whole line's first character when not a terminal); EOF at the end. */
static int key_read(struct keys *k)
{
	int c = fgetc(k->in);

	if (!k->raw && c != EOF && c != '\n') {
		int d;

		while ((d = fgetc(k->in)) != EOF && d != '\n')
			;
	}
	return c;
}

/* --- the runner ----------------------------------------------------------- */

static void print_text(const struct teach_term *t, const char *text, const char *indent)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		fprintf(t->out, "%s%.*s\n", indent, n, p);
		p = nl ? nl + 1 : NULL;
	}
}

/* Ask the step's quiz; the chosen choice's index, -1 to quit, -2 when input ended. */
static int ask(const struct teach_term *t, struct keys *k, const struct lesson_quiz *q)
{
	fprintf(t->out, "\n  %sQuiz:%s %s\n", tc(t, TC_HEAD), tc(t, TC_RESET), q->question);
	for (unsigned int i = 0; i < q->nr_choices; i++)
		fprintf(t->out, "    %u) %s\n", i + 1, q->choices[i]);
	for (;;) {
		int c;

		fprintf(t->out, "  your answer (1-%u, q to quit): ", q->nr_choices);
		fflush(t->out);
		c = key_read(k);
		if (c == EOF)
			return -2;
		if (c == 'q')
			return -1;
		if (c >= '1' && c < '1' + (int)q->nr_choices) {
			fprintf(t->out, "%c\n", c);
			return c - '1';
		}
		fprintf(t->out, "\n");
	}
}

static void print_outcome(const struct teach_term *t, const struct lesson *l, const struct teach_outcome *oc,
			  const char *label)
{
	const char *status = teach_get(oc, "status"), *result = teach_get(oc, "result");
	bool ok = l->layer == LESSON_ZONE ? !strcmp(status, "OK") : result[0] != '-' && !strchr(result, ' ');

	if (label)
		fprintf(t->out, "  %-9s", label);
	fprintf(t->out, "  => %s%s%s", tc(t, ok ? TC_OK : TC_BAD), result, tc(t, TC_RESET));
	if (l->layer == LESSON_ZONE && !ok)
		fprintf(t->out, " %s", teach_get(oc, "errno"));
	if (strcmp(teach_get(oc, "zone"), "-"))
		fprintf(t->out, "  zone %s cond=%s wp=%s", teach_get(oc, "zone"), teach_get(oc, "cond"),
			teach_get(oc, "wp"));
	if (teach_get(oc, "at"))
		fprintf(t->out, " at=%s", teach_get(oc, "at"));
	fprintf(t->out, "\n");
}

static void print_figures(const struct teach_term *t, const struct lesson *l, const struct teach_outcome *oc)
{
	if (l->layer == LESSON_WRITEBACK)
		fprintf(t->out, "  page cache: %s folio(s), %s dirty\n", teach_get(oc, "folios"),
			teach_get(oc, "dirty_folios"));
	if (l->layer == LESSON_FS && teach_get(oc, "write_amplification"))
		fprintf(t->out, "  xfs: user %s bytes, device %s bytes, GC moved %s bytes, %s zone reset(s), write amplification %s\n",
			teach_get(oc, "user_bytes"), teach_get(oc, "device_bytes"), teach_get(oc, "gc_bytes"),
			teach_get(oc, "zone_resets"), teach_get(oc, "write_amplification"));
	fprintf(t->out, "  open zones %s, active zones %s\n", teach_get(oc, "open_zones"),
		teach_get(oc, "active_zones"));
}

/* Does the model do what the step says it must?  0, or 1 after saying where it differs. */
static int check_expect(const struct lesson *l, size_t i, const struct teach_outcome *oc)
{
	const struct lesson_step *st = &l->steps[i];

	for (unsigned int k = 0; k < st->nr_expect; k++) {
		const struct lesson_expect *e = &st->expect[k];
		const char *got = teach_get(oc, e->key);

		if (teach_value_matches(e->value, got))
			continue;
		fflush(stdout);
		fprintf(stderr, "zwsim teach: %s:%u: the model disagrees with the lesson at step %zu (%s): "
			"expected %s=%s, the model gave %s=%s\n",
			l->name, st->expect_line, i + 1, st->op, e->key, e->value, e->key, got ? got : "(nothing)");
		return 1;
	}
	return 0;
}

/* null_blk, NVMe ZNS, SCSI ZBC: how the learner knows them */
static const char *personality_label(enum zone_personality p)
{
	return p == ZONE_MODEL_ZNS ? "NVMe ZNS" : p == ZONE_MODEL_ZBC ? "SCSI ZBC" : "null_blk";
}

/* Another personality's outcome, in one line, its keys kept as KEY@NAME. */
static void merge_other(const struct teach_term *t, struct teach_ctx *c, struct teach_outcome *oc,
			const struct teach_outcome *other)
{
	const char *name = zone_personality_name(c->dev->geo.model);
	const char *status = teach_get(other, "status");
	bool ok = !strcmp(status, "OK");

	for (unsigned int k = 0; k < other->nr; k++) {
		char key[sizeof(other->kv[k].key) + 16];

		snprintf(key, sizeof(key), "%s@%s", other->kv[k].key, name);
		teach_set(oc, key, "%s", other->kv[k].val);
	}
	fprintf(t->out, "  %-9s  => %s%s%s", personality_label(c->dev->geo.model), tc(t, ok ? TC_OK : TC_BAD),
		status, tc(t, TC_RESET));
	if (!ok)
		fprintf(t->out, " %s", teach_get(other, "errno"));
	if (strcmp(teach_get(other, "zone"), "-"))
		fprintf(t->out, "  zone %s cond=%s wp=%s", teach_get(other, "zone"), teach_get(other, "cond"),
			teach_get(other, "wp"));
	if (teach_get(other, "at"))
		fprintf(t->out, " at=%s", teach_get(other, "at"));
	if (!ok && strcmp(teach_get(other, "native"), "-"))
		fprintf(t->out, "  (%s)", teach_get(other, "native"));
	fprintf(t->out, "\n");
}

#define MAX_CTX 3

int teach_run(const struct lesson *l, const struct teach_opts *o)
{
	const struct teach_term *t = &o->term;
	struct teach_ctx c[MAX_CTX];
	struct teach_outcome *oc = malloc(sizeof(*oc)), *other = malloc(sizeof(*other));
	struct blk_zone *before[MAX_CTX] = { 0 }, *now[MAX_CTX] = { 0 };
	unsigned int asked = 0, right = 0, nc = 1 + l->nr_compare, opened = 0;
	struct keys k = { .in = o->in };
	int ret = 0;

	memset(c, 0, sizeof(c));
	if (!oc || !other) {
		fprintf(stderr, "zwsim teach: out of memory\n");
		ret = 2;
		goto out;
	}
	for (unsigned int n = 0; n < nc; n++) {
		char spec[512];

		if (n)
			snprintf(spec, sizeof(spec), "%s,model=%s", l->device, l->compare[n - 1]);
		else
			snprintf(spec, sizeof(spec), "%s", l->device);
		ret = teach_open(&c[n], l, spec);
		opened++;
		if (ret)
			goto out;
		before[n] = calloc(c[n].dev->nr_zones, sizeof(*before[n]));
		now[n] = calloc(c[n].dev->nr_zones, sizeof(*now[n]));
		if (!before[n] || !now[n]) {
			fprintf(stderr, "zwsim teach: out of memory\n");
			ret = 2;
			goto out;
		}
		if (n && c[n].dev->geo.model == c[0].dev->geo.model) {
			fprintf(stderr, "zwsim teach: %s: compare names the lesson's own personality (%s)\n", l->name,
				l->compare[n - 1]);
			ret = 2;
			goto out;
		}
	}
	keys_open(&k, o->in);
	fprintf(t->out, "%s%s%s\n", tc(t, TC_HEAD), l->title, tc(t, TC_RESET));
	fprintf(t->out, "device %s (%s), layer %s%s%s%s\n", l->device, zone_personality_name(c[0].dev->geo.model),
		lesson_layer_name(l->layer), l->fs ? ", " : "", l->fs ? l->fs : "",
		l->raw ? ", straight to the device (no block layer)" : "");
	for (unsigned int n = 1; n < nc; n++)
		fprintf(t->out, "the same steps on %s (model=%s)\n", personality_label(c[n].dev->geo.model), l->compare[n - 1]);
	fprintf(t->out, "\n");
	print_text(t, l->intro, "");
	for (unsigned int n = 0; n < nc; n++) {
		teach_zones(&c[n], before[n]);
		fprintf(t->out, "\n");
		if (nc > 1)
			fprintf(t->out, "  %s%s%s\n", tc(t, TC_BOLD), personality_label(c[n].dev->geo.model), tc(t, TC_RESET));
		teach_draw_zones(t, NULL, before[n], c[n].dev->nr_zones, c[n].dev->geo.lba_size >> SECTOR_SHIFT);
	}
	for (size_t i = 0; i < l->nr_steps; i++) {
		const struct lesson_step *st = &l->steps[i];
		int choice = -3;

		if (!o->autorun && i) {
			fprintf(t->out, "\n%s-- a key for the next step, q to quit --%s", tc(t, TC_DIM), tc(t, TC_RESET));
			fflush(t->out);
			int key = key_read(&k);

			fprintf(t->out, "\n");
			if (key == 'q') {
				fprintf(t->out, "stopped before step %zu of %zu\n", i + 1, l->nr_steps);
				goto out;
			}
		}
		fprintf(t->out, "\n%sStep %zu/%zu: %s%s\n", tc(t, TC_BOLD), i + 1, l->nr_steps, st->op, tc(t, TC_RESET));
		fprintf(t->out, "  %skernel:%s %s\n", tc(t, TC_NOTE), tc(t, TC_RESET), st->kernel);
		print_text(t, st->say, "  ");
		if (o->quiz && st->quiz.key) {
			choice = ask(t, &k, &st->quiz);
			if (choice == -1) {
				fprintf(t->out, "stopped at step %zu of %zu\n", i + 1, l->nr_steps);
				goto out;
			}
			if (choice == -2) {
				fflush(t->out);
				fprintf(stderr, "zwsim teach: the input ended before the quiz at step %zu was answered\n", i + 1);
				ret = 2;
				goto out;
			}
		}
		ret = teach_exec(&c[0], i, oc);
		if (ret)
			goto out;
		print_outcome(t, l, oc, nc > 1 ? personality_label(c[0].dev->geo.model) : NULL);
		for (unsigned int n = 1; n < nc; n++) {
			ret = teach_exec(&c[n], i, other);
			if (ret)
				goto out;
			merge_other(t, &c[n], oc, other);
		}
		fputs(c[0].events, t->out);
		if (oc->has_res && oc->res.status)
			teach_explain(t, &oc->res, "refused");
		else if (c[0].have_failed)
			teach_explain_bio(t, c[0].failed.status, c[0].failed.reason, c[0].failed.zone_err);
		else if (l->layer != LESSON_ZONE && teach_get(oc, "result")[0] == '-')
			fprintf(t->out, "  %swhy:%s        %s refused the call itself (no bio failed): %s\n",
				tc(t, TC_BAD), tc(t, TC_RESET), l->layer == LESSON_FS ? l->fs : "the page cache",
				teach_get(oc, "result"));
		print_figures(t, l, oc);
		if (st->quiz.key && o->quiz) {
			const char *got = teach_get(oc, st->quiz.key);
			int answer = -1;

			for (unsigned int q = 0; q < st->quiz.nr_choices; q++)
				if (teach_value_matches(st->quiz.choices[q], got))
					answer = (int)q;
			if (answer < 0) {
				fflush(t->out);
				fprintf(stderr, "zwsim teach: %s:%u: the quiz has no right answer: the model gave %s=%s, "
					"which is none of its choices\n", l->name, st->quiz.line, st->quiz.key, got ? got : "(nothing)");
				ret = 1;
				goto out;
			}
			asked++;
			if (answer == choice) {
				right++;
				fprintf(t->out, "  %sright:%s %s=%s\n", tc(t, TC_OK), tc(t, TC_RESET), st->quiz.key, got);
			} else {
				fprintf(t->out, "  %snot quite:%s you said %s, the model says %s=%s\n", tc(t, TC_BAD),
					tc(t, TC_RESET), st->quiz.choices[choice], st->quiz.key, got);
			}
		}
		for (unsigned int n = 0; n < nc; n++) {
			teach_zones(&c[n], now[n]);
			if (nc > 1)
				fprintf(t->out, "  %s%s%s\n", tc(t, TC_BOLD), personality_label(c[n].dev->geo.model), tc(t, TC_RESET));
			teach_draw_zones(t, before[n], now[n], c[n].dev->nr_zones, c[n].dev->geo.lba_size >> SECTOR_SHIFT);
			memcpy(before[n], now[n], c[n].dev->nr_zones * sizeof(*now[n]));
		}
		ret = check_expect(l, i, oc);
		if (ret)
			goto out;
	}
	fprintf(t->out, "\n");
	if (l->summary) {
		fprintf(t->out, "%sWhat to remember%s\n", tc(t, TC_HEAD), tc(t, TC_RESET));
		print_text(t, l->summary, "  ");
	}
	if (o->quiz)
		fprintf(t->out, "quiz: %u of %u right\n", right, asked);
	fprintf(t->out, "lesson done: %zu steps, the model did what each expects\n", l->nr_steps);
out:
	fflush(t->out);
	keys_close(&k);
	for (unsigned int n = 0; n < opened; n++) {
		free(before[n]);
		free(now[n]);
		teach_close(&c[n]);
	}
	free(oc);
	free(other);
	return ret;
}
