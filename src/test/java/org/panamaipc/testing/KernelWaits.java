package org.panamaipc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which threads of this JVM sleep in a system call, by the kernel's account
 * ({@code /proc/self/task/TID/syscall}): proof that a call has reached the kernel and waits
 * there, without a sleep in the test.
 *
 * <p>A thread the JVM itself parks (an idle pool thread, a thread waiting on a lock) sleeps in
 * {@code futex} with {@code FUTEX_PRIVATE_FLAG}; the library's waits never use a private
 * futex (its semaphores, mutexes and futex words are shared between processes). So "sleeps in
 * a call" here means: in any system call but a private futex wait.
 */
public final class KernelWaits {
    /** x86_64 {@code futex}. */
    private static final int FUTEX = 202;
    private static final long FUTEX_PRIVATE_FLAG = 128;
    private static final Path TASKS = Path.of("/proc/self/task");

    private KernelWaits() {
    }

    /**
     * {@return the kernel's id of the calling thread (for a virtual thread, of its carrier now)}
     */
    public static long currentTid() {
        try {
            // "/proc/thread-self" links to "PID/task/TID"
            return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Tells whether a thread of this JVM sleeps in a system call that is not a private futex.
     *
     * @param tid the thread's kernel id, from {@link #currentTid()}
     * @return true while it sleeps in such a call; false if it runs, has ended, or waits in the JVM
     */
    public static boolean sleepsInCall(long tid) {
        return sleepsInCall(TASKS.resolve(Long.toString(tid)));
    }

    /**
     * Counts the threads of this JVM whose name starts with {@code prefix} and that sleep in a
     * system call that is not a private futex.
     *
     * @param prefix the start of the thread name, as the kernel keeps it (at most 15 characters)
     * @return how many there are now
     */
    public static int sleepingInCall(String prefix) {
        String kernelPrefix = prefix.length() > 15 ? prefix.substring(0, 15) : prefix;
        int count = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                if (name(task).startsWith(kernelPrefix) && sleepsInCall(task)) {
                    count++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count;
    }

    /**
     * Counts the threads of this JVM whose name starts with {@code prefix}, sleeping or not.
     *
     * @param prefix the start of the thread name, as the kernel keeps it (at most 15 characters)
     * @return how many there are now
     */
    public static int threadsNamed(String prefix) {
        String kernelPrefix = prefix.length() > 15 ? prefix.substring(0, 15) : prefix;
        int count = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                if (name(task).startsWith(kernelPrefix)) {
                    count++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count;
    }

    private static String name(Path task) {
        try {
            return Files.readString(task.resolve("comm")).strip();
        } catch (IOException ended) {
            return "";
        }
    }

    private static boolean sleepsInCall(Path task) {
        String line;
        try {
            line = Files.readString(task.resolve("syscall")).strip();
        } catch (IOException ended) {
            return false;
        }
        // "running", "-1 SP PC" (blocked outside a call) or "NR ARG1 ... ARG6 SP PC"
        String[] fields = line.split(" ");
        if (fields.length < 3 || fields[0].equals("running") || fields[0].startsWith("-")) {
            return false;
        }
        int nr = Integer.parseInt(fields[0]);
        if (nr != FUTEX) {
            return true;
        }
        long op = Long.decode(fields[2]);
        return (op & FUTEX_PRIVATE_FLAG) == 0;
    }
}
