package org.panamaipc.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.SignalCalls;
import org.panamaipc.signal.Signal;
import org.panamaipc.signal.SignalInfo;
import org.panamaipc.signal.SignalRegistration;
import org.panamaipc.signal.Signals;

/** {@code ipc signal}: sending signals (with a value) and waiting for them. */
final class SignalCommands {
    private SignalCommands() {
    }

    static List<Command> commands() {
        return List.of(
                new Cmd("signal send", "signal send PID SIGNAL [--value N]", """
                        Sends SIGNAL (a name such as SIGUSR1, USR1, SIGRTMIN+3, or a number) to the
                        process PID with kill(2), or with --value N with sigqueue(3), which carries
                        the int N to the receiver. SIGNAL 0 sends nothing and only asks whether PID
                        exists and may be signalled (kill -0): exit 0 if so, 1 with the reason
                        (ESRCH: no such process, EPERM: not permitted) if not.
                        """, Set.of("value"), Set.of(), SignalCommands::send),
                new Cmd("signal wait", "signal wait SIGNAL... [--timeout DURATION]", """
                        Waits for the first of the SIGNALs to reach this process and prints one line:
                        the signal, and the sender's pid and the sigqueue value when known. The line
                        "waiting in pid N" goes to stderr once the handlers are installed. Exit 1 on
                        timeout. The sender's pid and value are known when the signals were blocked
                        before the JVM started (read through a signalfd); otherwise the JVM's own
                        signal dispatch delivers the signal number only.
                        """, Set.of("timeout"), Set.of(), SignalCommands::await));
    }

    static Signal signal(String text) throws UsageException {
        try {
            String t = text.strip();
            if (!t.isEmpty() && Character.isDigit(t.charAt(0))) {
                return Signal.of(Integer.parseInt(t));
            }
            String upper = t.toUpperCase(java.util.Locale.ROOT);
            return Signal.named(upper.startsWith("SIG") ? upper : "SIG" + upper);
        } catch (IllegalArgumentException e) {
            throw new UsageException("SIGNAL=\"" + text + "\" is not a signal name or number");
        }
    }

    static int send(Args args, Io io) throws Exception {
        args.expect(2, 2);
        long pid = Numbers.parseLong("PID", args.get(0));
        if (pid <= 0) {
            throw new UsageException("PID=" + pid + " must be positive");
        }
        if (args.get(1).strip().equals("0")) {
            int r = SignalCalls.kill(Check.pid(pid), 0);
            if (r < 0) {
                throw Errors.of("kill", "pid=" + pid + ", 0", -r);
            }
            return Main.OK;
        }
        Signal signal = signal(args.get(1));
        if (args.has("value")) {
            Signals.queue(pid, signal, Numbers.parseInt("--value", args.option("value")));
        } else {
            Signals.kill(pid, signal);
        }
        return Main.OK;
    }

    static int await(Args args, Io io) throws Exception {
        args.expect(1, Integer.MAX_VALUE);
        Duration timeout = args.duration("timeout");
        List<Signal> signals = new ArrayList<>();
        for (String s : args.positional()) {
            signals.add(signal(s));
        }
        LinkedBlockingQueue<SignalInfo> received = new LinkedBlockingQueue<>();
        List<SignalRegistration> registrations = new ArrayList<>();
        try {
            for (Signal s : signals) {
                registrations.add(Signals.handle(s, received::add));
            }
            io.err().println("waiting in pid " + ProcessHandle.current().pid());
            SignalInfo info = timeout == null ? received.take() : received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (info == null) {
                io.err().println("ipc signal wait: no signal within " + args.option("timeout"));
                return Main.FAILED;
            }
            StringBuilder line = new StringBuilder(info.signal().name());
            if (info.detailed()) {
                line.append(" pid=").append(info.senderPid());
                if (info.queued()) {
                    line.append(" value=").append(info.value());
                }
            }
            io.out().println(line);
            return Main.OK;
        } finally {
            registrations.forEach(SignalRegistration::close);
        }
    }
}
