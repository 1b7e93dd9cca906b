// SPDX-License-Identifier: MIT
/*
 * The in-memory extent list of a fork (fs/xfs/libxfs/xfs_iext_tree.c in
 * the kernel, a B+tree of 256-byte nodes).  Here: two levels, leaves of up
 * to XFS_IEXT_LEAF_RECS records in file order and a sorted array of the
 * leaves above them.  A lookup is two binary searches; an insert or a
 * removal moves at most one leaf's records (and, when a leaf splits or
 * goes, the leaf pointers after it).  Random 4 KiB overwrites of a large
 * file leave one extent per block: the sorted array this replaces moved
 * half the fork on every remap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xfs_zoned.h"

static struct xfs_iext_leaf *xfs_iext_leaf_at(const struct xfs_ifork *ifp, size_t i)
{
	return ifp->if_leaves[i];
}

/* The leaf's key (its first record's offset) kept next to the others, for the search. */
static void xfs_iext_fix_key(struct xfs_ifork *ifp, size_t i)
{
	if (i < ifp->if_nleaves && ifp->if_leaves[i]->nr)
		ifp->if_keys[i] = ifp->if_leaves[i]->recs[0].br_startoff;
}

/*
 * The leaf whose records cover @bno: the last one starting at or before it
 * (or the first).  Branch-free halving: the compiler makes the step a
 * conditional move, and the search costs no mispredicted branches.
 */
static size_t xfs_iext_find_leaf(const struct xfs_ifork *ifp, uint64_t bno)
{
	const uint64_t *keys = ifp->if_keys;
	size_t base = 0, n = ifp->if_nleaves;

	while (n > 1) {
		size_t half = n / 2;

		base = keys[base + half] <= bno ? base + half : base;
		n -= half;
	}
	return base;
}

/* In @leaf, the first record ending after @bno (nr if none); branch-free as above. */
static unsigned int xfs_iext_find_rec(const struct xfs_iext_leaf *leaf, uint64_t bno)
{
	const struct xfs_bmbt_irec *r = leaf->recs;
	unsigned int base = 0, n = leaf->nr;

	if (!n)
		return 0;
	while (n > 1) {
		unsigned int half = n / 2;

		base = r[base + half - 1].br_startoff + r[base + half - 1].br_blockcount <= bno ? base + half : base;
		n -= half;
	}
	return base + (r[base].br_startoff + r[base].br_blockcount <= bno);
}

/* A cursor past the end of a leaf moves to the start of the next one. */
static void xfs_iext_normalize(const struct xfs_ifork *ifp, struct xfs_iext_cursor *cur)
{
	while (cur->leaf < ifp->if_nleaves && cur->pos >= ifp->if_leaves[cur->leaf]->nr) {
		cur->leaf++;
		cur->pos = 0;
	}
}

void xfs_iext_first(const struct xfs_ifork *ifp, struct xfs_iext_cursor *cur)
{
	cur->leaf = 0;
	cur->pos = 0;
	xfs_iext_normalize(ifp, cur);
}

void xfs_iext_last(const struct xfs_ifork *ifp, struct xfs_iext_cursor *cur)
{
	if (!ifp->if_nleaves) {
		cur->leaf = 0;
		cur->pos = 0;
		return;
	}
	cur->leaf = ifp->if_nleaves - 1;
	cur->pos = ifp->if_leaves[cur->leaf]->nr - 1;
}

void xfs_iext_next(const struct xfs_ifork *ifp, struct xfs_iext_cursor *cur)
{
	cur->pos++;
	xfs_iext_normalize(ifp, cur);
}

/* Before the first extent, the cursor is past the end (invalid). */
void xfs_iext_prev(const struct xfs_ifork *ifp, struct xfs_iext_cursor *cur)
{
	if (cur->leaf >= ifp->if_nleaves) {
		xfs_iext_last(ifp, cur);
		if (!ifp->if_nleaves)
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
	cur->pos = ifp->if_leaves[cur->leaf]->nr - 1;
}

const struct xfs_bmbt_irec *xfs_iext_rec(const struct xfs_ifork *ifp, const struct xfs_iext_cursor *cur)
{
	if (cur->leaf >= ifp->if_nleaves || cur->pos >= ifp->if_leaves[cur->leaf]->nr)
		return NULL;
	return &ifp->if_leaves[cur->leaf]->recs[cur->pos];
}

bool xfs_iext_get_extent(const struct xfs_ifork *ifp, const struct xfs_iext_cursor *cur,
			 struct xfs_bmbt_irec *got)
{
	const struct xfs_bmbt_irec *r = xfs_iext_rec(ifp, cur);

	if (!r)
		return false;
	*got = *r;
	return true;
}

/* Replace the record under the cursor; the caller keeps the fork sorted. */
void xfs_iext_update_extent(struct xfs_ifork *ifp, const struct xfs_iext_cursor *cur,
			    const struct xfs_bmbt_irec *rec)
{
	ifp->if_leaves[cur->leaf]->recs[cur->pos] = *rec;
	if (!cur->pos)
		ifp->if_keys[cur->leaf] = rec->br_startoff;
}

/*
 * xfs_iext_lookup_extent(): the extent containing @bno, else the first one
 * after it; false (the cursor past the end) if there is none.
 */
bool xfs_iext_lookup_extent(const struct xfs_ifork *ifp, uint64_t bno, struct xfs_iext_cursor *cur,
			    struct xfs_bmbt_irec *got)
{
	if (!ifp->if_nleaves) {
		cur->leaf = cur->pos = 0;
		return false;
	}
	cur->leaf = xfs_iext_find_leaf(ifp, bno);
	cur->pos = xfs_iext_find_rec(ifp->if_leaves[cur->leaf], bno);
	xfs_iext_normalize(ifp, cur);
	return got ? xfs_iext_get_extent(ifp, cur, got) : xfs_iext_rec(ifp, cur) != NULL;
}

/* xfs_iext_lookup_extent_before(): the last extent starting before @end; false if none. */
bool xfs_iext_lookup_extent_before(const struct xfs_ifork *ifp, uint64_t end, struct xfs_iext_cursor *cur,
				   struct xfs_bmbt_irec *got)
{
	struct xfs_bmbt_irec r;

	if (!end)
		return false;
	if (xfs_iext_lookup_extent(ifp, end - 1, cur, &r) && r.br_startoff < end) {
		if (got)
			*got = r;
		return true;
	}
	xfs_iext_prev(ifp, cur);
	return got ? xfs_iext_get_extent(ifp, cur, got) : xfs_iext_rec(ifp, cur) != NULL;
}

static int xfs_iext_insert_leaf(struct xfs_ifork *ifp, size_t at, struct xfs_iext_leaf *leaf)
{
	if (ifp->if_nleaves == ifp->if_maxleaves) {
		size_t max = ifp->if_maxleaves ? ifp->if_maxleaves * 2 : 4;
		struct xfs_iext_leaf **n = realloc(ifp->if_leaves, max * sizeof(*n));
		uint64_t *k;

		if (!n)
			return -ENOMEM;
		ifp->if_leaves = n;
		k = realloc(ifp->if_keys, max * sizeof(*k));
		if (!k)
			return -ENOMEM;
		ifp->if_keys = k;
		ifp->if_maxleaves = max;
	}
	memmove(&ifp->if_leaves[at + 1], &ifp->if_leaves[at], (ifp->if_nleaves - at) * sizeof(*ifp->if_leaves));
	memmove(&ifp->if_keys[at + 1], &ifp->if_keys[at], (ifp->if_nleaves - at) * sizeof(*ifp->if_keys));
	ifp->if_leaves[at] = leaf;
	ifp->if_keys[at] = 0;
	ifp->if_nleaves++;
	return 0;
}

static void xfs_iext_remove_leaf(struct xfs_ifork *ifp, size_t at)
{
	free(ifp->if_leaves[at]);
	memmove(&ifp->if_leaves[at], &ifp->if_leaves[at + 1],
		(ifp->if_nleaves - at - 1) * sizeof(*ifp->if_leaves));
	memmove(&ifp->if_keys[at], &ifp->if_keys[at + 1], (ifp->if_nleaves - at - 1) * sizeof(*ifp->if_keys));
	ifp->if_nleaves--;
}

/*
 * xfs_iext_insert(): @rec goes before the record under the cursor (at the
 * end, for a cursor past it); the cursor then points at @rec.
 */
int xfs_iext_insert(struct xfs_ifork *ifp, struct xfs_iext_cursor *cur, const struct xfs_bmbt_irec *rec)
{
	struct xfs_iext_leaf *leaf;

	if (!ifp->if_nleaves) {
		leaf = malloc(sizeof(*leaf));
		if (!leaf || xfs_iext_insert_leaf(ifp, 0, leaf)) {
			free(leaf);
			return -ENOMEM;
		}
		leaf->nr = 0;
		cur->leaf = cur->pos = 0;
	} else if (cur->leaf >= ifp->if_nleaves) {
		/* append to the last leaf */
		cur->leaf = ifp->if_nleaves - 1;
		cur->pos = ifp->if_leaves[cur->leaf]->nr;
	} else if (cur->pos == 0 && cur->leaf > 0 &&
		   ifp->if_leaves[cur->leaf - 1]->nr < XFS_IEXT_LEAF_RECS) {
		/* before a leaf's first record: the end of the previous leaf has room */
		cur->leaf--;
		cur->pos = ifp->if_leaves[cur->leaf]->nr;
	}
	leaf = ifp->if_leaves[cur->leaf];
	if (leaf->nr == XFS_IEXT_LEAF_RECS) {
		/* split the full leaf in halves */
		struct xfs_iext_leaf *right = malloc(sizeof(*right));
		unsigned int half = XFS_IEXT_LEAF_RECS / 2;

		if (!right || xfs_iext_insert_leaf(ifp, cur->leaf + 1, right)) {
			free(right);
			return -ENOMEM;
		}
		right->nr = XFS_IEXT_LEAF_RECS - half;
		memcpy(right->recs, &leaf->recs[half], right->nr * sizeof(*right->recs));
		leaf->nr = half;
		xfs_iext_fix_key(ifp, cur->leaf + 1);
		if (cur->pos > half) {
			cur->leaf++;
			cur->pos -= half;
			leaf = right;
		}
	}
	memmove(&leaf->recs[cur->pos + 1], &leaf->recs[cur->pos], (leaf->nr - cur->pos) * sizeof(*leaf->recs));
	leaf->recs[cur->pos] = *rec;
	leaf->nr++;
	ifp->if_nextents++;
	xfs_iext_fix_key(ifp, cur->leaf);
	return 0;
}

/*
 * xfs_iext_remove(): the record under the cursor goes; the cursor then
 * points at the one after it (or past the end).  A leaf left small is
 * merged into its neighbour.
 */
void xfs_iext_remove(struct xfs_ifork *ifp, struct xfs_iext_cursor *cur)
{
	struct xfs_iext_leaf *leaf = ifp->if_leaves[cur->leaf];

	memmove(&leaf->recs[cur->pos], &leaf->recs[cur->pos + 1], (leaf->nr - cur->pos - 1) * sizeof(*leaf->recs));
	leaf->nr--;
	ifp->if_nextents--;
	xfs_iext_fix_key(ifp, cur->leaf);
	if (!leaf->nr) {
		xfs_iext_remove_leaf(ifp, cur->leaf);
		cur->pos = 0;
		xfs_iext_normalize(ifp, cur);
		return;
	}
	if (leaf->nr < XFS_IEXT_LEAF_RECS / 4 && cur->leaf + 1 < ifp->if_nleaves &&
	    leaf->nr + ifp->if_leaves[cur->leaf + 1]->nr <= XFS_IEXT_LEAF_RECS) {
		/* the next leaf's records join this one */
		struct xfs_iext_leaf *next = ifp->if_leaves[cur->leaf + 1];

		memcpy(&leaf->recs[leaf->nr], next->recs, next->nr * sizeof(*next->recs));
		leaf->nr += next->nr;
		xfs_iext_remove_leaf(ifp, cur->leaf + 1);
	} else if (leaf->nr < XFS_IEXT_LEAF_RECS / 4 && cur->leaf > 0 &&
		   leaf->nr + ifp->if_leaves[cur->leaf - 1]->nr <= XFS_IEXT_LEAF_RECS) {
		/* this leaf's records join the previous one */
		struct xfs_iext_leaf *prev = ifp->if_leaves[cur->leaf - 1];

		memcpy(&prev->recs[prev->nr], leaf->recs, leaf->nr * sizeof(*leaf->recs));
		cur->pos += prev->nr;
		prev->nr += leaf->nr;
		xfs_iext_remove_leaf(ifp, cur->leaf);
		cur->leaf--;
	}
	xfs_iext_normalize(ifp, cur);
}

void xfs_iext_destroy(struct xfs_ifork *ifp)
{
	for (size_t i = 0; i < ifp->if_nleaves; i++)
		free(xfs_iext_leaf_at(ifp, i));
	free(ifp->if_leaves);
	free(ifp->if_keys);
	memset(ifp, 0, sizeof(*ifp));
}
