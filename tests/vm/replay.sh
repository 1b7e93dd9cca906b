# zwsim replay against fio on a real null_blk device (docs/replay.md).
#
# Fidelity: seeded fio iologs (guest/replay-check.py gen) mixing writes at
# and off the write pointers, across zone ends, into conventional zones and
# not block-aligned, replayed by `fio --read_iolog` (psync, iodepth 1,
# direct, continue_on_error=all) on the device and by `zwsim replay --fs raw
# --qd 1` on its twin: the same writes must fail with the same errors and
# the final zone reports must be identical.  Each difference is printed
# with its class (kernel-only failure, model-only failure, error kind, zone
# write pointer, zone condition).
#
# Speed: one iolog of 8192 4 KiB writes at the write pointers (32 MiB, 8
# zones) replayed on the device itself by fio and by `zwsim replay --force`
# in turn, nine times each: the ratio of their best rates over the I/O
# phase as a 'bench: replay_vm_iops_ratio' line in that check's log, and
# over the whole process as 'bench: replay_vm_wall_ratio' (about 20-40 s
# under TCG).
#
# Sourced by run.sh in the guest (after guest/lib.sh); the iologs and
# transcripts stay in $ZWSIM_VM_OUT/replay (build/vm/replay on the host).
# One by hand, in the guest:
#   tests/vm/guest/replay-check.py fidelity /dev/DEV TWIN IOLOG

RP_HELPER=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/guest/replay-check.py
RP_SEEDS=${ZWSIM_VM_REPLAY_SEEDS:-1 2 3}

device_replay() {
	local label="replay" dev twin seed log
	local out=$ZWSIM_VM_OUT/replay
	rm -rf "$out" && mkdir -p "$out"
	# 16 zones of 4 MiB, 2 conventional
	guest_make dev "$label: null_blk made (16 zones of 4 MiB, 2 conventional)" \
		nullb_create rply size=64 zone_size=4 zone_nr_conv=2 || return
	guest_make twin "$label: the model's twin of the device" "$ZWSIM" zone twin --dev "zbd:$dev"
	for seed in $RP_SEEDS; do
		log=$out/mixed-$seed.iolog
		"$RP_HELPER" gen "$seed" "$dev" $((4 << 20)) 16 2 150 >"$log"
		ZWSIM=$ZWSIM guest_check "$label: seed $seed: fio and zwsim replay --fs raw fail the same writes, same zones" \
			"$RP_HELPER" fidelity "$dev" "$twin" "$log"
	done
	log=$out/sequential.iolog
	{
		echo "fio version 2 iolog"; echo "$dev add"; echo "$dev open"
		for ((i = 0; i < 8192; i++)); do echo "$dev write $(((8 << 20) + i * 4096)) 4096"; done
		echo "$dev close"
	} >"$log"
	ZWSIM=$ZWSIM guest_check "$label: zwsim replay on the real device next to fio, 9 rounds (IOPS ratios in the log)" \
		"$RP_HELPER" iops "$dev" "$log"
	guest_check "$label: device removed" nullb_remove rply
}
device_replay
