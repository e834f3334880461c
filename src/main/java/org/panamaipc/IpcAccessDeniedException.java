package org.panamaipc;

import java.nio.file.AccessDeniedException;
import org.panamaipc.internal.Errors;

/**
 * A named IPC object may not be opened by this process (EACCES or EPERM): the JDK's {@link AccessDeniedException}, carrying the
 * failed call and its {@link Errno}. {@link #getFile()} is the object's name or path.
 */
public final class IpcAccessDeniedException extends AccessDeniedException implements ErrnoException {
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
    public IpcAccessDeniedException(String call, String object, String arguments, int errno) {
        this(call, object, arguments, errno, null);
    }

    /**
     * Creates an exception for a failed call, with what the kernel requires said after the
     * errno: for permissions that no file mode shows (ptrace access, capabilities).
     *
     * @param call the C function that failed, e.g. {@code "process_vm_readv"}
     * @param object the object, e.g. {@code "pid 1234"}
     * @param arguments the call's arguments as they appear in the message
     * @param errno the value of {@code errno} the call left
     * @param requirement what the kernel requires and what this process has, or {@code null}
     */
    public IpcAccessDeniedException(String call, String object, String arguments, int errno, String requirement) {
        super(object);
        this.call = call;
        this.errno = errno;
        String m = Errors.message(call, arguments, errno);
        this.message = requirement == null ? m : m + ": " + requirement;
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
