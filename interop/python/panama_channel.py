"""The Python end of a panama-ipc channel (interop/LAYOUT.md, version 2).

Standard library only (Python 3.11+, Linux): ``mmap`` for the shared memory, ``ctypes``
for the futex system call and, through ``libatomic.so.1`` (Debian: ``libatomic1``, which
gcc brings), for the atomic loads, stores, fetch-adds and compare-and-sets the protocol
needs. Small and slow on purpose: one ctypes call per atomic access.

    import panama_channel as pc
    with pc.Channel.open("/orders", pc.ONE_TO_ONE) as ch:
        ch.attach_writer()
        ch.send(7, b"hello")                        # waits for room
    with pc.Channel.open("/orders", pc.ONE_TO_ONE) as ch:
        ch.attach_reader()
        ch.receive(lambda type, payload: print(type, bytes(payload)), timeout=1.0)

Errors are ``ChannelError`` with ``code`` one of the names below (the C end's
``PC_E*`` without the prefix): MAGIC, VERSION, KIND, CAPACITY, HEADER, SIZE, NOTREADY,
BUSY, TOOLONG, CORRUPT, PEERDEAD, TIMEDOUT, ARG, NOSLOT, CLOSED. ``offer`` returns False
when the ring is full. A payload handed to a handler is a ``memoryview`` valid during the
call only.
"""
import ctypes
import fcntl
import mmap
import os
import platform
import time

ONE_TO_ONE, MANY_TO_ONE, BROADCAST = 1, 2, 3

MAGIC = 0x474E495243504950  # "PIPCRING"
VERSION = 2
HEADER_LENGTH = 4096
MIN_CAPACITY, MAX_CAPACITY = 1024, 1 << 30
MAX_PRODUCERS = 64
PADDING = -1

# header offsets (LAYOUT.md)
OFF_MAGIC, OFF_VERSION, OFF_KIND, OFF_CAPACITY = 0, 8, 12, 16
OFF_HEADER_LENGTH, OFF_MAX_PAYLOAD, OFF_STATE = 24, 28, 32
OFF_TAIL, OFF_HEAD_CACHE, OFF_HEAD = 128, 256, 384  # BROADCAST: tail, tailIntent, latest
OFF_DATA_SEQ, OFF_DATA_SLEEPERS, OFF_DOORBELL = 512, 516, 520
OFF_ROOM_SEQ, OFF_ROOM_SLEEPERS = 640, 644
OFF_READER, OFF_WRITER, OFF_SLOTS = 768, 800, 1024
END_SIZE, END_PID, END_START, END_CLAIM_POSITION, END_CLAIM_LENGTH = 32, 0, 8, 16, 24

SLICE = 0.025  # longest futex wait between liveness checks
CONFIRM = 0.050  # a dead producer's reservation stays this long before it is padded
INIT_WAIT = 0.100

_RELAXED, _ACQUIRE, _RELEASE, _SEQ_CST = 0, 2, 3, 5
_FUTEX_WAIT, _FUTEX_WAKE = 0, 1
_SYS_FUTEX = {"x86_64": 202, "aarch64": 98}[platform.machine()]
_SYS_MEMBARRIER = {"x86_64": 324, "aarch64": 283}[platform.machine()]
_MEMBARRIER_GLOBAL_EXPEDITED = 1 << 1
UNCOVERED_SLICE = 0.001  # the longest sleep when the sleeper's membarrier was refused
_INT_MAX = 0x7FFFFFFF


class ChannelError(Exception):
    """A channel that cannot be used: ``code`` names why (see the module's doc)."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


def _load_atomics():
    try:
        lib = ctypes.CDLL("libatomic.so.1")
    except OSError as e:
        raise ImportError("panama_channel needs libatomic.so.1 (Debian: apt-get install libatomic1)") from e
    sigs = {
        "__atomic_load_4": (ctypes.c_uint32, [ctypes.c_void_p, ctypes.c_int]),
        "__atomic_load_8": (ctypes.c_uint64, [ctypes.c_void_p, ctypes.c_int]),
        "__atomic_store_4": (None, [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int]),
        "__atomic_store_8": (None, [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_int]),
        "__atomic_fetch_add_4": (ctypes.c_uint32, [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int]),
        "__atomic_fetch_sub_4": (ctypes.c_uint32, [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int]),
        "__atomic_compare_exchange_4": (ctypes.c_bool, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint32,
                                                        ctypes.c_int, ctypes.c_int]),
        "__atomic_compare_exchange_8": (ctypes.c_bool, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint64,
                                                        ctypes.c_int, ctypes.c_int]),
        "atomic_thread_fence": (None, [ctypes.c_int]),
    }
    for name, (res, args) in sigs.items():
        f = getattr(lib, name)
        f.restype, f.argtypes = res, args
    return lib


_A = _load_atomics()
# module-level names: inside a class, "_A.__atomic_..." would be name-mangled
_load4, _load8 = _A.__atomic_load_4, _A.__atomic_load_8
_store4, _store8 = _A.__atomic_store_4, _A.__atomic_store_8
_fetch_add4, _fetch_sub4 = _A.__atomic_fetch_add_4, _A.__atomic_fetch_sub_4
_cas4, _cas8 = _A.__atomic_compare_exchange_4, _A.__atomic_compare_exchange_8
_fence = _A.atomic_thread_fence
_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def _i32(v):
    return v - (1 << 32) if v & 0x80000000 else v


def _align8(n):
    return (n + 7) & ~7


def _record_header(kind):
    return 16 if kind == BROADCAST else 8


def start_time(pid):
    """Field 22 of /proc/PID/stat (clock ticks after boot), or 0 when there is no such process
    or it has exited (state Z or X: its parent may reap it late, or never)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            text = f.read()
    except OSError:
        return 0
    fields = text[text.rfind(b")") + 2:].split()  # fields[0] is field 3
    if len(fields) <= 19 or fields[0] in (b"Z", b"X"):
        return 0
    return int(fields[19])


class Claim:
    """Room claimed in the ring: write into ``payload`` (a memoryview), then commit or abort."""

    __slots__ = ("payload", "position", "record_length")

    def __init__(self, payload, position, record_length):
        self.payload, self.position, self.record_length = payload, position, record_length


class Channel:
    """One mapping of a channel; attach one end (reader, writer or receiver) per Channel."""

    def __init__(self, mm, fd, kind):
        self._mm = mm
        self._fd = fd
        self._anchor = ctypes.c_char.from_buffer(mm)
        self._addr = ctypes.addressof(self._anchor)
        try:
            self._check_header(kind)
        except BaseException:
            del self._anchor  # or the mapping cannot be closed
            raise
        self.data = HEADER_LENGTH
        self._end = None
        self.role = None
        self.slot = 0
        self.next_sequence = 0
        self.cursor = 0
        self.expected = None
        self.laps = 0
        self.lost = 0
        self._gap = None
        self._stall = None

    # ---- opening --------------------------------------------------------------------------

    @classmethod
    def open(cls, name, kind=0):
        """Opens an existing channel by its POSIX shm name ("/name"); kind 0 accepts any."""
        fd = os.open("/dev/shm/" + name.lstrip("/"), os.O_RDWR | os.O_CLOEXEC)
        try:
            return cls.from_fd(fd, kind)
        except BaseException:
            os.close(fd)
            raise

    @classmethod
    def from_fd(cls, fd, kind=0):
        """Maps a descriptor (a shm object, a memfd received over a socket) and checks it; owns fd."""
        until = time.monotonic() + INIT_WAIT
        size = os.fstat(fd).st_size
        while size < HEADER_LENGTH and time.monotonic() < until:  # the creator sizes it first
            time.sleep(0.001)
            size = os.fstat(fd).st_size
        if size < HEADER_LENGTH or size > HEADER_LENGTH + MAX_CAPACITY:
            raise ChannelError("SIZE", f"object size {size} cannot hold a channel")
        mm = mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        try:
            return cls(mm, fd, kind)
        except BaseException:
            mm.close()
            raise

    @classmethod
    def create(cls, name, kind, capacity):
        """Creates a channel exclusively under a POSIX shm name, mode 0600 (FileExistsError if taken)."""
        _check_new(kind, capacity)
        path = "/dev/shm/" + name.lstrip("/")
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            return cls._initialize(fd, kind, capacity)
        except BaseException:
            os.close(fd)
            os.unlink(path)
            raise

    @classmethod
    def create_memfd(cls, kind, capacity):
        """Creates a channel in an anonymous memfd sealed against resizing; ``fd()`` is the memfd to pass."""
        _check_new(kind, capacity)
        fd = os.memfd_create("panama-channel", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
        try:
            ch = cls._initialize(fd, kind, capacity)
            fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL)
            return ch
        except BaseException:
            os.close(fd)
            raise

    @classmethod
    def _initialize(cls, fd, kind, capacity):
        os.ftruncate(fd, HEADER_LENGTH + capacity)
        mm = mmap.mmap(fd, HEADER_LENGTH + capacity, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        mm[OFF_MAGIC:OFF_MAGIC + 8] = MAGIC.to_bytes(8, "little")
        mm[OFF_VERSION:OFF_VERSION + 4] = VERSION.to_bytes(4, "little")
        mm[OFF_KIND:OFF_KIND + 4] = kind.to_bytes(4, "little")
        mm[OFF_CAPACITY:OFF_CAPACITY + 8] = capacity.to_bytes(8, "little")
        mm[OFF_HEADER_LENGTH:OFF_HEADER_LENGTH + 4] = HEADER_LENGTH.to_bytes(4, "little")
        max_payload = capacity // 8 - _record_header(kind)
        mm[OFF_MAX_PAYLOAD:OFF_MAX_PAYLOAD + 4] = max_payload.to_bytes(4, "little")
        anchor = ctypes.c_char.from_buffer(mm)
        _store4(ctypes.addressof(anchor) + OFF_STATE, 1, _RELEASE)  # state = ready, last
        del anchor
        return cls(mm, fd, kind)

    def _check_header(self, kind):
        until = time.monotonic() + INIT_WAIT
        while self._ld4(OFF_STATE, _ACQUIRE) != 1:
            magic = self._ld8(OFF_MAGIC, _RELAXED)
            if magic not in (0, MAGIC):
                raise ChannelError("MAGIC", f"not a channel: magic={magic:#x}")
            if magic != 0 or time.monotonic() > until:
                raise ChannelError("NOTREADY", "channel not initialized within 100 ms")
            time.sleep(0.001)
        mm = self._mm
        magic = int.from_bytes(mm[OFF_MAGIC:OFF_MAGIC + 8], "little")
        version = int.from_bytes(mm[OFF_VERSION:OFF_VERSION + 4], "little")
        actual = int.from_bytes(mm[OFF_KIND:OFF_KIND + 4], "little")
        capacity = int.from_bytes(mm[OFF_CAPACITY:OFF_CAPACITY + 8], "little")
        header = int.from_bytes(mm[OFF_HEADER_LENGTH:OFF_HEADER_LENGTH + 4], "little")
        max_payload = int.from_bytes(mm[OFF_MAX_PAYLOAD:OFF_MAX_PAYLOAD + 4], "little")
        if magic != MAGIC:
            raise ChannelError("MAGIC", f"not a channel: magic={magic:#x}")
        if version != VERSION:
            raise ChannelError("VERSION", f"layout version={version}, this end speaks {VERSION}")
        if actual not in (ONE_TO_ONE, MANY_TO_ONE, BROADCAST):
            raise ChannelError("CORRUPT", f"kind={actual}")
        if kind and actual != kind:
            raise ChannelError("KIND", f"kind={actual} expected={kind}")
        if not _valid_capacity(capacity):
            raise ChannelError("CAPACITY", f"capacity={capacity} is not a power of two in [1024, 2^30]")
        if header != HEADER_LENGTH or max_payload != capacity // 8 - _record_header(actual):
            raise ChannelError("HEADER", f"headerLength={header} maxPayloadLength={max_payload} capacity={capacity}")
        if len(mm) != HEADER_LENGTH + capacity:
            raise ChannelError("SIZE", f"size={len(mm)} expected={HEADER_LENGTH + capacity}")
        self.kind, self.capacity, self.mask, self.max_payload = actual, capacity, capacity - 1, max_payload

    def fd(self):
        """The descriptor of the shared-memory object (a memfd to pass to a peer)."""
        return self._fd

    def close(self):
        """Detaches this end, unmaps and closes the descriptor; idempotent."""
        if self._mm is None:
            return
        self.detach()
        del self._anchor
        self._mm.close()
        self._mm = None
        os.close(self._fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- atomics on the mapping -------------------------------------------------------------

    def _ld4(self, off, order=_ACQUIRE):
        return _load4(self._addr + off, order)

    def _ldi(self, off, order=_ACQUIRE):
        return _i32(_load4(self._addr + off, order))

    def _ld8(self, off, order=_ACQUIRE):
        return _load8(self._addr + off, order)

    def _st4(self, off, value, order=_RELEASE):
        _store4(self._addr + off, value & 0xFFFFFFFF, order)

    def _st8(self, off, value, order=_RELEASE):
        _store8(self._addr + off, value, order)

    def _cas4(self, off, expected, desired):
        e = ctypes.c_uint32(expected & 0xFFFFFFFF)
        return _cas4(self._addr + off, ctypes.byref(e), desired & 0xFFFFFFFF,
                                              _SEQ_CST, _SEQ_CST)

    def _cas8(self, off, expected, desired):
        e = ctypes.c_uint64(expected)
        return _cas8(self._addr + off, ctypes.byref(e), desired, _SEQ_CST, _SEQ_CST)

    # ---- ends ---------------------------------------------------------------------------------

    def end_alive(self, end):
        """1 alive, 0 dead, -1 nobody attached, for the identity at offset ``end``."""
        pid = self._ld4(end + END_PID)
        if pid == 0:
            return -1
        start = self._ld8(end + END_START)
        actual = start_time(pid)
        if actual == 0:
            return 0
        return 1 if start in (0, actual) else 0  # start 0: still attaching

    def _take_end(self, end):
        me = os.getpid()
        start = start_time(me)
        for _ in range(100):
            holder = self._ld4(end + END_PID)
            if holder:
                if holder == me or self.end_alive(end) != 0:
                    raise ChannelError("BUSY", f"end at offset {end} held by live pid={holder}")
                self._st8(end + END_START, 0)  # a dead holder: clear it, then take the free end
                self._cas4(end + END_PID, holder, 0)
                continue
            self._st8(end + END_START, 0)  # start 0 until ours is stored: never a stale one beside our pid
            if self._cas4(end + END_PID, 0, me):
                self._st8(end + END_START, start)
                return
        raise ChannelError("BUSY", f"end at offset {end} contended")

    def _attach(self, role):
        if self._mm is None:
            raise ChannelError("CLOSED", "channel closed")
        if self.role is not None:
            raise ChannelError("ARG", f"already attached as {self.role}")
        self.role = role

    def attach_reader(self):
        """Attaches as the reader of a ONE_TO_ONE or MANY_TO_ONE channel."""
        if self.kind == BROADCAST:
            raise ChannelError("ARG", "a broadcast channel has receivers: attach_receiver()")
        self._attach("reader")
        try:
            self._take_end(OFF_READER)
        except ChannelError:
            self.role = None
            raise
        self._st4(OFF_DATA_SLEEPERS, 0)
        self._end = OFF_READER

    def attach_writer(self):
        """Attaches as the ONE_TO_ONE writer, a MANY_TO_ONE producer or the BROADCAST transmitter."""
        self._attach("writer")
        try:
            if self.kind == MANY_TO_ONE:
                for s in range(MAX_PRODUCERS):
                    try:
                        self._take_end(OFF_SLOTS + s * END_SIZE)
                    except ChannelError:
                        continue
                    self.slot, self._end = s, OFF_SLOTS + s * END_SIZE
                    return
                raise ChannelError("NOSLOT", "all 64 producer slots are held by live processes")
            self._take_end(OFF_WRITER)
        except ChannelError:
            self.role = None
            raise
        self._end = OFF_WRITER
        if self.kind == ONE_TO_ONE:
            self._st4(OFF_ROOM_SLEEPERS, 0)
        else:  # continue the sequence after the last record
            tail, latest = self._ld8(OFF_TAIL), self._ld8(OFF_HEAD)
            if 0 < tail and tail - latest <= self.capacity and latest % 8 == 0 \
                    and (latest & self.mask) + 16 <= self.capacity:
                at = self.data + (latest & self.mask) + 8
                self.next_sequence = int.from_bytes(self._mm[at:at + 8], "little") + 1

    def attach_receiver(self, from_latest=False):
        """Attaches a BROADCAST receiver, from the latest record or from what comes next."""
        if self.kind != BROADCAST:
            raise ChannelError("ARG", "only a broadcast channel has receivers")
        self._attach("receiver")
        tail, latest = self._ld8(OFF_TAIL), self._ld8(OFF_HEAD)
        self.cursor = latest if from_latest else tail
        self.expected = 0 if not from_latest and tail == 0 else None

    def detach(self):
        """Gives this end up (pid = 0)."""
        if self._end is not None:
            self._st8(self._end + END_START, 0)
            self._st4(self._end + END_PID, 0)
        self._end, self.role = None, None

    # ---- waking and waiting -------------------------------------------------------------------

    def _futex(self, off, op, value, timeout=None):
        ts = None
        if timeout is not None:
            ts = ctypes.byref(_Timespec(int(timeout), int((timeout % 1) * 1e9)))
        return _libc.syscall(_SYS_FUTEX, ctypes.c_void_p(self._addr + off), op, ctypes.c_uint32(value), ts, None, 0)

    def _wake(self, seq, sleepers):
        # This end always fences (cheap beside the interpreter) and never registers for
        # membarrier; a Java or C sleeper's membarrier is then not needed for it, and its own
        # sleeps below make one for the wakers that do not fence.
        _fence(_SEQ_CST)
        # the low 16 bits count sleepers; the high 16 ask for the fence made above
        if self._ld4(sleepers, _RELAXED) & 0xFFFF:
            _fetch_add4(self._addr + seq, 1, _SEQ_CST)
            self._futex(seq, _FUTEX_WAKE, _INT_MAX)

    def _await(self, seq, sleepers, deadline, ready, check):
        """The eventcount wait: announce, the sleeper's barrier (membarrier), read the sequence,
        check again, sleep at most a slice (a millisecond when membarrier was refused)."""
        last_check = time.monotonic()
        while True:
            if ready():
                return True
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                return False
            _fetch_add4(self._addr + sleepers, 1, _SEQ_CST)
            most = SLICE if _libc.syscall(_SYS_MEMBARRIER, _MEMBARRIER_GLOBAL_EXPEDITED, 0, 0) == 0 else UNCOVERED_SLICE
            s = self._ld4(seq, _SEQ_CST)
            r = ready()
            if not r:
                self._futex(seq, _FUTEX_WAIT, s, most if deadline is None else max(0.0, min(most, deadline - now)))
            _fetch_sub4(self._addr + sleepers, 1, _SEQ_CST)
            if r:
                return True
            now = time.monotonic()
            if now - last_check >= SLICE:  # liveness: /proc reads once per slice
                last_check = now
                check()

    @staticmethod
    def _deadline(timeout):
        return None if timeout is None else time.monotonic() + timeout

    # ---- ONE_TO_ONE and MANY_TO_ONE: writing ------------------------------------------------------

    def _writer(self):
        if self._mm is None:
            raise ChannelError("CLOSED", "channel closed")
        if self.role != "writer" or self.kind == BROADCAST:
            raise ChannelError("ARG", "not attached as a ONE_TO_ONE or MANY_TO_ONE writer")

    def _reserve(self, length):
        """Steps 1 and 2: reserves room (padding first when it does not fit), or None when full."""
        aligned = _align8(length)
        while True:
            tail = self._ld8(OFF_TAIL)
            if tail % 8:
                raise ChannelError("CORRUPT", f"tail={tail} is not 8-aligned")
            index = tail & self.mask
            to_end = self.capacity - index
            padding = to_end if aligned > to_end else 0
            head = self._ld8(OFF_HEAD_CACHE, _RELAXED)
            if not (tail - head <= self.capacity and padding + aligned <= self.capacity - (tail - head)):
                head = self._ld8(OFF_HEAD)
                self._st8(OFF_HEAD_CACHE, head, _RELAXED)
                if head > tail or tail - head > self.capacity:
                    raise ChannelError("CORRUPT", f"tail={tail} head={head} capacity={self.capacity}")
                if padding + aligned > self.capacity - (tail - head):
                    return None
            if self.kind == ONE_TO_ONE:
                self._st8(OFF_TAIL, tail + padding + aligned)
            else:
                self._st8(self._end + END_CLAIM_POSITION, tail)
                self._st8(self._end + END_CLAIM_LENGTH, padding + aligned)
                if not self._cas8(OFF_TAIL, tail, tail + padding + aligned):
                    continue
            if padding:
                at = self.data + index
                self._st4(at + 4, PADDING, _RELAXED)
                self._st4(at, padding)
            return tail + padding

    def _check_length(self, length):
        if length > self.max_payload:
            raise ChannelError("TOOLONG", f"length={length} maxPayloadLength={self.max_payload}")

    def offer(self, type, payload):
        """Writes one record if there is room now: True, or False when the ring is full."""
        self._writer()
        if type < 1:
            raise ChannelError("ARG", f"type={type} must be >= 1")
        self._check_length(len(payload))
        position = self._reserve(8 + len(payload))
        if position is None:
            return False
        at = self.data + (position & self.mask)
        self._mm[at + 8:at + 8 + len(payload)] = payload
        self._st4(at + 4, type, _RELAXED)
        self._st4(at, 8 + len(payload))
        self._wake(OFF_DATA_SEQ, OFF_DATA_SLEEPERS)
        return True

    def claim(self, length):
        """Claims room for ``length`` payload bytes to write in place: a Claim, or None when full."""
        self._writer()
        self._check_length(length)
        position = self._reserve(8 + length)
        if position is None:
            return None
        at = self.data + (position & self.mask)
        self._st4(at + 4, 0 if self.kind == ONE_TO_ONE else self.slot, _RELAXED)
        self._st4(at, -(8 + length))
        return Claim(memoryview(self._mm)[at + 8:at + 8 + length], position, 8 + length)

    def _finish(self, claim, type):
        claim.payload.release()
        at = self.data + (claim.position & self.mask)
        self._st4(at + 4, type, _RELAXED)
        self._st4(at, claim.record_length)
        self._wake(OFF_DATA_SEQ, OFF_DATA_SLEEPERS)

    def commit(self, claim, type):
        """Publishes a claimed record with its type (>= 1)."""
        if type < 1:
            raise ChannelError("ARG", f"type={type} must be >= 1")
        self._finish(claim, type)

    def abort(self, claim):
        """Gives a claim up: readers skip it."""
        self._finish(claim, PADDING)

    def _room_for(self, length):
        aligned = _align8(length)
        tail, head = self._ld8(OFF_TAIL), self._ld8(OFF_HEAD)
        if head > tail or tail - head > self.capacity:
            raise ChannelError("CORRUPT", f"tail={tail} head={head} capacity={self.capacity}")
        to_end = self.capacity - (tail & self.mask)
        padding = to_end if aligned > to_end else 0
        return padding + aligned <= self.capacity - (tail - head)

    def _check_reader(self):
        if self.end_alive(OFF_READER) == 0:
            raise ChannelError("PEERDEAD", f"reader pid={self._ld4(OFF_READER)} died")

    def await_room(self, length, timeout=None):
        """Waits until a record of ``length`` payload bytes fits: True, or False on timeout."""
        self._writer()
        return self._await(OFF_ROOM_SEQ, OFF_ROOM_SLEEPERS, self._deadline(timeout),
                           lambda: self._room_for(8 + length), self._check_reader)

    def send(self, type, payload, timeout=None):
        """Sends one record, waiting for room (``timeout`` seconds, None forever): True, False on timeout."""
        deadline = self._deadline(timeout)
        while not self.offer(type, payload):
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not self.await_room(len(payload), left):
                return False
        return True

    # ---- ONE_TO_ONE and MANY_TO_ONE: reading ------------------------------------------------------

    def _reader(self):
        if self._mm is None:
            raise ChannelError("CLOSED", "channel closed")
        if self.role != "reader":
            raise ChannelError("ARG", "not attached as the reader")

    def _zero(self, start, end):
        while start < end:
            index = start & self.mask
            n = min(end - start, self.capacity - index)
            self._mm[self.data + index:self.data + index + n] = bytes(n)
            start += n

    def _pad(self, start, length):
        while length > 0:
            index = start & self.mask
            n = min(length, self.capacity - index)
            at = self.data + index
            self._st4(at + 4, PADDING, _RELAXED)
            self._st4(at, n)
            start += n
            length -= n

    def poll(self, handler, limit=256):
        """Delivers up to ``limit`` records to ``handler(type, payload)``; returns how many."""
        self._reader()
        head = start = self._ld8(OFF_HEAD, _RELAXED)
        tail = self._ld8(OFF_TAIL)
        count = 0
        stalled = False
        view = memoryview(self._mm)
        try:
            # a batch stops after one lap: what it consumed is zeroed only at its end
            while count < limit and head - start < self.capacity:
                if head > tail or tail - head > self.capacity or head % 8:
                    raise ChannelError("CORRUPT", f"tail={tail} head={head} capacity={self.capacity}")
                index = head & self.mask
                at = self.data + index
                length = self._ldi(at)
                if length <= 0:
                    stalled = head == start and (length < 0 or tail != head)
                    break
                type = self._ldi(at + 4, _RELAXED)
                aligned = _align8(length)
                if aligned > tail - head:
                    tail = self._ld8(OFF_TAIL)
                if length < 8 or length > self.capacity - index or aligned > tail - head or \
                        (type != PADDING and (type < 1 or length - 8 > self.max_payload)):
                    raise ChannelError("CORRUPT", f"record at position={head}: length={length} type={type} tail={tail}")
                if type != PADDING:
                    payload = view[at + 8:at + length]
                    try:
                        handler(type, payload)
                    finally:
                        payload.release()
                    count += 1
                head += aligned
        finally:
            view.release()
            if head != start:
                self._zero(start, head)
                self._st8(OFF_HEAD, head)
                self._wake(OFF_ROOM_SEQ, OFF_ROOM_SLEEPERS)
        if stalled:
            self._note_stall(start)
        return count

    def _note_stall(self, head):
        """A poll found a claim or a reservation at head: once it has stayed a slice, look at its
        writer as a waiting reader does, so that a reader that only polls skips what a dead one left."""
        now = time.monotonic()
        if self._stall is None or self._stall[0] != head:
            self._stall = (head, now)
        elif now - self._stall[1] >= SLICE:
            self._stall = (head, now)
            try:
                self._check_writers()
            except ChannelError as e:
                if e.code != "PEERDEAD":  # a poll reports records, not the writer's death
                    raise

    def _has_data(self):
        head = self._ld8(OFF_HEAD, _RELAXED)
        if head % 8:
            raise ChannelError("CORRUPT", f"head={head} is not 8-aligned")
        return self._ldi(self.data + (head & self.mask)) > 0

    def _writers_dead(self):
        if self.kind == ONE_TO_ONE:
            return self.end_alive(OFF_WRITER) == 0
        states = [self.end_alive(OFF_SLOTS + s * END_SIZE) for s in range(MAX_PRODUCERS)]
        return 1 not in states and 0 in states

    def _after_recovery(self, head, end):
        """[head, end) was just turned into padding: when that was all and no writer is left,
        skip it now (nothing committed is in it) and report PEERDEAD rather than a slice later."""
        if end == self._ld8(OFF_TAIL) and self._writers_dead():
            self._zero(head, end)
            self._st8(OFF_HEAD, end)
            self._wake(OFF_ROOM_SEQ, OFF_ROOM_SLEEPERS)
            raise ChannelError("PEERDEAD", "the writer died; what it left was skipped")

    def _check_writers(self):
        """After a slice: recovers what a dead writer left at head; raises PEERDEAD when no writer is left."""
        head = self._ld8(OFF_HEAD, _RELAXED)
        tail = self._ld8(OFF_TAIL)
        if head % 8 or tail % 8 or head > tail or tail - head > self.capacity:
            raise ChannelError("CORRUPT", f"tail={tail} head={head} capacity={self.capacity}")
        index = head & self.mask
        at = self.data + index
        length = self._ldi(at)
        if length < 0:  # a claim: is its claimer alive?
            claimer = self._ldi(at + 4, _RELAXED)
            if self.kind == ONE_TO_ONE and claimer == 0:
                end = OFF_WRITER
            elif self.kind == MANY_TO_ONE and 0 <= claimer < MAX_PRODUCERS:
                end = OFF_SLOTS + claimer * END_SIZE
            else:
                raise ChannelError("CORRUPT", f"claimed record at position={head} claimer={claimer}")
            if not 8 <= -length <= self.capacity - index:
                raise ChannelError("CORRUPT", f"claimed record at position={head} length={length}")
            if self.end_alive(end) != 1:
                self._st4(at + 4, PADDING, _RELAXED)
                if self._cas4(at, length, -length):
                    self._after_recovery(head, head + _align8(-length))
            return
        if self.kind == ONE_TO_ONE:
            pid = self._ld4(OFF_WRITER + END_PID)
            alive = self.end_alive(OFF_WRITER)
            if alive == 1:
                return
            if length == 0 and head < tail and self._ld4(OFF_WRITER + END_PID) == pid:
                self._pad(head, tail - head)  # a reservation the dead writer never wrote
                self._after_recovery(head, tail)
                return
            if length == 0 and alive == 0:  # nobody attached (-1): wait on
                raise ChannelError("PEERDEAD", f"writer pid={pid} died")
            return
        live = dead = 0
        covers = []
        for s in range(MAX_PRODUCERS):
            end = OFF_SLOTS + s * END_SIZE
            alive = self.end_alive(end)
            if alive < 0:
                continue
            live, dead = live + (alive == 1), dead + (alive == 0)
            pos, n = self._ld8(end + END_CLAIM_POSITION), self._ld8(end + END_CLAIM_LENGTH)
            if pos <= head < pos + n:
                covers.append((pos + n, alive))
        live_covers = [end for end, alive in covers if alive == 1]
        dead_covers = [end for end, alive in covers if alive == 0]
        if length == 0 and tail > head and not live_covers and dead_covers:
            if dead_covers[0] > tail or dead_covers[0] % 8:
                raise ChannelError("CORRUPT", f"a dead producer's claim ends at {dead_covers[0]}, tail={tail}")
            now = time.monotonic()
            if self._gap is None or self._gap[0] != head:
                self._gap = (head, now)
            elif now - self._gap[1] >= CONFIRM:  # the same on two looks 50 ms apart
                self._pad(head, dead_covers[0] - head)
                self._gap = None
                self._after_recovery(head, dead_covers[0])
            return
        self._gap = None
        if live == 0 and dead > 0 and length == 0 and tail == head:
            raise ChannelError("PEERDEAD", "every producer died")

    def await_data(self, timeout=None):
        """Waits until a record is at head: True, or False on timeout."""
        self._reader()
        return self._await(OFF_DATA_SEQ, OFF_DATA_SLEEPERS, self._deadline(timeout),
                           self._has_data, self._check_writers)

    def receive(self, handler, limit=256, timeout=None):
        """Delivers up to ``limit`` records, waiting for the first: the count, 0 on timeout."""
        deadline = self._deadline(timeout)
        first = True
        while True:
            n = self.poll(handler, limit)
            if n:
                return n
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not first and left == 0.0:
                return 0  # padding only, until the deadline
            first = False
            if not self.await_data(left):
                return 0

    # ---- BROADCAST ----------------------------------------------------------------------------

    def transmit(self, type, payload):
        """Transmits one record; never waits (receivers that fall behind are lapped)."""
        if self._mm is None:
            raise ChannelError("CLOSED", "channel closed")
        if self.kind != BROADCAST or self.role != "writer" or type < 1:
            raise ChannelError("ARG", f"not the transmitter, or type={type} < 1")
        self._check_length(len(payload))
        record = 16 + len(payload)
        aligned = _align8(record)
        tail = self._ld8(OFF_TAIL, _RELAXED)
        index = tail & self.mask
        to_end = self.capacity - index
        mm, seq = self._mm, self.next_sequence
        if aligned > to_end:
            self._st8(OFF_HEAD_CACHE, tail + to_end + aligned)
            _fence(_RELEASE)
            at = self.data + index
            if to_end >= 16:  # an 8-byte padding has no room for a sequence
                mm[at + 8:at + 16] = seq.to_bytes(8, "little")
            mm[at:at + 8] = to_end.to_bytes(4, "little") + PADDING.to_bytes(4, "little", signed=True)
            tail += to_end
            index = 0
        else:
            self._st8(OFF_HEAD_CACHE, tail + aligned)
            _fence(_RELEASE)
        at = self.data + index
        mm[at:at + 16] = record.to_bytes(4, "little") + type.to_bytes(4, "little") + seq.to_bytes(8, "little")
        mm[at + 16:at + record] = payload
        self.next_sequence = seq + 1
        self._st8(OFF_HEAD, tail)
        self._st8(OFF_TAIL, tail + aligned)
        self._wake(OFF_DATA_SEQ, OFF_DATA_SLEEPERS)

    def _lapped(self):
        self.laps += 1
        self.cursor = self._ld8(OFF_HEAD)

    def bc_poll(self, handler, limit=64):
        """Delivers up to ``limit`` broadcast records (private copies, validated); returns how many.

        ``laps`` and ``lost`` count the laps and the records they cost."""
        if self._mm is None:
            raise ChannelError("CLOSED", "channel closed")
        if self.role != "receiver":
            raise ChannelError("ARG", "not attached as a receiver")
        mm, count, guard = self._mm, 0, 0
        while count < limit and guard < 4 * limit + 64:
            guard += 1
            tail = self._ld8(OFF_TAIL)
            if tail <= self.cursor:
                break
            if self.cursor + self.capacity < self._ld8(OFF_HEAD_CACHE):
                self._lapped()
                continue
            if self.cursor % 8:
                raise ChannelError("CORRUPT", f"cursor={self.cursor}")
            index = self.cursor & self.mask
            at = self.data + index
            head = mm[at:at + 8]  # 8 bytes before the end hold only a padding's length and type
            length = int.from_bytes(head[0:4], "little", signed=True)
            type = int.from_bytes(head[4:8], "little", signed=True)
            ok = length <= self.capacity - index and (
                length >= 8 if type == PADDING else type >= 1 and 16 <= length and length - 16 <= self.max_payload)
            copy = mm[at:at + length] if ok and type != PADDING else None
            _fence(_ACQUIRE)
            if self._ld8(OFF_HEAD_CACHE) > self.cursor + self.capacity:
                self._lapped()  # the copy may be torn
                continue
            if not ok or _align8(length) > tail - self.cursor:
                raise ChannelError("CORRUPT", f"record at position={self.cursor}: length={length} type={type}")
            self.cursor += _align8(length)
            if type == PADDING:
                continue
            seq = int.from_bytes(copy[8:16], "little")
            if self.expected is not None and seq > self.expected:
                self.lost += seq - self.expected
            self.expected = seq + 1
            handler(type, memoryview(copy)[16:])
            count += 1
        return count

    def _check_transmitter(self):
        if self.end_alive(OFF_WRITER) == 0:
            raise ChannelError("PEERDEAD", f"transmitter pid={self._ld4(OFF_WRITER)} died")

    def bc_receive(self, handler, limit=64, timeout=None):
        """Delivers up to ``limit`` broadcast records, waiting for the first: the count, 0 on timeout."""
        deadline = self._deadline(timeout)
        first = True
        while True:
            n = self.bc_poll(handler, limit)
            if n:
                return n
            if not first and deadline is not None and time.monotonic() >= deadline:
                return 0  # padding and laps only, until the deadline
            first = False
            if not self._await(OFF_DATA_SEQ, OFF_DATA_SLEEPERS, deadline,
                               lambda: self._ld8(OFF_TAIL) > self.cursor, self._check_transmitter):
                return 0


def _valid_capacity(c):
    return MIN_CAPACITY <= c <= MAX_CAPACITY and c & (c - 1) == 0


def _check_new(kind, capacity):
    if kind not in (ONE_TO_ONE, MANY_TO_ONE, BROADCAST):
        raise ChannelError("ARG", f"kind={kind}")
    if not _valid_capacity(capacity):
        raise ChannelError("CAPACITY", f"capacity={capacity} is not a power of two in [1024, 2^30]")


def unlink(name):
    """Removes a channel's POSIX shm name."""
    os.unlink("/dev/shm/" + name.lstrip("/"))
