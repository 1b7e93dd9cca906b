# open, close, finish and reset of a CLOSED zone (written, then closed).
# open: -> oe.  close: nothing to do.  finish: -> fu.  reset: -> em.
# A write at the wp reopens it implicitly (-> oi).
write $S0 0 2
close $S0
close $S0
open $S0
write $S1 0 2
close $S1
finish $S1
write $S2 0 2
close $S2
reset $S2
write $S3 0 2
close $S3
write $S3 2 1
