"""A peer for the shared memory tests, using only the standard library.

    shm_peer.py read NAME LENGTH          print the first LENGTH bytes of /NAME as hex
    shm_peer.py write NAME HEX            write bytes at offset 0 of /NAME, print "ok"
    shm_peer.py create NAME SIZE HEX      create /NAME (left for the caller to unlink), write, print "ok"
    shm_peer.py count NAME ITERATIONS     wait for the go flag, then add 1 to the counter at
                                          offset 0 ITERATIONS times by compare-and-set
    shm_peer.py truncate PATH SIZE        ftruncate the file at PATH, print "ok" or the errno name
    shm_peer.py mapread PATH LENGTH       mmap the file at PATH (e.g. /proc/PID/fd/N of a memfd)
                                          shared, print its first LENGTH bytes as hex
    shm_peer.py sysv ID LENGTH HEX        shmat the System V segment ID (ctypes on libc), print its
                                          first LENGTH bytes as hex, then write HEX at offset 0
    shm_peer.py sysvcreate KEY SIZE HEX   create a System V segment (IPC_CREAT|IPC_EXCL, 0600) for
                                          KEY (decimal), write HEX at offset 0, print its id

NAME is given without its leading slash, as multiprocessing.shared_memory expects. The
resource tracker of Python < 3.13 registers every segment it opens and unlinks it at exit;
each command unregisters the segment so that the caller (the Java test) stays its owner.
"""
import ctypes
import ctypes.util
import errno
import mmap
import os
import sys
import time
from multiprocessing import resource_tracker, shared_memory


def attach(name, create=False, size=0):
    shm = shared_memory.SharedMemory(name=name, create=create, size=size)
    resource_tracker.unregister(shm._name, "shared_memory")
    return shm


def cas_function():
    """An atomic 64-bit compare-and-set callable as f(address, expected, new) -> bool."""
    lib = ctypes.util.find_library("atomic")
    if lib:
        try:
            atomic = ctypes.CDLL(lib)
            cas = atomic.__atomic_compare_exchange_8
            cas.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_int, ctypes.c_int]
            cas.restype = ctypes.c_bool
            expected = ctypes.c_uint64()

            def via_libatomic(address, old, new):
                expected.value = old
                return cas(address, ctypes.addressof(expected), new, 5, 5)  # __ATOMIC_SEQ_CST
            return via_libatomic
        except (OSError, AttributeError):
            pass
    # x86-64: mov rax, rsi; lock cmpxchg [rdi], rdx; sete al; movzx eax, al; ret
    code = bytes.fromhex("4889f0" "f0480fb117" "0f94c0" "0fb6c0" "c3")
    page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    page.write(code)
    address = ctypes.addressof(ctypes.c_char.from_buffer(page))
    f = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64)(address)
    f._page = page
    return f


def sysv_libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmget.argtypes = [ctypes.c_int, ctypes.c_size_t, ctypes.c_int]
    libc.shmget.restype = ctypes.c_int
    libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
    libc.shmat.restype = ctypes.c_void_p
    libc.shmdt.argtypes = [ctypes.c_void_p]
    return libc


def shmat(libc, shmid):
    address = libc.shmat(shmid, None, 0)
    if address in (None, ctypes.c_void_p(-1).value):
        sys.exit("shmat: " + os.strerror(ctypes.get_errno()))
    return address


def main(argv):
    cmd = argv[1]
    if cmd == "read":
        shm = attach(argv[2])
        print(bytes(shm.buf[:int(argv[3])]).hex(), flush=True)
        shm.close()
    elif cmd == "write":
        shm = attach(argv[2])
        data = bytes.fromhex(argv[3])
        shm.buf[:len(data)] = data
        shm.close()
        print("ok", flush=True)
    elif cmd == "create":
        shm = attach(argv[2], create=True, size=int(argv[3]))
        data = bytes.fromhex(argv[4])
        shm.buf[:len(data)] = data
        shm.close()
        print("ok", flush=True)
    elif cmd == "count":
        shm = attach(argv[2])
        iterations = int(argv[3])
        cells = (ctypes.c_int64 * 3).from_buffer(shm.buf)
        base = ctypes.addressof(cells)
        cas = cas_function()
        # offset 8: peers ready; offset 16: go flag
        while True:
            ready = cells[1]
            if cas(base + 8, ready, ready + 1):
                break
        print("ready", flush=True)
        deadline = time.monotonic() + 30
        while cells[2] == 0:
            if time.monotonic() > deadline:
                sys.exit("no go flag within 30 s")
        for _ in range(iterations):
            while True:
                seen = cells[0]
                if cas(base, seen, seen + 1):
                    break
        del cells
        shm.close()
        print("done", flush=True)
    elif cmd == "truncate":
        fd = os.open(argv[2], os.O_RDWR)
        try:
            os.ftruncate(fd, int(argv[3]))
            print("ok", flush=True)
        except OSError as e:
            print(errno.errorcode[e.errno], flush=True)
        finally:
            os.close(fd)
    elif cmd == "mapread":
        fd = os.open(argv[2], os.O_RDONLY)
        try:
            with mmap.mmap(fd, 0, mmap.MAP_SHARED, mmap.PROT_READ) as m:
                print(m[:int(argv[3])].hex(), flush=True)
        finally:
            os.close(fd)
    elif cmd == "sysv":
        libc = sysv_libc()
        address = shmat(libc, int(argv[2]))
        print(ctypes.string_at(address, int(argv[3])).hex(), flush=True)
        data = bytes.fromhex(argv[4])
        ctypes.memmove(address, data, len(data))
        libc.shmdt(ctypes.c_void_p(address))
    elif cmd == "sysvcreate":
        libc = sysv_libc()
        ipc_creat, ipc_excl = 0o1000, 0o2000
        shmid = libc.shmget(ctypes.c_int32(int(argv[2]) & 0xFFFFFFFF).value, int(argv[3]),
                            ipc_creat | ipc_excl | 0o600)
        if shmid < 0:
            sys.exit("shmget: " + os.strerror(ctypes.get_errno()))
        address = shmat(libc, shmid)
        data = bytes.fromhex(argv[4])
        ctypes.memmove(address, data, len(data))
        libc.shmdt(ctypes.c_void_p(address))
        print(shmid, flush=True)
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
