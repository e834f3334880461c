package org.panamaipc.process;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A peer JVM that reads another process's memory and prints what happened on one line:
 * {@code read N} or the exception's simple class name and message. Run as another user or
 * without capabilities to see the kernel refuse.
 */
public final class MemoryReaderPeer {
    private MemoryReaderPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the pid, the address (hex) and the length to read
     */
    public static void main(String[] args) {
        long pid = Long.parseLong(args[0]);
        long address = Long.parseUnsignedLong(args[1], 16);
        long length = Long.parseLong(args[2]);
        try (PidFd process = PidFd.open(pid); Arena arena = Arena.ofConfined()) {
            MemorySegment local = arena.allocate(length);
            System.out.println("read " + ProcessMemory.of(process).read(address, local));
        } catch (Exception e) {
            System.out.println(e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }
}
