// SPDX-License-Identifier: MIT
/*
 * zwsim teach: the lessons (data files, docs/teach.md) run on the real
 * models, one step per key press.
 */
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "teach/teach.h"

/* Where `make install` puts the lessons; the Makefile sets it from PREFIX. */
#ifndef ZWSIM_DATADIR
#define ZWSIM_DATADIR "/usr/local/share/zwsim"
#endif

static void teach_usage(FILE *f)
{
	fprintf(f,
		"usage: zwsim teach [OPTIONS] [LESSON]\n"
		"\n"
		"Zoned storage taught on the real models: each lesson runs its steps on\n"
		"the zone model, the block layer, the page cache and iomap writeback, or\n"
		"a file system model (zonefs, xfs-zoned), one step per key press, says\n"
		"which kernel function each step stands for, draws the zones before and\n"
		"after, and explains every refused operation: the rule, the Linux status\n"
		"and errno, and what null_blk, an NVMe ZNS device (status code) and a SCSI\n"
		"ZBC disk (sense key, ASC/ASCQ) report.  Each step says what the model\n"
		"must do; when it does otherwise the lesson stops with FILE:LINE and exit 1,\n"
		"so every lesson is a test too.  With no LESSON: the list of lessons.\n"
		"\n"
		"LESSON is a name from the list (zones), its number (1), or a lesson file\n"
		"(a path with a '/' or ending in .lesson; docs/teach.md is the format).\n"
		"\n"
		"Options:\n"
		"  --auto          run every step without waiting for a key\n"
		"  --quiz          before a step with a quiz, ask for a prediction (a key\n"
		"                  1-9), then say whether it was right; a score at the end\n"
		"  --color=WHEN    auto (a terminal with TERM set, and no NO_COLOR), always,\n"
		"                  never\n"
		"  --lessons DIR   where the lessons are (also $ZWSIM_LESSONS); otherwise\n"
		"                  lessons/ beside the zwsim binary, ../share/zwsim/lessons\n"
		"                  from it, then " ZWSIM_DATADIR "/lessons\n"
		"Keys while a lesson runs: any key for the next step, q to quit.\n"
		"\n"
		"Examples:\n"
		"  zwsim teach\n"
		"  zwsim teach zones\n"
		"  zwsim teach --quiz limits\n"
		"  zwsim teach --auto --color=never my-lesson.lesson\n");
}

static bool is_dir(const char *p)
{
	struct stat st;

	return p && !stat(p, &st) && S_ISDIR(st.st_mode);
}

/* The lesson directory: option, environment, beside the binary, installed. */
static const char *lesson_dir(const char *opt, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (opt)
		return opt;
	if (getenv("ZWSIM_LESSONS") && *getenv("ZWSIM_LESSONS"))
		return getenv("ZWSIM_LESSONS");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, len, "%s/lessons", exe);
			if (is_dir(buf))
				return buf;
			snprintf(buf, len, "%s/../share/zwsim/lessons", exe);
			if (is_dir(buf))
				return buf;
		}
	}
	return ZWSIM_DATADIR "/lessons";
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_lesson(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 7 && !strcmp(d->d_name + n - 7, ".lesson");
}

/* "03-append.lesson": "append" (the number and dash before the name are for order). */
static void short_name(const char *file, char *buf, size_t len)
{
	const char *p = file;

	while (*p >= '0' && *p <= '9')
		p++;
	if (p != file && *p == '-')
		p++;
	else
		p = file;
	snprintf(buf, len, "%.*s", (int)(strlen(p) - 7), p);
}

static int load(const char *path, const char *shown, struct lesson *l)
{
	char err[512];
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		fprintf(stderr, "zwsim teach: %s: cannot open it\n", shown);
		return EXIT_USAGE;
	}
	ret = lesson_parse(f, shown, l, err, sizeof(err));
	fclose(f);
	if (ret) {
		fprintf(stderr, "zwsim teach: %s\n", err);
		return EXIT_USAGE;
	}
	return 0;
}

static int list_lessons(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, is_lesson, by_name), ret = EXIT_OK;

	if (n < 0) {
		fprintf(stderr, "zwsim teach: no lessons in %s (--lessons DIR or ZWSIM_LESSONS names another place)\n", dir);
		return EXIT_USAGE;
	}
	printf("Lessons:\n");
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX + 300], name[256];
		struct lesson l;

		if (snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name) >= (int)sizeof(path))
			path[0] = '\0';
		short_name(ents[i]->d_name, name, sizeof(name));
		if (load(path, path, &l)) {
			ret = EXIT_USAGE;
		} else {
			printf("  %2d  %-14s %s\n", i + 1, name, l.title);
			lesson_free(&l);
		}
		free(ents[i]);
	}
	free(ents);
	printf("\nRun one with 'zwsim teach NAME' (or its number); --auto runs it without key presses,\n"
	       "--quiz asks you to predict outcomes first.\n");
	return ret;
}

/* The file of lesson @arg: a path, a name or a number.  0, or EXIT_USAGE after saying why. */
static int find_lesson(const char *dir, const char *arg, char *path, size_t len)
{
	struct dirent **ents;
	size_t alen = strlen(arg);
	int n, ret = EXIT_USAGE;
	char *end;
	long num = strtol(arg, &end, 10);

	if (strchr(arg, '/') || (alen > 7 && !strcmp(arg + alen - 7, ".lesson"))) {
		snprintf(path, len, "%s", arg);
		return 0;
	}
	n = scandir(dir, &ents, is_lesson, by_name);
	if (n < 0) {
		fprintf(stderr, "zwsim teach: no lessons in %s (--lessons DIR or ZWSIM_LESSONS names another place)\n", dir);
		return EXIT_USAGE;
	}
	for (int i = 0; i < n; i++) {
		char name[256];

		short_name(ents[i]->d_name, name, sizeof(name));
		if (ret && ((!*end && num == i + 1) || !strcmp(name, arg))) {
			ret = snprintf(path, len, "%s/%s", dir, ents[i]->d_name) >= (int)len ? EXIT_USAGE : 0;
		}
		free(ents[i]);
	}
	free(ents);
	if (ret)
		fprintf(stderr, "zwsim teach: no lesson '%s' (zwsim teach lists them)\n", arg);
	return ret;
}

int cmd_teach(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "auto", no_argument, NULL, 'a' },
		{ "quiz", no_argument, NULL, 'q' },
		{ "color", required_argument, NULL, 'c' },
		{ "colour", required_argument, NULL, 'c' },
		{ "lessons", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct teach_opts o = { .in = stdin, .term = { .out = stdout } };
	const char *color = "auto", *dir_opt = NULL, *dir;
	char dirbuf[PATH_MAX + 64], path[PATH_MAX + 300];
	struct lesson l;
	int c, ret, want;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': o.autorun = true; break;
		case 'q': o.quiz = true; break;
		case 'c': color = optarg; break;
		case 'L': dir_opt = optarg; break;
		case 'h':
			teach_usage(stdout);
			return EXIT_OK;
		default:
			teach_usage(stderr);
			return EXIT_USAGE;
		}
	}
	want = teach_color_wanted(color, STDOUT_FILENO);
	if (want < 0) {
		fprintf(stderr, "zwsim teach: --color=%s: accepted values are auto, always, never\n", color);
		return EXIT_USAGE;
	}
	o.term.color = want;
	if (o.autorun && o.quiz) {
		fprintf(stderr, "zwsim teach: --quiz asks before each outcome: it needs key presses, not --auto\n");
		return EXIT_USAGE;
	}
	if (optind < argc - 1) {
		fprintf(stderr, "zwsim teach: one LESSON at a time (see zwsim teach --help)\n");
		return EXIT_USAGE;
	}
	dir = lesson_dir(dir_opt, dirbuf, sizeof(dirbuf));
	if (optind == argc)
		return list_lessons(dir);
	ret = find_lesson(dir, argv[optind], path, sizeof(path));
	if (ret)
		return ret;
	ret = load(path, strchr(argv[optind], '/') || strstr(argv[optind], ".lesson") ? argv[optind] : path, &l);
	if (ret)
		return ret;
	ret = teach_run(&l, &o);
	lesson_free(&l);
	fflush(stdout);
	return ret;
}
