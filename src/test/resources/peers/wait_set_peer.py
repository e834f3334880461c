"""A python3 peer for the WaitSet tests: makes the test's objects ready, one command a line.

Commands (each prints "ok" once done):
  mq NAME TEXT       mq_send TEXT to the POSIX queue NAME (ctypes on the C library)
  fifo PATH TEXT     open the FIFO PATH for writing, write TEXT, keep it open
  connect PATH       connect a stream socket to PATH, keep it
  send TEXT          send TEXT on the connected socket
  kill PID SIGNAME   os.kill(PID, SIGNAME)
It prints READY first and returns when stdin ends.
"""
import ctypes
import ctypes.util
import os
import signal
import socket
import sys

libc = ctypes.CDLL(ctypes.util.find_library("rt") or "libc.so.6", use_errno=True)
libc.mq_open.restype = ctypes.c_int
libc.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int]
libc.mq_send.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint]
libc.mq_close.argtypes = [ctypes.c_int]


def check(result, call):
    if result == -1:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (call, os.strerror(e)))
    return result


def main():
    kept = []
    connected = None
    print("READY", flush=True)
    for line in sys.stdin:
        words = line.rstrip("\n").split(" ", 2)
        command = words[0]
        if command == "mq":
            q = check(libc.mq_open(words[1].encode(), os.O_WRONLY), "mq_open")
            data = words[2].encode()
            check(libc.mq_send(q, data, len(data), 0), "mq_send")
            libc.mq_close(q)
        elif command == "fifo":
            fd = os.open(words[1], os.O_WRONLY)
            os.write(fd, words[2].encode())
            kept.append(fd)
        elif command == "connect":
            connected = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connected.connect(words[1])
        elif command == "send":
            connected.sendall(words[1].encode())
        elif command == "kill":
            os.kill(int(words[1]), signal.Signals[words[2]])
        else:
            raise ValueError("unknown command: " + line)
        print("ok", flush=True)
    for fd in kept:
        os.close(fd)
    if connected is not None:
        connected.close()


if __name__ == "__main__":
    main()
