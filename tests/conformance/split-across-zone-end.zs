# requires: CAP == ZSZ && NSEQ >= 3
# A write that crosses the end of a zone (capacity = size) is split by the
# block layer at the zone boundary: the two pieces succeed or fail on their
# own.  Into an EMPTY next zone both succeed (the first zone ends FULL, the
# next is implicitly opened); into a partly written next zone the second
# piece is misplaced: the first zone still ends FULL but the write fails.
write $S0 0 $((ZSZ - 2))
write $S0 $((ZSZ - 2)) 4
report $S0
report $S1
write $S2 0 $((ZSZ - 2))
write $S3 0 1
write $S2 $((ZSZ - 2)) 4
report $S2
report $S3
