package org.panamaipc.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that uses IPC objects, descriptors or peer processes: every such class
 * carries it.
 *
 * <ul>
 *   <li>{@link LeakCheck} fails each test, and the class, that leaves a System V object, a
 *       POSIX named object, a descriptor or a child process behind.
 *   <li>Each test method has a preemptive timeout of {@value #TIMEOUT_SECONDS} seconds: it
 *       runs on a thread of its own and fails when the time is up even if it is stuck in a
 *       blocking native call that no interrupt ends. A method may set a shorter
 *       {@link Timeout} of its own. Because the method body runs on another thread than
 *       {@code @BeforeEach} and {@code @AfterEach}, per-thread state (a signal mask, a
 *       thread-directed signal) must be set up inside the test method.
 * </ul>
 *
 * <pre>{@code
 * @IpcTest
 * class SharedMemoryTest {
 *     @Test
 *     void peerSeesWhatWeWrite() { ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LeakCheck.class)
@Timeout(value = IpcTest.TIMEOUT_SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public @interface IpcTest {

    /** The timeout of each test method, in seconds; generous, for a loaded 2-core machine. */
    int TIMEOUT_SECONDS = 30;
}
