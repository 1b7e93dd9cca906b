// SPDX-License-Identifier: MIT
/*
 * The ublk server: bring-up, the I/O loop and teardown, in the order
 * ublk_drv.c wants them (ublk_ctrl_add_dev, ublk_ctrl_set_params,
 * ublk_ch_mmap, ublk_fetch, ublk_ctrl_start_dev, ublk_ctrl_stop_dev,
 * ublk_ctrl_del_dev).  Data moves with UBLK_F_USER_COPY: pread()/pwrite()
 * on /dev/ublkcN at the request's offset, which UBLK_F_ZONED requires (the
 * commit's addr field carries the zone append's sector instead).
 */
#include "ublk_srv.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dev.h"
#include "ublk_ctl.h"
#include "ublk_uapi.h"

#define UBLK_CONTROL "/dev/ublk-control"
/* the user data of the control socket's poll on the queue ring (above every tag) */
#define CTL_POLL_UD (1ull << 32)

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct ublk_srv {
	struct zw_dev *dev;
	const struct ublk_srv_opts *o;
	struct ublk_srv_stats *st;
	int ctrl_fd, cdev_fd;
	struct io_uring ctrl, q;
	bool ctrl_ok, q_ok;
	uint32_t dev_id;
	unsigned int qd;
	uint32_t buf_bytes;
	const struct ublksrv_io_desc *iods;
	size_t iods_len;
	uint8_t *bufs;
	unsigned int live_tags;	/* fetches outstanding */
	int zone_shift;
	int ctl_fd;		/* the control socket (--control), or -1 */
};

/* Queue a control command (SQE128: the 32-byte payload in sqe->cmd). */
static int ctrl_queue(struct ublk_srv *s, uint32_t op, const struct ublksrv_ctrl_cmd *c, uint64_t ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&s->ctrl);

	if (!sqe)
		return -EBUSY;
	memset(sqe, 0, 2 * sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = s->ctrl_fd;
	sqe->cmd_op = op;
	memcpy(sqe->cmd, c, sizeof(*c));
	io_uring_sqe_set_data64(sqe, ud);
	return io_uring_submit(&s->ctrl) == 1 ? 0 : -EIO;
}

/* A control command, waited for: its result (0 or -errno). */
static int ctrl_cmd(struct ublk_srv *s, uint32_t op, struct ublksrv_ctrl_cmd *c)
{
	struct io_uring_cqe *cqe;
	int ret = ctrl_queue(s, op, c, 0);

	if (ret)
		return ret;
	do
		ret = io_uring_wait_cqe(&s->ctrl, &cqe);
	while (ret == -EINTR);
	if (ret)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(&s->ctrl, cqe);
	return ret;
}

static struct ublksrv_ctrl_cmd ctrl_for(const struct ublk_srv *s)
{
	struct ublksrv_ctrl_cmd c = { .dev_id = s->dev_id, .queue_id = (uint16_t)-1 };

	return c;
}

static uint64_t io_pos(unsigned int tag)
{
	/* ublk_pos(): queue 0, the tag, byte offset 0 */
	return UBLKSRV_IO_BUF_OFFSET + ((uint64_t)tag << UBLK_TAG_OFF);
}

static int q_commit(struct ublk_srv *s, unsigned int tag, uint32_t op, int result, uint64_t lba)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&s->q);
	struct ublksrv_io_cmd c = { .q_id = 0, .tag = (uint16_t)tag, .result = result,
				    .zone_append_lba = lba };

	if (!sqe) {
		io_uring_submit(&s->q);
		sqe = io_uring_get_sqe(&s->q);
		if (!sqe)
			return -EBUSY;
	}
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = s->cdev_fd;
	sqe->cmd_op = op;
	memcpy(sqe->cmd, &c, sizeof(c));
	io_uring_sqe_set_data64(sqe, tag);
	return 0;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u),
			       .tv_nsec = (long)(ns % 1000000000u) };

	while (nanosleep(&ts, &ts) && errno == EINTR && !stop_requested)
		;
}

/* One command to the device: 0, or the -errno the kernel gets (blk_status_to_errno()). */
static int dev_do(struct ublk_srv *s, struct zw_io *io)
{
	io->depth = 1;
	zw_dev_submit(s->dev, io);
	if (s->o->sleep_latency && io->lat_ns != ZW_LAT_NONE)
		sleep_ns(io->lat_ns);
	if (io->res.status == BLK_STS_OK)
		return 0;
	s->st->errors++;
	if (s->o->verbose)
		fprintf(stderr, "zwsim ublk: %s at sector %llu: %s\n", req_op_name(io->op),
			(unsigned long long)io->sector, io->res.reason);
	return blk_status_to_errno(io->res.status);
}

/*
 * A zone append on a device without a native one (ublk always advertises
 * native append: max_zone_append_sectors may not be 0): a write at the
 * zone's write pointer, which this one-queue server owns.
 */
static int emulated_append(struct ublk_srv *s, struct zw_io *io)
{
	struct blk_zone z;
	unsigned int zno = (unsigned int)(io->sector >> s->zone_shift);

	if (zw_dev_report_zones(s->dev, zno, 1, &z) != 1 || z.type == BLK_ZONE_TYPE_CONVENTIONAL ||
	    z.cond == BLK_ZONE_COND_FULL || z.cond == BLK_ZONE_COND_READONLY ||
	    z.cond == BLK_ZONE_COND_OFFLINE)
		return -EIO;
	io->op = REQ_OP_WRITE;
	io->sector = z.wp;
	return dev_do(s, io);
}

/* Serve the request in iods[tag]; the commit's result (bytes or -errno) and append sector. */
static int serve(struct ublk_srv *s, unsigned int tag, uint64_t *lba)
{
	const struct ublksrv_io_desc *iod = &s->iods[tag];
	unsigned int op = iod->op_flags & 0xff;
	uint8_t *buf = s->bufs + (size_t)tag * s->buf_bytes;
	size_t bytes = (size_t)iod->nr_sectors << SECTOR_SHIFT;
	struct zw_io io = { .sector = iod->start_sector, .nr_sectors = iod->nr_sectors, .buf = buf };
	int ret;

	*lba = 0;
	if (s->o->verbose)
		fprintf(stderr, "zwsim ublk: tag %u op %u sector %llu nr %u\n", tag, op,
			(unsigned long long)iod->start_sector, iod->nr_sectors);
	switch (op) {
	case UBLK_IO_OP_READ:
		s->st->reads++;
		if (bytes > s->buf_bytes)
			return -EINVAL;
		io.op = REQ_OP_READ;
		ret = dev_do(s, &io);
		if (ret)
			return ret;
		if (pwrite(s->cdev_fd, buf, bytes, (off_t)io_pos(tag)) != (ssize_t)bytes)
			return -EIO;
		return (int)bytes;
	case UBLK_IO_OP_WRITE:
	case UBLK_IO_OP_ZONE_APPEND:
		if (bytes > s->buf_bytes)
			return -EINVAL;
		if (pread(s->cdev_fd, buf, bytes, (off_t)io_pos(tag)) != (ssize_t)bytes)
			return -EIO;
		if (op == UBLK_IO_OP_WRITE) {
			s->st->writes++;
			io.op = REQ_OP_WRITE;
			ret = dev_do(s, &io);
		} else {
			s->st->appends++;
			io.op = REQ_OP_ZONE_APPEND;
			ret = s->dev->geo.max_append_sectors ? dev_do(s, &io) : emulated_append(s, &io);
			*lba = io.op == REQ_OP_ZONE_APPEND ? io.res.sector : io.sector;
		}
		if (ret)
			return ret;
		if (iod->op_flags & UBLK_IO_F_FUA) {
			/* forced unit access: on stable storage before it is acknowledged */
			struct zw_io fl = { .op = REQ_OP_FLUSH };

			ret = dev_do(s, &fl);
			if (ret)
				return ret;
		}
		return (int)bytes;
	case UBLK_IO_OP_FLUSH:
		s->st->flushes++;
		io.op = REQ_OP_FLUSH;
		io.nr_sectors = 0;
		io.buf = NULL;
		return dev_do(s, &io);
	case UBLK_IO_OP_ZONE_OPEN:
	case UBLK_IO_OP_ZONE_CLOSE:
	case UBLK_IO_OP_ZONE_FINISH:
	case UBLK_IO_OP_ZONE_RESET:
	case UBLK_IO_OP_ZONE_RESET_ALL:
		s->st->zone_mgmt++;
		io.op = op == UBLK_IO_OP_ZONE_OPEN ? REQ_OP_ZONE_OPEN :
			op == UBLK_IO_OP_ZONE_CLOSE ? REQ_OP_ZONE_CLOSE :
			op == UBLK_IO_OP_ZONE_FINISH ? REQ_OP_ZONE_FINISH :
			op == UBLK_IO_OP_ZONE_RESET ? REQ_OP_ZONE_RESET : REQ_OP_ZONE_RESET_ALL;
		io.nr_sectors = 0;
		io.buf = NULL;
		return dev_do(s, &io);
	case UBLK_IO_OP_REPORT_ZONES: {
		/*
		 * An array of struct blk_zone from the zone at start_sector; the
		 * kernel stops at the first entry with len 0.  The whole buffer
		 * is committed: a shorter count is a partial completion, which
		 * the kernel re-sends (ublk_report_zones()).
		 */
		size_t want = (size_t)iod->nr_zones * sizeof(struct blk_zone);
		unsigned int zno = (unsigned int)(iod->start_sector >> s->zone_shift);
		int n;

		s->st->reports++;
		if (want > s->buf_bytes)
			return -EINVAL;
		memset(buf, 0, want);
		n = zw_dev_report_zones(s->dev, zno, iod->nr_zones, (struct blk_zone *)buf);
		if (n < 0)
			return n;
		if (pwrite(s->cdev_fd, buf, want, (off_t)io_pos(tag)) != (ssize_t)want)
			return -EIO;
		return (int)want;
	}
	default:
		/* discard, write zeroes and write same are not advertised */
		return -EOPNOTSUPP;
	}
}

/* A poll for a connection on the control socket, on the queue ring. */
static int ctl_arm(struct ublk_srv *s)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&s->q);

	if (!sqe) {
		io_uring_submit(&s->q);
		sqe = io_uring_get_sqe(&s->q);
		if (!sqe)
			return -EBUSY;
	}
	io_uring_prep_poll_add(sqe, s->ctl_fd, POLLIN);
	io_uring_sqe_set_data64(sqe, CTL_POLL_UD);
	return 0;
}

/* Handle every completion on the queue ring; <0 on a ring error. */
static int q_reap(struct ublk_srv *s)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;
	bool ctl = false;

	io_uring_for_each_cqe(&s->q, head, cqe) {
		uint64_t ud = io_uring_cqe_get_data64(cqe);
		unsigned int tag = (unsigned int)ud;
		int res = cqe->res;

		n++;
		if (ud == CTL_POLL_UD) {
			ctl = true;
			continue;
		}
		if (tag >= s->qd)
			continue;
		if (res == UBLK_IO_RES_OK) {
			uint64_t lba;
			int result = serve(s, tag, &lba);

			if (q_commit(s, tag, UBLK_U_IO_COMMIT_AND_FETCH_REQ, result, lba))
				return -EBUSY;
		} else {
			/* UBLK_IO_RES_ABORT: the device is stopping; anything else ends the tag too */
			if (res != UBLK_IO_RES_ABORT)
				fprintf(stderr, "zwsim ublk: tag %u: %s\n", tag, strerror(-res));
			s->live_tags--;
		}
	}
	io_uring_cq_advance(&s->q, n);
	if (ctl) {
		/* between two requests: what the kernel sends next sees the command */
		ublk_ctl_accept(s->ctl_fd, &s->dev, s->o->spec);
		if (ctl_arm(s))
			return -EBUSY;
	}
	return 0;
}

/* Wait up to 100 ms for queue completions and serve them. */
static int q_step(struct ublk_srv *s)
{
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 100 * 1000 * 1000 };
	int ret;

	ret = io_uring_submit_and_wait_timeout(&s->q, &cqe, 1, &ts, NULL);
	if (ret < 0 && ret != -ETIME && ret != -EINTR)
		return ret;
	return q_reap(s);
}

/* A control command's completion, if one has arrived: 1 with *res set, else 0. */
static int ctrl_peek(struct ublk_srv *s, int *res)
{
	struct io_uring_cqe *cqe;

	if (io_uring_peek_cqe(&s->ctrl, &cqe))
		return 0;
	*res = cqe->res;
	io_uring_cqe_seen(&s->ctrl, cqe);
	return 1;
}

static int ilog2_exact(uint64_t v)
{
	int i = 0;

	if (!v || (v & (v - 1)))
		return -1;
	while ((1ull << i) < v)
		i++;
	return i;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); goto out; } while (0)

int ublk_serve(struct zw_dev **devp, const struct ublk_srv_opts *o, FILE *out,
	       struct ublk_srv_stats *st, char *err, size_t errlen)
{
	struct zw_dev *dev = *devp;
	struct ublk_srv s = { .dev = dev, .o = o, .st = st, .ctrl_fd = -1, .cdev_fd = -1,
			      .dev_id = UINT32_MAX, .qd = o->queue_depth, .ctl_fd = -1 };
	const struct zone_geometry *g = &dev->geo;
	struct ublksrv_ctrl_dev_info info = { 0 };
	struct ublk_params p = { 0 };
	struct ublksrv_ctrl_cmd c;
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t features = 0;
	unsigned int max_sectors;
	bool added = false, started = false, stopping = false, start_done = false, stop_done = false;
	long page = sysconf(_SC_PAGESIZE);
	char path[64];
	int ret = -EINVAL, res;

	memset(st, 0, sizeof(*st));
	s.zone_shift = ilog2_exact(g->zone_size);
	if (s.zone_shift < 0)
		FAIL("the zone size (%llu sectors) is not a power of two: ublk counts zones by shifting (ublk_dev_param_zoned_validate())",
		     (unsigned long long)g->zone_size);
	if (g->capacity % g->zone_size)
		FAIL("the device ends in a short zone: ublk needs a whole number of zones");
	if (g->nonzoned || g->seq_pref)
		FAIL("ublk exposes host-managed devices only (this one is %s)",
		     g->nonzoned ? "not zoned" : "host aware");
	if (ilog2_exact(g->lba_size) < 9 || g->lba_size > (unsigned int)page)
		FAIL("lba=%u: ublk takes logical blocks from 512 bytes to the page size", g->lba_size);

	max_sectors = g->max_hw_sectors ? g->max_hw_sectors : 1024;
	max_sectors &= ~((g->lba_size >> SECTOR_SHIFT) - 1);
	s.buf_bytes = (uint32_t)(((uint64_t)max_sectors << SECTOR_SHIFT) + (uint64_t)page - 1) &
		      ~(uint32_t)(page - 1);

	if (o->control) {
		s.ctl_fd = ublk_ctl_listen(o->control, err, errlen);
		if (s.ctl_fd < 0) {
			ret = s.ctl_fd;
			s.ctl_fd = -1;
			goto out;
		}
	}

	s.ctrl_fd = open(UBLK_CONTROL, O_RDWR | O_CLOEXEC);
	if (s.ctrl_fd < 0 && errno == ENOENT && !system("modprobe ublk_drv >/dev/null 2>&1"))
		s.ctrl_fd = open(UBLK_CONTROL, O_RDWR | O_CLOEXEC);
	if (s.ctrl_fd < 0) {
		ret = -errno;
		if (errno == ENOENT)
			FAIL("%s is missing: this kernel has no ublk driver (CONFIG_BLK_DEV_UBLK; modprobe ublk_drv)",
			     UBLK_CONTROL);
		FAIL("%s: %s%s", UBLK_CONTROL, strerror(errno),
		     errno == EACCES || errno == EPERM ? " (ublk needs root)" : "");
	}
	ret = io_uring_queue_init(8, &s.ctrl, IORING_SETUP_SQE128);
	if (ret)
		FAIL("io_uring (SQE128) for the ublk control device: %s", strerror(-ret));
	s.ctrl_ok = true;

	c = ctrl_for(&s);
	c.addr = (uint64_t)(uintptr_t)&features;
	c.len = sizeof(features);
	ret = ctrl_cmd(&s, UBLK_U_CMD_GET_FEATURES, &c);
	if (ret < 0 || !(features & UBLK_F_ZONED) || !(features & UBLK_F_USER_COPY)) {
		ret = ret < 0 ? ret : -EOPNOTSUPP;
		FAIL("this kernel's ublk has no zoned devices (UBLK_F_ZONED with USER_COPY: Linux 6.6 or later, CONFIG_BLK_DEV_ZONED)");
	}

	info.nr_hw_queues = 1;
	info.queue_depth = (uint16_t)s.qd;
	info.max_io_buf_bytes = s.buf_bytes;
	info.dev_id = UINT32_MAX;
	info.flags = UBLK_F_USER_COPY | UBLK_F_ZONED | UBLK_F_CMD_IOCTL_ENCODE;
	c = ctrl_for(&s);
	c.addr = (uint64_t)(uintptr_t)&info;
	c.len = sizeof(info);
	ret = ctrl_cmd(&s, UBLK_U_CMD_ADD_DEV, &c);
	if (ret)
		FAIL("UBLK_U_CMD_ADD_DEV: %s", strerror(-ret));
	s.dev_id = info.dev_id;
	added = true;
	if (!(info.flags & UBLK_F_ZONED) || !(info.flags & UBLK_F_USER_COPY)) {
		ret = -EOPNOTSUPP;
		FAIL("the kernel added ublk device %u without UBLK_F_ZONED/USER_COPY (flags %#llx)", s.dev_id,
		     (unsigned long long)info.flags);
	}

	p.len = sizeof(p);
	p.types = UBLK_PARAM_TYPE_BASIC | UBLK_PARAM_TYPE_ZONED;
	/* a write cache with FUA, so flushes and FUA writes reach the store (file: fdatasync) */
	p.basic.attrs = UBLK_ATTR_VOLATILE_CACHE | UBLK_ATTR_FUA;
	p.basic.logical_bs_shift = (uint8_t)ilog2_exact(g->lba_size);
	p.basic.physical_bs_shift = p.basic.logical_bs_shift;
	p.basic.io_min_shift = p.basic.logical_bs_shift;
	p.basic.io_opt_shift = p.basic.logical_bs_shift;
	p.basic.max_sectors = max_sectors;
	p.basic.chunk_sectors = (uint32_t)g->zone_size;
	p.basic.dev_sectors = g->capacity;
	p.zoned.max_open_zones = g->max_open;
	p.zoned.max_active_zones = g->max_active;
	p.zoned.max_zone_append_sectors = g->max_append_sectors ? g->max_append_sectors : max_sectors;
	if (p.zoned.max_zone_append_sectors > max_sectors)
		p.zoned.max_zone_append_sectors = max_sectors;
	c = ctrl_for(&s);
	c.addr = (uint64_t)(uintptr_t)&p;
	c.len = sizeof(p);
	ret = ctrl_cmd(&s, UBLK_U_CMD_SET_PARAMS, &c);
	if (ret)
		FAIL("UBLK_U_CMD_SET_PARAMS: %s (zone size %llu sectors, %u zones, max_open %u, max_active %u)",
		     strerror(-ret), (unsigned long long)g->zone_size, dev->nr_zones, g->max_open,
		     g->max_active);

	/* devtmpfs makes the node at ADD_DEV; give udev a moment where it renames or chmods */
	snprintf(path, sizeof(path), "/dev/ublkc%u", s.dev_id);
	for (int i = 0; i < 100 && s.cdev_fd < 0; i++) {
		s.cdev_fd = open(path, O_RDWR | O_CLOEXEC);
		if (s.cdev_fd < 0)
			usleep(10000);
	}
	if (s.cdev_fd < 0) {
		ret = -errno;
		FAIL("%s: %s", path, strerror(errno));
	}
	s.iods_len = ((size_t)s.qd * sizeof(struct ublksrv_io_desc) + (size_t)page - 1) &
		     ~((size_t)page - 1);
	s.iods = mmap(NULL, s.iods_len, PROT_READ, MAP_SHARED | MAP_POPULATE, s.cdev_fd, 0);
	if (s.iods == MAP_FAILED) {
		s.iods = NULL;
		ret = -errno;
		FAIL("mmap of %s's descriptors: %s", path, strerror(errno));
	}
	s.bufs = aligned_alloc((size_t)page, (size_t)s.qd * s.buf_bytes);
	if (!s.bufs) {
		ret = -ENOMEM;
		FAIL("out of memory for %u buffers of %u bytes", s.qd, s.buf_bytes);
	}
	ret = io_uring_queue_init(s.qd + 4, &s.q, 0);
	if (ret)
		FAIL("io_uring for the queue: %s", strerror(-ret));
	s.q_ok = true;
	for (unsigned int t = 0; t < s.qd; t++)
		if (q_commit(&s, t, UBLK_U_IO_FETCH_REQ, 0, 0)) {
			ret = -EBUSY;
			FAIL("queue ring full");
		}
	ret = io_uring_submit(&s.q);
	if (ret != (int)s.qd) {
		ret = ret < 0 ? ret : -EIO;
		FAIL("UBLK_U_IO_FETCH_REQ: %s", strerror(-ret));
	}
	s.live_tags = s.qd;
	if (s.ctl_fd >= 0 && ctl_arm(&s)) {
		ret = -EBUSY;
		FAIL("queue ring full");
	}

	/* restarted: a signal must not fail a pread/pwrite of a request's data; the loop polls the flag */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* START_DEV waits in io-wq while the disk is built: the zones are reported to us meanwhile */
	c = ctrl_for(&s);
	c.data[0] = (uint64_t)getpid();
	ret = ctrl_queue(&s, UBLK_U_CMD_START_DEV, &c, 1);
	if (ret)
		FAIL("UBLK_U_CMD_START_DEV: %s", strerror(-ret));
	for (;;) {
		ret = q_step(&s);
		if (ret)
			FAIL("the I/O ring: %s", strerror(-ret));
		if (ctrl_peek(&s, &res)) {
			if (!start_done) {
				start_done = true;
				if (res) {
					ret = res;
					snprintf(err, errlen, "UBLK_U_CMD_START_DEV: %s", strerror(-res));
					break;
				}
				started = true;
				fprintf(out, "/dev/ublkb%u\n", s.dev_id);
				fflush(out);
			} else {
				stop_done = true;
			}
		}
		if (stop_requested && start_done && !stopping) {
			stopping = true;
			c = ctrl_for(&s);
			if (ctrl_queue(&s, UBLK_U_CMD_STOP_DEV, &c, 2))
				stop_done = true;
		}
		if (stopping && stop_done && !s.live_tags) {
			ret = 0;
			break;
		}
		if (!s.live_tags && !stopping && start_done) {
			/* the kernel aborted every tag without being asked: stop anyway */
			ret = -ENODEV;
			snprintf(err, errlen, "the kernel stopped the device");
			break;
		}
	}
out:
	if (added && !stopping && started) {
		c = ctrl_for(&s);
		ctrl_cmd(&s, UBLK_U_CMD_STOP_DEV, &c);
	}
	if (s.q_ok)
		io_uring_queue_exit(&s.q);
	if (s.iods)
		munmap((void *)s.iods, s.iods_len);
	free(s.bufs);
	/* the char device closed before DEL_DEV, which waits for its release (ublk_ctrl_del_dev()) */
	if (s.cdev_fd >= 0)
		close(s.cdev_fd);
	if (added) {
		c = ctrl_for(&s);
		res = ctrl_cmd(&s, UBLK_U_CMD_DEL_DEV, &c);
		if (res && !ret) {
			ret = res;
			snprintf(err, errlen, "UBLK_U_CMD_DEL_DEV: %s", strerror(-res));
		}
	}
	if (s.ctrl_ok)
		io_uring_queue_exit(&s.ctrl);
	if (s.ctrl_fd >= 0)
		close(s.ctrl_fd);
	if (s.ctl_fd >= 0) {
		close(s.ctl_fd);
		unlink(o->control);
	}
	*devp = s.dev;
	return ret;
}
