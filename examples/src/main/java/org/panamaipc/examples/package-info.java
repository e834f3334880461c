/**
 * One program per common task, each a {@code main} that cleans up everything it creates.
 *
 * <ul>
 *   <li>{@link org.panamaipc.examples.QueueBetweenJvms}: a POSIX message queue between two JVMs;
 *   <li>{@link org.panamaipc.examples.SharedMemoryWithPython}: shared memory with a Python worker;
 *   <li>{@link org.panamaipc.examples.DescriptorsWithC}: descriptor passing with a C peer;
 *   <li>a channel between processes: to come, once the library's channels land (the place for
 *       it is {@code ChannelBetweenProcesses} in this package, and a line in {@code run.sh}).
 * </ul>
 */
package org.panamaipc.examples;
