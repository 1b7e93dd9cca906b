// SPDX-License-Identifier: MIT
/*
 * The reverse map of a realtime group (the kernel's rtrmap btree, one per
 * rtgroup): which file and offset each used block of the zone belongs
 * to, in disk order.  GC queries it for the victim's records
 * (xfs_zone_gc_query()); completions add records (xfs_zoned_map_extent()
 * -> xfs_rmap_map_extent()), frees take them away (xfs_zone_free_blocks()
 * -> xfs_rmap_unmap_extent()).  The same two-level tree as the forks'
 * (xfs_tree.h), keyed by the block in the group.  In memory only, like the
 * rest of the model's metadata.
 */
#include "xfs_zoned.h"
#include "xfs_tree.h"

/*
 * xfs_rmapi_*(): the tree's own functions.  Lookups first check for the
 * end of the tree: completions map there, zones being written in order.
 */
XFS_TREE_DEFINE(static __attribute__((__unused__)), xfs_rmapi, struct xfs_rmap_tree, rt_, rt_nrecs,
		struct xfs_rmapi_leaf, struct xfs_rmapi_cursor, struct xfs_rmap_irec, rm_startblock, rm_blockcount,
		XFS_RMAP_LEAF_RECS, 1)

/* Whether @right continues @left: same file, contiguous on disk and in the file (xfs_rmap_is_mergeable()). */
static bool xfs_rmap_contiguous(const struct xfs_rmap_irec *left, const struct xfs_rmap_irec *right)
{
	return left->rm_owner == right->rm_owner &&
	       left->rm_startblock + left->rm_blockcount == right->rm_startblock &&
	       left->rm_offset + left->rm_blockcount == right->rm_offset;
}

/* xfs_rmap_map(): record @len blocks from @startblock as @ip's from file block @off, merged with neighbours. */
int xfs_rmap_map_extent(struct xfs_rmap_tree *rt, uint64_t startblock, uint64_t len, struct xfs_inode *ip,
			uint64_t off)
{
	struct xfs_rmap_irec rec = { .rm_startblock = startblock, .rm_blockcount = len, .rm_owner = ip,
				     .rm_offset = off };
	struct xfs_rmapi_cursor cur, pcur;
	struct xfs_rmap_irec next, prev;
	bool have_next, have_prev;

	have_next = xfs_rmapi_lookup_extent(rt, startblock, &cur, &next);
	pcur = cur;
	xfs_rmapi_prev(rt, &pcur);
	have_prev = xfs_rmapi_get_extent(rt, &pcur, &prev);
	if (have_prev && xfs_rmap_contiguous(&prev, &rec)) {
		prev.rm_blockcount += len;
		xfs_rmapi_update_extent(rt, &pcur, &prev);
		if (have_next && xfs_rmap_contiguous(&prev, &next)) {
			prev.rm_blockcount += next.rm_blockcount;
			xfs_rmapi_update_extent(rt, &pcur, &prev);
			xfs_rmapi_remove(rt, &cur);
		}
		return 0;
	}
	if (have_next && xfs_rmap_contiguous(&rec, &next)) {
		next.rm_startblock = startblock;
		next.rm_offset = off;
		next.rm_blockcount += len;
		xfs_rmapi_update_extent(rt, &cur, &next);
		return 0;
	}
	return xfs_rmapi_insert(rt, &cur, &rec);
}

/* xfs_rmap_unmap(): [startblock, startblock + len) is used no more. */
void xfs_rmap_unmap_extent(struct xfs_rmap_tree *rt, uint64_t startblock, uint64_t len)
{
	uint64_t end = startblock + len;
	struct xfs_rmapi_cursor cur;
	struct xfs_rmap_irec r;

	for (xfs_rmapi_lookup_extent(rt, startblock, &cur, &r); xfs_rmapi_get_extent(rt, &cur, &r);) {
		uint64_t rend = r.rm_startblock + r.rm_blockcount;
		uint64_t s = r.rm_startblock > startblock ? r.rm_startblock : startblock;
		uint64_t e = rend < end ? rend : end;

		if (s >= e)
			break;
		if (s > r.rm_startblock && e < rend) {
			struct xfs_rmap_irec tail = {
				.rm_startblock = e, .rm_blockcount = rend - e, .rm_owner = r.rm_owner,
				.rm_offset = r.rm_offset + (e - r.rm_startblock),
			};

			r.rm_blockcount = s - r.rm_startblock;
			xfs_rmapi_update_extent(rt, &cur, &r);
			xfs_rmapi_next(rt, &cur);
			xfs_rmapi_insert(rt, &cur, &tail);
			return;
		}
		if (s > r.rm_startblock) {
			r.rm_blockcount = s - r.rm_startblock;
			xfs_rmapi_update_extent(rt, &cur, &r);
			xfs_rmapi_next(rt, &cur);
		} else if (e < rend) {
			r.rm_offset += e - r.rm_startblock;
			r.rm_blockcount = rend - e;
			r.rm_startblock = e;
			xfs_rmapi_update_extent(rt, &cur, &r);
			break;
		} else {
			xfs_rmapi_remove(rt, &cur);
		}
	}
}

/* The record containing @bno or the first after it (xfs_rmap_query_range() from @bno on). */
bool xfs_rmap_lookup(const struct xfs_rmap_tree *rt, uint64_t bno, struct xfs_rmapi_cursor *cur,
		     struct xfs_rmap_irec *got)
{
	return xfs_rmapi_lookup_extent(rt, bno, cur, got);
}

bool xfs_rmap_next(const struct xfs_rmap_tree *rt, struct xfs_rmapi_cursor *cur, struct xfs_rmap_irec *got)
{
	xfs_rmapi_next(rt, cur);
	return xfs_rmapi_get_extent(rt, cur, got);
}

void xfs_rmap_destroy(struct xfs_rmap_tree *rt)
{
	xfs_rmapi_destroy(rt);
}
