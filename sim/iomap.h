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

#endif
