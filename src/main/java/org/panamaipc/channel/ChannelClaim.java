package org.panamaipc.channel;

import java.lang.foreign.MemorySegment;

/**
 * Room reserved in a ring by {@link ChannelWriter#tryClaim}, written in place and then
 * {@linkplain #commit() committed} (the reader sees the record) or {@linkplain #abort()
 * aborted} (the reader skips it). Until then the reader sees nothing from this point on: keep
 * a claim short. If the writer's process dies holding it, the reader turns it into padding.
 *
 * <p>A flyweight: each writer has one, re-pointed by every claim, so claiming allocates
 * nothing. Write the payload through {@link #buffer()} at {@link #offset()}, or through
 * {@link #segment()} (a slice: simpler, one small object per call unless the JIT removes it).
 *
 * <h2>Lifetime</h2>
 * The memory may be written from the claim until {@link #commit()} or {@link #abort()}; after
 * that the methods throw {@link IllegalStateException}, and the bytes belong to the reader.
 */
public final class ChannelClaim {
    private final ChannelWriter writer;
    private final MemorySegment data;
    private int index;
    private int type;
    private int length;
    boolean active;

    ChannelClaim(ChannelWriter writer, MemorySegment data) {
        this.writer = writer;
        this.data = data;
    }

    ChannelClaim point(int index, int type, int length) {
        this.index = index;
        this.type = type;
        this.length = length;
        this.active = true;
        return this;
    }

    /**
     * The ring's data area, writable: write the payload at {@link #offset()}, at most
     * {@link #length()} bytes.
     *
     * <p><b>Lifetime:</b> write only until {@link #commit()} or {@link #abort()}.
     *
     * @return the data area
     * @throws IllegalStateException if the claim was committed or aborted
     */
    public MemorySegment buffer() {
        checkActive();
        return data;
    }

    /**
     * {@return where the payload starts in {@link #buffer()}, 8-aligned}
     *
     * @throws IllegalStateException if the claim was committed or aborted
     */
    public long offset() {
        checkActive();
        return index + ChannelLayout.RECORD_HEADER_LENGTH;
    }

    /**
     * {@return the payload's length, as claimed}
     *
     * @throws IllegalStateException if the claim was committed or aborted
     */
    public int length() {
        checkActive();
        return length;
    }

    /** {@return the record's type, as claimed} */
    public int type() {
        return type;
    }

    /**
     * The payload's bytes, as a slice of the ring.
     *
     * <p><b>Lifetime:</b> write only until {@link #commit()} or {@link #abort()}.
     *
     * @return {@link #length()} bytes at {@link #offset()} of {@link #buffer()}
     * @throws IllegalStateException if the claim was committed or aborted
     */
    public MemorySegment segment() {
        checkActive();
        return data.asSlice(index + ChannelLayout.RECORD_HEADER_LENGTH, length);
    }

    /**
     * Publishes the record: the reader sees it (and is woken if it sleeps).
     *
     * @throws IllegalStateException if the claim was committed or aborted already
     */
    public void commit() {
        checkActive();
        active = false;
        writer.publish(index, type, length + ChannelLayout.RECORD_HEADER_LENGTH);
    }

    /**
     * Gives the room back as padding, which the reader skips.
     *
     * @throws IllegalStateException if the claim was committed or aborted already
     */
    public void abort() {
        checkActive();
        active = false;
        writer.publish(index, ChannelLayout.PADDING_TYPE, length + ChannelLayout.RECORD_HEADER_LENGTH);
    }

    /** {@return whether the claim is open: neither committed nor aborted} */
    public boolean isActive() {
        return active;
    }

    private void checkActive() {
        if (!active) {
            throw new IllegalStateException("the claim is committed or aborted; claim again");
        }
    }

    @Override
    public String toString() {
        return "ChannelClaim[type=" + type + ", length=" + length + (active ? "]" : ", done]");
    }
}
