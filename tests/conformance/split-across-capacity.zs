# requires: CAP < ZSZ
# A write that the block layer splits and whose last piece runs past the
# capacity: the leading pieces are written, the last one fails, and the
# write returns -EIO with the write pointer moved (partial progress).  On
# NVMe passthrough (no block layer) it is one command: nothing written.
write $S0 0 $((CAP - MAXB - 4))
write $S0 $((CAP - MAXB - 4)) $((2 * MAXB))
report $S0
write $S1 0 $((CAP - 2 * MAXB))
write $S1 $((CAP - 2 * MAXB)) $((4 * MAXB))
report $S1
