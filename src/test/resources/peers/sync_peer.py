"""A peer for the sync tests: ctypes on libc's own sem_open/sem_wait/sem_post and semop.

    sync_peer.py posix-pingpong NAME_A NAME_B ROUNDS   ROUNDS times: wait on A, post B; print "done"
    sync_peer.py posix-post NAME                       post NAME once, print "posted"
    sync_peer.py sysv-pingpong ID ROUNDS               ROUNDS times: take 1 from semaphore 0, give 1 to
                                                       semaphore 1 of set ID; print "done"
    sync_peer.py sysv-hold ID                          take 1 from semaphore 0 with SEM_UNDO, print
                                                       "held", then wait for stdin to end
"""
import ctypes
import ctypes.util
import os
import sys

libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
libc.sem_open.restype = ctypes.c_void_p
libc.sem_open.argtypes = [ctypes.c_char_p, ctypes.c_int]
libc.sem_wait.argtypes = [ctypes.c_void_p]
libc.sem_post.argtypes = [ctypes.c_void_p]
libc.sem_close.argtypes = [ctypes.c_void_p]

SEM_UNDO = 0x1000


class Sembuf(ctypes.Structure):
    _fields_ = [("sem_num", ctypes.c_ushort), ("sem_op", ctypes.c_short), ("sem_flg", ctypes.c_short)]


def check(result, call):
    if result == -1 or result is None:
        e = ctypes.get_errno()
        raise OSError(e, call + ": " + os.strerror(e))
    return result


def sem_open(name):
    return check(libc.sem_open(name.encode(), 0), "sem_open")


def semop(semid, num, op, flags=0):
    buf = Sembuf(num, op, flags)
    while True:
        r = libc.semop(semid, ctypes.byref(buf), 1)
        if r == 0:
            return
        if ctypes.get_errno() != 4:  # EINTR
            check(r, "semop")


def main():
    command = sys.argv[1]
    if command == "posix-pingpong":
        a, b = sem_open(sys.argv[2]), sem_open(sys.argv[3])
        print("READY", flush=True)
        for _ in range(int(sys.argv[4])):
            check(libc.sem_wait(a), "sem_wait")
            check(libc.sem_post(b), "sem_post")
        libc.sem_close(a)
        libc.sem_close(b)
        print("done", flush=True)
    elif command == "posix-post":
        s = sem_open(sys.argv[2])
        check(libc.sem_post(s), "sem_post")
        libc.sem_close(s)
        print("posted", flush=True)
    elif command == "sysv-pingpong":
        semid = int(sys.argv[2])
        print("READY", flush=True)
        for _ in range(int(sys.argv[3])):
            semop(semid, 0, -1)
            semop(semid, 1, 1)
        print("done", flush=True)
    elif command == "sysv-hold":
        semop(int(sys.argv[2]), 0, -1, SEM_UNDO)
        print("held", flush=True)
        sys.stdin.read()
    else:
        raise SystemExit("unknown command " + command)


main()
