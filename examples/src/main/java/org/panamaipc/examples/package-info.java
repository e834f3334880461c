/**
 * One program per common task, each a {@code main} that cleans up everything it creates.
 *
 * <ul>
 *   <li>{@link org.panamaipc.examples.QueueBetweenJvms}: a POSIX message queue between two JVMs;
 *   <li>{@link org.panamaipc.examples.SharedMemoryWithPython}: shared memory with a Python worker;
 *   <li>{@link org.panamaipc.examples.DescriptorsWithC}: descriptor passing with a C peer;
 *   <li>{@link org.panamaipc.examples.ChannelBetweenProcesses}: a channel (a shared-memory ring)
 *       between two JVMs, the reader parked between records.
 * </ul>
 */
package org.panamaipc.examples;
