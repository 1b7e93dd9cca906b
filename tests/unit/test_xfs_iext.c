// SPDX-License-Identifier: MIT
/*
 * The fork's extent tree (xfs-zoned/xfs_iext.c) against a plain sorted
 * array doing the same operations (the model's fork before the tree), on
 * random inserts with merging, removals with splits, and lookups; the
 * reverse map (xfs-zoned/xfs_rmap.c) against a per-block owner table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../xfs-zoned/xfs_zoned.h"

/* --- the reference: a sorted array ---------------------------------------- */

struct ref_fork {
	struct xfs_bmbt_irec ext[8192];
	size_t n;
};

static const struct xfs_mount *ref_mp;

static bool ref_contiguous(const struct xfs_bmbt_irec *l, const struct xfs_bmbt_irec *r, bool df)
{
	return l->br_startoff + l->br_blockcount == r->br_startoff &&
	       l->br_startblock + l->br_blockcount == r->br_startblock &&
	       l->br_blockcount + r->br_blockcount <= XFS_MAX_BMBT_EXTLEN &&
	       (!df || xfs_rtb_to_rtg(ref_mp, l->br_startblock) == xfs_rtb_to_rtg(ref_mp, r->br_startblock));
}

static void ref_insert_raw(struct ref_fork *f, size_t pos, struct xfs_bmbt_irec rec)
{
	memmove(&f->ext[pos + 1], &f->ext[pos], (f->n - pos) * sizeof(rec));
	f->ext[pos] = rec;
	f->n++;
}

static void ref_insert(struct ref_fork *f, struct xfs_bmbt_irec rec, bool df)
{
	size_t pos = 0;

	while (pos < f->n && f->ext[pos].br_startoff < rec.br_startoff)
		pos++;
	if (pos > 0 && ref_contiguous(&f->ext[pos - 1], &rec, df)) {
		f->ext[pos - 1].br_blockcount += rec.br_blockcount;
		if (pos < f->n && ref_contiguous(&f->ext[pos - 1], &f->ext[pos], df)) {
			f->ext[pos - 1].br_blockcount += f->ext[pos].br_blockcount;
			memmove(&f->ext[pos], &f->ext[pos + 1], (f->n - pos - 1) * sizeof(rec));
			f->n--;
		}
		return;
	}
	if (pos < f->n && ref_contiguous(&rec, &f->ext[pos], df)) {
		f->ext[pos].br_startoff = rec.br_startoff;
		f->ext[pos].br_startblock = rec.br_startblock;
		f->ext[pos].br_blockcount += rec.br_blockcount;
		return;
	}
	ref_insert_raw(f, pos, rec);
}

static uint64_t ref_freed[2][16384];
static size_t ref_nfreed[2];
static int which;	/* 0: the tree's frees, 1: the reference's */

static void record_freed(struct xfs_mount *mp, uint64_t startblock, uint64_t n)
{
	(void)mp;
	assert_true(ref_nfreed[which] + 2 <= 16384);
	ref_freed[which][ref_nfreed[which]++] = startblock;
	ref_freed[which][ref_nfreed[which]++] = n;
}

static void ref_remove(struct ref_fork *f, uint64_t off, uint64_t len)
{
	uint64_t end = off + len;

	for (size_t i = 0; i < f->n;) {
		struct xfs_bmbt_irec *r = &f->ext[i];
		uint64_t rend = r->br_startoff + r->br_blockcount;
		uint64_t s = r->br_startoff > off ? r->br_startoff : off;
		uint64_t e = rend < end ? rend : end;

		if (s >= e) {
			i++;
			continue;
		}
		record_freed(NULL, r->br_startblock + (s - r->br_startoff), e - s);
		if (s > r->br_startoff && e < rend) {
			struct xfs_bmbt_irec tail = {
				.br_startoff = e, .br_blockcount = rend - e,
				.br_startblock = r->br_startblock + (e - r->br_startoff),
			};

			r->br_blockcount = s - r->br_startoff;
			ref_insert_raw(f, i + 1, tail);
			return;
		}
		if (s > r->br_startoff) {
			r->br_blockcount = s - r->br_startoff;
			i++;
		} else if (e < rend) {
			r->br_startblock += e - r->br_startoff;
			r->br_blockcount = rend - e;
			r->br_startoff = e;
			i++;
		} else {
			memmove(r, r + 1, (f->n - i - 1) * sizeof(*r));
			f->n--;
		}
	}
}

/* --- comparing ------------------------------------------------------------ */

static void assert_same(const struct xfs_ifork *ifp, const struct ref_fork *ref)
{
	struct xfs_iext_cursor cur;
	struct xfs_bmbt_irec got;
	size_t i = 0;

	assert_int_equal(ifp->if_nextents, ref->n);
	for_each_xfs_iext(ifp, &cur, &got) {
		assert_true(i < ref->n);
		assert_int_equal(got.br_startoff, ref->ext[i].br_startoff);
		assert_int_equal(got.br_blockcount, ref->ext[i].br_blockcount);
		assert_int_equal(got.br_startblock, ref->ext[i].br_startblock);
		i++;
	}
	assert_int_equal(i, ref->n);
	/* backwards too */
	xfs_iext_last(ifp, &cur);
	while (xfs_iext_get_extent(ifp, &cur, &got)) {
		assert_true(i > 0);
		i--;
		assert_int_equal(got.br_startoff, ref->ext[i].br_startoff);
		xfs_iext_prev(ifp, &cur);
	}
	assert_int_equal(i, 0);
	assert_int_equal(ref_nfreed[0], ref_nfreed[1]);
	assert_memory_equal(ref_freed[0], ref_freed[1], ref_nfreed[0] * sizeof(uint64_t));
}

static void assert_lookups(const struct xfs_ifork *ifp, const struct ref_fork *ref, uint64_t bno)
{
	struct xfs_iext_cursor cur;
	struct xfs_bmbt_irec got;
	size_t i = 0, before = SIZE_MAX;
	bool found;

	/* the extent containing bno, else the first after it */
	while (i < ref->n && ref->ext[i].br_startoff + ref->ext[i].br_blockcount <= bno)
		i++;
	found = xfs_iext_lookup_extent(ifp, bno, &cur, &got);
	assert_int_equal(found, i < ref->n);
	if (found) {
		assert_int_equal(got.br_startoff, ref->ext[i].br_startoff);
		assert_int_equal(got.br_startblock, ref->ext[i].br_startblock);
	}
	/* the last extent starting before bno */
	for (i = 0; i < ref->n && ref->ext[i].br_startoff < bno; i++)
		before = i;
	found = xfs_iext_lookup_extent_before(ifp, bno, &cur, &got);
	assert_int_equal(found, before != SIZE_MAX);
	if (found)
		assert_int_equal(got.br_startoff, ref->ext[before].br_startoff);
}

static uint64_t rnd_state = 88172645463325252ull;

static uint64_t rnd(uint64_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state % n;
}

/* Blocks of file [0, space) mapped or not, per the reference: insert only over holes. */
static bool ref_is_hole(const struct ref_fork *ref, uint64_t off, uint64_t len)
{
	for (size_t i = 0; i < ref->n; i++)
		if (ref->ext[i].br_startoff < off + len &&
		    off < ref->ext[i].br_startoff + ref->ext[i].br_blockcount)
			return false;
	return true;
}

static void run_random(bool df, uint64_t space, unsigned int ops)
{
	static struct ref_fork ref;
	struct xfs_ifork ifp = { 0 };
	/* a fake mount: 8 zones of 64 blocks, zone 0 conventional, capacity 48 blocks */
	struct block_device bdev = { .zone_size = 64 * 8, .nr_zones = 8 };
	struct xfs_rtgroup rtgs[7];
	uint32_t zone_rgno[8];
	struct xfs_mount mp = { .m_bdev = &bdev, .m_blkbb = 8, .m_rtgroups = rtgs, .m_nr_rtgroups = 7,
				.m_zone_rgno = zone_rgno };
	uint64_t next_block = 64;
	size_t max_leaves = 0;

	memset(rtgs, 0, sizeof(rtgs));
	zone_rgno[0] = UINT32_MAX;
	for (unsigned int z = 1; z < 8; z++) {
		zone_rgno[z] = z - 1;
		rtgs[z - 1].rtg_start = 64ull * z;
		rtgs[z - 1].rtg_blocks = 48;
	}
	ref_mp = &mp;
	ref.n = 0;
	ref_nfreed[0] = ref_nfreed[1] = 0;
	for (unsigned int op = 0; op < ops; op++) {
		uint64_t off = rnd(space), len = 1 + rnd(rnd(4) ? 4 : 64);

		if (off + len > space)
			len = space - off;
		if (rnd(3)) {
			/* map a hole: often where the last mapping ended, so extents merge */
			struct xfs_bmbt_irec rec;

			bool replace = rnd(2);

			if (rnd(2) == 0)
				next_block = 64 + rnd(7 * 64 - len);
			rec = (struct xfs_bmbt_irec){ .br_startoff = off, .br_blockcount = len,
						      .br_startblock = next_block };
			next_block += len;
			if (next_block >= 8 * 64 - 64)
				next_block = 64;
			if (replace) {
				/* one call: unmap what is there, map the new extent */
				which = 0;
				xfs_ifork_replace(&ifp, rec, record_freed, df ? &mp : NULL);
				which = 1;
				ref_remove(&ref, off, len);
				ref_insert(&ref, rec, df);
			} else {
				if (!ref_is_hole(&ref, off, len)) {
					which = 0;
					xfs_ifork_remove(&ifp, off, len, record_freed, &mp);
					which = 1;
					ref_remove(&ref, off, len);
				}
				assert_int_equal(xfs_ifork_insert(&ifp, rec, df ? &mp : NULL), 0);
				ref_insert(&ref, rec, df);
			}
		} else {
			which = 0;
			xfs_ifork_remove(&ifp, off, len, record_freed, &mp);
			which = 1;
			ref_remove(&ref, off, len);
		}
		if (ref_nfreed[0] > 8000)
			ref_nfreed[0] = ref_nfreed[1] = 0;
		assert_same(&ifp, &ref);
		assert_lookups(&ifp, &ref, rnd(space + 2));
		if (ifp.if_nleaves > max_leaves)
			max_leaves = ifp.if_nleaves;
	}
	/* a large fork spans many leaves: splits and merges were exercised */
	assert_true(space < 1000 || max_leaves > 8);
	/* remove everything, in pieces */
	for (uint64_t off = 0; off < space; off += 37) {
		which = 0;
		xfs_ifork_remove(&ifp, off, 37, record_freed, &mp);
		which = 1;
		ref_remove(&ref, off, 37);
		if (ref_nfreed[0] > 8000)
			ref_nfreed[0] = ref_nfreed[1] = 0;
		assert_same(&ifp, &ref);
	}
	assert_int_equal(ifp.if_nextents, 0);
	xfs_iext_destroy(&ifp);
}

static void delalloc_forks_match_the_reference(void **state)
{
	(void)state;
	run_random(false, 3000, 20000);
}

static void data_forks_match_the_reference_and_never_merge_across_groups(void **state)
{
	(void)state;
	run_random(true, 3000, 20000);
}

static void a_small_fork_matches_too(void **state)
{
	(void)state;
	run_random(true, 40, 5000);
}

static void one_extent_per_block_then_every_other_block_removed(void **state)
{
	struct xfs_ifork ifp = { 0 };
	struct xfs_iext_cursor cur;
	struct xfs_bmbt_irec got;
	uint64_t n = 0;

	(void)state;
	/* backwards, so no two merge (the disk blocks go the other way) */
	for (uint64_t b = 5000; b-- > 0;)
		assert_int_equal(xfs_ifork_insert(&ifp, (struct xfs_bmbt_irec){
			.br_startoff = b, .br_blockcount = 1, .br_startblock = 100000 - b }, NULL), 0);
	assert_int_equal(ifp.if_nextents, 5000);
	for (uint64_t b = 0; b < 5000; b += 2)
		xfs_ifork_remove(&ifp, b, 1, NULL, NULL);
	assert_int_equal(ifp.if_nextents, 2500);
	for_each_xfs_iext(&ifp, &cur, &got) {
		assert_int_equal(got.br_startoff, 2 * n + 1);
		n++;
	}
	assert_int_equal(n, 2500);
	assert_false(xfs_iext_lookup_extent(&ifp, 5000, &cur, &got));
	assert_true(xfs_iext_lookup_extent(&ifp, 2000, &cur, &got));
	assert_int_equal(got.br_startoff, 2001);
	xfs_ifork_remove(&ifp, 0, 10000, NULL, NULL);
	assert_int_equal(ifp.if_nextents, 0);
	assert_int_equal(ifp.if_nleaves, 0);
	xfs_iext_destroy(&ifp);
}


/* --- the reverse map: per block, who owns it --------------------------------- */

static void rmap_matches_a_per_block_reference(void **state)
{
	enum { BLOCKS = 2048 };
	static struct xfs_inode owners[3];
	static struct { struct xfs_inode *owner; uint64_t off; } ref[BLOCKS];
	struct xfs_rmap_tree rt = { 0 };
	size_t max_leaves = 0;

	(void)state;
	memset(ref, 0, sizeof(ref));
	for (unsigned int op = 0; op < 20000; op++) {
		uint64_t start = rnd(BLOCKS), len = 1 + rnd(rnd(4) ? 3 : 40);

		if (start + len > BLOCKS)
			len = BLOCKS - start;
		if (rnd(2)) {
			/* map: only where nothing is mapped (a zone's blocks are written once) */
			struct xfs_inode *ip = &owners[rnd(3)];
			uint64_t off = rnd(2) && start > 0 && ref[start - 1].owner == ip ?
				       ref[start - 1].off + 1 : rnd(100000);
			bool free = true;

			for (uint64_t b = start; b < start + len; b++)
				free &= !ref[b].owner;
			if (!free)
				continue;
			assert_int_equal(xfs_rmap_map_extent(&rt, start, len, ip, off), 0);
			for (uint64_t b = start; b < start + len; b++) {
				ref[b].owner = ip;
				ref[b].off = off + (b - start);
			}
		} else {
			xfs_rmap_unmap_extent(&rt, start, len);
			for (uint64_t b = start; b < start + len; b++)
				ref[b].owner = NULL;
		}
		if (rt.rt_nleaves > max_leaves)
			max_leaves = rt.rt_nleaves;
		/* every block as the reference has it; records maximal (no two could merge) */
		{
			struct xfs_rmapi_cursor cur;
			struct xfs_rmap_irec rec, prev = { 0 };
			uint64_t b = 0, nrecs = 0;

			for (bool ok = xfs_rmap_lookup(&rt, 0, &cur, &rec); ok; ok = xfs_rmap_next(&rt, &cur, &rec)) {
				for (; b < rec.rm_startblock; b++)
					assert_null(ref[b].owner);
				for (; b < rec.rm_startblock + rec.rm_blockcount; b++) {
					assert_ptr_equal(ref[b].owner, rec.rm_owner);
					assert_int_equal(ref[b].off, rec.rm_offset + (b - rec.rm_startblock));
				}
				if (nrecs++)
					assert_false(prev.rm_owner == rec.rm_owner &&
						     prev.rm_startblock + prev.rm_blockcount == rec.rm_startblock &&
						     prev.rm_offset + prev.rm_blockcount == rec.rm_offset);
				prev = rec;
			}
			for (; b < BLOCKS; b++)
				assert_null(ref[b].owner);
			assert_int_equal(nrecs, rt.rt_nrecs);
		}
		/* a lookup finds the record containing the block, or the next one */
		{
			uint64_t b = rnd(BLOCKS), n = b;
			struct xfs_rmapi_cursor cur;
			struct xfs_rmap_irec rec;
			bool found = xfs_rmap_lookup(&rt, b, &cur, &rec);

			while (n < BLOCKS && !ref[n].owner)
				n++;
			assert_int_equal(found, n < BLOCKS);
			if (found) {
				assert_true(rec.rm_startblock <= n && n < rec.rm_startblock + rec.rm_blockcount);
				assert_ptr_equal(rec.rm_owner, ref[n].owner);
			}
		}
	}
	assert_true(max_leaves > 8);
	xfs_rmap_destroy(&rt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delalloc_forks_match_the_reference),
		cmocka_unit_test(data_forks_match_the_reference_and_never_merge_across_groups),
		cmocka_unit_test(a_small_fork_matches_too),
		cmocka_unit_test(one_extent_per_block_then_every_other_block_removed),
		cmocka_unit_test(rmap_matches_a_per_block_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
