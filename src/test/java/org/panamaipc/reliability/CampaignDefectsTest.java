package org.panamaipc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.panamaipc.SysVKey;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.shm.Memfd;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.signal.Signal;
import org.panamaipc.socket.AbstractSocketAddress;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.EventFd;
import org.panamaipc.sync.Futex;
import org.panamaipc.sync.NamedSemaphore;
import org.panamaipc.sync.SysVSemaphoreSet;
import org.panamaipc.testing.IpcTest;

/** Defects 8, 9, 11 and 12 of the hostile campaign: each case failed before its fix. */
@IpcTest
class CampaignDefectsTest {

    /** Strings the JDK's UTF-8 encoder would turn into {@code ?}: lone high, lone low, reversed pair. */
    private static final List<String> UNENCODABLE = List.of("a\uD800x", "a\uDC00x", "a\uDC00\uD800x", "ab\uD83D");

    @Test
    void posixNamesThatCannotBeEncodedAreRefusedNotRenamed() {
        for (String bad : UNENCODABLE) {
            String name = "/" + bad;
            refusedAsUnencodable(() -> PosixMessageQueue.create(name, 1, 8));
            refusedAsUnencodable(() -> PosixMessageQueue.unlinkIfExists(name));
            refusedAsUnencodable(() -> SharedMemory.create(name, 4096));
            refusedAsUnencodable(() -> SharedMemory.open(name));
            refusedAsUnencodable(() -> NamedSemaphore.create(name, 0));
            refusedAsUnencodable(() -> NamedSemaphore.unlink(name));
        }
    }

    @Test
    void otherNamesThatCannotBeEncodedAreRefused() {
        for (String bad : UNENCODABLE) {
            refusedAsUnencodable(() -> Memfd.create(bad));
            refusedAsUnencodable(() -> AbstractSocketAddress.of(bad));
            // Paths are refused by the JDK itself, with InvalidPathException (an IllegalArgumentException).
            assertThatThrownBy(() -> UnixDomainSocketAddress.of("/tmp/" + bad)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Path.of("/tmp/" + bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aValidSurrogatePairIsAName() throws IOException {
        String name = PosixMessageQueue.uniqueName("pair") + "\uD83D\uDE00";
        try (PosixMessageQueue q = PosixMessageQueue.create(name, 1, 8)) {
            assertThat(q.name()).isEqualTo(name);
        } finally {
            PosixMessageQueue.unlinkIfExists(name);
        }
    }

    @Test
    void aFutexOnTheJavaHeapIsRefusedAtOf() {
        assertThatThrownBy(() -> Futex.of(MemorySegment.ofArray(new int[4]), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment=").hasMessageContaining("Java heap").hasMessageContaining("futex");
        try (Arena arena = Arena.ofConfined()) {
            assertThat(Futex.of(arena.allocate(16, 8), 4).value()).isZero();
        }
    }

    @Test
    void eventFdAdoptRefusesAPipeAndASocket() throws IOException {
        try (Pipe pipe = Pipe.open()) {
            var dup = pipe.source().fd().dup();
            try (dup) {
                assertThatThrownBy(() -> EventFd.adopt(dup, EventFd.Mode.COUNTER))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("fd=" + dup.get()).hasMessageContaining("pipe:")
                        .hasMessageContaining("eventfd");
                assertThat(dup.isOpen()).isTrue();
            }
        }
        var pair = UnixSocket.pair(SocketType.STREAM);
        try (UnixSocket a = pair.first(); UnixSocket b = pair.second()) {
            assertThatThrownBy(() -> EventFd.adopt(a.fd(), EventFd.Mode.SEMAPHORE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("socket:");
        }
        try (EventFd event = EventFd.create(1, EventFd.Mode.COUNTER);
             EventFd adopted = EventFd.adopt(event.fd().dup(), EventFd.Mode.COUNTER)) {
            assertThat(adopted.tryAwait()).isEqualTo(1);
        }
    }

    @Test
    void memfdAdoptStillRefusesAPipeThroughTheSharedCheck() throws IOException {
        try (Pipe pipe = Pipe.open()) {
            assertThatThrownBy(() -> Memfd.adopt(pipe.sink().fd()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pipe:")
                    .hasMessageContaining("shared memory");
        }
    }

    @Test
    void namedSemaphoreNamesOver251BytesAreRefusedUpFront() throws IOException {
        for (int length = 252; length <= 255; length++) {
            String name = "/" + "s".repeat(length);
            assertThatThrownBy(() -> NamedSemaphore.create(name, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length=" + length)
                    .hasMessageContaining("251");
        }
        String longest = "/" + "t".repeat(NamedSemaphore.MAX_NAME_BYTES);
        try (NamedSemaphore sem = NamedSemaphore.create(longest, 0)) {
            assertThat(sem.name()).isEqualTo(longest);
        } finally {
            NamedSemaphore.unlinkIfExists(longest);
        }
    }

    @Test
    void aPrivateKeyIsRefusedUpFrontByEverySystemVOpen() {
        assertThatThrownBy(() -> SysVSemaphoreSet.open(SysVKey.PRIVATE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IPC_PRIVATE");
        assertThatThrownBy(() -> org.panamaipc.shm.SysVSharedMemory.open(SysVKey.PRIVATE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IPC_PRIVATE");
        assertThatThrownBy(() -> org.panamaipc.mq.SysVMessageQueue.open(SysVKey.PRIVATE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IPC_PRIVATE");
    }

    @Test
    void aSignalNumberPastAnIntIsAClearIllegalArgument() {
        for (String name : List.of("99999999999", "2147483648", "0", "65", "999999999")) {
            assertThatThrownBy(() -> Signal.named(name))
                    .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining(name.equals("0")
                            || name.equals("65") || name.equals("999999999") ? "signal=" : "name=\"" + name + "\"");
        }
        assertThat(Signal.named("15")).isEqualTo(Signal.SIGTERM);
    }

    @Test
    void eventFdMaxValueCanBeSignalled() throws IOException {
        try (EventFd event = EventFd.create(0, EventFd.Mode.COUNTER)) {
            event.signal(EventFd.MAX_VALUE);
            assertThat(event.trySignal(1)).isFalse();
            assertThat(Long.toUnsignedString(event.tryAwait())).isEqualTo("18446744073709551614");
            assertThat(event.trySignal(EventFd.MAX_VALUE)).isTrue();
            assertThat(event.tryAwait()).isEqualTo(EventFd.MAX_VALUE);
            assertThatThrownBy(() -> event.signal(-1L))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value=18446744073709551615");
        }
    }

    private static void refusedAsUnencodable(ThrowingCallable call) {
        assertThatThrownBy(call).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name=").hasMessageContaining("unpaired surrogate");
    }
}
