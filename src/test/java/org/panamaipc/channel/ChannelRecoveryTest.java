package org.panamaipc.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.panamaipc.shm.SharedAtomics;
import org.panamaipc.testing.IpcTest;

/**
 * What a writer that died mid-record leaves, written into the header as it would have left
 * it (the moments are too short to hit with a real kill): the reader recovers it as
 * {@code interop/LAYOUT.md} "Claims and dead writers" says.
 */
@IpcTest
class ChannelRecoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** The pid of a process that has exited and been reaped. */
    private static int deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return (int) p.pid();
    }

    /** Writes what a producer in {@code slot} that reserved [position, position + length) and died leaves. */
    private static void pretendDeadProducerReserved(MemorySegment header, int slot, long position, long length)
            throws Exception {
        int offset = ChannelLayout.slotOffset(slot);
        pretendAttached(header, offset, deadPid());
        SharedAtomics.putLong(header, offset + ChannelLayout.IDENTITY_CLAIM_POSITION_OFFSET, position);
        SharedAtomics.putLongRelease(header, offset + ChannelLayout.IDENTITY_CLAIM_LENGTH_OFFSET, length);
        SharedAtomics.putLongRelease(header, ChannelLayout.TAIL_OFFSET, position + length);
    }

    private static void pretendAttached(MemorySegment header, int identity, int pid) {
        SharedAtomics.putLong(header, identity + ChannelLayout.IDENTITY_START_TIME_OFFSET, 12345);
        SharedAtomics.putIntRelease(header, identity + ChannelLayout.IDENTITY_PID_OFFSET, pid);
    }

    @Test
    void aOneToOneWriterThatDiedAfterReservingLeavesAGapTheReaderPads() throws Exception {
        try (Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 1024);
                ChannelReader reader = channel.reader()) {
            int pid = deadPid();
            pretendAttached(channel.header(), ChannelLayout.WRITER_OFFSET, pid);
            SharedAtomics.putLongRelease(channel.header(), ChannelLayout.TAIL_OFFSET, 64); // reserved, never claimed
            assertThatThrownBy(() -> reader.receive((t, b, o, l) -> { }, WAIT))
                    .isInstanceOf(PeerDeadException.class).hasMessageContaining("pid=" + pid);
            assertThat(channel.status().bytesUsed()).as("the gap was padded and consumed").isZero();
        }
    }

    @Test
    void aManyToOneProducerThatDiedAfterItsPaddingLeavesAClaimTheReaderRecovers() throws Exception {
        try (Channel channel = Channel.createAnonymous(ChannelKind.MANY_TO_ONE, 1024);
                ChannelReader reader = channel.reader();
                ChannelWriter live = channel.writer()) {
            MemorySegment header = channel.header();
            for (int i = 0; i < 15; i++) {
                live.offer(1, new byte[56]);
            }
            live.offer(1, new byte[40]);
            assertThat(reader.poll((t, b, o, l) -> { }, 100)).isEqualTo(16);
            assertThat(reader.position()).isEqualTo(1008);
            // slot 1: a producer reserved 16 bytes of padding and a 64-byte record, wrote the
            // padding and died
            int slot = ChannelLayout.slotOffset(1);
            pretendAttached(header, slot, deadPid());
            SharedAtomics.putLong(header, slot + ChannelLayout.IDENTITY_CLAIM_POSITION_OFFSET, 1008);
            SharedAtomics.putLongRelease(header, slot + ChannelLayout.IDENTITY_CLAIM_LENGTH_OFFSET, 80);
            SharedAtomics.putLongRelease(header, ChannelLayout.TAIL_OFFSET, 1088);
            SharedAtomics.putInt(channel.data(), 1008 + ChannelLayout.RECORD_TYPE_OFFSET, ChannelLayout.PADDING_TYPE);
            SharedAtomics.putIntRelease(channel.data(), 1008, 16);
            live.offer(7, new byte[] {1, 2, 3});
            ChannelMessage m = reader.receive(WAIT);
            assertThat(m).isEqualTo(new ChannelMessage(7, new byte[] {1, 2, 3}));
            assertThat(channel.status().bytesUsed()).isZero();
        }
    }

    @Test
    void aClaimOfADeadProducerIsSkippedByAReaderThatOnlyPolls() throws Exception {
        try (Channel channel = Channel.createAnonymous(ChannelKind.MANY_TO_ONE, 1024);
                ChannelReader reader = channel.reader();
                ChannelWriter live = channel.writer()) {
            // slot 2 claimed 64 bytes at 0 and died before committing
            pretendDeadProducerReserved(channel.header(), 2, 0, 64);
            SharedAtomics.putInt(channel.data(), ChannelLayout.RECORD_TYPE_OFFSET, 2);
            SharedAtomics.putIntRelease(channel.data(), 0, -64);
            live.offer(9, new byte[8]);
            pollUntilDelivered(reader, 9);
        }
    }

    @Test
    void aOneToOneGapOfADeadWriterIsPaddedByAReaderThatOnlyPolls() throws Exception {
        try (Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 1024);
                ChannelReader reader = channel.reader()) {
            pretendAttached(channel.header(), ChannelLayout.WRITER_OFFSET, deadPid());
            SharedAtomics.putLongRelease(channel.header(), ChannelLayout.TAIL_OFFSET, 64); // reserved, never claimed
            pollUntilEmpty(channel, reader);
            assertThat(reader.position()).isEqualTo(64);
        }
    }

    @Test
    void aManyToOneGapOfADeadProducerIsPaddedByAReaderThatOnlyPolls() throws Exception {
        try (Channel channel = Channel.createAnonymous(ChannelKind.MANY_TO_ONE, 1024);
                ChannelReader reader = channel.reader();
                ChannelWriter live = channel.writer()) {
            // slot 3 reserved 48 bytes at 0 (tail moved) and died before writing anything
            pretendDeadProducerReserved(channel.header(), 3, 0, 48);
            live.offer(4, new byte[] {7});
            pollUntilDelivered(reader, 4);
            assertThat(channel.status().bytesUsed()).isZero();
        }
    }

    @Test
    void aPollingReaderLeavesTheGapOfALiveWriterAlone() throws Exception {
        try (Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 1024);
                ChannelReader reader = channel.reader()) {
            pretendAttached(channel.header(), ChannelLayout.WRITER_OFFSET, Identities.SELF_PID);
            SharedAtomics.putLong(channel.header(), ChannelLayout.WRITER_OFFSET
                    + ChannelLayout.IDENTITY_START_TIME_OFFSET, Identities.selfStartTime());
            SharedAtomics.putLongRelease(channel.header(), ChannelLayout.TAIL_OFFSET, 64);
            long end = System.nanoTime() + 3 * EndWaits.SLICE_NANOS;
            while (System.nanoTime() - end < 0) {
                assertThat(reader.poll((t, b, o, l) -> { }, 10)).isZero();
            }
            assertThat(reader.position()).as("a live writer's reservation is waited for").isZero();
            SharedAtomics.putLongRelease(channel.header(), ChannelLayout.TAIL_OFFSET, 0);
        }
    }

    /** Polls (and only polls) until one record of {@code type} is delivered, or fails after {@link #WAIT}. */
    private static void pollUntilDelivered(ChannelReader reader, int type) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        int got = 0;
        while (got == 0 && System.nanoTime() - end < 0) {
            got = reader.poll((t, b, o, l) -> assertThat(t).isEqualTo(type), 10);
            Thread.onSpinWait();
        }
        assertThat(got).isEqualTo(1);
    }

    /** Polls (and only polls) until the ring is empty, or fails after {@link #WAIT}. */
    private static void pollUntilEmpty(Channel channel, ChannelReader reader) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (channel.status().bytesUsed() != 0 && System.nanoTime() - end < 0) {
            assertThat(reader.poll((t, b, o, l) -> { }, 10)).isZero();
            Thread.onSpinWait();
        }
        assertThat(channel.status().bytesUsed()).as("the gap was padded and consumed by poll alone").isZero();
    }
}

