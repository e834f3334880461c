package org.panamaipc;

/**
 * Implemented by every exception this library throws for a failed system call, whatever
 * JDK type it extends ({@link IpcException}, or {@link java.nio.file.NoSuchFileException}
 * and its siblings for named objects), so a caller can always learn which call failed
 * and with which error.
 */
public interface ErrnoException {

    /** {@return the error the call reported, or {@code null} for a number this kernel does not define} */
    default Errno errno() {
        return Errno.of(errnoNumber());
    }

    /** {@return the raw value of {@code errno}} */
    int errnoNumber();

    /** {@return the name of the C function that failed, e.g. {@code "mq_open"}} */
    String call();
}
