// SPDX-License-Identifier: MIT
#include "stack.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"

void (*zw_stack_loop_hook)(struct sim_loop *loop);

int zw_spec_blk_opts(const char *spec, struct blk_opts *bo, char *out, size_t outlen, char *err,
		     size_t errlen)
{
	const char *p = spec;
	size_t n = 0;

	memset(bo, 0, sizeof(*bo));
	if (strlen(spec) >= outlen) {
		snprintf(err, errlen, "device spec too long");
		return -1;
	}
	/* the kind and path stay: split at ':' then ',' */
	while (*p) {
		size_t len = strcspn(p, n ? "," : ":,");
		bool *flag = NULL;
		const char *val = NULL;

		if (n && !strncmp(p, "zone_wplug=", 11))
			val = p + 11;
		else if (n && !strncmp(p, "ordered_zone_append=", 20))
			val = p + 20, flag = &bo->ordered_zone_append;
		if (val) {
			size_t vlen = len - (size_t)(val - p);
			bool on = vlen == 1 && *val == '1';

			if (vlen != 1 || (*val != '0' && *val != '1')) {
				snprintf(err, errlen, "%.*s: expected 0 or 1", (int)len, p);
				return -1;
			}
			if (flag)
				*flag = on;
			else
				bo->no_zone_wplug = !on;
		} else {
			memcpy(out + n, p, len);
			n += len;
			if (p[len])
				out[n++] = p[len];
		}
		p += len + (p[len] != '\0');
	}
	if (n && out[n - 1] == ',')
		n--;
	out[n] = '\0';
	return 0;
}

int zw_stack_open(struct zw_stack *s, const struct zw_stack_opts *o)
{
	char err[512], spec[1024];
	struct blk_opts bo;

	memset(s, 0, sizeof(*s));
	if (zw_spec_blk_opts(o->spec, &bo, spec, sizeof(spec), err, sizeof(err))) {
		fprintf(stderr, "zwsim %s: bad device spec '%s': %s\n", o->cmd, o->spec, err);
		return EXIT_USAGE;
	}
	if (zw_dev_open(spec, o->dev_flags, &s->dev, err, sizeof(err))) {
		fprintf(stderr, "zwsim %s: bad device spec '%s': %s\n", o->cmd, o->spec, err);
		return EXIT_USAGE;
	}
	if (s->dev->real && o->emulated_only) {
		fprintf(stderr, "zwsim %s: needs an emulated device (%s)\n", o->cmd, o->emulated_only);
		zw_stack_close(s);
		return EXIT_USAGE;
	}
	sim_loop_init(&s->loop, o->order, o->seed);
	if (zw_stack_loop_hook)
		zw_stack_loop_hook(&s->loop);
	if (o->log) {
		s->log.clock = &s->loop.now;
		s->log.f = strcmp(o->log, "-") ? fopen(o->log, "w") : stdout;
		/*
		 * A log file (or pipe) written in large blocks: stdio's default
		 * is the file's st_blksize, 4 KiB for a pipe, a write(2) every
		 * few dozen events.  Not stdout, which the results share.
		 */
		if (s->log.f && s->log.f != stdout)
			setvbuf(s->log.f, NULL, _IOFBF, 1u << 20);
		if (s->log.f && o->log_filter)
			s->log.f = o->log_filter(s->log.f, o->log_filter_arg);
		if (!s->log.f) {
			fprintf(stderr, "zwsim %s: --log %s: %s\n", o->cmd, o->log, strerror(errno));
			zw_stack_close(s);
			return EXIT_USAGE;
		}
	}
	s->dev->log = zw_stack_log(s);
	zw_log_device(zw_stack_log(s), s->dev, &bo);
	/*
	 * A real device has the kernel's block layer in its path already; the
	 * file system models still need the model's, which submits their bios
	 * (and sees their zone appends through) to it.
	 */
	if (o->raw || (s->dev->real && !o->model_on_real))
		return 0;
	if (blkdev_init(&s->bdev, s->dev, &s->loop, zw_stack_log(s), err, sizeof(err))) {
		fprintf(stderr, "zwsim %s: %s\n", o->cmd, err);
		zw_stack_close(s);
		return EXIT_OPFAIL;
	}
	s->bdev.opts = bo;
	s->bdev.kernel = o->kernel;
	s->bdev.complete_inline = o->complete_inline;
	s->bdevp = &s->bdev;
	return 0;
}

void zw_stack_close(struct zw_stack *s)
{
	if (s->bdevp)
		blkdev_free(s->bdevp);
	sim_loop_free(&s->loop);
	if (s->log.f && s->log.f != stdout)
		fclose(s->log.f);
	zw_dev_close(s->dev);
	memset(s, 0, sizeof(*s));
}

FILE *zw_script_open(const char *cmd, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;

	if (!f)
		fprintf(stderr, "zwsim %s: %s: %s\n", cmd, path, strerror(errno));
	return f;
}

void zw_script_close(FILE *f)
{
	if (f && f != stdin)
		fclose(f);
}

int zw_split_words(char *line, char **w, int max)
{
	char *p, *save = NULL;
	int n = 0;

	p = strchr(line, '#');
	if (p)
		*p = '\0';
	for (p = strtok_r(line, " \t\r\n", &save); p; p = strtok_r(NULL, " \t\r\n", &save), n++)
		if (n < max)
			w[n] = p;
	return n;
}
