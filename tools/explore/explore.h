/* SPDX-License-Identifier: MIT */
/*
 * zwsim explore (docs/explore.md): a scenario (a data file: a device and
 * I/O submitted without waiting) run under many completion orders.  A
 * schedule is the list of choices made each time several completions were
 * waiting (sim/event.h: SIM_COMPLETE_CHOOSE): choice k picks the k-th
 * oldest.  Choices past the end of a schedule are 0 (oldest first: the
 * FIFO order), so the empty schedule is the baseline and a schedule string
 * "1.0.2" replays exactly.
 */
#ifndef ZWSIM_EXPLORE_H
#define ZWSIM_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum scn_kind { SCN_WRITE, SCN_APPEND, SCN_RESET, SCN_FINISH, SCN_OPEN, SCN_CLOSE, SCN_WAIT,
		SCN_REPORT, SCN_INJECT };

struct scn_op {
	enum scn_kind kind;
	unsigned int line, zone;
	uint64_t off, nr;	/* blocks */
	char file[32];		/* "": none; else the file this data belongs to */
	uint64_t foff;		/* its offset in the file, in blocks */
	char fault[96];		/* inject */
	char text[160];
};

/* An fs scenario's expectation: its Nth operation's result. */
struct scn_expect {
	unsigned int op, line;
	char result[64];
};

struct scenario {
	char path[256];
	char title[160];
	char dev[256];
	struct scn_op *ops;
	size_t nr_ops;
	/* an fs scenario (`fs NAME [MOUNT]`): the lines after it are a zwsim fs script */
	char fs[32], mount[128];
	char *script;
	size_t script_len;
	unsigned int nr_script_ops;
	struct scn_expect expect[16];
	unsigned int nr_expect;
};

/* Parse a scenario file; 0, or -1 after saying "FILE:LINE: what" on stderr. */
int scn_load(const char *path, struct scenario *s);
void scn_free(struct scenario *s);

/* A schedule: the choices, and how many completions were waiting at each. */
struct schedule {
	uint32_t *choice, *nr;
	size_t len, max;
};

/* What one run under a schedule gave. */
struct run_result {
	char *outcome;		/* every operation's result, the zones, the files' extents */
	char rules[160];	/* the rules the checker found broken, sorted, comma-separated */
	char first_violation[320];
	struct schedule sched;	/* the choices made */
	size_t pruned_at;	/* the first choice point at a state seen before (sched.len: none) */
	int error;		/* the scenario could not run (message printed) */
};

/* How a run chooses past its given prefix. */
struct run_mode {
	const uint32_t *prefix;
	size_t prefix_len;
	bool random;		/* random choices from @seed past the prefix; else 0 */
	uint64_t seed;
	/* state hashing (exhaustive search): states seen, added to as the run goes */
	struct hash_set *seen;
};

int scn_run(const struct scenario *s, const struct run_mode *m, struct run_result *r);
void run_result_free(struct run_result *r);

/* Parse "1.0.2" ("" or "-": the empty schedule). */
int schedule_parse(const char *s, uint32_t **choice, size_t *len);
/* The choices as a string, trailing zeros left out ("-" for none); static buffer. */
const char *schedule_str(const uint32_t *choice, size_t len);

struct hash_set;
struct hash_set *hash_set_new(void);
bool hash_set_add(struct hash_set *h, uint64_t v);	/* false: it was there */
bool hash_set_has(const struct hash_set *h, uint64_t v);
void hash_set_free(struct hash_set *h);

#endif
