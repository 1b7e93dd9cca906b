# requires: MO >= 2 && NSEQ >= MO + 2 && (MA == 0 || MA >= MO + 1)
# Open slots taken by explicitly and implicitly open zones: a new open
# closes an implicitly open zone, never an explicitly open one; once only
# explicit ones are left, opens fail with -ETOOMANYREFS.
@for i 0 MO-2: open $((S0 + i))
write $((S0 + MO - 1)) 0 1
open $((S0 + MO))
@for i 0 MO: report $((S0 + i))
write $((S0 + MO - 1)) 1 1
