package org.panamaipc.vthreads;

import java.lang.foreign.Arena;
import java.util.concurrent.locks.LockSupport;
import org.panamaipc.testing.Peer;

/**
 * The peer JVM of {@link VirtualThreadParkingTest}: runs the scenarios the test asks for, one
 * command a line, in a JVM of its own (thousands of descriptors, native memory tracking, a
 * flight recording), and answers each with one line.
 *
 * <pre>
 * descriptor SUBJECT N MEASURE_MEMORY [BUFFER]   pipe-array, pipe-segment, posix-queue, socket-pair, eventfd
 * gate NAME N                                    a wait without descriptor, see {@link Gate#names()}
 * counter-control                                the counter stops while every carrier is blocked, on purpose
 * pin-control                                    one virtual thread parks pinned, on purpose
 * </pre>
 *
 * Answers: {@code RESULT key=value...}, or {@code FAILED what} with the stack trace on stderr.
 * At the end of its input the peer exits, which writes its flight recording.
 */
public final class ParkingPeer {
    private ParkingPeer() {
    }

    /** A class whose initialiser parks: a virtual thread that runs it parks pinned to its carrier. */
    private static final class PinsItsCarrier {
        static {
            LockSupport.parkNanos(1_000_000);
        }

        static void touch() {
            // initialising the class is the point
        }
    }

    public static void main(String[] args) throws Exception {
        Peer.ready();
        for (String line; (line = Peer.readLine()) != null; ) {
            String[] w = line.strip().split(" ");
            try {
                Peer.println("RESULT " + run(w).line());
            } catch (Throwable t) {
                t.printStackTrace();
                Peer.println("FAILED " + String.valueOf(t).replace('\n', ' '));
            }
        }
    }

    private static Facts run(String[] w) throws Exception {
        switch (w[0]) {
            case "descriptor": {
                int n = Integer.parseInt(w[2]);
                boolean memory = Boolean.parseBoolean(w[3]);
                try (Arena arena = Arena.ofShared()) {
                    Subject<?> subject = switch (w[1]) {
                        case "pipe-array" -> Subject.pipeIntoArray(Integer.parseInt(w[4]));
                        case "pipe-segment" -> Subject.pipeIntoSegment(arena, n);
                        case "posix-queue" -> Subject.posixQueue();
                        case "socket-pair" -> Subject.socketPair();
                        case "eventfd" -> Subject.eventFd();
                        default -> throw new IllegalArgumentException("no subject " + w[1]);
                    };
                    return DescriptorWaits.run(subject, n, memory);
                }
            }
            case "gate":
                return OffloadedWaits.run(Gate.byName(w[1]), Integer.parseInt(w[2]));
            case "counter-control":
                return CarrierBlockers.check();
            case "pin-control": {
                Thread t = Thread.ofVirtual().name("pin-control").start(PinsItsCarrier::touch);
                t.join();
                return new Facts().put("thread", t.getName());
            }
            default:
                throw new IllegalArgumentException("unknown command " + String.join(" ", w));
        }
    }
}
