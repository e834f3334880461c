package org.panamaipc.pipe;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.panamaipc.OwnedFd;

/**
 * A peer JVM for the pipe tests.
 *
 * <ul>
 * <li>{@code fifo-write PATH BYTES}: writes BYTES pseudo-random bytes into the FIFO and
 *     prints {@code sha256=HEX}.
 * <li>{@code fd-echo}: reads descriptor 3 to its end, writes it all to descriptor 4 and
 *     prints {@code sha256=HEX} of what it read.
 * </ul>
 */
public final class PipePeer {
    private PipePeer() {
    }

    public static void main(String[] args) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        switch (args[0]) {
            case "fifo-write" -> {
                long remaining = Long.parseLong(args[2]);
                try (PipeSink out = Fifo.openForWriting(Path.of(args[1])); Arena arena = Arena.ofConfined()) {
                    MemorySegment buf = arena.allocate(65536);
                    long x = 0x9E3779B97F4A7C15L;
                    while (remaining > 0) {
                        for (long i = 0; i < buf.byteSize(); i += 8) {
                            x ^= x << 13;
                            x ^= x >>> 7;
                            x ^= x << 17;
                            buf.set(ValueLayout.JAVA_LONG_UNALIGNED, i, x);
                        }
                        MemorySegment chunk = buf.asSlice(0, Math.min(remaining, buf.byteSize()));
                        out.write(chunk);
                        sha.update(chunk.asByteBuffer());
                        remaining -= chunk.byteSize();
                    }
                }
            }
            case "fd-echo" -> {
                try (PipeSource in = PipeSource.adopt(OwnedFd.adopt(3));
                     PipeSink out = PipeSink.adopt(OwnedFd.adopt(4));
                     Arena arena = Arena.ofConfined()) {
                    MemorySegment buf = arena.allocate(65536);
                    long n;
                    while ((n = in.read(buf)) > 0) {
                        MemorySegment chunk = buf.asSlice(0, n);
                        sha.update(chunk.asByteBuffer());
                        out.write(chunk);
                    }
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("sha256=" + HexFormat.of().formatHex(sha.digest()));
    }
}
