package org.panamaipc.examples;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.panamaipc.channel.Channel;
import org.panamaipc.channel.ChannelKind;
import org.panamaipc.channel.ChannelMessage;
import org.panamaipc.channel.ChannelReader;
import org.panamaipc.channel.ChannelWriter;

/**
 * A channel (a ring buffer in shared memory) between two JVMs: this one creates it and reads,
 * parked on the ring's futex between records; a second JVM (this class again, as the writer)
 * sends a thousand records and a last one of another type. The channel is unlinked when the
 * example is done, however it ends.
 */
public final class ChannelBetweenProcesses {
    private static final int DATA = 1;
    private static final int DONE = 2;

    private ChannelBetweenProcesses() {}

    /**
     * Runs the example, or with {@code writer NAME} the writer.
     *
     * @param args nothing, or the writer's channel name
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("writer")) {
            write(args[1]);
            return;
        }
        String name = Channel.uniqueName("example");
        try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, 64 * 1024).unlinkOnClose();
             ChannelReader reader = channel.reader()) {
            Process writer = new ProcessBuilder(SecondJvm.command(ChannelBetweenProcesses.class, "writer", name))
                    .inheritIO().start();
            long records = 0;
            long bytes = 0;
            for (ChannelMessage m = receive(reader, writer); m.type() == DATA; m = receive(reader, writer)) {
                records++;
                bytes += m.payload().length;
            }
            System.out.println(records + " records, " + bytes + " bytes from JVM " + writer.pid());
            System.out.println("writer exit code " + writer.waitFor() + " (" + SecondJvm.mode() + ")");
        }
    }

    private static ChannelMessage receive(ChannelReader reader, Process writer) throws Exception {
        ChannelMessage m = reader.receive(Duration.ofSeconds(30)); // null on timeout
        if (m == null) {
            writer.destroy();
            throw new IllegalStateException("nothing from the writer JVM " + writer.pid());
        }
        return m;
    }

    private static void write(String name) throws Exception {
        try (Channel channel = Channel.open(name); ChannelWriter writer = channel.writer()) {
            for (int i = 0; i < 1000; i++) {
                writer.send(DATA, ("record " + i).getBytes(StandardCharsets.UTF_8)); // waits while the ring is full
            }
            writer.send(DONE, new byte[0]);
        }
    }
}
