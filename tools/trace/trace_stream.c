// SPDX-License-Identifier: MIT
/*
 * The stream layer: the plain bytes of a trace from a file or a pipe, with
 * gzip, zstd, xz and bzip2 undone.  The compression is told by the first
 * bytes (the formats' magic numbers), never by the file name, so a pipe
 * works as well as a file.  Concatenated streams (pigz, pbzip2, `cat a.gz
 * b.gz`) decompress as one.  Memory is two fixed buffers, plus room for
 * the longest line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "trace_int.h"

#define TS_RAW_SIZE	(128u << 10)
#define TS_BUF_SIZE	(256u << 10)
#define TS_MAX_LINE	(1u << 20)	/* a longer line is an error, not a memory hog */

enum ts_kind { TS_PLAIN, TS_GZIP, TS_ZSTD, TS_XZ, TS_BZIP2 };
static const char *const ts_kinds[] = { "plain", "gzip", "zstd", "xz", "bzip2" };

struct trace_stream {
	int fd;
	char *name;
	enum ts_kind kind;
	unsigned char *raw;		/* input as read (compressed) */
	size_t raw_pos, raw_end;
	bool raw_eof;
	unsigned char *buf;		/* output (plain) */
	size_t pos, end, cap, scan;	/* scan: where the search for '\n' goes on */
	bool eof, member_end;		/* member_end: a compressed stream just ended */
	union {
		z_stream z;
		ZSTD_DStream *zs;
		lzma_stream x;
		bz_stream b;
	} d;
	bool d_init;
};

static int ts_fail(struct trace_stream *s, struct trace_err *err, const char *what)
{
	snprintf(err->msg, sizeof(err->msg), "%s: %s", s->name, what);
	return -1;
}

/* More raw bytes; 0 at the end of the file, -1 on error. */
static int ts_read_raw(struct trace_stream *s, struct trace_err *err)
{
	if (s->raw_pos > 0 && s->raw_pos == s->raw_end)
		s->raw_pos = s->raw_end = 0;
	if (s->raw_eof || s->raw_end == TS_RAW_SIZE)
		return 0;
	for (;;) {
		ssize_t n = read(s->fd, s->raw + s->raw_end, TS_RAW_SIZE - s->raw_end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err->msg, sizeof(err->msg), "%s: %s", s->name, strerror(errno));
			return -1;
		}
		if (n == 0)
			s->raw_eof = true;
		s->raw_end += (size_t)n;
		return n > 0;
	}
}

static int ts_decoder_init(struct trace_stream *s, struct trace_err *err)
{
	memset(&s->d, 0, sizeof(s->d));
	switch (s->kind) {
	case TS_PLAIN:
		return 0;
	case TS_GZIP:
		if (inflateInit2(&s->d.z, 15 + 16) != Z_OK)
			return ts_fail(s, err, "gzip: cannot start the decoder");
		break;
	case TS_ZSTD:
		s->d.zs = ZSTD_createDStream();
		if (!s->d.zs || ZSTD_isError(ZSTD_initDStream(s->d.zs)))
			return ts_fail(s, err, "zstd: cannot start the decoder");
		break;
	case TS_XZ:
		if (lzma_stream_decoder(&s->d.x, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
			return ts_fail(s, err, "xz: cannot start the decoder");
		break;
	case TS_BZIP2:
		if (BZ2_bzDecompressInit(&s->d.b, 0, 0) != BZ_OK)
			return ts_fail(s, err, "bzip2: cannot start the decoder");
		break;
	}
	s->d_init = true;
	return 0;
}

static void ts_decoder_end(struct trace_stream *s)
{
	if (!s->d_init)
		return;
	switch (s->kind) {
	case TS_PLAIN: break;
	case TS_GZIP: inflateEnd(&s->d.z); break;
	case TS_ZSTD: ZSTD_freeDStream(s->d.zs); break;
	case TS_XZ: lzma_end(&s->d.x); break;
	case TS_BZIP2: BZ2_bzDecompressEnd(&s->d.b); break;
	}
	s->d_init = false;
}

/*
 * One decoder step from raw[raw_pos..raw_end) into buf[end..cap).  Sets
 * member_end when a gzip or bzip2 member ends (another may follow).
 */
static int ts_decode(struct trace_stream *s, struct trace_err *err)
{
	size_t in = s->raw_end - s->raw_pos, out = s->cap - s->end, used = 0, made = 0;
	unsigned char *ip = s->raw + s->raw_pos, *op = s->buf + s->end;

	switch (s->kind) {
	case TS_PLAIN:
		used = made = in < out ? in : out;
		memcpy(op, ip, made);
		break;
	case TS_GZIP: {
		s->d.z.next_in = ip;
		s->d.z.avail_in = (uInt)in;
		s->d.z.next_out = op;
		s->d.z.avail_out = (uInt)out;
		int rc = inflate(&s->d.z, Z_NO_FLUSH);
		used = in - s->d.z.avail_in;
		made = out - s->d.z.avail_out;
		if (rc == Z_STREAM_END) {
			s->member_end = true;
			inflateReset(&s->d.z);
		} else if (used) {
			s->member_end = false;
		}
		if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && !in))
			return ts_fail(s, err, "gzip: corrupt data");
		break;
	}
	case TS_ZSTD: {
		ZSTD_inBuffer ib = { ip, in, 0 };
		ZSTD_outBuffer ob = { op, out, 0 };
		size_t rc = ZSTD_decompressStream(s->d.zs, &ob, &ib);
		if (ZSTD_isError(rc))
			return ts_fail(s, err, "zstd: corrupt data");
		used = ib.pos;
		made = ob.pos;
		if (used || made)	/* an idle call says "a frame header next" */
			s->member_end = rc == 0;
		break;
	}
	case TS_XZ: {
		s->d.x.next_in = ip;
		s->d.x.avail_in = in;
		s->d.x.next_out = op;
		s->d.x.avail_out = out;
		lzma_ret rc = lzma_code(&s->d.x, s->raw_eof && !in ? LZMA_FINISH : LZMA_RUN);
		used = in - s->d.x.avail_in;
		made = out - s->d.x.avail_out;
		if (rc == LZMA_STREAM_END)
			s->member_end = true;
		else if (rc != LZMA_OK && rc != LZMA_BUF_ERROR)
			return ts_fail(s, err, "xz: corrupt data");
		break;
	}
	case TS_BZIP2: {
		s->d.b.next_in = (char *)ip;
		s->d.b.avail_in = (unsigned)in;
		s->d.b.next_out = (char *)op;
		s->d.b.avail_out = (unsigned)out;
		int rc = BZ2_bzDecompress(&s->d.b);
		used = in - s->d.b.avail_in;
		made = out - s->d.b.avail_out;
		if (rc == BZ_STREAM_END) {
			s->member_end = true;
			BZ2_bzDecompressEnd(&s->d.b);
			memset(&s->d.b, 0, sizeof(s->d.b));
			if (BZ2_bzDecompressInit(&s->d.b, 0, 0) != BZ_OK)
				return ts_fail(s, err, "bzip2: cannot restart the decoder");
		} else if (rc != BZ_OK) {
			return ts_fail(s, err, "bzip2: corrupt data");
		} else if (used) {
			s->member_end = false;
		}
		break;
	}
	}
	if (!used && !made && in)
		return ts_fail(s, err, "corrupt compressed data");
	s->raw_pos += used;
	s->end += made;
	return (int)(made > 0);
}

/* Decompress more into buf (after compacting it); 0 at the end of the data, -1 on error. */
static int ts_fill(struct trace_stream *s, struct trace_err *err)
{
	if (s->eof)
		return 0;
	if (s->pos > 0 && (s->end == s->cap || s->pos == s->end)) {
		memmove(s->buf, s->buf + s->pos, s->end - s->pos);
		s->end -= s->pos;
		s->scan -= s->pos;
		s->pos = 0;
	}
	if (s->end == s->cap) {
		if (s->cap >= TS_MAX_LINE + TS_BUF_SIZE)
			return ts_fail(s, err, "a line longer than 1 MiB");
		unsigned char *nb = realloc(s->buf, s->cap * 2 + 1);
		if (!nb)
			return ts_fail(s, err, "out of memory");
		s->buf = nb;
		s->cap *= 2;
	}
	for (;;) {
		/* a decoder may hold output from input it took before: ask it first */
		if (s->kind != TS_PLAIN || s->raw_pos < s->raw_end) {
			int rc = ts_decode(s, err);
			if (rc)
				return rc;
			if (s->raw_pos < s->raw_end)
				continue;
		}
		int rr = ts_read_raw(s, err);
		if (rr < 0)
			return -1;
		if (rr == 0 && s->raw_pos == s->raw_end) {
			if (s->kind == TS_XZ && !s->member_end) {
				/* LZMA_FINISH at the end of the input: the decoder's last word */
				int rc = ts_decode(s, err);
				if (rc)
					return rc;
			}
			if (!s->member_end)
				return ts_fail(s, err, "compressed data ends early (truncated?)");
			s->eof = true;
			return 0;
		}
	}
}

struct trace_stream *ts_open(const char *path, struct trace_err *err)
{
	struct trace_stream *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", path);
		return NULL;
	}
	bool in = !strcmp(path, "-");
	s->name = strdup(in ? "<stdin>" : path);
	s->raw = malloc(TS_RAW_SIZE);
	s->cap = TS_BUF_SIZE;
	s->buf = malloc(s->cap + 1);
	s->fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (!s->name || !s->raw || !s->buf) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", path);
		goto fail;
	}
	if (s->fd < 0) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(errno));
		goto fail;
	}
	/* enough raw bytes for the longest magic (xz: 6) */
	while (s->raw_end < 6 && !s->raw_eof)
		if (ts_read_raw(s, err) < 0)
			goto fail;
	const unsigned char *m = s->raw;
	size_t n = s->raw_end;
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		s->kind = TS_GZIP;
	else if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		s->kind = TS_ZSTD;
	else if (n >= 6 && !memcmp(m, "\xfd" "7zXZ\0", 6))
		s->kind = TS_XZ;
	else if (n >= 4 && !memcmp(m, "BZh", 3) && m[3] >= '1' && m[3] <= '9')
		s->kind = TS_BZIP2;
	else
		s->kind = TS_PLAIN;
	s->member_end = s->kind == TS_PLAIN;
	if (ts_decoder_init(s, err) < 0)
		goto fail;
	return s;
fail:
	ts_close(s);
	return NULL;
}

const char *ts_name(const struct trace_stream *s)
{
	return s->name;
}

const char *ts_kind(const struct trace_stream *s)
{
	return ts_kinds[s->kind];
}

const unsigned char *ts_peek(struct trace_stream *s, size_t want, size_t *len, struct trace_err *err)
{
	if (want > TS_BUF_SIZE)
		want = TS_BUF_SIZE;
	while (s->end - s->pos < want) {
		int rc = ts_fill(s, err);
		if (rc < 0)
			return NULL;
		if (rc == 0)
			break;
	}
	*len = s->end - s->pos < want ? s->end - s->pos : want;
	return s->buf + s->pos;
}

long ts_read(struct trace_stream *s, void *dst, size_t n, struct trace_err *err)
{
	size_t got = 0;
	while (got < n) {
		if (s->pos == s->end) {
			int rc = ts_fill(s, err);
			if (rc < 0)
				return -1;
			if (rc == 0)
				break;
		}
		size_t k = s->end - s->pos < n - got ? s->end - s->pos : n - got;
		memcpy((char *)dst + got, s->buf + s->pos, k);
		s->pos += k;
		got += k;
	}
	if (s->scan < s->pos)
		s->scan = s->pos;
	return (long)got;
}

char *ts_line(struct trace_stream *s, size_t *len, struct trace_err *err)
{
	err->msg[0] = 0;
	if (s->scan < s->pos)
		s->scan = s->pos;
	for (;;) {
		unsigned char *nl = memchr(s->buf + s->scan, '\n', s->end - s->scan);
		if (nl) {
			char *line = (char *)s->buf + s->pos;
			size_t l = (size_t)(nl - (s->buf + s->pos));
			s->pos = s->scan = (size_t)(nl - s->buf) + 1;
			if (l && line[l - 1] == '\r')
				l--;
			line[l] = 0;
			*len = l;
			return line;
		}
		s->scan = s->end;
		if (s->end - s->pos > TS_MAX_LINE) {
			ts_fail(s, err, "a line longer than 1 MiB");
			return NULL;
		}
		int rc = ts_fill(s, err);
		if (rc < 0)
			return NULL;
		if (rc == 0) {
			if (s->pos == s->end)
				return NULL;
			/* the last line has no newline: buf has one byte past cap for the NUL */
			char *line = (char *)s->buf + s->pos;
			size_t l = s->end - s->pos;
			s->pos = s->scan = s->end;
			if (l && line[l - 1] == '\r')
				l--;
			line[l] = 0;
			*len = l;
			return line;
		}
	}
}

void ts_close(struct trace_stream *s)
{
	if (!s)
		return;
	ts_decoder_end(s);
	if (s->fd > STDIN_FILENO)
		close(s->fd);
	free(s->name);
	free(s->raw);
	free(s->buf);
	free(s);
}
