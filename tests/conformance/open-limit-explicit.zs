# requires: MO >= 1 && NSEQ >= MO + 2 && (MA == 0 || MA > MO)
# Every open slot taken by an explicitly opened zone: a further explicit
# open, and a write to an EMPTY zone, fail with -ETOOMANYREFS (null_blk;
# ZNS 0x1BE Too Many Open Zones; ZBC 7/55h/0Eh insufficient zone
# resources): the device may only close implicitly open zones.  The open
# zones still take writes; closing one frees its slot.
@for i 0 MO-1: open $((S0 + i))
open $((S0 + MO))
write $((S0 + MO)) 0 1
write $S0 0 1
close $S0
open $((S0 + MO))
write $S0 1 1              # reopening the CLOSED zone: no slot
report $S0
