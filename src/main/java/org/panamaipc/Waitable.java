package org.panamaipc;

import java.util.Set;

/**
 * An object a {@link WaitSet} can wait on: one whose descriptor the kernel can report ready.
 * The library's pollable types implement it: pipe and FIFO ends, POSIX message queues, Unix
 * sockets and listening sockets, eventfd, pidfd and child processes, signal registrations,
 * and {@link WaitSet} itself (sets nest). Objects whose descriptor cannot be polled (shared
 * memory, memfd, mapped and lockable files) are only {@link DescriptorBased}, so registering
 * one does not compile.
 *
 * <p>An implementation of your own must return a descriptor {@code epoll_ctl} accepts (not
 * a regular file or a directory), and should be closed through the {@link OwnedFd} it
 * returns, so that a set watching it lets go before the number is reused.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/epoll.7.html">epoll(7)</a>
 */
public interface Waitable extends DescriptorBased {
    /**
     * What a {@link WaitSet} may wait for on this object: registering any other interest is
     * an {@link IllegalArgumentException}.
     *
     * @return the interests offered, not empty, unmodifiable
     */
    Set<Interest> interests();
}
