package org.panamaipc.socket;

import java.util.AbstractList;
import java.util.RandomAccess;
import org.panamaipc.OwnedFd;

/**
 * The descriptors of one received message as an unmodifiable list over the array they were
 * gathered in: one object and the array per message, where copying into an immutable list
 * would make a second array.
 */
final class DescriptorList extends AbstractList<OwnedFd> implements RandomAccess {
    private final OwnedFd[] fds;
    private final int size;

    /** @param fds the descriptors, of which the first {@code size}; no one else keeps the array */
    DescriptorList(OwnedFd[] fds, int size) {
        this.fds = fds;
        this.size = size;
    }

    @Override
    public OwnedFd get(int index) {
        java.util.Objects.checkIndex(index, size);
        return fds[index];
    }

    @Override
    public int size() {
        return size;
    }
}
