# Writes to a FULL zone fail and leave it FULL: a zone finished by a finish
# (wp at the zone size) and a zone filled by writes up to its capacity
# (null_blk reports its wp at the capacity, the others at the size).
# Device: null_blk and ZNS -EIO; ZBC -EREMOTEIO (sense 24h/00h) from the
# device in both cases.
finish $S0
write $S0 0 1
write $S0 $((CAP - 1)) 1
write $S1 0 $CAP        # filled by writes (split by the block layer)
write $S1 $CAP 1
write $S1 0 1
append $S1 1
report $S0
report $S1
