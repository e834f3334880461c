/**
 * Shared and mapped memory as {@link java.lang.foreign.MemorySegment}s with safe lifetimes:
 * POSIX shared memory ({@link org.panamaipc.shm.SharedMemory}), System V shared memory
 * ({@link org.panamaipc.shm.SysVSharedMemory}), anonymous sealable memory
 * ({@link org.panamaipc.shm.Memfd}), mapped files ({@link org.panamaipc.shm.MappedFile}),
 * anonymous and huge-page memory ({@link org.panamaipc.shm.Mapping#anonymous}), and atomic
 * access across processes ({@link org.panamaipc.shm.SharedAtomics}).
 *
 * <h2>Creating and opening</h2>
 * Every named or keyed kind speaks the library's one vocabulary.
 * {@code create} is exclusive ({@code O_CREAT | O_EXCL}, {@code IPC_CREAT | IPC_EXCL}) and
 * throws {@link java.nio.file.FileAlreadyExistsException} without touching an object that
 * exists; {@code open} throws {@link java.nio.file.NoSuchFileException} for a missing one;
 * {@code openOrCreate} does either and never alters an existing object: one smaller than
 * asked is refused with {@link org.panamaipc.ObjectMismatchException}, one larger is opened
 * as it is. The creator that owns an object's life says so once:
 * {@link org.panamaipc.shm.SharedMemory#unlinkOnClose()},
 * {@link org.panamaipc.shm.SysVSharedMemory#removeOnClose()}. A System V segment that was
 * removed under a handle throws {@link org.panamaipc.ObjectRemovedException}.
 * {@link org.panamaipc.shm.SharedMemory}, {@link org.panamaipc.shm.Memfd} and
 * {@link org.panamaipc.shm.MappedFile} are {@link org.panamaipc.DescriptorBased}.
 *
 * <p>Nothing in this package blocks: mapping, sizing and attaching return at once, so no
 * call here waits, times out or is interrupted. Waiting for a peer is done with the
 * {@code sync} package (a futex or a semaphore in the shared memory).
 *
 * <h2>Lifetimes</h2>
 * Every mapping is a {@link org.panamaipc.shm.Mapping} that owns an arena (or lives in an
 * arena the caller passes). Closing it unmaps the memory; from then on every access through
 * its segment throws {@link java.lang.IllegalStateException} instead of crashing the JVM.
 * Read-only mappings give read-only segments, so writes are refused before they reach the
 * page. A mapping never reaches past its object's size: grow the object and remap in one
 * step with {@link org.panamaipc.shm.Mapping#resize(long)} (or
 * {@link org.panamaipc.shm.MappableFile#truncate(long) truncate}, then
 * {@link org.panamaipc.shm.Mapping#remap(long) remap}).
 *
 * <h2>Cross-process atomics</h2>
 * Memory shared between processes is accessed like memory shared between threads: through
 * {@link java.lang.invoke.VarHandle}s with an explicit memory order. Use
 * {@link org.panamaipc.shm.SharedAtomics} (or {@code ValueLayout.JAVA_LONG.varHandle()}
 * directly): publish with a release store, consume with an acquire load, count with
 * {@code getAndAddLong} or a {@code compareAndSetLong} loop. These accesses allocate nothing
 * and make no system call: they are the hot path. Prefer {@code SharedAtomics} for
 * compare-and-set on memory a peer could truncate (see its <em>Lost pages</em>).
 *
 * <h2>Example</h2>
 * Two processes (run it twice at once) count to 2,000,000 in one shared counter:
 * <pre>{@code
 * import java.lang.foreign.MemorySegment;
 * import org.panamaipc.shm.*;
 *
 * public class Count {
 *     public static void main(String[] args) throws Exception {
 *         try (SharedMemory shm = SharedMemory.openOrCreate("/count-example", 4096);
 *              Mapping mapping = shm.map()) {
 *             MemorySegment s = mapping.segment();
 *             for (int i = 0; i < 1_000_000; i++) {
 *                 long seen;
 *                 do {
 *                     seen = SharedAtomics.getLongVolatile(s, 0);
 *                 } while (!SharedAtomics.compareAndSetLong(s, 0, seen, seen + 1));
 *             }
 *             System.out.println("counter = " + SharedAtomics.getLongAcquire(s, 0));
 *         }
 *         // SharedMemory.unlink("/count-example") once both are done
 *     }
 * }
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/shm_overview.7.html">shm_overview(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/sysvipc.7.html">sysvipc(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/memfd_create.2.html">memfd_create(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/mmap.2.html">mmap(2)</a>
 */
package org.panamaipc.shm;
