package org.panamaipc.bench.channel;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.panamaipc.bench.infra.Jvm;
import org.panamaipc.channel.Channel;
import org.panamaipc.channel.ChannelClaim;
import org.panamaipc.channel.ChannelKind;
import org.panamaipc.channel.ChannelReader;
import org.panamaipc.channel.ChannelWriter;
import org.panamaipc.channel.IdleStrategy;
import org.panamaipc.channel.RecordHandler;

/**
 * What a record costs the CPU, with no other process and no wake-up: one thread offers
 * {@value #BATCH} records of 64 bytes to a one-to-one ring and polls them back, through this
 * library's channel and through Agrona's {@code OneToOneRingBuffer} over a file in
 * {@code /dev/shm} (both rings of {@link Rings#CAPACITY} bytes, both in shared mappings).
 * Time per record, offer (or claim and commit) and poll together; with {@code -prof gc}, the
 * bytes allocated per record on those paths. Not a row of the report: the rows measure two
 * processes; this one isolates the ring's own code from the machine's cross-CPU costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.AGRONA_EXPORTS, Jvm.UNSAFE_ALLOW})
@OperationsPerInvocation(ChannelSameThread.BATCH)
public class ChannelSameThread {
    static final int BATCH = 32;
    private static final int SIZE = 64;

    private Arena arena;
    private MemorySegment payload;
    private Channel channel;
    private ChannelWriter writer;
    private ChannelReader reader;
    private final Sum sum = new Sum();

    private Path agronaFile;
    private OneToOneRingBuffer agrona;
    private UnsafeBuffer agronaPayload;
    private long agronaSum;
    private final org.agrona.concurrent.MessageHandler agronaHandler =
            (type, buffer, index, length) -> agronaSum += buffer.getLong(index);

    /** Adds each record's first long: the handler reads what it is given. */
    private static final class Sum implements RecordHandler {
        long value;

        @Override
        public void onRecord(int type, MemorySegment ring, long offset, int length) {
            value += ring.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        try {
            open();
        } catch (IOException | RuntimeException | Error e) { // JMH runs no tear-down after a failed set-up
            try {
                tearDown();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void open() throws IOException {
        arena = Arena.ofShared();
        payload = arena.allocate(SIZE, 8);
        channel = Channel.create(Channel.uniqueName("panama-bench-same"), ChannelKind.ONE_TO_ONE, Rings.CAPACITY)
                .unlinkOnClose();
        writer = channel.writer(IdleStrategy.busySpin());
        reader = channel.reader(IdleStrategy.busySpin());

        agronaFile = Files.createTempFile(Path.of("/dev/shm"), "panama-bench-agrona-same", ".ring");
        int bytes = Rings.CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
        MappedByteBuffer mapping;
        try (FileChannel ch = FileChannel.open(agronaFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            mapping = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
        }
        agrona = new OneToOneRingBuffer(new UnsafeBuffer(mapping));
        agronaPayload = new UnsafeBuffer(ByteBuffer.allocateDirect(SIZE).order(ByteOrder.nativeOrder()));
    }

    @Benchmark
    public long channel() throws IOException {
        for (int i = 0; i < BATCH; i++) {
            payload.set(ValueLayout.JAVA_LONG, 0, i);
            if (!writer.offer(1, payload)) {
                throw new IllegalStateException("ring full");
            }
        }
        int read = 0;
        while (read < BATCH) {
            read += reader.poll(sum, BATCH - read);
        }
        return sum.value;
    }

    @Benchmark
    public long channelClaim() throws IOException {
        for (int i = 0; i < BATCH; i++) {
            ChannelClaim claim = writer.tryClaim(1, SIZE);
            if (claim == null) {
                throw new IllegalStateException("ring full");
            }
            claim.buffer().set(ValueLayout.JAVA_LONG_UNALIGNED, claim.offset(), i);
            claim.commit();
        }
        int read = 0;
        while (read < BATCH) {
            read += reader.poll(sum, BATCH - read);
        }
        return sum.value;
    }

    @Benchmark
    public long agrona() {
        for (int i = 0; i < BATCH; i++) {
            agronaPayload.putLong(0, i);
            if (!agrona.write(1, agronaPayload, 0, SIZE)) {
                throw new IllegalStateException("ring full");
            }
        }
        int read = 0;
        while (read < BATCH) {
            read += agrona.read(agronaHandler, BATCH - read);
        }
        return agronaSum;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            Rings.close(reader, writer, channel, arena);
        } finally {
            if (agronaFile != null) {
                Files.deleteIfExists(agronaFile);
            }
        }
    }
}
