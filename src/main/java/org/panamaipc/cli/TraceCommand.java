package org.panamaipc.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.panamaipc.Errno;
import org.panamaipc.process.ExecStop;
import org.panamaipc.process.ExitStatus;
import org.panamaipc.process.ForkStop;
import org.panamaipc.process.GroupStop;
import org.panamaipc.process.SignalStop;
import org.panamaipc.process.SyscallStop;
import org.panamaipc.process.Trace;
import org.panamaipc.process.TraceEvent;
import org.panamaipc.process.TraceOption;
import org.panamaipc.process.TraceeExit;
import org.panamaipc.signal.Signal;

/** {@code ipc trace}: a small strace over {@link Trace}. */
final class TraceCommand {
    /**
     * How the common calls' arguments print, one letter an argument: {@code d} int, {@code u}
     * unsigned, {@code x} hex flags, {@code p} a pointer (0 is NULL), {@code m} octal mode, {@code f} a directory
     * descriptor ({@code AT_FDCWD}), {@code s} a string, {@code b} a buffer of the next
     * argument's length, {@code o} a buffer the call fills (as long as its result), {@code S}
     * an array of strings, {@code g} a signal. A call not listed prints its six registers,
     * trailing zeros left out.
     */
    private static final Map<String, String> FORMATS = Map.ofEntries(
            Map.entry("read", "dou"), Map.entry("write", "dbu"), Map.entry("pread64", "doud"),
            Map.entry("pwrite64", "dbud"), Map.entry("open", "sxm"), Map.entry("openat", "fsxm"),
            Map.entry("close", "d"), Map.entry("exit", "d"), Map.entry("exit_group", "d"),
            Map.entry("execve", "sSp"), Map.entry("getpid", ""), Map.entry("getppid", ""), Map.entry("gettid", ""),
            Map.entry("getuid", ""), Map.entry("geteuid", ""), Map.entry("getgid", ""), Map.entry("getegid", ""),
            Map.entry("fork", ""), Map.entry("vfork", ""), Map.entry("sched_yield", ""),
            Map.entry("fstat", "dp"), Map.entry("newfstatat", "fspx"), Map.entry("stat", "sp"), Map.entry("lstat", "sp"),
            Map.entry("statx", "fsxxp"), Map.entry("access", "sd"), Map.entry("faccessat", "fsd"),
            Map.entry("faccessat2", "fsdx"), Map.entry("mmap", "puxxdx"), Map.entry("munmap", "pu"),
            Map.entry("mprotect", "pux"), Map.entry("brk", "p"), Map.entry("kill", "dg"), Map.entry("tgkill", "ddg"),
            Map.entry("tkill", "dg"), Map.entry("rt_sigaction", "gppu"), Map.entry("rt_sigprocmask", "dppu"),
            Map.entry("dup", "d"), Map.entry("dup2", "dd"), Map.entry("dup3", "ddx"), Map.entry("pipe2", "px"),
            Map.entry("lseek", "ddd"), Map.entry("chdir", "s"), Map.entry("mkdir", "sm"), Map.entry("rmdir", "s"),
            Map.entry("unlink", "s"), Map.entry("unlinkat", "fsx"), Map.entry("rename", "ss"),
            Map.entry("readlink", "spu"), Map.entry("ioctl", "dxp"), Map.entry("fcntl", "ddx"),
            Map.entry("wait4", "dpxp"), Map.entry("nanosleep", "pp"), Map.entry("clock_nanosleep", "ddpp"),
            Map.entry("arch_prctl", "xp"), Map.entry("set_tid_address", "p"), Map.entry("set_robust_list", "pu"),
            Map.entry("prlimit64", "ddpp"), Map.entry("getrandom", "pux"), Map.entry("sendto", "dbuxpd"),
            Map.entry("recvfrom", "douxpp"), Map.entry("socket", "ddd"), Map.entry("connect", "dpd"));
    private static final int MAX_STRING = 32;
    private static final long AT_FDCWD = -100;

    private TraceCommand() {
    }

    static List<Command> commands() {
        return List.of(new Cmd("trace", "trace [--syscalls LIST] [--signals] [--follow] [--json] (PID | -- COMMAND [ARGS...])",
                """
                Traces a process with ptrace(2), as a small strace: one line on stderr per system
                call (name, arguments as numbers or strings, result or errno name), per signal
                before its delivery (--- SIGUSR1 ---) and per process event (+++ exited with 0 +++).
                -- COMMAND starts the command traced from its execve and exits with its status;
                PID attaches to a running process (this needs CAP_SYS_PTRACE or a permissive
                kernel.yama.ptrace_scope) and detaches on Ctrl-C. --syscalls read,write shows
                only those calls; --signals shows signals and events only (no system calls);
                --follow traces the processes and threads they start; --json writes one JSON
                object per line instead.
                """, Set.of("syscalls"), Set.of("signals", "follow", "json"), TraceCommand::run));
    }

    static int run(Args args, Io io) throws Exception {
        boolean command = !args.rest().isEmpty();
        args.expect(command ? 0 : 1, command ? 0 : 1);
        Set<String> only = null;
        if (args.has("syscalls")) {
            only = new HashSet<>();
            for (String name : args.option("syscalls").split(",")) {
                if (SyscallStop.numberOf(name.strip()) < 0) {
                    throw new UsageException("--syscalls: \"" + name.strip() + "\" is not a system call of this machine");
                }
                only.add(name.strip());
            }
        }
        Set<TraceOption> options = EnumSet.noneOf(TraceOption.class);
        if (!args.has("signals") || only != null) {
            options.add(TraceOption.SYSCALLS);
        }
        if (args.has("follow")) {
            options.add(TraceOption.FOLLOW_FORKS);
        }
        TraceOption[] chosen = options.toArray(TraceOption[]::new);
        long root;
        Trace trace;
        if (command) {
            trace = Trace.start(args.rest(), chosen);
            root = trace.child().pid();
        } else {
            root = Numbers.parseLong("PID", args.get(0));
            if (root <= 0) {
                throw new UsageException("PID=" + root + " must be positive");
            }
            trace = Trace.attach(root, chosen);
        }
        java.util.concurrent.atomic.AtomicBoolean exiting = new java.util.concurrent.atomic.AtomicBoolean();
        Thread detachOnExit = new Thread(() -> {
            exiting.set(true);
            trace.close();
        }, "ipc-trace-detach");
        Runtime.getRuntime().addShutdownHook(detachOnExit);
        try (trace) {
            Printer printer = new Printer(trace, io, args.has("json"), args.has("follow"), root, only);
            ExitStatus[] rootExit = new ExitStatus[1];
            try {
                // on the tracer thread: no hand-over per event
                trace.drive(e -> {
                    printer.print(e);
                    if (e instanceof TraceeExit exit) {
                        if (exit.pid() == root) {
                            rootExit[0] = exit.status();
                        }
                    } else {
                        trace.resume(e);
                    }
                    return true;
                });
            } catch (IOException | IllegalStateException closed) {
                if (exiting.get()) { // Ctrl-C or SIGTERM: the hook detaches, the tracees run on
                    return Main.OK;
                }
                throw closed;
            }
            ExitStatus status = rootExit[0];
            if (command && status == null) {
                status = trace.child().waitFor();
            }
            return command ? status.shellCode() : Main.OK;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(detachOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs already
            }
        }
    }

    /** A value printed as it is, not quoted: {@code NULL}, {@code 0x7ffd...}, {@code AT_FDCWD}. */
    private record Raw(String text) {
    }

    /** Turns events into lines. */
    private static final class Printer {
        private final Trace trace;
        private final Io io;
        private final boolean json;
        private final boolean follow;
        private final long root;
        private final Set<String> only;
        private final Map<Long, List<Object>> entered = new HashMap<>();

        Printer(Trace trace, Io io, boolean json, boolean follow, long root, Set<String> only) {
            this.trace = trace;
            this.io = io;
            this.json = json;
            this.follow = follow;
            this.root = root;
            this.only = only;
        }

        void print(TraceEvent e) throws IOException {
            switch (e) {
                case SyscallStop s -> syscall(s);
                case SignalStop s -> line(e, "signal", "--- " + s.signal().name() + " ---", Map.of("signal", s.signal().name()));
                case GroupStop s -> line(e, "stopped", "--- stopped by " + s.signal().name() + " ---",
                        Map.of("signal", s.signal().name()));
                case ExecStop s -> {
                    List<Object> call = entered.get(s.pid());
                    if (json || call == null || !call.get(0).equals("execve")) { // else its line says it
                        line(e, "exec", "+++ exec +++", Map.of("former_pid", s.formerPid()));
                    }
                }
                case ForkStop s -> line(e, s.kind().name().toLowerCase(java.util.Locale.ROOT),
                        "+++ " + s.kind().name().toLowerCase(java.util.Locale.ROOT) + ": pid " + s.newPid() + " +++",
                        Map.of("new_pid", s.newPid()));
                case TraceeExit s -> {
                    List<Object> unfinished = entered.remove(s.pid());
                    if (unfinished != null) {
                        finish(s.pid(), unfinished, null);
                    }
                    ExitStatus st = s.status();
                    if (st.killed()) {
                        line(e, "killed", "+++ killed by " + st.signal().name() + (st.coreDumped() ? " (core dumped)" : "")
                                + " +++", Map.of("signal", st.signal().name()));
                    } else {
                        line(e, "exited", "+++ exited with " + st.code() + " +++", Map.of("code", st.code()));
                    }
                }
                default -> {
                    // an interrupt-stop (a wake-up from a group-stop): nothing to show
                }
            }
        }

        private void syscall(SyscallStop s) throws IOException {
            if (only != null && !only.contains(s.name())) {
                return;
            }
            String format = FORMATS.get(s.name());
            if (s.isEntry()) {
                List<Object> call = new ArrayList<>();
                call.add(s.name());
                call.add(arguments(s, format, true, 0));
                entered.put(s.pid(), call);
                if (s.name().equals("exit_group") || s.name().equals("exit")) {
                    finish(s.pid(), entered.remove(s.pid()), null); // no exit stop follows
                }
                return;
            }
            List<Object> call = entered.remove(s.pid());
            if (call == null) {
                return; // entered before the trace began
            }
            if (format != null && format.indexOf('o') >= 0 && !s.isError()) {
                call.set(1, arguments(s, format, false, s.result()));
            }
            finish(s.pid(), call, s);
        }

        @SuppressWarnings("unchecked")
        private void finish(long pid, List<Object> call, SyscallStop exit) {
            String name = (String) call.get(0);
            List<Object> args = (List<Object>) call.get(1);
            String result;
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("name", name);
            fields.put("args", jsonArgs(args));
            if (exit == null) {
                result = "?";
            } else if (exit.isError()) {
                Errno errno = exit.errno();
                String symbol = errno != null ? errno.name() : "errno " + -exit.result();
                result = "-1 " + symbol + (errno != null ? " (" + errno.message() + ")" : "");
                fields.put("result", -1);
                fields.put("errno", symbol);
            } else {
                long r = exit.result();
                result = r > Integer.MAX_VALUE ? "0x" + Long.toHexString(r) : Long.toString(r);
                fields.put("result", r);
            }
            StringBuilder text = new StringBuilder(name).append('(');
            for (int i = 0; i < args.size(); i++) {
                text.append(i > 0 ? ", " : "").append(text(args.get(i)));
            }
            text.append(") = ").append(result);
            emit(pid, "syscall", text.toString(), fields);
        }

        private List<Object> arguments(SyscallStop s, String format, boolean entry, long result) throws IOException {
            long[] a = s.arguments();
            List<Object> out = new ArrayList<>();
            if (format == null) {
                int n = a.length;
                while (n > 0 && a[n - 1] == 0) {
                    n--;
                }
                for (int i = 0; i < n; i++) {
                    out.add(new Raw("0x" + Long.toHexString(a[i])));
                }
                return out;
            }
            for (int i = 0; i < format.length() && i < a.length; i++) {
                long v = a[i];
                out.add(switch (format.charAt(i)) {
                    case 'd' -> (long) (int) v;
                    case 'u' -> v;
                    case 'm' -> new Raw("0" + Long.toOctalString(v));
                    case 'x' -> new Raw("0x" + Long.toHexString(v));
                    case 'f' -> (int) v == AT_FDCWD ? new Raw("AT_FDCWD") : (Object) (long) (int) v;
                    case 'g' -> v > 0 && v < 65 ? new Raw(Signal.of((int) v).name()) : (Object) v;
                    case 's' -> v == 0 ? new Raw("NULL") : cString(s.pid(), v);
                    case 'b' -> v == 0 ? new Raw("NULL") : buffer(s.pid(), v, a[i + 1]);
                    case 'o' -> entry || v == 0 ? pointer(v) : buffer(s.pid(), v, result);
                    case 'S' -> v == 0 ? new Raw("NULL") : strings(s.pid(), v);
                    default -> pointer(v);
                });
            }
            return out;
        }

        private static Raw pointer(long v) {
            return new Raw(v == 0 ? "NULL" : "0x" + Long.toHexString(v));
        }

        private byte[] read(long pid, long address, long length) throws IOException {
            return trace.readMemory(pid, address, (int) Math.min(Math.max(length, 0), MAX_STRING + 1));
        }

        private Object buffer(long pid, long address, long length) throws IOException {
            byte[] b = read(pid, address, length);
            return new Str(b, Math.min(b.length, MAX_STRING), length > MAX_STRING);
        }

        private Object cString(long pid, long address) throws IOException {
            byte[] b = read(pid, address, MAX_STRING + 1);
            int end = 0;
            while (end < b.length && b[end] != 0) {
                end++;
            }
            return new Str(b, Math.min(end, MAX_STRING), end > MAX_STRING);
        }

        private Object strings(long pid, long address) throws IOException {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                byte[] p = trace.readMemory(pid, address + 8L * i, 8);
                if (p.length < 8) {
                    break;
                }
                long ptr = java.nio.ByteBuffer.wrap(p).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
                if (ptr == 0) {
                    return list;
                }
                list.add(cString(pid, ptr));
            }
            list.add(new Raw("..."));
            return list;
        }

        private void line(TraceEvent e, String event, String text, Map<String, Object> more) {
            Map<String, Object> fields = new LinkedHashMap<>(more);
            emit(e.pid(), event, text, fields);
        }

        private void emit(long pid, String event, String text, Map<String, Object> fields) {
            if (json) {
                Map<String, Object> object = new LinkedHashMap<>();
                object.put("pid", pid);
                object.put("event", event);
                object.putAll(fields);
                io.err().print(Json.line(object));
            } else {
                io.err().println(follow && pid != root ? "[pid " + pid + "] " + text : text);
            }
        }

        private static List<Object> jsonArgs(List<Object> args) {
            List<Object> out = new ArrayList<>();
            for (Object a : args) {
                out.add(switch (a) {
                    case Raw r -> r.text();
                    case Str s -> s.value();
                    case List<?> l -> jsonArgs(new ArrayList<>(l));
                    default -> a;
                });
            }
            return out;
        }

        private static String text(Object a) {
            return switch (a) {
                case Raw r -> r.text();
                case Str s -> s.quoted();
                case List<?> l -> {
                    StringBuilder b = new StringBuilder("[");
                    for (int i = 0; i < l.size(); i++) {
                        b.append(i > 0 ? ", " : "").append(text(l.get(i)));
                    }
                    yield b.append(']').toString();
                }
                default -> a.toString();
            };
        }
    }

    /** Bytes of the tracee's memory shown as a C string literal, {@code ...} when cut short. */
    private record Str(byte[] bytes, int length, boolean more) {
        String value() {
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1) + (more ? "..." : "");
        }

        String quoted() {
            StringBuilder b = new StringBuilder("\"");
            for (int i = 0; i < length; i++) {
                int c = bytes[i] & 0xff;
                switch (c) {
                    case '\n' -> b.append("\\n");
                    case '\t' -> b.append("\\t");
                    case '\r' -> b.append("\\r");
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    default -> {
                        if (c >= 0x20 && c < 0x7f) {
                            b.append((char) c);
                        } else {
                            b.append(String.format("\\x%02x", c));
                        }
                    }
                }
            }
            return b.append('"').append(more ? "..." : "").toString();
        }
    }
}
