# requires: MO >= 2 && NSEQ >= MO + 2 && (MA == 0 || MA >= MO + 1)
# The choice of the implicit-close victim after a reset all: null_blk's
# round-robin cursor is not reset by it (it goes on from the zone after
# the previous victim), QEMU's list of implicitly open zones starts again
# empty, ZBC takes the lowest zone.
@for i 0 MO-1: write $((S0 + i)) 0 1
write $((S0 + MO)) 0 1
reset all
@for i 0 MO-1: write $((S0 + i)) 0 1
write $((S0 + MO)) 0 1
@for i 0 MO: report $((S0 + i))
