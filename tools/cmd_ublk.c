// SPDX-License-Identifier: MIT
/*
 * zwsim ublk: an emulated zoned device exposed to the kernel as a real
 * host-managed zoned block device, /dev/ublkbN (tools/ublk/ublk_srv.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cmds.h"
#include "dev.h"
#include "ublk/ublk_srv.h"

static void ublk_usage(FILE *f)
{
	fprintf(f,
		"usage: zwsim ublk --dev SPEC [--qd N] [--control PATH] [--sleep-latency] [--verbose]\n"
		"       zwsim ublk --control PATH COMMAND...   (to a running server)\n"
		"\n"
		"Serve an emulated zoned device (emu: or file:) to the kernel through ublk\n"
		"(Linux 6.6 or later, root, the ublk_drv module): the kernel sees a\n"
		"host-managed zoned block device /dev/ublkbN with the spec's zone size,\n"
		"zone capacity, conventional zones, open/active limits, logical block size\n"
		"and largest command, and native zone append (the server picks the sector,\n"
		"as the model does).  Injected faults in the spec (ro=, offline=, err=,\n"
		"fail_write=) reach the kernel as the errors null_blk would return.  The\n"
		"device path is printed on stdout once the kernel has the disk; SIGINT or\n"
		"SIGTERM stops and deletes the device.  A file: device's data is\n"
		"fdatasync()ed before a flush or a FUA write is acknowledged.\n"
		"\n"
		"  --dev SPEC        the emulated device (see 'zwsim zone --help'); the zone\n"
		"                    size must be a power of two and the device a whole\n"
		"                    number of zones; data=bytes (tags cannot be read back)\n"
		"  --qd N            requests in flight on the one queue (1..4096; 64)\n"
		"  --control PATH    listen on a Unix socket at PATH for one command a\n"
		"                    connection, applied between two requests, replied to\n"
		"                    with 0 or -ERRNO and a message:\n"
		"                      inject FAULT  a fault as 'zwsim fs' scripts inject it\n"
		"                                    (ro=Z, offline=Z, err=SECTOR:NR[:once],\n"
		"                                    fail_write=N, corrupt=SECTOR)\n"
		"                      fresh         a new device of the same spec (emu:):\n"
		"                                    what a new null_blk device is to a test\n"
		"  --sleep-latency   with profile=: sleep each command's latency (default:\n"
		"                    the profile's latency is computed and not slept)\n"
		"  --verbose         one stderr line per request\n"
		"\n"
		"Examples:\n"
		"  zwsim ublk --dev emu:zones=64,zone_size=64M,conv=4,max_open=8,max_active=12 &\n"
		"  blkzone report /dev/ublkb0 | head\n"
		"  zwsim zone run --force --dev zbd:/dev/ublkb0 test.zs\n"
		"  zwsim ublk --dev emu:zones=16,zone_size=4M,conv=2 --control /run/zw.sock &\n"
		"  zwsim ublk --control /run/zw.sock inject err=16384:8:once   # prints 0\n"
		"  zwsim ublk --control /run/zw.sock fresh\n"
		"  zwsim ublk --dev file:/var/tmp/zdev,zones=32,zone_size=256M,model=zns\n"
		"  kill %%1     # stops and deletes /dev/ublkb0\n"
		"\n"
		"Exit: 0 stopped by a signal (a command: applied), 1 the kernel refused or\n"
		"failed (a command: refused), 2 bad usage.\n");
}

/* zwsim ublk --control PATH COMMAND...: the words sent as one line; the reply printed */
static int ublk_send(const char *path, int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char line[512] = "", reply[512];
	size_t got = 0;
	ssize_t r;
	int fd;

	for (int i = 0; i < argc; i++) {
		if (strlen(line) + strlen(argv[i]) + 2 >= sizeof(line)) {
			fprintf(stderr, "zwsim ublk: the command is longer than %zu bytes\n", sizeof(line) - 2);
			return EXIT_USAGE;
		}
		if (i)
			strcat(line, " ");
		strcat(line, argv[i]);
	}
	strcat(line, "\n");
	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "zwsim ublk: --control %s: the path is too long for a socket\n", path);
		return EXIT_USAGE;
	}
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		fprintf(stderr, "zwsim ublk: --control %s: %s (is a server listening there?)\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_OPFAIL;
	}
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		fprintf(stderr, "zwsim ublk: --control %s: %s\n", path, strerror(errno));
		close(fd);
		return EXIT_OPFAIL;
	}
	while (got < sizeof(reply) - 1 && (r = read(fd, reply + got, sizeof(reply) - 1 - got)) > 0)
		got += (size_t)r;
	close(fd);
	reply[got] = '\0';
	if (!got) {
		fprintf(stderr, "zwsim ublk: --control %s: no reply\n", path);
		return EXIT_OPFAIL;
	}
	fputs(reply, stdout);
	return reply[0] == '0' ? EXIT_OK : EXIT_OPFAIL;
}

int cmd_ublk(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "qd", required_argument, NULL, 'q' },
		{ "control", required_argument, NULL, 'c' },
		{ "sleep-latency", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ublk_srv_opts o = { .queue_depth = 64 };
	struct ublk_srv_stats st;
	const char *spec = NULL;
	struct zw_dev *dev;
	char err[512];
	char *end;
	long v;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			spec = optarg;
			break;
		case 'q':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 1 || v > 4096) {
				fprintf(stderr, "zwsim ublk: --qd %s: a number from 1 to 4096\n", optarg);
				return EXIT_USAGE;
			}
			o.queue_depth = (unsigned int)v;
			break;
		case 'c':
			o.control = optarg;
			break;
		case 's':
			o.sleep_latency = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			ublk_usage(stdout);
			return EXIT_OK;
		default:
			ublk_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc && o.control && !spec)
		return ublk_send(o.control, argc - optind, argv + optind);
	if (optind < argc) {
		fprintf(stderr, "zwsim ublk: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (!spec) {
		fprintf(stderr, "zwsim ublk: --dev SPEC is required (an emu: or file: device)\n");
		return EXIT_USAGE;
	}
	if (strncmp(spec, "emu:", 4) && strncmp(spec, "file:", 5)) {
		fprintf(stderr, "zwsim ublk: --dev %s: ublk serves emulated devices (emu: or file:)\n",
			spec);
		return EXIT_USAGE;
	}
	ret = zw_dev_open(spec, 0, &dev, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "zwsim ublk: --dev: %s\n", err);
		return EXIT_USAGE;
	}
	if (dev->data_mode != ZW_DATA_BYTES) {
		fprintf(stderr, "zwsim ublk: --dev: the device keeps only tags (data=tags, or data=auto above 16G): the kernel reads bytes; add data=bytes\n");
		zw_dev_close(dev);
		return EXIT_USAGE;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "zwsim ublk: needs root (ublk devices are added through /dev/ublk-control with CAP_SYS_ADMIN)\n");
		zw_dev_close(dev);
		return EXIT_OPFAIL;
	}
	o.spec = spec;
	ret = ublk_serve(&dev, &o, stdout, &st, err, sizeof(err));
	if (st.reads + st.writes + st.appends + st.flushes + st.zone_mgmt + st.reports)
		fprintf(stderr,
		"zwsim ublk: served %llu reads, %llu writes, %llu zone appends, %llu flushes, %llu zone management, %llu zone reports; %llu errors returned\n",
		st.reads, st.writes, st.appends, st.flushes, st.zone_mgmt, st.reports, st.errors);
	zw_dev_close(dev);
	if (ret) {
		fprintf(stderr, "zwsim ublk: %s\n", err);
		return EXIT_OPFAIL;
	}
	return EXIT_OK;
}
