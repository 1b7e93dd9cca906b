/* SPDX-License-Identifier: MIT */
/*
 * The dirty-memory policy options that zwsim writeback and zwsim fs share
 * (--memory, --dirty-background-ratio, --dirty-ratio, --writeback-interval,
 * --dirty-expire): one parser, one help text, one place that sets them on
 * the page cache (struct mm_ctx).
 */
#ifndef ZWSIM_DIRTY_POLICY_H
#define ZWSIM_DIRTY_POLICY_H

#include <getopt.h>
#include <stdint.h>

#include "mm.h"

struct zw_dirty_policy {
	uint64_t memory;		/* bytes of the simulated machine */
	uint64_t background_ratio;	/* vm.dirty_background_ratio, percent */
	uint64_t ratio;			/* vm.dirty_ratio, percent */
	uint64_t interval_ms;		/* vm.dirty_writeback_centisecs, in ms; 0: off */
	uint64_t expire_ms;		/* vm.dirty_expire_centisecs, in ms */
};

/* getopt_long() values of the options, above any short option */
enum {
	ZW_OPT_MEMORY = 0x100,
	ZW_OPT_DIRTY_BACKGROUND_RATIO,
	ZW_OPT_DIRTY_RATIO,
	ZW_OPT_WRITEBACK_INTERVAL,
	ZW_OPT_DIRTY_EXPIRE,
};

/* The entries for a command's struct option table. */
#define ZW_DIRTY_POLICY_LONGOPTS \
	{ "memory", required_argument, NULL, ZW_OPT_MEMORY }, \
	{ "dirty-background-ratio", required_argument, NULL, ZW_OPT_DIRTY_BACKGROUND_RATIO }, \
	{ "dirty-ratio", required_argument, NULL, ZW_OPT_DIRTY_RATIO }, \
	{ "writeback-interval", required_argument, NULL, ZW_OPT_WRITEBACK_INTERVAL }, \
	{ "dirty-expire", required_argument, NULL, ZW_OPT_DIRTY_EXPIRE }

/* The lines of --help that describe them. */
extern const char zw_dirty_policy_help[];

/* The kernel's defaults on a 1 GiB machine. */
void zw_dirty_policy_init(struct zw_dirty_policy *p);
/*
 * getopt_long() returned @c with @arg: 1 when it was one of these options
 * (taken), 0 when it is not, -1 after saying on stderr why @arg is wrong
 * ("zwsim CMD: ...").
 */
int zw_dirty_policy_option(struct zw_dirty_policy *p, const char *cmd, int c, const char *arg);
/*
 * Set the policy on @mm (after mm_ctx_init()): the thresholds as
 * domain_dirty_limits() (mm/page-writeback.c) computes them from the
 * ratios and the memory.
 */
void zw_dirty_policy_apply(const struct zw_dirty_policy *p, struct mm_ctx *mm);

#endif
