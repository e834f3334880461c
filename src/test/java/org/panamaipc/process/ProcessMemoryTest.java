package org.panamaipc.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.UnixDomainSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panamaipc.IpcException;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.testing.CProgram;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PythonPeer;

/**
 * Cross-memory attach against a C program ({@code src/test/resources/c/cma_peer.c}) that owns a
 * buffer and prints where it is; skipped where gcc is not installed.
 */
@IpcTest
class ProcessMemoryTest {
    private static final int SIXTEEN_MIB = 16 << 20;
    private static final Duration PEER_TIME = Duration.ofSeconds(20);

    @TempDir
    static Path build;
    private static Path program;

    /** What the C peer printed when it was ready. */
    private record Buffer(long pid, long address, long size, long checksum) {
        static Buffer parse(String ready) {
            String[] w = ready.split(" ");
            assertThat(w[0]).isEqualTo("READY");
            return new Buffer(Long.parseLong(w[1]), Long.parseUnsignedLong(w[2], 16), Long.parseLong(w[3]),
                    Long.parseUnsignedLong(w[4], 16));
        }
    }

    @BeforeAll
    static void compile() throws Exception {
        program = CProgram.compile("cma_peer", build);
        // the peer runs as another user in one test: it must be able to run the program
        Files.setPosixFilePermissions(build, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static PeerProcess peer(long size) {
        return PeerProcess.start("cma_peer", new ProcessBuilder(program.toString(), Long.toString(size)));
    }

    /** FNV-1a, 64 bits, as the C peer computes it. */
    private static long fnv1a(MemorySegment s) {
        long h = 0xcbf29ce484222325L;
        for (long i = 0; i < s.byteSize(); i++) {
            h ^= s.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    @Test
    void sixteenMebibytesAreReadAndWrittenWithAChecksumBothWays() throws Exception {
        try (PeerProcess c = peer(SIXTEEN_MIB); Arena arena = Arena.ofConfined()) {
            Buffer b = Buffer.parse(c.readLine(PEER_TIME));
            try (PidFd process = PidFd.open(b.pid())) {
                ProcessMemory memory = ProcessMemory.of(process);
                MemorySegment local = arena.allocate(SIXTEEN_MIB);
                assertThat(memory.read(b.address(), local)).isEqualTo(SIXTEEN_MIB);
                assertThat(fnv1a(local)).as("what the peer holds").isEqualTo(b.checksum());

                for (long i = 0; i < SIXTEEN_MIB; i += 8) {
                    local.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E3779B97F4A7C15L);
                }
                assertThat(memory.write(local, b.address())).isEqualTo(SIXTEEN_MIB);
                c.send("sum");
                assertThat(Long.parseUnsignedLong(c.readLine(PEER_TIME), 16)).as("what the peer holds now")
                        .isEqualTo(fnv1a(local));
            }
            c.send("quit");
            c.expectExit(0, PEER_TIME);
        }
    }

    /**
     * The large-message pattern: the owner keeps the bytes and publishes where they are over a
     * Unix socket; the reader takes the owner's pid from the connection's credentials (the
     * kernel's word, not the message's), copies once, and answers so that the owner may let go.
     */
    @Test
    void aLargeMessagePublishedOverAUnixSocketIsCopiedOnce(@TempDir Path dir) throws Exception {
        String owner = """
                import ctypes, socket, struct, sys
                size = int(sys.argv[2])
                buf = ctypes.create_string_buffer(bytes(range(256)) * (size // 256), size)
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(sys.argv[1])
                s.sendall(struct.pack('<QQ', ctypes.addressof(buf), size))
                if s.recv(1) != b'D':
                    sys.exit(1)
                ctypes.memset(buf, 0, size)
                print('let go', flush=True)
                """;
        Path socket = dir.resolve("owner.sock");
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, UnixDomainSocketAddress.of(socket));
             PeerProcess python = PythonPeer.startInline(owner, socket.toString(), Integer.toString(SIXTEEN_MIB));
             UnixSocket connection = server.accept(PEER_TIME);
             Arena arena = Arena.ofConfined()) {
            long pid = connection.peerCredentials().pid();
            assertThat(pid).isEqualTo(python.pid());
            MemorySegment where = arena.allocate(16, 8);
            for (long got = 0; got < where.byteSize(); ) {
                long n = connection.receive(where.asSlice(got), PEER_TIME);
                assertThat(n).as("the owner's message").isPositive();
                got += n;
            }
            ValueLayout.OfLong le = ValueLayout.JAVA_LONG.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
            long address = where.get(le, 0);
            long length = where.get(le, 8);
            assertThat(length).isEqualTo(SIXTEEN_MIB);
            MemorySegment copy = arena.allocate(length);
            try (PidFd process = PidFd.open(pid)) {
                assertThat(ProcessMemory.of(process).read(address, copy)).isEqualTo(length);
            }
            for (long i = 0; i < length; i++) {
                if (copy.get(ValueLayout.JAVA_BYTE, i) != (byte) i) {
                    throw new AssertionError("byte " + i + " is " + copy.get(ValueLayout.JAVA_BYTE, i));
                }
            }
            connection.send(new byte[] {'D'});
            python.expectLine("let go", PEER_TIME);
            python.expectExit(0, PEER_TIME);
        }
    }

    @Test
    void readingAndWritingOneRangeAllocateNothing() throws Exception {
        try (PidFd self = PidFd.open(ProcessHandle.current().pid()); Arena arena = Arena.ofConfined()) {
            ProcessMemory memory = ProcessMemory.of(self);
            MemorySegment there = arena.allocate(4096, 64);
            MemorySegment here = arena.allocate(4096, 64);
            there.fill((byte) 7);
            double bytes = org.panamaipc.testing.Allocation.bytesPerCall(1_000, () -> {
                memory.read(there.address(), here);
                memory.write(here, there.address());
            });
            assertThat(here.get(ValueLayout.JAVA_BYTE, 4095)).isEqualTo((byte) 7);
            assertThat(bytes).as("bytes allocated per read + write once warm").isLessThan(1.0);
        }
    }

    @Test
    void rangesAreGatheredAndScatteredInOrder() throws Exception {
        try (PeerProcess c = peer(1 << 16); Arena arena = Arena.ofConfined()) {
            Buffer b = Buffer.parse(c.readLine(PEER_TIME));
            try (PidFd process = PidFd.open(b.pid())) {
                ProcessMemory memory = ProcessMemory.of(process);
                MemorySegment whole = arena.allocate(1 << 16);
                assertThat(memory.read(b.address(), whole)).isEqualTo(1 << 16);
                // three remote ranges (out of order) into two local segments of other sizes
                List<ProcessMemory.Range> remote = List.of(new ProcessMemory.Range(b.address() + 5000, 100),
                        new ProcessMemory.Range(b.address() + 17, 300), new ProcessMemory.Range(b.address() + 60000, 50));
                MemorySegment first = arena.allocate(250);
                MemorySegment second = arena.allocate(200);
                assertThat(memory.read(remote, List.of(first, second))).isEqualTo(450);
                MemorySegment expected = arena.allocate(450);
                MemorySegment.copy(whole, 5000, expected, 0, 100);
                MemorySegment.copy(whole, 17, expected, 100, 300);
                MemorySegment.copy(whole, 60000, expected, 400, 50);
                assertThat(first.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(expected.asSlice(0, 250).toArray(ValueLayout.JAVA_BYTE));
                assertThat(second.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(expected.asSlice(250, 200).toArray(ValueLayout.JAVA_BYTE));

                // and back: the two local segments written over two remote ranges
                first.fill((byte) 1);
                second.fill((byte) 2);
                assertThat(memory.write(List.of(first, second), List.of(new ProcessMemory.Range(b.address(), 300),
                        new ProcessMemory.Range(b.address() + 1000, 150)))).isEqualTo(450);
                assertThat(memory.read(b.address(), whole)).isEqualTo(1 << 16);
                assertThat(whole.get(ValueLayout.JAVA_BYTE, 249)).isEqualTo((byte) 1);
                assertThat(whole.get(ValueLayout.JAVA_BYTE, 250)).isEqualTo((byte) 2);
                assertThat(whole.get(ValueLayout.JAVA_BYTE, 299)).isEqualTo((byte) 2);
                assertThat(whole.get(ValueLayout.JAVA_BYTE, 1000)).isEqualTo((byte) 2);
                assertThat(whole.get(ValueLayout.JAVA_BYTE, 1149)).isEqualTo((byte) 2);
            }
        }
    }

    @Test
    void aRangeThatRunsIntoAnUnmappedPageReportsThePartialCount() throws Exception {
        try (PeerProcess c = peer(4096); Arena arena = Arena.ofConfined()) {
            Buffer.parse(c.readLine(PEER_TIME));
            c.send("hole");
            String[] hole = c.readLine(PEER_TIME).split(" ");
            long page = Long.parseLong(hole[1]);
            long address = Long.parseUnsignedLong(hole[0], 16);
            long pid = c.pid();
            try (PidFd process = PidFd.open(pid)) {
                ProcessMemory memory = ProcessMemory.of(process);
                MemorySegment local = arena.allocate(2 * page);
                long half = page / 2;
                // from the middle of the mapped page well into the unmapped one
                assertThat(memory.read(address + half, local)).isEqualTo(page - half);
                assertThat(local.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0x5a);
                assertThat(local.get(ValueLayout.JAVA_BYTE, page - half - 1)).isEqualTo((byte) 0x5a);
                assertThat(memory.write(local, address + half)).isEqualTo(page - half);
                // nothing at all: EFAULT, naming the range
                assertThatThrownBy(() -> memory.read(address + page, local))
                        .isInstanceOf(IpcException.class)
                        .hasMessageContaining("process_vm_readv")
                        .hasMessageContaining("EFAULT")
                        .hasMessageContaining(Long.toHexString(address + page));
            }
        }
    }

    @Test
    void localMemoryTheKernelCannotUseIsRefusedBeforeTheCall() throws Exception {
        try (PidFd self = PidFd.open(ProcessHandle.current().pid()); Arena arena = Arena.ofConfined()) {
            ProcessMemory memory = ProcessMemory.of(self);
            MemorySegment source = arena.allocate(64);
            assertThatThrownBy(() -> memory.read(source.address(), source.asReadOnly()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
            assertThatThrownBy(() -> memory.read(source.address(), MemorySegment.ofArray(new byte[64])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heap");
            assertThatThrownBy(() -> memory.read(List.of(new ProcessMemory.Range(source.address(), 64)),
                    List.of(arena.allocate(8), source.asReadOnly())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("local segment 1");
            assertThatThrownBy(() -> new ProcessMemory.Range(-16, 32)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new ProcessMemory.Range(0, -1)).isInstanceOf(IllegalArgumentException.class);
            // a read-only segment may be the source of a write, here into this very process
            source.fill((byte) 7);
            MemorySegment target = arena.allocate(64);
            assertThat(memory.write(source.asReadOnly(), target.address())).isEqualTo(64);
            assertThat(target.get(ValueLayout.JAVA_BYTE, 63)).isEqualTo((byte) 7);
            self.close();
            assertThatThrownBy(() -> memory.read(source.address(), target)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aProcessThatHasExitedIsReportedGone() throws Exception {
        long address;
        PidFd process;
        try (PeerProcess c = peer(4096)) {
            Buffer b = Buffer.parse(c.readLine(PEER_TIME));
            address = b.address();
            process = PidFd.open(b.pid());
            c.send("quit");
            c.expectExit(0, PEER_TIME);
        }
        try (process; Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> ProcessMemory.of(process).read(address, arena.allocate(16)))
                    .isInstanceOf(IpcException.class).hasMessageContaining("ESRCH");
        }
    }

    @Test
    void anotherUsersProcessCannotBeReadAndTheExceptionSaysWhy() throws Exception {
        assumeTrue(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0)
                && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root and setpriv to run a peer as nobody");
        try (PeerProcess c = peer(4096)) {
            Buffer b = Buffer.parse(c.readLine(PEER_TIME));
            List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
            command.addAll(PeerJvm.builder(MemoryReaderPeer.class).onClassPath()
                    .command(Long.toString(b.pid()), Long.toHexString(b.address()), "4096"));
            try (PeerProcess reader = PeerProcess.start("MemoryReaderPeer", new ProcessBuilder(command))) {
                String line = reader.readLine(PEER_TIME);
                assertThat(line).startsWith(org.panamaipc.IpcAccessDeniedException.class.getSimpleName())
                        .contains("process_vm_readv(pid=" + b.pid())
                        .contains("EPERM")
                        .contains("CAP_SYS_PTRACE (this process lacks it)")
                        .contains("same real uid");
                reader.expectExit(0, PEER_TIME);
            }
            // the same read as root works: the refusal was the kernel's rule, not the address
            try (PidFd process = PidFd.open(b.pid()); Arena arena = Arena.ofConfined()) {
                assertThat(ProcessMemory.of(process).read(b.address(), arena.allocate(4096))).isEqualTo(4096);
            }
            assertThat(AccessDeniedException.class).isAssignableFrom(org.panamaipc.IpcAccessDeniedException.class);
        }
    }
}
