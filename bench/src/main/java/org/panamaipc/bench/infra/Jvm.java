package org.panamaipc.bench.infra;

/**
 * The JVM options every benchmark fork and every peer JVM runs with, as compile-time
 * constants so that {@code @Fork(jvmArgsAppend = ...)} can name them.
 */
public final class Jvm {
    /** The library calls native code; on the class path it is the unnamed module. */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** Agrona reaches into {@code jdk.internal.misc} on JDK 25. */
    public static final String AGRONA_EXPORTS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /**
     * JMH runs the benchmark's threads (set-up, measurement, tear-down) as virtual threads, and
     * {@link Peer} starts the peer's own loop on one too ({@link PeerSupport#run}): both ends
     * on virtual threads. For {@code @Fork(jvmArgsAppend = {NATIVE_ACCESS, VIRTUAL_THREADS})}.
     */
    public static final String VIRTUAL_THREADS = "-Djmh.executor=VIRTUAL";
    /** Agrona 2 on JDK 25: its Unsafe use prints a warning per JVM otherwise. */
    public static final String UNSAFE_ALLOW = "--sun-misc-unsafe-memory-access=allow";

    private Jvm() {
    }
}
