"""Peer for the lock tests: python3's fcntl.lockf (POSIX record locks) and fcntl.flock.

usage: lock_peer.py ACTION FAMILY MODE FILE [START LENGTH]
ACTION  hold: lock (waiting), print "held PID", wait for a line on stdin, unlock, print "released"
        try:  try once without waiting, print "got" or "busy"
        wait: lock (waiting), print "got", unlock
        hold-then-wait: lock START LENGTH, print "held PID", read a line, then lock
                START2 LENGTH2 (waiting), print "got" or the error's errno name
FAMILY  lockf or flock;  MODE  sh or ex
"""
import fcntl
import os
import sys


def main():
    action, family, mode, path = sys.argv[1:5]
    start = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    length = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    op = fcntl.LOCK_EX if mode == "ex" else fcntl.LOCK_SH
    with open(path, "r+b") as f:
        def lock(flags):
            if family == "lockf":
                fcntl.lockf(f, flags, length, start, os.SEEK_SET)
            else:
                fcntl.flock(f, flags)

        def unlock():
            if family == "lockf":
                fcntl.lockf(f, fcntl.LOCK_UN, length, start, os.SEEK_SET)
            else:
                fcntl.flock(f, fcntl.LOCK_UN)

        if action == "try":
            try:
                lock(op | fcntl.LOCK_NB)
                print("got", flush=True)
                unlock()
            except OSError:
                print("busy", flush=True)
        elif action == "hold":
            lock(op)
            print(f"held {os.getpid()}", flush=True)
            sys.stdin.readline()
            unlock()
            print("released", flush=True)
        elif action == "hold-then-wait":
            lock(op)
            print(f"held {os.getpid()}", flush=True)
            sys.stdin.readline()
            start, length = int(sys.argv[7]), int(sys.argv[8])
            try:
                lock(op)
                print("got", flush=True)
            except OSError as e:
                import errno
                print(errno.errorcode[e.errno], flush=True)
        elif action == "wait":
            lock(op)
            print("got", flush=True)
            unlock()
        else:
            raise SystemExit("unknown action " + action)


if __name__ == "__main__":
    main()
