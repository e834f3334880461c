package org.panamaipc.testing;

import java.lang.reflect.Method;

/**
 * The bytes the current thread has allocated, through {@code com.sun.management.ThreadMXBean}
 * reached reflectively (the library's module, which the tests are patched into, does not
 * read {@code java.management}).
 */
public final class Allocation {
    private static final Object BEAN;
    private static final Method ALLOCATED;

    static {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            BEAN = factory.getMethod("getThreadMXBean").invoke(null);
            ALLOCATED = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Allocation() {
    }

    /**
     * {@return the bytes the calling thread has allocated since it started}
     */
    public static long currentThread() {
        try {
            return (long) ALLOCATED.invoke(BEAN);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
