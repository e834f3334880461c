package org.panamaipc.process;

/**
 * A peer JVM that tries to trace another process and prints what happened on one line:
 * {@code traced} or the exception's simple class name and message. Run as another user or
 * without capabilities to see the kernel refuse.
 */
public final class TracerPeer {
    private TracerPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the pid to trace
     */
    public static void main(String[] args) {
        try (Trace trace = Trace.attach(Long.parseLong(args[0]))) {
            System.out.println("traced " + trace.tracees());
        } catch (Exception e) {
            System.out.println(e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }
}
