"""A python3 peer for the POSIX message queue tests: ctypes on the C library's mq_* calls.

usage:
  posix_mq_peer.py send NAME PRIO:TEXT...     send each message, print SENT
  posix_mq_peer.py recv NAME COUNT            receive COUNT messages, print PRIO:TEXT each
  posix_mq_peer.py notify NAME SIGNO          register mq_notify(SIGEV_SIGNAL, SIGNO), print
                                              REGISTERED, wait for the signal, print
                                              NOTIFIED code=SI_CODE, then receive one message
"""
import ctypes
import ctypes.util
import os
import signal
import sys
import time

libc = ctypes.CDLL(ctypes.util.find_library("rt") or "libc.so.6", use_errno=True)

mqd_t = ctypes.c_int


class timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


class sigevent(ctypes.Structure):
    _fields_ = [("sigev_value", ctypes.c_void_p), ("sigev_signo", ctypes.c_int),
                ("sigev_notify", ctypes.c_int), ("_pad", ctypes.c_int * 12)]


SIGEV_SIGNAL = 0

libc.mq_open.restype = mqd_t
libc.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int]
libc.mq_send.argtypes = [mqd_t, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint]
libc.mq_timedreceive.restype = ctypes.c_ssize_t
libc.mq_timedreceive.argtypes = [mqd_t, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_uint),
                                 ctypes.POINTER(timespec)]
libc.mq_notify.argtypes = [mqd_t, ctypes.POINTER(sigevent)]


def check(result, call):
    if result == -1:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (call, os.strerror(e)))
    return result


def open_queue(name, flags):
    return check(libc.mq_open(name.encode(), flags), "mq_open")


def receive(q, timeout=20.0):
    buf = ctypes.create_string_buffer(65536)
    prio = ctypes.c_uint()
    deadline = time.time() + timeout
    ts = timespec(int(deadline), int((deadline % 1) * 1e9))
    n = check(libc.mq_timedreceive(q, buf, len(buf), ctypes.byref(prio), ctypes.byref(ts)), "mq_timedreceive")
    return prio.value, buf.raw[:n].decode()


def main(args):
    cmd, name = args[0], args[1]
    if cmd == "send":
        q = open_queue(name, os.O_WRONLY)
        for item in args[2:]:
            prio, text = item.split(":", 1)
            data = text.encode()
            check(libc.mq_send(q, data, len(data), int(prio)), "mq_send")
        print("SENT")
    elif cmd == "recv":
        q = open_queue(name, os.O_RDONLY)
        for _ in range(int(args[2])):
            prio, text = receive(q)
            print("%d:%s" % (prio, text))
    elif cmd == "notify":
        signo = int(args[2])
        signal.pthread_sigmask(signal.SIG_BLOCK, [signo])
        q = open_queue(name, os.O_RDONLY)
        sev = sigevent(None, signo, SIGEV_SIGNAL)
        check(libc.mq_notify(q, ctypes.byref(sev)), "mq_notify")
        print("REGISTERED")
        info = signal.sigtimedwait([signo], 20)
        if info is None:
            print("TIMEOUT")
            return
        print("NOTIFIED code=%d" % info.si_code)
        prio, text = receive(q)
        print("%d:%s" % (prio, text))
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
