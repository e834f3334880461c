package org.panamaipc.internal;

import java.io.IOException;
import org.panamaipc.BrokenPipeException;
import org.panamaipc.IpcAccessDeniedException;
import org.panamaipc.IpcException;
import org.panamaipc.IpcFileAlreadyExistsException;
import org.panamaipc.IpcNoSuchFileException;
import org.panamaipc.ObjectRemovedException;

/**
 * The one path from a failed call's errno to the exception a caller sees.
 *
 * <p>Callers build the message's argument text only here, on failure, so that the
 * successful path allocates nothing.
 */
public final class Errors {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    private static final int EPIPE = org.panamaipc.bindings.LibC.EPIPE();
    private static final int EIDRM = org.panamaipc.bindings.LibC.EIDRM();

    private Errors() {
    }

    /**
     * The exception for a failed call on an unnamed object (a descriptor, an id): a
     * {@link BrokenPipeException} for EPIPE, an {@link ObjectRemovedException} for EIDRM (a
     * System V object removed), an {@link IpcException} otherwise.
     *
     * @param call the C function
     * @param arguments its arguments as they appear in the message, e.g. {@code "fd=5"}
     * @param errno the captured errno (positive)
     * @return the exception to throw
     */
    public static IOException of(String call, String arguments, int errno) {
        if (errno == EPIPE) {
            return new BrokenPipeException(call, arguments);
        }
        if (errno == EIDRM) {
            return new ObjectRemovedException(call, arguments, errno);
        }
        return new IpcException(call, arguments, errno);
    }

    /**
     * The exception for a failed call on a named object: ENOENT, EEXIST and EACCES/EPERM
     * become the JDK's {@code NoSuchFileException}, {@code FileAlreadyExistsException} and
     * {@code AccessDeniedException} (as subclasses carrying the errno).
     *
     * @param call the C function
     * @param object the name or path of the object
     * @param arguments the call's arguments as they appear in the message; the object's
     *        name is quoted by the caller, e.g. {@code "\"/orders\", O_RDWR"}
     * @param errno the captured errno (positive)
     * @return the exception to throw
     */
    public static IOException named(String call, String object, String arguments, int errno) {
        return switch (errno) {
            case 2 -> new IpcNoSuchFileException(call, object, arguments, errno);
            case 17 -> new IpcFileAlreadyExistsException(call, object, arguments, errno);
            case 1, 13 -> new IpcAccessDeniedException(call, object, arguments, errno);
            default -> new IpcException(call, arguments, errno);
        };
    }

    /**
     * The one message shape of every failed call: {@code call(arguments): ERRNO (message)}.
     *
     * @param call the C function
     * @param arguments its arguments as they appear in the message
     * @param errno the captured errno
     * @return e.g. {@code mq_open("/orders", O_RDWR): ENOENT (No such file or directory)}
     */
    public static String message(String call, String arguments, int errno) {
        return call + "(" + arguments + "): " + org.panamaipc.Errno.describe(errno);
    }

    /**
     * Quotes a name for an error message the way C would print a string literal.
     *
     * @param name the name
     * @return the name between double quotes
     */
    public static String quote(String name) {
        return '"' + name + '"';
    }

    /**
     * Wraps a throwable a method handle declared but a downcall cannot actually throw.
     *
     * @param t what {@code invokeExact} threw
     * @return an error to throw
     */
    public static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected from a downcall", t);
    }
}
