# requires: MA >= 1 && NSEQ >= MA + 2
# Finishing an EMPTY zone when every active slot is taken: null_blk checks
# resources as for an open (-EOVERFLOW), QEMU's ZNS does not (OK, -> fu).
@for i 0 MA-1: write $((S0 + i)) 0 1
@for i 0 MA-1: close $((S0 + i))
finish $((S0 + MA))
finish $S0
report $((S0 + MA))
