# open, close, finish and reset of an EMPTY zone.
# open: -> oe.  close: null_blk and ZNS refuse it (-EIO, 0x1BF Invalid Zone
# State Transition), ZBC does nothing (OK).  finish: -> fu with the wp at
# the zone size.  reset: nothing to do (OK).
close $S0
open $S0
reset $S0
finish $S1
reset $S1
reset $S2
report $S2
