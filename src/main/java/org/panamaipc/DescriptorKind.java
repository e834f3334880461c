package org.panamaipc;

import java.io.IOException;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.FdKinds;

/**
 * What an open descriptor refers to, and so what it can become: a descriptor received over
 * a Unix socket ({@code SCM_RIGHTS}) or inherited at a known number arrives as a bare
 * {@link OwnedFd}, and {@link #of(OwnedFd)} (or {@link OwnedFd#kind()}) tells which of the
 * library's objects, or which of the JDK's channels and streams, it can be turned into.
 *
 * <table class="striped">
 *   <caption>What each kind of descriptor can become</caption>
 *   <thead><tr><th>kind</th><th>how it is told</th><th>becomes</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@link #REGULAR_FILE}</td><td>{@code fstat}: {@code S_IFREG} (POSIX shared memory
 *       objects from {@code /dev/shm} are regular files too)</td>
 *       <td>{@link java.nio.channels.FileChannel} ({@link OwnedFd#toFileChannel()}),
 *       {@link java.io.InputStream} / {@link java.io.OutputStream}
 *       ({@link OwnedFd#toInputStream()}, {@link OwnedFd#toOutputStream()}),
 *       {@code shm.Memfd.adopt} to map it, {@code lock.LockableFile.adopt} to lock it</td></tr>
 *   <tr><td>{@link #MEMFD}</td><td>a regular file whose {@code /proc/self/fd} link reads
 *       {@code /memfd:NAME}</td><td>all a regular file becomes; {@code shm.Memfd.adopt} keeps
 *       its seals</td></tr>
 *   <tr><td>{@link #PIPE}</td><td>{@code S_IFIFO}: a pipe or a FIFO</td>
 *       <td>{@code pipe.PipeSource.adopt} (a read end) or {@code pipe.PipeSink.adopt} (a write
 *       end); an input stream from a read end, an output stream to a write end</td></tr>
 *   <tr><td>{@link #UNIX_SOCKET}</td><td>{@code S_IFSOCK} and {@code SO_DOMAIN} {@code AF_UNIX}</td>
 *       <td>{@code socket.UnixSocket.adopt} (stream, datagram or seqpacket); an input and an
 *       output stream</td></tr>
 *   <tr><td>{@link #MESSAGE_QUEUE}</td><td>a regular file of the mqueue file system
 *       ({@code mq_getattr} succeeds)</td><td>{@code mq.PosixMessageQueue.adopt}</td></tr>
 *   <tr><td>{@link #EVENTFD}</td><td>link {@code anon_inode:[eventfd]}</td>
 *       <td>{@code sync.EventFd.adopt}</td></tr>
 *   <tr><td>{@link #PIDFD}</td><td>link {@code anon_inode:[pidfd]}</td>
 *       <td>{@code process.PidFd.adopt}</td></tr>
 *   <tr><td>{@link #CHARACTER_DEVICE}</td><td>{@code S_IFCHR}: a terminal, {@code /dev/null}</td>
 *       <td>an input or output stream</td></tr>
 *   <tr><td>{@link #BLOCK_DEVICE}</td><td>{@code S_IFBLK}</td>
 *       <td>a file channel, an input or output stream</td></tr>
 *   <tr><td>{@link #DIRECTORY}, {@link #OTHER_SOCKET}, {@link #SIGNALFD}, {@link #EPOLL},
 *       {@link #TIMERFD}, {@link #OTHER}</td><td>{@code S_IFDIR}; a socket of another domain;
 *       the {@code anon_inode} link</td><td>nothing here: keep the {@link OwnedFd}, pass it
 *       on, or hand its number to code that knows it</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>A conversion that does not fit the kind (a pipe to {@code UnixSocket.adopt}, a socket
 * to {@link OwnedFd#toFileChannel()}) throws {@link IllegalArgumentException} naming the
 * call, the descriptor, what it is and what it can become, before anything is changed: the
 * descriptor stays open and the caller's.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/fstat.2.html">fstat(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man5/proc_pid_fd.5.html">proc_pid_fd(5)</a>
 */
public enum DescriptorKind {
    /** A regular file on a file system (POSIX shared memory objects included). */
    REGULAR_FILE("a regular file", "a FileChannel, an InputStream or OutputStream, a Memfd or a LockableFile"),
    /** A memfd ({@code memfd_create}): a regular file with no name, which may carry seals. */
    MEMFD("a memfd", "a Memfd, a FileChannel, an InputStream or OutputStream, or a LockableFile"),
    /** A directory. */
    DIRECTORY("a directory", "nothing in this library"),
    /** A pipe or a FIFO, either end. */
    PIPE("a pipe or FIFO", "a PipeSource (read end) or PipeSink (write end), an InputStream or OutputStream"),
    /** A Unix domain socket of any type. */
    UNIX_SOCKET("a Unix domain socket", "a UnixSocket, an InputStream or OutputStream"),
    /** A socket of another domain: TCP, UDP, netlink, ... */
    OTHER_SOCKET("a socket that is not a Unix domain socket", "nothing in this library"),
    /** A character device: a terminal, {@code /dev/null}, ... */
    CHARACTER_DEVICE("a character device", "an InputStream or OutputStream"),
    /** A block device. */
    BLOCK_DEVICE("a block device", "a FileChannel, an InputStream or OutputStream, or a LockableFile"),
    /** A POSIX message queue ({@code mq_open}). */
    MESSAGE_QUEUE("a POSIX message queue", "a PosixMessageQueue"),
    /** An eventfd ({@code eventfd(2)}). */
    EVENTFD("an eventfd", "an EventFd"),
    /** A pidfd ({@code pidfd_open(2)}, {@code clone3}). */
    PIDFD("a pidfd", "a PidFd"),
    /** A signalfd ({@code signalfd(2)}). */
    SIGNALFD("a signalfd", "nothing in this library"),
    /** An epoll instance. */
    EPOLL("an epoll instance", "nothing in this library"),
    /** A timerfd ({@code timerfd_create(2)}). */
    TIMERFD("a timerfd", "nothing in this library"),
    /** Anything else: another anonymous inode (inotify, userfaultfd, ...), an {@code O_PATH} oddity. */
    OTHER("a descriptor of another kind", "nothing in this library");

    private final String description;
    private final String becomes;

    DescriptorKind(String description, String becomes) {
        this.description = description;
        this.becomes = becomes;
    }

    /**
     * Tells what a descriptor refers to, from {@code fstat(2)}, its {@code /proc/self/fd}
     * link, {@code getsockopt(SO_DOMAIN)} for a socket and {@code mq_getattr(3)} for a
     * regular file. Changes nothing about the descriptor.
     *
     * @param fd an open descriptor
     * @return its kind
     * @throws IllegalStateException if {@code fd} is closed
     * @throws IOException if {@code fstat} fails on it
     */
    public static DescriptorKind of(OwnedFd fd) throws IOException {
        Check.notNull("fd", fd);
        int n = fd.acquire();
        try {
            return FdKinds.classify(n);
        } finally {
            fd.release();
        }
    }

    /** {@return what it is, in words: "a pipe or FIFO"} */
    public String description() {
        return description;
    }

    /** {@return what the library can make of it, in words: "a UnixSocket, an InputStream or OutputStream"} */
    public String becomes() {
        return becomes;
    }
}
