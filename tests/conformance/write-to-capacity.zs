# A zone written up to its capacity becomes FULL; the write pointer a
# report shows for it: null_blk the capacity, the ZNS driver and ZBC the
# zone size.  A write that ends exactly at the capacity, after one that
# stops one block short.
write $S0 0 $((CAP - 1))
report $S0
write $S0 $((CAP - 1)) 1
report $S0
read $S0 $((CAP - 2)) 2
