package org.panamaipc.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Sys;
import org.panamaipc.testing.IpcTest;

@IpcTest
class DescriptorPassingTest {
    private Set<Integer> before;

    @BeforeEach
    void snapshot() {
        before = Fds.open();
    }

    private java.util.Map<Integer, String> newDescriptors() {
        Set<Integer> now = Fds.open();
        now.removeAll(before);
        // Jars the class loader opens, and descriptors gone by the time they are read (the
        // listing's own directory, other threads' transient files), are not ours to count.
        now.removeIf(fd -> Fds.target(fd).contains(".jar") || Fds.target(fd).startsWith("anon_inode")
                || Fds.target(fd).equals("(closed)"));
        java.util.Map<Integer, String> targets = new java.util.TreeMap<>();
        now.forEach(fd -> targets.put(fd, Fds.target(fd)));
        return targets;
    }

    static OwnedFd[] pipe() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            int r = Sys.pipe2(fds, LibC.O_CLOEXEC());
            assertThat(r).isZero();
            return new OwnedFd[] {OwnedFd.adopt(fds.getAtIndex(ValueLayout.JAVA_INT, 0)),
                    OwnedFd.adopt(fds.getAtIndex(ValueLayout.JAVA_INT, 1))};
        }
    }

    @ParameterizedTest
    @EnumSource(SocketType.class)
    void aPassedPipeEndWritesIntoTheOriginalPipe(SocketType type) throws IOException {
        OwnedFd[] p = pipe();
        try (SocketPair pair = UnixSocket.pair(type); Arena arena = Arena.ofConfined();
             OwnedFd read = p[0]; OwnedFd write = p[1]) {
            assertThat(pair.first().sendDescriptors(arena.allocateFrom("w"), write)).isEqualTo(2);
            MemorySegment buf = arena.allocate(16);
            try (ReceivedMessage m = pair.second().receiveMessage(buf, 4)) {
                assertThat(m.length()).isEqualTo(2);
                assertThat(buf.getString(0)).isEqualTo("w");
                assertThat(m.descriptors()).hasSize(1);
                OwnedFd got = m.descriptors().getFirst();
                assertThat(got.get()).isNotEqualTo(write.get());
                assertThat(Sys.fcntl(got.get(), LibC.F_GETFD(), 0) & LibC.FD_CLOEXEC())
                        .as("received close-on-exec").isEqualTo(LibC.FD_CLOEXEC());
                MemorySegment msg = arena.allocateFrom("through the passed end");
                assertThat(Sys.write(got.get(), msg, msg.byteSize())).isEqualTo(msg.byteSize());
                MemorySegment in = arena.allocate(64);
                assertThat(Sys.read(read.get(), in, 64)).isEqualTo(msg.byteSize());
                assertThat(in.getString(0)).isEqualTo("through the passed end");
            }
        }
        assertThat(newDescriptors()).isEmpty();
    }

    @Test
    void aPassedSocketTalksAsALibrarySocket() throws IOException {
        try (SocketPair carrier = UnixSocket.pair(SocketType.STREAM);
             SocketPair passed = UnixSocket.pair(SocketType.SEQPACKET);
             Arena arena = Arena.ofConfined()) {
            OwnedFd end;
            try (OwnedFd dup = OwnedFd.adopt(Sys.fcntl(passed.second().localAddress() == null ? -1
                    : fdOf(passed.second()), LibC.F_DUPFD_CLOEXEC(), 0))) {
                carrier.first().sendDescriptors(arena.allocateFrom("s"), dup);
            }
            passed.second().close();
            MemorySegment buf = arena.allocate(8);
            try (ReceivedMessage m = carrier.second().receiveMessage(buf, 1);
                 UnixSocket adopted = UnixSocket.adopt(m.descriptors().getFirst())) {
                end = m.descriptors().getFirst();
                assertThat(end.isOpen()).as("detached by adopt").isFalse();
                assertThat(adopted.type()).isEqualTo(SocketType.SEQPACKET);
                passed.first().send(new byte[] {1, 2, 3});
                assertThat(adopted.receive(buf)).isEqualTo(3);
            }
        }
        assertThat(newDescriptors()).isEmpty();
    }

    private static int fdOf(UnixSocket s) {
        String t = s.toString();
        return Integer.parseInt(t.substring(t.indexOf("fd=") + 3, t.length() - 1));
    }

    @Test
    void twoHundredAndFiftyThreeDescriptorsTravelInOneMessage() throws IOException {
        List<OwnedFd> sent = new ArrayList<>();
        try (SocketPair pair = UnixSocket.pair(SocketType.DATAGRAM); Arena arena = Arena.ofConfined()) {
            OwnedFd[] p = pipe();
            sent.add(p[0]);
            sent.add(p[1]);
            while (sent.size() < UnixSocket.MAX_DESCRIPTORS) {
                sent.add(p[1].dup());
            }
            pair.first().sendDescriptors(arena.allocateFrom("many"), sent);
            try (ReceivedMessage m = pair.second().receiveMessage(arena.allocate(8), UnixSocket.MAX_DESCRIPTORS)) {
                assertThat(m.descriptorsTruncated()).isFalse();
                assertThat(m.descriptors()).hasSize(253);
            }
            List<OwnedFd> tooMany = new ArrayList<>(sent);
            tooMany.add(sent.getFirst());
            assertThatThrownBy(() -> pair.first().sendDescriptors(MemorySegment.ofArray(new byte[1]), tooMany))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("descriptors=254");
        } finally {
            sent.forEach(OwnedFd::close);
        }
        assertThat(newDescriptors()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(SocketType.class)
    void tooSmallARoomClosesEveryDescriptorThatArrived(SocketType type) throws IOException {
        OwnedFd[] p = pipe();
        List<OwnedFd> sent = new ArrayList<>(List.of(p));
        try (SocketPair pair = UnixSocket.pair(type); Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < 8; i++) {
                sent.add(p[1].dup());
            }
            pair.first().sendDescriptors(arena.allocateFrom("ten"), sent);
            Set<Integer> beforeReceive = Fds.open();
            MemorySegment buf = arena.allocate(8);
            try (ReceivedMessage m = pair.second().receiveMessage(buf, 3)) {
                assertThat(m.descriptorsTruncated()).isTrue();
                assertThat(m.descriptors()).isEmpty();
                assertThat(buf.getString(0)).isEqualTo("ten");
            }
            assertThat(Fds.open()).isEqualTo(beforeReceive);
        } finally {
            sent.forEach(OwnedFd::close);
        }
        assertThat(newDescriptors()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(SocketType.class)
    void descriptorsSentToAReceiveThatAskedForNoneAreClosed(SocketType type) throws IOException {
        OwnedFd[] p = pipe();
        try (SocketPair pair = UnixSocket.pair(type); Arena arena = Arena.ofConfined();
             OwnedFd r = p[0]; OwnedFd w = p[1]) {
            pair.first().sendDescriptors(arena.allocateFrom("x"), r, w);
            pair.first().sendDescriptors(arena.allocateFrom("y"), r, w);
            Set<Integer> beforeReceive = Fds.open();
            MemorySegment buf = arena.allocate(2);
            assertThat(pair.second().receive(buf)).isEqualTo(2);
            try (ReceivedMessage m = pair.second().receiveMessage(buf, 0)) {
                assertThat(m.descriptors()).isEmpty();
                assertThat(m.descriptorsTruncated()).isTrue();
            }
            assertThat(Fds.open()).isEqualTo(beforeReceive);
        }
        assertThat(newDescriptors()).isEmpty();
    }

    @Test
    void heapBuffersSmallAndLargeCarryDataAndDescriptors() throws IOException {
        OwnedFd[] p = pipe();
        try (SocketPair pair = UnixSocket.pair(SocketType.SEQPACKET); OwnedFd r = p[0]; OwnedFd w = p[1]) {
            for (int size : new int[] {3, 100_000}) {
                byte[] data = new byte[size];
                new java.util.Random(size).nextBytes(data);
                pair.first().sendDescriptors(MemorySegment.ofArray(data), w, r);
                byte[] got = new byte[size + 10];
                try (ReceivedMessage m = pair.second().receiveMessage(MemorySegment.ofArray(got), 2)) {
                    assertThat(m.length()).isEqualTo(size);
                    assertThat(m.isTruncated()).isFalse();
                    assertThat(m.descriptors()).hasSize(2);
                }
                assertThat(java.util.Arrays.copyOf(got, size)).isEqualTo(data);
            }
        }
        assertThat(newDescriptors()).isEmpty();
    }

    @Test
    void aDatagramCarriesDescriptorsToAnAddressWithItsSender() throws IOException {
        AbstractSocketAddress to = AbstractSocketAddress.unique("panama-ipc-fd");
        OwnedFd[] p = pipe();
        try (UnixSocket receiver = UnixSocket.bind(SocketType.DATAGRAM, to);
             UnixSocket sender = UnixSocket.open(SocketType.DATAGRAM);
             Arena arena = Arena.ofConfined(); OwnedFd r = p[0]; OwnedFd w = p[1]) {
            sender.sendDescriptorsTo(arena.allocateFrom("to"), to, w);
            try (ReceivedMessage m = receiver.receiveFrom(arena.allocate(8))) {
                assertThat(m.sender()).isEqualTo(java.net.UnixDomainSocketAddress.of(""));
                assertThat(m.descriptorsTruncated()).as("receiveFrom asks for no descriptors").isTrue();
            }
            sender.sendDescriptorsTo(arena.allocateFrom("to"), to, w, r);
            try (ReceivedMessage m = receiver.receiveMessage(arena.allocate(8), 2)) {
                assertThat(m.descriptors()).hasSize(2);
            }
        }
        assertThat(newDescriptors()).isEmpty();
    }

    @Test
    void passingAClosedDescriptorIsRefusedBeforeAnyCall() throws IOException {
        OwnedFd[] p = pipe();
        p[0].close();
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM); OwnedFd w = p[1]) {
            assertThatThrownBy(() -> pair.first().sendDescriptors(MemorySegment.ofArray(new byte[1]), w, p[0]))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThatThrownBy(() -> pair.first().sendDescriptors(MemorySegment.ofArray(new byte[0]), w))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
            assertThatThrownBy(() -> pair.first().sendDescriptors(MemorySegment.ofArray(new byte[1])))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> pair.first().receiveMessage(MemorySegment.ofArray(new byte[1]), 254))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void credentialsTravelWithAMessageWhenTheReceiverAsks() throws IOException {
        try (SocketPair pair = UnixSocket.pair(SocketType.DATAGRAM); Arena arena = Arena.ofConfined()) {
            pair.second().setOption(UnixSocketOptions.SO_PASSCRED, true);
            assertThat(pair.second().getOption(UnixSocketOptions.SO_PASSCRED)).isTrue();
            pair.first().sendCredentials(arena.allocateFrom("me"));
            try (ReceivedMessage m = pair.second().receiveMessage(arena.allocate(8), 0)) {
                assertThat(m.descriptorsTruncated()).isFalse();
                assertThat(m.credentials()).isNotNull();
                assertThat((long) m.credentials().pid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(m.credentials().uid()).isEqualTo(org.panamaipc.internal.SocketCalls.getuid());
                assertThat(m.credentials().gid()).isEqualTo(org.panamaipc.internal.SocketCalls.getgid());
            }
            OwnedFd[] p = pipe();
            try (OwnedFd r = p[0]; OwnedFd w = p[1]) {
                pair.first().sendDescriptors(arena.allocateFrom("both"), r);
                try (ReceivedMessage m = pair.second().receiveMessage(arena.allocate(8), 1)) {
                    assertThat(m.credentials()).as(m.toString()).isNotNull();
                    assertThat(m.descriptorsTruncated()).as(m.toString()).isFalse();
                    assertThat(m.descriptors()).hasSize(1);
                }
            }
        }
        assertThat(newDescriptors()).isEmpty();
    }
}
