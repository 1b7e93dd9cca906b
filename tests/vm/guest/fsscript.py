"""What the guest's `zwsim fs` script runners share (zonefs-script.py,
xfs-zoned-script.py): the script's syntax and errno names as zwsim prints
them."""
import errno
import fcntl
import os
import re


def size(s):
    """A size as zwsim reads it: bytes, with k/M/G/T (powers of 1024), 'B' or 'iB' after."""
    m = re.fullmatch(r"(\d+)([kKmMgGtT]?)(i?B)?", s)
    if not m:
        raise ValueError("bad size %r" % s)
    return int(m.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30, "t": 40}[m.group(2).lower()]


def errname(e):
    """-EIO for errno 5, as zwsim prints a failed call."""
    return "-" + errno.errorcode.get(e, str(e))


def parse(path):
    """The script's operations, each a list of words ('#' starts a comment)."""
    ops = []
    with open(path) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if words:
                ops.append(words)
    return ops


CALL_DEFAULT = 1 << 20


class Syscalls:
    """A `zwsim fs` script as real system calls on a mounted file system:
    each run() returns the result as zwsim prints it.  Subclasses give
    buf(n) (a page-aligned buffer: O_DIRECT needs alignment), inject(fault),
    and may take more operations in run() before handing over here."""

    CREATE = 0              # open flags a write or open may create with
    UNSUPPORTED = "-EINVAL  # not supported here"

    def __init__(self, mnt):
        self.mnt = mnt
        self.fds = {}       # the script's open files
        self.bufs = {}

    def path(self, name):
        return os.path.join(self.mnt, name)

    def with_fd(self, name, fn, flags=os.O_RDONLY):
        """fn(fd) on the file's open descriptor, else on one opened for the call."""
        if name in self.fds:
            return fn(self.fds[name])
        fd = os.open(self.path(name), flags, 0o644)
        try:
            return fn(fd)
        finally:
            os.close(fd)

    def write(self, name, off, length, call, direct, append):
        """write(2) calls of at most `call` bytes, as a program copying a file."""
        flags = (os.O_DIRECT if direct else 0) | (os.O_APPEND if append else 0)
        opened = name not in self.fds
        try:
            if opened:
                fd = os.open(self.path(name), os.O_RDWR | self.CREATE | flags, 0o644)
            else:
                fd = self.fds[name]
                cur = fcntl.fcntl(fd, fcntl.F_GETFL)
                fcntl.fcntl(fd, fcntl.F_SETFL, (cur & ~(os.O_DIRECT | os.O_APPEND)) | flags)
        except OSError as e:
            return errname(e.errno)
        done, n = 0, 0
        try:
            while done < length:
                ln = min(length - done, call)
                try:
                    n = os.write(fd, self.buf(ln)) if append else os.pwrite(fd, self.buf(ln), off + done)
                except OSError as e:
                    n = -e.errno
                if n <= 0:
                    break
                done += n
                if n < ln:
                    break
        finally:
            if opened:
                os.close(fd)
        if n < 0:
            return "%d %s" % (done, errname(-n)) if done else errname(-n)
        return str(done)

    def run(self, w):
        op = w[0]
        try:
            if op == "open":
                if w[1] not in self.fds:
                    self.fds[w[1]] = os.open(self.path(w[1]), os.O_RDWR | self.CREATE, 0o644)
                return "0"
            if op == "close":
                if w[1] not in self.fds:
                    return errname(errno.EBADF)
                os.close(self.fds.pop(w[1]))
                return "0"
            if op in ("write", "dwrite"):
                call = size(w[4]) if len(w) > 4 else CALL_DEFAULT
                return self.write(w[1], size(w[2]), size(w[3]), call, op == "dwrite", False)
            if op == "append":
                call = size(w[3]) if len(w) > 3 else CALL_DEFAULT
                return self.write(w[1], 0, size(w[2]), call, True, True)
            if op == "read":
                return str(self.with_fd(w[1], lambda fd: len(os.pread(fd, size(w[3]), size(w[2])))))
            if op == "truncate":
                os.truncate(self.path(w[1]), size(w[2]))
                return "0"
            if op == "unlink":
                os.unlink(self.path(w[1]))
                return "0"
            if op == "fsync":
                self.with_fd(w[1], os.fsync)
                return "0"
            if op == "sync":
                os.sync()
                return "0"
            if op == "inject":
                return self.inject(w[1])
        except OSError as e:
            return errname(e.errno)
        return self.UNSUPPORTED


def is_ublk(dev):
    """Is DEV a device zwsim ublk serves (/dev/ublkbN)?"""
    return os.path.basename(dev).startswith("ublkb")


def ublk_control(command):
    """One command to the zwsim ublk server of the device under test, through
    its control socket ($ZWSIM_UBLK_CONTROL: `zwsim ublk --control PATH`):
    its reply, '0' or '-EINVAL message' (tools/ublk/ublk_ctl.h).  The server
    applies it between two requests: every request after the reply sees it."""
    import socket
    path = os.environ.get("ZWSIM_UBLK_CONTROL")
    if not path:
        raise RuntimeError("a ublk device, but no ZWSIM_UBLK_CONTROL: the server's --control socket")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        s.sendall((command + "\n").encode())
        reply = b""
        while True:
            b = s.recv(512)
            if not b:
                break
            reply += b
    finally:
        s.close()
    return reply.decode().strip()


# BLKRESETZONE = _IOW(0x12, 131, struct blk_zone_range), BLKFLSBUF = _IO(0x12, 97),
# BLKGETSIZE64 = _IOR(0x12, 114, size_t)
BLKRESETZONE, BLKFLSBUF, BLKGETSIZE64 = 0x40101283, 0x1261, 0x80081272


def ublk_fresh(dev):
    """The served model made anew (what a new null_blk device is): first every
    zone reset through the kernel (BLKRESETZONE over the whole device), so
    that no zone write plug keeps an old write pointer; then the server's
    'fresh'; then the block device's page cache dropped (BLKFLSBUF)."""
    import struct
    fd = os.open(dev, os.O_RDWR)
    try:
        nbytes = struct.unpack("Q", fcntl.ioctl(fd, BLKGETSIZE64, bytes(8)))[0]
        fcntl.ioctl(fd, BLKRESETZONE, struct.pack("QQ", 0, nbytes >> 9))
        reply = ublk_control("fresh")
        if reply != "0":
            raise RuntimeError("zwsim ublk fresh: " + reply)
        fcntl.ioctl(fd, BLKFLSBUF, 0)
    finally:
        os.close(fd)
