# Reads below and above the write pointer succeed; unwritten blocks read as
# zeros (memory-backed null_blk, QEMU without DULBE, file_zbc's
# unrestricted reads).  --verify checks the data.
write $S0 0 4
read $S0 0 4
read $S0 4 4
read $S0 2 4
read $S1 0 8
read $S0 $((CAP - 1)) 1
read $S0 $((ZSZ - 1)) 1
finish $S2
read $S2 0 4
