/* SPDX-License-Identifier: MIT */
/*
 * iomap buffered writeback as Linux 6.17 has it (include/linux/iomap.h,
 * fs/iomap/buffered-io.c, fs/iomap/ioend.c): the file system maps folio
 * ranges with ->writeback_range into a pending writeback context (wb_ctx,
 * here always an ioend wrapping a bio) and submits it with the mandatory
 * ->writeback_submit; submitting with an error ends the bio with that
 * status so the normal completion clears writeback and records the error.
 */
#ifndef ZWSIM_IOMAP_H
#define ZWSIM_IOMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bio.h"
#include "mm.h"

struct block_device;

/* iomap->type */
#define IOMAP_HOLE	0
#define IOMAP_DELALLOC	1
#define IOMAP_MAPPED	2
#define IOMAP_UNWRITTEN	3
#define IOMAP_INLINE	4

/* iomap->flags */
#define IOMAP_F_NEW		(1u << 0)
#define IOMAP_F_DIRTY		(1u << 1)
#define IOMAP_F_SHARED		(1u << 2)
#define IOMAP_F_MERGED		(1u << 3)
#define IOMAP_F_BUFFER_HEAD	(1u << 4)
#define IOMAP_F_XATTR		(1u << 5)
#define IOMAP_F_BOUNDARY	(1u << 6)
#define IOMAP_F_ANON_WRITE	(1u << 7)
#define IOMAP_F_ATOMIC_BIO	(1u << 8)
#define IOMAP_F_PRIVATE		(1u << 12)
#define IOMAP_F_SIZE_CHANGED	(1u << 14)
#define IOMAP_F_STALE		(1u << 15)

#define IOMAP_NULL_ADDR	UINT64_MAX	/* addr is not valid */

struct iomap {
	uint64_t addr;		/* disk offset of the mapping, bytes */
	loff_t offset;		/* file offset of the mapping, bytes */
	uint64_t length;	/* bytes */
	uint16_t type;
	uint16_t flags;
	struct block_device *bdev;
	void *private;
};

/* ioend->io_flags */
#define IOMAP_IOEND_SHARED	(1u << 0)
#define IOMAP_IOEND_UNWRITTEN	(1u << 1)
#define IOMAP_IOEND_BOUNDARY	(1u << 2)
#define IOMAP_IOEND_DIRECT	(1u << 3)
#define IOMAP_IOEND_DONTCACHE	(1u << 4)
#define IOMAP_IOEND_NOMERGE_FLAGS \
	(IOMAP_IOEND_SHARED | IOMAP_IOEND_UNWRITTEN | IOMAP_IOEND_DIRECT | IOMAP_IOEND_DONTCACHE)

/* Folios in one ioend at most, to keep completion latency bounded. */
#define IOEND_BATCH_SIZE	4096

/* Per-block state of a folio holding more than one block. */
struct iomap_folio_state {
	unsigned int write_bytes_pending;
	unsigned int nr_blocks;
	uint8_t state[];	/* uptodate bits, then dirty bits, one byte each here */
};

struct iomap_ioend {
	struct iomap_ioend *io_next;	/* io_list: completion sorting and merging */
	uint16_t io_flags;
	struct inode *io_inode;
	int io_remaining;		/* split children not yet completed, + 1 */
	int io_error;
	struct iomap_ioend *io_parent;
	size_t io_size;			/* bytes, clamped at end of file */
	loff_t io_offset;		/* file offset */
	sector_t io_sector;		/* start sector of the ioend */
	void *io_private;		/* the file system's */
	struct bio io_bio;		/* must be last: its segments follow it */
};

static inline struct iomap_ioend *iomap_ioend_from_bio(struct bio *bio)
{
	return (struct iomap_ioend *)((char *)bio - offsetof(struct iomap_ioend, io_bio));
}

struct iomap_writeback_ctx;

struct iomap_writeback_ops {
	/*
	 * Map and add [pos, pos + len) of @folio to the pending context;
	 * returns the bytes handled (0 < n <= len) or a negative errno.
	 */
	ssize_t (*writeback_range)(struct iomap_writeback_ctx *wpc, struct folio *folio,
				   uint64_t pos, unsigned int len, uint64_t end_pos);
	/*
	 * Submit the context ->writeback_range built.  With @error non-zero,
	 * complete it with that error instead.  0, or a negative errno.
	 */
	int (*writeback_submit)(struct iomap_writeback_ctx *wpc, int error);
};

struct iomap_writeback_ctx {
	struct iomap iomap;
	struct inode *inode;
	struct writeback_control *wbc;
	const struct iomap_writeback_ops *ops;
	uint32_t nr_folios;	/* folios added to the current ioend */
	void *wb_ctx;		/* pending writeback context */
	/* simulator: where bios go and who hears about it */
	struct block_device *bdev;
};

/* iomap_sector(): the sector of file offset @pos (U64_MAX for anonymous writes). */
static inline sector_t iomap_sector(const struct iomap *iomap, loff_t pos)
{
	if (iomap->flags & IOMAP_F_ANON_WRITE)
		return UINT64_MAX;
	return (iomap->addr + (uint64_t)(pos - iomap->offset)) >> SECTOR_SHIFT;
}

/*
 * Are both ops there?  Registering ops without ->writeback_submit is refused
 * (it is mandatory since 6.17).  0, or -EINVAL with a message.
 */
int iomap_writeback_ops_check(const struct iomap_writeback_ops *ops, char *err, size_t errlen);

int iomap_writepages(struct iomap_writeback_ctx *wpc);
ssize_t iomap_add_to_ioend(struct iomap_writeback_ctx *wpc, struct folio *folio, loff_t pos,
			   loff_t end_pos, unsigned int dirty_len);
int ioend_writeback_submit(struct iomap_writeback_ctx *wpc, int error);
/* The default completion: end writeback on each folio, record errors. */
void ioend_writeback_end_bio(struct bio *bio);
/* End writeback on a folio whose every pending byte completed. */
void iomap_finish_folio_write(struct inode *inode, struct folio *folio);

/* Completion-time helpers for file systems (fs/iomap/ioend.c). */
struct iomap_ioend *iomap_init_ioend(struct inode *inode, struct bio *bio, loff_t file_offset,
				     uint16_t ioend_flags);
uint32_t iomap_finish_ioends(struct iomap_ioend *ioend, int error);
/* Sort a singly linked list of ioends by file offset (iomap_sort_ioends()). */
struct iomap_ioend *iomap_sort_ioends(struct iomap_ioend *list);
/* Pull mergeable ioends that follow @ioend on *@list onto its chain (iomap_ioend_try_merge()). */
void iomap_ioend_try_merge(struct iomap_ioend *ioend, struct iomap_ioend **list);
/*
 * Split off the front of @ioend at most @max_len bytes long, for callers
 * that place data themselves (iomap_split_ioend()); NULL when no split is
 * needed.
 */
struct iomap_ioend *iomap_split_ioend(struct iomap_ioend *ioend, unsigned int max_len,
				      bool is_append);

/*
 * A buffered write of @len bytes at @pos: @data, or blocks carrying @tag,
 * @tag + 1, ... (iomap_file_buffered_write(), simplified: the mapping needs
 * no ->iomap_begin for a write into the page cache).  Returns bytes or a
 * negative errno.
 */
ssize_t iomap_file_buffered_write(struct inode *inode, loff_t pos, size_t len, const void *data,
				  uint64_t tag);
/* A read from the page cache, falling back to ->read_range for what is not cached. */
ssize_t iomap_file_buffered_read(struct inode *inode, loff_t pos, size_t len, void *buf);

/* --- direct I/O (fs/iomap/direct-io.c, iomap_iter.c; docs/direct-io.md) --- */

/* iomap_iter->flags: what the caller of ->iomap_begin is doing */
#define IOMAP_WRITE		(1u << 0)
#define IOMAP_ZERO		(1u << 1)
#define IOMAP_REPORT		(1u << 2)
#define IOMAP_FAULT		(1u << 3)
#define IOMAP_DIRECT		(1u << 4)
#define IOMAP_NOWAIT		(1u << 5)
#define IOMAP_OVERWRITE_ONLY	(1u << 6)

/* kiocb->ki_flags (IOCB_*) */
#define IOCB_APPEND		(1u << 1)
#define IOCB_DIRECT		(1u << 2)
#define IOCB_NOWAIT		(1u << 7)

/* A file position and how the call was made (struct kiocb, include/linux/fs.h). */
struct kiocb {
	struct file *ki_filp;
	loff_t ki_pos;
	unsigned int ki_flags;
};

/*
 * The caller's buffer (struct iov_iter, reduced): @buf, or, with @buf NULL,
 * self-describing blocks tagged @tag, @tag + 1, ... (one tag per logical
 * block of the device, as bio_add_data() has them).  @write: the buffer is
 * the source (ITER_SOURCE, a write); else the destination of a read.
 */
struct iov_iter {
	bool write;
	void *buf;
	uint64_t tag;
	size_t count;		/* bytes left */
	size_t done;		/* bytes consumed from the start */
};

/* One step of walking a file range through a file system's mappings (struct iomap_iter). */
struct iomap_iter {
	struct inode *inode;
	loff_t pos;		/* where this mapping's part starts */
	uint64_t len;		/* bytes left in the whole range */
	int status;
	unsigned int flags;	/* IOMAP_* above */
	struct iomap iomap;
	struct iomap srcmap;
	void *private;		/* the caller's (iomap_dio_rw()'s @private) */
};

struct iomap_ops {
	/*
	 * Map the range at @pos, up to @length bytes, into @iomap (which may
	 * cover less, never more than the range needs).  0 or -errno.
	 */
	int (*iomap_begin)(struct inode *inode, loff_t pos, loff_t length, unsigned int flags,
			   struct iomap *iomap, struct iomap *srcmap);
	/* optional: @written of the @length bytes at @pos were handled.  0 or -errno. */
	int (*iomap_end)(struct inode *inode, loff_t pos, loff_t length, ssize_t written,
			 unsigned int flags, struct iomap *iomap);
};

/* dio flags handed to ->end_io (IOMAP_DIO_* of include/linux/iomap.h) */
#define IOMAP_DIO_UNWRITTEN	(1u << 0)
#define IOMAP_DIO_COW		(1u << 1)
/* iomap_dio_rw()'s dio_flags */
#define IOMAP_DIO_FORCE_WAIT	(1u << 0)
#define IOMAP_DIO_OVERWRITE_ONLY	(1u << 1)
#define IOMAP_DIO_PARTIAL	(1u << 2)
#define IOMAP_DIO_FSBLOCK_ALIGNED	(1u << 3)
/* iomap_dio's private flags */
#define IOMAP_DIO_WRITE		(1u << 30)

struct iomap_dio_ops {
	/*
	 * optional: allocate the bios with this many bytes in front (a
	 * bio_set's front_pad: offsetof(struct iomap_ioend, io_bio) for
	 * iomap_ioend_bioset, so the bio can become an ioend).
	 */
	size_t bio_front_pad;
	/* optional: submit @bio for file offset @file_offset (else submit_bio()). */
	void (*submit_io)(const struct iomap_iter *iter, struct bio *bio, loff_t file_offset);
	/* optional: once, when every bio has completed: the result (0 or -errno). */
	int (*end_io)(struct kiocb *iocb, ssize_t size, int error, unsigned int flags);
};

/* One direct I/O in flight (struct iomap_dio). */
struct iomap_dio {
	struct kiocb *iocb;
	struct iov_iter *iter;
	const struct iomap_dio_ops *dops;
	loff_t i_size;		/* at issue */
	loff_t size;		/* bytes put in bios */
	int ref;		/* bios in flight, + 1 while submitting */
	unsigned int flags;
	int error;		/* the first one */
	uint64_t id;		/* the event log's */
};

/*
 * A synchronous direct read or write of @iter at @iocb->ki_pos
 * (iomap_dio_rw()): the page cache range is written back and invalidated
 * first (-ENOTBLK when that fails: the caller falls back to buffered I/O),
 * the range is mapped through @ops, bios are built per mapping and handed
 * to @dops->submit_io (or submit_bio()), the caller waits for all of them
 * by running the simulation, @dops->end_io is called once, and the range
 * is invalidated again.  Returns the bytes done (ki_pos moves on), 0 for
 * nothing, or the first error.  @private reaches ->submit_io as
 * iter->private.
 */
ssize_t iomap_dio_rw(struct kiocb *iocb, struct iov_iter *iter, const struct iomap_ops *ops,
		     const struct iomap_dio_ops *dops, unsigned int dio_flags, void *private,
		     size_t done_before);
/* The default completion of a direct I/O bio (iomap_dio_bio_end_io()). */
void iomap_dio_bio_end_io(struct bio *bio);
/* A direct ioend finished (from iomap_finish_ioends()): its bio's share of the dio. */
uint32_t iomap_finish_ioend_direct(struct iomap_ioend *ioend);

#endif
