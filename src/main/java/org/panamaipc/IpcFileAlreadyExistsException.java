package org.panamaipc;

import java.nio.file.FileAlreadyExistsException;
import org.panamaipc.internal.Errors;

/**
 * A named IPC object already exists (EEXIST): the JDK's {@link FileAlreadyExistsException}, carrying the
 * failed call and its {@link Errno}. {@link #getFile()} is the object's name or path.
 */
public final class IpcFileAlreadyExistsException extends FileAlreadyExistsException implements ErrnoException {
    private static final long serialVersionUID = 1L;

    /** The call that failed, with its arguments, e.g. {@code mq_open("/orders", O_RDWR)}. */
    private final String call;
    /** The error number the call returned. */
    private final int errno;
    /** The whole message: the call, the object and the error. */
    private final String message;

    /**
     * Creates an exception for a failed call on a named object.
     *
     * @param call the C function that failed, e.g. {@code "shm_open"}
     * @param object the object's name or path
     * @param arguments the call's arguments as they appear in the message
     * @param errno the value of {@code errno} the call left
     */
    public IpcFileAlreadyExistsException(String call, String object, String arguments, int errno) {
        super(object);
        this.call = call;
        this.errno = errno;
        this.message = Errors.message(call, arguments, errno);
    }

    @Override
    public String getMessage() {
        return message;
    }

    @Override
    public int errnoNumber() {
        return errno;
    }

    @Override
    public String call() {
        return call;
    }
}
