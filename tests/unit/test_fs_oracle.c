// SPDX-License-Identifier: MIT
/*
 * The oracle of `zwsim fs --verify` (tools/fs_oracle.c) against a fake
 * file system whose files are byte arrays the test writes: what a correct
 * file system leaves passes, and each kind of wrong content fails with a
 * message naming the file, the byte, what was expected and what was found:
 * a lost range (zeros where data was written), another file's data, a
 * shifted block, stale data a truncate and an extension must have zeroed,
 * data of an unlinked inode, a wrong size; a failed call records nothing,
 * a short write only what it returned; what a writeback error may have
 * lost is not checked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_oracle.h"
#include "pattern.h"

#define BS 4096u
#define MAXF 8

/* The fake file system: what reads back, whatever the oracle thinks. */
struct fake_file {
	char name[64];
	bool exists;
	uint64_t ino, size;
	uint8_t *data;	/* size bytes */
};

static struct fake_file fake[MAXF];
static uint64_t next_ino = 128;
static struct fs_oracle o;
static char err[512];

static struct fake_file *ff(const char *name)
{
	for (int i = 0; i < MAXF; i++)
		if (fake[i].exists && !strcmp(fake[i].name, name))
			return &fake[i];
	return NULL;
}

static int fake_stat(void *arg, const char *name, uint64_t *ino, uint64_t *size)
{
	struct fake_file *f = ff(name);

	(void)arg;
	if (!f)
		return -ENOENT;
	*ino = f->ino;
	*size = f->size;
	return 0;
}

static ssize_t fake_read(void *arg, const char *name, uint64_t off, size_t len, void *buf)
{
	struct fake_file *f = ff(name);

	(void)arg;
	if (!f)
		return -ENOENT;
	if (off >= f->size)
		return 0;
	if (len > f->size - off)
		len = (size_t)(f->size - off);
	memcpy(buf, f->data + off, len);
	return (ssize_t)len;
}

static struct fake_file *fake_create(const char *name)
{
	for (int i = 0; i < MAXF; i++)
		if (!fake[i].exists) {
			free(fake[i].data);
			memset(&fake[i], 0, sizeof(fake[i]));
			snprintf(fake[i].name, sizeof(fake[i].name), "%s", name);
			fake[i].exists = true;
			fake[i].ino = next_ino++;
			return &fake[i];
		}
	fail();
	return NULL;
}

static void fake_size(struct fake_file *f, uint64_t size)
{
	f->data = realloc(f->data, size + 1);
	if (size > f->size)
		memset(f->data + f->size, 0, size - f->size);
	f->size = size;
}

/* Put the bytes of @ino's tagged blocks at [off, off + len) (the file's own data: @ino = its ino). */
static void fake_put(struct fake_file *f, uint64_t ino, uint64_t off, uint64_t len)
{
	uint8_t blk[BS];

	if (off + len > f->size)
		fake_size(f, off + len);
	for (uint64_t x = off; x < off + len; x++) {
		if (x == off || x % BS == 0)
			zw_pattern_fill(blk, BS, zw_tag_file(ino, x / BS));
		f->data[x] = blk[x % BS];
	}
}

static void fake_zero(struct fake_file *f, uint64_t off, uint64_t len)
{
	memset(f->data + off, 0, len);
}

/* A write(2) call the fake file system does right: data in the file, the oracle told. */
static void do_write(const char *name, uint64_t off, uint64_t len)
{
	struct fake_file *f;

	fso_before(&o, name);
	off = fso_write_offset(&o, name, off, false);
	f = ff(name) ? ff(name) : fake_create(name);
	fake_put(f, f->ino, off, len);
	fso_write(&o, name, off, len, (ssize_t)len);
}

static int setup(void **state)
{
	(void)state;
	for (int i = 0; i < MAXF; i++) {
		free(fake[i].data);
		memset(&fake[i], 0, sizeof(fake[i]));
	}
	next_ino = 128;
	fso_init(&o, &(struct fso_fs){ .stat = fake_stat, .read = fake_read }, BS, false, true, true);
	err[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fso_free(&o);
	for (int i = 0; i < MAXF; i++) {
		free(fake[i].data);
		fake[i].data = NULL;
	}
	return 0;
}

static void expect_fail(const char *needle)
{
	assert_int_equal(fso_verify(&o, err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fail_msg("verify said '%s', expected it to say '%s'", err, needle);
}

static void expect_ok(void)
{
	if (fso_verify(&o, err, sizeof(err)))
		fail_msg("verify failed: %s", err);
}

static void test_right_content_verifies(void **state)
{
	(void)state;
	do_write("a", 344749, 130808);	/* sub-block at both ends: zeros before, data after */
	do_write("a", 4096, 100);
	do_write("b", 0, 3 * BS);
	do_write("b", 20000, 5);	/* a gap past EOF: zeros */
	expect_ok();
}

static void test_lost_range_reads_zeros(void **state)
{
	(void)state;
	do_write("a", 0, 4 * BS);
	fake_zero(ff("a"), BS + 10, 100);
	expect_fail("a: byte 4106 (block 1): expected data of ino 128 block 1");
	assert_non_null(strstr(err, "found zeros"));
}

static void test_another_files_data(void **state)
{
	(void)state;
	do_write("a", 0, 4 * BS);
	do_write("b", 0, 4 * BS);
	fake_put(ff("a"), ff("b")->ino, 2 * BS, BS);	/* b's block 2 in a */
	/* the first byte that differs: the tags' inode field */
	expect_fail("a: byte 8197 (block 2): expected data of ino 128 block 2");
	assert_non_null(strstr(err, "found data of ino 129 block 2"));
}

static void test_shifted_block(void **state)
{
	struct fake_file *f;

	(void)state;
	do_write("a", 0, 4 * BS);
	f = ff("a");
	memcpy(f->data + 2 * BS, f->data + BS, BS);	/* block 1's data at block 2 */
	expect_fail("a: byte 8192 (block 2): expected data of ino 128 block 2");
	assert_non_null(strstr(err, "found data of ino 128 block 1"));
}

static void test_stale_data_after_truncate_and_extend(void **state)
{
	(void)state;
	do_write("a", 0, 2 * BS);
	fso_truncate(&o, "a", 5000, 0);	/* the fake keeps the bytes past 5000: stale */
	do_write("a", 3 * BS, BS);	/* the file grows again past them */
	expect_fail("a: byte 5000 (block 1): expected zeros");
	assert_non_null(strstr(err, "found data of ino 128 block 1"));
}

static void test_truncate_and_extend_done_right(void **state)
{
	struct fake_file *f;

	(void)state;
	do_write("a", 0, 2 * BS);
	fso_truncate(&o, "a", 5000, 0);
	f = ff("a");
	f->size = 5000;
	fake_size(f, 8000);
	fso_truncate(&o, "a", 8000, 0);	/* a truncate up: zeros */
	do_write("a", 3 * BS, BS);
	expect_ok();
}

static void test_unlinked_inode_data_in_a_new_file(void **state)
{
	uint64_t old;

	(void)state;
	do_write("a", 0, 2 * BS);
	old = ff("a")->ino;
	fso_unlink(&o, "a", 0);
	ff("a")->exists = false;
	do_write("a", 0, 2 * BS);	/* a new inode */
	fake_put(ff("a"), old, 0, BS);	/* the old inode's block 0 */
	expect_fail("a: byte 5 (block 0): expected data of ino 129 block 0");
	assert_non_null(strstr(err, "found data of ino 128 block 0"));
}

static void test_unlinked_file_still_there(void **state)
{
	(void)state;
	do_write("a", 0, BS);
	fso_unlink(&o, "a", 0);	/* the fake forgot to remove it */
	expect_fail("a: exists");
}

static void test_size_mismatch(void **state)
{
	(void)state;
	do_write("a", 0, 3 * BS);
	ff("a")->size = 2 * BS;
	expect_fail("a: size 8192, expected 12288");
}

static void test_failed_call_records_nothing(void **state)
{
	struct fake_file *f;

	(void)state;
	do_write("a", 0, BS);
	fso_before(&o, "a");
	fso_write(&o, "a", BS, BS, -ENOSPC);	/* the fake did nothing: right */
	expect_ok();
	/* the same failed call, but the file system wrote the data anyway */
	f = ff("a");
	fake_put(f, f->ino, BS, BS);
	expect_fail("a: size 8192, expected 4096");
}

static void test_failed_call_that_wrote_within_the_size(void **state)
{
	struct fake_file *f;

	(void)state;
	do_write("a", 0, 4 * BS);
	fso_write(&o, "a", BS, BS, -EINVAL);	/* refused: block 1 keeps its data */
	f = ff("a");
	fake_zero(f, BS, BS);
	expect_fail("a: byte 4096 (block 1): expected data of ino 128 block 1");
}

static void test_short_write_records_what_it_returned(void **state)
{
	struct fake_file *f;

	(void)state;
	fso_before(&o, "a");
	f = fake_create("a");
	fake_put(f, f->ino, 0, BS);
	fso_write(&o, "a", 0, 2 * BS, BS);	/* asked 2 blocks, wrote one */
	expect_ok();
	fake_put(f, f->ino, BS, BS);	/* but the file has both */
	expect_fail("a: size 8192, expected 4096");
}

static void test_append_writes_at_eof(void **state)
{
	struct fake_file *f;
	uint64_t at;

	(void)state;
	do_write("a", 0, 5000);
	at = fso_write_offset(&o, "a", 0, true);
	assert_int_equal(at, 5000);
	f = ff("a");
	fake_put(f, f->ino, BS, 3000);	/* the fake appends at block 1: wrong */
	fso_write(&o, "a", at, 3000, 3000);
	expect_fail("a: size 7096, expected 8000");
}

static void test_writeback_error_makes_unsynced_data_unknown(void **state)
{
	(void)state;
	do_write("a", 0, 2 * BS);
	fso_fsync(&o, "a", 0);	/* on the device */
	do_write("a", 2 * BS, 2 * BS);
	fso_fsync(&o, "a", -EIO);	/* lost, maybe */
	fake_zero(ff("a"), 2 * BS, 2 * BS);
	expect_ok();
	/* what the successful fsync made durable is still checked */
	fake_zero(ff("a"), 0, 10);	/* bytes 0-4: the block number, 0 anyway */
	expect_fail("a: byte 5 (block 0): expected data of ino 128 block 0");
}

static void test_reflink_copies_the_source(void **state)
{
	struct fake_file *s, *d;

	(void)state;
	do_write("s", 0, 3 * BS);
	do_write("d", 0, 5 * BS);	/* gone with the reflink */
	s = ff("s");
	d = ff("d");
	fso_before(&o, "s");
	fso_before(&o, "d");
	fake_size(d, 0);
	fake_put(d, s->ino, 0, 3 * BS);
	fso_reflink(&o, "s", "d", 0);
	expect_ok();
	do_write("d", BS, 10);	/* d's own data over s's */
	expect_ok();
	fake_put(ff("d"), ff("d")->ino, 2 * BS, BS);	/* d's own data where s's should be */
	expect_fail("d: byte 8197 (block 2): expected data of ino 128 block 2");
	assert_non_null(strstr(err, "found data of ino 129 block 2"));
}

static void test_pre_existing_data_unknown_on_a_used_device(void **state)
{
	struct fake_file *f;

	(void)state;
	fso_free(&o);
	fso_init(&o, &(struct fso_fs){ .stat = fake_stat, .read = fake_read }, BS, false, false, false);
	f = fake_create("cnv/0");	/* there before the run, with old data */
	fake_put(f, 999, 0, 8 * BS);
	do_write("cnv/0", 2 * BS, BS);
	expect_ok();
	fake_zero(f, 2 * BS + 5, 1);
	expect_fail("cnv/0: byte 8197 (block 2)");
}

static void test_tags_mode_whole_blocks(void **state)
{
	(void)state;
	/* data=tags: a block keeps its tag whole, also past a truncate into it */
	fso_free(&o);
	fso_init(&o, &(struct fso_fs){ .stat = fake_stat, .read = fake_read }, BS, true, true, true);
	do_write("a", 0, 2 * BS);
	fso_truncate(&o, "a", 5000, 0);
	fake_size(ff("a"), 3 * BS);	/* block 1 whole: as the tags cache keeps it */
	fso_truncate(&o, "a", 3 * BS, 0);
	expect_ok();
	fake_put(ff("a"), 777, 2 * BS, BS);	/* but no other data where zeros belong */
	expect_fail("a: byte 8192 (block 2): expected zeros");
}

static void test_bytes_mode_is_exact_where_tags_mode_is_not(void **state)
{
	(void)state;
	do_write("a", 0, 2 * BS);
	fso_truncate(&o, "a", 5000, 0);
	fake_size(ff("a"), 3 * BS);	/* stale bytes past 5000 */
	fso_truncate(&o, "a", 3 * BS, 0);
	expect_fail("a: byte 5000 (block 1): expected zeros");
}

/* splitmix64, for the property test */
static uint64_t rnd_next(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * Seeded random writes (any offset and length), truncates down and up and
 * unlinks over two files, done right by the fake: it verifies; then any one
 * byte of either file changed fails, at exactly that byte.
 */
static void test_random_workload_property(void **state)
{
	static const char *const names[] = { "a", "b" };
	uint64_t seed = 42;

	(void)state;
	for (int round = 0; round < 40; round++) {
		teardown(NULL);
		setup(NULL);
		for (int i = 0; i < 30; i++) {
			const char *name = names[rnd_next(&seed) % 2];
			struct fake_file *f = ff(name);
			unsigned int op = (unsigned int)(rnd_next(&seed) % 10);

			if (op < 7 || !f) {
				do_write(name, rnd_next(&seed) % (64 * 1024), 1 + rnd_next(&seed) % (3 * BS));
			} else if (op < 9) {
				uint64_t size = rnd_next(&seed) % (80 * 1024);

				fso_before(&o, name);
				if (size < f->size)
					f->size = size;
				else
					fake_size(f, size);
				fso_truncate(&o, name, size, 0);
			} else {
				fso_before(&o, name);
				f->exists = false;
				fso_unlink(&o, name, 0);
			}
		}
		expect_ok();
		for (int k = 0; k < 2; k++) {
			struct fake_file *f = ff(names[k]);
			uint64_t x;
			char want[64];

			if (!f || !f->size)
				continue;
			x = rnd_next(&seed) % f->size;
			f->data[x] ^= 0x5a;
			snprintf(want, sizeof(want), "%s: byte %llu ", names[k], (unsigned long long)x);
			expect_fail(want);
			f->data[x] ^= 0x5a;
			expect_ok();
		}
	}
}

/* The fs verifies' per-byte check of a block written in part (sim/pattern.c). */
static void test_pattern_partial_ok(void **state)
{
	uint64_t a = zw_tag_file(128, 7), b = zw_tag_file(129, 7), both[2] = { a, b };
	uint8_t blk[BS], other[BS];

	(void)state;
	zw_pattern_fill(blk, BS, a);
	assert_true(zw_pattern_partial_ok(blk, BS, &a, 1));
	assert_false(zw_pattern_partial_ok(blk, BS, &b, 1));
	memset(blk, 0, 1000);	/* zeros then data: a write into the middle of the block */
	memset(blk + 3000, 0, BS - 3000);
	assert_true(zw_pattern_partial_ok(blk, BS, &a, 1));
	zw_pattern_fill(other, BS, b);	/* b's bytes in the head: two files' data */
	memcpy(blk, other, 1000);
	assert_false(zw_pattern_partial_ok(blk, BS, &a, 1));
	assert_true(zw_pattern_partial_ok(blk, BS, both, 2));
	blk[2000] ^= 1;	/* one byte of neither */
	assert_false(zw_pattern_partial_ok(blk, BS, both, 2));
	zw_pattern_fill(other, BS, zw_tag_file(128, 8));	/* the next block's data: shifted */
	assert_false(zw_pattern_partial_ok(other, BS, &a, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_right_content_verifies),
		T(test_lost_range_reads_zeros),
		T(test_another_files_data),
		T(test_shifted_block),
		T(test_stale_data_after_truncate_and_extend),
		T(test_truncate_and_extend_done_right),
		T(test_unlinked_inode_data_in_a_new_file),
		T(test_unlinked_file_still_there),
		T(test_size_mismatch),
		T(test_failed_call_records_nothing),
		T(test_failed_call_that_wrote_within_the_size),
		T(test_short_write_records_what_it_returned),
		T(test_append_writes_at_eof),
		T(test_writeback_error_makes_unsynced_data_unknown),
		T(test_reflink_copies_the_source),
		T(test_pre_existing_data_unknown_on_a_used_device),
		T(test_tags_mode_whole_blocks),
		T(test_bytes_mode_is_exact_where_tags_mode_is_not),
		T(test_pattern_partial_ok),
		T(test_random_workload_property),
#undef T
	};

	return cmocka_run_group_tests_name("fs_oracle", tests, NULL, NULL);
}
