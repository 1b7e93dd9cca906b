#!/bin/sh
# make test-fuzz: each libFuzzer target for a fixed number of runs from its
# seed corpus (deterministic: -seed=1), so every parser of outside input is
# exercised on every `make test`.  `make fuzz` runs them longer.
set -eu
runs=$1; shift
fail=0
for b in "$@"; do
	n=${b##*/fuzz_}
	corpus=tests/fuzz/corpus/$n
	[ -d "$corpus" ] || { echo "fuzz: $n has no seed corpus ($corpus)" >&2; fail=1; continue; }
	# new inputs go to a scratch folder (libFuzzer adds to its first corpus),
	# so the seed corpus stays as committed
	scratch=build/fuzz/quick/$n
	rm -rf "$scratch" && mkdir -p "$scratch"
	if "$b" -seed=1 -runs="$runs" "$scratch" "$corpus" > "build/fuzz/$n.log" 2>&1; then
		echo "fuzz: $n ok ($runs runs)"
	else
		echo "fuzz: $n FAILED (build/fuzz/$n.log):" >&2
		tail -30 "build/fuzz/$n.log" >&2
		fail=1
	fi
done
exit $fail
