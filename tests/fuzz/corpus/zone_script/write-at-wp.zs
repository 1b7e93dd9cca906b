# Writes at the write pointer: the first one opens an EMPTY zone implicitly
# (em -> oi), each one moves the write pointer by its length, and zones
# progress independently.  Writes no longer than one device command ($MAXB
# blocks), so no splitting.
write $S0 0 1
write $S0 1 1
write $S0 2 6
write $S1 0 3
write $S0 8 8
write $S1 3 1
report $S0
report $S1
read $S0 0 16
