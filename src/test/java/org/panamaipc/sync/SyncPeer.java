package org.panamaipc.sync;

import java.lang.foreign.MemorySegment;
import org.panamaipc.OwnedFd;
import org.panamaipc.shm.MappableFile;
import org.panamaipc.shm.Mapping;
import org.panamaipc.testing.Peer;

/**
 * A peer JVM for the sync tests. The first argument says what to do:
 *
 * <ul>
 *   <li>{@code named-hold NAME}: take the named semaphore, print {@code held}, wait for stdin to end;
 *   <li>{@code named-wait NAME}: print {@code waiting}, take it (blocking), print {@code acquired};
 *   <li>{@code sysv-hold ID INDEX}: take semaphore INDEX of set ID with SEM_UNDO, print {@code held}, wait;
 *   <li>{@code sysv-wait ID INDEX}: print {@code waiting}, take it (blocking), print {@code acquired};
 *   <li>{@code sysv-key-wait KEY INDEX}: open the set by key, print {@code waiting}, take 1, print {@code acquired};
 *   <li>{@code sysv-create-or-open KEY VALUE}: openOrCreate a set of one, take 1 without undo, print {@code done};
 *   <li>{@code mutex-hold SHM OFFSET}: lock the mutex, print how it was acquired, then {@code held}, wait;
 *   <li>{@code futex-wait SHM OFFSET}: print {@code waiting}, wait while the word is 0;
 *   <li>{@code count KIND TIMES SHM [ID]}: after "go", add 1 to the counter TIMES times under the
 *       mutex ({@code mutex}) or System V semaphore ({@code sysv}), print {@code done};
 *   <li>{@code pingpong KIND ROUNDS ARGS...}: play the second side of {@link PingPong}, print {@code done}.
 * </ul>
 */
public final class SyncPeer {
    private SyncPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the command and its arguments
     * @throws Throwable on any failure (printed on stderr for the test)
     */
    public static void main(String[] args) throws Throwable {
        switch (args[0]) {
            case "named-hold" -> {
                try (NamedSemaphore sem = NamedSemaphore.open(args[1])) {
                    sem.acquire();
                    Peer.println("held");
                    waitForEnd();
                }
            }
            case "named-wait" -> {
                try (NamedSemaphore sem = NamedSemaphore.open(args[1])) {
                    Peer.println("waiting");
                    sem.acquire();
                    Peer.println("acquired");
                }
            }
            case "sysv-hold" -> {
                try (SysVSemaphoreSet set = SysVSemaphoreSet.openId(Integer.parseInt(args[1]))) {
                    set.operate(SemaphoreOps.of(Integer.parseInt(args[2]), -1, SemaphoreFlag.UNDO));
                    Peer.println("held");
                    waitForEnd();
                }
            }
            case "sysv-wait" -> {
                try (SysVSemaphoreSet set = SysVSemaphoreSet.openId(Integer.parseInt(args[1]))) {
                    Peer.println("waiting");
                    set.operate(SemaphoreOps.of(Integer.parseInt(args[2]), -1));
                    Peer.println("acquired");
                }
            }
            case "sysv-key-wait" -> {
                try (SysVSemaphoreSet set = SysVSemaphoreSet.open(org.panamaipc.SysVKey.of(Integer.parseInt(args[1])))) {
                    Peer.println("waiting");
                    set.operate(SemaphoreOps.of(Integer.parseInt(args[2]), -1));
                    Peer.println("acquired");
                }
            }
            case "sysv-create-or-open" -> {
                Peer.ready();
                Peer.readLine(); // "go"
                try (SysVSemaphoreSet set = SysVSemaphoreSet.openOrCreate(
                        org.panamaipc.SysVKey.of(Integer.parseInt(args[1])), Integer.parseInt(args[2]))) {
                    set.operate(SemaphoreOps.of(0, -1));
                    Peer.println("done");
                }
            }
            case "mutex-hold" -> {
                try (MappableFile shm = PingPong.openShared(args[1]); Mapping m = shm.map();
                     ProcessMutex mutex = ProcessMutex.attach(m.segment(), Long.parseLong(args[2]))) {
                    Peer.println(mutex.lock());
                    Peer.println("held");
                    waitForEnd();
                }
            }
            case "futex-wait" -> {
                try (MappableFile shm = PingPong.openShared(args[1]); Mapping m = shm.map();
                     Futex futex = Futex.of(m.segment(), Long.parseLong(args[2]))) {
                    Peer.println("waiting");
                    while (futex.value() == 0) {
                        futex.await(0);
                    }
                    Peer.println("woken");
                }
            }
            case "pingpong" -> pingPong(args);
            case "count" -> {
                try (MappableFile shm = PingPong.openShared(args[3]); Mapping m = shm.map();
                     PingPong.Lock lock = args[1].equals("mutex")
                             ? PingPong.mutexLock(m.segment()) : PingPong.sysVLock(Integer.parseInt(args[4]))) {
                    Peer.ready();
                    Peer.readLine(); // "go"
                    PingPong.count(lock, m.segment(), Long.parseLong(args[2]));
                }
                Peer.println("done");
            }
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static void pingPong(String[] args) throws Throwable {
        String kind = args[1];
        long rounds = Long.parseLong(args[2]);
        try (MappableFile shm = PingPong.openShared(args[3]); Mapping m = shm.map()) {
            MemorySegment s = m.segment();
            PingPong.Turns turns = switch (kind) {
                case "named" -> PingPong.named(args[4], args[5], false);
                case "unnamed" -> PingPong.unnamed(s, false);
                case "sysv" -> PingPong.sysV(Integer.parseInt(args[4]), false);
                case "futex" -> PingPong.futex(s, false);
                case "mutex" -> PingPong.mutexAndCondition(s, false);
                case "eventfd" -> {
                    long parent = ProcessHandle.current().parent().orElseThrow().pid();
                    OwnedFd a = PingPong.grab(parent, Integer.parseInt(args[4]));
                    OwnedFd b = PingPong.grab(parent, Integer.parseInt(args[5]));
                    yield PingPong.eventFd(EventFd.adopt(a, EventFd.Mode.SEMAPHORE),
                            EventFd.adopt(b, EventFd.Mode.SEMAPHORE), false);
                }
                default -> throw new IllegalArgumentException("unknown kind " + kind);
            };
            try (turns) {
                Peer.ready();
                PingPong.play(turns, s, rounds, false);
            }
        }
        Peer.println("done");
    }

    private static void waitForEnd() {
        while (Peer.readLine() != null) {
            // hold until the test closes stdin or kills us
        }
    }
}
