# zwsim's demo: a tour of the zone state machine (null_blk personality).
# Device (the Makefile's demo target): 8 zones of 1 MiB = 256 blocks of 4 KiB,
# each with a capacity of 768 KiB = 192 blocks; zone 0 is conventional;
# at most 2 zones open and 3 active.
report
write 0 10 4        # conventional zone 0: writes go anywhere
write 1 0 8         # zone 1: EMPTY -> implicitly open (oi), wp 8
write 1 4 1         # not at the write pointer: -EIO, nothing changes
write 1 8 8         # at the write pointer: wp 16
append 1 4          # zone append lands at the write pointer: at=16
write 1 20 172      # up to the capacity (192 blocks): zone 1 is full (fu)
write 1 192 1       # a full zone takes no more writes
write 2 0 1         # zones 2 and 3 open implicitly: both open slots are taken
write 3 0 1
write 4 0 1         # a third open: the device closes implicitly open zone 2 to make room
report 2
open 5              # explicit open: zones 2, 3 and 4 are active, the limit is 3: -EOVERFLOW
reset 2             # a reset frees zone 2's active slot
open 5              # now it works (zone 3 is closed to free an open slot)
close 5             # closing an explicitly opened empty zone: back to empty
finish 4            # finish: full, with the write pointer at the zone size (256)
reset all           # every sequential zone back to empty
read 1 0 4          # reads above the write pointer return zeros
report
