# Writes that are not at the write pointer fail and change nothing.
# In an EMPTY zone the device refuses them (null_blk and ZNS -EIO, ZBC
# -EREMOTEIO: sense 21h/04h); in a partly written zone the kernel's zone
# write plug refuses them before the device sees them (-EIO everywhere).
write $S0 4 1           # EMPTY zone, ahead of the wp
write $S0 1 1
write $S0 0 4           # now partly written: wp 4
write $S0 8 1           # ahead of the wp
write $S0 2 1           # behind the wp
write $S0 0 1           # at the zone start
write $S0 4 2           # at the wp again: works
write $S1 $((CAP - 1)) 1   # the last block of an EMPTY zone
report $S0
report $S1
