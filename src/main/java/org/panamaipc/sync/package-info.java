/**
 * Synchronization between processes: POSIX named semaphores ({@link org.panamaipc.sync.NamedSemaphore}),
 * POSIX unnamed semaphores in shared memory ({@link org.panamaipc.sync.UnnamedSemaphore}),
 * System V semaphore sets ({@link org.panamaipc.sync.SysVSemaphoreSet}), robust process-shared
 * mutexes and conditions ({@link org.panamaipc.sync.ProcessMutex},
 * {@link org.panamaipc.sync.ProcessCondition}), futexes ({@link org.panamaipc.sync.Futex}) and
 * eventfd ({@link org.panamaipc.sync.EventFd}).
 *
 * <h2>When a process dies holding a primitive</h2>
 * <table>
 * <caption>Crash behaviour</caption>
 * <tr><th>Primitive</th><th>A holder killed with {@code kill -9}</th></tr>
 * <tr><td>System V semaphore taken with {@link org.panamaipc.sync.SemaphoreFlag#UNDO}</td>
 *     <td>the kernel gives it back; a waiter proceeds</td></tr>
 * <tr><td>{@link org.panamaipc.sync.ProcessMutex}</td>
 *     <td>the next locker gets {@link org.panamaipc.sync.LockState#OWNER_DIED}, repairs and
 *     marks it consistent; if nobody does, it becomes unrecoverable
 *     ({@link org.panamaipc.sync.MutexNotRecoverableException})</td></tr>
 * <tr><td>POSIX semaphores (named, unnamed), System V without UNDO</td>
 *     <td>nothing: the value stays taken. Use UNDO or the robust mutex for crash-safe locking</td></tr>
 * <tr><td>futex, eventfd</td><td>a dead waiter affects nobody; a dead waker wakes nobody</td></tr>
 * </table>
 *
 * <h2>Objects in shared memory</h2>
 * Mutexes, conditions and unnamed semaphores live at an offset of a shared segment (see
 * {@code org.panamaipc.shm}). Each region starts with a 4-byte magic and a 4-byte layout
 * version, followed by the C object:
 * <pre>
 *   0            4              8
 *   +------------+--------------+-------------------------------------------+
 *   | magic      | version (1)  | pthread_mutex_t / pthread_cond_t / sem_t  |
 *   +------------+--------------+-------------------------------------------+
 *   magic: "PMTX" mutex, "PCND" condition, "PSEM" semaphore
 * </pre>
 * {@code initialize} writes the magic last; {@code attach} refuses a region without it, so
 * memory that was never initialised is reported instead of being handed to the C library.
 * Sizes: {@link org.panamaipc.sync.ProcessMutex#SIZE}, {@link org.panamaipc.sync.ProcessCondition#SIZE},
 * {@link org.panamaipc.sync.UnnamedSemaphore#SIZE}; offsets must be 8-byte aligned. The C
 * library knows a mutex's owner by its kernel thread: a virtual thread's mutex and condition
 * calls run on a platform thread bound to it, so that it owns the mutex like a platform
 * thread would ({@link org.panamaipc.sync.ProcessMutex} says what that costs).
 *
 * <h2>Memory that cannot shrink — or a dead JVM</h2>
 * <b>A mutex, condition or unnamed semaphore must live in memory that no process can shrink.</b>
 * The C library works on them in place; if a process truncates the object behind the mapping,
 * the page they lie on is gone, and the C library's next touch of it ({@code pthread_mutex_lock},
 * {@code sem_wait}, {@code pthread_cond_signal}...) takes {@code SIGBUS} inside native code:
 * the JVM dies with an {@code hs_err} file, no exception, no {@code finally}. (A Java access to
 * such a page only throws {@link InternalError}; the kernel, in a system call, only fails
 * with {@code EFAULT}.) So {@code initialize} and {@code attach} check where the memory comes
 * from, once, before any native call, and refuse with {@link IllegalArgumentException}:
 * <table>
 * <caption>Where the C library's objects may live</caption>
 * <tr><th>Memory</th><th>Accepted</th><th>Why</th></tr>
 * <tr><td>{@link org.panamaipc.shm.SysVSharedMemory#attach()}</td><td>yes</td>
 *     <td>a System V segment keeps its creation size until the last process detaches</td></tr>
 * <tr><td>{@link org.panamaipc.shm.Memfd} with {@link org.panamaipc.shm.Seal#SHRINK} (before or
 *     after mapping)</td><td>yes</td>
 *     <td>a seal is never lifted: every {@code ftruncate} to less fails with {@code EPERM}</td></tr>
 * <tr><td>{@link org.panamaipc.shm.Mapping#anonymous}, {@code Arena} memory</td><td>yes</td>
 *     <td>no file anyone could truncate (private to this process)</td></tr>
 * <tr><td>{@link org.panamaipc.shm.SharedMemory}, {@link org.panamaipc.shm.MappedFile}, a memfd
 *     without {@code Seal.SHRINK}</td><td><b>no</b></td>
 *     <td>any process that may write the object can {@code ftruncate} it</td></tr>
 * <tr><td>memory this library did not map ({@code FileChannel.map}, your own {@code mmap})</td>
 *     <td>yes, <b>at your risk</b></td><td>the library cannot know what backs it</td></tr>
 * </table>
 * The check covers every view of a library mapping — {@code mapping.segment()}, its slices,
 * segments mapped into your own arena, even {@code MemorySegment.ofAddress} over the same
 * addresses — because it looks the address up among the live mappings the library made. It
 * is race-free: every accepted backing can never shrink afterwards (seals only accumulate, and
 * the size is read after the seal), and a mapping cannot be unmapped while a native call uses
 * its segment.
 *
 * <p><b>If you bring your own memory</b> (a {@code MemorySegment} the library did not map), the
 * same rule is yours to keep: map a memfd you sealed with {@code F_SEAL_SHRINK}, or a System V
 * segment, or anonymous memory — never a file or POSIX shared memory object that another
 * process may open for writing. The safe recipe, sharing with another process:
 * <pre>{@code
 * Memfd memfd = Memfd.create("locks", 4096, EnumSet.of(MemfdOption.ALLOW_SEALING));
 * memfd.addSeals(Seal.SHRINK);             // from now on no process can cut it
 * Mapping mapping = memfd.map();
 * ProcessMutex mutex = ProcessMutex.initialize(mapping.segment(), 0);
 * // the peer maps memfd.pathForPeers(), or receives memfd.fd() over a Unix socket
 * }</pre>
 *
 * <p>{@link org.panamaipc.sync.NamedSemaphore} is the one object here this cannot cover: the C
 * library keeps it in the file {@code /dev/shm/sem.NAME}, which no seal can protect. A process
 * that may write that file (by default only this user: mode 0600) can truncate it and kill every
 * JVM using the semaphore. Give write permission on a named semaphore only to processes you
 * trust as much as your own; prefer a System V semaphore set or an unnamed semaphore in sealed
 * memory otherwise. {@link org.panamaipc.sync.Futex} needs none of this: the kernel reads its
 * word and answers {@code EFAULT} for a lost page (its Java accessors throw
 * {@link InternalError}).
 *
 * <h2>What a peer can still do: scribble</h2>
 * Memory that cannot shrink can still be written by every process that maps it writable. The
 * library checks the header (magic and version, see above) when it initialises or attaches,
 * and nothing after that: it cannot tell a well-behaved peer's change to a mutex or semaphore
 * from garbage, and it does not guard each call. A peer that overwrites an attached
 * {@link org.panamaipc.sync.UnnamedSemaphore} or {@link org.panamaipc.sync.ProcessCondition}
 * leaves the C library to interpret what it finds, as in C: a value that seems arbitrary, an
 * {@code EINVAL} or {@code EOVERFLOW} (an {@link java.io.IOException} here), or a waiter that
 * is never woken (a timed wait still ends). A {@link org.panamaipc.sync.ProcessMutex} is worse:
 * while a thread holds a robust mutex, the mutex holds the links of that thread's list of held
 * robust mutexes, and unlocking it writes through them; a peer that overwrites a mutex this
 * process holds can make the C library write where the peer chose — a crash or a silent
 * corruption of this process. No check the library could make first closes that window. Share
 * the memory writable only with processes you trust as you trust your own code; a peer that
 * only needs to look can map it read-only.
 *
 * <h2>Virtual threads</h2>
 * No wait here holds a virtual thread's carrier. {@link org.panamaipc.sync.EventFd} has a
 * descriptor: a waiting virtual thread parks on the library's poller. The others have none
 * the kernel can report readiness on (System V and POSIX semaphores, futex): a virtual
 * thread that has to wait hands the call to a platform thread of a pool that grows with
 * demand, and parks until it is over; a call that need not wait runs on the virtual thread
 * itself.
 *
 * <h2>Hot paths</h2>
 * These allocate nothing and make one system call at most (none when uncontended, for the
 * mutex): {@link org.panamaipc.sync.NamedSemaphore#acquire()} / {@code release()} /
 * {@code tryAcquire()}, the same on {@link org.panamaipc.sync.UnnamedSemaphore},
 * {@link org.panamaipc.sync.SysVSemaphoreSet#operate(SemaphoreOps)} with a list built once,
 * {@link org.panamaipc.sync.Futex#await(int)} / {@code wake(int)},
 * {@link org.panamaipc.sync.EventFd#signal(long)} / {@code await()}, and
 * {@link org.panamaipc.sync.ProcessMutex#lock()} / {@code unlock()} with
 * {@link org.panamaipc.sync.ProcessCondition#await(ProcessMutex)} / {@code signal()}.
 * The timed forms allocate nothing either.
 *
 * <h2>Waiting, closing, interrupting</h2>
 * Every wait of this package runs through the library's one blocking engine. Another
 * thread's {@code close()} releases every thread of this process blocked on the object with
 * {@link java.nio.channels.AsynchronousCloseException}; use after close throws
 * {@link IllegalStateException}. {@link Thread#interrupt()} ends a wait promptly with
 * {@link java.io.InterruptedIOException}: the object stays open and usable, the thread's
 * interrupt status stays set, and nothing is taken — a semaphore unit not returned is not
 * taken, a mutex not returned is not held (a condition's wait ends with its mutex held
 * again, as every end of that wait does). A wait that completed as the interrupt came returns
 * normally. {@link org.panamaipc.sync.EventFd} has a descriptor and is
 * {@link org.panamaipc.Waitable}: a {@link org.panamaipc.WaitSet} waits for its counter beside
 * other objects.
 *
 * <h2>Example</h2>
 * Two processes (run it twice at once) take turns on a counter under a robust mutex, in
 * System V shared memory (which no process can shrink) found by a key both derive from a file:
 * <pre>{@code
 * import java.nio.file.Path;
 * import org.panamaipc.SysVKey;
 * import org.panamaipc.shm.*;
 * import org.panamaipc.sync.*;
 *
 * public class Turns {
 *     public static void main(String[] args) throws Exception {
 *         SysVKey key = SysVKey.of(Path.of("/tmp"), 'T');
 *         try (NamedSemaphore init = NamedSemaphore.openOrCreate("/turns-init", 1);
 *              SysVSharedMemory shm = SysVSharedMemory.openOrCreate(key, 4096);
 *              Mapping mapping = shm.attach()) {
 *             var s = mapping.segment();
 *             init.acquire();                       // the first process initialises
 *             ProcessMutex mutex = s.get(java.lang.foreign.ValueLayout.JAVA_INT, 0) == 0
 *                     ? ProcessMutex.initialize(s, 0) : ProcessMutex.attach(s, 0);
 *             init.release();
 *             for (int i = 0; i < 1000; i++) {
 *                 if (mutex.lock() == LockState.OWNER_DIED) {
 *                     mutex.markConsistent();       // nothing to repair here
 *                 }
 *                 try {
 *                     long n = s.get(java.lang.foreign.ValueLayout.JAVA_LONG, 64);
 *                     s.set(java.lang.foreign.ValueLayout.JAVA_LONG, 64, n + 1);
 *                 } finally {
 *                     mutex.unlock();
 *                 }
 *             }
 *             mutex.close();
 *         }
 *         // SysVSharedMemory.open(key).remove(); NamedSemaphore.unlink("/turns-init") when done
 *     }
 * }
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/sem_overview.7.html">sem_overview(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/sysvipc.7.html">sysvipc(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
 */
package org.panamaipc.sync;
