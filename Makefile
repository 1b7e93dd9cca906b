# zwsim: one Makefile for the library (sim/), the zwsim command (tools/),
# tests and benchmarks.  `make help` lists the targets.

.DEFAULT_GOAL := all
CC       ?= cc
PYTHON   := /usr/bin/python3
CSTD     := -std=c11 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
OPT      ?= -O2 -g
INC      := -Isim -Itools -Itools/trace
JSONC_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
JSONC_LIBS   := $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c)
# libzwsim's own dependencies: JSON; libzbd, libblkid, libnvme and liburing for real devices;
# zlib, zstd, xz and bzip2 for compressed traces
LIBS     := $(JSONC_LIBS) -lzbd -lblkid -lnvme -luring -lz -lzstd -llzma -lbz2 -lm
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) $(INC) $(JSONC_CFLAGS) $(TARGET_DEFS) $(EXTRA_CFLAGS)
# Where device profiles are found by name (sim/dev_profile.c, dev_profile_dirs()):
# this source tree's profiles/, then the installed data directory's.
PREFIX   ?= /usr/local
DATADIR  ?= $(PREFIX)/share/zwsim
PROFILE_DIRS := $(CURDIR)/profiles:$(DATADIR)/profiles
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# The library: the simulator and the file system models built on it
SIM_SRCS   := $(sort $(wildcard sim/*.c zonefs/*.c xfs-zoned/*.c))
# tools/: the commands, and one folder per concern with several files (trace,
# replay, check, ...); tools/fio/ (the fio engine) is built on its own
TOOL_DIRS  := tools tools/trace tools/replay tools/check tools/explore tools/teach tools/report tools/sweep tools/ublk
TOOL_SRCS  := $(sort $(foreach d,$(TOOL_DIRS),$(wildcard $(d)/*.c)))
UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
BENCH_SRCS := $(sort $(wildcard tests/bench/bench_*.c))

# tools/report's page assets (CSS, JS), embedded in zwsim as C arrays
REPORT_ASSETS := $(sort $(wildcard tools/report/assets/*))
GEN_SRCS   := build/gen/report_assets.c

build/gen/report_assets.c: tools/report/embed.sh $(REPORT_ASSETS)
	@mkdir -p $(dir $@)
	tools/report/embed.sh $(REPORT_ASSETS) > $@.tmp && mv $@.tmp $@

# $(call objs,BUILDDIR,SRCS)
objs = $(patsubst %.c,$(1)/%.o,$(2))

B  := build/rel
BS := build/san

.PHONY: all test test-unit test-unit-san test-py bench deps demo demo-zone clean help man install fio-engine

# make install: the binary, a manual page per command, the lessons
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   := $(PREFIX)/bin
DATADIR  := $(PREFIX)/share/zwsim
MAN1DIR  := $(PREFIX)/share/man/man1
all: zwsim zwsim-fio.so

help:
	@echo "make            build ./zwsim"
	@echo "make zwsim-fio.so  the fio external ioengine (docs/fio.md; fetches fio's headers once)"
	@echo "make test-fio-zbd  all of fio's t/zbd test cases through the engine"
	@echo "make test       unit tests (plain and with ASan+UBSan) and the pytest suite"
	@echo "make fuzz       run each libFuzzer target for FUZZ_SECONDS (60)"
	@echo "make bench      benchmarks: one 'bench: NAME VALUE UNIT' line per figure"
	@echo "make test-vm    the VM tier: real zoned devices in a QEMU guest (tests/vm/README.md)"
	@echo "make demo       replay a sample trace through zoned XFS on the embedded device"
	@echo "make demo-zone  the zone scenario, explained step by step"
	@echo "make deps       install the Debian packages the build and tests need"
	@echo "make man        the manual pages (build/man), made from each command's --help"
	@echo "make install    the binary, the pages and the lessons under PREFIX (/usr/local), staged in DESTDIR"
	@echo "make clean      remove build products"

# --- objects -----------------------------------------------------------
$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BS)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -O1 $(SAN) -MMD -MP -c $< -o $@

$(B)/libzwsim.a: $(call objs,$(B),$(SIM_SRCS))
	ar rcs $@ $^

$(BS)/libzwsim.a: $(call objs,$(BS),$(SIM_SRCS))
	ar rcs $@ $^

build/rel/sim/dev_profile.o build/san/sim/dev_profile.o build/fuzz/sim/dev_profile.o: TARGET_DEFS = -DZWSIM_PROFILE_DIRS='"$(PROFILE_DIRS)"'

# --- the command -------------------------------------------------------
# where an installed zwsim finds its lessons when not beside it (tools/cmd_teach.c)
# (rebuilt when PREFIX changes: the stamp holds the directory it was built with)
$(B)/tools/cmd_teach.o $(BS)/tools/cmd_teach.o: EXTRA_CFLAGS += -DZWSIM_DATADIR='"$(DATADIR)"'
$(B)/tools/cmd_teach.o $(BS)/tools/cmd_teach.o: build/datadir.stamp
build/datadir.stamp: FORCE
	@mkdir -p build; echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@
.PHONY: FORCE
FORCE:

zwsim: $(call objs,$(B),$(TOOL_SRCS) $(GEN_SRCS)) $(B)/libzwsim.a
	$(CC) $(OPT) -o $@ $^ $(LIBS)

$(BS)/zwsim: $(call objs,$(BS),$(TOOL_SRCS) $(GEN_SRCS)) $(BS)/libzwsim.a
	$(CC) $(SAN) -o $@ $^ $(LIBS)

# --- the fio external ioengine (tools/fio/, docs/fio.md) ----------------
# Built against the headers of the fio Debian installed: fetch-headers.sh
# gets Debian's source package of that version once (cached) and configures
# it; fio loads only an engine of its own ops version.  Its own copy of the
# library, position-independent, with every symbol hidden but `ioengine`
# (fio exports hundreds of its own, and a clash would bind to fio's).
FIO_HDRS := build/fio
FIO_TREE := $(FIO_HDRS)/fio-src
BP       := build/pic
FIO_ENGINE_SRCS := $(sort $(wildcard tools/fio/*.c))

$(BP)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fPIC -fvisibility=hidden -MMD -MP -c $< -o $@

$(BP)/libzwsim.a: $(call objs,$(BP),$(SIM_SRCS))
	ar rcs $@ $^

build/pic/sim/dev_profile.o: TARGET_DEFS = -DZWSIM_PROFILE_DIRS='"$(PROFILE_DIRS)"'

# again when fio is upgraded (dpkg rewrites its file list)
$(FIO_TREE)/config-host.h: tools/fio/fetch-headers.sh $(wildcard /var/lib/dpkg/info/fio.list)
	@tools/fio/fetch-headers.sh $(FIO_HDRS)
	@touch $@

# the engine's own files see fio's headers (as system headers: their warnings are fio's)
$(BP)/tools/fio/%.o: tools/fio/%.c $(FIO_TREE)/config-host.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -std=gnu11 -fPIC -fvisibility=hidden -include $(FIO_TREE)/config-host.h -isystem $(FIO_TREE) -MMD -MP -c $< -o $@

zwsim-fio.so: $(call objs,$(BP),$(FIO_ENGINE_SRCS)) $(BP)/libzwsim.a
	@v=$$(sed -n 's/^#define FIO_IOOPS_VERSION[[:space:]]*//p' $(FIO_TREE)/ioengines.h); \
	  echo "zwsim-fio.so: for $$(fio --version) (Debian $$(cat $(FIO_HDRS)/version)), ioengine ops version $$v"
	$(CC) $(OPT) -shared -Wl,-z,nodelete -Wl,-z,defs -Wl,--unresolved-symbols=ignore-all -o $@ $^ $(LIBS) -lpthread

fio-engine: zwsim-fio.so

# fio's own t/zbd test cases through the engine, all of them, on the three
# personalities (make test runs a sample; docs/fio.md has the results)
.PHONY: test-fio-zbd
test-fio-zbd: zwsim zwsim-fio.so
	tests/fio/zbd-support.sh -r $${ZBD_RUNTIME:-5} zones=272,zone_size=1M,conv=16,model=nullblk || true
	tests/fio/zbd-support.sh -r $${ZBD_RUNTIME:-5} zones=256,zone_size=1M,model=zns || true
	tests/fio/zbd-support.sh -r $${ZBD_RUNTIME:-5} zones=272,zone_size=1M,conv=16,model=zbc || true

# --- tests -------------------------------------------------------------
UNIT_BINS     := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
UNIT_BINS_SAN := $(patsubst tests/unit/%.c,$(BS)/tests/%,$(UNIT_SRCS))

$(B)/tests/%: $(B)/tests/unit/%.o $(B)/libzwsim.a
	$(CC) $(OPT) -o $@ $^ -lcmocka $(LIBS)

$(BS)/tests/%: $(BS)/tests/unit/%.o $(BS)/libzwsim.a
	$(CC) $(SAN) -o $@ $^ -lcmocka $(LIBS)

# the oracle of `zwsim fs --verify` is the tool's, not the library's
$(B)/tests/test_fs_oracle: $(B)/tests/unit/test_fs_oracle.o $(B)/tools/fs_oracle.o $(B)/libzwsim.a
	$(CC) $(OPT) -o $@ $^ -lcmocka $(LIBS)

$(BS)/tests/test_fs_oracle: $(BS)/tests/unit/test_fs_oracle.o $(BS)/tools/fs_oracle.o $(BS)/libzwsim.a
	$(CC) $(SAN) -o $@ $^ -lcmocka $(LIBS)

# the ublk server's control commands are the tool's (tools/ublk/ublk_ctl.c)
$(B)/tests/test_ublk_ctl: $(B)/tests/unit/test_ublk_ctl.o $(B)/tools/ublk/ublk_ctl.o $(B)/libzwsim.a
	$(CC) $(OPT) -o $@ $^ -lcmocka $(LIBS)

$(BS)/tests/test_ublk_ctl: $(BS)/tests/unit/test_ublk_ctl.o $(BS)/tools/ublk/ublk_ctl.o $(BS)/libzwsim.a
	$(CC) $(SAN) -o $@ $^ -lcmocka $(LIBS)

# the trace readers' tests and bench link the readers (tools/trace/)
TRACE_SRCS := $(sort $(wildcard tools/trace/*.c))
$(B)/tests/test_trace_%: $(B)/tests/unit/test_trace_%.o $(call objs,$(B),$(TRACE_SRCS)) $(B)/libzwsim.a
	$(CC) $(OPT) -o $@ $^ -lcmocka $(LIBS)

$(BS)/tests/test_trace_%: $(BS)/tests/unit/test_trace_%.o $(call objs,$(BS),$(TRACE_SRCS)) $(BS)/libzwsim.a
	$(CC) $(SAN) -o $@ $^ -lcmocka $(LIBS)

test: test-unit test-unit-san test-py test-fuzz

test-unit: $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

test-unit-san: $(UNIT_BINS_SAN) $(BS)/zwsim
	@tests/run-unit.sh $(UNIT_BINS_SAN)

test-py: zwsim $(BS)/zwsim zwsim-fio.so
	ZWSIM=$(CURDIR)/zwsim ZWSIM_SAN=$(CURDIR)/$(BS)/zwsim $(PYTHON) -m pytest -q tests/py

# --- benchmarks --------------------------------------------------------
BENCH_BINS := $(patsubst tests/bench/%.c,$(B)/bench/%,$(BENCH_SRCS))

$(B)/bench/%: $(B)/tests/bench/%.o $(B)/libzwsim.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $^ $(LIBS)

# zwsim check's throughput needs the checker (tools/check/)
$(B)/bench/bench_check: $(B)/tests/bench/bench_check.o $(B)/tools/check/check.o $(B)/tools/check/read.o $(B)/tools/check/log_stream.o $(B)/libzwsim.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $^ $(LIBS)

# the report's benchmark runs tools/report/ in process
$(B)/bench/bench_report: $(B)/tests/bench/bench_report.o $(call objs,$(B),$(wildcard tools/report/*.c) tools/progress.c $(GEN_SRCS)) $(B)/libzwsim.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $^ $(LIBS)

$(B)/bench/bench_trace: $(B)/tests/bench/bench_trace.o $(call objs,$(B),$(TRACE_SRCS)) $(B)/libzwsim.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $^ $(LIBS)

bench: $(BENCH_BINS) zwsim zwsim-fio.so
	@for b in $(BENCH_BINS); do ZWSIM=$(CURDIR)/zwsim $$b || exit 1; done
	@ZWSIM=$(CURDIR)/zwsim $(PYTHON) tests/bench/bench_replay.py
	@tests/fio/bench.sh

# --- fuzzing (clang's libFuzzer) ----------------------------------------
# One program per parser of outside input, tests/fuzz/fuzz_NAME.c with a
# corpus of seeds in tests/fuzz/corpus/NAME/.  `make fuzz` runs each for
# FUZZ_SECONDS; `make test` runs each briefly (test-fuzz).
FZ         := build/fuzz
FUZZ_CC    := clang
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(FZ)/%,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 60
FUZZ_QUICK_RUNS ?= 3000
FUZZ_TOOL_OBJS = $(call objs,$(FZ),$(filter-out tools/zwsim.c,$(TOOL_SRCS)) $(GEN_SRCS))

$(FZ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) -Wall -Wextra -Werror -Wno-missing-field-initializers -Wno-unused-command-line-argument -g -O1 $(INC) $(JSONC_CFLAGS) $(TARGET_DEFS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FZ)/libzwsim.a: $(call objs,$(FZ),$(SIM_SRCS)) $(FUZZ_TOOL_OBJS)
	ar rcs $@ $^

$(FZ)/fuzz_%: $(FZ)/tests/fuzz/fuzz_%.o $(FZ)/libzwsim.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LIBS)

.PHONY: fuzz test-fuzz
fuzz: $(FUZZ_BINS)
	@for b in $(FUZZ_BINS); do n=$${b##*/fuzz_}; mkdir -p build/fuzz/corpus/$$n; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	  $$b -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 build/fuzz/corpus/$$n tests/fuzz/corpus/$$n 2>&1 | grep -E "^(stat::number_of_executed_units|==|SUMMARY)" || exit 1; done

test-fuzz: $(FUZZ_BINS)
	@tests/fuzz/run-quick.sh $(FUZZ_QUICK_RUNS) $(FUZZ_BINS)

# --- manual pages and installation --------------------------------------
# One page per command of zwsim.c's table, plus zwsim(1), each from the
# command's own --help (tools/mkman.py): the page and --help cannot disagree.
man: zwsim
	@rm -rf build/man
	$(PYTHON) tools/mkman.py ./zwsim build/man

install: zwsim man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(DATADIR)/lessons
	install -m 755 zwsim $(DESTDIR)$(BINDIR)/zwsim
	install -m 644 build/man/*.1 $(DESTDIR)$(MAN1DIR)/
	install -m 644 lessons/*.lesson $(DESTDIR)$(DATADIR)/lessons/

# --- the rest ----------------------------------------------------------
deps:
	@tools/deps.sh

# make demo: the bundled sample trace (three volumes of a small server,
# samples/make-demo.py) replayed through zoned XFS on the embedded device, GC included
REPLAY_DEMO_DEV := emu:zones=24,zone_size=1M,max_open=4,model=zns
demo: zwsim
	./zwsim replay --dev '$(REPLAY_DEMO_DEV)' --fs xfs-zoned samples/demo-server.iolog.gz

# make demo-zone: zone operations explained, one by one
DEMO_DEV := emu:zones=8,zone_size=1M,zone_cap=768k,conv=1,max_open=2,max_active=3,model=nullblk
demo-zone: zwsim
	./zwsim zone info --dev '$(DEMO_DEV)'
	@echo
	./zwsim zone run --explain --dev '$(DEMO_DEV)' tools/demo.zs

clean:
	rm -rf build zwsim zwsim-fio.so

-include $(shell find build -name '*.d' 2>/dev/null)
.SECONDARY:

# --- VM tier: real zoned devices in a QEMU guest (tests/vm/README.md) ---
# Guest programs, built here (the guest sees this tree): NVMe zone appends
# through io_uring passthrough for tests/vm/check.sh
GUEST_BINS := build/guest/uring-append
build/guest/%: tests/vm/guest/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(OPT) -o $@ $< -luring

.PHONY: test-vm
test-vm: zwsim $(GUEST_BINS)
	tests/vm/setup.sh
	tests/vm/run.sh
