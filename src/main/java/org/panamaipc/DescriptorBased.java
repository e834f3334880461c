package org.panamaipc;

/**
 * An object backed by one file descriptor: pipe and FIFO ends, POSIX message queues, Unix
 * sockets, eventfd, pidfd, memfd, shared memory and mapped files, lockable files, signal
 * registrations. Every one exposes its descriptor the same way, so that code can treat them
 * alike; those whose descriptor the kernel can report ready are also {@link Waitable}, and one
 * {@link WaitSet} waits on any mix of them.
 */
public interface DescriptorBased {
    /**
     * The descriptor, still owned by this object: to map it into a child process or pass it
     * over a socket. Close the object, not the descriptor.
     *
     * @return the owned descriptor
     */
    OwnedFd fd();
}
