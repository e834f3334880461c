import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.panamaipc.bench.infra.Affinity;
import org.panamaipc.internal.Sys;

/**
 * The one-CPU gap, Java side (bench/NOTES.md, "The one-CPU gap"): 8-byte FIFO round trips
 * with both ends on CPU 0, as {@code sys.SysFifoRoundTrip}, in variants that isolate what a
 * JVM brings. Run from the repository root with the benchmarks' class path:
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar bench/onecpu/OneCpu.java \
 *     MODE CALL ITERATIONS ITERATION_MS [PEER...]
 * </pre>
 *
 * MODE {@code proc}: this JVM measures against a peer process started with the command PEER
 * (e.g. {@code taskset -c 0 java ... OneCpu.java peer CALL} or {@code bench/target/onecpu peer});
 * {@code thread}: the peer is a second thread of this JVM; {@code peer DOWN UP}: the echoing end.
 * CALL: {@code sys} (the library's {@code Sys.read}/{@code Sys.write}: errno captured, blocking
 * downcalls, as the benchmark), {@code plain} (no errno capture), {@code critical} (no capture,
 * no thread-state transition: {@code Linker.Option.critical}; an experiment only, never for
 * calls that block). The measuring thread pins itself to CPU 0. Prints the suite's
 * {@code RESULT} line, then {@code SWITCHES} (context switches per round trip of this JVM's
 * threads and of the peer's, voluntary / involuntary, over the measured iterations).
 */
public final class OneCpu {
    private static final long BYTES = 8;
    private static MethodHandle read;
    private static MethodHandle write;
    private static String call;

    private OneCpu() {
    }

    public static void main(String[] args) throws Throwable {
        String mode = args[0];
        call = args[1];
        link();
        if (mode.equals("peer")) {
            Affinity.pinCurrentThread(0);
            int in = open(Path.of(args[2]), 2 /* O_RDWR: never waits, never sees EOF */);
            int out = open(Path.of(args[3]), 1 /* O_WRONLY */);
            System.out.println("READY");
            System.out.flush();
            echo(in, out, Arena.global().allocate(BYTES, 8));
            return;
        }
        int iterations = Integer.parseInt(args[2]);
        long iterationNs = Long.parseLong(args[3]) * 1_000_000L;
        Path dir = Files.createTempDirectory("panama-bench-onecpu");
        Path down = dir.resolve("down");
        Path up = dir.resolve("up");
        mkfifo(down);
        mkfifo(up);
        Process peer = null;
        long peerPid = -1;
        try {
            int in = open(up, 04000 /* O_NONBLOCK: never waits for a writer */);
            if (mode.equals("thread")) {
                int peerIn = open(down, 2);
                int peerOut = open(up, 1);
                Thread.ofPlatform().daemon().start(() -> {
                    Affinity.pinCurrentThread(0);
                    echo(peerIn, peerOut, Arena.global().allocate(BYTES, 8));
                });
            } else {
                List<String> cmd = new ArrayList<>(List.of(args).subList(4, args.length));
                cmd.add(down.toString());
                cmd.add(up.toString());
                peer = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                byte[] ready = new byte[6];
                if (peer.getInputStream().readNBytes(ready, 0, 6) != 6) {
                    throw new IOException("peer did not start: " + cmd);
                }
                peerPid = peer.pid();
            }
            int out = open(down, 1);
            Sys.fcntl(in, 4 /* F_SETFL */, 0);
            Affinity.pinCurrentThread(0);
            measure(mode + "." + call, in, out, iterations, iterationNs, peerPid);
        } finally {
            if (peer != null) {
                peer.destroyForcibly();
                peer.waitFor();
            }
            Files.deleteIfExists(down);
            Files.deleteIfExists(up);
            Files.deleteIfExists(dir);
        }
    }

    private static void measure(String label, int in, int out, int iterations, long iterationNs, long peerPid)
            throws Throwable {
        MemorySegment buf = Arena.global().allocate(BYTES, 8);
        // Warm-up: the JIT compiles the loop and the downcall stubs (the benchmark warms up 0.8 s).
        long end = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 64; i++) {
                roundTrip(in, out, buf);
            }
        }
        long thread0 = threadCpuNs();
        long[] threadTimes0 = threadTimes();
        long[] self0 = switches(ProcessHandle.current().pid());
        long[] peer0 = peerPid > 0 ? switches(peerPid) : new long[6];
        Map<String, Long> peerTasks0 = peerPid > 0 ? taskCpu(peerPid) : Map.of();
        long total = 0;
        StringBuilder result = new StringBuilder("RESULT onecpu." + label + " same ns");
        for (int it = 0; it < iterations; it++) {
            long start = System.nanoTime();
            long n = 0;
            long now;
            do {
                for (int i = 0; i < 64; i++) {
                    roundTrip(in, out, buf);
                }
                n += 64;
                now = System.nanoTime();
            } while (now - start < iterationNs);
            total += n;
            result.append(String.format(" %.2f", (double) (now - start) / n));
        }
        long thread1 = threadCpuNs();
        long[] threadTimes1 = threadTimes();
        long[] self1 = switches(ProcessHandle.current().pid());
        Map<String, Long> peerTasks1 = peerPid > 0 ? taskCpu(peerPid) : Map.of();
        long[] peer1 = peerPid > 0 ? switches(peerPid) : new long[6];
        long busiest = 0;
        for (var e : peerTasks1.entrySet()) {
            busiest = Math.max(busiest, e.getValue() - peerTasks0.getOrDefault(e.getKey(), e.getValue()));
        }
        System.out.println(result);
        double n = total;
        System.out.printf("SWITCHES onecpu.%s self %.3f/%.3f peer %.3f/%.3f per round trip "
                        + "cpu_ns self %.0f peer %.0f sum %.0f runq_wait_ns self %.0f peer %.0f "
                        + "measuring_thread_cpu_ns %.0f user_share thread %.2f peer %.2f "
                        + "peer_busiest_thread_cpu_ns %.0f%n", label,
                (self1[0] - self0[0]) / n, (self1[1] - self0[1]) / n,
                (peer1[0] - peer0[0]) / n, (peer1[1] - peer0[1]) / n,
                (self1[2] - self0[2]) / n, (peer1[2] - peer0[2]) / n,
                (self1[2] - self0[2] + peer1[2] - peer0[2]) / n,
                (self1[3] - self0[3]) / n, (peer1[3] - peer0[3]) / n, (thread1 - thread0) / n,
                share(threadTimes0, threadTimes1), share(peer0, peer1), busiest / n);
    }

    /**
     * Of every thread of a process: voluntary and involuntary context switches, time on the CPU
     * and time waiting in the run queue (ns, from {@code /proc/PID/task/TID/schedstat}).
     */
    private static long[] switches(long pid) throws IOException {
        long[] sum = new long[6];
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            sum[0] += Long.parseLong(line.split("\\s+")[1]);
                        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            sum[1] += Long.parseLong(line.split("\\s+")[1]);
                        }
                    }
                    String[] sched = Files.readString(task.resolve("schedstat")).trim().split("\\s+");
                    sum[2] += Long.parseLong(sched[0]);
                    sum[3] += Long.parseLong(sched[1]);
                    addUserSystem(task.resolve("stat"), sum);
                } catch (IOException gone) {
                    // a thread that ended meanwhile
                }
            }
        }
        return sum;
    }

    /** Adds utime and stime (clock ticks) of a {@code /proc/.../stat} file to sum[4] and sum[5]. */
    private static void addUserSystem(Path stat, long[] sum) throws IOException {
        String text = Files.readString(stat);
        String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
        sum[4] += Long.parseLong(f[11]);
        sum[5] += Long.parseLong(f[12]);
    }

    private static double share(long[] a, long[] b) {
        long user = b[4] - a[4];
        long all = user + b[5] - a[5];
        return all > 0 ? (double) user / all : 0;
    }

    /** Time on the CPU (ns) of each thread of a process, by thread id. */
    private static Map<String, Long> taskCpu(long pid) throws IOException {
        Map<String, Long> cpu = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    cpu.put(task.getFileName().toString(),
                            Long.parseLong(Files.readString(task.resolve("schedstat")).split("\\s+")[0]));
                } catch (IOException gone) {
                    // a thread that ended meanwhile
                }
            }
        }
        return cpu;
    }

    private static long[] threadTimes() throws IOException {
        long[] t = new long[6];
        addUserSystem(Path.of("/proc/thread-self/stat"), t);
        return t;
    }

    private static long threadCpuNs() throws IOException {
        return Long.parseLong(Files.readString(Path.of("/proc/thread-self/schedstat")).split("\\s+")[0]);
    }

    private static void echo(int in, int out, MemorySegment buf) {
        try {
            while (true) {
                long got = 0;
                while (got < BYTES) {
                    long r = read(in, got == 0 ? buf : buf.asSlice(got), BYTES - got);
                    if (r <= 0) {
                        return;
                    }
                    got += r;
                }
                if (write(out, buf, BYTES) != BYTES) {
                    return;
                }
            }
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static long roundTrip(int in, int out, MemorySegment buf) throws Throwable {
        buf.set(ValueLayout.JAVA_LONG, 0, buf.get(ValueLayout.JAVA_LONG, 0) + 1);
        if (write(out, buf, BYTES) != BYTES) {
            throw new IllegalStateException("write");
        }
        long got = 0;
        while (got < BYTES) {
            long r = read(in, got == 0 ? buf : buf.asSlice(got), BYTES - got);
            if (r <= 0) {
                throw new IllegalStateException("read: " + r);
            }
            got += r;
        }
        return buf.get(ValueLayout.JAVA_LONG, 0);
    }

    private static void link() {
        Linker linker = Linker.nativeLinker();
        FunctionDescriptor rw = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);
        Linker.Option[] options = call.equals("critical")
                ? new Linker.Option[] {Linker.Option.critical(false)} : new Linker.Option[0];
        read = linker.downcallHandle(linker.defaultLookup().findOrThrow("read"), rw, options);
        write = linker.downcallHandle(linker.defaultLookup().findOrThrow("write"), rw, options);
    }

    private static long read(int fd, MemorySegment buf, long n) throws Throwable {
        return call.equals("sys") ? Sys.read(fd, buf, n) : (long) read.invokeExact(fd, buf, n);
    }

    private static long write(int fd, MemorySegment buf, long n) throws Throwable {
        return call.equals("sys") ? Sys.write(fd, buf, n) : (long) write.invokeExact(fd, buf, n);
    }

    private static void mkfifo(Path path) throws IOException {
        Process p = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).start();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("mkfifo " + path);
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    private static int open(Path path, int flags) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int fd = Sys.open(arena.allocateFrom(path.toString()), flags | 02000000 /* O_CLOEXEC */, 0);
            if (fd < 0) {
                throw new IOException("open " + path + ": errno " + -fd);
            }
            return fd;
        }
    }
}
