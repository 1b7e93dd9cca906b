// SPDX-License-Identifier: MIT
/*
 * zwsim nullblk: make and remove zoned null_blk devices through configfs
 * (drivers/block/null_blk/main.c), from the same geometry keys as an emu:
 * spec, so a real device and its emulated twin come from one description.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "dev.h"

#define NULLB_CONFIGFS "/sys/kernel/config/nullb"

static void nullblk_usage(FILE *f)
{
	fprintf(f,
		"usage: zwsim nullblk create [--name NAME] KEYS\n"
		"       zwsim nullblk remove NAME\n"
		"       zwsim nullblk fault NAME ro|offline ZONE\n"
		"       zwsim nullblk list\n"
		"\n"
		"Make zoned null_blk devices through configfs (" NULLB_CONFIGFS "), as root,\n"
		"on a machine whose kernel has null_blk.  KEYS are an emu: spec's geometry\n"
		"keys, so the same words describe the real device and its emulated twin:\n"
		"\n"
		"  zwsim nullblk create --name z0 zones=8,zone_size=64M,zone_cap=48M,conv=1,max_open=4,max_active=6\n"
		"  zwsim zone run --force --dev zbd:/dev/nullb0 test.zs\n"
		"  zwsim zone run --dev emu:zones=8,zone_size=64M,zone_cap=48M,conv=1,max_open=4,max_active=6 test.zs\n"
		"\n"
		"Keys: zones or size, zone_size, zone_cap, conv, max_open, max_active,\n"
		"max_append (0: the block layer emulates zone append), max_sectors, lba.\n"
		"null_blk takes sizes in whole MiB.  The device is memory backed, so data\n"
		"reads back.  'fault' makes a zone read-only or offline (zone_readonly /\n"
		"zone_offline); the same again restores it, empty.  'create' prints the\n"
		"device path.\n");
}

static int write_attr(const char *dir, const char *attr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int write_attr(const char *dir, const char *attr, const char *fmt, ...)
{
	char path[PATH_MAX + 64];
	va_list ap;
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "zwsim nullblk: %s: %s\n", path, strerror(errno));
		return -1;
	}
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	if (fclose(f)) {
		fprintf(stderr, "zwsim nullblk: writing %s: %s (does this kernel's null_blk have it?)\n",
			path, strerror(errno));
		ret = -1;
	}
	return ret;
}

static int configfs_ready(void)
{
	struct stat st;

	if (!stat(NULLB_CONFIGFS, &st))
		return 0;
	if (system("modprobe null_blk nr_devices=0 >/dev/null 2>&1") == 0 && !stat(NULLB_CONFIGFS, &st))
		return 0;
	fprintf(stderr, "zwsim nullblk: %s is missing: load null_blk ('modprobe null_blk nr_devices=0', as root) with configfs mounted\n",
		NULLB_CONFIGFS);
	return -1;
}

static int mib(const char *key, uint64_t sectors, uint64_t *out)
{
	if ((sectors << SECTOR_SHIFT) % (1u << 20)) {
		fprintf(stderr, "zwsim nullblk: %s: null_blk takes whole MiB\n", key);
		return -1;
	}
	*out = (sectors << SECTOR_SHIFT) >> 20;
	return 0;
}

static int nullblk_create(const char *name, const char *keys)
{
	struct zone_geometry g;
	uint64_t size_mb, zone_mb, cap_mb;
	char dir[PATH_MAX], err[512], path[PATH_MAX + 32];
	unsigned int index;
	FILE *f;

	if (zw_spec_geometry(keys, &g, err, sizeof(err))) {
		fprintf(stderr, "zwsim nullblk create: %s\n", err);
		return EXIT_USAGE;
	}
	if (g.model != ZONE_MODEL_NULLBLK || g.seq_pref) {
		fprintf(stderr, "zwsim nullblk create: null_blk devices are model=nullblk, seq=req\n");
		return EXIT_USAGE;
	}
	if (mib("size", g.capacity, &size_mb) || mib("zone_size", g.zone_size, &zone_mb) ||
	    mib("zone_cap", g.zone_capacity, &cap_mb))
		return EXIT_USAGE;
	if (configfs_ready())
		return EXIT_OPFAIL;
	snprintf(dir, sizeof(dir), NULLB_CONFIGFS "/%s", name);
	if (mkdir(dir, 0755)) {
		fprintf(stderr, "zwsim nullblk create: %s: %s\n", dir, strerror(errno));
		return EXIT_OPFAIL;
	}
	if (write_attr(dir, "size", "%" PRIu64, size_mb) ||
	    write_attr(dir, "blocksize", "%u", g.lba_size) ||
	    write_attr(dir, "memory_backed", "1") ||
	    write_attr(dir, "max_sectors", "%u", g.max_hw_sectors) ||
	    write_attr(dir, "zoned", "1") ||
	    write_attr(dir, "zone_size", "%" PRIu64, zone_mb) ||
	    write_attr(dir, "zone_capacity", "%" PRIu64, cap_mb) ||
	    write_attr(dir, "zone_nr_conv", "%u", g.nr_conv) ||
	    write_attr(dir, "zone_max_open", "%u", g.max_open) ||
	    write_attr(dir, "zone_max_active", "%u", g.max_active) ||
	    (g.max_append_sectors != g.zone_capacity &&
	     write_attr(dir, "zone_append_max_sectors", "%u", g.max_append_sectors)) ||
	    write_attr(dir, "power", "1")) {
		rmdir(dir);
		return EXIT_OPFAIL;
	}
	snprintf(path, sizeof(path), "%s/index", dir);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%u", &index) != 1) {
		fprintf(stderr, "zwsim nullblk create: cannot read %s\n", path);
		if (f)
			fclose(f);
		return EXIT_OPFAIL;
	}
	fclose(f);
	printf("/dev/nullb%u\n", index);
	return EXIT_OK;
}

static int nullblk_remove(const char *name)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), NULLB_CONFIGFS "/%s", name);
	if (access(dir, F_OK)) {
		fprintf(stderr, "zwsim nullblk remove: no null_blk device named '%s' (%s)\n", name, dir);
		return EXIT_USAGE;
	}
	if (write_attr(dir, "power", "0"))
		return EXIT_OPFAIL;
	if (rmdir(dir)) {
		fprintf(stderr, "zwsim nullblk remove: %s: %s\n", dir, strerror(errno));
		return EXIT_OPFAIL;
	}
	return EXIT_OK;
}

static int nullblk_fault(const char *name, const char *kind, const char *zone)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], *end;
	unsigned long zno = strtoul(zone, &end, 10);
	uint64_t zone_mb;
	FILE *f;

	if (strcmp(kind, "ro") && strcmp(kind, "offline")) {
		fprintf(stderr, "zwsim nullblk fault: '%s': expected ro or offline\n", kind);
		return EXIT_USAGE;
	}
	if (!*zone || *end) {
		fprintf(stderr, "zwsim nullblk fault: '%s' is not a zone number\n", zone);
		return EXIT_USAGE;
	}
	snprintf(dir, sizeof(dir), NULLB_CONFIGFS "/%s", name);
	snprintf(path, sizeof(path), "%s/zone_size", dir);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%" SCNu64, &zone_mb) != 1) {
		fprintf(stderr, "zwsim nullblk fault: no null_blk device named '%s'\n", name);
		if (f)
			fclose(f);
		return EXIT_USAGE;
	}
	fclose(f);
	/* zone_readonly / zone_offline take a sector inside the zone */
	return write_attr(dir, !strcmp(kind, "ro") ? "zone_readonly" : "zone_offline", "%" PRIu64,
			  (uint64_t)zno * (zone_mb << 11)) ? EXIT_OPFAIL : EXIT_OK;
}

static int nullblk_list(void)
{
	FILE *p = popen("ls " NULLB_CONFIGFS " 2>/dev/null", "r");
	char name[256];

	if (!p)
		return EXIT_OPFAIL;
	while (fgets(name, sizeof(name), p)) {
		char path[PATH_MAX];
		unsigned int index;
		FILE *f;

		name[strcspn(name, "\n")] = '\0';
		snprintf(path, sizeof(path), NULLB_CONFIGFS "/%s/index", name);
		f = fopen(path, "r");
		if (f && fscanf(f, "%u", &index) == 1)
			printf("%s /dev/nullb%u\n", name, index);
		if (f)
			fclose(f);
	}
	pclose(p);
	return EXIT_OK;
}

int cmd_nullblk(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		nullblk_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (!strcmp(argv[1], "create")) {
		const char *name = "zwsim0";

		if (argc == 5 && !strcmp(argv[2], "--name"))
			name = argv[3];
		else if (argc != 3) {
			nullblk_usage(stderr);
			return EXIT_USAGE;
		}
		return nullblk_create(name, argv[argc - 1]);
	}
	if (!strcmp(argv[1], "remove") && argc == 3)
		return nullblk_remove(argv[2]);
	if (!strcmp(argv[1], "fault") && argc == 5)
		return nullblk_fault(argv[2], argv[3], argv[4]);
	if (!strcmp(argv[1], "list") && argc == 2)
		return nullblk_list();
	nullblk_usage(stderr);
	return EXIT_USAGE;
}
