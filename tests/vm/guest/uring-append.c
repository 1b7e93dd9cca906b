// SPDX-License-Identifier: MIT
/*
 * uring-append: NVMe Zone Append commands through io_uring passthrough
 * (IORING_OP_URING_CMD, NVME_URING_CMD_IO) on an NVMe generic character
 * device (/dev/ngXnY), at queue depth, to several zones, for the VM tier's
 * `zwsim check` captures (tests/vm/check.sh, docs/check.md).  fio 3.33's
 * io_uring_cmd engine has no zone append; this sends them by hand.
 *
 *	uring-append [-q QD] [-n COUNT] [-b NLB] [-l LBA_BYTES] DEV ZSLBA...
 *
 * COUNT appends (default 64) of NLB logical blocks each (default 8) go to
 * the zones starting at the LBAs ZSLBA, round robin, with at most QD
 * (default 16) in flight.  Each completion prints one line, in completion
 * order:
 *
 *	append zslba=ZSLBA nlb=NLB lba=LBA status=STATUS
 *
 * LBA is where the device put the data: the Zone Append command's
 * completion dword 0-1, which the driver hands back in the second
 * completion word of a 32-byte CQE (nvme_uring_cmd_end_io() keeps
 * nvme_req(req)->result.u64, nvme_uring_task_cb() passes it to
 * io_uring_cmd_done() as res2, which lands in cqe->big_cqe[0]).  STATUS is
 * cqe->res: 0, the NVMe status, or a negative errno.  Exit status 0 when
 * every append completed with status 0, 1 otherwise, 2 on bad usage.
 *
 * Built on the host by `make build/guest/uring-append` (liburing); the guest
 * sees the host's tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <liburing.h>
#include <stdbool.h>
#include <linux/nvme_ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define NVME_CMD_ZONE_APPEND	0x7d	/* NVMe ZNS command set: Zone Append */

struct slot {
	uint64_t zslba;
	unsigned int nlb;
	void *buf;
	bool busy;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: uring-append [-q QD] [-n COUNT] [-b NLB] [-l LBA_BYTES] DEV ZSLBA...\n"
		"NVMe Zone Append through io_uring passthrough to the zones starting at the\n"
		"LBAs ZSLBA (round robin), QD in flight (16), COUNT appends (64) of NLB\n"
		"blocks (8) of LBA_BYTES (4096); one line per completion:\n"
		"  append zslba=Z nlb=N lba=L status=S\n"
		"example: uring-append -q 16 -n 96 -b 8 /dev/ng0n1 0 16384 32768\n");
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

/* Fill @sqe with a Zone Append of slot @s (index @i) to namespace @nsid. */
static void prep_append(struct io_uring_sqe *sqe, int fd, unsigned int nsid, struct slot *s,
			unsigned int i, unsigned int lba_bytes)
{
	struct nvme_uring_cmd *cmd;

	memset(sqe, 0, 2 * sizeof(*sqe));	/* IORING_SETUP_SQE128: 128 bytes each */
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = NVME_URING_CMD_IO;
	sqe->user_data = i;
	cmd = (struct nvme_uring_cmd *)sqe->cmd;
	cmd->opcode = NVME_CMD_ZONE_APPEND;
	cmd->nsid = nsid;
	cmd->addr = (uint64_t)(uintptr_t)s->buf;
	cmd->data_len = s->nlb * lba_bytes;
	cmd->cdw10 = (uint32_t)s->zslba;		/* ZSLBA, low and high dwords */
	cmd->cdw11 = (uint32_t)(s->zslba >> 32);
	cmd->cdw12 = s->nlb - 1;			/* NLB, 0-based */
}

int main(int argc, char **argv)
{
	uint64_t qd = 16, count = 64, nlb = 8, lba_bytes = 4096, *zones, issued = 0, done = 0;
	struct io_uring ring;
	struct slot *slots;
	unsigned int nr_zones;
	int opt, fd, nsid, ret, failed = 0;

	while ((opt = getopt(argc, argv, "q:n:b:l:h")) != -1) {
		uint64_t *v = opt == 'q' ? &qd : opt == 'n' ? &count : opt == 'b' ? &nlb : &lba_bytes;

		if (opt == 'h') {
			usage(stdout);
			return 0;
		}
		if (opt == '?' || parse_u64(optarg, v) || !*v || *v > (opt == 'l' ? 65536 : 1u << 16)) {
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind < 2) {
		usage(stderr);
		return 2;
	}
	nr_zones = (unsigned int)(argc - optind - 1);
	zones = calloc(nr_zones, sizeof(*zones));
	slots = calloc(qd, sizeof(*slots));
	if (!zones || !slots)
		return 1;
	for (unsigned int z = 0; z < nr_zones; z++)
		if (parse_u64(argv[optind + 1 + z], &zones[z])) {
			fprintf(stderr, "uring-append: ZSLBA %s: not a number\n", argv[optind + 1 + z]);
			return 2;
		}
	fd = open(argv[optind], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "uring-append: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	nsid = ioctl(fd, NVME_IOCTL_ID);
	if (nsid <= 0) {
		fprintf(stderr, "uring-append: %s: not an NVMe namespace (NVME_IOCTL_ID: %s)\n", argv[optind],
			strerror(errno));
		return 1;
	}
	ret = io_uring_queue_init((unsigned int)qd, &ring, IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	if (ret) {
		fprintf(stderr, "uring-append: io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	for (uint64_t i = 0; i < qd; i++) {
		if (posix_memalign(&slots[i].buf, 4096, nlb * lba_bytes))
			return 1;
		memset(slots[i].buf, 0x5a, nlb * lba_bytes);
	}
	while (done < count) {
		struct io_uring_cqe *cqe;
		unsigned int queued = 0;

		/* fill every free slot, then submit them together */
		for (uint64_t i = 0; i < qd && issued < count; i++) {
			struct io_uring_sqe *sqe;

			if (slots[i].busy)
				continue;
			sqe = io_uring_get_sqe(&ring);
			if (!sqe)
				break;
			slots[i].zslba = zones[issued % nr_zones];
			slots[i].nlb = (unsigned int)nlb;
			slots[i].busy = true;
			memcpy(slots[i].buf, &issued, sizeof(issued));	/* which append this was */
			prep_append(sqe, fd, (unsigned int)nsid, &slots[i], (unsigned int)i,
				    (unsigned int)lba_bytes);
			issued++;
			queued++;
		}
		if (queued) {
			ret = io_uring_submit(&ring);
			if (ret < 0) {
				fprintf(stderr, "uring-append: io_uring_submit: %s\n", strerror(-ret));
				return 1;
			}
		}
		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret) {
			fprintf(stderr, "uring-append: io_uring_wait_cqe: %s\n", strerror(-ret));
			return 1;
		}
		do {
			struct slot *s = &slots[cqe->user_data];

			printf("append zslba=%" PRIu64 " nlb=%u lba=%" PRIu64 " status=%d\n", s->zslba, s->nlb,
			       (uint64_t)cqe->big_cqe[0], cqe->res);
			failed |= cqe->res != 0;
			s->busy = false;
			done++;
			io_uring_cqe_seen(&ring, cqe);
		} while (io_uring_peek_cqe(&ring, &cqe) == 0);
	}
	io_uring_queue_exit(&ring);
	close(fd);
	for (uint64_t i = 0; i < qd; i++)
		free(slots[i].buf);
	free(slots);
	free(zones);
	return failed;
}
