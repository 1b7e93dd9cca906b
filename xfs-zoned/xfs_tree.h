/* SPDX-License-Identifier: MIT */
/*
 * A two-level sorted tree of extent records, as a template in the spirit
 * of BSD <sys/tree.h>: XFS_TREE_DEFINE() generates the code for one record
 * type into the .c file that expands it, so each tree gets its own typed,
 * inlinable functions (the forks' extents, xfs_iext.c; the rtgroups'
 * reverse maps, xfs_rmap.c).
 *
 * Leaves of up to @maxrecs records, sorted by @key and not overlapping
 * (a record covers [key, key + len)), hang under a sorted array of leaf
 * pointers with, next to it, each leaf's first key.  A lookup is two
 * binary searches; an insert or a removal moves at most one leaf's records
 * (and, when a leaf splits or goes, the leaf pointers after it).
 *
 * The types the template works on (declared by the user):
 *   tree_t: fields fp##leaves (leaf_t **), fp##keys (uint64_t *),
 *           fp##nleaves, fp##maxleaves (size_t) and @count (size_t, the
 *           number of records), fp being the field prefix (if_, rt_);
 *   leaf_t: unsigned int nr; rec_t recs[maxrecs];
 *   cur_t:  size_t leaf; unsigned int pos; (past the end when leaf >=
 *           nleaves; SIZE_MAX before the first record).
 * @attr is the linkage of the generated cursor and update functions
 * (empty: external, declared in a header; or static); the leaf helpers
 * are always static.  @tail_hint (0 or 1): the lookup first checks whether
 * the key is past the last record, for trees mostly searched at their end.
 */
#ifndef XFS_TREE_H
#define XFS_TREE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define XFS_TREE_HELPER static __attribute__((__unused__))

#define XFS_TREE_DEFINE(attr, pfx, tree_t, fp, count, leaf_t, cur_t, rec_t, key, len, maxrecs, tail_hint)	\
													\
/* Set leaf @i's key (its first record's key) in the array the search reads. */			\
XFS_TREE_HELPER void pfx##_fix_key(tree_t *t, size_t i)						\
{													\
	if (i < t->fp##nleaves && t->fp##leaves[i]->nr)						\
		t->fp##keys[i] = t->fp##leaves[i]->recs[0].key;					\
}													\
													\
/*													\
 * The leaf whose records cover @bno: the last one starting at or before it				\
 * (or the first).  Branch-free halving: the compiler makes the step a				\
 * conditional move, and the search costs no mispredicted branches.					\
 */													\
XFS_TREE_HELPER size_t pfx##_find_leaf(const tree_t *t, uint64_t bno)				\
{													\
	const uint64_t *keys = t->fp##keys;								\
	size_t base = 0, n = t->fp##nleaves;								\
													\
	while (n > 1) {											\
		size_t half = n / 2;									\
													\
		base = keys[base + half] <= bno ? base + half : base;					\
		n -= half;										\
	}												\
	return base;											\
}													\
													\
/* In @leaf, the first record ending after @bno (nr if none); branch-free as above. */		\
XFS_TREE_HELPER unsigned int pfx##_find_rec(const leaf_t *leaf, uint64_t bno)			\
{													\
	const rec_t *r = leaf->recs;									\
	unsigned int base = 0, n = leaf->nr;								\
													\
	if (!n)												\
		return 0;										\
	while (n > 1) {											\
		unsigned int half = n / 2;								\
													\
		base = r[base + half - 1].key + r[base + half - 1].len <= bno ? base + half : base;	\
		n -= half;										\
	}												\
	return base + (r[base].key + r[base].len <= bno);						\
}													\
													\
/* Move a cursor past the end of a leaf to the start of the next one. */			\
XFS_TREE_HELPER void pfx##_normalize(const tree_t *t, cur_t *cur)					\
{													\
	while (cur->leaf < t->fp##nleaves && cur->pos >= t->fp##leaves[cur->leaf]->nr) {		\
		cur->leaf++;										\
		cur->pos = 0;										\
	}												\
}													\
													\
/* Point the cursor at the first record (past the end if none). */				\
attr void pfx##_first(const tree_t *t, cur_t *cur)							\
{													\
	cur->leaf = 0;											\
	cur->pos = 0;											\
	pfx##_normalize(t, cur);									\
}													\
													\
/* Point the cursor at the last record (leaf 0, pos 0 if none). */				\
attr void pfx##_last(const tree_t *t, cur_t *cur)							\
{													\
	if (!t->fp##nleaves) {										\
		cur->leaf = 0;										\
		cur->pos = 0;										\
		return;											\
	}												\
	cur->leaf = t->fp##nleaves - 1;									\
	cur->pos = t->fp##leaves[cur->leaf]->nr - 1;							\
}													\
													\
/* Step the cursor to the next record. */							\
attr void pfx##_next(const tree_t *t, cur_t *cur)							\
{													\
	cur->pos++;											\
	pfx##_normalize(t, cur);									\
}													\
													\
/* Step the cursor to the previous record; before the first, it is past the end (invalid). */	\
attr void pfx##_prev(const tree_t *t, cur_t *cur)							\
{													\
	if (cur->leaf >= t->fp##nleaves) {								\
		pfx##_last(t, cur);									\
		if (!t->fp##nleaves)									\
			cur->leaf = SIZE_MAX;								\
		return;											\
	}												\
	if (cur->pos > 0) {										\
		cur->pos--;										\
		return;											\
	}												\
	if (cur->leaf == 0) {										\
		cur->leaf = SIZE_MAX;									\
		return;											\
	}												\
	cur->leaf--;											\
	cur->pos = t->fp##leaves[cur->leaf]->nr - 1;							\
}													\
													\
/* The record under the cursor, NULL if it points at none. */					\
attr const rec_t *pfx##_rec(const tree_t *t, const cur_t *cur)					\
{													\
	if (cur->leaf >= t->fp##nleaves || cur->pos >= t->fp##leaves[cur->leaf]->nr)		\
		return NULL;										\
	return &t->fp##leaves[cur->leaf]->recs[cur->pos];						\
}													\
													\
/* Copy the record under the cursor to @got; false if it points at none. */			\
attr bool pfx##_get_extent(const tree_t *t, const cur_t *cur, rec_t *got)				\
{													\
	const rec_t *r = pfx##_rec(t, cur);								\
													\
	if (!r)												\
		return false;										\
	*got = *r;											\
	return true;											\
}													\
													\
/* Replace the record under the cursor; the caller keeps the tree sorted. */			\
attr void pfx##_update_extent(tree_t *t, const cur_t *cur, const rec_t *rec)			\
{													\
	t->fp##leaves[cur->leaf]->recs[cur->pos] = *rec;						\
	if (!cur->pos)											\
		t->fp##keys[cur->leaf] = rec->key;							\
}													\
													\
/* The record containing @bno, else the first after it; false (the cursor past the end) if none. */ \
attr bool pfx##_lookup_extent(const tree_t *t, uint64_t bno, cur_t *cur, rec_t *got)		\
{													\
	if (!t->fp##nleaves) {										\
		cur->leaf = cur->pos = 0;								\
		return false;										\
	}												\
	if (tail_hint) {										\
		const leaf_t *last = t->fp##leaves[t->fp##nleaves - 1];				\
													\
		if (last->recs[last->nr - 1].key + last->recs[last->nr - 1].len <= bno) {		\
			cur->leaf = t->fp##nleaves;							\
			cur->pos = 0;									\
			return false;									\
		}											\
	}												\
	cur->leaf = pfx##_find_leaf(t, bno);								\
	cur->pos = pfx##_find_rec(t->fp##leaves[cur->leaf], bno);					\
	pfx##_normalize(t, cur);									\
	return got ? pfx##_get_extent(t, cur, got) : pfx##_rec(t, cur) != NULL;			\
}													\
													\
/* The last record starting before @end; false if none. */					\
attr bool pfx##_lookup_extent_before(const tree_t *t, uint64_t end, cur_t *cur, rec_t *got)	\
{													\
	rec_t r;											\
													\
	if (!end)											\
		return false;										\
	if (pfx##_lookup_extent(t, end - 1, cur, &r) && r.key < end) {				\
		if (got)										\
			*got = r;									\
		return true;										\
	}												\
	pfx##_prev(t, cur);										\
	return got ? pfx##_get_extent(t, cur, got) : pfx##_rec(t, cur) != NULL;			\
}													\
													\
/* Put @leaf at index @at of the leaf array (its key is set later); -ENOMEM. */		\
XFS_TREE_HELPER int pfx##_insert_leaf(tree_t *t, size_t at, leaf_t *leaf)				\
{													\
	if (t->fp##nleaves == t->fp##maxleaves) {							\
		size_t max = t->fp##maxleaves ? t->fp##maxleaves * 2 : 4;				\
		leaf_t **n = realloc(t->fp##leaves, max * sizeof(*n));					\
		uint64_t *k;										\
													\
		if (!n)											\
			return -ENOMEM;									\
		t->fp##leaves = n;									\
		k = realloc(t->fp##keys, max * sizeof(*k));						\
		if (!k)											\
			return -ENOMEM;									\
		t->fp##keys = k;									\
		t->fp##maxleaves = max;									\
	}												\
	memmove(&t->fp##leaves[at + 1], &t->fp##leaves[at], (t->fp##nleaves - at) * sizeof(*t->fp##leaves)); \
	memmove(&t->fp##keys[at + 1], &t->fp##keys[at], (t->fp##nleaves - at) * sizeof(*t->fp##keys)); \
	t->fp##leaves[at] = leaf;									\
	t->fp##keys[at] = 0;										\
	t->fp##nleaves++;										\
	return 0;											\
}													\
													\
/* Free leaf @at and close the gap in the leaf array. */					\
XFS_TREE_HELPER void pfx##_remove_leaf(tree_t *t, size_t at)					\
{													\
	free(t->fp##leaves[at]);									\
	memmove(&t->fp##leaves[at], &t->fp##leaves[at + 1],						\
		(t->fp##nleaves - at - 1) * sizeof(*t->fp##leaves));					\
	memmove(&t->fp##keys[at], &t->fp##keys[at + 1], (t->fp##nleaves - at - 1) * sizeof(*t->fp##keys)); \
	t->fp##nleaves--;										\
}													\
													\
/*													\
 * Insert @rec before the record under the cursor (at the end, for a cursor				\
 * past it), splitting a full leaf; the cursor then points at @rec.  -ENOMEM.				\
 */													\
attr int pfx##_insert(tree_t *t, cur_t *cur, const rec_t *rec)					\
{													\
	leaf_t *leaf;											\
													\
	if (!t->fp##nleaves) {										\
		leaf = malloc(sizeof(*leaf));								\
		if (!leaf || pfx##_insert_leaf(t, 0, leaf)) {						\
			free(leaf);									\
			return -ENOMEM;									\
		}											\
		leaf->nr = 0;										\
		cur->leaf = cur->pos = 0;								\
	} else if (cur->leaf >= t->fp##nleaves) {							\
		/* append to the last leaf */								\
		cur->leaf = t->fp##nleaves - 1;								\
		cur->pos = t->fp##leaves[cur->leaf]->nr;						\
	} else if (cur->pos == 0 && cur->leaf > 0 &&							\
		   t->fp##leaves[cur->leaf - 1]->nr < (maxrecs)) {					\
		/* before a leaf's first record: the end of the previous leaf has room */		\
		cur->leaf--;										\
		cur->pos = t->fp##leaves[cur->leaf]->nr;						\
	}												\
	leaf = t->fp##leaves[cur->leaf];								\
	if (leaf->nr == (maxrecs)) {									\
		/* split the full leaf in halves */							\
		leaf_t *right = malloc(sizeof(*right));							\
		unsigned int half = (maxrecs) / 2;							\
													\
		if (!right || pfx##_insert_leaf(t, cur->leaf + 1, right)) {				\
			free(right);									\
			return -ENOMEM;									\
		}											\
		right->nr = (maxrecs) - half;								\
		memcpy(right->recs, &leaf->recs[half], right->nr * sizeof(*right->recs));		\
		leaf->nr = half;									\
		pfx##_fix_key(t, cur->leaf + 1);							\
		if (cur->pos > half) {									\
			cur->leaf++;									\
			cur->pos -= half;								\
			leaf = right;									\
		}											\
	}												\
	memmove(&leaf->recs[cur->pos + 1], &leaf->recs[cur->pos], (leaf->nr - cur->pos) * sizeof(*leaf->recs)); \
	leaf->recs[cur->pos] = *rec;									\
	leaf->nr++;											\
	t->count++;											\
	pfx##_fix_key(t, cur->leaf);									\
	return 0;											\
}													\
													\
/*													\
 * Remove the record under the cursor, merging a leaf left small into a				\
 * neighbour; the cursor then points at the one after it (or past the end).				\
 */													\
attr void pfx##_remove(tree_t *t, cur_t *cur)							\
{													\
	leaf_t *leaf = t->fp##leaves[cur->leaf];							\
													\
	memmove(&leaf->recs[cur->pos], &leaf->recs[cur->pos + 1], (leaf->nr - cur->pos - 1) * sizeof(*leaf->recs)); \
	leaf->nr--;											\
	t->count--;											\
	pfx##_fix_key(t, cur->leaf);									\
	if (!leaf->nr) {										\
		pfx##_remove_leaf(t, cur->leaf);							\
		cur->pos = 0;										\
		pfx##_normalize(t, cur);								\
		return;											\
	}												\
	if (leaf->nr < (maxrecs) / 4 && cur->leaf + 1 < t->fp##nleaves &&				\
	    leaf->nr + t->fp##leaves[cur->leaf + 1]->nr <= (maxrecs)) {				\
		/* the next leaf's records join this one */						\
		leaf_t *next = t->fp##leaves[cur->leaf + 1];						\
													\
		memcpy(&leaf->recs[leaf->nr], next->recs, next->nr * sizeof(*next->recs));		\
		leaf->nr += next->nr;									\
		pfx##_remove_leaf(t, cur->leaf + 1);							\
	} else if (leaf->nr < (maxrecs) / 4 && cur->leaf > 0 &&					\
		   leaf->nr + t->fp##leaves[cur->leaf - 1]->nr <= (maxrecs)) {				\
		/* this leaf's records join the previous one */						\
		leaf_t *prev = t->fp##leaves[cur->leaf - 1];						\
													\
		memcpy(&prev->recs[prev->nr], leaf->recs, leaf->nr * sizeof(*leaf->recs));		\
		cur->pos += prev->nr;									\
		prev->nr += leaf->nr;									\
		pfx##_remove_leaf(t, cur->leaf);							\
		cur->leaf--;										\
	}												\
	pfx##_normalize(t, cur);									\
}													\
													\
/* Free all leaves and arrays; the tree is empty (zeroed) again. */				\
attr void pfx##_destroy(tree_t *t)									\
{													\
	for (size_t i = 0; i < t->fp##nleaves; i++)							\
		free(t->fp##leaves[i]);									\
	free(t->fp##leaves);										\
	free(t->fp##keys);										\
	memset(t, 0, sizeof(*t));									\
}

#endif /* XFS_TREE_H */
