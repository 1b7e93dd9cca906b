// SPDX-License-Identifier: MIT
/*
 * zwsim writeback: buffered writes to the block device's page cache and
 * their writeback through iomap (blkdev's writeback_range and the generic
 * ioend_writeback_submit), the block layer and the device.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blk.h"
#include "blkdev.h"
#include "cmds.h"
#include "dev.h"
#include "dirty_policy.h"
#include "pattern.h"
#include "stack.h"

static void writeback_usage(FILE *f)
{
	fprintf(f,
		"usage: zwsim writeback --dev SPEC [OPTIONS] SCRIPT\n"
		"\n"
		"Buffered I/O on the block device itself, as block/fops.c does it with\n"
		"iomap: writes dirty the page cache (large folios for large aligned\n"
		"writes), and writeback builds ioends and bios that go through the block\n"
		"layer (zone write plugs included) to the device.  Writing a zoned device\n"
		"out of order fails there, and fsync reports the error.\n"
		"\n"
		"Script lines ('#' comments; offsets and lengths in bytes):\n"
		"  write OFF LEN     buffered write: prints the bytes written or -ERRNO\n"
		"  read OFF LEN      buffered read: prints the bytes read\n"
		"  writeback [PAGES] background writeback (WB_SYNC_NONE, cyclic), PAGES at most (1024)\n"
		"  sync              write back everything and wait (WB_SYNC_ALL): 0 or -ERRNO\n"
		"  fsync             what fsync(2) returns: the first error not yet reported\n"
		"  sleep MS          let MS milliseconds of virtual time pass (the periodic\n"
		"                    flusher writes back what has been dirty for long)\n"
		"Each line prints 'OPERATION => RESULT'.\n"
		"\n"
		"Options:\n"
		"  --dev SPEC        the device (see zwsim zone --help)\n"
		"  --log FILE        the event log (docs/event-log.md; - for stdout)\n"
		"  --order fifo|latency|shuffle, --seed N   completion order\n"
		"  --verify          reads check the data against what was written there\n"
		"%s"
		"\n"
		"Examples:\n"
		"  zwsim writeback --dev emu:zones=4,zone_size=1M --log wb.jsonl script.wb\n"
		"  zwsim writeback --dev emu:zoned=0,size=1G --memory 6G --writeback-interval 0 script.wb\n",
		zw_dirty_policy_help);
}

enum wb_kind { WB_WRITE, WB_READ, WB_WRITEBACK, WB_SYNC, WB_FSYNC, WB_SLEEP };

struct wb_op {
	enum wb_kind kind;
	unsigned int line;
	uint64_t off, len;
	char text[128];
};

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

static int parse_script(FILE *f, const char *name, struct wb_op **opsp, size_t *nrp)
{
	char *buf = NULL;
	size_t cap = 0, nr = 0;
	struct wb_op *ops = NULL;
	unsigned int line = 0;

	while (getline(&buf, &cap, f) >= 0) {
		char *w[4];
		int argc = zw_split_words(buf, w, 4);
		struct wb_op op = { .line = ++line };
		struct wb_op *n;

		if (!argc)
			continue;
		if ((!strcmp(w[0], "write") || !strcmp(w[0], "read")) && argc == 3 &&
		    !parse_u64(w[1], &op.off) && !parse_u64(w[2], &op.len) && op.len) {
			op.kind = w[0][0] == 'w' ? WB_WRITE : WB_READ;
			snprintf(op.text, sizeof(op.text), "%s %" PRIu64 " %" PRIu64, w[0], op.off, op.len);
		} else if (!strcmp(w[0], "writeback") && argc <= 2) {
			op.kind = WB_WRITEBACK;
			op.len = 1024;
			if (argc == 2 && (parse_u64(w[1], &op.len) || !op.len))
				goto bad;
			snprintf(op.text, sizeof(op.text), "writeback %" PRIu64, op.len);
		} else if (!strcmp(w[0], "sleep") && argc == 2 && !parse_u64(w[1], &op.len)) {
			op.kind = WB_SLEEP;
			snprintf(op.text, sizeof(op.text), "sleep %" PRIu64, op.len);
		} else if (!strcmp(w[0], "sync") && argc == 1) {
			op.kind = WB_SYNC;
			snprintf(op.text, sizeof(op.text), "sync");
		} else if (!strcmp(w[0], "fsync") && argc == 1) {
			op.kind = WB_FSYNC;
			snprintf(op.text, sizeof(op.text), "fsync");
		} else {
			goto bad;
		}
		n = realloc(ops, (nr + 1) * sizeof(*n));
		if (!n)
			goto bad;
		ops = n;
		ops[nr++] = op;
		continue;
bad:
		fprintf(stderr, "zwsim writeback: %s:%u: expected write OFF LEN, read OFF LEN, writeback [PAGES], sleep MS, sync or fsync\n",
			name, line);
		free(ops);
		free(buf);
		return -1;
	}
	free(buf);
	*opsp = ops;
	*nrp = nr;
	return 0;
}

/* The bytes a script writes at [off, off + len): the device pattern there (tags by block). */
static uint8_t *pattern_bytes(unsigned int bs, uint64_t off, uint64_t len, size_t *skip)
{
	uint64_t first = off / bs, last = (off + len - 1) / bs;
	uint8_t *buf = malloc((size_t)(last - first + 1) * bs);

	if (!buf)
		return NULL;
	for (uint64_t b = first; b <= last; b++)
		zw_pattern_fill(buf + (size_t)(b - first) * bs, bs, zw_tag_write(b));
	*skip = (size_t)(off - first * bs);
	return buf;
}

static int run_op(struct blkdev_file *bf, const struct wb_op *op, bool verify, char *res, size_t rlen)
{
	struct inode *inode = &bf->inode;
	unsigned int bs = bf->bdev->lim.logical_block_size;
	struct writeback_control wbc = { .nr_to_write = INT64_MAX, .range_end = INT64_MAX };
	size_t skip;
	uint8_t *buf;
	ssize_t n;
	int err;

	switch (op->kind) {
	case WB_WRITE:
		buf = pattern_bytes(bs, op->off, op->len, &skip);
		n = buf ? iomap_file_buffered_write(inode, (loff_t)op->off, op->len, buf + skip, 0) : -ENOMEM;
		free(buf);
		snprintf(res, rlen, "%s", n < 0 ? errno_name((int)n) : "");
		if (n >= 0)
			snprintf(res, rlen, "%zd", n);
		return 0;
	case WB_READ: {
		uint8_t *want = pattern_bytes(bs, op->off, op->len, &skip);
		uint8_t *got = malloc(op->len);

		n = got ? iomap_file_buffered_read(inode, (loff_t)op->off, op->len, got) : -ENOMEM;
		if (n < 0)
			snprintf(res, rlen, "%s", errno_name((int)n));
		else
			snprintf(res, rlen, "%zd", n);
		if (verify && n > 0 && want) {
			/*
			 * each byte is the pattern written there, or zero (never
			 * written): byte by byte, since neither reads nor writes
			 * need to be block aligned
			 */
			for (ssize_t i = 0; i < n; i++) {
				if (got[i] && got[i] != want[skip + (size_t)i]) {
					snprintf(res + strlen(res), rlen - strlen(res), " data=bad@%" PRIu64,
						 op->off + (uint64_t)i);
					free(want);
					free(got);
					return -1;
				}
			}
			snprintf(res + strlen(res), rlen - strlen(res), " data=ok");
		}
		free(want);
		free(got);
		return 0;
	}
	case WB_WRITEBACK:
		wbc.sync_mode = WB_SYNC_NONE;
		wbc.range_cyclic = true;
		wbc.nr_to_write = (long)op->len;
		err = do_writepages(&inode->i_data, &wbc);
		sim_run(bf->bdev->loop);
		snprintf(res, rlen, "%s", errno_name(err));
		return 0;
	case WB_SYNC:
		wbc.sync_mode = WB_SYNC_ALL;
		err = do_writepages(&inode->i_data, &wbc);
		sim_run(bf->bdev->loop);
		snprintf(res, rlen, "%s", errno_name(err));
		return 0;
	case WB_FSYNC:
		err = vfs_fsync(&bf->file);
		snprintf(res, rlen, "%s", errno_name(err));
		return 0;
	case WB_SLEEP:
		mm_advance(inode->i_data.mm, op->len * 1000000ull);
		snprintf(res, rlen, "0");
		return 0;
	}
	return 0;
}

int cmd_writeback(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "log", required_argument, NULL, 'l' },
		{ "order", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "verify", no_argument, NULL, 'V' },
		ZW_DIRTY_POLICY_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum sim_completion_policy order = SIM_COMPLETE_FIFO;
	const char *spec = NULL, *logpath = NULL;
	struct blkdev_file bf;
	struct zw_stack st;
	struct mm_ctx mm = { 0 };
	struct wb_op *ops;
	bool verify = false;
	struct zw_dirty_policy policy;
	uint64_t seed = 0;
	size_t nr;
	FILE *f;
	int c, ret = EXIT_OK;

	zw_dirty_policy_init(&policy);
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (zw_dirty_policy_option(&policy, "writeback", c, optarg)) {
		case 1: continue;
		case -1: return EXIT_USAGE;
		}
		switch (c) {
		case 'd': spec = optarg; break;
		case 'l': logpath = optarg; break;
		case 'V': verify = true; break;
		case 'o':
			if (sim_policy_parse(optarg, &order)) {
				fprintf(stderr, "zwsim writeback: --order %s: accepted values are fifo, latency, shuffle\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 's':
			if (parse_u64(optarg, &seed)) {
				fprintf(stderr, "zwsim writeback: --seed %s: not a number\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			writeback_usage(stdout);
			return EXIT_OK;
		default:
			writeback_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!spec || optind != argc - 1) {
		fprintf(stderr, "zwsim writeback: needs --dev SPEC and one SCRIPT (see zwsim writeback --help)\n");
		return EXIT_USAGE;
	}
	f = zw_script_open("writeback", argv[optind]);
	if (!f)
		return EXIT_USAGE;
	ret = parse_script(f, argv[optind], &ops, &nr);
	zw_script_close(f);
	if (ret)
		return EXIT_USAGE;
	ret = zw_stack_open(&st, &(struct zw_stack_opts){
		.cmd = "writeback", .spec = spec, .log = logpath, .order = order, .seed = seed,
		.emulated_only = "the real kernel has its own page cache",
	});
	if (ret) {
		free(ops);
		return ret;
	}
	mm_ctx_init(&mm, &st.loop, policy.memory, st.dev->data_mode == ZW_DATA_TAGS);
	mm.log = zw_stack_log(&st);
	zw_dirty_policy_apply(&policy, &mm);
	blkdev_file_init(&bf, st.bdevp, &mm);
	ret = EXIT_OK;
	for (size_t i = 0; i < nr; i++) {
		char res[96];

		if (run_op(&bf, &ops[i], verify, res, sizeof(res)))
			ret = EXIT_OPFAIL;
		printf("%s => %s\n", ops[i].text, res);
	}
	/* What is still dirty is dropped, as when a simulated machine stops. */
	sim_run(&st.loop);
	blkdev_file_release(&bf);
	zw_stack_close(&st);
	free(ops);
	return ret;
}
