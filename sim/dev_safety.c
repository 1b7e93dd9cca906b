// SPDX-License-Identifier: MIT
/*
 * Before zwsim writes to a real device: it must not be mounted, and must
 * not carry a file system signature (libblkid's safe probe).  Also the
 * real devices' shared look-up of the kernel's queue limits in sysfs.
 */
#include <blkid/blkid.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev_internal.h"

/* Is the device, or a partition of it, mounted? */
static bool dev_is_mounted(const char *path)
{
	char line[4096], real[PATH_MAX];
	const char *base;
	FILE *f = fopen("/proc/self/mounts", "r");
	bool found = false;

	if (!f || !realpath(path, real)) {
		if (f)
			fclose(f);
		return false;
	}
	base = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
	while (!found && fgets(line, sizeof(line), f)) {
		char *src = strtok(line, " ");
		char rsrc[PATH_MAX];

		if (src && src[0] == '/' && realpath(src, rsrc)) {
			const char *b = strrchr(rsrc, '/') ? strrchr(rsrc, '/') + 1 : rsrc;

			found = !strncmp(b, base, strlen(base));
		}
	}
	fclose(f);
	return found;
}

/* A file system signature (libblkid's safe probe): its name, or NULL. */
static char *dev_fs_signature(const char *path)
{
	blkid_probe pr = blkid_new_probe_from_filename(path);
	const char *type = NULL;
	char *ret = NULL;

	if (!pr)
		return NULL;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
	if (blkid_do_safeprobe(pr) == 0 && !blkid_probe_lookup_value(pr, "TYPE", &type, NULL))
		ret = strdup(type);
	blkid_free_probe(pr);
	return ret;
}

int zw_real_dev_safe_to_write(const char *path, char *err, size_t errlen)
{
	char *sig;

	if (dev_is_mounted(path)) {
		snprintf(err, errlen, "%s is mounted: zwsim will not write to it", path);
		return -EBUSY;
	}
	sig = dev_fs_signature(path);
	if (sig) {
		snprintf(err, errlen, "%s carries a %s file system signature: zwsim will not write to it (wipefs it first if it is yours to lose)",
			 path, sig);
		free(sig);
		return -EBUSY;
	}
	return 0;
}

/* The kernel's limits for the device, from sysfs; @dflt when unreadable. */
unsigned long zw_sysfs_queue_value(const char *path, const char *attr, unsigned long dflt)
{
	char real[PATH_MAX], p[PATH_MAX + 64];
	unsigned long v;
	FILE *f;
	int ok;

	if (!realpath(path, real))
		return dflt;
	snprintf(p, sizeof(p), "/sys/block/%s/queue/%s", basename(real), attr);
	f = fopen(p, "r");
	if (!f)
		return dflt;
	ok = fscanf(f, "%lu", &v) == 1;
	fclose(f);
	return ok ? v : dflt;
}
