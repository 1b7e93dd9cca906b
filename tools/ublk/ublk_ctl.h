/* SPDX-License-Identifier: MIT */
/*
 * The ublk server's control socket (zwsim ublk --control PATH): faults
 * injected into the served model while the kernel uses it, and a fresh
 * model of the same spec, one command a connection.
 */
#ifndef ZWSIM_UBLK_CTL_H
#define ZWSIM_UBLK_CTL_H

#include <stddef.h>

struct zw_dev;

/*
 * One command line (no newline needed):
 *   inject FAULT   zw_dev_inject(): ro=Z, offline=Z, err=SECTOR:NR[:once][:read|:write],
 *                  fail_write=N, corrupt=SECTOR
 *   fresh          the device replaced by a new one opened from @spec (emu: only:
 *                  every zone empty, no fault, the personality's state anew)
 * @reply gets "0", or "-EINVAL message" (one line, no newline).  The
 * return value is the same 0 or -errno.
 */
int ublk_ctl_command(struct zw_dev **devp, const char *spec, const char *line, char *reply,
		     size_t rlen);

/* A listening Unix stream socket at @path (an old socket file there is replaced): its fd, or -errno. */
int ublk_ctl_listen(const char *path, char *err, size_t errlen);

/* Every connection waiting on @lfd served: one command each, its reply written back. */
void ublk_ctl_accept(int lfd, struct zw_dev **devp, const char *spec);

#endif
