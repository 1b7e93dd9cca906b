# reset all: every sequential zone back to EMPTY (wp 0), whatever its
# condition; conventional zones are left alone.  Writes at block 0 work
# again afterwards (the kernel's zone write plugs are reset too).
write $S0 0 1
open $S1
write $S2 0 2
close $S2
finish $S3
write $S4 0 3
reset all
@for i 0 4: report $((S0 + i))
@for i 0 NCONV-1: report $i
write $S0 0 1
write $S4 0 1
reset all
reset all
report $S0
