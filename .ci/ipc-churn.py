#!/usr/bin/env python3
"""Another program on a busy machine: creates, uses and removes IPC objects of every kind.

    .ci/ipc-churn.py [--seconds N]   until killed (or for N seconds): every few milliseconds
                                     a System V segment (attached), semaphore set (operated
                                     on), message queue (sent to), a /dev/shm entry and a
                                     POSIX message queue, each kept 0 to 3 seconds, then
                                     removed; some System V objects are never used (the
                                     kernel then records no process for them) and last
                                     under half a second, as ipcmk's do
    .ci/ipc-churn.py --hold FILE     one object of each kind, kept until SIGTERM; writes
                                     "pid N", the System V ids and "ready" to FILE

The test suite's leak check must not count any of them: run the suite beside it in the
machine's own namespaces (README, "Test"). Everything it made is removed when it ends by
SIGTERM, SIGINT or its time limit. Standard library only (ctypes on the C library).
"""
import ctypes
import ctypes.util
import os
import random
import signal
import sys
import time

libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
librt = ctypes.CDLL(ctypes.util.find_library("rt"), use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
libc.shmdt.argtypes = [ctypes.c_void_p]
librt.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_uint, ctypes.c_void_p]
librt.mq_open.restype = ctypes.c_int
librt.mq_unlink.argtypes = [ctypes.c_char_p]

IPC_PRIVATE, IPC_CREAT, IPC_RMID, IPC_NOWAIT = 0, 0o1000, 0, 0o4000
MODE = 0o600


class SemBuf(ctypes.Structure):  # struct sembuf: unsigned short, short, short
    _fields_ = [("sem_num", ctypes.c_ushort), ("sem_op", ctypes.c_short), ("sem_flg", ctypes.c_short)]


class MqAttr(ctypes.Structure):  # struct mq_attr: four longs
    _fields_ = [("mq_flags", ctypes.c_long), ("mq_maxmsg", ctypes.c_long),
                ("mq_msgsize", ctypes.c_long), ("mq_curmsgs", ctypes.c_long)]


# Small queues: the default attributes take about 80 KiB of the user's RLIMIT_MSGQUEUE
# (800 KiB) each, and a few of them would starve every other program of this user.
SMALL_QUEUE = MqAttr(0, 1, 64, 0)


class Message(ctypes.Structure):  # struct msgbuf: long mtype, then the bytes
    _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * 8)]


def check(result, call):
    if result == -1 or result is None:
        raise OSError(ctypes.get_errno(), f"{call}: {os.strerror(ctypes.get_errno())}")
    return result


def make(kind, used=True):
    """Creates one object; returns a function that removes it."""
    tag = f"churn-{os.getpid()}-{random.getrandbits(40):010x}"
    if kind == "shm":
        shmid = check(libc.shmget(IPC_PRIVATE, 4096, IPC_CREAT | MODE), "shmget")
        if used:
            address = check(libc.shmat(shmid, None, 0), "shmat")  # records this process
            check(libc.shmdt(ctypes.c_void_p(address)), "shmdt")
        return shmid, lambda: libc.shmctl(shmid, IPC_RMID, None)
    if kind == "sem":
        semid = check(libc.semget(IPC_PRIVATE, 1, IPC_CREAT | MODE), "semget")
        if used:
            check(libc.semop(semid, ctypes.byref(SemBuf(0, 1, 0)), 1), "semop")
        return semid, lambda: libc.semctl(semid, 0, IPC_RMID)
    if kind == "msg":
        msqid = check(libc.msgget(IPC_PRIVATE, IPC_CREAT | MODE), "msgget")
        if used:
            check(libc.msgsnd(msqid, ctypes.byref(Message(1, b"churn")), 5, IPC_NOWAIT), "msgsnd")
        return msqid, lambda: libc.msgctl(msqid, IPC_RMID, None)
    if kind == "posix-shm":
        path = "/dev/shm/" + tag
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, MODE))
        return path, lambda: os.unlink(path)
    if kind == "posix-mq":
        name = ("/" + tag).encode()
        fd = librt.mq_open(name, os.O_CREAT | os.O_EXCL | os.O_RDWR, MODE, ctypes.byref(SMALL_QUEUE))
        if fd == -1:  # no POSIX queues here (or at their limit): nothing to do
            return None, lambda: None
        os.close(fd)
        return name.decode(), lambda: librt.mq_unlink(name)
    raise ValueError(kind)


KINDS = ["shm", "sem", "msg", "posix-shm", "posix-mq"]
MAX_LIVE = 100
live = {}  # removal function -> when to call it


def remove_all(*_):
    for remove in list(live):
        remove()
    live.clear()
    sys.exit(0)


def churn(seconds):
    end = time.monotonic() + seconds if seconds else None
    while end is None or time.monotonic() < end:
        now = time.monotonic()
        remove_due(now)
        if len(live) >= MAX_LIVE:  # a busy neighbour, not one that exhausts the kernel's limits
            time.sleep(0.005)
            continue
        kind = random.choice(KINDS)
        used = kind.startswith("posix") or random.random() < 0.7
        _, remove = make(kind, used)
        # Unused System V objects are short-lived (the leak check counts an object nobody
        # has used only if it outlives the check's settling time); the others stay longer.
        live[remove] = now + (random.uniform(0, 0.4) if not used else random.uniform(0, 3))
        time.sleep(0.005)
    remove_all()


def remove_due(now):
    for r, due in list(live.items()):
        if due <= now:
            r()
            del live[r]


def hold(path):
    made = {kind: make(kind) for kind in KINDS}
    for _, remove in made.values():
        live[remove] = None
    with open(path + ".tmp", "w") as out:
        out.write(f"pid {os.getpid()}\n")
        for kind, (ident, _) in made.items():
            out.write(f"{kind} {ident}\n")
        out.write("ready\n")
    os.rename(path + ".tmp", path)
    while True:
        signal.pause()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, remove_all)
    signal.signal(signal.SIGINT, remove_all)
    args = sys.argv[1:]
    if args[:1] == ["--hold"] and len(args) == 2:
        hold(args[1])
    elif args[:1] == ["--seconds"] and len(args) == 2:
        churn(float(args[1]))
    elif not args:
        churn(None)
    else:
        sys.exit(__doc__)
