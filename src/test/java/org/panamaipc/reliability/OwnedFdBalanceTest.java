package org.panamaipc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Sys;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;

/**
 * An unbalanced {@link OwnedFd#release()} is refused and changes nothing: it can neither leak
 * the descriptor nor close it under a call of the library in flight.
 */
@IpcTest
class OwnedFdBalanceTest {

    private static boolean isOpen(int fd) {
        return Sys.fcntl(fd, LibC.F_GETFD(), 0) >= 0;
    }

    @Test
    void anUnmatchedReleaseThrowsAndTheDescriptorStillClosesOnClose() throws IOException {
        try (Pipe pipe = Pipe.open()) {
            OwnedFd copy = pipe.source().fd().dup();
            int n = copy.get();
            assertThatThrownBy(copy::release).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("without a matching acquire");
            assertThat(copy.isOpen()).isTrue();
            copy.close();
            assertThat(copy.isOpen()).isFalse();
            assertThat(isOpen(n)).as("the copy's number is closed, not leaked").isFalse();
        }
    }

    @Test
    void aBalancedPairStillDefersTheCloseToTheRelease() throws IOException {
        try (Pipe pipe = Pipe.open()) {
            OwnedFd copy = pipe.source().fd().dup();
            int n = copy.acquire();
            copy.close();
            assertThat(isOpen(n)).as("in use: closed by the release").isTrue();
            copy.release();
            assertThat(isOpen(n)).isFalse();
            assertThatThrownBy(copy::release).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void anExtraReleaseCannotEndTheUseOfAThreadBlockedInARead() throws Exception {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(8);
            CompletableFuture<Long> read = new CompletableFuture<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    read.complete(pipe.source().read(buffer));
                } catch (Throwable t) {
                    read.completeExceptionally(t);
                }
            });
            Deadline.after(Duration.ofSeconds(20)).await(() -> isBlockedInRead(reader), "the reader to block");
            OwnedFd fd = pipe.source().fd();
            int n = fd.acquire();
            fd.release();
            assertThatThrownBy(fd::release).isInstanceOf(IllegalStateException.class);
            pipe.sink().write(new byte[] {42}, 0, 1);
            assertThat(read.get(20, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(buffer.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 42);
            assertThat(isOpen(n)).isTrue();
            reader.join();
        }
    }

    private static boolean isBlockedInRead(Thread reader) {
        for (StackTraceElement e : reader.getStackTrace()) {
            if (e.getClassName().endsWith("Blocker")) {
                return true;
            }
        }
        return false;
    }
}
