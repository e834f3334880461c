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
 * Two processes (run it twice at once) take turns on a counter under a robust mutex:
 * <pre>{@code
 * import org.panamaipc.shm.*;
 * import org.panamaipc.sync.*;
 *
 * public class Turns {
 *     public static void main(String[] args) throws Exception {
 *         try (NamedSemaphore init = NamedSemaphore.openOrCreate("/turns-init", 1);
 *              SharedMemory shm = SharedMemory.openOrCreate("/turns", 4096);
 *              Mapping mapping = shm.map()) {
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
 *         // SharedMemory.unlink("/turns"); NamedSemaphore.unlink("/turns-init") when done
 *     }
 * }
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/sem_overview.7.html">sem_overview(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/sysvipc.7.html">sysvipc(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
 */
package org.panamaipc.sync;
