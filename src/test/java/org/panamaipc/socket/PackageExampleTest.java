package org.panamaipc.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.panamaipc.testing.IpcTest;

/** The example of package-info.java, as written there, runs. */
@IpcTest
class PackageExampleTest {
    @Test
    void packageExampleRuns() throws Exception {
        String printed;
        var address = AbstractSocketAddress.unique("example");
        try (Arena arena = Arena.ofConfined();
             UnixServerSocket server = UnixServerSocket.create(SocketType.SEQPACKET, address);
             UnixSocket client = UnixSocket.connect(SocketType.SEQPACKET, address);
             UnixSocket accepted = server.accept();
             SocketPair pair = UnixSocket.pair(SocketType.STREAM)) {
            accepted.sendDescriptors(arena.allocateFrom("one end"), pair.second().fd());
            MemorySegment buf = arena.allocate(64);
            try (ReceivedMessage m = client.receiveMessage(buf, 1);
                 UnixSocket end = UnixSocket.adopt(m.descriptors().getFirst())) {
                String what = buf.getString(0);
                pair.first().send(arena.allocateFrom("hello"));
                end.receive(buf);
                printed = what + ": " + buf.getString(0) + ", from pid " + client.peerCredentials().pid();
            }
        }
        assertThat(printed).isEqualTo("one end: hello, from pid " + ProcessHandle.current().pid());
    }
}
