// SPDX-License-Identifier: MIT
/*
 * The dirty-memory policy options of zwsim writeback and zwsim fs.
 */
#include "dirty_policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "dev.h"

const char zw_dirty_policy_help[] =
	"  --memory BYTES    the simulated machine's memory available for the page\n"
	"                    cache (1G): the dirty thresholds are ratios of it\n"
	"  --dirty-background-ratio PCT   the flusher writes back in the background\n"
	"                    past PCT% of it dirty (10)\n"
	"  --dirty-ratio PCT writers wait past PCT% dirty or under writeback (20)\n"
	"  --writeback-interval MS  the periodic flusher's interval in virtual time\n"
	"                    (5000; 0: off)\n"
	"  --dirty-expire MS what the periodic flusher writes: dirty that long (30000)\n";

void zw_dirty_policy_init(struct zw_dirty_policy *p)
{
	/* vm.dirty_background_ratio, vm.dirty_ratio, dirty_writeback_centisecs, dirty_expire_centisecs */
	*p = (struct zw_dirty_policy){
		.memory = 1ull << 30, .background_ratio = 10, .ratio = 20,
		.interval_ms = 5000, .expire_ms = 30000,
	};
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

int zw_dirty_policy_option(struct zw_dirty_policy *p, const char *cmd, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case ZW_OPT_MEMORY:
		if (zw_spec_size(arg, &v) || !v) {
			fprintf(stderr, "zwsim %s: --memory %s: a size such as 1G or 6442450944\n", cmd, arg);
			return -1;
		}
		p->memory = v;
		return 1;
	case ZW_OPT_DIRTY_BACKGROUND_RATIO:
	case ZW_OPT_DIRTY_RATIO:
		if (parse_u64(arg, &v) || v > 100) {
			fprintf(stderr, "zwsim %s: --%s %s: a percentage, 0 to 100\n", cmd,
				c == ZW_OPT_DIRTY_RATIO ? "dirty-ratio" : "dirty-background-ratio", arg);
			return -1;
		}
		*(c == ZW_OPT_DIRTY_RATIO ? &p->ratio : &p->background_ratio) = v;
		return 1;
	case ZW_OPT_WRITEBACK_INTERVAL:
	case ZW_OPT_DIRTY_EXPIRE:
		if (parse_u64(arg, &v) || v > UINT64_MAX / 1000000) {
			fprintf(stderr, "zwsim %s: --%s %s: a number of milliseconds\n", cmd,
				c == ZW_OPT_DIRTY_EXPIRE ? "dirty-expire" : "writeback-interval", arg);
			return -1;
		}
		*(c == ZW_OPT_DIRTY_EXPIRE ? &p->expire_ms : &p->interval_ms) = v;
		return 1;
	}
	return 0;
}

void zw_dirty_policy_apply(const struct zw_dirty_policy *p, struct mm_ctx *mm)
{
	/*
	 * domain_dirty_limits(): the ratios per PAGE_SIZE (so 20% is 819/4096),
	 * times the pages available; a background threshold not below the
	 * dirty one is half of it.
	 */
	uint64_t pages = p->memory / PAGE_SIZE;
	uint64_t ratio = p->ratio * PAGE_SIZE / 100, bg_ratio = p->background_ratio * PAGE_SIZE / 100;
	uint64_t thresh = ratio * pages / PAGE_SIZE, bg_thresh = bg_ratio * pages / PAGE_SIZE;

	if (bg_thresh >= thresh)
		bg_thresh = thresh / 2;
	mm->dirty_background_pages = bg_thresh;
	mm->dirty_limit_pages = thresh;
	mm->writeback_interval_ns = p->interval_ms * 1000000ull;
	mm->next_flush_ns = mm->writeback_interval_ns;
	mm->dirty_expire_ns = p->expire_ms * 1000000ull;
}
