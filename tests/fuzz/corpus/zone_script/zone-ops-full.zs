# open, close, finish and reset of a FULL zone, finished and filled by
# writes.  open and close: null_blk and ZNS refuse them (-EIO, 0x1BF), ZBC
# does nothing (OK).  finish: nothing to do.  reset: -> em, wp 0.
finish $S0
open $S0
close $S0
finish $S0
reset $S0
write $S1 0 $CAP
open $S1
close $S1
finish $S1
reset $S1
read $S1 0 4
