// SPDX-License-Identifier: MIT
/* zwsim zone: information, reports, single operations and scripts. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "cmds.h"
#include "pattern.h"
#include "stack.h"
#include "progress.h"
#include "zone_script.h"

static void zone_usage(FILE *f)
{
	fprintf(f,
		"usage: zwsim zone SUBCOMMAND --dev SPEC [OPTIONS] [ARGS]\n"
		"\n"
		"Subcommands:\n"
		"  info                      geometry, limits and personality of the device\n"
		"  report [ZONE [COUNT]]     zone report (a table like blkzone's; --json)\n"
		"  open ZONE | close ZONE | finish ZONE | reset ZONE | reset all\n"
		"  write ZONE OFFSET BLOCKS  write BLOCKS logical blocks at block OFFSET of ZONE\n"
		"  append ZONE BLOCKS        zone append; prints at= the block where data landed\n"
		"  read ZONE OFFSET BLOCKS   read (--verify checks the data)\n"
		"  run SCRIPT                run a zone script (- for standard input)\n"
		"  gen [--seed N] [--ops N]  print a random zone script for the device (seeded,\n"
		"                            300 operations by default): offsets at and near the\n"
		"                            write pointer, capacity and zone end, writes across\n"
		"                            them and longer than max_sectors, writes right after\n"
		"                            failed ones, every management operation, appends\n"
		"  twin                      print the emu: spec of a device just like this one\n"
		"  fill ZONE...|all          write sequential zones from the write pointer to\n"
		"                            their capacity, in parallel: one write (1 MiB at\n"
		"                            most) in flight per zone, as the kernel's zone\n"
		"                            write plug has it, up to the device's queue depth\n"
		"                            of zones at once (zbd:DEV,qd=N: io_uring, N in\n"
		"                            flight; other devices: one at a time), and no more\n"
		"                            than its max_open and max_active.  The data\n"
		"                            is what 'write' puts there, so 'read --verify'\n"
		"                            checks it.  One line per zone, as named;\n"
		"                            on a terminal, its progress on stderr\n"
		"\n"
		"Each operation prints one line:\n"
		"  OPERATION => STATUS ERRNO cond=C wp=W [at=A]\n"
		"STATUS is OK or the kernel's BLK_STS_* name, ERRNO what a program sees\n"
		"(0, -EIO, -ETOOMANYREFS, -EOVERFLOW, ...), C the zone's condition after\n"
		"(blkzone's nw em oi oe cl fu ro ol), W its write pointer in blocks from the\n"
		"zone start ('-' when it has none).  Zones, offsets and counts are logical\n"
		"blocks of the device's lba size.\n"
		"\n"
		"Script lines: open Z, close Z, finish Z, reset Z, reset all, write Z OFF N,\n"
		"append Z N, read Z OFF N, report [Z], flush, inject FAULT; '#' comments.\n"
		"The whole script is checked before anything runs.  An emu: device lives\n"
		"only as long as one command, so use 'run' (or a file: device) for\n"
		"sequences.  I/O goes through the block layer model, as a program's\n"
		"direct I/O does on Linux: writes are split at the device's max_sectors\n"
		"and plugged per zone (one in flight; misplaced writes refused before the\n"
		"device sees them; after a failed write, -EIO until a zone report).\n"
		"\n"
		"Options:\n"
		"  --dev SPEC     the device (required; see below)\n"
		"  --json         machine-readable output\n"
		"  --explain      add the reason, and the device's own error code, to failures\n"
		"  --verify       reads check that every block is unwritten (zeros, or the\n"
		"                 0xFF null_blk returns above the wp) or whole data written\n"
		"                 there by a zone script (exit 1 if not)\n"
		"  --no-report    no zone report between operations: lines end after the\n"
		"                 status (cond/wp only for 'report'), and a plug that\n"
		"                 awaits a write pointer update after a failed or refused\n"
		"                 write stays so (its zone's writes fail with -EIO) until\n"
		"                 a 'report' of that zone, a reset or a finish.  Without\n"
		"                 it, every operation is followed by one report of every\n"
		"                 zone, on every device, which resyncs every such plug\n"
		"  --kernel 7.2|6.17   whose block-layer rules the model follows where they\n"
		"                 differ (default 7.2; docs/zone-model.md)\n"
		"  --zbd-append   an append through the block layer model is what zbd: makes\n"
		"                 of it on Linux, where programs have no zone append: a\n"
		"                 report of the zone, then a write at its write pointer\n"
		"                 (the start of a full zone); for the twin of a zbd: device\n"
		"  --raw          the device alone, without the block layer model: one\n"
		"                 command per operation, as NVMe passthrough (larger than\n"
		"                 max_sectors: -EINVAL)\n"
		"  --force        allow writes to a real device (zbd:): never when it is\n"
		"                 mounted or holds a file system signature\n"
		"  --log FILE     write the event log (JSON Lines: bio_submit, bio_split,\n"
		"                 bio_end, zone plug events; - for standard output)\n"
		"  --order fifo|latency|shuffle   the order in which in-flight I/O completes\n"
		"  --seed N       seed for --order shuffle (same seed, same run)\n"
		"  --race CHOICES how each race point completes against the submitter (a\n"
		"                 write through a zone write plug that fails, with --order\n"
		"                 fifo): one digit a point, in order, '0' past the end:\n"
		"                 0 before anything else is submitted (null_blk, the\n"
		"                 default); 1 the program sees it, but the block layer\n"
		"                 finishes the request (unplugs, removes the plug) after the\n"
		"                 next bio is submitted; 2 after the submitter's next bios\n"
		"                 (the rest of a split write: queued, then aborted); 3 as 1,\n"
		"                 but after the submitter's next write, all its parts.  Each\n"
		"                 point met is said on stderr: 'zwsim: race N line L (OP)'.\n"
		"                 On QEMU's NVMe and tcmu-runner's ZBC the kernel can take\n"
		"                 any of them (docs/fidelity.md, \"Zone scripts\");\n"
		"                 tests/vm/conf-races.py searches them for a real output\n"
		"\n"
		"Exit status: 0 done, 1 an operation failed (single operations) or data did\n"
		"not verify, 2 bad usage, spec or script.\n"
		"\n%s"
		"\nExamples:\n"
		"  zwsim zone report --dev emu:zones=8,zone_size=64M,conv=1\n"
		"  zwsim zone run --dev emu:model=zns,zones=4,zone_size=1M,zone_cap=768k,max_open=2 my.zs\n"
		"  zwsim zone write --dev file:/var/tmp/zdev,zones=8 3 0 16\n"
		"  zwsim zone run --force --dev zbd:/dev/nullb0 my.zs   # a real zoned device\n"
		"  zwsim zone fill --force --dev zbd:/dev/nullb0,qd=8 all   # 8 zones at once\n",
		zw_dev_spec_help);
}

struct zone_args {
	const char *spec;
	struct zs_opts o;
	bool help;
	bool raw;
	bool force;
	const char *log;
	enum sim_completion_policy order;
	uint64_t seed;
	unsigned int ops;
	enum blk_kernel_rules kernel;
	const char *race;
};

static int parse_args(int *argc, char ***argv, struct zone_args *a)
{
	static const struct option longopts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "explain", no_argument, NULL, 'e' },
		{ "verify", no_argument, NULL, 'V' },
		{ "no-report", no_argument, NULL, 'R' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "zbd-append", no_argument, NULL, 'A' },
		{ "raw", no_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'f' },
		{ "log", required_argument, NULL, 'l' },
		{ "order", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'n' },
		{ "race", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(*argc, *argv, "d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': a->spec = optarg; break;
		case 'j': a->o.json = true; break;
		case 'e': a->o.explain = true; break;
		case 'V': a->o.verify = true; break;
		case 'R': a->o.no_report = true; break;
		case 'A': a->o.zbd_append = true; break;
		case 'k':
			if (blk_kernel_rules_parse(optarg, &a->kernel)) {
				fprintf(stderr, "zwsim zone: --kernel %s: the block layer model has the rules of 7.2 (the default) and 6.17\n", optarg);
				return -1;
			}
			break;
		case 'c':
			if (strspn(optarg, "0123") != strlen(optarg)) {
				fprintf(stderr, "zwsim zone: --race %s: one digit a race point, 0, 1, 2 or 3 (see --help)\n",
					optarg);
				return -1;
			}
			a->race = optarg;
			break;
		case 'r': a->raw = true; break;
		case 'f': a->force = true; break;
		case 'l': a->log = optarg; break;
		case 'o':
			if (sim_policy_parse(optarg, &a->order)) {
				fprintf(stderr, "zwsim zone: --order %s: accepted values are fifo, latency, shuffle\n", optarg);
				return -1;
			}
			break;
		case 'n': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (!*optarg || *end || !v || v > 1000000) {
				fprintf(stderr, "zwsim zone: --ops %s: a number from 1 to 1000000\n", optarg);
				return -1;
			}
			a->ops = (unsigned int)v;
			break;
		}
		case 's': {
			char *end;

			a->seed = strtoull(optarg, &end, 0);
			if (!*optarg || *end) {
				fprintf(stderr, "zwsim zone: --seed %s: not a number\n", optarg);
				return -1;
			}
			break;
		}
		case 'h': a->help = true; break;
		default: return -1;
		}
	}
	*argc -= optind;
	*argv += optind;
	return 0;
}

static int print_info(struct zw_dev *dev, bool json)
{
	const struct zone_geometry *g = &dev->geo;
	struct blk_zone last;
	const char *data = dev->data_mode == ZW_DATA_TAGS ? "tags" : "bytes";

	zw_dev_report_zones(dev, dev->nr_zones - 1, 1, &last);
	if (json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "spec", json_object_new_string(dev->spec ? dev->spec : ""));
		json_object_object_add(j, "kind", json_object_new_string(dev->ops->kind));
		json_object_object_add(j, "model", json_object_new_string(zone_personality_name(g->model)));
		json_object_object_add(j, "data", json_object_new_string(data));
		json_object_object_add(j, "capacity_sectors", json_object_new_uint64(g->capacity));
		json_object_object_add(j, "lba_size", json_object_new_int((int)g->lba_size));
		json_object_object_add(j, "nr_zones", json_object_new_int((int)dev->nr_zones));
		json_object_object_add(j, "nr_conv", json_object_new_int((int)g->nr_conv));
		json_object_object_add(j, "zone_size_sectors", json_object_new_uint64(g->zone_size));
		json_object_object_add(j, "zone_capacity_sectors", json_object_new_uint64(g->zone_capacity));
		json_object_object_add(j, "last_zone_sectors", json_object_new_uint64(last.len));
		json_object_object_add(j, "seq_type", json_object_new_string(zone_type_name(
			g->seq_pref ? BLK_ZONE_TYPE_SEQWRITE_PREF : BLK_ZONE_TYPE_SEQWRITE_REQ)));
		json_object_object_add(j, "max_open", json_object_new_int((int)g->max_open));
		json_object_object_add(j, "max_active", json_object_new_int((int)g->max_active));
		json_object_object_add(j, "max_append_sectors", json_object_new_uint64(g->max_append_sectors));
		printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY));
		json_object_put(j);
		return EXIT_OK;
	}
	printf("device:       %s\n", dev->spec ? dev->spec : "");
	printf("backend:      %s (data kept as %s)\n", dev->ops->kind, data);
	printf("personality:  %s\n", zone_personality_name(g->model));
	printf("capacity:     %" PRIu64 " sectors (%" PRIu64 " MiB)\n", g->capacity, g->capacity >> 11);
	printf("lba size:     %u bytes\n", g->lba_size);
	printf("zones:        %u (%u conventional, %u %s)\n", dev->nr_zones, g->nr_conv,
	       dev->nr_zones - g->nr_conv,
	       zone_type_name(g->seq_pref ? BLK_ZONE_TYPE_SEQWRITE_PREF : BLK_ZONE_TYPE_SEQWRITE_REQ));
	printf("zone size:    %" PRIu64 " sectors, capacity %" PRIu64 " sectors\n", g->zone_size,
	       g->zone_capacity);
	if (last.len != g->zone_size)
		printf("last zone:    %llu sectors (short)\n", last.len);
	printf("max open:     %u%s\n", g->max_open, g->max_open ? "" : " (no limit)");
	printf("max active:   %u%s\n", g->max_active, g->max_active ? "" : " (no limit)");
	printf("max append:   %u sectors%s\n", g->max_append_sectors,
	       g->max_append_sectors ? "" : " (no native zone append)");
	return EXIT_OK;
}

static int print_report(struct zw_dev *dev, int argc, char **argv, bool json)
{
	unsigned long first = 0, count = dev->nr_zones;
	struct blk_zone *zones;
	json_object *arr = NULL;
	char *end;
	int n;

	if (argc > 2) {
		fprintf(stderr, "zwsim zone report: takes [ZONE [COUNT]]\n");
		return EXIT_USAGE;
	}
	if (argc >= 1) {
		first = strtoul(argv[0], &end, 10);
		if (*end || !*argv[0] || first >= dev->nr_zones) {
			fprintf(stderr, "zwsim zone report: zone '%s' does not exist (the device has zones 0 to %u)\n",
				argv[0], dev->nr_zones - 1);
			return EXIT_USAGE;
		}
		count = 1;
	}
	if (argc == 2) {
		count = strtoul(argv[1], &end, 10);
		if (*end || !*argv[1]) {
			fprintf(stderr, "zwsim zone report: COUNT '%s' is not a number\n", argv[1]);
			return EXIT_USAGE;
		}
	}
	if (count > dev->nr_zones - first)
		count = dev->nr_zones - first;
	zones = calloc(count ? count : 1, sizeof(*zones));
	if (!zones) {
		fprintf(stderr, "zwsim zone report: out of memory\n");
		return EXIT_OPFAIL;
	}
	n = zw_dev_report_zones(dev, (unsigned int)first, (unsigned int)count, zones);
	if (json)
		arr = json_object_new_array_ext(n > 0 ? n : 0);
	for (int i = 0; i < n; i++) {
		const struct blk_zone *z = &zones[i];
		bool has_wp = zone_is_seq(z) && z->wp != ZONE_WP_INVALID;

		if (json) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "zone", json_object_new_int((int)(first + (unsigned long)i)));
			json_object_object_add(o, "start", json_object_new_uint64(z->start));
			json_object_object_add(o, "len", json_object_new_uint64(z->len));
			json_object_object_add(o, "cap", json_object_new_uint64(z->capacity));
			json_object_object_add(o, "wp", has_wp ? json_object_new_uint64(z->wp - z->start) : NULL);
			json_object_object_add(o, "type", json_object_new_string(zone_type_name(z->type)));
			json_object_object_add(o, "cond", json_object_new_string(zone_cond_abbrev(z->cond)));
			json_object_array_add(arr, o);
			continue;
		}
		printf("  start: 0x%09llx, len 0x%06llx, cap 0x%06llx, wptr ",
		       z->start, z->len, z->capacity);
		if (has_wp)
			printf("0x%06llx", z->wp - z->start);
		else
			printf("%8s", "-");
		printf(" reset:0 non-seq:0, zcond:%2u(%s) [type: %u(%s)]\n", z->cond,
		       zone_cond_abbrev(z->cond), z->type, zone_type_name(z->type));
	}
	if (json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "unit", json_object_new_string("sector"));
		json_object_object_add(j, "zones", arr);
		printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
		json_object_put(j);
	}
	free(zones);
	return EXIT_OK;
}

/* ",ro=Z:Z..." for the zones of @dev in condition @cond, or nothing. */
static void print_twin_zones(struct zw_dev *dev, const char *key, uint8_t cond)
{
	const char *sep = ",";

	for (unsigned int i = 0; i < dev->nr_zones; i++) {
		struct blk_zone z;

		if (zw_dev_report_zones(dev, i, 1, &z) == 1 && z.cond == cond) {
			printf("%s%s%u", sep, *sep == ',' ? key : "", i);
			sep = ":";
		}
	}
}

/*
 * An emu: spec for a device with the same geometry, limits and
 * personality, and its read-only and offline zones (null_blk's
 * zone_readonly and zone_offline).
 */
static int print_twin(struct zw_dev *dev)
{
	const struct zone_geometry *g = &dev->geo;

	printf("emu:model=%s,size=%llu,zone_size=%llu,zone_cap=%llu,conv=%u,max_open=%u,max_active=%u,"
	       "max_append=%llu,max_sectors=%u,lba=%u%s",
	       zone_personality_name(g->model), (unsigned long long)g->capacity << SECTOR_SHIFT,
	       (unsigned long long)g->zone_size << SECTOR_SHIFT,
	       (unsigned long long)g->zone_capacity << SECTOR_SHIFT, g->nr_conv, g->max_open,
	       g->max_active, (unsigned long long)g->max_append_sectors << SECTOR_SHIFT,
	       g->max_hw_sectors, g->lba_size, g->seq_pref ? ",seq=pref" : "");
	print_twin_zones(dev, "ro=", BLK_ZONE_COND_READONLY);
	print_twin_zones(dev, "offline=", BLK_ZONE_COND_OFFLINE);
	putchar('\n');
	return EXIT_OK;
}

static int run_script(struct zw_dev *dev, struct block_device *bdev, int argc, char **argv,
		      const struct zs_opts *o)
{
	struct zs_script s;
	char err[512];
	FILE *f;
	int ret;

	if (argc != 1) {
		fprintf(stderr, "zwsim zone run: takes one SCRIPT file (- for standard input)\n");
		return EXIT_USAGE;
	}
	f = zw_script_open("zone run", argv[0]);
	if (!f)
		return EXIT_USAGE;
	ret = zs_parse(f, argv[0], dev, &s, err, sizeof(err));
	zw_script_close(f);
	if (ret) {
		fprintf(stderr, "zwsim zone run: %s\n", err);
		return EXIT_USAGE;
	}
	ret = zs_run(dev, bdev, &s, o, stdout);
	zs_free(&s);
	if (ret == -2)
		return EXIT_USAGE;
	return ret == -1 ? EXIT_OPFAIL : EXIT_OK;
}

static int run_one(struct zw_dev *dev, struct block_device *bdev, int argc, char **argv,
		   const struct zs_opts *o)
{
	struct zs_opts one = *o;
	struct zs_script s;
	char err[512];
	int ret;

	one.explain = true;	/* a person typed it: say why it failed */
	if (zs_parse_words(argc, argv, dev, &s, err, sizeof(err))) {
		/* "command line:1: why" -> "why" */
		const char *why = strstr(err, ": ");

		fprintf(stderr, "zwsim zone %s: %s\n", argv[0], why ? why + 2 : err);
		return EXIT_USAGE;
	}
	ret = zs_run(dev, bdev, &s, &one, stdout);
	zs_free(&s);
	return ret == 0 ? EXIT_OK : ret == -2 ? EXIT_USAGE : EXIT_OPFAIL;
}

/*
 * zone fill: sequential zones written from their write pointer to their
 * capacity, one write in flight per zone (the kernel's zone write plug),
 * up to the device's queue depth of zones at once.  Completions come
 * through the event loop: an asynchronous device's (zbd:,qd=N) through its
 * ext_poll hook, each as an event at the current virtual time.
 */
struct fill_zone {
	struct fill *f;
	unsigned int zno;
	sector_t next, end;	/* the next write's sector; the zone's capacity end */
	struct zw_io io;
	bool failed;
};

struct fill {
	struct zw_dev *dev;
	struct sim_loop *loop;
	struct fill_zone *zones;
	unsigned int nr, started;
	unsigned int chunk;	/* sectors a write */
	int err;		/* -errno: submitting failed */
	uint64_t done;		/* sectors written */
	struct progress prog;	/* in MiB */
};

static void fill_event(void *arg);

static void fill_done(struct zw_io *io, void *arg)
{
	struct fill_zone *fz = arg;

	(void)io;
	if (sim_schedule(fz->f->loop, 0, fill_event, fz))
		fz->f->err = -ENOMEM;
}

/* The zone's next write, or the next zone's first when it is done. */
static void fill_next(struct fill_zone *fz)
{
	struct fill *f = fz->f;

	while (fz) {
		unsigned int nr;
		int ret;

		if (fz->failed || fz->next >= fz->end || f->err) {
			fz = f->started < f->nr ? &f->zones[f->started++] : NULL;
			continue;
		}
		nr = fz->end - fz->next < f->chunk ? (unsigned int)(fz->end - fz->next) : f->chunk;
		memset(&fz->io, 0, sizeof(fz->io));
		fz->io.op = REQ_OP_WRITE;
		fz->io.sector = fz->next;
		fz->io.nr_sectors = nr;
		fz->io.tag = zw_tag_write(fz->next / (f->dev->geo.lba_size >> SECTOR_SHIFT));
		ret = zw_dev_submit_async(f->dev, &fz->io, fill_done, fz);
		if (ret) {
			f->err = ret;
			return;
		}
		return;
	}
}

static void fill_event(void *arg)
{
	struct fill_zone *fz = arg;

	if (fz->io.res.status) {
		fz->failed = true;
	} else {
		fz->next += fz->io.nr_sectors;
		fz->f->done += fz->io.nr_sectors;
		progress_update(&fz->f->prog, fz->f->done >> 11);
	}
	fill_next(fz);
}

static int zone_fill(struct zw_dev *dev, struct sim_loop *loop, int argc, char **argv,
		     const struct zs_opts *o)
{
	const struct zone_geometry *g = &dev->geo;
	unsigned int lba_sectors = g->lba_size >> SECTOR_SHIFT;
	unsigned int qd = dev->qd > 1 ? dev->qd : 1;
	struct fill f = { .dev = dev, .loop = loop };
	struct blk_zone *zones;
	int ret = EXIT_OK;

	if (!argc) {
		fprintf(stderr, "zwsim zone fill: takes ZONE... or all\n");
		return EXIT_USAGE;
	}
	zones = calloc(dev->nr_zones, sizeof(*zones));
	f.zones = calloc(dev->nr_zones, sizeof(*f.zones));
	if (!zones || !f.zones) {
		fprintf(stderr, "zwsim zone fill: out of memory\n");
		ret = EXIT_OPFAIL;
		goto out;
	}
	if (zw_dev_report_zones(dev, 0, dev->nr_zones, zones) != (int)dev->nr_zones) {
		fprintf(stderr, "zwsim zone fill: zone report failed\n");
		ret = EXIT_OPFAIL;
		goto out;
	}
	for (int i = 0; i < argc; i++) {
		bool all = !strcmp(argv[i], "all");
		char *end;
		unsigned long zno = strtoul(argv[i], &end, 10);

		if (all && argc > 1) {
			fprintf(stderr, "zwsim zone fill: 'all' stands alone\n");
			ret = EXIT_USAGE;
			goto out;
		}
		if (!all && (!*argv[i] || *end || zno >= dev->nr_zones)) {
			fprintf(stderr, "zwsim zone fill: zone '%s' does not exist (the device has zones 0 to %u)\n",
				argv[i], dev->nr_zones - 1);
			ret = EXIT_USAGE;
			goto out;
		}
		for (unsigned int z = all ? 0 : (unsigned int)zno; z < (all ? dev->nr_zones : zno + 1); z++) {
			struct fill_zone *fz;

			if (!zone_is_seq(&zones[z])) {
				if (all)
					continue;
				fprintf(stderr, "zwsim zone fill: zone %u is conventional: fill writes sequential zones\n", z);
				ret = EXIT_USAGE;
				goto out;
			}
			for (unsigned int k = 0; k < f.nr; k++)
				if (f.zones[k].zno == z) {
					fprintf(stderr, "zwsim zone fill: zone %u named twice\n", z);
					ret = EXIT_USAGE;
					goto out;
				}
			fz = &f.zones[f.nr++];
			fz->f = &f;
			fz->zno = z;
			fz->end = zones[z].start + zones[z].capacity;
			fz->next = zones[z].cond == BLK_ZONE_COND_FULL || zones[z].wp == ZONE_WP_INVALID
				   ? fz->end : zones[z].wp;
			/* a read-only or offline zone: one write, which the device refuses */
			if (zones[z].cond == BLK_ZONE_COND_READONLY || zones[z].cond == BLK_ZONE_COND_OFFLINE)
				fz->next = zones[z].start;
		}
	}
	/* 1 MiB a write; no more than the device takes in one command when no block layer splits it */
	f.chunk = 2048;
	if (!dev->real && g->max_hw_sectors && g->max_hw_sectors < f.chunk)
		f.chunk = g->max_hw_sectors;
	f.chunk -= f.chunk % lba_sectors;
	if (!f.chunk)
		f.chunk = lba_sectors;
	/* no more zones at once than the device may have open and active */
	if (g->max_open && g->max_open < qd)
		qd = g->max_open;
	if (g->max_active && g->max_active < qd)
		qd = g->max_active;
	loop->ext_poll = zw_dev_loop_poll;
	loop->ext_arg = dev;
	{
		uint64_t total = 0;

		for (unsigned int k = 0; k < f.nr; k++)
			total += f.zones[k].end - f.zones[k].next;
		progress_init(&f.prog, "zwsim zone fill", "MiB", total >> 11, false);
	}
	while (f.started < f.nr && f.started < qd && !f.err)
		fill_next(&f.zones[f.started++]);
	sim_run(loop);
	progress_done(&f.prog);
	loop->ext_poll = NULL;
	loop->ext_arg = NULL;
	if (f.err) {
		fprintf(stderr, "zwsim zone fill: submitting a write failed: %s\n", strerror(-f.err));
		zw_dev_reap(dev, false);
		ret = EXIT_OPFAIL;
		goto out;
	}
	for (unsigned int k = 0; k < f.nr; k++) {
		struct fill_zone *fz = &f.zones[k];
		blk_status_t st = fz->failed ? fz->io.res.status : BLK_STS_OK;
		struct blk_zone z;
		char wp[32] = "-";
		const char *cond = "-";

		if (zw_dev_report_zones(dev, fz->zno, 1, &z) == 1) {
			cond = zone_cond_abbrev(z.cond);
			if (zone_is_seq(&z) && z.wp != ZONE_WP_INVALID)
				snprintf(wp, sizeof(wp), "%" PRIu64, (uint64_t)(z.wp - z.start) / lba_sectors);
		}
		printf("fill %u => %s %s cond=%s wp=%s", fz->zno, blk_status_name(st),
		       errno_name(blk_status_to_errno(st)), cond, wp);
		if (fz->failed)
			printf(" at=%" PRIu64, (uint64_t)(fz->next - zones[fz->zno].start) / lba_sectors);
		if (fz->failed && o->explain)
			printf("  # %s", fz->io.res.reason);
		putchar('\n');
		if (fz->failed)
			ret = EXIT_OPFAIL;
	}
out:
	free(zones);
	free(f.zones);
	return ret;
}

int cmd_zone(int argc, char **argv)
{
	struct zone_args a = { 0 };
	struct block_device *bdevp;
	struct zw_stack st;
	struct zw_dev *dev;
	char cmd[32];
	const char *sub;
	int ret;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		zone_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	sub = argv[1];
	argc--;
	argv++;
	/* getopt permutes, so options may come before or after the arguments. */
	{
		int pargc = argc;
		char **pargv = argv;

		if (parse_args(&pargc, &pargv, &a))
			return EXIT_USAGE;
		argc = pargc;
		argv = pargv;
	}
	if (a.help) {
		zone_usage(stdout);
		return EXIT_OK;
	}
	if (!a.spec) {
		fprintf(stderr, "zwsim zone %s: --dev SPEC is required (e.g. --dev emu:zones=16); see zwsim zone --help\n",
			sub);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "info") && strcmp(sub, "report") && strcmp(sub, "run") &&
	    strcmp(sub, "open") && strcmp(sub, "close") && strcmp(sub, "finish") &&
	    strcmp(sub, "reset") && strcmp(sub, "write") && strcmp(sub, "append") &&
	    strcmp(sub, "read") && strcmp(sub, "gen") && strcmp(sub, "twin") && strcmp(sub, "fill")) {
		fprintf(stderr, "zwsim zone: unknown subcommand '%s' (see zwsim zone --help)\n", sub);
		return EXIT_USAGE;
	}
	snprintf(cmd, sizeof(cmd), "zone %s", sub);
	ret = zw_stack_open(&st, &(struct zw_stack_opts){
		.cmd = cmd, .spec = a.spec, .dev_flags = a.force ? ZW_DEV_FORCE : 0, .log = a.log,
		.order = a.order, .seed = a.seed, .raw = a.raw, .kernel = a.kernel,
		.complete_inline = a.order == SIM_COMPLETE_FIFO,
	});
	if (ret)
		return ret;
	dev = st.dev;
	bdevp = st.bdevp;
	if (a.race && bdevp && bdevp->complete_inline)
		bdevp->race = a.race;
	if (!strcmp(sub, "info")) {
		ret = argc ? (fprintf(stderr, "zwsim zone info: takes no arguments\n"), EXIT_USAGE)
			   : print_info(dev, a.o.json);
	} else if (!strcmp(sub, "report")) {
		ret = print_report(dev, argc, argv, a.o.json);
	} else if (!strcmp(sub, "run")) {
		ret = run_script(dev, bdevp, argc, argv, &a.o);
	} else if (!strcmp(sub, "gen")) {
		ret = argc ? (fprintf(stderr, "zwsim zone gen: takes no arguments (--seed N, --ops N)\n"), EXIT_USAGE)
			   : (zs_gen(dev, bdevp, a.seed, a.ops ? a.ops : 300) ? EXIT_OPFAIL : EXIT_OK);
	} else if (!strcmp(sub, "fill")) {
		ret = zone_fill(dev, &st.loop, argc, argv, &a.o);
	} else if (!strcmp(sub, "twin")) {
		ret = argc ? (fprintf(stderr, "zwsim zone twin: takes no arguments\n"), EXIT_USAGE)
			   : print_twin(dev);
	} else {
		/* A single operation: the words after the subcommand, as in a script. */
		char *words[8];

		if (argc > 6) {
			fprintf(stderr, "zwsim zone %s: too many arguments\n", sub);
			ret = EXIT_USAGE;
		} else {
			words[0] = (char *)sub;
			for (int i = 0; i < argc; i++)
				words[i + 1] = argv[i];
			ret = run_one(dev, bdevp, argc + 1, words, &a.o);
		}
	}
	zw_stack_close(&st);
	return ret;
}
