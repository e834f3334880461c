package org.panamaipc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Sys;
import org.panamaipc.testing.IpcTest;

@IpcTest
class OwnedFdTest {
    private int readEnd;
    private int writeEnd;

    @BeforeEach
    void openPipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            assertThat(Sys.pipe2(fds, LibC.O_CLOEXEC())).isZero();
            readEnd = fds.getAtIndex(JAVA_INT, 0);
            writeEnd = fds.getAtIndex(JAVA_INT, 1);
        }
    }

    @AfterEach
    void closeWhatIsLeft() {
        // Closing an already-closed number fails harmlessly with EBADF.
        Sys.close(readEnd);
        Sys.close(writeEnd);
    }

    private static boolean isOpen(int fd) {
        return Sys.fcntl(fd, LibC.F_GETFD(), 0) >= 0;
    }

    @Test
    void closeClosesTheDescriptorOnceAndIsIdempotent() {
        OwnedFd fd = OwnedFd.adopt(readEnd);
        fd.close();
        assertThat(isOpen(readEnd)).isFalse();
        assertThat(fd.isOpen()).isFalse();

        // A second close must not close a number the process has reused meanwhile.
        OwnedFd reused = OwnedFd.adopt(Sys.fcntl(writeEnd, LibC.F_DUPFD_CLOEXEC(), readEnd));
        assertThat(reused.get()).isEqualTo(readEnd);
        fd.close();
        assertThat(isOpen(readEnd)).isTrue();
        reused.close();
    }

    @Test
    void closeDuringAUseIsDeferredUntilRelease() {
        OwnedFd fd = OwnedFd.adopt(readEnd);
        int n = fd.acquire();

        fd.close();

        assertThat(fd.isOpen()).isFalse();
        assertThat(isOpen(n)).as("still in use").isTrue();
        fd.release();
        assertThat(isOpen(n)).isFalse();
    }

    @Test
    void useAfterCloseThrowsIllegalState() {
        OwnedFd fd = OwnedFd.adopt(readEnd);
        fd.close();

        assertThatThrownBy(fd::acquire).isInstanceOf(IllegalStateException.class)
                .hasMessage("fd=" + readEnd + " is closed");
        assertThatThrownBy(fd::get).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(fd::dup).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(fd::detach).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void dupMakesAnIndependentCloseOnExecDescriptor() throws Exception {
        OwnedFd fd = OwnedFd.adopt(readEnd);
        try (OwnedFd copy = fd.dup()) {
            assertThat(copy.get()).isNotEqualTo(fd.get());
            assertThat(Sys.fcntl(copy.get(), LibC.F_GETFD(), 0) & LibC.FD_CLOEXEC()).isEqualTo(LibC.FD_CLOEXEC());
            fd.close();
            assertThat(isOpen(copy.get())).isTrue();
        }
    }

    @Test
    void detachHandsOverTheNumberWithoutClosing() {
        OwnedFd fd = OwnedFd.adopt(readEnd);

        int n = fd.detach();

        assertThat(n).isEqualTo(readEnd);
        fd.close();
        assertThat(isOpen(n)).isTrue();
    }

    @Test
    void detachWhileInUseIsRefused() {
        try (OwnedFd fd = OwnedFd.adopt(readEnd)) {
            fd.acquire();
            assertThatThrownBy(fd::detach).isInstanceOf(IllegalStateException.class).hasMessageContaining("in use");
            fd.release();
        }
    }

    @Test
    void closeListenersRunOnceWhileTheNumberIsStillOpen() {
        OwnedFd fd = OwnedFd.adopt(readEnd);
        List<Boolean> openWhenRun = new ArrayList<>();
        Runnable listener = () -> openWhenRun.add(isOpen(readEnd));
        assertThat(fd.addCloseListener(listener)).isTrue();
        assertThat(fd.addCloseListener(listener)).isTrue();

        fd.close();
        fd.close();

        assertThat(openWhenRun).containsExactly(true, true);
        assertThat(isOpen(readEnd)).isFalse();
        assertThat(fd.addCloseListener(listener)).as("too late").isFalse();
    }

    @Test
    void closeListenersWaitForTheLastRelease() {
        OwnedFd fd = OwnedFd.adopt(readEnd);
        AtomicInteger runs = new AtomicInteger();
        fd.addCloseListener(runs::incrementAndGet);
        int n = fd.acquire();

        fd.close();

        assertThat(runs).as("the number is still in use").hasValue(0);
        assertThat(fd.tryAcquire()).isEqualTo(-1);
        fd.release();
        assertThat(runs).hasValue(1);
        assertThat(isOpen(n)).isFalse();
    }

    @Test
    void aRemovedListenerDoesNotRunAndAFailingOneDoesNotKeepTheNumberOpen() {
        OwnedFd fd = OwnedFd.adopt(readEnd);
        AtomicInteger runs = new AtomicInteger();
        Runnable removed = runs::incrementAndGet;
        fd.addCloseListener(removed);
        fd.addCloseListener(() -> {
            throw new IllegalStateException("expected by the test");
        });
        fd.addCloseListener(runs::incrementAndGet);
        fd.removeCloseListener(removed);
        fd.removeCloseListener(removed);

        Thread.UncaughtExceptionHandler previous = Thread.currentThread().getUncaughtExceptionHandler();
        List<Throwable> reported = new ArrayList<>();
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> reported.add(e));
        try {
            fd.close();
        } finally {
            Thread.currentThread().setUncaughtExceptionHandler(previous);
        }

        assertThat(runs).hasValue(1);
        assertThat(reported).singleElement().extracting(Throwable::getMessage).isEqualTo("expected by the test");
        assertThat(isOpen(readEnd)).isFalse();
    }

    @Test
    void detachRunsTheCloseListeners() {
        OwnedFd fd = OwnedFd.adopt(readEnd);
        AtomicInteger runs = new AtomicInteger();
        fd.addCloseListener(runs::incrementAndGet);

        int n = fd.detach();

        assertThat(runs).hasValue(1);
        assertThat(isOpen(n)).isTrue();
    }

    @Test
    void adoptRejectsNegativeNumbers() {
        assertThatThrownBy(() -> OwnedFd.adopt(-1)).isInstanceOf(IllegalArgumentException.class).hasMessage("fd=-1 must not be negative");
    }
}
