# requires: MA >= 1 && NSEQ >= MA + 2
# Every active slot taken (here by CLOSED zones): an EMPTY zone cannot be
# opened, explicitly or by a write: -EOVERFLOW (null_blk; ZNS 0x1BD Too
# Many Active Zones), nothing changes.  A write the block layer splits
# fails on its first piece, the zone write plug aborts the rest and the
# program sees -EIO.  A CLOSED zone can still be reopened (it is active
# already); resetting one frees its slot.
@for i 0 MA-1: write $((S0 + i)) 0 1
@for i 0 MA-1: close $((S0 + i))
open $((S0 + MA))
write $((S0 + MA)) 0 1
write $((S0 + MA)) 0 $((2 * MAXB))
report $((S0 + MA))
write $S0 1 1
reset $S1
write $((S0 + MA)) 0 1
open $((S0 + MA + 1))
