/**
 * Pipes and FIFOs (named pipes). A child process that inherits pipe ends is started with
 * {@link org.panamaipc.process.ChildProcess}.
 *
 * <ul>
 * <li>{@link org.panamaipc.pipe.Pipe}: {@code pipe2} with close-on-exec ends,
 *     non-blocking and packet ({@code O_DIRECT}) modes; each end is a
 *     {@link java.nio.channels.ReadableByteChannel}/{@link java.nio.channels.WritableByteChannel}
 *     and an {@link java.io.InputStream}/{@link java.io.OutputStream}, with its capacity
 *     ({@code F_GETPIPE_SZ}/{@code F_SETPIPE_SZ}) and the zero-copy moves {@code splice},
 *     {@code tee} and {@code vmsplice}.
 * <li>{@link org.panamaipc.pipe.Fifo}: {@code mkfifo} (mode 0600) and the blocking, timed
 *     and non-blocking opens, with ENXIO surfaced as {@link org.panamaipc.pipe.NoReaderException}.
 * </ul>
 *
 * <p><b>End of file and broken pipe.</b> A read returns -1 once every write end is closed
 * (in every process). A write with no read end left throws
 * {@link org.panamaipc.BrokenPipeException}: HotSpot installs a handler for
 * {@code SIGPIPE} that does nothing (visible as bit 13 of {@code SigCgt} in
 * {@code /proc/self/status}, with or without {@code -Xrs}), so the signal the kernel sends
 * with EPIPE never terminates the JVM. That is also why {@code SIGPIPE} is reserved in
 * {@link org.panamaipc.signal.Signals}. Children start with {@code SIGPIPE} at its default,
 * as shell tools expect.
 *
 * <p><b>Closing and interrupt.</b> Pipe and FIFO ends are channels and follow the JDK's:
 * after {@code close()} every call throws {@link java.nio.channels.ClosedChannelException};
 * a thread blocked on an end that another thread closes throws
 * {@link java.nio.channels.AsynchronousCloseException}; interrupting a blocked thread closes
 * the end and the call throws {@link java.nio.channels.ClosedByInterruptException}. A
 * blocking FIFO open has no descriptor yet: an interrupt ends it with
 * {@link java.io.InterruptedIOException}. Every blocking call runs through the
 * library's one blocking engine; every end is
 * {@link org.panamaipc.Waitable}: a {@link org.panamaipc.WaitSet} waits on any number of them,
 * beside the objects of other mechanisms.
 *
 * <p><b>Hot paths.</b> {@link org.panamaipc.pipe.PipeSource#read(java.lang.foreign.MemorySegment)}
 * and {@link org.panamaipc.pipe.PipeSink#write(java.lang.foreign.MemorySegment)} on native
 * memory allocate nothing and copy nothing beyond the kernel's own copy.
 *
 * <p>A worker in Python that reads requests from descriptor 3 and answers on descriptor 4,
 * while its stdin and stdout stay this process's:
 *
 * <pre>{@code
 * import java.lang.foreign.*;
 * import java.nio.charset.StandardCharsets;
 * import java.time.Duration;
 * import org.panamaipc.pipe.*;
 * import org.panamaipc.process.ChildProcess;
 *
 * public class Upper {
 *     public static void main(String[] args) throws Exception {
 *         String worker = """
 *             import os
 *             data = os.read(3, 100)
 *             os.write(4, data.upper())
 *             """;
 *         try (Pipe requests = Pipe.open(); Pipe answers = Pipe.open()) {
 *             try (ChildProcess child = ChildProcess.builder("python3", "-c", worker)
 *                     .mapFd(3, requests.source())
 *                     .mapFd(4, answers.sink())
 *                     .start()) {
 *                 requests.source().close();   // the child holds its own copies
 *                 answers.sink().close();
 *                 byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
 *                 requests.sink().write(hello, 0, hello.length);
 *                 requests.sink().close();
 *                 byte[] answer = answers.source().inputStream().readAllBytes();
 *                 System.out.println(new String(answer, StandardCharsets.UTF_8)); // HELLO
 *                 System.out.println(child.waitFor(Duration.ofSeconds(10)));       // exited(0)
 *             }
 *         }
 *     }
 * }
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/pipe.7.html">pipe(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/fifo.7.html">fifo(7)</a>
 */
package org.panamaipc.pipe;
