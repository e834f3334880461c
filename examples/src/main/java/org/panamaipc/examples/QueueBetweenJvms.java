package org.panamaipc.examples;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.PriorityMessage;

/**
 * A POSIX message queue between two JVMs: this one creates two queues, starts a second JVM
 * (this class again, as the worker), sends it orders by priority and reads its replies.
 * Everything it creates is unlinked when it is done, however it ends.
 */
public final class QueueBetweenJvms {

    private QueueBetweenJvms() {}

    /**
     * Runs the example, or with {@code worker ORDERS REPLIES} the worker.
     *
     * @param args nothing, or the worker's queue names
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("worker")) {
            work(args[1], args[2]);
            return;
        }
        String orders = PosixMessageQueue.uniqueName("orders");
        String replies = PosixMessageQueue.uniqueName("replies");
        try (PosixMessageQueue out = PosixMessageQueue.create(orders, 10, 256).unlinkOnClose();
             PosixMessageQueue in = PosixMessageQueue.create(replies, 10, 256).unlinkOnClose()) {
            Process worker = new ProcessBuilder(SecondJvm.command(QueueBetweenJvms.class, "worker", orders, replies))
                    .inheritIO().start();
            out.send(bytes("ship 42"), 1);
            out.send(bytes("ship 7 (urgent)"), 9);                 // overtakes the first
            out.send(bytes("stop"), 0);
            for (int i = 0; i < 2; i++) {
                PriorityMessage reply = in.receive(Duration.ofSeconds(30)); // null on timeout
                if (reply == null) {
                    worker.destroy();
                    throw new IllegalStateException("no reply from the worker JVM " + worker.pid());
                }
                System.out.println("reply: " + text(reply.data()));
            }
            System.out.println("worker exit code " + worker.waitFor() + " (" + SecondJvm.mode() + ")");
        }
    }

    private static void work(String orders, String replies) throws Exception {
        try (PosixMessageQueue in = PosixMessageQueue.open(orders, PosixMessageQueue.Access.READ_ONLY);
             PosixMessageQueue out = PosixMessageQueue.open(replies, PosixMessageQueue.Access.WRITE_ONLY)) {
            for (PriorityMessage order = in.receive(); !text(order.data()).equals("stop"); order = in.receive()) {
                out.send(bytes("done: " + text(order.data()) + " @" + order.priority()
                        + " in JVM " + ProcessHandle.current().pid()), 0);
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
