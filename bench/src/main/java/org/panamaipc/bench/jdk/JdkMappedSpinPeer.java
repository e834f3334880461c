package org.panamaipc.bench.jdk;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.panamaipc.bench.infra.PeerSupport;

/** Peer of {@link JdkMappedSpinRoundTrip}: answers each new ping with the same number. */
public final class JdkMappedSpinPeer {
    private JdkMappedSpinPeer() {
    }

    /**
     * Runs the peer until the benchmark closes its standard input.
     *
     * @param args {@code path}
     * @throws IOException when the file cannot be mapped
     */
    public static void main(String[] args) throws IOException {
        MemorySegment shared;
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            shared = ch.map(FileChannel.MapMode.READ_WRITE, 0, JdkMappedSpinRoundTrip.SIZE, Arena.global());
        }
        PeerSupport.ready();
        long expect = 1;
        while (true) {
            while ((long) JdkMappedSpinRoundTrip.LONG.getAcquire(shared, JdkMappedSpinRoundTrip.PING) != expect) {
                Thread.onSpinWait();
            }
            JdkMappedSpinRoundTrip.LONG.setRelease(shared, JdkMappedSpinRoundTrip.PONG, expect);
            expect++;
        }
    }
}
