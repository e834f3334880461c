package org.panamaipc;

import java.io.IOException;
import org.panamaipc.internal.Errors;

/**
 * A system call failed. The message names the call, its main arguments and the error, for
 * example {@code mq_receive(fd=7, len=8192): EMSGSIZE (Message too long)}.
 *
 * <p>Failures on named objects whose cause callers routinely branch on use the JDK's own
 * types instead: {@link IpcNoSuchFileException}, {@link IpcFileAlreadyExistsException},
 * {@link IpcAccessDeniedException}. All of them implement {@link ErrnoException}.
 */
public class IpcException extends IOException implements ErrnoException {
    private static final long serialVersionUID = 1L;

    /** The call that failed, with its arguments, e.g. {@code mq_open("/orders", O_RDWR)}. */
    private final String call;
    /** The error number the call returned. */
    private final int errno;

    /**
     * Creates an exception for a failed call.
     *
     * @param call the C function that failed, e.g. {@code "read"}
     * @param arguments the arguments worth naming, e.g. {@code "fd=5"}; may be empty
     * @param errno the value of {@code errno} the call left
     */
    public IpcException(String call, String arguments, int errno) {
        super(Errors.message(call, arguments, errno));
        this.call = call;
        this.errno = errno;
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
