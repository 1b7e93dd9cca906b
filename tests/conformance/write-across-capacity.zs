# requires: CAP < ZSZ
# One device command that runs past the zone capacity (cap < size) fails
# and writes nothing: null_blk -EIO, ZNS -EIO (0x1B8 Zone Boundary Error).
# The write is short (4 blocks), so the block layer does not split it.
write $S0 0 $((CAP - 2))
write $S0 $((CAP - 2)) 4
report $S0
write $S0 $((CAP - 2)) 2   # what fits still goes in: FULL
write $S1 0 1
write $S1 1 $((CAP))       # the whole zone from block 1: past the capacity
report $S1
