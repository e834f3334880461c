package org.panamaipc;

/**
 * An object backed by one file descriptor: pipe and FIFO ends, POSIX message queues, Unix
 * sockets, eventfd, pidfd, memfd, shared memory and mapped files, lockable files, signal
 * registrations that read a signalfd. Every one exposes its descriptor the same way, so that
 * code (and, later, one wait set) can treat them alike.
 */
public interface DescriptorBased {
    /**
     * The descriptor, still owned by this object: to map it into a child process, pass it
     * over a socket or poll it. Close the object, not the descriptor.
     *
     * @return the owned descriptor
     */
    OwnedFd fd();
}
