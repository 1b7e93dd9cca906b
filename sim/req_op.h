/* SPDX-License-Identifier: MIT */
/* Request operations, numbered as enum req_op in include/linux/blk_types.h. */
#ifndef ZWSIM_REQ_OP_H
#define ZWSIM_REQ_OP_H

enum req_op {
	REQ_OP_READ = 0,
	REQ_OP_WRITE = 1,
	REQ_OP_FLUSH = 2,
	REQ_OP_DISCARD = 3,
	REQ_OP_ZONE_APPEND = 7,
	REQ_OP_ZONE_OPEN = 10,
	REQ_OP_ZONE_CLOSE = 11,
	REQ_OP_ZONE_FINISH = 12,
	REQ_OP_ZONE_RESET = 13,
	REQ_OP_ZONE_RESET_ALL = 15,
};

/* "write", "zone_append", ... as the event log and messages name them. */
const char *req_op_name(enum req_op op);

#endif
