package org.panamaipc.mq;

import java.util.Arrays;

/**
 * A System V message received into a new array: the convenient, allocating form.
 * {@link SysVMessage} receives without allocating.
 *
 * @param type the message type, positive
 * @param data the text
 */
public record TypedMessage(long type, byte[] data) {

    /** {@return a short description with the type and length} */
    @Override
    public String toString() {
        return "TypedMessage[type=" + type + " length=" + data.length + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TypedMessage m && m.type == type && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + Long.hashCode(type);
    }
}
