package org.panamaipc.socket;

import java.util.AbstractList;
import java.util.RandomAccess;
import org.panamaipc.OwnedFd;

/**
 * The descriptors of one received message as an unmodifiable list, a view of the message that
 * holds them: made only when {@link ReceivedMessage#descriptors()} is called.
 */
final class DescriptorList extends AbstractList<OwnedFd> implements RandomAccess {
    private final ReceivedMessage message;

    DescriptorList(ReceivedMessage message) {
        this.message = message;
    }

    @Override
    public OwnedFd get(int index) {
        return message.descriptor(index);
    }

    @Override
    public int size() {
        return message.descriptorCount();
    }
}
