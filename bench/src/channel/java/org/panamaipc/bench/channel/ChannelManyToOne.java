package org.panamaipc.bench.channel;

import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.panamaipc.bench.infra.Jvm;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.channel.Channel;
import org.panamaipc.channel.ChannelKind;
import org.panamaipc.channel.ChannelReader;
import org.panamaipc.channel.IdleStrategy;
import org.panamaipc.channel.RecordHandler;

/**
 * Many-to-one channel: two producer JVMs (both on the peer CPU) offer 64-byte records as fast
 * as they can; the measuring thread reads them one at a time. Time per record received.
 * C: {@code bench/c/channel.c m2o.tput}; Agrona: {@code agrona.AgronaManyToOne}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class ChannelManyToOne {
    /** Only {@code cross}: the producers on CPU 1, the reader on CPU 0. */
    @Param("cross")
    public String placement;

    private Channel channel;
    private ChannelReader reader;
    private Peer first;
    private Peer second;
    private long last;
    private final RecordHandler handler = (type, buffer, offset, length) ->
            last = buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);

    /**
     * Creates the ring, attaches the reader and starts the producers.
     *
     * @throws Exception when something cannot be set up
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String name = Channel.uniqueName("panama-bench-channel");
        channel = Channel.create(name, ChannelKind.MANY_TO_ONE, Rings.CAPACITY).unlinkOnClose();
        reader = channel.reader(IdleStrategy.busySpin());
        first = Peer.jvm(Placement.of(placement), ChannelPeer.class, "produce", name);
        second = Peer.jvm(Placement.of(placement), ChannelPeer.class, "produce", name);
    }

    /** Pins the measuring thread. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.of(placement).pinBenchThread();
    }

    /**
     * {@return the sequence number of the record} read, spinning until there is one.
     *
     * @throws Exception if the channel fails
     */
    @Benchmark
    public long receive() throws Exception {
        while (reader.poll(handler, 1) == 0) {
            Thread.onSpinWait();
        }
        return last;
    }

    /** Ends the producers, detaches and removes the ring. */
    @TearDown(Level.Trial)
    public void tearDown() {
        Rings.close(first, second, reader, channel);
    }
}
