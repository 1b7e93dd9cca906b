# Zone append: the data lands at the write pointer, which the answer gives
# (at=); appends and writes at the wp mix.  A FULL zone takes no append
# (-EIO: ZNS 0x1B9).
append $S0 1
append $S0 4
write $S0 5 2
append $S0 2
report $S0
append $S1 8
read $S1 0 8
finish $S2
append $S2 1
report $S2
