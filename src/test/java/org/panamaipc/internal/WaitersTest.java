package org.panamaipc.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.panamaipc.bindings.LibC;
import org.panamaipc.testing.IpcTest;

@IpcTest
class WaitersTest {

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void wakeAllReleasesThreadsBlockedInRead() throws Exception {
        Waiters waiters = new Waiters();
        AtomicBoolean closed = new AtomicBoolean();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            assertThat(Sys.pipe2(fds, LibC.O_CLOEXEC())).isZero();
            int readEnd = fds.getAtIndex(JAVA_INT, 0);
            MemorySegment buf = arena.allocate(8);
            try {
                List<CompletableFuture<Long>> readers = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    readers.add(CompletableFuture.supplyAsync(() -> {
                        int slot = waiters.enter();
                        try {
                            if (closed.get()) {
                                return 0L; // closed before this thread registered
                            }
                            long r;
                            do {
                                r = Sys.read(readEnd, buf, 8);
                            } while (r == -Sys.EINTR && !closed.get());
                            return r;
                        } finally {
                            waiters.exit(slot);
                        }
                    }, task -> new Thread(task, "blocked-reader").start()));
                }

                org.panamaipc.testing.Deadline.after(Duration.ofSeconds(10))
                        .await(() -> waiters.count() == readers.size(), "all readers registered");

                closed.set(true);
                waiters.wakeAll();

                for (CompletableFuture<Long> reader : readers) {
                    assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(-Sys.EINTR);
                }
            } finally {
                Sys.close(fds.getAtIndex(JAVA_INT, 0));
                Sys.close(fds.getAtIndex(JAVA_INT, 1));
            }
        }
    }
}
