# open, close, finish and reset of an explicitly open (oe) zone, empty and
# partly written.
# open: nothing to do.  close of a written zone: -> cl.  close of an empty
# one: null_blk and ZBC -> em; QEMU's ZNS -> cl with wp 0, still active
# (nvme_zrm_close).  finish: -> fu.  reset: -> em.
open $S0
open $S0
write $S0 0 2
open $S0
close $S0
open $S1
close $S1
open $S2
write $S2 0 3
finish $S2
open $S3
finish $S3
open $S4
write $S4 0 1
reset $S4
open $S5
reset $S5
