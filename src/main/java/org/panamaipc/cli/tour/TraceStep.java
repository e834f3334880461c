package org.panamaipc.cli.tour;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.process.ChildProcess;
import org.panamaipc.process.GroupStop;
import org.panamaipc.process.SignalStop;
import org.panamaipc.process.SyscallStop;
import org.panamaipc.process.Trace;
import org.panamaipc.process.TraceEvent;
import org.panamaipc.process.TraceOption;
import org.panamaipc.process.TraceeExit;
import org.panamaipc.signal.Signal;

/**
 * Process control: a {@code cat} child, traced, is stopped by SIGSTOP and continued by SIGCONT
 * (the tracer sees both, and the stop in between), then carries lines, and the tracer sees each
 * {@code write(1, ...)} with its bytes before it returns. The peer JVM sits this one out: the
 * traced process is the tour's own child.
 */
final class TraceStep implements TourStep {
    static final int ROUNDS = 20;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    public String id() {
        return "trace";
    }

    @Override
    public String mechanism() {
        return "process trace";
    }

    @Override
    public String timed() {
        return "traced line";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        long[] nanos = new long[ROUNDS];
        String problem;
        try (Pipe in = Pipe.open(); Pipe out = Pipe.open()) {
            ChildProcess cat = ChildProcess.builder("cat").mapFd(0, in.source()).mapFd(1, out.sink()).start();
            try (cat) {
                in.source().close();
                out.sink().close();
                try {
                    problem = traced(cat, in, out, nanos);
                } finally {
                    in.sink().close(); // end of file: cat exits
                    if (cat.waitFor(WAIT) == null) {
                        cat.kill();
                        cat.waitFor(WAIT);
                    }
                }
            }
        }
        return problem == null ? Exchange.verified(what(), nanos) : Exchange.failed(what(), nanos, problem);
    }

    /** The step with {@code cat} traced: the stop and continue, then the lines; a problem, or null. */
    private static String traced(ChildProcess cat, Pipe in, Pipe out, long[] nanos) throws IOException {
        try (Trace trace = Trace.attach(cat, TraceOption.SYSCALLS)) {
            String problem = stopAndContinue(trace, cat);
            if (problem != null) {
                return problem;
            }
            for (int i = 0; i < ROUNDS; i++) {
                byte[] line = ("line " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                long t0 = System.nanoTime();
                in.sink().write(line, 0, line.length);
                byte[] written = tracedWrite(trace, line.length);
                byte[] back = new byte[line.length];
                int n = 0;
                for (int r; n < back.length && (r = out.source().read(back, n, back.length - n)) >= 0; ) {
                    n += r;
                }
                nanos[i] = System.nanoTime() - t0;
                if (!Arrays.equals(written, line) || !Arrays.equals(back, line)) {
                    return "round " + i + ": traced \"" + new String(written, StandardCharsets.US_ASCII).strip()
                            + "\", read back \"" + new String(back, 0, n, StandardCharsets.US_ASCII).strip() + "\"";
                }
            }
            return null;
        }
    }

    private static String what() {
        return "cat stopped by SIGSTOP and continued; " + ROUNDS + " lines, each write(1, ...) seen by the tracer";
    }

    /** SIGSTOP: seen, delivered, the group-stop seen; SIGCONT: seen and delivered. */
    private static String stopAndContinue(Trace trace, ChildProcess cat) throws IOException {
        cat.sendSignal(Signal.SIGSTOP);
        if (!(until(trace, e -> e instanceof GroupStop g && g.signal() == Signal.SIGSTOP) instanceof GroupStop stop)) {
            return "the tracer never saw the stop";
        }
        trace.resume(stop); // stays stopped until SIGCONT, as untraced
        cat.sendSignal(Signal.SIGCONT);
        TraceEvent cont = until(trace, e -> e instanceof SignalStop s && s.signal() == Signal.SIGCONT);
        if (cont == null) {
            return "the tracer never saw SIGCONT";
        }
        trace.resume(cont);
        return null;
    }

    /** The bytes of the next {@code write(1, ...)}, read at its entry; its exit is waited for too. */
    private static byte[] tracedWrite(Trace trace, int length) throws IOException {
        TraceEvent e = until(trace, x -> x instanceof SyscallStop s && s.isEntry() && s.name().equals("write")
                && s.argument(0) == 1);
        if (!(e instanceof SyscallStop entry)) {
            return new byte[0];
        }
        byte[] bytes = trace.readMemory(entry.pid(), entry.argument(1), (int) Math.min(entry.argument(2), length));
        trace.resume(entry);
        TraceEvent exit = until(trace, x -> x instanceof SyscallStop s && !s.isEntry());
        if (!(exit instanceof SyscallStop s) || s.result() != length) {
            return new byte[0];
        }
        trace.resume(exit);
        return bytes;
    }

    /** Resumes every event until one matches (left stopped and returned), or null. */
    private static TraceEvent until(Trace trace, java.util.function.Predicate<TraceEvent> wanted) throws IOException {
        for (TraceEvent e; (e = trace.next(WAIT)) != null; ) {
            if (wanted.test(e)) {
                return e;
            }
            if (e instanceof TraceeExit) {
                return null;
            }
            trace.resume(e);
        }
        return null;
    }

    @Override
    public void follow(List<String> args, PeerSide side) {
        // the peer takes no part
    }
}
