// SPDX-License-Identifier: MIT
/*
 * Scenario files (docs/explore.md) and one run of a scenario under a
 * schedule: bios submitted through the model's block layer without
 * waiting, completions in the order the schedule chooses, the event log
 * checked as it is written (tools/check/).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sys/wait.h>
#include <unistd.h>

#include "check/check.h"
#include "cmds.h"
#include "explore.h"
#include "stack.h"

static int parse_num(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

static int scn_err(const char *path, unsigned int line, const char *what, const char *arg)
{
	fprintf(stderr, "zwsim explore: %s:%u: %s%s%s\n", path, line, what, arg ? ": " : "", arg ? arg : "");
	return -1;
}

static int parse_file_label(const char *w, struct scn_op *op)
{
	const char *at = strchr(w, '@');

	if (strncmp(w, "file=", 5) || !at || (size_t)(at - w - 5) >= sizeof(op->file) || at == w + 5)
		return -1;
	memcpy(op->file, w + 5, (size_t)(at - w - 5));
	op->file[at - w - 5] = '\0';
	return parse_num(at + 1, &op->foff);
}

static int parse_line(const char *path, unsigned int ln, char *line, struct scenario *s,
		      struct scn_op *op)
{
	static const struct { const char *name; enum scn_kind kind; int args; } kinds[] = {
		{ "write", SCN_WRITE, 3 }, { "append", SCN_APPEND, 2 }, { "reset", SCN_RESET, 1 },
		{ "finish", SCN_FINISH, 1 }, { "open", SCN_OPEN, 1 }, { "close", SCN_CLOSE, 1 },
		{ "wait", SCN_WAIT, 0 }, { "report", SCN_REPORT, 0 }, { "inject", SCN_INJECT, 1 },
	};
	char copy[512], *w[8];
	int n;
	size_t k;

	snprintf(copy, sizeof(copy), "%s", line);
	copy[strcspn(copy, "\r\n")] = '\0';
	n = zw_split_words(line, w, 8);
	if (!n)
		return 0;
	if (!strcmp(w[0], "title") || !strcmp(w[0], "dev")) {
		const char *rest = strstr(copy, w[0]) + strlen(w[0]);

		rest += strspn(rest, " \t");
		if (n < 2)
			return scn_err(path, ln, "needs a value", w[0]);
		if (!strcmp(w[0], "dev")) {
			if (n != 2)
				return scn_err(path, ln, "dev takes one device spec", NULL);
			snprintf(s->dev, sizeof(s->dev), "%s", w[1]);
		} else {
			char *hash = strchr(rest, '#');

			snprintf(s->title, sizeof(s->title), "%.*s", hash ? (int)(hash - rest) : (int)strlen(rest), rest);
		}
		return 0;
	}
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!strcmp(w[0], kinds[k].name))
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return scn_err(path, ln, "unknown line (title, dev, write, append, reset, finish, open, close, wait, report, inject)", w[0]);
	memset(op, 0, sizeof(*op));
	op->kind = kinds[k].kind;
	op->line = ln;
	snprintf(op->text, sizeof(op->text), "%s", copy + strspn(copy, " \t"));
	op->text[strcspn(op->text, "#")] = '\0';
	while (*op->text && op->text[strlen(op->text) - 1] == ' ')
		op->text[strlen(op->text) - 1] = '\0';
	if (op->kind == SCN_INJECT) {
		if (n != 2)
			return scn_err(path, ln, "inject takes one FAULT", NULL);
		snprintf(op->fault, sizeof(op->fault), "%s", w[1]);
		return 1;
	}
	if (n < 1 + kinds[k].args ||
	    n > 1 + kinds[k].args + (op->kind == SCN_WRITE || op->kind == SCN_APPEND))
		return scn_err(path, ln, "wrong number of words", w[0]);
	if (kinds[k].args) {
		uint64_t z;

		if (parse_num(w[1], &z) || z > 1000000)
			return scn_err(path, ln, "not a zone number", w[1]);
		op->zone = (unsigned int)z;
	}
	if (op->kind == SCN_WRITE && (parse_num(w[2], &op->off) || parse_num(w[3], &op->nr) || !op->nr))
		return scn_err(path, ln, "write ZONE OFF BLOCKS: not a number", NULL);
	if (op->kind == SCN_APPEND && (parse_num(w[2], &op->nr) || !op->nr))
		return scn_err(path, ln, "append ZONE BLOCKS: not a number", w[2]);
	if (n == 2 + kinds[k].args && parse_file_label(w[n - 1], op))
		return scn_err(path, ln, "expected file=NAME@BLOCK", w[n - 1]);
	return 1;
}

/* A line of an fs scenario: `fs NAME [MOUNT]`, `expect N RESULT`, or a line of its script. */
static int fs_line(const char *path, unsigned int ln, const char *line, struct scenario *s)
{
	char copy[512], *w[4];
	int n;

	snprintf(copy, sizeof(copy), "%s", line);
	n = zw_split_words(copy, w, 4);
	if (n && !strcmp(w[0], "fs")) {
		if (*s->fs || n < 2 || n > 3 || strlen(w[1]) >= sizeof(s->fs) ||
		    (n == 3 && strlen(w[2]) >= sizeof(s->mount)))
			return scn_err(path, ln, "fs NAME [MOUNT_OPTIONS], once", NULL);
		if (s->nr_ops)
			return scn_err(path, ln, "an fs scenario has no block-level operations before it", NULL);
		snprintf(s->fs, sizeof(s->fs), "%s", w[1]);
		if (n == 3)
			snprintf(s->mount, sizeof(s->mount), "%s", w[2]);
		return 0;
	}
	if (n && !strcmp(w[0], "expect")) {
		struct scn_expect *e = &s->expect[s->nr_expect];
		uint64_t k;

		if (!*s->fs || n != 3 || s->nr_expect >= 16 || parse_num(w[1], &k) || !k || k > 100000 ||
		    strlen(w[2]) >= sizeof(e->result))
			return scn_err(path, ln, "expect N RESULT (after fs; N counts the script's operations from 1)", NULL);
		e->op = (unsigned int)k;
		e->line = ln;
		snprintf(e->result, sizeof(e->result), "%s", w[2]);
		s->nr_expect++;
		return 0;
	}
	if (n && !strcmp(w[0], "title")) {
		char again[512];

		snprintf(again, sizeof(again), "%s", line);
		return parse_line(path, ln, again, s, NULL) < 0 ? -1 : 0;
	}
	if (n) {
		size_t len = strlen(line);
		char *p = realloc(s->script, s->script_len + len + 2);

		if (!p)
			return scn_err(path, ln, "out of memory", NULL);
		s->script = p;
		memcpy(s->script + s->script_len, line, len);
		s->script_len += len;
		if (!len || line[len - 1] != '\n')
			s->script[s->script_len++] = '\n';
		s->script[s->script_len] = '\0';
		s->nr_script_ops++;
	}
	return 0;
}

int scn_load(const char *path, struct scenario *s)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned int ln = 0;
	size_t max = 0;

	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (!f) {
		fprintf(stderr, "zwsim explore: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct scn_op op;
		int r;

		ln++;
		if (*s->fs || !strncmp(line, "fs ", 3) || !strncmp(line, "expect ", 7)) {
			if (fs_line(path, ln, line, s))
				goto fail;
			continue;
		}
		r = parse_line(path, ln, line, s, &op);
		if (r < 0)
			goto fail;
		if (!r)
			continue;
		if (s->nr_ops == max) {
			struct scn_op *n;

			max = max ? max * 2 : 16;
			n = realloc(s->ops, max * sizeof(*n));
			if (!n)
				goto fail;
			s->ops = n;
		}
		s->ops[s->nr_ops++] = op;
	}
	fclose(f);
	if (!*s->dev) {
		fprintf(stderr, "zwsim explore: %s: no 'dev SPEC' line\n", path);
		scn_free(s);
		return -1;
	}
	if (!s->nr_ops && !s->nr_script_ops) {
		fprintf(stderr, "zwsim explore: %s: no operations\n", path);
		scn_free(s);
		return -1;
	}
	return 0;
fail:
	fclose(f);
	scn_free(s);
	return -1;
}

void scn_free(struct scenario *s)
{
	free(s->script);
	s->script = NULL;
	free(s->ops);
	s->ops = NULL;
	s->nr_ops = 0;
}

/* --- one run ----------------------------------------------------------- */

struct run;

struct op_res {
	struct run *run;
	size_t idx;
	bool done;
	blk_status_t status;
	uint64_t sector;	/* a completed append: where it landed */
	char reason[192];
};

struct run {
	const struct scenario *s;
	const struct run_mode *m;
	struct run_result *r;
	struct zw_stack st;
	struct op_res *res;
	size_t next_op;		/* the script's position */
	uint64_t rng;
	uint64_t results_hash;	/* the results so far, as a set */
	struct chk_log *checker;
	bool pruned;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 33);
}

static void op_end_io(struct bio *bio)
{
	struct op_res *res = bio->bi_private;

	res->done = true;
	res->status = bio->bi_status;
	res->sector = bio->bi_iter.bi_sector;
	if (bio->bi_status)
		snprintf(res->reason, sizeof(res->reason), "%s", bio->bi_res.reason);
	res->run->results_hash += mix(mix(res->idx, res->status), res->sector);
	bio_put(bio);
}

/* The state a choice is made in: zones, plugs, completions waiting, the script's position, the results and violations so far. */
static uint64_t state_hash(struct run *run, const struct sim_event *pending, size_t nr)
{
	struct block_device *bdev = run->st.bdevp;
	struct blk_zone z[64];
	uint64_t h = mix(run->next_op, run->results_hash);
	struct chk *c = chk_log_checker(run->checker);

	h = mix(h, c ? chk_nr_violations(c) : 0);
	for (unsigned int i = 0; i < bdev->nr_zones; i += 64) {
		unsigned int n = bdev->nr_zones - i < 64 ? bdev->nr_zones - i : 64;
		int got = zw_dev_report_zones(bdev->dev, i, n, z);

		for (int k = 0; k < got; k++)
			h = mix(mix(h, z[k].cond), z[k].wp);
	}
	for (unsigned int i = 0; i < bdev->nr_zones; i++) {
		const struct blk_zone_wplug *p = bdev->zone_wplugs[i];

		if (!p)
			continue;
		h = mix(mix(mix(h, i), p->flags), p->wp_offset);
		for (const struct bio *b = p->bio_head; b; b = b->bi_next)
			h = mix(mix(h, b->bi_iter.bi_sector), b->bi_iter.bi_size);
	}
	for (size_t k = 0; k < nr; k++) {
		const struct bio *b = pending[k].arg;

		h = mix(mix(mix(mix(h, (uint64_t)(uintptr_t)pending[k].fn), b->bi_op), b->bi_iter.bi_sector),
			b->bi_iter.bi_size);
	}
	return h;
}

static size_t choose(void *arg, const struct sim_event *pending, size_t nr)
{
	struct run *run = arg;
	struct schedule *s = &run->r->sched;
	size_t k = s->len;
	uint32_t c;

	if (k < run->m->prefix_len)
		c = run->m->prefix[k] < nr ? run->m->prefix[k] : (uint32_t)(nr - 1);
	else if (run->m->random)
		c = (uint32_t)(((run->rng = mix(run->rng, k)) >> 11) % nr);
	else
		c = 0;
	if (run->m->seen && k >= run->m->prefix_len && !run->pruned &&
	    !hash_set_add(run->m->seen, state_hash(run, pending, nr))) {
		run->pruned = true;
		run->r->pruned_at = k;
	}
	if (s->len == s->max) {
		size_t max = s->max ? s->max * 2 : 32;
		uint32_t *a = realloc(s->choice, max * sizeof(*a)), *b;

		if (!a)
			return c;
		s->choice = a;
		b = realloc(s->nr, max * sizeof(*b));
		if (!b)
			return c;
		s->nr = b;
		s->max = max;
	}
	s->choice[s->len] = c;
	s->nr[s->len++] = (uint32_t)nr;
	return c;
}

static int submit_op(struct run *run, size_t i)
{
	const struct scn_op *op = &run->s->ops[i];
	struct block_device *bdev = run->st.bdevp;
	unsigned int lbs = bdev->lim.logical_block_size;
	enum req_op rop;
	struct bio *bio;
	char err[256];

	if (op->zone >= bdev->nr_zones && op->kind != SCN_WAIT && op->kind != SCN_REPORT &&
	    op->kind != SCN_INJECT) {
		fprintf(stderr, "zwsim explore: %s:%u: zone %u does not exist (the device has %u)\n",
			run->s->path, op->line, op->zone, bdev->nr_zones);
		return -1;
	}
	switch (op->kind) {
	case SCN_WAIT:
		sim_run(&run->st.loop);
		run->res[i].done = true;
		return 0;
	case SCN_REPORT: {
		struct blk_zone *z = calloc(bdev->nr_zones, sizeof(*z));

		sim_run(&run->st.loop);
		if (z)
			blkdev_report_zones(bdev, 0, bdev->nr_zones, z);
		free(z);
		run->res[i].done = true;
		return 0;
	}
	case SCN_INJECT:
		if (zw_dev_inject(run->st.dev, op->fault, err, sizeof(err))) {
			fprintf(stderr, "zwsim explore: %s:%u: inject %s: %s\n", run->s->path, op->line, op->fault, err);
			return -1;
		}
		run->res[i].done = true;
		return 0;
	case SCN_WRITE: rop = REQ_OP_WRITE; break;
	case SCN_APPEND: rop = REQ_OP_ZONE_APPEND; break;
	case SCN_RESET: rop = REQ_OP_ZONE_RESET; break;
	case SCN_FINISH: rop = REQ_OP_ZONE_FINISH; break;
	case SCN_OPEN: rop = REQ_OP_ZONE_OPEN; break;
	default: rop = REQ_OP_ZONE_CLOSE; break;
	}
	bio = bio_alloc(bdev, 1, rop, 0);
	if (!bio)
		return -1;
	bio->bi_iter.bi_sector = (sector_t)op->zone * bdev->zone_size + op->off * (lbs >> SECTOR_SHIFT);
	if (op->nr)
		bio_add_data(bio, NULL, ((uint64_t)i + 1) << 32, (uint32_t)(op->nr * lbs), NULL, 0);
	bio->bi_end_io = op_end_io;
	bio->bi_private = &run->res[i];
	submit_bio(bio);
	return 0;
}

/* Each file's extents: its blocks, in file order, broken wherever they do not follow on disk. */
static void files_outcome(struct run *run, FILE *out)
{
	const struct scenario *s = run->s;
	unsigned int lba_sectors = run->st.bdevp->lim.logical_block_size >> SECTOR_SHIFT;
	bool *done = calloc(s->nr_ops, sizeof(*done));

	for (size_t i = 0; done && i < s->nr_ops; i++) {
		unsigned int extents = 0, pieces = 0;
		uint64_t next_foff = 0, next_sector = 0;
		bool have = false;

		if (!*s->ops[i].file || done[i])
			continue;
		/* the file's pieces in file order (few: a selection each time) */
		for (;;) {
			size_t best = s->nr_ops;

			for (size_t k = 0; k < s->nr_ops; k++)
				if (!done[k] && !strcmp(s->ops[k].file, s->ops[i].file) &&
				    (best == s->nr_ops || s->ops[k].foff < s->ops[best].foff))
					best = k;
			if (best == s->nr_ops)
				break;
			done[best] = true;
			pieces++;
			if (!run->res[best].done || run->res[best].status)
				continue;	/* lost: not part of the file */
			if (!have || s->ops[best].foff != next_foff ||
			    run->res[best].sector != next_sector)
				extents++;
			have = true;
			next_foff = s->ops[best].foff + s->ops[best].nr;
			next_sector = run->res[best].sector + s->ops[best].nr * lba_sectors;
		}
		fprintf(out, "file %s: %u extent%s (%u pieces)\n", s->ops[i].file, extents,
			extents == 1 ? "" : "s", pieces);
	}
	free(done);
}

static void write_outcome(struct run *run, FILE *out)
{
	const struct scenario *s = run->s;
	struct block_device *bdev = run->st.bdevp;
	struct blk_zone *z = calloc(bdev->nr_zones, sizeof(*z));
	unsigned int lba_sectors = bdev->lim.logical_block_size >> SECTOR_SHIFT;

	for (size_t i = 0; i < s->nr_ops; i++) {
		const struct op_res *res = &run->res[i];
		const struct scn_op *op = &s->ops[i];

		if (op->kind == SCN_WAIT || op->kind == SCN_REPORT || op->kind == SCN_INJECT)
			continue;
		fprintf(out, "line %u: %s => %s", op->line, op->text,
			!res->done ? "not completed" : blk_status_name(res->status));
		if (res->done && !res->status && op->kind == SCN_APPEND)
			fprintf(out, " at block %" PRIu64,
				(res->sector - (sector_t)op->zone * bdev->zone_size) / lba_sectors);
		fputc('\n', out);
	}
	if (z && zw_dev_report_zones(bdev->dev, 0, bdev->nr_zones, z) == (int)bdev->nr_zones)
		for (unsigned int i = 0; i < bdev->nr_zones; i++)
			if (z[i].cond != BLK_ZONE_COND_EMPTY && z[i].cond != BLK_ZONE_COND_NOT_WP)
				fprintf(out, "zone %u: %s wp %" PRIu64 "\n", i, zone_cond_abbrev(z[i].cond),
					(uint64_t)((z[i].wp - z[i].start) / lba_sectors));
	free(z);
	files_outcome(run, out);
}

static void note_rules(struct run *run)
{
	struct chk *c = chk_log_checker(run->checker);
	char *p = run->r->rules;
	size_t left = sizeof(run->r->rules);

	if (!c || !chk_nr_violations(c))
		return;
	/* the rules in the order of the table: a stable signature */
	for (size_t k = 0; k < chk_nr_rules; k++)
		for (size_t i = 0; i < chk_nr_kept(c); i++)
			if (!strcmp(chk_violation(c, i)->rule, chk_rules[k].name)) {
				int n = snprintf(p, left, "%s%s", p == run->r->rules ? "" : ",", chk_rules[k].name);

				if (n > 0 && (size_t)n < left) {
					p += n;
					left -= (size_t)n;
				}
				break;
			}
	snprintf(run->r->first_violation, sizeof(run->r->first_violation), "%s: %s",
		 chk_violation(c, 0)->rule, chk_violation(c, 0)->msg);
}

/* --- an fs scenario: zwsim fs in a child process, under the schedule ------ */

static struct run *fs_child_run;

static void fs_child_hook(struct sim_loop *loop)
{
	loop->policy = SIM_COMPLETE_CHOOSE;
	loop->choose = choose;
	loop->choose_arg = fs_child_run;
}

/* The child: zwsim fs on the script, everything it prints to @fd, then its schedule. */
static void fs_child(struct run *run, int fd, const char *script, const char *log)
{
	const struct scenario *s = run->s;
	char *argv[16];
	int argc = 0, rc;

	dup2(fd, 1);
	dup2(fd, 2);
	fs_child_run = run;
	zw_stack_loop_hook = fs_child_hook;
	argv[argc++] = "fs";
	argv[argc++] = "--fs";
	argv[argc++] = (char *)s->fs;
	argv[argc++] = "--dev";
	argv[argc++] = (char *)s->dev;
	argv[argc++] = "--check";
	argv[argc++] = "--log";
	argv[argc++] = (char *)log;
	if (*s->mount) {
		argv[argc++] = "--mount";
		argv[argc++] = (char *)s->mount;
	}
	argv[argc++] = (char *)script;
	argv[argc] = NULL;
	setenv("ZWSIM_PROGRESS", "0", 1);
	rc = cmd_fs(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dprintf(fd, "\n#explore rc=%d sched", rc);
	for (size_t k = 0; k < run->r->sched.len; k++)
		dprintf(fd, " %u:%u", run->r->sched.choice[k], run->r->sched.nr[k]);
	dprintf(fd, "\n");
	_exit(0);
}

/* Every folio_writeback_start of the log has its folio_writeback_end: none is left under writeback. */
static void fs_check_folios(const char *log, struct run_result *r, char *rules, size_t len)
{
	FILE *f = fopen(log, "r");
	char *line = NULL;
	size_t cap = 0;
	long long open = 0;

	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		if (strstr(line, "\"ev\":\"folio_writeback_start\""))
			open++;
		else if (strstr(line, "\"ev\":\"folio_writeback_end\""))
			open--;
	}
	free(line);
	fclose(f);
	if (open) {
		snprintf(rules + strlen(rules), len - strlen(rules), "%sfolio-under-writeback", *rules ? "," : "");
		if (!*r->first_violation)
			snprintf(r->first_violation, sizeof(r->first_violation),
				 "folio-under-writeback: %lld folio(s) started writeback and never ended it", open);
	}
}

static int scn_run_fs(const struct scenario *s, const struct run_mode *m, struct run_result *r)
{
	struct run run = { .s = s, .m = m, .r = r, .rng = m->seed * 0x9e3779b97f4a7c15ull + 1 };
	char script[] = "/tmp/zwsim-explore-XXXXXX", log[] = "/tmp/zwsim-explore-log-XXXXXX";
	int sfd = mkstemp(script), lfd = mkstemp(log), p[2] = { -1, -1 };
	char *buf = NULL, *tr, *o, *keep;
	size_t len = 0, cap = 0;
	unsigned int op = 0;
	pid_t pid;
	FILE *out;

	memset(r, 0, sizeof(*r));
	r->pruned_at = SIZE_MAX;
	if (sfd < 0 || lfd < 0 || write(sfd, s->script, s->script_len) != (ssize_t)s->script_len ||
	    pipe(p)) {
		fprintf(stderr, "zwsim explore: temporary files: %s\n", strerror(errno));
		goto fail;
	}
	close(sfd);
	close(lfd);
	sfd = lfd = -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		goto fail;
	if (!pid) {
		close(p[0]);
		fs_child(&run, p[1], script, log);
	}
	close(p[1]);
	p[1] = -1;
	for (;;) {
		ssize_t n;

		if (len + 4096 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);

			if (!nb)
				goto fail;
			buf = nb;
		}
		n = read(p[0], buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(p[0]);
	p[0] = -1;
	waitpid(pid, NULL, 0);
	buf[len] = '\0';
	tr = strstr(buf, "\n#explore rc=");
	if (!tr) {
		fprintf(stderr, "zwsim explore: %s: zwsim fs did not finish:\n%s\n", s->path, buf);
		goto fail;
	}
	*tr = '\0';
	/* the schedule the child made */
	for (char *q = strstr(tr + 1, "sched") + 5; *q == ' ';) {
		unsigned int c, nr;
		int used;

		if (sscanf(q, " %u:%u%n", &c, &nr, &used) != 2)
			break;
		if (r->sched.len == r->sched.max) {
			size_t max = r->sched.max ? r->sched.max * 2 : 32;
			uint32_t *a = realloc(r->sched.choice, max * sizeof(*a)), *b;

			if (!a)
				break;
			r->sched.choice = a;
			b = realloc(r->sched.nr, max * sizeof(*b));
			if (!b)
				break;
			r->sched.nr = b;
			r->sched.max = max;
		}
		r->sched.choice[r->sched.len] = c;
		r->sched.nr[r->sched.len++] = nr;
		q += used;
	}
	/* the outcome: what zwsim fs printed but the checker's lines; the rules from those */
	out = open_memstream(&o, &cap);
	if (!out)
		goto fail;
	keep = buf;
	for (char *l = buf, *nl; l && *l; l = nl) {
		bool check = !strncmp(l, "zwsim fs: check: ", 17);

		nl = strchr(l, '\n');
		if (nl)
			*nl++ = '\0';
		if (check) {
			char rule[64];
			unsigned long long at;

			if (sscanf(l + 17, "line %llu: %63[a-z-]:", &at, rule) == 2 && !strstr(r->rules, rule)) {
				snprintf(r->rules + strlen(r->rules), sizeof(r->rules) - strlen(r->rules), "%s%s",
					 *r->rules ? "," : "", rule);
				if (!*r->first_violation)
					snprintf(r->first_violation, sizeof(r->first_violation), "%s", l + 17);
			}
			keep = NULL;
			continue;
		}
		if (!keep && !strncmp(l, "  ", 2))
			continue;	/* a violation's context */
		keep = l;
		fprintf(out, "%s\n", l);
		if (strstr(l, " => ")) {
			op++;
			for (unsigned int e = 0; e < s->nr_expect; e++)
				if (s->expect[e].op == op && strcmp(strstr(l, " => ") + 4, s->expect[e].result)) {
					if (!strstr(r->rules, "expect"))
						snprintf(r->rules + strlen(r->rules), sizeof(r->rules) - strlen(r->rules),
							 "%sexpect", *r->rules ? "," : "");
					if (!*r->first_violation)
						snprintf(r->first_violation, sizeof(r->first_violation),
							 "expect: line %u: operation %u gave %s, expected %s",
							 s->expect[e].line, op, strstr(l, " => ") + 4, s->expect[e].result);
				}
		}
	}
	fclose(out);
	r->outcome = o;
	fs_check_folios(log, r, r->rules, sizeof(r->rules));
	r->pruned_at = r->sched.len;
	free(buf);
	unlink(script);
	unlink(log);
	return 0;
fail:
	free(buf);
	if (sfd >= 0)
		close(sfd);
	if (lfd >= 0)
		close(lfd);
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	unlink(script);
	unlink(log);
	return r->error = -1;
}

int scn_run(const struct scenario *s, const struct run_mode *m, struct run_result *r)
{
	struct run run = { .s = s, .m = m, .r = r, .rng = m->seed * 0x9e3779b97f4a7c15ull + 1 };
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	int ret = 0;

	if (*s->fs)
		return scn_run_fs(s, m, r);
	memset(r, 0, sizeof(*r));
	r->pruned_at = SIZE_MAX;
	run.res = calloc(s->nr_ops, sizeof(*run.res));
	run.checker = chk_log_new();
	if (!run.res || !run.checker) {
		free(run.res);
		chk_log_free(run.checker);
		return r->error = -1;
	}
	if (zw_stack_open(&run.st, &(struct zw_stack_opts){
		.cmd = "explore", .spec = s->dev, .log = "/dev/null", .order = SIM_COMPLETE_CHOOSE,
		.emulated_only = "explore runs each schedule again and again",
		.log_filter = chk_log_filter, .log_filter_arg = run.checker,
	    })) {
		free(run.res);
		chk_log_free(run.checker);
		return r->error = -1;
	}
	run.st.loop.choose = choose;
	run.st.loop.choose_arg = &run;
	for (size_t i = 0; i < s->nr_ops; i++) {
		run.res[i].run = &run;
		run.res[i].idx = i;
	}
	for (size_t i = 0; i < s->nr_ops && !ret; i++) {
		run.next_op = i;
		ret = submit_op(&run, i);
	}
	run.next_op = s->nr_ops;
	sim_run(&run.st.loop);
	if (!ret) {
		out = open_memstream(&buf, &len);
		if (out) {
			write_outcome(&run, out);
			fclose(out);
		}
		r->outcome = buf;
		fflush(run.st.log.f);
		note_rules(&run);
	}
	if (r->pruned_at == SIZE_MAX)
		r->pruned_at = r->sched.len;
	zw_stack_close(&run.st);
	chk_log_free(run.checker);
	free(run.res);
	r->error = ret;
	return ret;
}

void run_result_free(struct run_result *r)
{
	free(r->outcome);
	free(r->sched.choice);
	free(r->sched.nr);
	memset(r, 0, sizeof(*r));
}
