# requires: MA >= 1 && MO >= 1 && MO <= MA && NSEQ >= MA + 2
# Open slots all taken by implicitly open zones and active slots all taken:
# a write to an EMPTY zone fails with -EOVERFLOW.  null_blk changes
# nothing; QEMU's ZNS has already closed its oldest implicitly open zone
# (auto transition) when it finds no active slot, so that zone stays cl.
@for i 0 MA-MO-1: write $((S0 + i)) 0 1
@for i 0 MA-MO-1: close $((S0 + i))
@for i MA-MO MA-1: write $((S0 + i)) 0 1
write $((S0 + MA)) 0 1
@for i 0 MA: report $((S0 + i))
