# zwsim: one Makefile for the library (sim/), the zwsim command (tools/),
# tests and benchmarks.  `make help` lists the targets.

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
LIBS     := $(JSONC_LIBS) -lzbd -lblkid -lnvme -luring -lz -lzstd -llzma -lbz2
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

# $(call objs,BUILDDIR,SRCS)
objs = $(patsubst %.c,$(1)/%.o,$(2))

B  := build/rel
BS := build/san

.PHONY: all test test-unit test-unit-san test-py bench deps demo demo-zone clean help
all: zwsim

help:
	@echo "make            build ./zwsim"
	@echo "make test       unit tests (plain and with ASan+UBSan) and the pytest suite"
	@echo "make fuzz       run each libFuzzer target for FUZZ_SECONDS (60)"
	@echo "make bench      benchmarks: one 'bench: NAME VALUE UNIT' line per figure"
	@echo "make test-vm    the VM tier: real zoned devices in a QEMU guest (tests/vm/README.md)"
	@echo "make demo       replay a sample trace through zoned XFS on the embedded device"
	@echo "make demo-zone  the zone scenario, explained step by step"
	@echo "make deps       install the Debian packages the build and tests need"
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
zwsim: $(call objs,$(B),$(TOOL_SRCS)) $(B)/libzwsim.a
	$(CC) $(OPT) -o $@ $^ $(LIBS)

$(BS)/zwsim: $(call objs,$(BS),$(TOOL_SRCS)) $(BS)/libzwsim.a
	$(CC) $(SAN) -o $@ $^ $(LIBS)

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

test-py: zwsim $(BS)/zwsim
	ZWSIM=$(CURDIR)/zwsim ZWSIM_SAN=$(CURDIR)/$(BS)/zwsim $(PYTHON) -m pytest -q tests/py

# --- benchmarks --------------------------------------------------------
BENCH_BINS := $(patsubst tests/bench/%.c,$(B)/bench/%,$(BENCH_SRCS))

$(B)/bench/%: $(B)/tests/bench/%.o $(B)/libzwsim.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $^ $(LIBS)

$(B)/bench/bench_trace: $(B)/tests/bench/bench_trace.o $(call objs,$(B),$(TRACE_SRCS)) $(B)/libzwsim.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $^ $(LIBS)

bench: $(BENCH_BINS) zwsim
	@for b in $(BENCH_BINS); do ZWSIM=$(CURDIR)/zwsim $$b || exit 1; done
	@ZWSIM=$(CURDIR)/zwsim $(PYTHON) tests/bench/bench_replay.py

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
FUZZ_TOOL_OBJS = $(call objs,$(FZ),$(filter-out tools/zwsim.c,$(TOOL_SRCS)))

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
	rm -rf build zwsim

-include $(shell find build -name '*.d' 2>/dev/null)
.SECONDARY:

# --- VM tier: real zoned devices in a QEMU guest (tests/vm/README.md) ---
.PHONY: test-vm
test-vm: zwsim
	tests/vm/setup.sh
	tests/vm/run.sh
