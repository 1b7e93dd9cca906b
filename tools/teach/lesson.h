/* SPDX-License-Identifier: MIT */
/*
 * Lessons: data files a teacher writes without C (docs/teach.md).  A lesson
 * names a device and a layer (zone, writeback or fs), says a few words, then
 * lists steps: one operation each, in that layer's script language, with
 * the kernel function it stands for, what to say, what the model must do
 * (expect) and, optionally, a question to ask before it is shown (quiz).
 */
#ifndef ZWSIM_TEACH_LESSON_H
#define ZWSIM_TEACH_LESSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum lesson_layer {
	LESSON_ZONE,		/* zone script operations, through the block layer */
	LESSON_WRITEBACK,	/* the block device's page cache and iomap writeback */
	LESSON_FS,		/* system calls on a file system model */
};

#define LESSON_MAX_EXPECT 12
#define LESSON_MAX_CHOICES 8

/* "key=value": what the model must answer after the step. */
struct lesson_expect {
	char *key, *value;
};

struct lesson_quiz {
	unsigned int line;
	char *key;			/* the outcome asked about (status, cond, result, ...) */
	char *question;
	char *choices[LESSON_MAX_CHOICES];
	unsigned int nr_choices;
};

struct lesson_step {
	unsigned int line;		/* the "step" line */
	char *op;			/* the operation, words folded by single blanks */
	char *kernel;			/* the kernel function(s) it stands for */
	char *say;			/* narration, lines joined by '\n' (may be NULL) */
	unsigned int expect_line;
	struct lesson_expect expect[LESSON_MAX_EXPECT];
	unsigned int nr_expect;
	struct lesson_quiz quiz;	/* quiz.key NULL: none */
};

struct lesson {
	char *name;			/* the file's, for messages */
	char *title;
	char *device;			/* an emu: spec */
	unsigned int device_line;
	enum lesson_layer layer;
	bool raw;			/* layer zone, "path device": no block layer (passthrough) */
	char *compare[2];		/* "compare zns zbc": the same steps on these personalities too */
	unsigned int nr_compare;
	char *fs;			/* layer fs: zonefs, xfs-zoned */
	char *mount;			/* mount options, or NULL */
	char *intro;			/* lines joined by '\n' */
	char *summary;			/* said at the end */
	struct lesson_step *steps;
	size_t nr_steps;
};

/*
 * Parse a lesson from @f (named @name in messages).  0, or -1 with
 * "NAME:LINE: why" in @err; nothing is run here, so a bad file changes
 * nothing.  The operations' own syntax is checked by the runner before
 * the first step (it needs the device).
 */
int lesson_parse(FILE *f, const char *name, struct lesson *l, char *err, size_t errlen);
void lesson_free(struct lesson *l);

const char *lesson_layer_name(enum lesson_layer layer);

#endif
