# requires: NCONV >= 1
# Zone management of a conventional zone.  open and close reach the
# device: null_blk -EIO, ZBC -EREMOTEIO (5/24h/00h).  reset and finish are
# refused by the block layer itself (-EIO).
open $C0
close $C0
finish $C0
reset $C0
report $C0
