package org.panamaipc;

/**
 * The System V object (message queue, shared memory segment, semaphore set) was removed while
 * this process used it: {@code EIDRM}, or {@code EINVAL} for an id that no longer names
 * anything. The same exception for all three kinds.
 */
public class ObjectRemovedException extends IpcException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a call that found its object removed.
     *
     * @param call the C function, e.g. {@code "msgrcv"}
     * @param arguments the arguments worth naming, e.g. {@code "id=5"}
     * @param errno {@code EIDRM} or {@code EINVAL}
     */
    public ObjectRemovedException(String call, String arguments, int errno) {
        super(call, arguments, errno);
    }
}
