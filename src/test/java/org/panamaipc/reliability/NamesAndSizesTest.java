package org.panamaipc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.QueueLimitException;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.shm.MapMode;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.Memfd;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.shm.SysVSharedMemory;
import org.panamaipc.signal.Signal;
import org.panamaipc.socket.AbstractSocketAddress;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.EventFd;
import org.panamaipc.sync.NamedSemaphore;
import org.panamaipc.sync.SysVSemaphoreSet;
import org.panamaipc.testing.IpcTest;

/**
 * The bad values whose meaning depends on the parameter, as explicit tables: every named kind
 * with an empty, a bare-slash, a too long, an unencodable, a NUL-holding and a slash-holding
 * name, every prefix of {@code uniqueName} likewise, and sizes of zero and far too many for
 * each factory that takes one. Each is refused with the documented exception and a message
 * that names the value, and leaves no object behind.
 */
@IpcTest
class NamesAndSizesTest {

    /** A call with one name. */
    @FunctionalInterface
    private interface NamedCall {
        Object call(String name) throws Exception;
    }

    /** A call with one bad size. */
    @FunctionalInterface
    private interface SizedCall {
        Object call(Scope scope) throws Exception;
    }

    private static final Map<String, String> BAD_POSIX_NAMES = badNames(true);
    private static final Map<String, String> BAD_PLAIN_NAMES = badNames(false);

    private static Map<String, String> badNames(boolean posix) {
        String lead = posix ? "/" : "";
        Map<String, String> names = new LinkedHashMap<>();
        names.put("empty", "");
        if (posix) {
            names.put("a bare slash", "/");
            names.put("no leading slash", "orders");
            names.put("a second slash", "/a/b");
        }
        names.put("too long (300 bytes)", lead + "n".repeat(300));
        names.put("too long in UTF-8 (200 two-byte characters)", lead + "\u00e9".repeat(200));
        names.put("a lone high surrogate", lead + "a\uD800b");
        names.put("a lone low surrogate", lead + "a\uDC00b");
        names.put("a NUL", lead + "a\0b");
        return names;
    }

    @TestFactory
    Stream<DynamicNode> badNamesOfEveryNamedKind() {
        Map<String, NamedCall> calls = new LinkedHashMap<>();
        calls.put("SharedMemory.create(name, 4096)", n -> SharedMemory.create(n, 4096));
        calls.put("SharedMemory.openOrCreate(name, 4096)", n -> SharedMemory.openOrCreate(n, 4096));
        calls.put("SharedMemory.open(name)", SharedMemory::open);
        calls.put("SharedMemory.unlinkIfExists(name)", SharedMemory::unlinkIfExists);
        calls.put("PosixMessageQueue.create(name, 1, 8)", n -> PosixMessageQueue.create(n, 1, 8));
        calls.put("PosixMessageQueue.openOrCreate(name, 1, 8)", n -> PosixMessageQueue.openOrCreate(n, 1, 8));
        calls.put("PosixMessageQueue.open(name, READ_WRITE)",
                n -> PosixMessageQueue.open(n, PosixMessageQueue.Access.READ_WRITE));
        calls.put("PosixMessageQueue.unlinkIfExists(name)", PosixMessageQueue::unlinkIfExists);
        calls.put("NamedSemaphore.create(name, 0)", n -> NamedSemaphore.create(n, 0));
        calls.put("NamedSemaphore.openOrCreate(name, 0)", n -> NamedSemaphore.openOrCreate(n, 0));
        calls.put("NamedSemaphore.open(name)", NamedSemaphore::open);
        calls.put("NamedSemaphore.unlinkIfExists(name)", NamedSemaphore::unlinkIfExists);
        List<DynamicNode> cases = new ArrayList<>();
        calls.forEach((what, call) -> BAD_POSIX_NAMES.forEach((why, name) ->
                cases.add(Case.of(what + ": " + why, s -> refused(call, name)))));
        return cases.stream();
    }

    @TestFactory
    Stream<DynamicNode> badNamesOfMemfdsSocketsAndSignals() {
        Map<String, NamedCall> calls = new LinkedHashMap<>();
        calls.put("Memfd.create(name)", Memfd::create);
        calls.put("AbstractSocketAddress.of(name)", AbstractSocketAddress::of);
        calls.put("Signal.named(name)", Signal::named);
        List<DynamicNode> cases = new ArrayList<>();
        calls.forEach((what, call) -> BAD_PLAIN_NAMES.forEach((why, name) -> {
            boolean acceptable = why.equals("empty") && !what.startsWith("Signal")
                    || why.startsWith("too long") && what.startsWith("Signal")
                    || why.equals("a NUL") && what.startsWith("AbstractSocketAddress");
            // An empty memfd or abstract name is valid, an abstract name is bytes (NUL included),
            // and a long signal name is just one that no signal has.
            if (!acceptable) {
                cases.add(Case.of(what + ": " + why, s -> refused(call, name)));
            }
        }));
        return cases.stream();
    }

    @TestFactory
    Stream<DynamicNode> badPrefixesOfUniqueNames() {
        Map<String, NamedCall> calls = new LinkedHashMap<>();
        calls.put("SharedMemory.uniqueName(prefix)", SharedMemory::uniqueName);
        calls.put("PosixMessageQueue.uniqueName(prefix)", PosixMessageQueue::uniqueName);
        calls.put("NamedSemaphore.uniqueName(prefix)", NamedSemaphore::uniqueName);
        calls.put("AbstractSocketAddress.unique(prefix)", AbstractSocketAddress::unique);
        Map<String, String> prefixes = new LinkedHashMap<>(BAD_PLAIN_NAMES);
        prefixes.put("a slash", "a/b");
        prefixes.put("a space", "a b");
        List<DynamicNode> cases = new ArrayList<>();
        calls.forEach((what, call) -> prefixes.forEach((why, prefix) ->
                cases.add(Case.of(what + ": " + why, s -> refused(call, prefix)))));
        return cases.stream();
    }

    @TestFactory
    Stream<DynamicNode> socketPathsTooLongForSunPath() {
        List<DynamicNode> cases = new ArrayList<>();
        for (SocketType type : SocketType.values()) {
            cases.add(Case.of("UnixSocket.bind(" + type + ", a 200-byte path)", s -> {
                Path path = Fixtures.tempFile(s).resolveSibling("p".repeat(200));
                Throwable thrown = catchThrowable(() -> s.own(UnixSocket.bind(type, UnixDomainSocketAddress.of(path))));
                assertRefused(thrown, IllegalArgumentException.class);
                assertThat(Files.exists(path)).isFalse();
            }));
            cases.add(Case.of("UnixServerSocket.create(" + type + ", a 200-byte path)", s -> {
                Path path = Fixtures.tempFile(s).resolveSibling("q".repeat(200));
                Throwable thrown = catchThrowable(() -> s.own(UnixServerSocket.create(type,
                        UnixDomainSocketAddress.of(path))));
                assertRefused(thrown, IllegalArgumentException.class);
            }));
        }
        return cases.stream();
    }

    @TestFactory
    Stream<DynamicNode> zeroAndHugeSizes() {
        Map<String, SizedCall> zero = new LinkedHashMap<>();
        String shm = SharedMemory.uniqueName("size");
        String queue = PosixMessageQueue.uniqueName("size");
        zero.put("SharedMemory.create(name, 0)", s -> SharedMemory.create(shm, 0));
        zero.put("SharedMemory.openOrCreate(name, 0)", s -> SharedMemory.openOrCreate(shm, 0));
        zero.put("Memfd.create(name, 0)", s -> Memfd.create("size", 0));
        zero.put("SysVSharedMemory.createPrivate(0)", s -> SysVSharedMemory.createPrivate(0));
        zero.put("Mapping.anonymous(0, {})", s -> Mapping.anonymous(0, java.util.Set.of()));
        zero.put("PosixMessageQueue.create(name, 0, 8)", s -> PosixMessageQueue.create(queue, 0, 8));
        zero.put("PosixMessageQueue.create(name, 1, 0)", s -> PosixMessageQueue.create(queue, 1, 0));
        zero.put("SysVSemaphoreSet.createPrivate(0)", s -> SysVSemaphoreSet.createPrivate(0));
        zero.put("MappableFile.map(READ_WRITE, 0, 0)", s -> s.own(Memfd.create("size", 4096)).map(MapMode.READ_WRITE, 0, 0));
        zero.put("PipeEnd.setCapacity(0)", s -> s.own(Pipe.open()).sink().setCapacity(0));
        Map<String, SizedCall> huge = new LinkedHashMap<>();
        // (A memfd or shared memory object of Long.MAX_VALUE bytes is valid: tmpfs files are sparse.)
        huge.put("Mapping.anonymous(Long.MAX_VALUE, {})", s -> Mapping.anonymous(Long.MAX_VALUE, java.util.Set.of()));
        huge.put("PosixMessageQueue.create(name, Long.MAX_VALUE, 8)",
                s -> PosixMessageQueue.create(queue, Long.MAX_VALUE, 8));
        huge.put("PosixMessageQueue.create(name, 1, Long.MAX_VALUE)",
                s -> PosixMessageQueue.create(queue, 1, Long.MAX_VALUE));
        huge.put("SysVSemaphoreSet.createPrivate(Integer.MAX_VALUE)",
                s -> SysVSemaphoreSet.createPrivate(Integer.MAX_VALUE));
        huge.put("EventFd.create(2^32, COUNTER)", s -> EventFd.create(1L << 32, EventFd.Mode.COUNTER));
        huge.put("MappableFile.map(READ_WRITE, 0, Long.MAX_VALUE)",
                s -> s.own(Memfd.create("size", 4096)).map(MapMode.READ_WRITE, 0, Long.MAX_VALUE));
        huge.put("MappableFile.map(READ_WRITE, Long.MAX_VALUE, 4096)",
                s -> s.own(Memfd.create("size", 4096)).map(MapMode.READ_WRITE, Long.MAX_VALUE, 4096));
        huge.put("PipeEnd.setCapacity(Integer.MAX_VALUE)",
                s -> s.own(Pipe.open()).sink().setCapacity(Integer.MAX_VALUE));
        List<DynamicNode> cases = new ArrayList<>();
        zero.forEach((what, call) -> cases.add(Case.of(what, s -> {
            Throwable thrown = catchThrowable(() -> closeIfMade(call.call(s)));
            assertRefused(thrown, IllegalArgumentException.class);
            assertThat(thrown.getMessage()).as(what + ": the message names the value").contains("0");
            assertNoneLeft(shm, queue);
        })));
        huge.forEach((what, call) -> cases.add(Case.of(what, s -> {
            Throwable thrown = catchThrowable(() -> closeIfMade(call.call(s)));
            // Past a limit only the kernel knows (memory, RLIMIT_FSIZE) the documented answer is an IOException.
            assertRefused(thrown, IllegalArgumentException.class, IndexOutOfBoundsException.class,
                    QueueLimitException.class, IOException.class);
            assertNoneLeft(shm, queue);
        })));
        return cases.stream();
    }

    private static void closeIfMade(Object made) throws Exception {
        if (made instanceof AutoCloseable c) {
            c.close();
        }
    }

    private static void assertNoneLeft(String shm, String queue) throws IOException {
        assertThat(SharedMemory.unlinkIfExists(shm)).as("no shared memory " + shm + " left behind").isFalse();
        assertThat(PosixMessageQueue.unlinkIfExists(queue)).as("no queue " + queue + " left behind").isFalse();
    }

    private static void refused(NamedCall call, String name) {
        Throwable thrown = catchThrowable(() -> closeIfMade(call.call(name)));
        assertRefused(thrown, IllegalArgumentException.class);
    }

    private static void assertRefused(Throwable thrown, Class<?>... expected) {
        assertThat(thrown).as("refused").isNotNull().isInstanceOfAny(expected);
        assertThat(thrown.getMessage()).as("the message of " + thrown).isNotBlank();
    }
}
