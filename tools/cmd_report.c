// SPDX-License-Identifier: MIT
/* zwsim report: a run's result and event log as an HTML page, SVG figures or text (tools/report/). */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "report/report.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: zwsim report [--json RESULT.json] [--log EVENTS.jsonl] -o REPORT.html\n"
		"       zwsim report [--json RESULT.json] [--log EVENTS.jsonl] --svg FIGURE -o FIGURE.svg\n"
		"       zwsim report [--json RESULT.json] [--log EVENTS.jsonl] --text [-o SUMMARY.txt]\n"
		"\n"
		"Draws a run: the result of 'zwsim fs --json' or 'zwsim replay --json' (zones,\n"
		"files, stats) and its event log ('--log', docs/event-log.md), as one\n"
		"self-contained HTML page (no network, no other file): the zone map, zone\n"
		"conditions and open/active zones over time, bytes written and write\n"
		"amplification over time, bio latency percentiles, each file's extents\n"
		"across the zones, every other result field, and the events, searchable\n"
		"and filterable, a page at a time.  Drag across a figure to zoom.\n"
		"\n"
		"Options:\n"
		"  --json FILE    the result ('-' for standard input)\n"
		"  --log FILE     the event log, JSON Lines ('-' for standard input)\n"
		"  -o FILE        where to write ('-' for standard output); needed for HTML and SVG\n"
		"  --svg FIGURE   one figure for a paper or slides: zone-map, timeline (zone\n"
		"                 conditions), counts (open/active zones), wa (bytes and write\n"
		"                 amplification), latency (the result's, else the log's bios),\n"
		"                 bio-latency (the log's bios)\n"
		"  --text         a plain-text summary (to standard output without -o)\n"
		"  --title TEXT   the name the page gives the result (default: the file name)\n"
		"\n"
		"Examples:\n"
		"  zwsim fs --fs xfs-zoned --dev emu:zones=17,zone_size=1M,conv=1 --json --log ev.jsonl gc.fs > run.json\n"
		"  zwsim report --json run.json --log ev.jsonl -o run.html\n"
		"  zwsim report --json run.json --svg zone-map -o zones.svg\n"
		"  zwsim report --json run.json --log ev.jsonl --text\n"
		"\n"
		"The same inputs give the same bytes.  Exit status: 0, or 2 for bad usage or\n"
		"input (a missing file, text that is not JSON, a field that is not what\n"
		"docs/fs-command.md or docs/event-log.md say), with a message naming the\n"
		"file, line and field; nothing is written then.  docs/report.md tells more.\n");
}

/* The result JSON, with a message naming the line of a syntax error. */
static json_object *read_result(const char *path, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	json_tokener *tok;
	json_object *o;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (len + 65536 > cap)
			buf = realloc(buf, cap = 2 * cap + 65536);
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	if (f != stdin)
		fclose(f);
	buf[len] = 0;
	tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
	o = json_tokener_parse_ex(tok, buf, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success) {
		size_t end = json_tokener_get_parse_end(tok), line = 1;

		for (size_t i = 0; i < end && i < len; i++)
			line += buf[i] == '\n';
		snprintf(err, errlen, "%s:%zu: not JSON (%s)", path, line,
			 o ? "incomplete" : len ? json_tokener_error_desc(json_tokener_get_error(tok)) : "empty file");
		json_object_put(o);
		o = NULL;
	} else {
		size_t end = json_tokener_get_parse_end(tok);

		while (end < len && strchr(" \t\r\n", buf[end]))
			end++;
		if (end < len) {
			snprintf(err, errlen, "%s: text after the JSON object (one result a file)", path);
			json_object_put(o);
			o = NULL;
		}
	}
	json_tokener_free(tok);
	free(buf);
	return o;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", required_argument, NULL, 'j' }, { "log", required_argument, NULL, 'l' },
		{ "svg", required_argument, NULL, 's' },  { "text", no_argument, NULL, 't' },
		{ "title", required_argument, NULL, 'T' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *json_path = NULL, *log_path = NULL, *out_path = NULL, *svg = NULL, *title = NULL;
	bool text = false;
	char err[512], *tmp = NULL;
	json_object *result = NULL;
	struct zw_report *rep;
	FILE *out;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json_path = optarg; break;
		case 'l': log_path = optarg; break;
		case 'o': out_path = optarg; break;
		case 's': svg = optarg; break;
		case 't': text = true; break;
		case 'T': title = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "zwsim report: unexpected argument '%s' (inputs go with --json and --log)\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (!json_path && !log_path) {
		fprintf(stderr, "zwsim report: give --json RESULT.json, --log EVENTS.jsonl, or both (zwsim report --help)\n");
		return EXIT_USAGE;
	}
	if (json_path && log_path && !strcmp(json_path, "-") && !strcmp(log_path, "-")) {
		fprintf(stderr, "zwsim report: --json and --log cannot both be standard input\n");
		return EXIT_USAGE;
	}
	if (svg && text) {
		fprintf(stderr, "zwsim report: --svg and --text: one output at a time\n");
		return EXIT_USAGE;
	}
	if (!out_path && !text) {
		fprintf(stderr, "zwsim report: -o FILE is needed for %s ('-o -' for standard output)\n",
			svg ? "an SVG figure" : "the HTML page");
		return EXIT_USAGE;
	}
	if (json_path && !(result = read_result(json_path, err, sizeof(err)))) {
		fprintf(stderr, "zwsim report: %s\n", err);
		return EXIT_USAGE;
	}
	rep = zw_report_load(result, title ? title : json_path, log_path, err, sizeof(err));
	json_object_put(result);
	if (!rep) {
		fprintf(stderr, "zwsim report: %s\n", err);
		return EXIT_USAGE;
	}
	/* into a temporary file beside the output, renamed when complete */
	if (!out_path || !strcmp(out_path, "-")) {
		out = stdout;
	} else {
		if (asprintf(&tmp, "%s.tmp.%d", out_path, (int)getpid()) < 0 || !(out = fopen(tmp, "w"))) {
			fprintf(stderr, "zwsim report: %s: %s\n", out_path, strerror(errno));
			free(tmp);
			zw_report_free(rep);
			return EXIT_USAGE;
		}
	}
	err[0] = 0;
	if (svg)
		ret = zw_report_write_svg(rep, svg, out, err, sizeof(err));
	else if (text)
		ret = zw_report_write_text(rep, out);
	else
		ret = zw_report_write_html(rep, out);
	if (out != stdout) {
		if (fclose(out))
			ret = -1;
		if (ret || rename(tmp, out_path)) {
			if (!ret)
				snprintf(err, sizeof(err), "%s: %s", out_path, strerror(errno));
			unlink(tmp);
			ret = -1;
		}
	} else if (fflush(out)) {
		ret = -1;
	}
	free(tmp);
	zw_report_free(rep);
	if (ret) {
		fprintf(stderr, "zwsim report: %s\n", err[0] ? err : "write failed");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}
