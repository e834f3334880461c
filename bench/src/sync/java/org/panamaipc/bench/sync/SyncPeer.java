package org.panamaipc.bench.sync;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.panamaipc.OwnedFd;
import org.panamaipc.bench.infra.PeerSupport;
import org.panamaipc.shm.SharedAtomics;
import org.panamaipc.sync.EventFd;
import org.panamaipc.sync.Futex;
import org.panamaipc.sync.ProcessCondition;
import org.panamaipc.sync.ProcessMutex;
import org.panamaipc.sync.SemaphoreOps;
import org.panamaipc.sync.SysVSemaphoreSet;
import org.panamaipc.sync.UnnamedSemaphore;

/**
 * Peer of the sync round trips: waits on its side of the pair, answers on the other,
 * forever. Modes: {@code semPosix NAME}, {@code semSysV ID}, {@code futex NAME},
 * {@code mutex NAME} (objects the benchmark created and initialised in the shared memory
 * object {@code NAME}, or the System V set {@code ID}), and {@code eventfd PARENT_PID} (the
 * two eventfds inherited as descriptors 3 and 4).
 */
public final class SyncPeer {
    private SyncPeer() {
    }

    /**
     * Runs the peer until the benchmark closes its standard input (or, for eventfd, until
     * the benchmark process ends).
     *
     * @param args the mode and its argument
     * @throws Exception when the objects cannot be opened or a call fails
     */
    public static void main(String[] args) throws Exception {
        PeerSupport.run(() -> serve(args));
    }

    private static void serve(String[] args) throws IOException {
        switch (args[0]) {
            case "semPosix" -> {
                MemorySegment s = SharedObject.attach(args[1]);
                UnnamedSemaphore ping = UnnamedSemaphore.attach(s, SyncLayout.FIRST);
                UnnamedSemaphore pong = UnnamedSemaphore.attach(s, SyncLayout.SECOND);
                PeerSupport.ready();
                for (;;) {
                    ping.acquire();
                    pong.release();
                }
            }
            case "semSysV" -> {
                SysVSemaphoreSet set = SysVSemaphoreSet.openId(Integer.parseInt(args[1]));
                SemaphoreOps takePing = SemaphoreOps.of(0, -1);
                SemaphoreOps givePong = SemaphoreOps.of(1, 1);
                PeerSupport.ready();
                for (;;) {
                    set.operate(takePing);
                    set.operate(givePong);
                }
            }
            case "futex" -> {
                MemorySegment s = SharedObject.attach(args[1]);
                Futex ping = Futex.of(s, SyncLayout.FIRST);
                Futex pong = Futex.of(s, SyncLayout.SECOND);
                PeerSupport.ready();
                for (;;) {
                    FutexRoundTrip.take(ping);
                    FutexRoundTrip.give(pong);
                }
            }
            case "mutex" -> {
                MemorySegment s = SharedObject.attach(args[1]);
                ProcessMutex mutex = ProcessMutex.attach(s, SyncLayout.FIRST);
                ProcessCondition cond = ProcessCondition.attach(s, SyncLayout.SECOND);
                PeerSupport.ready();
                mutex.lock();
                for (;;) {
                    while (SharedAtomics.getIntAcquire(s, SyncLayout.TURN) != MutexCondRoundTrip.PEER) {
                        cond.await(mutex);
                    }
                    SharedAtomics.putIntRelease(s, SyncLayout.TURN, MutexCondRoundTrip.BENCHMARK);
                    cond.signal();
                }
            }
            case "eventfd" -> {
                long parent = Long.parseLong(args[1]);
                ProcessHandle.of(parent).ifPresentOrElse(
                        h -> h.onExit().thenRun(() -> Runtime.getRuntime().halt(0)),
                        () -> Runtime.getRuntime().halt(0));
                EventFd ping = EventFd.adopt(OwnedFd.adopt(3), EventFd.Mode.COUNTER);
                EventFd pong = EventFd.adopt(OwnedFd.adopt(4), EventFd.Mode.COUNTER);
                pong.signal(EventFdRoundTrip.READY);
                for (;;) {
                    ping.await();
                    pong.signal(1);
                }
            }
            default -> throw new IllegalArgumentException("mode=" + args[0]);
        }
    }
}
