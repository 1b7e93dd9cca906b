# open, close, finish and reset of an implicitly open (oi) zone, one made
# by a write at the write pointer.
# open: -> oe.  close: -> cl.  finish: -> fu, wp at the zone size.
# reset: -> em, wp 0.
write $S0 0 2
open $S0
write $S1 0 2
close $S1
write $S2 0 2
finish $S2
write $S3 0 2
reset $S3
read $S3 0 2
