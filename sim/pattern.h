/* SPDX-License-Identifier: MIT */
/*
 * Self-describing block contents.  A tagged block holds its 64-bit tag, a
 * magic, and filler derived from the tag, so a reader can tell which write
 * put it there and whether it is whole.  The emulated device can keep only
 * the tag (tags mode) and rebuild the bytes on read; both modes read back
 * the same bytes.  Tag 0 is the all-zero block (never written).
 */
#ifndef ZWSIM_PATTERN_H
#define ZWSIM_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZW_TAG_NONE	0ull

/*
 * Tags a zone script writes: the device block the data was addressed to,
 * so the blocks of a write that runs across zone ends stay in sequence.
 */
static inline uint64_t zw_tag_write(uint64_t device_block)
{
	return (1ull << 63) | (device_block & ((1ull << 62) - 1));
}

/* Tags of a zone append: the zone and the append's number in the run. */
static inline uint64_t zw_tag_append(unsigned int zone, uint64_t seq)
{
	return (1ull << 62) | ((uint64_t)zone << 32) | (seq & 0xffffffffull);
}

/*
 * Tags of file data a file-level workload writes: the inode and the file
 * block, so data can be checked wherever the file system put it.
 */
static inline uint64_t zw_tag_file(uint64_t ino, uint64_t file_block)
{
	return (3ull << 62) | ((ino & 0x3fffffull) << 40) | (file_block & ((1ull << 40) - 1));
}

void zw_pattern_fill(void *block, size_t size, uint64_t tag);

/*
 * Tests: the vector loops fill and check with from now on, "avx2" or
 * "sse2" (the default: the widest this CPU has); false, and no change, for
 * one this build or this CPU does not have.
 */
bool zw_pattern_use_loops(const char *name);

/*
 * Decode a block: true with *tag set when it is all zeros (tag 0) or a
 * whole tagged block; false for anything else (torn or foreign data).
 */
bool zw_pattern_decode(const void *block, size_t size, uint64_t *tag);

/*
 * A block written in part (bytes mode): true when each byte is zero or the
 * byte one of the blocks tagged @tags holds at that place (several: a block
 * written in part by more than one file, as a reflinked block rewritten in
 * part).  Weak on purpose: it accepts zeros anywhere, and says nothing of
 * which bytes were written; `zwsim fs --verify`'s oracle checks each byte.
 */
bool zw_pattern_partial_ok(const void *block, size_t size, const uint64_t *tags, size_t nr_tags);

/*
 * True when every byte of the block is 0xFF: what memory-backed null_blk
 * returns for blocks above a zone's write pointer (nullb_fill_pattern()).
 */
bool zw_pattern_is_unwritten_fill(const void *block, size_t size);

#endif
