# requires: NCONV >= 1
# Conventional zones take writes and reads anywhere and have no write
# pointer (wp=-); a write from the last conventional zone into the first
# sequential zone is split at the zone boundary, and the sequential piece
# is a write at that zone's write pointer.
write $C0 100 4
write $C0 3 1
write $C0 100 4
read $C0 0 200
write $((NCONV - 1)) $((ZSZ - 2)) 4
report $S0
read $((NCONV - 1)) $((ZSZ - 4)) 8
write $((NCONV - 1)) $((ZSZ - 1)) 2   # the sequential piece is now misplaced
report $S0
