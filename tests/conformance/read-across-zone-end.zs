# A read that crosses the end of a zone: through the block layer it is
# split at the zone boundary and succeeds; QEMU's ZNS refuses one command
# that crosses a zone (0x1B8 Zone Boundary Error, -EIO), which is what
# NVMe passthrough shows.  Also from a conventional zone into a sequential
# one, where there are conventional zones.
write $S0 0 4
read $S0 $((ZSZ - 2)) 4
write $S1 0 4
read $S0 $((ZSZ - 2)) 4
read $S0 $((ZSZ - 4)) $((MAXB + 4))
@for i 1 NCONV>0: read $((NCONV - 1)) $((ZSZ - 2)) 4
