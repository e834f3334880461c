"""A Python end of a channel for the cross-language tests, on interop/python/panama_channel.py.

The same commands, test records and output as src/test/resources/c/channel_peer.c:

  channel_peer.py create NAME KIND CAPACITY             create, print READY, wait for EOF on stdin, unlink
  channel_peer.py write  NAME KIND COUNT PRODUCER BURST  write COUNT test records, BURST at a time
  channel_peer.py read   NAME KIND COUNT PRODUCERS       read COUNT records from each of PRODUCERS producers
  channel_peer.py bc-send NAME COUNT BURST               transmit COUNT records after a "go" line on stdin
  channel_peer.py bc-recv NAME COUNT SLOW_US             receive until the last of COUNT, SLOW_US per record
  channel_peer.py check  NAME KIND                       open and print OPENED or the error
  channel_peer.py claim  NAME KIND COUNT                 write COUNT records, claim one more, print CLAIMED, wait
  channel_peer.py poll-read NAME KIND COUNT              read COUNT records with poll only, print RECEIVED, poll on
                                                         until head reaches tail, print DONE
  channel_peer.py hostile-read NAME KIND SECONDS         read (or receive broadcast) for SECONDS while a hostile
                                                         peer scribbles over the ring; print DONE with the results
  channel_peer.py memfd-write KIND CAPACITY COUNT PROGRAM...
                                                         create a sealed memfd channel, start PROGRAM with
                                                         "fd:3" for it, write COUNT records, relay its output
"""
import os
import subprocess
import sys
import time
from pathlib import Path


def _find_library():
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "interop" / "python"
        if (candidate / "panama_channel.py").exists():
            return str(candidate)
    raise SystemExit("interop/python/panama_channel.py not found above " + __file__)


sys.path.insert(0, _find_library())
import panama_channel as pc  # noqa: E402

TIMEOUT = 30.0
PATTERN = bytes((j * 131 + (j >> 8)) & 0xFF for j in range(256 + 1024))


def rec_length(i, p):
    return 8 + (i * 7919 + p * 131) % 1017


def rec_type(i):
    return 1 + i % 7


def rec_payload(i, p):
    n = rec_length(i, p)
    s = (i * 7 + p * 13) % 256
    return ((p << 32) | i).to_bytes(8, "little") + PATTERN[s:s + n - 8]


def open_channel(name, kind):
    if name.startswith("fd:"):
        return pc.Channel.from_fd(int(name[3:]), kind)
    return pc.Channel.open(name, kind)


def say(line):
    print(line, flush=True)


def await_condition(cond, what):
    until = time.monotonic() + TIMEOUT
    while not cond():
        if time.monotonic() > until:
            say("ERROR " + what)
            sys.exit(1)
        time.sleep(0.0002)


def write(ch, count, p, burst):
    ch.attach_writer()
    say("READY")
    await_condition(lambda: ch._ld4(pc.OFF_READER + pc.END_PID) != 0, "no-reader")
    for i in range(count):
        if burst and i and i % burst == 0:  # the next burst starts with a wake-up of a parked reader
            await_condition(lambda: ch._ld4(pc.OFF_DATA_SLEEPERS) != 0
                            and ch._ld8(pc.OFF_HEAD) == ch._ld8(pc.OFF_TAIL), "reader-never-parked")
        payload = rec_payload(i, p)
        while True:
            if i % 50 == 25:  # a claim given up: readers must never see it
                junk = ch.claim(100)
                if junk is not None:
                    junk.payload[:] = b"\xee" * 100
                    ch.abort(junk)
            if i % 3 == 0:
                c = ch.claim(len(payload))
                if c is not None:
                    c.payload[:] = payload
                    ch.commit(c, rec_type(i))
                    break
            elif ch.offer(rec_type(i), payload):
                break
            try:
                if not ch.await_room(len(payload) + 100, TIMEOUT):
                    say("ERROR await-room TIMEDOUT")
                    sys.exit(1)
            except pc.ChannelError as e:
                say(f"ERROR await-room {e.code} {e}")
                sys.exit(1)
    say(f"SENT {count}")


class Checker:
    def __init__(self, producers):
        self.next = [0] * producers
        self.total = self.bytes = self.bad = self.dup = self.lost = 0

    def __call__(self, type, payload):
        self.total += 1
        self.bytes += len(payload)
        if len(payload) < 8:
            self.bad += 1
            return
        ident = int.from_bytes(payload[0:8], "little")
        p, i = ident >> 32, ident & 0xFFFFFFFF
        if p >= len(self.next) or type != rec_type(i) or len(payload) != rec_length(i, p) \
                or payload[8:] != PATTERN[(i * 7 + p * 13) % 256:][:len(payload) - 8]:
            self.bad += 1
            return
        if i < self.next[p]:
            self.dup += 1
        elif i > self.next[p]:
            self.lost += i - self.next[p]
        self.next[p] = i + 1


def read(ch, count, producers):
    ch.attach_reader()
    say("READY")
    check = Checker(producers)
    while check.total < count * producers:
        try:
            if not ch.receive(check, 256, TIMEOUT):
                say(f"ERROR receive TIMEDOUT after {check.total}")
                return 1
        except pc.ChannelError as e:
            say(f"ERROR receive {e.code} after {check.total} ({e})")
            return 1
    say(f"DONE records={check.total} bytes={check.bytes} bad={check.bad} dup={check.dup} lost={check.lost}")
    return 0


def claim(ch, count):
    ch.attach_writer()
    say("READY")
    for i in range(count):
        if not ch.send(rec_type(i), rec_payload(i, 0), TIMEOUT):
            say("ERROR send TIMEDOUT")
            return 1
    c = ch.claim(100)
    c.payload[:] = b"\xee" * 100
    say("CLAIMED")
    sys.stdin.read()
    return 0


def poll_read(ch, count):
    ch.attach_reader()
    say("READY")
    check = Checker(1)
    until = time.monotonic() + TIMEOUT
    received = False
    while True:
        n = ch.poll(check, 16)
        if not received and check.total >= count:
            received = True
            say(f"RECEIVED {check.total}")
        if received and ch._ld8(pc.OFF_HEAD) == ch._ld8(pc.OFF_TAIL):
            break
        if time.monotonic() > until:
            say("ERROR poll-until-empty TIMEDOUT")
            return 1
        if n == 0:
            time.sleep(0.0001)
    say(f"DONE records={check.total} bad={check.bad} dup={check.dup} lost={check.lost}")
    return 0


def hostile_read(ch, kind, seconds):
    if kind == pc.BROADCAST:
        ch.attach_receiver()
    else:
        ch.attach_reader()
    say("READY")
    counts = {"records": 0, "CORRUPT": 0, "PEERDEAD": 0, "timedout": 0, "other": 0}
    last_other = "none"
    slowest = 0.0
    end = time.monotonic() + seconds

    def touch(type, payload):
        bytes(payload)  # every byte handed over is read

    while time.monotonic() < end:
        t0 = time.monotonic()
        try:
            n = ch.bc_receive(touch, 16, 0.002) if kind == pc.BROADCAST else ch.receive(touch, 16, 0.002)
            if n:
                counts["records"] += n
            else:
                counts["timedout"] += 1
        except pc.ChannelError as e:
            if e.code in counts:
                counts[e.code] += 1
            else:
                counts["other"] += 1
                last_other = e.code
        slowest = max(slowest, time.monotonic() - t0)
    say(f"DONE records={counts['records']} corrupt={counts['CORRUPT']} peerdead={counts['PEERDEAD']} "
        f"timedout={counts['timedout']} other={counts['other']} slowest_ms={int(slowest * 1000)} last_other={last_other}")
    return 0


def bc_send(ch, count, burst):
    ch.attach_writer()
    say("READY")
    sys.stdin.readline()
    for i in range(count):
        if burst and i and i % burst == 0:
            time.sleep(0.002)
        ch.transmit(rec_type(i), rec_payload(i, 0))
    say(f"SENT {count}")


def bc_recv(ch, count, slow_us):
    ch.attach_receiver()
    say("READY")
    state = {"delivered": 0, "bad": 0, "last": -1}

    def on_record(type, payload):
        state["delivered"] += 1
        i = int.from_bytes(payload[0:8], "little") if len(payload) >= 8 else -1
        if i < 0 or type != rec_type(i) or bytes(payload) != rec_payload(i, 0):
            state["bad"] += 1
        state["last"] = i
        if slow_us:
            time.sleep(slow_us / 1e6)

    while state["last"] != count - 1:
        if not ch.bc_receive(on_record, 64, TIMEOUT):
            say("ERROR receive timed out")
            return 1
    say(f"DONE delivered={state['delivered']} lost={ch.lost} laps={ch.laps} bad={state['bad']}")
    return 0


def memfd_write(kind, capacity, count, program):
    with pc.Channel.create_memfd(kind, capacity) as ch:
        fd = os.dup(ch.fd())
        child = subprocess.Popen(program + [f"fd:{fd}", str(kind), str(count), "1"], pass_fds=(fd,),
                                 stdout=subprocess.PIPE, text=True)
        os.close(fd)
        ch.attach_writer()
        say("READY")
        first = child.stdout.readline().strip()  # the reader's READY
        if first != "READY":
            say("ERROR reader said " + first)
            return 1
        for i in range(count):
            if not ch.send(rec_type(i), rec_payload(i, 0), TIMEOUT):
                say("ERROR send timed out")
                return 1
        for line in child.stdout:
            say(line.strip())
        return child.wait()


def main(argv):
    mode = argv[1]
    if mode == "memfd-write":
        return memfd_write(int(argv[2]), int(argv[3]), int(argv[4]), argv[5:])
    name = argv[2]
    if mode == "create":
        ch = pc.Channel.create(name, int(argv[3]), int(argv[4]))
        say("READY")
        sys.stdin.read()
        ch.close()
        pc.unlink(name)
        return 0
    if mode == "check":
        try:
            open_channel(name, int(argv[3])).close()
            say("OPENED")
        except pc.ChannelError as e:
            say(f"ERROR {e.code} {e}")
        return 0
    if mode in ("bc-send", "bc-recv"):
        with open_channel(name, pc.BROADCAST) as ch:
            if mode == "bc-send":
                return bc_send(ch, int(argv[3]), int(argv[4]))
            return bc_recv(ch, int(argv[3]), int(argv[4]))
    with open_channel(name, int(argv[3])) as ch:
        if mode == "write":
            return write(ch, int(argv[4]), int(argv[5]), int(argv[6]))
        if mode == "read":
            return read(ch, int(argv[4]), int(argv[5]))
        if mode == "claim":
            return claim(ch, int(argv[4]))
        if mode == "poll-read":
            return poll_read(ch, int(argv[4]))
        if mode == "hostile-read":
            return hostile_read(ch, int(argv[3]), float(argv[4]))
    say("usage: see the doc string of channel_peer.py")
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv) or 0)
