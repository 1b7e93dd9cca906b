# A write longer than the device's largest command is split by the block
# layer into several commands, issued one after the other (zone write
# plugging); inside the capacity they all succeed.
write $S0 0 $((3 * MAXB + 5))
report $S0
write $S0 $((3 * MAXB + 5)) $((MAXB + 1))
report $S0
read $S0 0 $((4 * MAXB + 6))
