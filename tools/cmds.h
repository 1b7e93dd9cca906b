/* SPDX-License-Identifier: MIT */
#ifndef ZWSIM_CMDS_H
#define ZWSIM_CMDS_H

#define ZWSIM_VERSION "0.1.0"

/* Exit codes: 0 done, 1 an operation failed or data did not verify, 2 bad usage or input. */
enum { EXIT_OK = 0, EXIT_OPFAIL = 1, EXIT_USAGE = 2 };

int cmd_zone(int argc, char **argv);
int cmd_nullblk(int argc, char **argv);
int cmd_writeback(int argc, char **argv);
int cmd_fs(int argc, char **argv);
int cmd_teach(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_ublk(int argc, char **argv);

#endif
