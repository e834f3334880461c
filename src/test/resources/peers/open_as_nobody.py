"""Drops to uid/gid 65534 (nobody), then opens the POSIX shared memory object and the
POSIX message queue named by argv[1] read-write, printing the errno name of each failure
(or "ok"). Standard library only: ctypes on the C library."""
import ctypes
import errno
import os
import sys

name = sys.argv[1].encode()
os.setgroups([])
os.setgid(65534)
os.setuid(65534)
libc = ctypes.CDLL(None, use_errno=True)
libc.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int]

for call in ("shm_open", "mq_open"):
    fd = libc.shm_open(name, os.O_RDWR, 0) if call == "shm_open" else libc.mq_open(name, os.O_RDWR)
    print(call, "ok" if fd >= 0 else errno.errorcode[ctypes.get_errno()], flush=True)
