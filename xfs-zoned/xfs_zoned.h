/* SPDX-License-Identifier: MIT */
/*
 * The xfs-zoned model: XFS on a zoned device as Linux writes it back
 * (fs/xfs/xfs_aops.c, xfs_zone_alloc.c, xfs_zone_space_resv.c).  Where
 * kernels differ (zone selection, the open limit), the default is the
 * newest kernel's rule (Linux 7.2, the kernel the VM tier boots) and the
 * mount option kernel=6.17 selects 6.17's: see enum xfs_kernel_rules.
 * Buffered
 * writes reserve space and leave delalloc; writeback maps it as an
 * anonymous write (no disk address), and xfs_zoned_writeback_submit()
 * allocates in an open zone, splits the ioend at the zone's end and at the
 * append limit, and submits zone appends; where the data landed is learnt
 * at completion, when the file is remapped.  docs/xfs-zoned.md.
 */
#ifndef ZWSIM_XFS_ZONED_H
#define ZWSIM_XFS_ZONED_H

#include "blk.h"
#include "iomap.h"
#include "mm.h"
#include "vfs.h"

#define XFS_GC_ZONES		3
#define XFS_RESERVED_ZONES	4
#define XFS_MIN_ZONES		5
#define XFS_MIN_OPEN_ZONES	2
#define XFS_MAX_BMBT_EXTLEN	((1ull << 21) - 1)
#define XFS_OPEN_GC_ZONES	1
#define XFS_ZONE_USED_BUCKETS	10
#define XFS_GC_BUF_SIZE		(1u << 20)	/* the GC scratch ring: XFS_GC_NR_BUFS of these */
#define XFS_GC_NR_BUFS		2
#define XFS_DEFAULT_MAX_OPEN_ZONES	128	/* newer kernels (6.18 on) */

/*
 * Which kernel's rules the model follows where kernels differ (the mount
 * option kernel=7.2, the default, or kernel=6.17).  Each difference is a
 * small branch on m_kernel in the function the kernel has it in:
 *   xfs_zone_score()           hint scoring (xfs_zoned_hint_score[] vs
 *                              xfs_good_hint_match())
 *   xfs_select_zone_nowait()   the order of the passes
 *   xfs_zoned_pack_tight()     files of a zone's capacity or more
 *   xfs_zone_alloc_and_submit() 6.17's xfs_last_used_zone() before the
 *                              inode's cached zone
 *   xfs_open_zone()            lowest free zone vs the rotating cursor
 *   xfs_calc_open_zones()      (xfs_super.c) the default open limit
 *   xfs_end_ioend()            (xfs_aops.c) a failed data write shuts the
 *                              file system down (7.2) or not (6.17)
 */
enum xfs_kernel_rules {
	XFS_KERNEL_NEWEST,	/* Linux 7.2 (the newest xfs_zone_alloc.c read: 7.0-era) */
	XFS_KERNEL_6_17,	/* Linux 6.17 */
};

struct xfs_mount;
struct xfs_open_zone;

/* A mapping of file blocks: in the data fork to device blocks, in the COW fork delalloc. */
struct xfs_bmbt_irec {
	uint64_t br_startoff;		/* file block */
	uint64_t br_blockcount;
	uint64_t br_startblock;		/* device block (data fork) */
};

/*
 * A fork's extents, sorted by br_startoff, not overlapping: leaves of
 * records under a sorted array of leaves (xfs_iext.c, the tree of
 * xfs_tree.h; the kernel's xfs_iext_tree is a B+tree).  Walk it with a
 * cursor (for_each_xfs_iext(), xfs_iext_lookup_extent()); change it with
 * xfs_ifork_insert() and xfs_ifork_remove().
 */
#define XFS_IEXT_LEAF_RECS	32

struct xfs_iext_leaf {
	unsigned int nr;
	struct xfs_bmbt_irec recs[XFS_IEXT_LEAF_RECS];
};

struct xfs_ifork {
	struct xfs_iext_leaf **if_leaves;	/* in file order */
	uint64_t *if_keys;			/* each leaf's first br_startoff */
	size_t if_nleaves, if_maxleaves;
	size_t if_nextents;
};

/* A position in a fork: leaf index and record in it; past the end when leaf >= if_nleaves. */
struct xfs_iext_cursor {
	size_t leaf;
	unsigned int pos;
};

struct xfs_inode {
	struct inode i_vnode;
	struct file i_file;		/* the workload's file, for fsync's errors */
	struct xfs_mount *i_mount;
	char name[64];
	bool exists;
	unsigned int i_wr_opens;	/* open for write: such files are not packed */
	/*
	 * The open zone last selected for the inode's data (newer kernels:
	 * VFS_I(ip)->i_private, xfs_set_cached_zone(); 6.16-6.18: an MRU cache
	 * keyed by inode number; the model's i_vnode.i_private points back
	 * here).  A reference, held until another zone replaces it or the
	 * inode goes (xfs_fs_evict_inode(): here unlink and unmount).
	 */
	struct xfs_open_zone *i_cached_zone;
	struct xfs_ifork i_df;		/* data fork */
	struct xfs_ifork i_cowfp;	/* delalloc (zoned XFS keeps it in the COW fork) */
	loff_t i_disk_size;
	struct iomap_ioend *i_ioend_list;	/* completions waiting for i_ioend_work */
	bool i_ioend_work_queued;
};

/* A reverse-map record: blocks of a realtime group and the file data they hold (xfs_rmap.c). */
struct xfs_rmap_irec {
	uint64_t rm_startblock;		/* device block */
	uint64_t rm_blockcount;
	struct xfs_inode *rm_owner;
	uint64_t rm_offset;		/* file block */
};

#define XFS_RMAP_LEAF_RECS	32

struct xfs_rmapi_leaf {
	unsigned int nr;
	struct xfs_rmap_irec recs[XFS_RMAP_LEAF_RECS];
};

struct xfs_rmap_tree {
	struct xfs_rmapi_leaf **rt_leaves;	/* in disk order */
	uint64_t *rt_keys;			/* each leaf's first rm_startblock */
	size_t rt_nleaves, rt_maxleaves;
	size_t rt_nrecs;
};

struct xfs_rmapi_cursor {
	size_t leaf;
	unsigned int pos;
};

enum xfs_rtg_state { XFS_RTG_FREE, XFS_RTG_OPEN, XFS_RTG_FULL };

struct xfs_rtgroup {
	unsigned int rtg_zno;		/* the device zone */
	uint64_t rtg_start;		/* first device block */
	uint64_t rtg_blocks;		/* blocks (the zone capacity) */
	bool rtg_seq;
	enum xfs_rtg_state rtg_state;
	uint64_t rtg_used;		/* i_used_blocks of the rmap inode */
	struct xfs_open_zone *rtg_open_zone;
	int rtg_bucket;			/* used bucket (10 * used / blocks) while reclaimable, else -1 */
	bool rtg_reclaimable;		/* XFS_RTG_RECLAIMABLE: full, 0 < used < blocks */
	bool rtg_on_reset_list;		/* used == 0: waiting for GC to reset it */
	unsigned int rtg_gccount;	/* GC work on it: the victim's iteration, each chunk */
	struct xfs_rmap_tree rtg_rmap;	/* the rtrmap: who owns its used blocks */
	uint64_t rtg_unowned;		/* used blocks found at mount, of files the model does not know */
};

struct xfs_open_zone {
	struct xfs_open_zone *oz_prev, *oz_next;	/* zi_open_zones, LRU first */
	int oz_ref;
	uint64_t oz_allocated;		/* blocks handed out */
	uint64_t oz_written;		/* blocks written and recorded */
	enum rw_hint oz_write_hint;
	bool oz_is_gc;			/* the GC zone: not on the open list */
	struct xfs_rtgroup *oz_rtg;
};

struct xfs_zone_gc;

struct xfs_mount {
	struct block_device *m_bdev;
	struct mm_ctx *m_mm;
	unsigned int m_blocksize, m_blkbb;	/* bytes; sectors a block */
	bool m_nolifetime;
	enum xfs_kernel_rules m_kernel;	/* mount option kernel= */
	struct xfs_rtgroup *m_rtgroups;
	unsigned int m_nr_rtgroups;
	uint32_t *m_zone_rgno;		/* device zone -> realtime group; UINT32_MAX: none */
	struct xfs_open_zone *zi_open_head, *zi_open_tail;
	unsigned int zi_nr_open_zones, m_max_open_zones;
	unsigned int zi_free_zone_cursor, zi_nr_free_zones;
	int64_t m_free_rtextents;	/* XC_FREE_RTEXTENTS, beyond its reserved pool */
	int64_t m_free_rtavailable;	/* XC_FREE_RTAVAILABLE, beyond its reserved pool */
	int64_t m_resv_rtextents, m_resv_rtextents_total;	/* the reserved pools: res_avail, res_total */
	int64_t m_resv_rtavailable, m_resv_rtavailable_total;
	unsigned int m_zonegc_low_space;	/* percent (sysfs zonegc_low_space; a mount option here) */
	bool m_shutdown;		/* xfs_force_shutdown(): a GC I/O error, a data write error (7.2) */
	bool m_prior_data_deleted;	/* prior_data=deleted: data found at mount is owned by no file */
	unsigned int zi_used_bucket_entries[XFS_ZONE_USED_BUCKETS];
	unsigned int *zi_reset_list, zi_nr_reset;	/* rtgroup indices; GC takes the last first */
	struct xfs_open_zone *zi_open_gc_zone;
	struct xfs_zone_gc *zi_gc;
	uint64_t zi_gc_progress;	/* bumped by each GC step that changed something */
	struct xfs_inode **m_inodes;
	size_t m_nr_inodes;
	uint64_t m_next_ino;
	/* statistics */
	uint64_t s_user_bytes, s_device_bytes, s_gc_bytes, s_zone_resets;
	bool m_regular;			/* the regular (non-zoned) path: xfs_regular.c */
};

/* xfs_zone_alloc.c */
struct xfs_open_zone *xfs_select_zone(struct xfs_mount *mp, enum rw_hint hint, bool pack_tight);
struct xfs_open_zone *xfs_last_used_zone(struct xfs_inode *ip, loff_t offset);
void xfs_inode_drop_cached_zone(struct xfs_inode *ip);
void xfs_open_zone_put(struct xfs_open_zone *oz);
void xfs_zone_alloc_and_submit(struct iomap_ioend *ioend, struct xfs_open_zone **oz);
void xfs_zone_record_written(struct xfs_mount *mp, struct xfs_open_zone *oz, uint64_t n);
void xfs_zone_free_blocks(struct xfs_mount *mp, uint64_t startblock, uint64_t n);
void xfs_zone_skip_blocks(struct xfs_mount *mp, struct xfs_open_zone *oz, uint64_t n);
struct xfs_open_zone *xfs_open_zone(struct xfs_mount *mp, enum rw_hint hint, bool is_gc);
void xfs_add_frextents(struct xfs_mount *mp, int64_t n);
void xfs_zoned_add_available(struct xfs_mount *mp, int64_t n);
struct xfs_rtgroup *xfs_rtb_to_rtg(const struct xfs_mount *mp, uint64_t blk);
void xfs_zone_account_reclaimable(struct xfs_mount *mp, struct xfs_rtgroup *rtg, uint64_t freed);

/* xfs_zone_gc.c */
bool xfs_zoned_need_gc(struct xfs_mount *mp);
bool xfs_zone_gc_running(struct xfs_mount *mp);
bool xfs_zone_any_reclaimable(const struct xfs_mount *mp);
void xfs_zone_gc_wake(struct xfs_mount *mp);
void xfs_zone_gc_wake_waiter(struct xfs_mount *mp, uint64_t *seen);
int xfs_zone_gc_mount(struct xfs_mount *mp);
void xfs_zone_gc_unmount(struct xfs_mount *mp);

/* xfs_iext.c */
void xfs_iext_first(const struct xfs_ifork *ifp, struct xfs_iext_cursor *cur);
void xfs_iext_last(const struct xfs_ifork *ifp, struct xfs_iext_cursor *cur);
void xfs_iext_next(const struct xfs_ifork *ifp, struct xfs_iext_cursor *cur);
void xfs_iext_prev(const struct xfs_ifork *ifp, struct xfs_iext_cursor *cur);
const struct xfs_bmbt_irec *xfs_iext_rec(const struct xfs_ifork *ifp, const struct xfs_iext_cursor *cur);
bool xfs_iext_get_extent(const struct xfs_ifork *ifp, const struct xfs_iext_cursor *cur,
			 struct xfs_bmbt_irec *got);
void xfs_iext_update_extent(struct xfs_ifork *ifp, const struct xfs_iext_cursor *cur,
			    const struct xfs_bmbt_irec *rec);
bool xfs_iext_lookup_extent(const struct xfs_ifork *ifp, uint64_t bno, struct xfs_iext_cursor *cur,
			    struct xfs_bmbt_irec *got);
bool xfs_iext_lookup_extent_before(const struct xfs_ifork *ifp, uint64_t end, struct xfs_iext_cursor *cur,
				   struct xfs_bmbt_irec *got);
int xfs_iext_insert(struct xfs_ifork *ifp, struct xfs_iext_cursor *cur, const struct xfs_bmbt_irec *rec);
void xfs_iext_remove(struct xfs_ifork *ifp, struct xfs_iext_cursor *cur);
void xfs_iext_destroy(struct xfs_ifork *ifp);

/* Every extent of @ifp in file order: @got a copy of the one under @cur. */
#define for_each_xfs_iext(ifp, cur, got) \
	for (xfs_iext_first((ifp), (cur)); xfs_iext_get_extent((ifp), (cur), (got)); xfs_iext_next((ifp), (cur)))

/* xfs_rmap.c */
int xfs_rmap_map_extent(struct xfs_rmap_tree *rt, uint64_t startblock, uint64_t len, struct xfs_inode *ip,
			uint64_t off);
void xfs_rmap_unmap_extent(struct xfs_rmap_tree *rt, uint64_t startblock, uint64_t len);
bool xfs_rmap_lookup(const struct xfs_rmap_tree *rt, uint64_t bno, struct xfs_rmapi_cursor *cur,
		     struct xfs_rmap_irec *got);
bool xfs_rmap_next(const struct xfs_rmap_tree *rt, struct xfs_rmapi_cursor *cur, struct xfs_rmap_irec *got);
void xfs_rmap_destroy(struct xfs_rmap_tree *rt);

/* xfs_aops.c */
extern const struct address_space_operations xfs_zoned_aops;
void xfs_ifork_remove(struct xfs_ifork *ifp, uint64_t off, uint64_t len,
		      void (*freed)(struct xfs_mount *mp, uint64_t startblock, uint64_t n),
		      struct xfs_mount *mp);
int xfs_ifork_insert(struct xfs_ifork *ifp, struct xfs_bmbt_irec rec, const struct xfs_mount *mp);
void xfs_ifork_replace(struct xfs_ifork *ifp, struct xfs_bmbt_irec rec,
		       void (*freed)(struct xfs_mount *mp, uint64_t startblock, uint64_t n),
		       struct xfs_mount *mp);
void xfs_zoned_end_io(struct xfs_inode *ip, loff_t offset, size_t size, sector_t daddr,
		      struct xfs_open_zone *oz, uint64_t old_startblock);
#define NULLFSBLOCK UINT64_MAX
/* xfs_end_bio(): a zoned write's completion, buffered or direct */
void xfs_end_bio(struct bio *bio);

/* xfs_super.c: the space reservation (xfs_zone_space_resv.c) */
int64_t xfs_zoned_space_reserve(struct xfs_mount *mp, int64_t count, bool greedy);
void xfs_zoned_space_unreserve(struct xfs_mount *mp, int64_t n);

/* xfs_file.c: direct writes */

/* What one write reserved and the zone it writes into (struct xfs_zone_alloc_ctx). */
struct xfs_zone_alloc_ctx {
	struct xfs_open_zone *open_zone;
	int64_t reserved_blocks;
};

/*
 * xfs_file_dio_write_zoned(): an O_DIRECT write of @count bytes at @pos.
 * Bytes written, or -errno; -ENOTBLK: fall back to a buffered write.
 */
ssize_t xfs_file_dio_write_zoned(struct xfs_inode *ip, loff_t pos, size_t count, bool append);

/* xfs_super.c: zw_fs_ops.shut_down, for both paths */
bool xfs_shut_down(struct zw_fs *fs);

/* xfs_regular.c: xfs_end_ioend() of the regular (non-zoned) path */
void xfs_end_ioend_regular(struct iomap_ioend *ioend);

#endif
