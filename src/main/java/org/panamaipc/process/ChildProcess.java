package org.panamaipc.process;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.panamaipc.Interest;
import org.panamaipc.OwnedFd;
import org.panamaipc.Waitable;
import org.panamaipc.bindings.LibC;
import org.panamaipc.pipe.PipeEnd;
import org.panamaipc.bindings.posix_spawn_file_actions_t;
import org.panamaipc.bindings.posix_spawnattr_t;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.FdUse;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.ProcessCalls;
import org.panamaipc.internal.SigSet;
import org.panamaipc.internal.Sys;
import org.panamaipc.process.ExitStatus;
import org.panamaipc.process.PidFd;
import org.panamaipc.signal.Signal;

/**
 * A child process started with {@code posix_spawn}, with the descriptors you choose at the
 * numbers you choose: what {@link ProcessBuilder} cannot do (it gives a child only
 * stdin, stdout and stderr).
 *
 * <p>In the child, descriptors 0, 1 and 2 are this process's unless the builder maps,
 * opens or closes them; each mapped descriptor appears at its chosen number; every other
 * descriptor is closed. Signal dispositions the child would inherit as ignored are reset to
 * default, and its signal mask is empty unless {@link Builder#blockSignals} says otherwise.
 *
 * <pre>{@code
 * try (Pipe requests = Pipe.open(); Pipe answers = Pipe.open();
 *      ChildProcess child = ChildProcess.builder("python3", "worker.py")
 *              .mapFd(3, requests.source())
 *              .mapFd(4, answers.sink())
 *              .start()) {
 *     requests.source().close();                 // the child has its own copies now
 *     answers.sink().close();
 *     ...
 *     ExitStatus status = child.waitFor(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p><b>State changes.</b> {@link #tryNextChange()}, {@link #nextChange(Duration)} and
 * {@link #nextChange()} report the child stopped, continued, exited or killed, one
 * {@link StateChange} at a time; {@link #stop()} and {@link #resume()} stop and continue it.
 * An exit taken there is the status {@link #waitFor()} returns. When this process traces the
 * child, its tracer takes the stops: see {@link PidFd}, <i>A traced child</i>.
 *
 * <p><b>Lifetime.</b> The child holds a {@link PidFd}, so waiting and signalling are free of
 * pid reuse. {@link #close()} does not stop the child: it reaps it if it has exited, and
 * otherwise leaves a daemon thread to reap it when it does, so no zombie is left behind.
 * A thread blocked in {@link #waitFor()} when another thread closes this object throws
 * {@link AsynchronousCloseException}; waiting after close throws
 * {@link IllegalStateException} unless the status was collected before.
 *
 * <p><b>Interrupt.</b> Interrupting a thread blocked in {@link #waitFor()} ends the wait
 * with {@link InterruptedIOException}, the interrupt status still set; the child is not
 * reaped by that call, so it can be waited for again.
 *
 * @see <a href="https://man7.org/linux/man-pages/man3/posix_spawn.3.html">posix_spawn(3)</a>
 */
public final class ChildProcess implements AutoCloseable, Waitable {
    private static final Set<Interest> OFFERS = Collections.unmodifiableSet(EnumSet.of(Interest.EXITED));

    private final long pid;
    private final PidFd pidFd;
    private final String program;
    private volatile ExitStatus status;

    private ChildProcess(long pid, PidFd pidFd, String program) {
        this.pid = pid;
        this.pidFd = pidFd;
        this.program = program;
    }

    /**
     * Starts building a child process.
     *
     * @param command the program (searched in this process's {@code PATH} when it has no
     *        slash, as {@code posix_spawnp} does) and its arguments
     * @return a builder
     * @throws NullPointerException if {@code command} or one of its elements is null (the
     *         message names which, e.g. {@code command[1]})
     * @throws IllegalArgumentException if the command is empty
     */
    public static Builder builder(String... command) {
        NativeAccess.require();
        return builder(Arrays.asList(Check.notNull("command", command)));
    }

    /**
     * Starts building a child process.
     *
     * @param command the program (searched in {@code PATH} when it has no slash) and its arguments
     * @return a builder
     * @throws NullPointerException if {@code command} or one of its elements is null (the
     *         message names which, e.g. {@code command[1]})
     * @throws IllegalArgumentException if the command is empty
     */
    public static Builder builder(List<String> command) {
        NativeAccess.require();
        Check.notNull("command", command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must name a program");
        }
        List<String> copy = new ArrayList<>(command.size());
        for (int i = 0; i < command.size(); i++) {
            copy.add(Check.notNull("command[" + i + "]", command.get(i)));
        }
        return new Builder(List.copyOf(copy));
    }

    /** {@return the child's process id} */
    public long pid() {
        return pid;
    }

    /** {@return the child's pidfd, owned by this object} */
    public PidFd pidFd() {
        return pidFd;
    }

    /**
     * The descriptor of the child's pidfd, owned by this object: readable ({@code POLLIN})
     * once the child has exited.
     *
     * @return the owned descriptor
     */
    @Override
    public OwnedFd fd() {
        return pidFd.fd();
    }

    /**
     * {@return whether the child still runs}
     *
     * @throws IOException if the call fails
     */
    public boolean isAlive() throws IOException {
        return status == null && pidFd.isAlive();
    }

    /**
     * Waits for the child to exit and returns how it ended.
     *
     * @return the exit status
     * @throws AsynchronousCloseException if another thread closed this object during the wait
     * @throws InterruptedIOException if the thread was interrupted during the wait (the child
     *         is not reaped; the interrupt status stays set)
     * @throws IllegalStateException if this object is closed and the status was not collected
     * @throws IOException if the call fails
     * @see <a href="https://man7.org/linux/man-pages/man2/waitid.2.html">waitid(2)</a>
     */
    public ExitStatus waitFor() throws IOException {
        ExitStatus s = status;
        if (s != null) {
            return s;
        }
        // The wait holds no lock, so that close() from another thread can release it.
        pidFd.awaitExit();
        return reap();
    }

    /**
     * Waits at most {@code timeout} for the child to exit.
     *
     * @param timeout the longest wait; zero looks without waiting
     * @return the exit status, or {@code null} on timeout
     * @throws AsynchronousCloseException if another thread closed this object during the wait
     * @throws InterruptedIOException if the thread was interrupted during the wait (the child
     *         is not reaped; the interrupt status stays set)
     * @throws IllegalStateException if this object is closed and the status was not collected
     * @throws IOException if the call fails
     * @see <a href="https://man7.org/linux/man-pages/man2/waitid.2.html">waitid(2)</a>
     */
    public ExitStatus waitFor(Duration timeout) throws IOException {
        Check.timeout(timeout);
        ExitStatus s = status;
        if (s != null) {
            return s;
        }
        if (!pidFd.awaitExit(timeout)) {
            return null;
        }
        return reap();
    }

    /** Collects the status once the child has exited; whichever thread comes first reaps. */
    private synchronized ExitStatus reap() throws IOException {
        if (status == null) {
            status = pidFd.tryReap();
        }
        return status;
    }

    /**
     * Takes the child's next state change without waiting; see {@link PidFd#tryNextChange()}.
     *
     * @return the change, or {@code null} if none is waiting or the child's end was taken already
     * @throws IllegalStateException if this object is closed, or a tracer of this library owns
     *         the child's waits
     * @throws IOException if the call fails
     * @see <a href="https://man7.org/linux/man-pages/man2/waitid.2.html">waitid(2)</a>
     */
    public StateChange tryNextChange() throws IOException {
        return record(pidFd.tryNextChange());
    }

    /**
     * Waits at most {@code timeout} for the child's next state change and takes it; see
     * {@link PidFd#nextChange(Duration)}.
     *
     * @param timeout the longest wait; zero looks without waiting
     * @return the change, or {@code null} on timeout
     * @throws IllegalStateException if this object is closed, the child's end was taken
     *         already, or a tracer of this library owns the child's waits
     * @throws AsynchronousCloseException if another thread closed this object during the wait
     * @throws InterruptedIOException if the thread was interrupted during the wait (nothing is
     *         taken; the interrupt status stays set)
     * @throws IOException if the call fails
     * @see <a href="https://man7.org/linux/man-pages/man2/waitid.2.html">waitid(2)</a>
     */
    public StateChange nextChange(Duration timeout) throws IOException {
        return record(pidFd.nextChange(timeout));
    }

    /**
     * Waits for the child's next state change and takes it; see {@link PidFd#nextChange()}.
     *
     * @return the change
     * @throws IllegalStateException if this object is closed, the child's end was taken
     *         already, or a tracer of this library owns the child's waits
     * @throws AsynchronousCloseException if another thread closed this object during the wait
     * @throws InterruptedIOException if the thread was interrupted during the wait (nothing is
     *         taken; the interrupt status stays set)
     * @throws IOException if the call fails
     * @see <a href="https://man7.org/linux/man-pages/man2/waitid.2.html">waitid(2)</a>
     */
    public StateChange nextChange() throws IOException {
        return record(pidFd.nextChange());
    }

    private StateChange record(StateChange c) {
        if (c != null && c.isTerminal()) {
            synchronized (this) {
                status = c.exitStatus();
            }
        }
        return c;
    }

    /**
     * Stops the child ({@code SIGSTOP}); {@link #nextChange()} then reports it stopped.
     *
     * @throws IllegalStateException if this object is closed
     * @throws IOException ESRCH when the child has been reaped, or another failure
     * @see <a href="https://man7.org/linux/man-pages/man2/pidfd_send_signal.2.html">pidfd_send_signal(2)</a>
     */
    public void stop() throws IOException {
        pidFd.stop();
    }

    /**
     * Continues the child after a stop ({@code SIGCONT}); {@link #nextChange()} then reports
     * it continued.
     *
     * @throws IllegalStateException if this object is closed
     * @throws IOException ESRCH when the child has been reaped, or another failure
     * @see <a href="https://man7.org/linux/man-pages/man2/pidfd_send_signal.2.html">pidfd_send_signal(2)</a>
     */
    public void resume() throws IOException {
        pidFd.resume();
    }

    /**
     * Sends a signal to the child through its pidfd.
     *
     * @param signal the signal
     * @throws IOException ESRCH when the child has already been reaped, or another failure
     */
    public void sendSignal(Signal signal) throws IOException {
        pidFd.sendSignal(signal);
    }

    /**
     * Kills the child ({@code SIGKILL}); does nothing once it has been reaped.
     *
     * @throws IOException if the call fails
     */
    public void kill() throws IOException {
        if (status == null) {
            pidFd.sendSignal(Signal.SIGKILL);
        }
    }

    /**
     * Releases the pidfd; reaps the child now if it has exited, or later on a daemon thread
     * (through a copy of the pidfd) when it exits. Does not stop it. Threads blocked in
     * {@link #waitFor()} are released with {@link AsynchronousCloseException}.
     */
    @Override
    public synchronized void close() {
        if (!pidFd.fd().isOpen()) {
            return;
        }
        PidFd reaper = null;
        try {
            if (status == null) {
                status = pidFd.tryReap();
            }
            if (status == null) {
                reaper = pidFd.dup();
            }
        } catch (IOException | IllegalStateException e) {
            // not ours to reap, or out of descriptors: nothing more can be done for it
        } finally {
            pidFd.close(); // releases the threads blocked in waitFor
        }
        if (reaper != null) {
            PidFd copy = reaper;
            Thread.ofPlatform().daemon().name("panama-ipc reaper pid=" + pid).start(() -> {
                try (copy) {
                    copy.awaitExit();
                    copy.tryReap();
                } catch (IOException | IllegalStateException ignored) {
                    // nothing left to do for a child nobody waits for
                }
            });
        }
    }

    /**
     * {@return what a {@link org.panamaipc.WaitSet} can wait for on this child:
     *     {@link Interest#EXITED} (then {@link #waitFor()} returns at once)}
     */
    @Override
    public Set<Interest> interests() {
        return OFFERS;
    }

    @Override
    public String toString() {
        return "ChildProcess[pid=" + pid + ", " + program + (status == null ? "]" : ", " + status + "]");
    }

    /**
     * Says how to start a child: descriptors, directory, environment, signal mask. Not
     * thread-safe; {@link #start()} may be called more than once.
     */
    public static final class Builder {
        private final List<String> command;
        private final TreeMap<Integer, Action> actions = new TreeMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>(System.getenv());
        private final List<Signal> blocked = new ArrayList<>();
        private Path directory;
        private boolean newProcessGroup;

        private Builder(List<String> command) {
            for (String arg : command) {
                if (arg.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("command argument \"" + arg.replace('\0', '?') + "\" contains NUL");
                }
            }
            this.command = command;
        }

        private sealed interface Action permits Dup, Open, Close {
        }

        private record Dup(OwnedFd fd) implements Action {
        }

        private record Open(Path path, int flags, String names) implements Action {
        }

        private record Close() implements Action {
        }

        private Builder put(int childFd, Action action) {
            Check.notNegative("childFd", childFd);
            if (actions.containsKey(childFd)) {
                throw new IllegalArgumentException("childFd=" + childFd + " is already mapped");
            }
            actions.put(childFd, action);
            return this;
        }

        /**
         * Gives the child a descriptor at number {@code childFd} ({@code dup2}). The child
         * gets its own copy: close yours once the child has started, so that end of file and
         * broken pipe are seen when the child is done with it.
         *
         * @param childFd the number in the child, e.g. 0 for its stdin or 3
         * @param fd the descriptor in this process
         * @return this builder
         * @throws IllegalArgumentException if {@code childFd} is negative or already mapped
         * @throws IllegalStateException if {@code fd} is closed
         */
        public Builder mapFd(int childFd, OwnedFd fd) {
            if (!Check.notNull("fd", fd).isOpen()) {
                throw new IllegalStateException("fd=" + fd + " is closed: map an open descriptor");
            }
            return put(childFd, new Dup(fd));
        }

        /**
         * Gives the child one end of a pipe or FIFO at number {@code childFd}.
         *
         * @param childFd the number in the child
         * @param end the end
         * @return this builder
         * @throws IllegalArgumentException if {@code childFd} is negative or already mapped
         * @throws IllegalStateException if the end is closed
         */
        public Builder mapFd(int childFd, PipeEnd end) {
            return mapFd(childFd, Check.notNull("end", end).fd());
        }

        /**
         * Opens a file in the child at number {@code childFd} ({@code posix_spawn}'s open
         * action), e.g. {@code /dev/null} for its stdin. New files get mode 0600.
         *
         * @param childFd the number in the child
         * @param path the file
         * @param options {@link StandardOpenOption#READ}, {@code WRITE}, {@code APPEND},
         *        {@code CREATE}, {@code CREATE_NEW}, {@code TRUNCATE_EXISTING}; none means READ
         * @return this builder
         * @throws IllegalArgumentException if {@code childFd} is negative or already mapped,
         *         or an option is not one of these
         */
        public Builder openFd(int childFd, Path path, OpenOption... options) {
            Check.notNull("path", path);
            Check.notNull("options", options);
            Set<OpenOption> set = Set.of(options);
            boolean read = set.contains(StandardOpenOption.READ);
            boolean write = set.contains(StandardOpenOption.WRITE) || set.contains(StandardOpenOption.APPEND);
            int flags = write ? (read ? LibC.O_RDWR() : LibC.O_WRONLY()) : LibC.O_RDONLY();
            StringBuilder names = new StringBuilder(write ? (read ? "O_RDWR" : "O_WRONLY") : "O_RDONLY");
            for (OpenOption o : set) {
                if (o == StandardOpenOption.APPEND) {
                    flags |= LibC.O_APPEND();
                    names.append("|O_APPEND");
                } else if (o == StandardOpenOption.CREATE) {
                    flags |= LibC.O_CREAT();
                    names.append("|O_CREAT");
                } else if (o == StandardOpenOption.CREATE_NEW) {
                    flags |= LibC.O_CREAT() | LibC.O_EXCL();
                    names.append("|O_CREAT|O_EXCL");
                } else if (o == StandardOpenOption.TRUNCATE_EXISTING) {
                    flags |= LibC.O_TRUNC();
                    names.append("|O_TRUNC");
                } else if (o != StandardOpenOption.READ && o != StandardOpenOption.WRITE) {
                    throw new IllegalArgumentException("option=" + o + " is not supported for a child's descriptor");
                }
            }
            return put(childFd, new Open(path, flags, names.toString()));
        }

        /**
         * Closes number {@code childFd} in the child, e.g. 0 to start it without stdin.
         *
         * @param childFd the number in the child
         * @return this builder
         * @throws IllegalArgumentException if {@code childFd} is negative or already mapped
         */
        public Builder closeFd(int childFd) {
            return put(childFd, new Close());
        }

        /**
         * Sets the child's working directory ({@code posix_spawn_file_actions_addchdir_np}).
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder directory(Path directory) {
            this.directory = Check.notNull("directory", directory);
            return this;
        }

        /**
         * Replaces the child's whole environment (by default this process's).
         *
         * @param variables the variables
         * @return this builder
         */
        public Builder environment(Map<String, String> variables) {
            Check.notNull("variables", variables);
            environment.clear();
            variables.forEach(this::environment);
            return this;
        }

        /**
         * Sets one environment variable of the child.
         *
         * @param name the name, without {@code '='}
         * @param value the value; {@code null} removes the variable
         * @return this builder
         */
        public Builder environment(String name, String value) {
            Check.notNull("name", name);
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("name=\"" + name + "\" is not an environment variable name");
            }
            if (value == null) {
                environment.remove(name);
            } else {
                if (value.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("value of " + name + " contains NUL");
                }
                environment.put(name, value);
            }
            return this;
        }

        /**
         * Makes the child the leader of a new process group ({@code POSIX_SPAWN_SETPGROUP}
         * with group 0), whose id is its pid: {@link org.panamaipc.signal.Signals#killProcessGroup}
         * then reaches it and everything it starts.
         *
         * @return this builder
         */
        public Builder newProcessGroup() {
            this.newProcessGroup = true;
            return this;
        }

        /**
         * Starts the child with these signals blocked ({@code posix_spawnattr_setsigmask}).
         * A JVM started this way keeps them blocked in every thread, which lets it receive
         * them with their sender and value ({@link org.panamaipc.signal.Signals#handle}).
         *
         * @param signals the signals
         * @return this builder
         */
        public Builder blockSignals(Signal... signals) {
            Check.notNull("signals", signals);
            for (Signal s : signals) {
                blocked.add(Check.notNull("signal", s));
            }
            return this;
        }

        /**
         * Starts the child.
         *
         * @return the running child
         * @throws java.nio.file.NoSuchFileException if the program does not exist (ENOENT, naming it)
         * @throws java.nio.file.AccessDeniedException if it is not executable (EACCES)
         * @throws IllegalStateException if a mapped descriptor is closed
         * @throws IOException if a file action fails in the child (e.g. an open) or the call
         *         fails otherwise
         */
        public ChildProcess start() throws IOException {
            String program = command.get(0);
            int highest = actions.isEmpty() ? 2 : Math.max(2, actions.lastKey());
            int base = highest + 1;
            List<OwnedFd> acquired = new ArrayList<>();
            List<Integer> temporaries = new ArrayList<>();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment fileActions = arena.allocate(posix_spawn_file_actions_t.layout());
                MemorySegment attr = arena.allocate(posix_spawnattr_t.layout());
                check("posix_spawn_file_actions_init", ProcessCalls.fileActionsInit(fileActions));
                try {
                    check("posix_spawnattr_init", ProcessCalls.attrInit(attr));
                    try {
                        for (Map.Entry<Integer, Action> e : actions.entrySet()) {
                            int target = e.getKey();
                            switch (e.getValue()) {
                                case Dup dup -> {
                                    int source = FdUse.enter(dup.fd());
                                    acquired.add(dup.fd());
                                    // a copy above every target, so that no dup2 overwrites a later source
                                    int temp = Sys.fcntl(source, LibC.F_DUPFD_CLOEXEC(), base);
                                    if (temp < 0) {
                                        throw Errors.of("fcntl", "fd=" + source + ", F_DUPFD_CLOEXEC, " + base, -temp);
                                    }
                                    temporaries.add(temp);
                                    check("posix_spawn_file_actions_adddup2", ProcessCalls.addDup2(fileActions, temp, target));
                                }
                                case Open open -> check("posix_spawn_file_actions_addopen", ProcessCalls.addOpen(
                                        fileActions, target, arena.allocateFrom(open.path().toString()), open.flags(), 0600));
                                case Close close -> check("posix_spawn_file_actions_addclose",
                                        ProcessCalls.addClose(fileActions, target));
                            }
                        }
                        for (int n = 3; n < base; n++) {
                            if (!actions.containsKey(n)) {
                                check("posix_spawn_file_actions_addclose", ProcessCalls.addClose(fileActions, n));
                            }
                        }
                        check("posix_spawn_file_actions_addclosefrom_np", ProcessCalls.addCloseFrom(fileActions, base));
                        if (directory != null) {
                            check("posix_spawn_file_actions_addchdir_np",
                                    ProcessCalls.addChdir(fileActions, arena.allocateFrom(directory.toString())));
                        }
                        MemorySegment mask = SigSet.allocate(arena);
                        for (Signal s : blocked) {
                            SigSet.add(mask, s.number());
                        }
                        MemorySegment defaults = SigSet.allocate(arena);
                        for (int sig = 1; sig < 32; sig++) {
                            if (sig != LibC.SIGKILL() && sig != LibC.SIGSTOP()) {
                                SigSet.add(defaults, sig);
                            }
                        }
                        check("posix_spawnattr_setsigmask", ProcessCalls.attrSetSigmask(attr, mask));
                        check("posix_spawnattr_setsigdefault", ProcessCalls.attrSetSigdefault(attr, defaults));
                        int spawnFlags = LibC.POSIX_SPAWN_SETSIGMASK() | LibC.POSIX_SPAWN_SETSIGDEF();
                        if (newProcessGroup) {
                            check("posix_spawnattr_setpgroup", ProcessCalls.attrSetPgroup(attr, 0));
                            spawnFlags |= LibC.POSIX_SPAWN_SETPGROUP();
                        }
                        check("posix_spawnattr_setflags", ProcessCalls.attrSetFlags(attr, (short) spawnFlags));

                        MemorySegment argv = strings(arena, command);
                        List<String> env = new ArrayList<>(environment.size());
                        environment.forEach((k, v) -> env.add(k + "=" + v));
                        MemorySegment envp = strings(arena, env);
                        MemorySegment pid = arena.allocate(ValueLayout.JAVA_INT);
                        int r = ProcessCalls.spawn(pid, arena.allocateFrom(program), program.indexOf('/') < 0,
                                fileActions, attr, argv, envp);
                        if (r < 0) {
                            throw Errors.named(program.indexOf('/') < 0 ? "posix_spawnp" : "posix_spawn", program,
                                    Errors.quote(program) + describeActions(), -r);
                        }
                        int childPid = pid.get(ValueLayout.JAVA_INT, 0);
                        return new ChildProcess(childPid, openPidFd(childPid), program);
                    } finally {
                        ProcessCalls.attrDestroy(attr);
                    }
                } finally {
                    ProcessCalls.fileActionsDestroy(fileActions);
                }
            } finally {
                for (int temp : temporaries) {
                    Sys.close(temp);
                }
                for (OwnedFd fd : acquired) {
                    FdUse.exit(fd);
                }
            }
        }

        /**
         * Opens the new child's pidfd; if that fails (EMFILE), kills and reaps the child
         * before throwing, so that no process is left running with no handle to wait for it.
         * Until it is reaped the pid cannot be reused, so the kill reaches the child.
         */
        private static PidFd openPidFd(int childPid) throws IOException {
            try {
                return PidFd.open(childPid);
            } catch (IOException | RuntimeException e) {
                ProcessCalls.killAndReap(childPid);
                throw e;
            }
        }

        private String describeActions() {
            if (actions.isEmpty() && directory == null) {
                return "";
            }
            StringBuilder b = new StringBuilder();
            actions.forEach((target, action) -> {
                b.append(", ");
                switch (action) {
                    case Dup dup -> b.append("dup2(").append(dup.fd()).append(", ").append(target).append(')');
                    case Open open -> b.append("open(").append(target).append(", ")
                            .append(Errors.quote(open.path().toString())).append(", ").append(open.names()).append(')');
                    case Close close -> b.append("close(").append(target).append(')');
                }
            });
            if (directory != null) {
                b.append(", chdir(").append(Errors.quote(directory.toString())).append(')');
            }
            return b.toString();
        }

        private static void check(String call, int r) throws IOException {
            if (r < 0) {
                throw Errors.of(call, "", -r);
            }
        }

        private static MemorySegment strings(Arena arena, List<String> values) {
            MemorySegment array = arena.allocate(ValueLayout.ADDRESS, values.size() + 1L);
            for (int i = 0; i < values.size(); i++) {
                array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(values.get(i)));
            }
            array.setAtIndex(ValueLayout.ADDRESS, values.size(), MemorySegment.NULL);
            return array;
        }
    }

}
