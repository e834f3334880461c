package org.panamaipc.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.testing.IpcTest;

/** The example of package-info.java, as written there, runs. */
@IpcTest
class PackageExampleTest {
    @Test
    void packageExampleRuns() throws Exception {
        List<String> printed = new ArrayList<>();
        String name = Channel.uniqueName("prices");
        try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, 64 * 1024).unlinkOnClose();
             ChannelWriter writer = channel.writer();
             Channel peer = Channel.open(name);          // in another process, usually
             ChannelReader reader = peer.reader()) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment price = arena.allocate(ValueLayout.JAVA_LONG);
                price.set(ValueLayout.JAVA_LONG, 0, 4200);
                writer.send(1, price);
            }
            reader.receive((type, buffer, offset, length) ->
                    printed.add("type " + type + ": " + buffer.get(ValueLayout.JAVA_LONG, offset)));
        }
        assertThat(printed).containsExactly("type 1: 4200");
        assertThat(SharedMemory.unlinkIfExists(name)).isFalse();
    }
}
