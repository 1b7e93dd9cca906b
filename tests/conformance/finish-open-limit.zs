# requires: MO >= 1 && NSEQ >= MO + 3 && (MA == 0 || MA > MO + 1)
# Finishing an EMPTY or a CLOSED zone while every open slot is explicitly
# taken: null_blk checks resources as for an open (-ETOOMANYREFS); ZNS and
# ZBC finish without a check.
write $((S0 + MO)) 0 1
close $((S0 + MO))
@for i 0 MO-1: open $((S0 + i))
finish $((S0 + MO + 1))
finish $((S0 + MO))
report $((S0 + MO))
