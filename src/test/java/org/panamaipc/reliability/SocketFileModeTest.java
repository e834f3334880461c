package org.panamaipc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;

/**
 * Socket files are 0600 by default whatever the umask, and exactly the mode asked for
 * otherwise; a peer running as user nobody (uid 65534) is refused or admitted accordingly.
 * The binding JVMs run under the umask each case needs (a process-wide setting, so not this
 * JVM's).
 */
@IpcTest
class SocketFileModeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String CONNECT_AS_NOBODY = String.join("\n",
            "import errno, socket, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM if sys.argv[2] == 'datagram' else socket.SOCK_STREAM)",
            "try:",
            "    s.connect(sys.argv[1])",
            "    print('connected', flush=True)",
            "except OSError as e:",
            "    print(errno.errorcode[e.errno], flush=True)");

    /** The system's interpreter: one under root's home (pyenv) is out of nobody's reach. */
    private static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

    private Path directory;

    @BeforeEach
    void makeDirectory() throws IOException {
        directory = Files.createTempDirectory("sockmode");
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody may enter
    }

    @AfterEach
    void removeDirectory() throws IOException {
        try (var files = Files.list(directory)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(directory);
    }

    private static void assumeNobodyPeers() {
        assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false)
                && Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(SYSTEM_PYTHON),
                "needs root, setpriv and /usr/bin/python3 to run a peer as user nobody");
    }

    /** Starts {@link SocketFilePeer} under {@code umask}. */
    private static PeerProcess bindUnderUmask(String umask, String... args) {
        StringBuilder script = new StringBuilder("umask " + umask + " && exec");
        for (String word : PeerJvm.builder(SocketFilePeer.class).command(args)) {
            script.append(" '").append(word.replace("'", "'\\''")).append('\'');
        }
        return PeerProcess.start("SocketFilePeer", new ProcessBuilder("bash", "-c", script.toString()));
    }

    /** What a python3 peer running as uid/gid 65534 gets from connect: "connected" or the errno. */
    private static String connectAsNobody(Path path, String kind) {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                SYSTEM_PYTHON.toString(), "-c", CONNECT_AS_NOBODY, path.toString(), kind));
        try (PeerProcess peer = PeerProcess.start("nobody", new ProcessBuilder(command))) {
            String line = peer.readLine(TIMEOUT);
            peer.expectExit(0, TIMEOUT);
            return line;
        }
    }

    @Test
    void theDefaultIs0600EvenUnderUmask000AndNobodyIsRefused() {
        assumeNobodyPeers();
        Path path = directory.resolve("default.sock");
        try (PeerProcess peer = bindUnderUmask("000", path.toString(), "default")) {
            assertThat(peer.readLine(TIMEOUT)).isEqualTo("rw-------");
            assertThat(connectAsNobody(path, "stream")).isEqualTo("EACCES");
        }
        Path datagram = directory.resolve("default.dgram");
        try (PeerProcess peer = bindUnderUmask("000", datagram.toString(), "default", "datagram")) {
            assertThat(peer.readLine(TIMEOUT)).isEqualTo("rw-------");
            assertThat(connectAsNobody(datagram, "datagram")).isEqualTo("EACCES");
        }
    }

    @Test
    void aChosenModeIsExactWhateverTheUmaskAndAdmitsNobody() {
        assumeNobodyPeers();
        Path path = directory.resolve("open.sock");
        try (PeerProcess peer = bindUnderUmask("077", path.toString(), "rw-rw-rw-")) {
            assertThat(peer.readLine(TIMEOUT)).isEqualTo("rw-rw-rw-");
            assertThat(connectAsNobody(path, "stream")).isEqualTo("connected");
        }
        Path narrower = directory.resolve("group.sock");
        try (PeerProcess peer = bindUnderUmask("000", narrower.toString(), "rw-rw----")) {
            assertThat(peer.readLine(TIMEOUT)).isEqualTo("rw-rw----");
            assertThat(connectAsNobody(narrower, "stream")).isEqualTo("EACCES");
        }
    }

    @Test
    void thisJvmsSocketFilesAre0600() throws IOException {
        Path stream = directory.resolve("here.sock");
        Path datagram = directory.resolve("here.dgram");
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, UnixDomainSocketAddress.of(stream));
             UnixSocket socket = UnixSocket.bind(SocketType.DATAGRAM, UnixDomainSocketAddress.of(datagram))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stream))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(datagram))).isEqualTo("rw-------");
        }
    }
}
