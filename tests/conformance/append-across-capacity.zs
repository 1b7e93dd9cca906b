# requires: CAP < ZSZ
# A zone append that would run past the zone capacity fails and writes
# nothing (null_blk -EIO; ZNS 0x1B8 Zone Boundary Error); a smaller one
# that fits still goes in and fills the zone.
write $S0 0 $((CAP - 2))
append $S0 4
report $S0
append $S0 2
report $S0
