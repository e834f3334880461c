package org.panamaipc.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panamaipc.BrokenPipeException;
import org.panamaipc.Errno;
import org.panamaipc.process.ChildProcess;
import org.panamaipc.process.Children;
import org.panamaipc.process.ExitStatus;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerProcess;

@IpcTest
class FifoTest {
    @TempDir
    Path dir;

    private Path fifo() throws IOException {
        Path p = dir.resolve("fifo-" + Long.toHexString(System.nanoTime()));
        Fifo.create(p);
        return p;
    }

    @Test
    void createMakesAFifoOnlyTheOwnerMayUse() throws IOException {
        Path p = fifo();
        assertThat((Integer) Files.getAttribute(p, "unix:mode") & 0170000).isEqualTo(0010000);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
        Fifo.unlink(p);
        assertThat(p).doesNotExist();
        assertThatThrownBy(() -> Fifo.unlink(p)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void createOverAnExistingPathThrowsFileAlreadyExistsAndLeavesTheFifoUsable() throws Exception {
        Path p = fifo();
        assertThatThrownBy(() -> Fifo.create(p))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("mkfifo(\"" + p + "\", 0600): EEXIST");
        assertThatThrownBy(() -> Fifo.create(p, PosixFilePermissions.fromString("rw-rw-rw-")))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
        // the first FIFO is intact: a shell peer still writes through it
        try (ChildProcess echo = ChildProcess.builder("sh", "-c", "echo still here > '" + p + "'").start();
             PipeSource reader = Fifo.openForReading(p, Duration.ofSeconds(10))) {
            assertThat(new String(reader.inputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("still here\n");
            assertThat(echo.waitFor(Duration.ofSeconds(10))).isEqualTo(ExitStatus.exited(0));
        }
        assertThat(Fifo.unlinkIfExists(p)).isTrue();
        assertThat(Fifo.unlinkIfExists(p)).isFalse();
    }

    @Test
    void interruptingABlockedOpenThrowsInterruptedIoException() throws Exception {
        Path p = fifo();
        for (boolean timed : new boolean[] {false, true}) {
            Blocked<PipeSource> opening = Blocked.start(Blocked.OPENAT, () -> {
                try {
                    return timed ? Fifo.openForReading(p, Duration.ofSeconds(30)) : Fifo.openForReading(p);
                } finally {
                    assertThat(Thread.currentThread().isInterrupted()).as("interrupt status kept").isTrue();
                }
            });
            long start = System.nanoTime();
            opening.thread().interrupt();
            assertThatThrownBy(() -> opening.get(Duration.ofSeconds(5)))
                    .hasCauseInstanceOf(InterruptedIOException.class)
                    .cause().hasMessageContaining(p.toString());
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(100);
        }
        // nothing was left open: a writer that needs a reader finds none
        assertThatThrownBy(() -> Fifo.openForWritingNonBlocking(p)).isInstanceOf(NoReaderException.class);
    }

    @Test
    void interruptingABlockedReadClosesTheEnd() throws Exception {
        Path p = fifo();
        try (PeerProcess writer = PeerProcess.start("sh writer",
                     new ProcessBuilder("sh", "-c", "exec 3>'" + p + "'; echo open; read line"));
             PipeSource reader = Fifo.openForReading(p, Duration.ofSeconds(10));
             Arena arena = Arena.ofShared()) {
            assertThat(writer.readLine()).isEqualTo("open");
            MemorySegment buf = arena.allocate(8);
            BlockingChecks.interruptEndsTheCallPromptly(Blocked.READ, null, () -> reader.read(buf),
                    ClosedByInterruptException.class);
            assertThat(reader.isOpen()).isFalse();
            writer.send("done");
        }
    }

    @Test
    void openingARegularFileIsRefusedAsNotAFifo() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertThatThrownBy(() -> Fifo.openForReadingNonBlocking(file))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("not a FIFO but a regular file");
        assertThatThrownBy(() -> Fifo.openForWriting(dir))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("not a FIFO but a directory");
        assertThatThrownBy(() -> Fifo.openForReading(dir.resolve("missing")))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void nonBlockingOpenForWritingWithoutReaderFailsNamingNoReader() throws IOException {
        Path p = fifo();
        assertThatThrownBy(() -> Fifo.openForWritingNonBlocking(p))
                .isInstanceOf(NoReaderException.class)
                .hasMessageContaining("O_WRONLY|O_NONBLOCK")
                .hasMessageContaining("ENXIO")
                .hasMessageEndingWith("no reader has the FIFO open")
                .satisfies(e -> assertThat(((NoReaderException) e).errno()).isEqualTo(Errno.ENXIO));
        try (PipeSource reader = Fifo.openForReadingNonBlocking(p);
             PipeSink writer = Fifo.openForWritingNonBlocking(p)) {
            assertThat(writer.isBlocking()).isFalse();
            writer.write(new byte[] {7}, 0, 1);
            byte[] b = new byte[1];
            assertThat(reader.read(b, 0, 1)).isEqualTo(1);
        }
    }

    @Test
    void timedOpensGiveUpWhenNoPeerComes() throws IOException {
        Path p = fifo();
        long start = System.nanoTime();
        assertThat(Fifo.openForReading(p, Duration.ofMillis(150))).isNull();
        assertThat(Fifo.openForWriting(p, Duration.ofMillis(150))).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void blockingOpenForReadingWaitsForAShellWriter() throws Exception {
        Path p = fifo();
        Blocked<PipeSource> opening = Blocked.start(Blocked.OPENAT, () -> Fifo.openForReading(p));
        assertThat(opening.result()).isNotDone();
        try (ChildProcess echo = ChildProcess.builder("sh", "-c", "echo hello from sh > '" + p + "'").start();
             PipeSource reader = opening.result().get(10, TimeUnit.SECONDS)) {
            assertThat(new String(reader.inputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello from sh\n");
            assertThat(echo.waitFor(Duration.ofSeconds(10))).isEqualTo(ExitStatus.exited(0));
        }
    }

    @Test
    void timedOpenReturnsTheEndWhenAPeerComesInTime() throws Exception {
        Path p = fifo();
        Blocked<PipeSink> opening = Blocked.start(Blocked.OPENAT, () -> Fifo.openForWriting(p, Duration.ofSeconds(10)));
        try (PipeSource reader = Fifo.openForReading(p)) {
            try (PipeSink writer = opening.result().get(10, TimeUnit.SECONDS)) {
                assertThat(writer).isNotNull();
                writer.write(new byte[] {1, 2}, 0, 2);
            }
            assertThat(reader.inputStream().readAllBytes()).containsExactly(1, 2);
        }
    }

    @Test
    void nonBlockingReaderSeesEndOfFileBeforeAnyWriterButATimedReadWaits() throws IOException {
        Path p = fifo();
        try (PipeSource reader = Fifo.openForReadingNonBlocking(p); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8);
            assertThat(reader.read(buf)).isEqualTo(-1);
            assertThat(reader.read(buf, Duration.ofMillis(100))).isZero();
            try (PipeSink writer = Fifo.openForWritingNonBlocking(p)) {
                writer.write(arena.allocateFrom("x"));
                assertThat(reader.read(buf, Duration.ofSeconds(5))).isEqualTo(2);
            }
            assertThat(reader.read(buf, Duration.ofSeconds(5))).isEqualTo(-1);
        }
    }

    @Test
    void readWriteOpenNeverWaitsAndLoopsBack() throws IOException {
        Path p = fifo();
        try (Pipe both = Fifo.openReadWrite(p); Arena arena = Arena.ofConfined()) {
            both.sink().write(arena.allocateFrom("loop"));
            MemorySegment in = arena.allocate(8);
            assertThat(both.source().read(in)).isEqualTo(5);
        }
    }

    @Test
    void readerSeesEndOfFileAndWriterSeesBrokenPipe() throws IOException {
        Path p = fifo();
        PipeSource reader = Fifo.openForReadingNonBlocking(p);
        try (PipeSink writer = Fifo.openForWriting(p)) {
            reader.setBlocking(true);
            writer.write(new byte[] {1}, 0, 1);
            reader.close();
            assertThatThrownBy(() -> writer.write(new byte[] {2}, 0, 1)).isInstanceOf(BrokenPipeException.class);
        }
        try (PipeSource r = Fifo.openForReadingNonBlocking(p)) {
            try (PipeSink w = Fifo.openForWriting(p)) {
                w.write(new byte[] {3}, 0, 1);
            }
            r.setBlocking(true);
            assertThat(r.inputStream().readAllBytes()).containsExactly(3);
        }
    }

    @Test
    void tenMegabytesFromAShellPipelineArriveIntact() throws Exception {
        Path p = fifo();
        // The shell writes 10 MB of random bytes into the FIFO and prints their checksum.
        try (Pipe out = Pipe.open();
             ChildProcess sh = ChildProcess.builder("sh", "-c",
                     "head -c 10485760 /dev/urandom | tee '" + p + "' | sha256sum")
                     .mapFd(1, out.sink()).start()) {
            out.sink().close();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long total = 0;
            try (PipeSource reader = Fifo.openForReading(p); Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(65536);
                long n;
                while ((n = reader.read(buf)) > 0) {
                    sha.update(buf.asSlice(0, n).asByteBuffer());
                    total += n;
                }
            }
            String expected = new String(out.source().inputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(total).isEqualTo(10 << 20);
            assertThat(expected).startsWith(HexFormat.of().formatHex(sha.digest()));
            assertThat(sh.waitFor(Duration.ofSeconds(20))).isEqualTo(ExitStatus.exited(0));
        }
    }

    @Test
    void tenMegabytesFromAPeerJvmArriveIntact() throws Exception {
        Path p = fifo();
        Children.Result[] peer = new Children.Result[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                peer[0] = Children.run(ChildProcess.builder(Children.java(PipePeer.class, "fifo-write", p.toString(),
                        Integer.toString(10 << 20))), Duration.ofSeconds(25));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (PipeSource reader = Fifo.openForReading(p, Duration.ofSeconds(20)); Arena arena = Arena.ofConfined()) {
            assertThat(reader).as("peer opened the FIFO").isNotNull();
            MemorySegment buf = arena.allocate(65536);
            long n;
            while ((n = reader.read(buf)) > 0) {
                sha.update(buf.asSlice(0, n).asByteBuffer());
                total += n;
            }
        }
        t.join(Duration.ofSeconds(25));
        assertThat(total).isEqualTo(10 << 20);
        assertThat(peer[0].status()).as(peer[0].output()).isEqualTo(ExitStatus.exited(0));
        assertThat(peer[0].output()).contains("sha256=" + HexFormat.of().formatHex(sha.digest()));
    }
}
