package org.panamaipc.cli.tour;

import java.util.List;

/**
 * One mechanism in the tour: both ends of its exchange. The tour calls {@link #lead} in the
 * {@code ipc} process; the peer process calls {@link #follow} with the words the leader sent
 * it. Adding a mechanism to the tour is one class implementing this, added to
 * {@link TourSteps#ALL}.
 */
interface TourStep {
    /** A short word naming the step on the control channel, e.g. {@code "mq"}. */
    String id();

    /** The mechanism, as the tour prints it, e.g. {@code "POSIX message queue"}. */
    String mechanism();

    /** What the measured times are, e.g. {@code "round trip"}. */
    default String timed() {
        return "round trip";
    }

    /**
     * The tour's end: sets the mechanism up, starts the peer's end with
     * {@link Peer#start(TourStep, String...)}, exchanges data both ways, verifies it, removes
     * everything it made (also when it fails) and says what happened.
     */
    Exchange lead(Peer peer, Scratch scratch) throws Exception;

    /**
     * The peer's end: opens what the leader made (named by {@code args}), calls
     * {@link PeerSide#ready()} once it is ready for the first round, then answers every round.
     * Returning ends the step.
     */
    void follow(List<String> args, PeerSide side) throws Exception;
}
