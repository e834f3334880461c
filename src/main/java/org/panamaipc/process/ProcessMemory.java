package org.panamaipc.process;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.panamaipc.IpcAccessDeniedException;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.iovec;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.ProcessCalls;
import org.panamaipc.internal.Waiter;

/**
 * Another process's memory, read and written in place: cross-memory attach
 * ({@code process_vm_readv} / {@code process_vm_writev}). The kernel copies straight between
 * the two address spaces, once, with no shared mapping and nothing written by the other
 * process: the single-copy transfer MPI libraries use for large messages between processes
 * of one machine.
 *
 * <pre>{@code
 * try (PidFd owner = PidFd.open(pid); Arena arena = Arena.ofConfined()) {
 *     MemorySegment copy = arena.allocate(length);
 *     long n = ProcessMemory.of(owner).read(address, copy);   // n < length: see below
 * }
 * }</pre>
 *
 * <p><b>Large messages.</b> The owner of the data keeps it in its memory and publishes where it
 * is: its pid, the address and the length, over any channel (a Unix socket, a pipe, a queue).
 * The reader copies once, straight into its own memory, and answers when done, after which
 * the owner may reuse the buffer. Nothing is mapped into both processes and no byte goes
 * through a kernel buffer; the reader needs the permission below, which the owner can grant
 * with {@code prctl(PR_SET_PTRACER, reader)} where Yama restricts it. Over a Unix socket the
 * owner connects and the reader takes its pid from the connection
 * ({@link org.panamaipc.socket.UnixSocket#peerCredentials()}, the kernel's word) rather than
 * from the message; then only the address and the length travel.
 *
 * <p><b>Permission.</b> The kernel allows it only to a process that could ptrace the other
 * ({@code PTRACE_MODE_ATTACH_REALCREDS}): the same real user and group and a dumpable process,
 * or {@code CAP_SYS_PTRACE}; Yama's {@code kernel.yama.ptrace_scope} may narrow it further (1:
 * descendants only, 2: {@code CAP_SYS_PTRACE} only, 3: no one). A refusal is an
 * {@link IpcAccessDeniedException} that says which of these apply to this process.
 *
 * <p><b>Partial transfers.</b> A copy stops at the first page that is not mapped (or not
 * readable, or not writable) in either process and returns how many bytes it moved: fewer
 * than asked is an honest count, and those bytes are in place. Nothing at all is EFAULT, an
 * exception naming the ranges.
 *
 * <p><b>Pid reuse.</b> The process is named by a {@link PidFd}: after each copy the pidfd says
 * whether the process still runs, and if it has exited (so its pid may name another process
 * now) the copy is reported as failed with ESRCH rather than trusted.
 *
 * <p>Local memory must be native (heap segments are refused), and memory read into must be
 * writable: a read-only segment is refused, since the kernel would write through it. The
 * calls do not block on anything but page faults, so they take no part in close and interrupt.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/process_vm_readv.2.html">process_vm_readv(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/ptrace.2.html">ptrace(2), "Ptrace access mode checking"</a>
 */
public final class ProcessMemory {
    /** The most {@code struct iovec}s one call takes ({@code IOV_MAX}). */
    public static final int MAX_RANGES = 1024;
    private static final long IOVEC = iovec.layout().byteSize();
    private static final int EPERM = LibC.EPERM();
    private static final int ESRCH = LibC.ESRCH();
    private static final int CAP_SYS_PTRACE = 19;

    /**
     * A range of another process's memory: where it starts there, and how long it is.
     *
     * @param address the first byte's address in the other process
     * @param length the length in bytes
     */
    public record Range(long address, long length) {
        /**
         * Checks the range.
         *
         * @throws IllegalArgumentException if the length is negative or the range wraps past
         *         the end of the address space
         */
        public Range {
            if (length < 0) {
                throw new IllegalArgumentException("length=" + length + " must not be negative");
            }
            if (Long.compareUnsigned(address + length, address) < 0) {
                throw new IllegalArgumentException("address=0x" + Long.toHexString(address) + " length=" + length
                        + " wraps past the end of the address space");
            }
        }

        @Override
        public String toString() {
            return "0x" + Long.toHexString(address) + "+" + length;
        }
    }

    private final PidFd process;
    private final int pid;

    private ProcessMemory(PidFd process) {
        this.process = process;
        this.pid = Check.pid(process.pid());
    }

    /**
     * The memory of the process a pidfd refers to. The pidfd stays the caller's: close it when
     * done; copies after that throw {@link IllegalStateException}.
     *
     * @param process the process
     * @return its memory
     * @throws IllegalStateException if the pidfd is closed
     */
    public static ProcessMemory of(PidFd process) {
        if (!Check.notNull("process", process).fd().isOpen()) {
            throw new IllegalStateException(process + " is closed");
        }
        return new ProcessMemory(process);
    }

    /** {@return the pidfd of the process} */
    public PidFd process() {
        return process;
    }

    /**
     * Copies {@code local.byteSize()} bytes from the other process, starting at
     * {@code remoteAddress}, into {@code local}.
     *
     * @param remoteAddress where to read in the other process
     * @param local where the bytes go: native and writable
     * @return the bytes copied: fewer than asked if the range runs into memory the other process
     *         has not mapped
     * @throws IllegalArgumentException if {@code local} is on the heap or read-only
     * @throws IllegalStateException if the pidfd is closed
     * @throws IpcAccessDeniedException (EPERM) if this process may not read it; the message says why
     * @throws IOException ESRCH if the process has exited, EFAULT if not even the first byte
     *         could be copied, or another failure of the call
     * @see <a href="https://man7.org/linux/man-pages/man2/process_vm_readv.2.html">process_vm_readv(2)</a>
     */
    public long read(long remoteAddress, MemorySegment local) throws IOException {
        return transferOne(true, local, remoteAddress);
    }

    /**
     * Copies all of {@code local} into the other process, starting at {@code remoteAddress}.
     *
     * @param local the bytes: native
     * @param remoteAddress where to write in the other process
     * @return the bytes copied: fewer than asked if the range runs into memory the other process
     *         has not mapped or cannot write
     * @throws IllegalArgumentException if {@code local} is on the heap
     * @throws IllegalStateException if the pidfd is closed
     * @throws IpcAccessDeniedException (EPERM) if this process may not write it; the message says why
     * @throws IOException ESRCH if the process has exited, EFAULT if not even the first byte
     *         could be copied, or another failure of the call
     * @see <a href="https://man7.org/linux/man-pages/man2/process_vm_writev.2.html">process_vm_writev(2)</a>
     */
    public long write(MemorySegment local, long remoteAddress) throws IOException {
        return transferOne(false, local, remoteAddress);
    }

    /**
     * Gathers the remote ranges, in order, and scatters them over the local segments, in order:
     * one call however many of each (up to {@value #MAX_RANGES}).
     *
     * @param remote the ranges to read, in the other process
     * @param local where the bytes go, in this process: native and writable
     * @return the bytes copied: fewer than the smaller of the two totals if a remote range runs
     *         into memory the other process has not mapped
     * @throws IllegalArgumentException if a local segment is on the heap or read-only, or there
     *         are more than {@value #MAX_RANGES} of either
     * @throws IllegalStateException if the pidfd is closed
     * @throws IpcAccessDeniedException (EPERM) if this process may not read it; the message says why
     * @throws IOException ESRCH if the process has exited, EFAULT if not even the first byte
     *         could be copied, or another failure of the call
     * @see <a href="https://man7.org/linux/man-pages/man2/process_vm_readv.2.html">process_vm_readv(2)</a>
     */
    public long read(List<Range> remote, List<MemorySegment> local) throws IOException {
        return transfer(true, local, remote);
    }

    /**
     * Gathers the local segments, in order, and scatters them over the remote ranges, in order.
     *
     * @param local the bytes, in this process: native
     * @param remote where they go, in the other process
     * @return the bytes copied: fewer than the smaller of the two totals if a remote range runs
     *         into memory the other process has not mapped or cannot write
     * @throws IllegalArgumentException if a local segment is on the heap, or there are more
     *         than {@value #MAX_RANGES} of either
     * @throws IllegalStateException if the pidfd is closed
     * @throws IpcAccessDeniedException (EPERM) if this process may not write it; the message says why
     * @throws IOException ESRCH if the process has exited, EFAULT if not even the first byte
     *         could be copied, or another failure of the call
     * @see <a href="https://man7.org/linux/man-pages/man2/process_vm_writev.2.html">process_vm_writev(2)</a>
     */
    public long write(List<MemorySegment> local, List<Range> remote) throws IOException {
        return transfer(false, local, remote);
    }

    /** One segment and one range: the hot path, which allocates nothing. */
    private long transferOne(boolean read, MemorySegment local, long remoteAddress) throws IOException {
        Check.notNull("local", local);
        long length = local.byteSize();
        if (Long.compareUnsigned(remoteAddress + length, remoteAddress) < 0) {
            new Range(remoteAddress, length); // throws, naming the range
        }
        MemorySegment iovs = Waiter.current().scratch(2 * IOVEC);
        setLocal(iovs, 0, local, read);
        setIovec(iovs, 1, remoteAddress, length);
        return call(read, iovs, 1, 1, null, remoteAddress, length);
    }

    private long transfer(boolean read, List<MemorySegment> local, List<Range> remote) throws IOException {
        Check.notNull("local", local);
        Check.notNull("remote", remote);
        int l = local.size();
        int r = remote.size();
        if (l > MAX_RANGES || r > MAX_RANGES) {
            throw new IllegalArgumentException("local=" + l + " remote=" + r + " ranges: at most " + MAX_RANGES + " each");
        }
        MemorySegment iovs = Waiter.current().scratch((l + r) * IOVEC);
        for (int i = 0; i < l; i++) {
            setLocal(iovs, i, local.get(i), read);
        }
        for (int i = 0; i < r; i++) {
            Range range = Check.notNull("remote range", remote.get(i));
            setIovec(iovs, l + i, range.address(), range.length());
        }
        return call(read, iovs, l, r, remote, 0, 0);
    }

    private static void setLocal(MemorySegment iovs, int i, MemorySegment s, boolean read) {
        Check.notNull("local segment", s);
        if (!s.isNative()) {
            throw new IllegalArgumentException("local segment " + i + " is on the heap: the kernel copies only to and from native memory");
        }
        if (read && s.isReadOnly()) {
            throw new IllegalArgumentException("local segment " + i + " is read-only: a read would write through it");
        }
        setIovec(iovs, i, s.address(), s.byteSize());
    }

    /** Writes iovec {@code i} in place: no slice, no segment for the address (objects per call where not inlined). */
    private static void setIovec(MemorySegment iovs, int i, long base, long length) {
        iovs.set(ValueLayout.JAVA_LONG, i * IOVEC + iovec.iov_base$offset(), base);
        iovs.set(ValueLayout.JAVA_LONG, i * IOVEC + iovec.iov_len$offset(), length);
    }

    /**
     * One call over {@code iovs}: {@code l} local iovecs, then {@code r} remote ones;
     * {@code ranges} (or else the one address and length) only name the remote side in an error.
     */
    private long call(boolean read, MemorySegment iovs, int l, int r, List<Range> ranges, long address, long length)
            throws IOException {
        if (!process.fd().isOpen()) {
            throw new IllegalStateException(process + " is closed");
        }
        long n = ProcessCalls.vm(read, pid, iovs, l, r);
        int errno = n < 0 ? (int) -n : 0;
        if (errno == 0 && !process.isAlive()) {
            errno = ESRCH; // its pid may have been given to another process before the copy: do not trust it
        }
        if (errno != 0) {
            throw failure(read, ranges != null ? ranges.toString() : new Range(address, length).toString(), errno);
        }
        return n;
    }

    private IOException failure(boolean read, String remote, int errno) {
        String call = read ? "process_vm_readv" : "process_vm_writev";
        String arguments = "pid=" + pid + ", remote=" + remote;
        if (errno == EPERM) {
            return new IpcAccessDeniedException(call, "pid " + pid, arguments, errno, permissionNeeded());
        }
        return Errors.of(call, arguments, errno);
    }

    /** What the kernel asks of a process that reads another's memory, and what this one has. */
    static String permissionNeeded() {
        String scope;
        try {
            scope = "kernel.yama.ptrace_scope=" + Files.readString(Path.of("/proc/sys/kernel/yama/ptrace_scope")).trim()
                    + " (0: any process of the same user, 1: descendants or a process that named this one with"
                    + " PR_SET_PTRACER, 2: CAP_SYS_PTRACE only, 3: no one)";
        } catch (IOException e) {
            scope = "no Yama ptrace_scope on this kernel";
        }
        return "the kernel allows it to a process that may ptrace the target: the same real uid and gid as"
                + " its owner and the target dumpable (not setuid, not PR_SET_DUMPABLE 0), or CAP_SYS_PTRACE"
                + " (this process " + (hasCapSysPtrace() ? "has it" : "lacks it") + "); " + scope;
    }

    private static boolean hasCapSysPtrace() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << CAP_SYS_PTRACE)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown: say lacks
        }
        return false;
    }

    @Override
    public String toString() {
        return "ProcessMemory[pid=" + pid + "]";
    }
}
