// SPDX-License-Identifier: MIT
/* Device spec strings: "KIND:[PATH,]key=value,...". */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev_internal.h"
#include "dev_profile.h"

const char zw_dev_spec_help[] =
	"Device specs:\n"
	"  emu:KEY=VALUE,...        an emulated zoned device in memory\n"
	"  file:DIR[,KEY=VALUE,...] an emulated device kept in DIR, one file per zone\n"
	"                           (the Linux zloop layout: a sequential zone's file\n"
	"                           size is its write pointer)\n"
	"  zbd:/dev/DEV[,qd=N]      a real zoned block device (libzbd, through the\n"
	"                           kernel's block layer); qd=N: up to N reads and\n"
	"                           writes in flight through io_uring (1: synchronous)\n"
	"  nvme:/dev/ngXnY          an NVMe ZNS namespace through NVMe passthrough\n"
	"                           (native zone append, the device's own status)\n"
	"Keys (sizes in bytes, with an optional k, M, G or T suffix):\n"
	"  model=nullblk|zns|zbc    whose behaviour to follow where devices differ (nullblk)\n"
	"  zones=N                  number of zones (16), or\n"
	"  size=BYTES               device size; a size that is not a multiple of the\n"
	"                           zone size makes a short last zone\n"
	"  zone_size=BYTES          (256M; nullblk needs a power of two)\n"
	"  zone_cap=BYTES           writable part of each zone (= zone_size)\n"
	"  conv=N                   conventional zones at the start (0)\n"
	"  max_open=N max_active=N  zone resource limits (0 = none)\n"
	"  max_append=BYTES         largest zone append (nullblk: zone_cap, zns: 512k;\n"
	"                           0 = no native append; zbc never has one)\n"
	"  max_sectors=N            largest command in sectors (nullblk 255, else 1024)\n"
	"  lba=512|4096|...         logical block size (4096)\n"
	"  seq=req|pref             sequential zones write-required or write-preferred (req)\n"
	"  data=auto|bytes|tags     keep every byte, or only per-block tags (auto:\n"
	"                           bytes up to 16G, tags above)\n"
	"Faults (emulated devices; also injectable from a zone script):\n"
	"  ro=Z[:Z...]  offline=Z[:Z...]   zones made read-only / offline\n"
	"  err=SECTOR:NR[:once][:read|:write]  I/O touching those sectors fails\n"
	"  fail_write=N             the Nth write or append fails\n"
	"Latency (emu: and file:; docs/profiles.md):\n"
	"  profile=NAME|PATH.json   a device profile: each command's latency in virtual\n"
	"                           time (bundled: nullblk, zn540, hm-smr); its geometry\n"
	"                           and limits are the defaults of keys the spec leaves out\n"
	"Regular device (emu: only):\n"
	"  zoned=0                  a non-zoned device, as null_blk's zoned=0: every\n"
	"                           zone conventional (zone_size only shapes the zone\n"
	"                           report); for zwsim fs --fs xfs (zoned=1: default)\n"
	"Example: emu:zones=64,zone_size=256M,zone_cap=192M,conv=4,max_open=14,max_active=14,lba=4096,model=zns\n";

enum zw_key {
	ZW_KEY_MODEL, ZW_KEY_ZONES, ZW_KEY_SIZE, ZW_KEY_ZONE_SIZE, ZW_KEY_ZONE_CAP,
	ZW_KEY_CONV, ZW_KEY_MAX_OPEN, ZW_KEY_MAX_ACTIVE, ZW_KEY_MAX_APPEND,
	ZW_KEY_LBA, ZW_KEY_SEQ, ZW_KEY_DATA, ZW_KEY_RO, ZW_KEY_OFFLINE, ZW_KEY_ERR,
	ZW_KEY_FAIL_WRITE, ZW_KEY_MAX_SECTORS, ZW_KEY_ZONED, ZW_KEY_PROFILE, ZW_NR_KEYS
};

static const char *const key_names[ZW_NR_KEYS] = {
	"model", "zones", "size", "zone_size", "zone_cap", "conv", "max_open",
	"max_active", "max_append", "lba", "seq", "data", "ro", "offline", "err",
	"fail_write", "max_sectors", "zoned", "profile",
};

#define SPEC_ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -EINVAL; } while (0)

int zw_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: break;
	}
	if (shift && (!strcmp(end, "iB") || !strcmp(end, "B")))
		end += strlen(end);
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return -EINVAL;
	*bytes = (uint64_t)v << shift;
	return 0;
}

static int parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end || *v > max ? -EINVAL : 0;
}

static int parse_zone_list(const char *key, const char *val, unsigned int **list,
			   unsigned int *nr, char *err, size_t errlen)
{
	char *copy = strdup(val), *tok, *save = NULL;
	uint64_t z;

	if (!copy)
		SPEC_ERR("out of memory");
	for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		unsigned int *n;

		if (parse_uint(tok, UINT32_MAX, &z)) {
			snprintf(err, errlen, "%s=%s: '%s' is not a zone number (use %s=Z or %s=Z:Z:...)",
				 key, val, tok, key, key);
			free(copy);
			return -EINVAL;
		}
		n = realloc(*list, (*nr + 1) * sizeof(**list));
		if (!n) {
			free(copy);
			SPEC_ERR("out of memory");
		}
		*list = n;
		(*list)[(*nr)++] = (unsigned int)z;
	}
	free(copy);
	if (!*nr)
		SPEC_ERR("%s= needs a zone number", key);
	return 0;
}

static int parse_err_range(struct zw_dev_config *cfg, const char *val, char *err, size_t errlen)
{
	struct zw_fault_range r = { .dir = ZW_FAULT_RW };
	char *copy = strdup(val), *tok, *save = NULL;
	struct zw_fault_range *n;
	uint64_t v;
	int i = 0;

	if (!copy)
		SPEC_ERR("out of memory");
	for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save), i++) {
		if (i == 0 && !parse_uint(tok, UINT64_MAX, &v))
			r.sector = v;
		else if (i == 1 && !parse_uint(tok, UINT32_MAX, &v) && v)
			r.nr = v;
		else if (i >= 2 && !strcmp(tok, "once"))
			r.once = true;
		else if (i >= 2 && !strcmp(tok, "always"))
			r.once = false;
		else if (i >= 2 && !strcmp(tok, "read"))
			r.dir = ZW_FAULT_READ;
		else if (i >= 2 && !strcmp(tok, "write"))
			r.dir = ZW_FAULT_WRITE;
		else
			break;
	}
	free(copy);
	if (tok || i < 2)
		SPEC_ERR("err=%s: expected err=SECTOR:NR_SECTORS[:once|:always][:read|:write]", val);
	n = realloc(cfg->errs, (cfg->nr_errs + 1) * sizeof(*n));
	if (!n)
		SPEC_ERR("out of memory");
	cfg->errs = n;
	cfg->errs[cfg->nr_errs++] = r;
	return 0;
}

static int bad_size(const char *key, const char *val, char *err, size_t errlen)
{
	SPEC_ERR("%s=%s: not a size (bytes, with an optional k, M, G or T suffix, e.g. %s=256M)",
		 key, val, key);
}

static int bad_count(const char *key, const char *val, char *err, size_t errlen)
{
	SPEC_ERR("%s=%s: not a whole number", key, val);
}

int zw_spec_apply(struct zw_dev_config *cfg, const char *kv, char *err, size_t errlen)
{
	const char *eq = strchr(kv, '=');
	char key[32];
	const char *val;
	uint64_t v;
	int k;

	if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof(key))
		SPEC_ERR("'%s' is not KEY=VALUE", kv);
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	val = eq + 1;
	for (k = 0; k < ZW_NR_KEYS; k++)
		if (!strcmp(key, key_names[k]))
			break;
	if (k == ZW_NR_KEYS) {
		char list[256] = "";

		for (int i = 0; i < ZW_NR_KEYS; i++) {
			strcat(list, key_names[i]);
			if (i < ZW_NR_KEYS - 1)
				strcat(list, ", ");
		}
		SPEC_ERR("unknown key '%s' (accepted: %s)", key, list);
	}
	cfg->given |= 1u << k;

	switch ((enum zw_key)k) {
	case ZW_KEY_MODEL:
		if (zone_personality_parse(val, &cfg->geo.model))
			SPEC_ERR("model=%s: accepted values are nullblk, zns, zbc", val);
		break;
	case ZW_KEY_ZONES:
		if (parse_uint(val, 16u << 20, &v) || !v)
			SPEC_ERR("zones=%s: a number of zones from 1 to %u", val, 16u << 20);
		cfg->nr_zones = v;
		break;
	case ZW_KEY_SIZE:
		if (zw_parse_size(val, &v) || !v)
			return bad_size(key, val, err, errlen);
		cfg->geo.capacity = v >> SECTOR_SHIFT;
		if (v % SECTOR_SIZE)
			SPEC_ERR("size=%s: not a multiple of 512 bytes", val);
		break;
	case ZW_KEY_ZONE_SIZE:
	case ZW_KEY_ZONE_CAP:
		if (zw_parse_size(val, &v) || !v)
			return bad_size(key, val, err, errlen);
		if (v % SECTOR_SIZE)
			SPEC_ERR("%s=%s: not a multiple of 512 bytes", key, val);
		if (k == ZW_KEY_ZONE_SIZE)
			cfg->geo.zone_size = v >> SECTOR_SHIFT;
		else
			cfg->geo.zone_capacity = v >> SECTOR_SHIFT;
		break;
	case ZW_KEY_MAX_APPEND:
		if (zw_parse_size(val, &v))
			return bad_size(key, val, err, errlen);
		if (v % SECTOR_SIZE || (v >> SECTOR_SHIFT) > UINT32_MAX)
			SPEC_ERR("max_append=%s: a multiple of 512 bytes below 2T", val);
		cfg->geo.max_append_sectors = (unsigned int)(v >> SECTOR_SHIFT);
		break;
	case ZW_KEY_MAX_SECTORS:
		if (parse_uint(val, 1u << 24, &v) || v < 8)
			SPEC_ERR("max_sectors=%s: the largest command in 512-byte sectors, from 8", val);
		cfg->geo.max_hw_sectors = (unsigned int)v;
		break;
	case ZW_KEY_CONV:
	case ZW_KEY_MAX_OPEN:
	case ZW_KEY_MAX_ACTIVE:
		if (parse_uint(val, UINT32_MAX, &v))
			return bad_count(key, val, err, errlen);
		if (k == ZW_KEY_CONV)
			cfg->geo.nr_conv = (unsigned int)v;
		else if (k == ZW_KEY_MAX_OPEN)
			cfg->geo.max_open = (unsigned int)v;
		else
			cfg->geo.max_active = (unsigned int)v;
		break;
	case ZW_KEY_LBA:
		if (zw_parse_size(val, &v) || v < 512 || v > 65536 || (v & (v - 1)))
			SPEC_ERR("lba=%s: a power of two from 512 to 65536 (usually 512 or 4096)", val);
		cfg->geo.lba_size = (unsigned int)v;
		break;
	case ZW_KEY_SEQ:
		if (!strcmp(val, "req"))
			cfg->geo.seq_pref = false;
		else if (!strcmp(val, "pref"))
			cfg->geo.seq_pref = true;
		else
			SPEC_ERR("seq=%s: accepted values are req (sequential write required) and pref (preferred)", val);
		break;
	case ZW_KEY_DATA:
		cfg->data_auto = !strcmp(val, "auto");
		if (!strcmp(val, "bytes"))
			cfg->data_mode = ZW_DATA_BYTES;
		else if (!strcmp(val, "tags"))
			cfg->data_mode = ZW_DATA_TAGS;
		else if (!cfg->data_auto)
			SPEC_ERR("data=%s: accepted values are auto, bytes, tags", val);
		break;
	case ZW_KEY_RO:
		return parse_zone_list(key, val, &cfg->ro, &cfg->nr_ro, err, errlen);
	case ZW_KEY_OFFLINE:
		return parse_zone_list(key, val, &cfg->offline, &cfg->nr_offline, err, errlen);
	case ZW_KEY_ERR:
		return parse_err_range(cfg, val, err, errlen);
	case ZW_KEY_FAIL_WRITE:
		if (parse_uint(val, UINT64_MAX, &v) || !v)
			SPEC_ERR("fail_write=%s: the number (from 1) of the write that fails", val);
		cfg->fail_write = v;
		break;
	case ZW_KEY_PROFILE:
		free(cfg->profile_name);
		cfg->profile_name = strdup(val);
		if (!cfg->profile_name)
			SPEC_ERR("out of memory");
		break;
	case ZW_KEY_ZONED:
		if (strcmp(val, "0") && strcmp(val, "1"))
			SPEC_ERR("zoned=%s: 1 (a zoned device) or 0 (a regular one, all conventional)", val);
		cfg->geo.nonzoned = !strcmp(val, "0");
		break;
	case ZW_NR_KEYS:
		break;
	}
	return 0;
}

#define GIVEN(cfg, k) ((cfg)->given & (1u << (k)))

static int spec_key(const char *kv)
{
	size_t n = strcspn(kv, "=");

	for (int k = 0; k < ZW_NR_KEYS; k++)
		if (strlen(key_names[k]) == n && !strncmp(kv, key_names[k], n))
			return k;
	return -1;
}

/*
 * profile=: load it, then take its device keys for what the spec leaves
 * out.  The zone size and capacity go together (a spec's zone_size with
 * the profile's zone_cap could not fit), as do zones and size; a regular
 * device (zoned=0) takes no zone keys from it.
 */
static int spec_load_profile(struct zw_dev_config *cfg, char *err, size_t errlen)
{
	uint32_t user = cfg->given;
	char *keys, *tok, *save = NULL;
	int ret;

	ret = dev_profile_load(cfg->profile_name, &cfg->profile, err, errlen);
	if (ret || !cfg->profile->device)
		return ret;
	keys = strdup(cfg->profile->device);
	if (!keys)
		SPEC_ERR("out of memory");
	for (tok = strtok_r(keys, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		int k = spec_key(tok);
		bool pair_zone = (k == ZW_KEY_ZONE_SIZE || k == ZW_KEY_ZONE_CAP) &&
				 (user & (1u << ZW_KEY_ZONE_SIZE | 1u << ZW_KEY_ZONE_CAP));
		bool pair_size = (k == ZW_KEY_ZONES || k == ZW_KEY_SIZE) &&
				 (user & (1u << ZW_KEY_ZONES | 1u << ZW_KEY_SIZE));

		if (k < 0 || (user & (1u << k)) || pair_zone || pair_size)
			continue;
		if (cfg->geo.nonzoned && k != ZW_KEY_LBA && k != ZW_KEY_MAX_SECTORS &&
		    k != ZW_KEY_ZONES && k != ZW_KEY_SIZE)
			continue;
		ret = zw_spec_apply(cfg, tok, err, errlen);
		cfg->from_profile |= 1u << k;
		if (ret) {
			char msg[256];

			snprintf(msg, sizeof(msg), "%s", err);
			snprintf(err, errlen, "%s: device: %s", cfg->profile->path, msg);
		}
	}
	free(keys);
	return ret;
}

int zw_spec_parse(const char *spec, struct zw_dev_config *cfg, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	char *rest, *tok, *save = NULL;
	int ret = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->geo.model = ZONE_MODEL_NULLBLK;
	cfg->geo.lba_size = 4096;
	cfg->geo.zone_size = (256ull << 20) >> SECTOR_SHIFT;
	cfg->data_auto = true;
	cfg->geo.max_append_sectors = UINT32_MAX;	/* resolved per model */

	if (!colon || colon == spec || colon - spec >= (long)sizeof(cfg->kind))
		SPEC_ERR("'%s' is not a device spec: expected KIND:OPTIONS, e.g. emu:zones=16 or file:/tmp/zdev (kinds: emu, file, zbd, nvme)",
			 spec);
	memcpy(cfg->kind, spec, (size_t)(colon - spec));
	cfg->kind[colon - spec] = '\0';
	if (strcmp(cfg->kind, "emu") && strcmp(cfg->kind, "file"))
		SPEC_ERR("unknown device kind '%s' (accepted: emu, file, zbd, nvme)", cfg->kind);
	rest = strdup(colon + 1);
	if (!rest)
		SPEC_ERR("out of memory");
	tok = strtok_r(rest, ",", &save);
	if (!strcmp(cfg->kind, "file")) {
		if (!tok || strchr(tok, '=')) {
			free(rest);
			SPEC_ERR("file: needs a directory first, e.g. file:/var/tmp/zdev,zones=16");
		}
		cfg->path = strdup(tok);
		tok = strtok_r(NULL, ",", &save);
	}
	for (; tok && !ret; tok = strtok_r(NULL, ",", &save))
		ret = zw_spec_apply(cfg, tok, err, errlen);
	free(rest);
	if (!ret && cfg->profile_name)
		ret = spec_load_profile(cfg, err, errlen);
	if (ret)
		zw_spec_free(cfg);
	return ret;
}

int zw_spec_finish(struct zw_dev_config *cfg, char *err, size_t errlen)
{
	struct zone_geometry *g = &cfg->geo;

	if (GIVEN(cfg, ZW_KEY_ZONES) && GIVEN(cfg, ZW_KEY_SIZE))
		SPEC_ERR("give zones= or size=, not both");
	if (!GIVEN(cfg, ZW_KEY_SIZE)) {
		uint64_t n = cfg->nr_zones ? cfg->nr_zones : 16;

		if (g->zone_size > UINT64_MAX / n)
			SPEC_ERR("zones=%" PRIu64 " of zone_size=%" PRIu64 " sectors is too large", n, g->zone_size);
		g->capacity = n * g->zone_size;
	}
	if (!g->zone_capacity)
		g->zone_capacity = g->zone_size;
	if (g->nonzoned) {
		if (strcmp(cfg->kind, "emu"))
			SPEC_ERR("zoned=0: only emu: devices can be regular (non-zoned)");
		if (g->model != ZONE_MODEL_NULLBLK)
			SPEC_ERR("zoned=0: a regular device follows null_blk (model=nullblk)");
		if (GIVEN(cfg, ZW_KEY_CONV) || GIVEN(cfg, ZW_KEY_ZONE_CAP) || GIVEN(cfg, ZW_KEY_MAX_OPEN) ||
		    GIVEN(cfg, ZW_KEY_MAX_ACTIVE) || GIVEN(cfg, ZW_KEY_MAX_APPEND) || GIVEN(cfg, ZW_KEY_SEQ))
			SPEC_ERR("zoned=0: a regular device takes no conv, zone_cap, max_open, max_active, max_append or seq");
	}
	if (g->max_append_sectors == UINT32_MAX) {
		switch (g->model) {
		case ZONE_MODEL_ZNS:
			/* QEMU: ZASL 0 means MDTS, 7 (512 KiB) by default */
			g->max_append_sectors = (512u << 10) >> SECTOR_SHIFT;
			break;
		case ZONE_MODEL_ZBC:
			g->max_append_sectors = 0;
			break;
		default:
			/* null_blk: zone_append_max_sectors defaults to INT_MAX, clamped to the capacity */
			g->max_append_sectors = g->zone_capacity > UINT32_MAX ? UINT32_MAX
						: (unsigned int)g->zone_capacity;
			break;
		}
	} else if (g->model == ZONE_MODEL_ZBC && g->max_append_sectors) {
		SPEC_ERR("max_append: SCSI ZBC has no zone append command (model=zbc takes no max_append)");
	}
	if (!g->max_hw_sectors)
		/*
		 * null_blk leaves max_hw_sectors to the block layer's
		 * BLK_SAFE_MAX_SECTORS (255); QEMU's NVMe has MDTS 7 (512 KiB).
		 * The ZBC figure is an assumption until measured on tcmu.
		 */
		g->max_hw_sectors = g->model == ZONE_MODEL_NULLBLK ? 255 : 1024;
	if (cfg->data_auto)
		cfg->data_mode = (g->capacity << SECTOR_SHIFT) > (16ull << 30) ? ZW_DATA_TAGS
									     : ZW_DATA_BYTES;
	if (!strcmp(cfg->kind, "file") && cfg->data_mode == ZW_DATA_TAGS) {
		if (!cfg->data_auto)
			SPEC_ERR("data=tags: file: devices keep every byte (tags are for emu:)");
		cfg->data_mode = ZW_DATA_BYTES;
	}
	return 0;
}

static void fmt_size(char *buf, size_t len, uint64_t bytes)
{
	static const char suffix[] = "kMGT";
	int i = -1;

	while (i < 3 && bytes && !(bytes & 1023)) {
		bytes >>= 10;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%" PRIu64, bytes);
	else
		snprintf(buf, len, "%" PRIu64 "%c", bytes, suffix[i]);
}

char *zw_spec_geometry_string(const struct zw_dev_config *cfg)
{
	const struct zone_geometry *g = &cfg->geo;
	char size[32], zs[32], zc[32], ma[32], *out;

	fmt_size(size, sizeof(size), g->capacity << SECTOR_SHIFT);
	fmt_size(zs, sizeof(zs), g->zone_size << SECTOR_SHIFT);
	fmt_size(zc, sizeof(zc), g->zone_capacity << SECTOR_SHIFT);
	fmt_size(ma, sizeof(ma), (uint64_t)g->max_append_sectors << SECTOR_SHIFT);
	if (g->nonzoned)
		return asprintf(&out, "model=%s,zoned=0,size=%s,zone_size=%s,max_sectors=%u,lba=%u",
				zone_personality_name(g->model), size, zs, g->max_hw_sectors, g->lba_size) < 0 ? NULL : out;
	if (asprintf(&out, "model=%s,size=%s,zone_size=%s,zone_cap=%s,conv=%u,max_open=%u,"
		     "max_active=%u,max_append=%s,max_sectors=%u,lba=%u,seq=%s",
		     zone_personality_name(g->model), size, zs, zc, g->nr_conv, g->max_open,
		     g->max_active, ma, g->max_hw_sectors, g->lba_size, g->seq_pref ? "pref" : "req") < 0)
		return NULL;
	return out;
}

void zw_spec_free(struct zw_dev_config *cfg)
{
	free(cfg->path);
	free(cfg->ro);
	free(cfg->offline);
	free(cfg->errs);
	free(cfg->profile_name);
	dev_profile_free(cfg->profile);
	cfg->profile_name = NULL;
	cfg->profile = NULL;
	cfg->path = NULL;
	cfg->ro = cfg->offline = NULL;
	cfg->errs = NULL;
	cfg->nr_ro = cfg->nr_offline = cfg->nr_errs = 0;
}

/* A file: device keeps the geometry it was made with: refuse a spec that names another. */
int zw_spec_conflict(const struct zw_dev_config *stored, const struct zw_dev_config *user_cfg,
		     char *err, size_t errlen)
{
	/* what the spec itself names: a profile's geometry is a default, a file: device keeps its own */
	struct zw_dev_config user_only = *user_cfg;
	const struct zw_dev_config *user = &user_only;
	const struct zone_geometry *s = &stored->geo, *u = &user->geo;
	uint64_t stored_zones = (s->capacity + s->zone_size - 1) / s->zone_size;
	int k = -1;

	user_only.given &= ~user_only.from_profile;

	if (GIVEN(user, ZW_KEY_MODEL) && s->model != u->model)
		k = ZW_KEY_MODEL;
	else if (GIVEN(user, ZW_KEY_ZONES) && stored_zones != user->nr_zones)
		k = ZW_KEY_ZONES;
	else if (GIVEN(user, ZW_KEY_SIZE) && s->capacity != u->capacity)
		k = ZW_KEY_SIZE;
	else if (GIVEN(user, ZW_KEY_ZONE_SIZE) && s->zone_size != u->zone_size)
		k = ZW_KEY_ZONE_SIZE;
	else if (GIVEN(user, ZW_KEY_ZONE_CAP) && s->zone_capacity != u->zone_capacity)
		k = ZW_KEY_ZONE_CAP;
	else if (GIVEN(user, ZW_KEY_CONV) && s->nr_conv != u->nr_conv)
		k = ZW_KEY_CONV;
	else if (GIVEN(user, ZW_KEY_MAX_OPEN) && s->max_open != u->max_open)
		k = ZW_KEY_MAX_OPEN;
	else if (GIVEN(user, ZW_KEY_MAX_ACTIVE) && s->max_active != u->max_active)
		k = ZW_KEY_MAX_ACTIVE;
	else if (GIVEN(user, ZW_KEY_MAX_APPEND) && s->max_append_sectors != u->max_append_sectors)
		k = ZW_KEY_MAX_APPEND;
	else if (GIVEN(user, ZW_KEY_LBA) && s->lba_size != u->lba_size)
		k = ZW_KEY_LBA;
	else if (GIVEN(user, ZW_KEY_SEQ) && s->seq_pref != u->seq_pref)
		k = ZW_KEY_SEQ;
	else if (GIVEN(user, ZW_KEY_MAX_SECTORS) && s->max_hw_sectors != u->max_hw_sectors)
		k = ZW_KEY_MAX_SECTORS;
	if (k < 0)
		return 0;
	{
		char *geo = zw_spec_geometry_string(stored);

		snprintf(err, errlen, "%s: the device was made with %s; the spec asks for another %s (leave %s out, or use a new directory)",
			 user->path ? user->path : "device", geo ? geo : "?", key_names[k], key_names[k]);
		free(geo);
	}
	return -EINVAL;
}

int zw_spec_geometry(const char *keys, struct zone_geometry *geo, char *err, size_t errlen)
{
	struct zw_dev_config cfg;
	char *spec;
	int ret;

	if (asprintf(&spec, "%s%s", strncmp(keys, "emu:", 4) ? "emu:" : "", keys) < 0) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = zw_spec_parse(spec, &cfg, err, errlen);
	free(spec);
	if (ret)
		return ret;
	ret = zw_spec_finish(&cfg, err, errlen);
	if (!ret && (cfg.nr_ro || cfg.nr_offline || cfg.nr_errs || cfg.fail_write)) {
		snprintf(err, errlen, "faults (ro=, offline=, err=, fail_write=) describe no geometry");
		ret = -EINVAL;
	}
	if (!ret) {
		/* The model validates the geometry and applies the personality's clamps. */
		struct zone_model zm;

		ret = zone_model_init(&zm, &cfg.geo, err, errlen);
		if (!ret) {
			*geo = zm.geo;
			zone_model_free(&zm);
		}
	}
	zw_spec_free(&cfg);
	return ret;
}

int zw_spec_size(const char *s, uint64_t *bytes)
{
	return zw_parse_size(s, bytes);
}
