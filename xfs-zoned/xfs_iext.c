// SPDX-License-Identifier: MIT
/*
 * The in-memory extent list of a fork (fs/xfs/libxfs/xfs_iext_tree.c in
 * the kernel, a B+tree of 256-byte nodes).  Here: the two-level tree of
 * xfs_tree.h, leaves of up to XFS_IEXT_LEAF_RECS records in file order
 * keyed by br_startoff.  Random 4 KiB overwrites of a large
 * file leave one extent per block: the sorted array this replaces moved
 * half the fork on every remap.
 */
#include "xfs_zoned.h"
#include "xfs_tree.h"

/* xfs_iext_first() ... xfs_iext_destroy(), declared in xfs_zoned.h. */
XFS_TREE_DEFINE(, xfs_iext, struct xfs_ifork, if_, if_nextents, struct xfs_iext_leaf, struct xfs_iext_cursor,
		struct xfs_bmbt_irec, br_startoff, br_blockcount, XFS_IEXT_LEAF_RECS, 0)
