// SPDX-License-Identifier: MIT
/*
 * zwsim-fio.so: a fio external ioengine over zwsim's emulated zoned device.
 *
 *   fio --ioengine=external:zwsim-fio.so --zwdev=emu:zones=64,zone_size=64M,model=zns ...
 *
 * Reads, writes (or zone appends, zone_append=1), flushes and trims (zone
 * resets) go through zwsim's block layer to the emulated device; fio's
 * zoned hooks (fio 3.33: zone model, report zones, reset, max open zones)
 * see the device's zones, limits and errors as they would a real device's.
 * Asynchronous at fio's iodepth: completions come from the model's event
 * loop, at the latency of the device's profile when it has one
 * (docs/profiles.md).  docs/fio.md says how fio's clock relates to the
 * model's (clock=virtual|real).
 *
 * Built against the headers of the fio Debian ships (tools/fio/fetch-headers.sh):
 * fio loads only an engine of its own ops version.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>

#include "fio.h"
#include "optgroup.h"
#include "verify.h"
#include "zbd.h"

#include "fio_dev.h"

struct zwfio_options {
	void *pad;			/* fio keeps the thread_data pointer here */
	char *zwdev;
	unsigned int zone_append;
	char *clock;
};

/* An engine option kept in struct zwfio_options' @FIELD (@DEF NULL: no default) */
#define ZWFIO_OPTION(NAME, LNAME, TYPE, FIELD, DEF, HELP)			\
	{									\
		.name	= NAME,							\
		.lname	= LNAME,						\
		.type	= TYPE,							\
		.off1	= offsetof(struct zwfio_options, FIELD),		\
		.help	= HELP,							\
		.def	= DEF,							\
		.category = FIO_OPT_C_ENGINE,					\
		.group	= FIO_OPT_G_INVALID,					\
	}

static struct fio_option options[] = {
	ZWFIO_OPTION("zwdev", "zwsim device spec", FIO_OPT_STR_STORE, zwdev, NULL,
		     "The emulated device, a zwsim device spec (emu:KEY=VALUE,... or file:DIR,...; zwsim zone --help lists the keys)"),
	ZWFIO_OPTION("zone_append", "zone append", FIO_OPT_BOOL, zone_append, "0",
		     "Issue writes to sequential zones as zone appends (the data must land where fio expects it)"),
	ZWFIO_OPTION("clock", "zwsim clock", FIO_OPT_STR_STORE, clock, "virtual",
		     "virtual: complete as fast as the model runs, fio's latencies are the model's virtual ones; real: pace completions to the wall clock, so all of fio's figures are the model's"),
	{
		.name	= NULL,
	},
};

/* One io_u's request. */
struct zwfio_io {
	struct fio_dev_req req;
	struct io_u *io_u;
	struct zwfio_job *job;
	uint64_t expect;		/* an append: where fio expects the data */
};

struct zwfio_job {
	struct fio_dev *dev;
	struct fio_dev_info info;
	bool zone_append, real_clock;
	bool shared;			/* another job (thread) uses the device: lock it */
	struct io_u **done;		/* completed, in completion order */
	unsigned int nr_done, nr_returned, cap;
	struct timespec t_end;		/* when getevents returned (fio's clock) */
	bool tied;			/* clock=real: wall0 (ns, CLOCK_MONOTONIC) is virt0 */
	uint64_t wall0, virt0;
	/* the job's figures in virtual time */
	uint64_t ios, bytes, first_ns, last_ns;
};

static struct zwfio_options *opts(struct thread_data *td)
{
	return td->eo;
}

static void zwfio_job_seen(const struct thread_data *td, const char *spec);

/*
 * The device's lock, when the job shares the device with another job
 * (threads).  A job alone on its device takes none: a locked instruction
 * after the stores of a request costs as much as the rest of the engine.
 */
static void zwfio_lock(struct zwfio_job *job)
{
	if (job->shared)
		fio_dev_lock(job->dev);
}

static void zwfio_unlock(struct zwfio_job *job)
{
	if (job->shared)
		fio_dev_unlock(job->dev);
}

/* The device of @f, opened on first use (the hooks run in fio's parent, before init). */
static struct fio_dev *zwfio_file_dev(struct thread_data *td, struct fio_file *f)
{
	struct fio_dev *d = FILE_ENG_DATA(f);
	char err[512];

	if (d)
		return d;
	if (!opts(td)->zwdev || !*opts(td)->zwdev) {
		log_err("zwsim-fio: %s: no device: give the engine option zwdev=SPEC, e.g. zwdev=emu:zones=64,zone_size=64M,model=zns\n",
			td->o.name);
		return NULL;
	}
	if (fio_dev_get(opts(td)->zwdev, &d, err, sizeof(err))) {
		log_err("zwsim-fio: %s: zwdev=%s: %s\n", td->o.name, opts(td)->zwdev, err);
		return NULL;
	}
	FILE_SET_ENG_DATA(f, d);
	zwfio_job_seen(td, opts(td)->zwdev);
	return d;
}

/* zwfio_file_dev() and the device's geometry into @info; NULL when @f has no device. */
static struct fio_dev *zwfio_file_info(struct thread_data *td, struct fio_file *f, struct fio_dev_info *info)
{
	struct fio_dev *d = zwfio_file_dev(td, f);

	if (d)
		fio_dev_info(d, info);
	return d;
}

static int zwfio_get_file_size(struct thread_data *td, struct fio_file *f)
{
	struct fio_dev_info info;

	if (!zwfio_file_info(td, f, &info))
		return EINVAL;
	/*
	 * A block device, as fio's own get_file_type() would find one: fio
	 * calls the zoned hooks only for block and character devices.
	 */
	f->filetype = FIO_TYPE_BLOCK;
	f->real_file_size = info.size;
	fio_file_set_size_known(f);
	return 0;
}

static int zwfio_get_zoned_model(struct thread_data *td, struct fio_file *f,
				 enum zbd_zoned_model *model)
{
	struct fio_dev_info info;

	if (!zwfio_file_info(td, f, &info))
		return -EINVAL;
	*model = !info.zoned ? ZBD_NONE : info.host_aware ? ZBD_HOST_AWARE : ZBD_HOST_MANAGED;
	return 0;
}

static int zwfio_report_zones(struct thread_data *td, struct fio_file *f, uint64_t offset,
			      struct zbd_zone *zones, unsigned int nr)
{
	struct fio_dev *d = zwfio_file_dev(td, f);
	struct fio_dev_zone *z;
	int n;

	if (!d)
		return -EINVAL;
	z = calloc(nr ? nr : 1, sizeof(*z));
	if (!z)
		return -ENOMEM;
	fio_dev_lock(d);
	n = fio_dev_report(d, offset, z, nr);
	fio_dev_unlock(d);
	for (int i = 0; i < n; i++) {
		zones[i].start = z[i].start;
		zones[i].len = z[i].len;
		zones[i].capacity = z[i].capacity;
		zones[i].wp = z[i].wp;
		zones[i].type = (enum zbd_zone_type)z[i].type;
		zones[i].cond = (enum zbd_zone_cond)z[i].cond;
		/* as fio's Linux backend reports them (oslib/linux-blkzoned.c) */
		if (z[i].cond == ZBD_ZONE_COND_READONLY || z[i].cond == ZBD_ZONE_COND_OFFLINE) {
			zones[i].cond = ZBD_ZONE_COND_OFFLINE;
			zones[i].wp = z[i].start;
		}
	}
	free(z);
	return n;
}

/* Reset the zones of [offset, offset + length); 0 or -errno, as BLKRESETZONE. */
static int zwfio_reset_range(struct thread_data *td, struct fio_dev *d, uint64_t offset,
			     uint64_t length)
{
	struct fio_dev_info info;
	int ret = 0;

	fio_dev_info(d, &info);
	if (offset % info.zone_size || length % info.zone_size) {
		log_err("zwsim-fio: %s: a reset (trim) of %llu bytes at %llu: not whole %llu-byte zones\n",
			td->o.name, (unsigned long long)length, (unsigned long long)offset,
			(unsigned long long)info.zone_size);
		return -EINVAL;
	}
	fio_dev_lock(d);
	for (uint64_t off = offset; !ret && off < offset + length; off += info.zone_size) {
		struct fio_dev_req req = { .op = FIO_DEV_RESET, .offset = off };

		ret = fio_dev_run_sync(d, &req);
		if (ret)
			log_err("zwsim-fio: %s: zone reset at %llu: %s\n", td->o.name,
				(unsigned long long)off, req.reason);
	}
	fio_dev_unlock(d);
	return -ret;
}

static int zwfio_reset_wp(struct thread_data *td, struct fio_file *f, uint64_t offset,
			  uint64_t length)
{
	struct fio_dev *d = zwfio_file_dev(td, f);

	return d ? zwfio_reset_range(td, d, offset, length) : -EINVAL;
}

static int zwfio_get_max_open_zones(struct thread_data *td, struct fio_file *f, unsigned int *max)
{
	struct fio_dev_info info;

	if (!zwfio_file_info(td, f, &info))
		return -EINVAL;
	*max = info.max_open;
	return 0;
}

/*
 * Jobs are processes unless thread=1: each would work on its own copy of
 * the model, made when fio forked it, and never see what another job
 * wrote.  So two jobs on one device must be threads.  fio sizes every
 * job's file in its parent before it forks (create_serialize, the
 * default), so the jobs met there are known to each child; another job's
 * options cannot be read from a child (they live in that job's process).
 */
#define ZWFIO_MAX_JOBS 4096
static struct { const struct thread_data *td; char *spec; } jobs_seen[ZWFIO_MAX_JOBS];
static unsigned int nr_jobs_seen;
static pthread_mutex_t jobs_seen_lock = PTHREAD_MUTEX_INITIALIZER;

static void zwfio_job_seen(const struct thread_data *td, const char *spec)
{
	pthread_mutex_lock(&jobs_seen_lock);
	for (unsigned int i = 0; i < nr_jobs_seen; i++)
		if (jobs_seen[i].td == td)
			goto out;
	if (nr_jobs_seen < ZWFIO_MAX_JOBS && (jobs_seen[nr_jobs_seen].spec = strdup(spec)))
		jobs_seen[nr_jobs_seen++].td = td;
out:
	pthread_mutex_unlock(&jobs_seen_lock);
}

static int zwfio_check_sharing(struct thread_data *td)
{
	int others = 0;

	pthread_mutex_lock(&jobs_seen_lock);
	for (unsigned int i = 0; i < nr_jobs_seen; i++)
		if (jobs_seen[i].td != td && !strcmp(jobs_seen[i].spec, opts(td)->zwdev))
			others++;
	pthread_mutex_unlock(&jobs_seen_lock);
	if (others && !td->o.use_thread) {
		log_err("zwsim-fio: %s: %d other job(s) use zwdev=%s: add thread=1 (fio's jobs are processes by default, and each would drive its own copy of the model)\n",
			td->o.name, others, opts(td)->zwdev);
		return 1;
	}
	return 0;
}

static int zwfio_init(struct thread_data *td)
{
	struct zwfio_job *job;
	struct fio_file *f;
	const char *clock = opts(td)->clock ? opts(td)->clock : "virtual";

	if (td->o.nr_files != 1) {
		log_err("zwsim-fio: %s: one file per job (the device); nrfiles=%u\n", td->o.name, td->o.nr_files);
		return 1;
	}
	if (strcmp(clock, "virtual") && strcmp(clock, "real")) {
		log_err("zwsim-fio: %s: clock=%s: virtual or real\n", td->o.name, clock);
		return 1;
	}
	f = td->files[0];
	if (!zwfio_file_dev(td, f) || zwfio_check_sharing(td))
		return 1;
	job = calloc(1, sizeof(*job));
	if (!job)
		return 1;
	job->dev = FILE_ENG_DATA(f);
	fio_dev_info(job->dev, &job->info);
	if (td->o.verify != VERIFY_NONE && job->info.tags) {
		log_err("zwsim-fio: %s: verify=: the device keeps only block tags (data=tags): give data=bytes in zwdev=\n",
			td->o.name);
		free(job);
		return 1;
	}
	job->zone_append = opts(td)->zone_append;
	/* every job opened its device in fio's parent; a job opening it later may be a thread too */
	job->shared = fio_dev_users(job->dev) > 1 || (td->o.use_thread && !td->o.create_serialize);
	job->real_clock = !strcmp(clock, "real");
	if (job->real_clock)
		prctl(PR_SET_TIMERSLACK, 1UL);	/* wake when due, not up to 50 us later */
	job->cap = td->o.iodepth + 1;
	job->done = calloc(job->cap, sizeof(*job->done));
	if (!job->done) {
		free(job);
		return 1;
	}
	job->first_ns = UINT64_MAX;
	td->io_ops_data = job;
	return 0;
}

static void zwfio_cleanup(struct thread_data *td)
{
	struct zwfio_job *job = td->io_ops_data;

	if (!job)
		return;
	if (job->ios && !job->info.profile) {
		/* stderr: stdout may be fio's JSON */
		fprintf(stderr, "zwsim-fio: %s: %llu I/Os, %llu bytes; no profile: the device takes no virtual time, fio's figures are the engine's own speed\n",
			td->o.name, (unsigned long long)job->ios, (unsigned long long)job->bytes);
	} else if (job->ios) {
		double s = (double)(job->last_ns - job->first_ns) / 1e9;

		fprintf(stderr, "zwsim-fio: %s: %llu I/Os, %llu bytes in %.6f s of virtual time",
			td->o.name, (unsigned long long)job->ios, (unsigned long long)job->bytes, s);
		if (s > 0)
			fprintf(stderr, " (%.0f IOPS, %.1f MiB/s)", job->ios / s, job->bytes / s / 1048576);
		fprintf(stderr, ", profile %s; clock=%s\n", job->info.profile,
			job->real_clock ? "real" : "virtual");
	}
	free(job->done);
	free(job);
	td->io_ops_data = NULL;
}

static int zwfio_io_u_init(struct thread_data *td, struct io_u *io_u)
{
	struct zwfio_io *zio = calloc(1, sizeof(*zio));

	(void)td;
	if (!zio)
		return 1;
	zio->io_u = io_u;
	io_u->engine_data = zio;
	return 0;
}

static void zwfio_io_u_free(struct thread_data *td, struct io_u *io_u)
{
	(void)td;
	free(io_u->engine_data);
	io_u->engine_data = NULL;
}

static int zwfio_open_file(struct thread_data *td, struct fio_file *f)
{
	if (!zwfio_file_dev(td, f))
		return 1;
	f->fd = 1 << 20;	/* not a descriptor: nothing of fio's may use it */
	return 0;
}

static int zwfio_close_file(struct thread_data *td, struct fio_file *f)
{
	(void)td;
	f->fd = -1;
	return 0;
}

/* From the model's event loop, the device's lock held (maybe by another job's thread). */
static void zwfio_done(struct fio_dev_req *req)
{
	struct zwfio_io *zio = (struct zwfio_io *)req;
	struct zwfio_job *job = zio->job;
	struct io_u *io_u = zio->io_u;

	io_u->error = req->error;
	if (!req->error && req->op == FIO_DEV_APPEND && req->offset != zio->expect) {
		log_err("zwsim-fio: a zone append landed at %llu, where fio expected it at %llu\n",
			(unsigned long long)req->offset, (unsigned long long)zio->expect);
		io_u->error = EIO;
	} else if (req->error) {
		log_err("zwsim-fio: %s of %llu bytes at %llu: %s\n",
			io_u->ddir == DDIR_READ ? "read" : io_u->ddir == DDIR_WRITE ? "write" : "flush",
			io_u->xfer_buflen, io_u->offset, req->reason);
	}
	io_u->resid = io_u->error ? io_u->xfer_buflen : 0;
	if (job->first_ns == UINT64_MAX || req->submit_ns < job->first_ns)
		job->first_ns = req->submit_ns;
	job->last_ns = req->submit_ns + req->lat_ns;
	job->ios++;
	job->bytes += io_u->error ? 0 : req->len;
	job->done[job->nr_done++] = io_u;
}

/* @ts moved back by @ns (no division: this runs twice an I/O). */
static void ts_sub(struct timespec *ts, uint64_t ns)
{
	if (ns >= 1000000000u) {
		time_t sec = (time_t)(ns / 1000000000u);

		ts->tv_sec -= sec;
		ns -= (uint64_t)sec * 1000000000u;
	}
	ts->tv_nsec -= (long)ns;
	if (ts->tv_nsec < 0) {
		ts->tv_nsec += 1000000000L;
		ts->tv_sec--;
	}
}

/*
 * clock=virtual: fio measures a completion latency from issue_time to the
 * time it takes just after the engine hands it the completion; move
 * issue_time (and start_time with it, keeping the submission latency) so
 * that span is the model's virtual latency, plus the few tens of ns from
 * t_end to fio's own timestamp.
 */
static void zwfio_virtual_times(const struct zwfio_job *job, struct io_u *io_u)
{
	struct zwfio_io *zio = io_u->engine_data;
	uint64_t slat;

	if (job->real_clock)
		return;
	slat = ntime_since(&io_u->start_time, &io_u->issue_time);
	io_u->issue_time = job->t_end;
	ts_sub(&io_u->issue_time, zio->req.lat_ns);
	io_u->start_time = io_u->issue_time;
	ts_sub(&io_u->start_time, slat);
}

static void zwfio_reap(struct zwfio_job *job, unsigned int min, unsigned int max);
static void zwfio_clock_tie(struct zwfio_job *job);

static enum fio_q_status zwfio_queue(struct thread_data *td, struct io_u *io_u)
{
	struct zwfio_job *job = td->io_ops_data;
	struct zwfio_io *zio = io_u->engine_data;
	struct fio_dev_req *req = &zio->req;
	int ret;

	fio_ro_check(td, io_u);
	/* FIO_ASYNCIO_SETS_ISSUE_TIME: fio leaves it to the engine, for every I/O */
	fio_gettime(&io_u->issue_time, NULL);
	/* field by field: the request's reason is 256 bytes no I/O that succeeds needs cleared */
	req->buf = NULL;
	req->lat_ns = 0;
	zio->job = job;
	req->done = zwfio_done;
	req->offset = io_u->offset;
	req->len = io_u->xfer_buflen;
	switch (io_u->ddir) {
	case DDIR_READ:
		req->op = FIO_DEV_READ;
		req->buf = job->info.tags ? NULL : io_u->xfer_buf;
		break;
	case DDIR_WRITE:
		req->op = FIO_DEV_WRITE;
		req->buf = job->info.tags ? NULL : io_u->xfer_buf;
		if (job->zone_append && job->info.zoned &&
		    io_u->offset / job->info.zone_size >= job->info.nr_conv) {
			req->op = FIO_DEV_APPEND;
			zio->expect = io_u->offset;
			req->offset = io_u->offset - io_u->offset % job->info.zone_size;
		}
		break;
	case DDIR_SYNC:
	case DDIR_DATASYNC:
		req->op = FIO_DEV_FLUSH;
		req->len = 0;
		break;
	case DDIR_TRIM:
		/* a trim is a zone reset; in zonemode=zbd, through fio's zone table */
		if (td->o.zone_mode == ZONE_MODE_ZBD) {
			ret = zbd_do_io_u_trim(td, io_u);
			if (!ret)
				ret = -EINVAL;	/* a conventional zone: no reset (as fio's libzbc engine) */
		} else {
			ret = zwfio_reset_range(td, job->dev, io_u->offset, io_u->xfer_buflen);
		}
		if (ret < 0)
			io_u->error = -ret;
		return FIO_Q_COMPLETED;
	default:
		log_err("zwsim-fio: %s: I/O direction %d is not supported\n", td->o.name, io_u->ddir);
		io_u->error = EINVAL;
		return FIO_Q_COMPLETED;
	}
	zwfio_lock(job);
	if (job->real_clock)
		zwfio_clock_tie(job);
	ret = fio_dev_submit(job->dev, req);
	if (!ret && td->o.iodepth == 1) {
		/*
		 * At depth 1 the I/O completes here, as with a synchronous
		 * engine (psync): fio learns of an error at queue time, as
		 * it would from pwrite().
		 */
		zwfio_reap(job, job->nr_returned + 1, job->nr_returned + 1);
		if (job->nr_done > job->nr_returned)
			job->nr_done--;
		zwfio_unlock(job);

		fio_gettime(&job->t_end, NULL);
		zwfio_virtual_times(job, io_u);
		return FIO_Q_COMPLETED;
	}
	zwfio_unlock(job);
	if (ret) {
		log_err("zwsim-fio: %s: %s\n", td->o.name, req->reason);
		io_u->error = ret;
		return FIO_Q_COMPLETED;
	}
	return FIO_Q_QUEUED;
}

static int zwfio_commit(struct thread_data *td)
{
	(void)td;
	return 0;	/* requests go to the device as they are queued */
}

/*
 * clock=real: virtual time is tied to the wall clock, wall = wall0 +
 * (virtual - virt0), so completions come at the model's pace (its
 * throughput, not the CPU's).  When the simulation falls behind (a
 * submission later in wall time than its virtual time says), the tie moves
 * forward, so no completion ever comes sooner after its submission than
 * the model's latency for it.
 */
static uint64_t wall_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void zwfio_clock_tie(struct zwfio_job *job)
{
	uint64_t now = wall_ns(), v = fio_dev_now(job->dev);

	if (!job->tied || now > job->wall0 + (v - job->virt0)) {
		job->tied = true;
		job->wall0 = now;
		job->virt0 = v;
	}
}

/* Wait (the device unlocked) until the wall clock reaches virtual time @t; false if it has. */
static bool zwfio_pace(struct zwfio_job *job, uint64_t t)
{
	uint64_t due = job->wall0 + (t - job->virt0);
	struct timespec at = { (time_t)(due / 1000000000u), (long)(due % 1000000000u) };

	if (wall_ns() >= due)
		return false;
	zwfio_unlock(job);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR)
		;
	zwfio_lock(job);
	return true;
}

/*
 * Run the model until the job has @min completions, then on through what
 * else is due, up to @max (device lock held): what is at the same virtual
 * instant, or with clock=real what the wall clock has reached.
 */
static void zwfio_reap(struct zwfio_job *job, unsigned int min, unsigned int max)
{
	struct fio_dev *d = job->dev;
	uint64_t next;

	while (job->nr_done < min && fio_dev_next_time(d, &next)) {
		if (job->real_clock && zwfio_pace(job, next))
			continue;	/* another job may have run it meanwhile */
		fio_dev_run_one(d);
	}
	while (job->nr_done < max && fio_dev_next_time(d, &next) &&
	       (job->real_clock ? job->wall0 + (next - job->virt0) <= wall_ns() : next <= fio_dev_now(d)))
		fio_dev_run_one(d);
}

static int zwfio_getevents(struct thread_data *td, unsigned int min, unsigned int max,
			   const struct timespec *t)
{
	struct zwfio_job *job = td->io_ops_data;
	unsigned int n;

	(void)t;
	zwfio_lock(job);
	/* what fio took last time goes; what others completed for us since stays */
	memmove(job->done, job->done + job->nr_returned,
		(job->nr_done - job->nr_returned) * sizeof(*job->done));
	job->nr_done -= job->nr_returned;
	job->nr_returned = 0;
	zwfio_reap(job, min, max);
	n = job->nr_done < max ? job->nr_done : max;
	job->nr_returned = n;
	zwfio_unlock(job);
	fio_gettime(&job->t_end, NULL);
	return (int)n;
}

static struct io_u *zwfio_event(struct thread_data *td, int i)
{
	struct zwfio_job *job = td->io_ops_data;
	struct io_u *io_u = job->done[i];

	zwfio_virtual_times(job, io_u);
	return io_u;
}

/* The ops fio looks up by this name in the shared object (ioengines.c: dlopen_ioengine). */
__attribute__((visibility("default"))) struct ioengine_ops ioengine = {
	.name			= "zwsim",
	.version		= FIO_IOOPS_VERSION,
	.flags			= FIO_DISKLESSIO | FIO_NODISKUTIL | FIO_NOEXTEND | FIO_MEMALIGN | FIO_RAWIO |
				  FIO_ASYNCIO_SETS_ISSUE_TIME,
	.init			= zwfio_init,
	.cleanup		= zwfio_cleanup,
	.queue			= zwfio_queue,
	.commit			= zwfio_commit,
	.getevents		= zwfio_getevents,
	.event			= zwfio_event,
	.open_file		= zwfio_open_file,
	.close_file		= zwfio_close_file,
	.get_file_size		= zwfio_get_file_size,
	.io_u_init		= zwfio_io_u_init,
	.io_u_free		= zwfio_io_u_free,
	.get_zoned_model	= zwfio_get_zoned_model,
	.report_zones		= zwfio_report_zones,
	.reset_wp		= zwfio_reset_wp,
	.get_max_open_zones	= zwfio_get_max_open_zones,
	.option_struct_size	= sizeof(struct zwfio_options),
	.options		= options,
};
