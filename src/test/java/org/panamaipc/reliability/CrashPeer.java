package org.panamaipc.reliability;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.panamaipc.lock.LockKind;
import org.panamaipc.lock.LockMode;
import org.panamaipc.lock.LockableFile;
import org.panamaipc.shm.SysVSharedMemory;
import org.panamaipc.socket.AbstractSocketAddress;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.EventFd;
import org.panamaipc.sync.NamedSemaphore;
import org.panamaipc.sync.ProcessMutex;
import org.panamaipc.sync.SemaphoreFlag;
import org.panamaipc.sync.SemaphoreOps;
import org.panamaipc.sync.SysVSemaphoreSet;
import org.panamaipc.sync.UnnamedSemaphore;
import org.panamaipc.testing.Peer;

/**
 * The peer the crash matrix kills with SIGKILL.
 *
 * <ul>
 *   <li>{@code hold SHMID SEMNAME UNDOID PLAINID FILE1 FILE2 FILE3}: takes the process mutex at
 *       offset 0 and the unnamed semaphore at offset {@value CrashMatrixTest#SEMAPHORE_OFFSET}
 *       of the System V segment, the named semaphore, one unit of each System V set (with and
 *       without SEM_UNDO), an fcntl, an OFD and a flock lock on the three files; prints
 *       {@code held} and waits to be killed.
 *   <li>{@code send ABSTRACTNAME}: connects a seqpacket socket and sends message after message,
 *       each an 8-byte sequence number and one descriptor, printing {@code sent N} after each
 *       send returned, until it is killed.
 * </ul>
 */
public final class CrashPeer {
    private CrashPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the mode and its arguments
     * @throws Exception on any failure: the test sees the peer die
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "hold" -> hold(args);
            case "send" -> send(args[1]);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void hold(String[] args) throws Exception {
        SysVSharedMemory shm = SysVSharedMemory.openId(Integer.parseInt(args[1]));
        MemorySegment region = shm.attach().segment();
        ProcessMutex.attach(region, 0).lock();
        UnnamedSemaphore.attach(region, CrashMatrixTest.SEMAPHORE_OFFSET).acquire();
        NamedSemaphore.open(args[2]).acquire();
        SysVSemaphoreSet.openId(Integer.parseInt(args[3])).operate(SemaphoreOps.of(0, -1, SemaphoreFlag.UNDO));
        SysVSemaphoreSet.openId(Integer.parseInt(args[4])).operate(SemaphoreOps.of(0, -1));
        LockableFile.open(Path.of(args[5])).lock(LockKind.PROCESS, LockMode.EXCLUSIVE);
        LockableFile.open(Path.of(args[6])).lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE);
        LockableFile.open(Path.of(args[7])).lock(LockKind.FLOCK, LockMode.EXCLUSIVE);
        Peer.println("held");
        Peer.readLine(); // killed while it waits here
    }

    private static void send(String name) throws Exception {
        try (UnixSocket socket = UnixSocket.connect(SocketType.SEQPACKET, AbstractSocketAddress.of(name));
             EventFd passed = EventFd.create(0, EventFd.Mode.COUNTER);
             Arena arena = Arena.ofConfined()) {
            MemorySegment message = arena.allocate(8);
            for (long seq = 0; ; seq++) {
                message.set(ValueLayout.JAVA_LONG, 0, seq);
                socket.sendDescriptors(message, passed.fd());
                Peer.println("sent " + seq);
            }
        }
    }
}
