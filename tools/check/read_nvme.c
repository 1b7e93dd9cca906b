// SPDX-License-Identifier: MIT
/*
 * The checker's reader of the NVMe driver's tracepoints (read.h):
 * nvme_setup_cmd and nvme_complete_rq lines from tracefs, as
 * drivers/nvme/host/trace.h prints them:
 *
 *   ... 74.04: nvme_setup_cmd: nvme0: disk=nvme0n1, qid=2, cmdid=4237, nsid=1,
 *       flags=0x0, meta=0x0, cmd=(nvme_cmd_zone_append slba=16384, len=7, ...)
 *   ... 74.05: nvme_complete_rq: nvme0: disk=nvme0n1, qid=2, cmdid=4237,
 *       res=0x4008, retries=0, flags=0x2, status=0x0
 *
 * These see what the block tracepoints cannot: commands sent through
 * passthrough (io_uring_cmd on /dev/ngXnY, NVME_IOCTL_IO_CMD), which carry
 * no sector there (blk_rq_trace_sector() gives 0 for them).  The command's
 * LBAs are in its dwords (nvme_trace_read_write(): slba from cdw10-11, len
 * the 0-based block count of cdw12; nvme_trace_zone_mgmt_send(): slba, zsa,
 * all); a Zone Append's assigned LBA is the completion's result (res, the
 * CQE's dwords 0-1, nvme_req(req)->result).  A completion names only its
 * queue and command id, so the reader keeps each command in flight by
 * (qid, tag): the id's low 12 bits (nvme_tag_from_cid(); the high 4 are a
 * generation counter, nvme_cid()).
 */
#include "read.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NVME_MAX_INFLIGHT	65536	/* far above any controller's queues x depth */

struct nvme_cmd {
	uint32_t key;		/* qid << 12 | tag */
	enum chk_op op;
	uint64_t id, sector, sectors;
};

struct chk_nvme {
	unsigned int spb;	/* 512-byte sectors per LBA */
	uint64_t next_id;
	struct nvme_cmd *c;
	size_t nr, max;
};

struct chk_nvme *chk_nvme_new(unsigned int lba_bytes)
{
	struct chk_nvme *n;

	if (lba_bytes < 512 || lba_bytes % 512 || lba_bytes > 1u << 16)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (n)
		n->spb = lba_bytes / 512;
	return n;
}

void chk_nvme_free(struct chk_nvme *n)
{
	if (n)
		free(n->c);
	free(n);
}

/* The unsigned number after "KEY=" in @s (hex with 0x), or -1. */
static int field_u64(const char *s, const char *key, uint64_t *v)
{
	const char *p = s;
	size_t kl = strlen(key);
	char *end;

	/* the key at a word's start: "slba=" but not "zslba=" */
	while ((p = strstr(p, key)) && p > s && !(p[-1] == ' ' || p[-1] == '(' || p[-1] == ','))
		p += kl;
	if (!p || !isdigit((unsigned char)p[kl]))
		return -1;
	*v = strtoull(p + kl, &end, 0);
	return end == p + kl ? -1 : 0;
}

/* The disk name after "disk=" (up to the comma), "" when none (admin commands). */
static void field_disk(const char *s, char *disk, size_t len)
{
	const char *p = strstr(s, "disk=");
	size_t n = 0;

	*disk = '\0';
	if (!p)
		return;
	p += 5;
	while (p[n] && p[n] != ',' && p[n] != ' ')
		n++;
	if (n >= len)
		n = len - 1;
	memcpy(disk, p, n);
	disk[n] = '\0';
}

static struct nvme_cmd *cmd_lookup(struct chk_nvme *n, uint32_t key)
{
	for (size_t i = 0; i < n->nr; i++)
		if (n->c[i].key == key)
			return &n->c[i];
	return NULL;
}

/* The operation of a command by its name (show_nvm_opcode_name()); zone management by its action. */
static int op_of(const char *cmd, const char *args, enum chk_op *op, char *err, size_t errlen)
{
	static const struct { const char *name; enum chk_op op; } t[] = {
		{ "nvme_cmd_write ", CHK_OP_WRITE },
		{ "nvme_cmd_write_zeroes ", CHK_OP_WRITE },	/* it moves the write pointer too */
		{ "nvme_cmd_zone_append ", CHK_OP_APPEND },
		{ "nvme_cmd_zone_mgmt_send ", CHK_OP_OTHER },
	};
	uint64_t zsa, all;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strncmp(cmd, t[i].name, strlen(t[i].name)))
			break;
	if (i == sizeof(t) / sizeof(t[0])) {
		*op = CHK_OP_OTHER;	/* reads, flushes, zone reports, ... */
		return 0;
	}
	if (t[i].op != CHK_OP_OTHER) {
		*op = t[i].op;
		return 0;
	}
	/* Zone Send Action (NVMe ZNS): 1 close, 2 finish, 3 open, 4 reset; "all": every zone */
	if (field_u64(args, "zsa=", &zsa) || field_u64(args, "all=", &all)) {
		snprintf(err, errlen, "nvme_cmd_zone_mgmt_send without zsa= and all=");
		return -1;
	}
	switch (zsa) {
	case 1: *op = all ? CHK_OP_OTHER : CHK_OP_CLOSE; break;
	case 2: *op = all ? CHK_OP_OTHER : CHK_OP_FINISH; break;
	case 3: *op = all ? CHK_OP_OTHER : CHK_OP_OPEN; break;
	case 4: *op = all ? CHK_OP_RESET_ALL : CHK_OP_RESET; break;
	default: *op = CHK_OP_OTHER; break;
	}
	return 0;
}

static int parse_setup(struct chk_nvme *n, const char *body, struct chk_event *ev, uint32_t key,
		       char *err, size_t errlen)
{
	const char *cmd = strstr(body, "cmd=(");
	struct nvme_cmd *m;
	uint64_t slba = 0, len = 0;
	enum chk_op op;

	if (!cmd) {
		snprintf(err, errlen, "nvme_setup_cmd without cmd=(...)");
		return -1;
	}
	cmd += 5;
	if (op_of(cmd, cmd, &op, err, errlen))
		return -1;
	if (field_u64(cmd, "slba=", &slba)) {
		if (op != CHK_OP_OTHER) {
			snprintf(err, errlen, "nvme_setup_cmd of a write, append or zone action without slba=");
			return -1;
		}
	}
	if ((op == CHK_OP_WRITE || op == CHK_OP_APPEND) && field_u64(cmd, "len=", &len)) {
		snprintf(err, errlen, "nvme_setup_cmd of a write or append without len=");
		return -1;
	}
	if (slba > UINT64_MAX / n->spb / 2 || len > 0xffff) {
		snprintf(err, errlen, "nvme_setup_cmd with slba or len out of range");
		return -1;
	}
	m = cmd_lookup(n, key);
	if (!m) {
		if (n->nr == n->max) {
			size_t max = n->max ? n->max * 2 : 64;
			struct nvme_cmd *c;

			if (max > NVME_MAX_INFLIGHT) {
				snprintf(err, errlen, "more than %d NVMe commands in flight", NVME_MAX_INFLIGHT);
				return -1;
			}
			c = realloc(n->c, max * sizeof(*c));
			if (!c) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			n->c = c;
			n->max = max;
		}
		m = &n->c[n->nr++];
	}
	/* a tag set up again before its completion was seen: the newer command wins */
	*m = (struct nvme_cmd){ .key = key, .op = op, .id = ++n->next_id, .sector = slba * n->spb,
				.sectors = op == CHK_OP_WRITE || op == CHK_OP_APPEND ? (len + 1) * n->spb : 0 };
	ev->phase = CHK_ISSUE;
	ev->op = op;
	ev->id = m->id;
	ev->sector = m->sector;
	ev->sectors = m->sectors;
	return 1;
}

static int parse_complete(struct chk_nvme *n, const char *body, struct chk_event *ev, uint32_t key,
			  char *err, size_t errlen)
{
	struct nvme_cmd *m = cmd_lookup(n, key), c;
	uint64_t res, status;

	if (field_u64(body, "res=", &res) || field_u64(body, "status=", &status)) {
		snprintf(err, errlen, "nvme_complete_rq without res= and status=");
		return -1;
	}
	if (!m)
		return 0;	/* set up before the trace began */
	c = *m;
	*m = n->c[--n->nr];
	ev->phase = CHK_COMPLETE;
	ev->op = c.op;
	ev->id = c.id;
	ev->error = status != 0;
	/* NVME_SC_ZONE_TOO_MANY_ACTIVE, NVME_SC_ZONE_TOO_MANY_OPEN (the type in bits 8-10; DNR and More above) */
	ev->zone_resource = (status & 0x7ff) == 0x1bd || (status & 0x7ff) == 0x1be;
	ev->sectors = c.sectors;
	/* a Zone Append's result is the LBA the device assigned (nvme_end_req_zoned(): req->__sector) */
	if (c.op == CHK_OP_APPEND && !ev->error) {
		if (res > UINT64_MAX / n->spb / 2) {
			snprintf(err, errlen, "nvme_complete_rq of a zone append with res out of range");
			return -1;
		}
		ev->sector = res * n->spb;
	} else {
		ev->sector = c.sector;
	}
	return 1;
}

int chk_parse_nvme(struct chk_nvme *n, const char *line, struct chk_event *ev, char *dev, size_t devlen,
		   char *err, size_t errlen)
{
	static const char *const names[] = { ": nvme_setup_cmd: ", ": nvme_complete_rq: " };
	const char *p = NULL, *ts;
	char disk[48];
	uint64_t qid, cid;
	double t = 0;
	size_t i;
	int r;

	if (*line == '#')
		return 0;
	for (i = 0; i < 2; i++)
		if ((p = strstr(line, names[i])))
			break;
	if (!p)
		return 0;	/* other events (nvme_sq, block_*, ...) and lines */
	p += strlen(names[i]);
	if (strncmp(p, "nvme", 4) || field_u64(p, "qid=", &qid) || field_u64(p, "cmdid=", &cid)) {
		snprintf(err, errlen, "%.*s without 'nvmeN: ... qid=Q, cmdid=C'", (int)strlen(names[i]) - 4,
			 names[i] + 2);
		return -1;
	}
	field_disk(p, disk, sizeof(disk));
	if (!qid || !*disk)
		return 0;	/* the admin queue: no namespace's I/O */
	if (qid > 0xfffff) {
		snprintf(err, errlen, "qid=%" PRIu64 " out of range", qid);
		return -1;
	}
	if (*dev ? strcmp(dev, disk) : (snprintf(dev, devlen, "%s", disk), 0))
		return 0;
	memset(ev, 0, sizeof(*ev));
	{
		uint32_t key = (uint32_t)(qid << 12 | (cid & 0xfff));

		r = i == 0 ? parse_setup(n, p, ev, key, err, errlen) : parse_complete(n, p, ev, key, err, errlen);
	}
	if (r <= 0)
		return r;
	/* the timestamp: the number just before ": nvme_" */
	p -= strlen(names[i]);
	for (ts = p; ts > line && (isdigit((unsigned char)ts[-1]) || ts[-1] == '.'); ts--)
		;
	if (ts < p)
		t = strtod(ts, NULL);
	ev->time_ns = t > 0 && t < 1.8e10 ? (uint64_t)(t * 1e9) : 0;
	ev->text = line;
	return 1;
}
