"""A hostile peer for the channel tests: maps a live channel and writes random bytes over
its header and records until stdin closes.

    channel_hostile.py NAME SEED

NAME is the POSIX name without its slash (the file in /dev/shm). The magic, version and
capacity are left alone half the time so that the reader keeps trying to make sense of
the rest; everything else is fair game: positions (some unaligned and just short of the end
of the data area), lengths, types, identities, futex words.
"""
import mmap
import os
import random
import sys
import threading

name, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
fd = os.open("/dev/shm/" + name, os.O_RDWR)
size = os.fstat(fd).st_size
m = mmap.mmap(fd, size)
os.close(fd)
capacity = int.from_bytes(m[16:24], "little")

done = threading.Event()


def wait_for_stdin_end():
    sys.stdin.read()
    done.set()


threading.Thread(target=wait_for_stdin_end, daemon=True).start()
print("READY", flush=True)
rounds = 0
while not done.is_set():
    rounds += 1
    r = rng.random()
    if r < 0.2:
        # tail, headCache or head just short of the end of the data area, unaligned: an end
        # that uses such a position before checking it reads or writes past the mapping
        offset = rng.choice([128, 256, 384])
        value = rng.randrange(0, 1 << 20) * capacity + capacity - rng.randrange(1, 8)
        m[offset:offset + 8] = value.to_bytes(8, "little")
    elif r < 0.6:
        # a run of random bytes anywhere past the fixed fields
        start = rng.randrange(40, size - 64)
        m[start:start + 64] = rng.randbytes(64)
    else:
        # a plausible-looking but wrong 32-bit or 64-bit value at an aligned place
        offset = rng.randrange(0, size // 8) * 8
        if offset < 40:
            offset = 128 * rng.randrange(1, 7)
        value = rng.choice([0, 1, -1, -8, 8, 4096, 1 << 31, rng.getrandbits(32), rng.getrandbits(62)])
        m[offset:offset + 8] = (value & (2 ** 64 - 1)).to_bytes(8, "little")
    if rounds % 50 == 0:
        done.wait(0.001)
m.close()
print("rounds %d" % rounds, flush=True)
