"""The Python worker of SharedMemoryWithPython: attaches the segment Java created, sums the
little-endian 64-bit integers Java wrote, and writes the sum after them.

Layout (all little-endian, as x86_64 and Java's ValueLayout.JAVA_LONG on it):
    offset 0   count N (int64)
    offset 8   N values (int64 each)
    then       the sum, written here (int64)
"""
import struct
import sys
from multiprocessing import resource_tracker, shared_memory

name = sys.argv[1]
shm = shared_memory.SharedMemory(name=name)
# Python 3.8-3.12 registers even an attached segment with its resource tracker, which
# unlinks it when this process exits, under Java's feet. Java owns the segment: tell the
# tracker to forget it. (Python 3.13 and later: SharedMemory(name=name, track=False).)
resource_tracker.unregister(shm._name, "shared_memory")
try:
    (count,) = struct.unpack_from("<q", shm.buf, 0)
    values = struct.unpack_from(f"<{count}q", shm.buf, 8)
    struct.pack_into("<q", shm.buf, 8 + 8 * count, sum(values))
    print(f"python {sys.version.split()[0]}: summed {count} values")
finally:
    shm.close()
