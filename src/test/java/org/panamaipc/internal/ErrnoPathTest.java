package org.panamaipc.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.panamaipc.Errno;
import org.panamaipc.ErrnoException;
import org.panamaipc.IpcAccessDeniedException;
import org.panamaipc.IpcException;
import org.panamaipc.IpcFileAlreadyExistsException;
import org.panamaipc.IpcNoSuchFileException;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.mq_attr;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.TestRun;

/**
 * Real calls through the syscall layer fail with the right errno, and the one errno path
 * turns each into the right exception and message.
 */
@IpcTest
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ErrnoPathTest {
    private static final MethodHandle SHM_OPEN = Downcalls.blocking(LibC.shm_open$address(), LibC.shm_open$descriptor());
    private static final MethodHandle SHM_UNLINK = Downcalls.blocking(LibC.shm_unlink$address(), LibC.shm_unlink$descriptor());
    private static final MethodHandle MQ_OPEN = Downcalls.variadic(LibC.mq_open.address(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), 2);
    private static final MethodHandle MQ_CLOSE = Downcalls.blocking(LibC.mq_close$address(), LibC.mq_close$descriptor());
    private static final MethodHandle MQ_UNLINK = Downcalls.blocking(LibC.mq_unlink$address(), LibC.mq_unlink$descriptor());
    private static final MethodHandle GETEUID = Downcalls.plain(LibC.geteuid$address(), LibC.geteuid$descriptor(), true);

    private final String name = TestRun.uniqueName("errno");
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void removeObjects() throws Throwable {
        MemorySegment n = arena.allocateFrom(name);
        int ignoredShm = (int) SHM_UNLINK.invokeExact(CallState.get(), n);
        int ignoredMq = (int) MQ_UNLINK.invokeExact(CallState.get(), n);
        arena.close();
    }

    @Test
    void openingAMissingSharedMemoryObjectIsNoSuchFile() throws Throwable {
        int errno = -shmOpen(LibC.O_RDWR(), 0);

        IOException e = Errors.named("shm_open", name, Errors.quote(name) + ", O_RDWR", errno);

        assertThat(e).isInstanceOf(IpcNoSuchFileException.class)
                .isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessage("shm_open(\"" + name + "\", O_RDWR): ENOENT (No such file or directory)");
        assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.ENOENT);
        assertThat(((ErrnoException) e).call()).isEqualTo("shm_open");
        assertThat(((java.nio.file.NoSuchFileException) e).getFile()).isEqualTo(name);
    }

    @Test
    void openingAMissingMessageQueueIsNoSuchFile() throws Throwable {
        int errno = -mqOpen(LibC.O_RDWR(), 0, MemorySegment.NULL);

        IOException e = Errors.named("mq_open", name, Errors.quote(name) + ", O_RDWR", errno);

        assertThat(e).isInstanceOf(IpcNoSuchFileException.class)
                .hasMessage("mq_open(\"" + name + "\", O_RDWR): ENOENT (No such file or directory)");
    }

    @Test
    void creatingExclusivelyTwiceIsFileAlreadyExists() throws Throwable {
        int flags = LibC.O_RDWR() | LibC.O_CREAT() | LibC.O_EXCL() | LibC.O_CLOEXEC();
        int fd = shmOpen(flags, 0600);
        assertThat(fd).isNotNegative();
        Sys.close(fd);

        int errno = -shmOpen(flags, 0600);

        assertThat(Errno.of(errno)).isEqualTo(Errno.EEXIST);
        assertThat(Errors.named("shm_open", name, Errors.quote(name), errno))
                .isInstanceOf(IpcFileAlreadyExistsException.class)
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class)
                .hasMessageEndingWith("EEXIST (File exists)");
    }

    @Test
    void invalidQueueAttributesAreEinval() throws Throwable {
        MemorySegment attr = mq_attr.allocate(arena);
        mq_attr.mq_maxmsg(attr, 0);
        mq_attr.mq_msgsize(attr, 64);

        int errno = -mqOpen(LibC.O_RDWR() | LibC.O_CREAT() | LibC.O_EXCL(), 0600, attr);

        assertThat(Errno.of(errno)).isEqualTo(Errno.EINVAL);
        IOException e = Errors.named("mq_open", name, Errors.quote(name) + ", mq_maxmsg=0", errno);
        assertThat(e).isExactlyInstanceOf(IpcException.class)
                .hasMessage("mq_open(\"" + name + "\", mq_maxmsg=0): EINVAL (Invalid argument)");
    }

    @Test
    void readingAnEmptyNonBlockingPipeIsEagain() {
        MemorySegment fds = arena.allocate(JAVA_INT, 2);
        assertThat(Sys.pipe2(fds, LibC.O_NONBLOCK() | LibC.O_CLOEXEC())).isZero();
        try {
            long r = Sys.read(fds.getAtIndex(JAVA_INT, 0), arena.allocate(16), 16);
            assertThat(r).isEqualTo(-Errno.EAGAIN.number());
            assertThat(Errno.of((int) -r).name()).isEqualTo("EAGAIN");
        } finally {
            Sys.close(fds.getAtIndex(JAVA_INT, 0));
            Sys.close(fds.getAtIndex(JAVA_INT, 1));
        }
    }

    @Test
    void anotherUserIsDeniedAnObjectCreatedWithTheDefaultMode() throws Throwable {
        boolean root = geteuid() == 0;
        // Root passes every permission check, so it asks an unprivileged peer to open the
        // objects; any other user is refused its own objects once their mode grants nothing.
        int mode = root ? 0600 : 0;
        int create = LibC.O_RDWR() | LibC.O_CREAT() | LibC.O_EXCL() | LibC.O_CLOEXEC();
        int fd = shmOpen(create, mode);
        assertThat(fd).isNotNegative();
        Sys.close(fd);
        int q = mqOpen(create, mode, MemorySegment.NULL);
        assertThat(q).isNotNegative();
        int ignored = (int) MQ_CLOSE.invokeExact(CallState.get(), q);

        if (root) {
            assertThat(openAsNobody(name)).containsExactly("shm_open EACCES", "mq_open EACCES");
        } else {
            int errno = -shmOpen(LibC.O_RDWR(), 0);
            assertThat(Errno.of(errno)).isEqualTo(Errno.EACCES);
            assertThat(Errors.named("shm_open", name, Errors.quote(name) + ", O_RDWR", errno))
                    .isInstanceOf(IpcAccessDeniedException.class)
                    .isInstanceOf(java.nio.file.AccessDeniedException.class)
                    .hasMessageEndingWith("EACCES (Permission denied)");
        }
    }

    private static List<String> openAsNobody(String name) throws IOException, InterruptedException {
        Path script = Path.of("src/test/resources/peers/open_as_nobody.py");
        Process p = new ProcessBuilder("python3", script.toString(), name).redirectErrorStream(true).start();
        try {
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("python3 peer finished").isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isZero();
            return out.lines().toList();
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    private int shmOpen(int flags, int mode) throws Throwable {
        MemorySegment st = CallState.get();
        int r = (int) SHM_OPEN.invokeExact(st, arena.allocateFrom(name), flags, mode);
        return r >= 0 ? r : -CallState.errno(st);
    }

    private int mqOpen(int flags, int mode, MemorySegment attr) throws Throwable {
        MemorySegment st = CallState.get();
        int r = (int) MQ_OPEN.invokeExact(st, arena.allocateFrom(name), flags, mode, attr);
        return r >= 0 ? r : -CallState.errno(st);
    }

    private static int geteuid() throws Throwable {
        return (int) GETEUID.invokeExact();
    }
}
