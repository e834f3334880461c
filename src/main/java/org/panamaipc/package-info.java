/**
 * What every mechanism shares: errors ({@link org.panamaipc.Errno},
 * {@link org.panamaipc.ErrnoException} and the exceptions implementing it) and owned
 * descriptors ({@link org.panamaipc.OwnedFd}).
 *
 * <p>A failed call throws an exception naming the call, the object and the error:
 *
 * <pre>{@code
 * try {
 *     ...
 * } catch (NoSuchFileException e) {           // ENOENT on a named object
 *     Errno errno = ((ErrnoException) e).errno();
 * } catch (IOException e) {
 *     System.err.println(e.getMessage());     // mq_open("/orders", O_RDWR): ENOENT (No such file or directory)
 * }
 * }</pre>
 *
 * <p>Misuse (a null, a negative size, a closed object) throws the usual unchecked
 * exceptions before any native call, with a {@code key=value} message.
 */
package org.panamaipc;
