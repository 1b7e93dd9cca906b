// SPDX-License-Identifier: MIT
/*
 * The reverse map of a realtime group (the kernel's rtrmap btree, one per
 * rtgroup): which file and offset each used block of the zone belongs
 * to, in disk order.  GC queries it for the victim's records
 * (xfs_zone_gc_query()); completions add records (xfs_zoned_map_extent()
 * -> xfs_rmap_map_extent()), frees take them away (xfs_zone_free_blocks()
 * -> xfs_rmap_unmap_extent()).  The same two-level tree as the forks'
 * (xfs_iext.c), keyed by the block in the group.  In memory only, like the
 * rest of the model's metadata.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xfs_zoned.h"

static struct xfs_rmapi_leaf *xfs_rmapi_leaf_at(const struct xfs_rmap_tree *rt, size_t i)
{
	return rt->rt_leaves[i];
}

/* The leaf's key (its first record's offset) kept next to the others, for the search. */
static void xfs_rmapi_fix_key(struct xfs_rmap_tree *rt, size_t i)
{
	if (i < rt->rt_nleaves && rt->rt_leaves[i]->nr)
		rt->rt_keys[i] = rt->rt_leaves[i]->recs[0].rm_startblock;
}

/*
 * The leaf whose records cover @bno: the last one starting at or before it
 * (or the first).  Branch-free halving: the compiler makes the step a
 * conditional move, and the search costs no mispredicted branches.
 */
static size_t xfs_rmapi_find_leaf(const struct xfs_rmap_tree *rt, uint64_t bno)
{
	const uint64_t *keys = rt->rt_keys;
	size_t base = 0, n = rt->rt_nleaves;

	while (n > 1) {
		size_t half = n / 2;

		base = keys[base + half] <= bno ? base + half : base;
		n -= half;
	}
	return base;
}

/* In @leaf, the first record ending after @bno (nr if none); branch-free as above. */
static unsigned int xfs_rmapi_find_rec(const struct xfs_rmapi_leaf *leaf, uint64_t bno)
{
	const struct xfs_rmap_irec *r = leaf->recs;
	unsigned int base = 0, n = leaf->nr;

	if (!n)
		return 0;
	while (n > 1) {
		unsigned int half = n / 2;

		base = r[base + half - 1].rm_startblock + r[base + half - 1].rm_blockcount <= bno ? base + half : base;
		n -= half;
	}
	return base + (r[base].rm_startblock + r[base].rm_blockcount <= bno);
}

/* A cursor past the end of a leaf moves to the start of the next one. */
static void xfs_rmapi_normalize(const struct xfs_rmap_tree *rt, struct xfs_rmapi_cursor *cur)
{
	while (cur->leaf < rt->rt_nleaves && cur->pos >= rt->rt_leaves[cur->leaf]->nr) {
		cur->leaf++;
		cur->pos = 0;
	}
}

static void xfs_rmapi_last(const struct xfs_rmap_tree *rt, struct xfs_rmapi_cursor *cur)
{
	if (!rt->rt_nleaves) {
		cur->leaf = 0;
		cur->pos = 0;
		return;
	}
	cur->leaf = rt->rt_nleaves - 1;
	cur->pos = rt->rt_leaves[cur->leaf]->nr - 1;
}

static void xfs_rmapi_next(const struct xfs_rmap_tree *rt, struct xfs_rmapi_cursor *cur)
{
	cur->pos++;
	xfs_rmapi_normalize(rt, cur);
}

/* Before the first extent, the cursor is past the end (invalid). */
static void xfs_rmapi_prev(const struct xfs_rmap_tree *rt, struct xfs_rmapi_cursor *cur)
{
	if (cur->leaf >= rt->rt_nleaves) {
		xfs_rmapi_last(rt, cur);
		if (!rt->rt_nleaves)
			cur->leaf = SIZE_MAX;
		return;
	}
	if (cur->pos > 0) {
		cur->pos--;
		return;
	}
	if (cur->leaf == 0) {
		cur->leaf = SIZE_MAX;
		return;
	}
	cur->leaf--;
	cur->pos = rt->rt_leaves[cur->leaf]->nr - 1;
}

static const struct xfs_rmap_irec *xfs_rmapi_rec(const struct xfs_rmap_tree *rt, const struct xfs_rmapi_cursor *cur)
{
	if (cur->leaf >= rt->rt_nleaves || cur->pos >= rt->rt_leaves[cur->leaf]->nr)
		return NULL;
	return &rt->rt_leaves[cur->leaf]->recs[cur->pos];
}

static bool xfs_rmapi_get_extent(const struct xfs_rmap_tree *rt, const struct xfs_rmapi_cursor *cur,
			 struct xfs_rmap_irec *got)
{
	const struct xfs_rmap_irec *r = xfs_rmapi_rec(rt, cur);

	if (!r)
		return false;
	*got = *r;
	return true;
}

/* Replace the record under the cursor; the caller keeps the fork sorted. */
static void xfs_rmapi_update_extent(struct xfs_rmap_tree *rt, const struct xfs_rmapi_cursor *cur,
			    const struct xfs_rmap_irec *rec)
{
	rt->rt_leaves[cur->leaf]->recs[cur->pos] = *rec;
	if (!cur->pos)
		rt->rt_keys[cur->leaf] = rec->rm_startblock;
}

/*
 * xfs_rmapi_lookup_extent(): the extent containing @bno, else the first one
 * after it; false (the cursor past the end) if there is none.
 */
static bool xfs_rmapi_lookup_extent(const struct xfs_rmap_tree *rt, uint64_t bno, struct xfs_rmapi_cursor *cur,
			    struct xfs_rmap_irec *got)
{
	if (!rt->rt_nleaves) {
		cur->leaf = cur->pos = 0;
		return false;
	}
	cur->leaf = xfs_rmapi_find_leaf(rt, bno);
	cur->pos = xfs_rmapi_find_rec(rt->rt_leaves[cur->leaf], bno);
	xfs_rmapi_normalize(rt, cur);
	return got ? xfs_rmapi_get_extent(rt, cur, got) : xfs_rmapi_rec(rt, cur) != NULL;
}

static int xfs_rmapi_insert_leaf(struct xfs_rmap_tree *rt, size_t at, struct xfs_rmapi_leaf *leaf)
{
	if (rt->rt_nleaves == rt->rt_maxleaves) {
		size_t max = rt->rt_maxleaves ? rt->rt_maxleaves * 2 : 4;
		struct xfs_rmapi_leaf **n = realloc(rt->rt_leaves, max * sizeof(*n));
		uint64_t *k;

		if (!n)
			return -ENOMEM;
		rt->rt_leaves = n;
		k = realloc(rt->rt_keys, max * sizeof(*k));
		if (!k)
			return -ENOMEM;
		rt->rt_keys = k;
		rt->rt_maxleaves = max;
	}
	memmove(&rt->rt_leaves[at + 1], &rt->rt_leaves[at], (rt->rt_nleaves - at) * sizeof(*rt->rt_leaves));
	memmove(&rt->rt_keys[at + 1], &rt->rt_keys[at], (rt->rt_nleaves - at) * sizeof(*rt->rt_keys));
	rt->rt_leaves[at] = leaf;
	rt->rt_keys[at] = 0;
	rt->rt_nleaves++;
	return 0;
}

static void xfs_rmapi_remove_leaf(struct xfs_rmap_tree *rt, size_t at)
{
	free(rt->rt_leaves[at]);
	memmove(&rt->rt_leaves[at], &rt->rt_leaves[at + 1],
		(rt->rt_nleaves - at - 1) * sizeof(*rt->rt_leaves));
	memmove(&rt->rt_keys[at], &rt->rt_keys[at + 1], (rt->rt_nleaves - at - 1) * sizeof(*rt->rt_keys));
	rt->rt_nleaves--;
}

/*
 * xfs_rmapi_insert(): @rec goes before the record under the cursor (at the
 * end, for a cursor past it); the cursor then points at @rec.
 */
static int xfs_rmapi_insert(struct xfs_rmap_tree *rt, struct xfs_rmapi_cursor *cur, const struct xfs_rmap_irec *rec)
{
	struct xfs_rmapi_leaf *leaf;

	if (!rt->rt_nleaves) {
		leaf = malloc(sizeof(*leaf));
		if (!leaf || xfs_rmapi_insert_leaf(rt, 0, leaf)) {
			free(leaf);
			return -ENOMEM;
		}
		leaf->nr = 0;
		cur->leaf = cur->pos = 0;
	} else if (cur->leaf >= rt->rt_nleaves) {
		/* append to the last leaf */
		cur->leaf = rt->rt_nleaves - 1;
		cur->pos = rt->rt_leaves[cur->leaf]->nr;
	} else if (cur->pos == 0 && cur->leaf > 0 &&
		   rt->rt_leaves[cur->leaf - 1]->nr < XFS_RMAP_LEAF_RECS) {
		/* before a leaf's first record: the end of the previous leaf has room */
		cur->leaf--;
		cur->pos = rt->rt_leaves[cur->leaf]->nr;
	}
	leaf = rt->rt_leaves[cur->leaf];
	if (leaf->nr == XFS_RMAP_LEAF_RECS) {
		/* split the full leaf in halves */
		struct xfs_rmapi_leaf *right = malloc(sizeof(*right));
		unsigned int half = XFS_RMAP_LEAF_RECS / 2;

		if (!right || xfs_rmapi_insert_leaf(rt, cur->leaf + 1, right)) {
			free(right);
			return -ENOMEM;
		}
		right->nr = XFS_RMAP_LEAF_RECS - half;
		memcpy(right->recs, &leaf->recs[half], right->nr * sizeof(*right->recs));
		leaf->nr = half;
		xfs_rmapi_fix_key(rt, cur->leaf + 1);
		if (cur->pos > half) {
			cur->leaf++;
			cur->pos -= half;
			leaf = right;
		}
	}
	memmove(&leaf->recs[cur->pos + 1], &leaf->recs[cur->pos], (leaf->nr - cur->pos) * sizeof(*leaf->recs));
	leaf->recs[cur->pos] = *rec;
	leaf->nr++;
	rt->rt_nrecs++;
	xfs_rmapi_fix_key(rt, cur->leaf);
	return 0;
}

/*
 * xfs_rmapi_remove(): the record under the cursor goes; the cursor then
 * points at the one after it (or past the end).  A leaf left small is
 * merged into its neighbour.
 */
static void xfs_rmapi_remove(struct xfs_rmap_tree *rt, struct xfs_rmapi_cursor *cur)
{
	struct xfs_rmapi_leaf *leaf = rt->rt_leaves[cur->leaf];

	memmove(&leaf->recs[cur->pos], &leaf->recs[cur->pos + 1], (leaf->nr - cur->pos - 1) * sizeof(*leaf->recs));
	leaf->nr--;
	rt->rt_nrecs--;
	xfs_rmapi_fix_key(rt, cur->leaf);
	if (!leaf->nr) {
		xfs_rmapi_remove_leaf(rt, cur->leaf);
		cur->pos = 0;
		xfs_rmapi_normalize(rt, cur);
		return;
	}
	if (leaf->nr < XFS_RMAP_LEAF_RECS / 4 && cur->leaf + 1 < rt->rt_nleaves &&
	    leaf->nr + rt->rt_leaves[cur->leaf + 1]->nr <= XFS_RMAP_LEAF_RECS) {
		/* the next leaf's records join this one */
		struct xfs_rmapi_leaf *next = rt->rt_leaves[cur->leaf + 1];

		memcpy(&leaf->recs[leaf->nr], next->recs, next->nr * sizeof(*next->recs));
		leaf->nr += next->nr;
		xfs_rmapi_remove_leaf(rt, cur->leaf + 1);
	} else if (leaf->nr < XFS_RMAP_LEAF_RECS / 4 && cur->leaf > 0 &&
		   leaf->nr + rt->rt_leaves[cur->leaf - 1]->nr <= XFS_RMAP_LEAF_RECS) {
		/* this leaf's records join the previous one */
		struct xfs_rmapi_leaf *prev = rt->rt_leaves[cur->leaf - 1];

		memcpy(&prev->recs[prev->nr], leaf->recs, leaf->nr * sizeof(*leaf->recs));
		cur->pos += prev->nr;
		prev->nr += leaf->nr;
		xfs_rmapi_remove_leaf(rt, cur->leaf);
		cur->leaf--;
	}
	xfs_rmapi_normalize(rt, cur);
}

static void xfs_rmapi_destroy(struct xfs_rmap_tree *rt)
{
	for (size_t i = 0; i < rt->rt_nleaves; i++)
		free(xfs_rmapi_leaf_at(rt, i));
	free(rt->rt_leaves);
	free(rt->rt_keys);
	memset(rt, 0, sizeof(*rt));
}

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
