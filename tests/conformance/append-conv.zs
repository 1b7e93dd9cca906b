# requires: NCONV >= 1
# A zone append to a conventional zone fails (-EIO): null_blk refuses it
# itself, and where the block layer emulates zone append (ZBC) the zone
# write plug refuses it before the device sees it.
append $C0 1
report $C0
