// SPDX-License-Identifier: MIT
/*
 * The ublk server's control socket: what null_blk's configfs attributes
 * (badblocks, zone_readonly, zone_offline) and a new null_blk device are
 * to a test of the kernel, for zwsim's served model.  The server is one
 * thread: a command is applied between two requests, so every request the
 * kernel sends after the reply sees it.
 */
#include "ublk_ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "blk_status.h"
#include "dev.h"

static int ctl_fresh(struct zw_dev **devp, const char *spec, char *reply, size_t rlen)
{
	struct zw_dev *nd;
	char err[256];
	int ret;

	if (strncmp(spec, "emu:", 4)) {
		snprintf(reply, rlen, "-EOPNOTSUPP fresh: emu: devices only (a file: device keeps its data)");
		return -EOPNOTSUPP;
	}
	ret = zw_dev_open(spec, 0, &nd, err, sizeof(err));
	if (ret) {
		snprintf(reply, rlen, "%s fresh: %s", errno_name(ret), err);
		return ret;
	}
	zw_dev_close(*devp);
	*devp = nd;
	snprintf(reply, rlen, "0");
	return 0;
}

int ublk_ctl_command(struct zw_dev **devp, const char *spec, const char *line, char *reply,
		     size_t rlen)
{
	char cmd[512], err[256];
	size_t n = strcspn(line, "\r\n");
	int ret;

	if (n >= sizeof(cmd)) {
		snprintf(reply, rlen, "-EINVAL a command is one line of at most %zu bytes", sizeof(cmd) - 1);
		return -EINVAL;
	}
	memcpy(cmd, line, n);
	cmd[n] = '\0';
	if (!strcmp(cmd, "fresh"))
		return ctl_fresh(devp, spec, reply, rlen);
	if (!strncmp(cmd, "inject ", 7)) {
		ret = zw_dev_inject(*devp, cmd + 7, err, sizeof(err));
		if (ret)
			snprintf(reply, rlen, "%s %s", errno_name(ret), err);
		else
			snprintf(reply, rlen, "0");
		return ret;
	}
	snprintf(reply, rlen, "-EINVAL '%.200s' is not a command (inject FAULT, fresh)", cmd);
	return -EINVAL;
}

int ublk_ctl_listen(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path)) {
		snprintf(err, errlen, "--control %s: a socket path has at most %zu bytes", path,
			 sizeof(a.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "--control: socket: %s", strerror(errno));
		return -errno;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4)) {
		int e = errno;

		snprintf(err, errlen, "--control %s: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	return fd;
}

void ublk_ctl_accept(int lfd, struct zw_dev **devp, const char *spec)
{
	struct timeval tv = { .tv_sec = 5 };
	char line[600], reply[400];
	int c;

	while ((c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		size_t got = 0;
		ssize_t r;

		/* the client sends its line at once: a stalled one is dropped after 5 s */
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		while (got < sizeof(line) - 1 && (r = read(c, line + got, sizeof(line) - 1 - got)) > 0) {
			got += (size_t)r;
			if (memchr(line, '\n', got))
				break;
		}
		line[got] = '\0';
		ublk_ctl_command(devp, spec, line, reply, sizeof(reply) - 1);
		strcat(reply, "\n");
		if (write(c, reply, strlen(reply)) < 0)
			fprintf(stderr, "zwsim ublk: --control: reply: %s\n", strerror(errno));
		close(c);
	}
}
