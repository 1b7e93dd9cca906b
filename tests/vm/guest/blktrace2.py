#!/usr/bin/python3
"""A minimal blktrace for protocol version 2 (struct blk_io_trace2, version 8).

    blktrace2.py DEV DIR NAME -- COMMAND...

Sets DEV up with the BLKTRACESETUP2 ioctl (include/uapi/linux/fs.h,
struct blk_user_trace_setup2 of include/uapi/linux/blktrace_api.h), starts
the trace, runs COMMAND, stops it and copies each CPU's relay buffer
(debugfs block/NAME/traceN, kernel/trace/blktrace.c do_blk_trace_setup())
to DIR/NAME.blktrace.N, as blktrace names its files; then tears it down.
Debian's blktrace only knows BLKTRACESETUP (version 7), so the VM tier uses
this to capture version 8.  Exit 3 when the kernel has no BLKTRACESETUP2.
The relay buffers (4 x 1 MiB a CPU) must hold the whole capture: it is read
once, after the stop, so keep COMMAND small.
"""
import errno
import fcntl
import os
import struct
import subprocess
import sys

SETUP2 = struct.Struct("64sQIIQQII88x")     # name, act_mask, buf_size, buf_nr, start_lba, end_lba, pid, flags


def _iowr(typ, nr, size):
    return (3 << 30) | (size << 16) | (typ << 8) | nr


BLKTRACESETUP2 = _iowr(0x12, 142, SETUP2.size)
BLKTRACESTART = (0x12 << 8) | 116
BLKTRACESTOP = (0x12 << 8) | 117
BLKTRACETEARDOWN = (0x12 << 8) | 118
DEBUGFS = "/sys/kernel/debug"


def main():
    if len(sys.argv) < 6 or sys.argv[4] != "--":
        sys.exit(__doc__)
    dev, out, name, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[5:]
    if not os.path.ismount(DEBUGFS):
        subprocess.run(["mount", "-t", "debugfs", "none", DEBUGFS], check=True)
    fd = os.open(dev, os.O_RDONLY | os.O_NONBLOCK)
    buf = bytearray(SETUP2.pack(b"", (1 << 64) - 1, 1 << 20, 4, 0, 0, 0, 0))
    try:
        fcntl.ioctl(fd, BLKTRACESETUP2, buf)
    except OSError as e:
        print("blktrace2: BLKTRACESETUP2 on %s: %s" % (dev, os.strerror(e.errno)), file=sys.stderr)
        sys.exit(3 if e.errno in (errno.ENOTTY, errno.EINVAL) else 1)
    bname = SETUP2.unpack(bytes(buf))[0].split(b"\0")[0].decode()
    rc = 1
    try:
        fcntl.ioctl(fd, BLKTRACESTART)
        rc = subprocess.run(cmd).returncode
        fcntl.ioctl(fd, BLKTRACESTOP)
        ncpu = 0
        while os.path.exists(os.path.join(DEBUGFS, "block", bname, "trace%d" % ncpu)):
            rf = os.open(os.path.join(DEBUGFS, "block", bname, "trace%d" % ncpu), os.O_RDONLY | os.O_NONBLOCK)
            with open(os.path.join(out, "%s.blktrace.%d" % (name, ncpu)), "wb") as f:
                while True:
                    try:
                        chunk = os.read(rf, 1 << 16)
                    except BlockingIOError:
                        break
                    if not chunk:
                        break
                    f.write(chunk)
            os.close(rf)
            ncpu += 1
        print("blktrace2: %s (%s): %d CPU files in %s" % (dev, bname, ncpu, out), file=sys.stderr)
    finally:
        fcntl.ioctl(fd, BLKTRACETEARDOWN)
        os.close(fd)
    sys.exit(rc)


if __name__ == "__main__":
    main()
