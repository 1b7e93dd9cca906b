# requires: MA > MO && MO >= 1 && NSEQ >= MA + 1
# A CLOSED zone written again when the open slots are all implicit and the
# active slots all taken: it needs an open slot but no new active one.
# null_blk refuses to swap at the active limit (-ETOOMANYREFS); ZNS closes
# an implicitly open zone and succeeds.
@for i 0 MA-MO-1: write $((S0 + i)) 0 1
@for i 0 MA-MO-1: close $((S0 + i))
@for i MA-MO MA-1: write $((S0 + i)) 0 1
write $S0 1 1
@for i 0 MA-1: report $((S0 + i))
