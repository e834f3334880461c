package org.panamaipc.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * The {@code jdk.VirtualThreadPinned} events of a flight recording: each time a virtual thread
 * parked while pinned to its carrier, which then could run nothing else.
 *
 * <p>A peer JVM records them when started with {@link #RECORDING_OPTION} and a file name:
 *
 * <pre>{@code
 * PeerJvm.builder(Main.class).jvmArgs(PinnedEvents.startRecording(file)).start();
 * ...
 * List<PinnedEvents.Pinned> pinned = PinnedEvents.read(file); // once the peer has exited
 * }</pre>
 */
public final class PinnedEvents {
    /** The JFR options: nothing recorded but pinned virtual threads, each with its stack. */
    static final String RECORDING_OPTION = "-XX:StartFlightRecording:settings=none"
            + ",+jdk.VirtualThreadPinned#enabled=true"
            + ",+jdk.VirtualThreadPinned#threshold=0ms"
            + ",+jdk.VirtualThreadPinned#stackTrace=true";

    private PinnedEvents() {
    }

    /**
     * One pinned park.
     *
     * @param thread the virtual thread's name
     * @param reason why it was pinned, as the JVM says ({@code "Native frame or <clinit> on stack"})
     * @param operation what parked ({@code "LockSupport.park"})
     * @param stack its stack, innermost frame first, one {@code class.method line: N} each
     */
    public record Pinned(String thread, String reason, String operation, List<String> stack) {
        @Override
        public String toString() {
            return "pinned " + thread + " (" + reason + ", " + operation + ")\n\tat "
                    + String.join("\n\tat ", stack);
        }
    }

    /**
     * The JVM arguments that record pinned virtual threads to {@code file}, written when the
     * JVM exits normally. JFR's start-up messages are silenced, so that they do not mix with
     * the peer's own output.
     *
     * @param file where the recording goes
     * @return the arguments, for {@link PeerJvm.Builder#jvmArgs}
     */
    public static String[] startRecording(Path file) {
        return new String[] {RECORDING_OPTION + ",filename=" + file, "-Xlog:jfr+startup=off"};
    }

    /**
     * Reads every pinned park from a recording.
     *
     * @param file the recording
     * @return the events, in recording order
     * @throws IOException if the file cannot be read
     */
    public static List<Pinned> read(Path file) throws IOException {
        List<Pinned> pinned = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.VirtualThreadPinned")) {
                continue;
            }
            RecordedThread thread = e.getThread();
            List<String> stack = e.getStackTrace() == null ? List.of()
                    : e.getStackTrace().getFrames().stream().map(PinnedEvents::frame).collect(Collectors.toList());
            pinned.add(new Pinned(thread == null ? "?" : thread.getJavaName(), text(e, "pinnedReason"),
                    text(e, "blockingOperation"), stack));
        }
        return pinned;
    }

    private static String text(RecordedEvent e, String field) {
        return e.hasField(field) ? e.getString(field) : "?";
    }

    private static String frame(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName() + " line: " + f.getLineNumber();
    }
}
