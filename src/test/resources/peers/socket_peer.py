"""Peer for the socket tests: the other end, written with nothing but python3's standard library.

usage: socket_peer.py COMMAND ADDRESS [ARGS...]
ADDRESS is a path, or @name for the abstract namespace. Each command prints one result
line on stdout and exits 0, or prints the error on stderr and exits 1.
"""
import array
import fcntl
import mmap
import os
import socket
import sys


def address(a):
    return "\0" + a[1:] if a.startswith("@") else a


def connect(a, kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_UNIX, kind)
    s.connect(address(a))
    return s


def main():
    cmd, addr = sys.argv[1], sys.argv[2]
    if cmd == "send-file":
        # Sends an open file with one byte of data; Java reads the file through it.
        with connect(addr) as s, open(sys.argv[3], "rb") as f:
            socket.send_fds(s, [b"F"], [f.fileno()])
            s.recv(1)  # wait until Java has it
        print("sent")
    elif cmd == "send-kinds":
        # Sends, in one message, a regular file opened read-write at offset 6, the read end of
        # a pipe holding a line, and a socket whose peer wrote a line and shut down; once Java
        # has them, prints the file's offset here: Java's reads through its channel leave it alone.
        with connect(addr) as s, open(sys.argv[3], "r+b", buffering=0) as f:
            f.seek(6)
            r, w = os.pipe()
            os.write(w, b"through a pipe\n")
            os.close(w)
            mine, theirs = socket.socketpair()
            mine.sendall(b"through a socket\n")
            mine.shutdown(socket.SHUT_WR)
            socket.send_fds(s, [b"K"], [f.fileno(), r, theirs.fileno()])
            os.close(r)
            theirs.close()
            s.recv(1)  # wait until Java is done
            mine.close()
            print(f"sent pos={os.lseek(f.fileno(), 0, os.SEEK_CUR)}")
    elif cmd == "read-memfd":
        # Receives a memfd, checks its seals, maps it and prints what Java wrote.
        with connect(addr) as s:
            msg, fds, flags, _ = socket.recv_fds(s, 64, 4)
            size = int(msg.rstrip(b"\0").decode())
            fd = fds[0]
            seals = fcntl.fcntl(fd, fcntl.F_GET_SEALS)
            with mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ) as m:
                text = m[:size].decode()
            os.close(fd)
            print(f"seals={seals} text={text}")
    elif cmd == "count-fds":
        # Receives one message with descriptors and reports how many arrived, all distinct and open.
        with connect(addr) as s:
            msg, fds, flags, _ = socket.recv_fds(s, 64, int(sys.argv[3]))
            distinct = len(set(fds))
            valid = sum(1 for fd in fds if os.fstat(fd) is not None)
            for fd in fds:
                os.close(fd)
            print(f"count={len(fds)} distinct={distinct} valid={valid} ctrunc={bool(flags & socket.MSG_CTRUNC)}")
    elif cmd == "send-pipe-and-wait":
        # Sends the write end of a pipe; reports what Java wrote through it.
        r, w = os.pipe()
        with connect(addr) as s:
            socket.send_fds(s, [b"P"], [w])
            os.close(w)
            data = os.read(r, 100)
            os.close(r)
        print(f"got={data.decode()}")
    elif cmd == "hold":
        # Connects and waits for Java to close; for SO_PEERCRED.
        with connect(addr) as s:
            s.sendall(str(os.getpid()).encode())
            s.recv(1)
        print("done")
    elif cmd == "send-credentials":
        # SCM_CREDENTIALS from python: pid, uid, gid packed as struct ucred.
        with connect(addr, socket.SOCK_SEQPACKET) as s:
            creds = array.array("i", [os.getpid(), os.getuid(), os.getgid()])
            s.sendmsg([b"C"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, creds.tobytes())])
            s.recv(1)
        print(f"pid={os.getpid()}")
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    try:
        main()
        sys.stdout.flush()
    except Exception as e:  # noqa: BLE001 - reported to the test
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
