package org.panamaipc.mq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.testing.IpcTest;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code mq_notify} with signal delivery to this JVM. The signal is SIGWINCH, whose default
 * action is to ignore it, caught through the JDK's {@code sun.misc.Signal} (reached
 * reflectively: the module under test does not read {@code jdk.unsupported}).
 */
@IpcTest
@ResourceLock("org.panamaipc.signal-dispositions")
class NotificationSignalTest {
    private static final int SIGWINCH = 28;

    private final String name = Peers.uniqueName("notify");

    @AfterEach
    void cleanUp() throws IOException {
        PosixMessageQueue.unlinkIfExists(name);
    }

    @Test
    void aMessageArrivingOnAnEmptyQueueSendsTheRegisteredSignalOnce() throws Exception {
        CountDownLatch signalled = new CountDownLatch(1);
        Object previous = handle("WINCH", signalled);
        try (PosixMessageQueue q = PosixMessageQueue.createExclusively(name, 4, 16)) {
            q.registerNotification(SIGWINCH);
            q.send("first".getBytes(StandardCharsets.UTF_8), 1);
            assertThat(signalled.await(10, TimeUnit.SECONDS)).as("SIGWINCH delivered").isTrue();
            // One-shot: the registration is gone, so registering again succeeds.
            q.registerNotificationWithoutSignal();
            q.cancelNotification();
        } finally {
            restore("WINCH", previous);
        }
    }

    private static Object handle(String signal, CountDownLatch latch) throws ReflectiveOperationException {
        Class<?> signalClass = Class.forName("sun.misc.Signal");
        Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
        Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                (proxy, method, args) -> switch (method.getName()) {
                    case "handle" -> {
                        latch.countDown();
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "latch handler";
                });
        Constructor<?> make = signalClass.getConstructor(String.class);
        Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
        return handle.invoke(null, make.newInstance(signal), handler);
    }

    private static void restore(String signal, Object previous) throws ReflectiveOperationException {
        Class<?> signalClass = Class.forName("sun.misc.Signal");
        Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
        signalClass.getMethod("handle", signalClass, handlerClass)
                .invoke(null, signalClass.getConstructor(String.class).newInstance(signal), previous);
    }
}
