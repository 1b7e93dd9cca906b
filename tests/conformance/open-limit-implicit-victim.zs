# requires: MO >= 2 && NSEQ >= MO + 3 && (MA == 0 || MA >= MO + 2)
# Every open slot taken by an implicitly opened zone: a write to another
# zone makes the device close one of them (the victim, -> cl) and succeeds.
# Which one: null_blk round robin from the zone after the previous victim
# (starting at the first sequential zone), QEMU's ZNS the zone that was
# implicitly opened first (rewriting it does not refresh it), ZBC the
# lowest numbered.  The zones are opened in descending order so that the
# three choices differ.
@for i 0 MO-1: write $((S0 + MO - 1 - i)) 0 1
write $((S0 + MO - 1)) 1 1        # rewrite the oldest: still the oldest
write $((S0 + MO)) 0 1            # first victim
@for i 0 MO: report $((S0 + i))
write $((S0 + MO + 1)) 0 1        # second victim
@for i 0 MO+1: report $((S0 + i))
