# requires: MO >= 2 && NSEQ >= MO + 2 && (MA == 0 || MA >= MO + 1)
# An implicitly closed zone is reopened by the next write at its write
# pointer (cl -> oi), which needs an open slot again: another implicitly
# open zone is closed for it.  After the second reopen the victims differ:
# null_blk goes on round robin (the zone after the previous victim), ZBC
# takes the lowest zone (the one reopened first), ZNS the oldest.
@for i 0 MO-1: write $((S0 + i)) 0 2
write $((S0 + MO)) 0 2
@for i 0 MO: report $((S0 + i))
write $S0 2 1
@for i 0 MO: report $((S0 + i))
write $S1 2 1
@for i 0 MO: report $((S0 + i))
