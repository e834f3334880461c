"""A python3 peer for the System V message queue tests: ctypes on the C library's
ftok, msgsnd and msgrcv.

usage:
  sysv_msg_peer.py ftok PATH ID                  print ftok(PATH, ID)
  sysv_msg_peer.py send MSQID TYPE:TEXT...       send each message, print SENT
  sysv_msg_peer.py recv MSQID MSGTYP FLAGS COUNT receive COUNT messages with msgrcv(MSGTYP,
                                                 FLAGS | IPC_NOWAIT), print TYPE:TEXT each,
                                                 or NONE when nothing is selected
"""
import ctypes
import ctypes.util
import os
import sys

libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
TEXT = 8192
IPC_NOWAIT = 0o4000
ENOMSG = 42


class msgbuf(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * TEXT)]


libc.ftok.restype = ctypes.c_int
libc.ftok.argtypes = [ctypes.c_char_p, ctypes.c_int]
libc.msgsnd.argtypes = [ctypes.c_int, ctypes.POINTER(msgbuf), ctypes.c_size_t, ctypes.c_int]
libc.msgrcv.restype = ctypes.c_ssize_t
libc.msgrcv.argtypes = [ctypes.c_int, ctypes.POINTER(msgbuf), ctypes.c_size_t, ctypes.c_long, ctypes.c_int]


def check(result, call):
    if result == -1:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (call, os.strerror(e)))
    return result


def main(args):
    cmd = args[0]
    if cmd == "ftok":
        print(check(libc.ftok(args[1].encode(), int(args[2])), "ftok"))
    elif cmd == "send":
        msqid = int(args[1])
        for item in args[2:]:
            mtype, text = item.split(":", 1)
            data = text.encode()
            m = msgbuf(int(mtype), data)
            check(libc.msgsnd(msqid, ctypes.byref(m), len(data), 0), "msgsnd")
        print("SENT")
    elif cmd == "recv":
        msqid, msgtyp, flags, count = int(args[1]), int(args[2]), int(args[3], 0), int(args[4])
        for _ in range(count):
            m = msgbuf()
            n = libc.msgrcv(msqid, ctypes.byref(m), TEXT, msgtyp, flags | IPC_NOWAIT)
            if n == -1 and ctypes.get_errno() == ENOMSG:
                print("NONE")
                continue
            check(n, "msgrcv")
            print("%d:%s" % (m.mtype, m.mtext[:n].decode()))
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
