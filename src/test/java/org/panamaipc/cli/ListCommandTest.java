package org.panamaipc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.TestRun;

/** {@code ipc ls} and {@code ipc rm} against objects made by util-linux ipcmk and by python3. */
@IpcTest
class ListCommandTest {
    private static final Pattern ID = Pattern.compile("id: (\\d+)");

    private static int ipcmk(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "ipcmk";
        System.arraycopy(args, 0, command, 1, args.length);
        Matcher m = ID.matcher(Cli.tool(command));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void listsSystemVObjectsMadeByIpcmkAndRemovesThem() throws Exception {
        int shm = ipcmk("-M", "8192", "-p", "0640");
        int sem = ipcmk("-S", "3");
        int msg = ipcmk("-Q");
        try {
            Cli.Result json = Cli.run("ls", "--json");
            assertThat(json.code()).isZero();
            assertThat(json.out()).containsPattern("\"kind\": \"sysv-shm\",\\s+\"key\": \"0x[0-9a-f]{8}\",\\s+\"id\": " + shm
                    + ",\\s+\"owner\": \"[^\"]+\",\\s+\"uid\": \\d+,\\s+\"mode\": \"0640\",\\s+\"bytes\": 8192,\\s+\"attached\": 0");
            assertThat(json.out()).containsPattern("\"kind\": \"sysv-sem\",[^}]*\"id\": " + sem + ",[^}]*\"nsems\": 3");
            assertThat(json.out()).containsPattern("\"kind\": \"sysv-msg\",[^}]*\"id\": " + msg + ",[^}]*\"messages\": 0");
            Cli.Result table = Cli.run("ls");
            assertThat(table.out()).startsWith("KIND").containsPattern("sysv-shm\\s+0x[0-9a-f]{8}\\s+" + shm + "\\s");
            assertThat(Cli.run("rm", "sysv-shm", Integer.toString(shm)).code()).isZero();
            assertThat(Cli.run("rm", "sysv-msg", Integer.toString(msg)).code()).isZero();
            assertThat(Cli.run("rm", "sysv-sem", Integer.toString(sem)).code()).isZero();
            // Per kind: each kind numbers its objects apart, and on a busy machine another
            // program's object of another kind may have the same id meanwhile.
            assertThat(Cli.run("ls", "--json").out())
                    .doesNotContainPattern("\"kind\": \"sysv-shm\",[^}]*\"id\": " + shm + ",")
                    .doesNotContainPattern("\"kind\": \"sysv-msg\",[^}]*\"id\": " + msg + ",")
                    .doesNotContainPattern("\"kind\": \"sysv-sem\",[^}]*\"id\": " + sem + ",");
            assertThat(Cli.run("rm", "sysv-msg", Integer.toString(msg)).code()).isEqualTo(1);
        } finally {
            new ProcessBuilder("ipcrm", "-m", Integer.toString(shm)).start().waitFor();
            new ProcessBuilder("ipcrm", "-s", Integer.toString(sem)).start().waitFor();
            new ProcessBuilder("ipcrm", "-q", Integer.toString(msg)).start().waitFor();
        }
    }

    @Test
    void listsPosixSharedMemoryAndSemaphoresMadeByPython() throws Exception {
        String name = TestRun.uniqueName("ipc-ls-test").substring(1);
        Cli.tool("python3", "-c", """
                import _posixshmem, os, ctypes, sys
                fd = _posixshmem.shm_open("/" + sys.argv[1], os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
                os.ftruncate(fd, 12345)
                os.close(fd)
                libc = ctypes.CDLL(None, use_errno=True)
                libc.sem_open.restype = ctypes.c_void_p
                sem = libc.sem_open(("/" + sys.argv[1]).encode(), os.O_CREAT | os.O_EXCL, 0o600, 2)
                if sem in (None, 0, ctypes.c_void_p(-1).value):
                    sys.exit("sem_open failed: " + os.strerror(ctypes.get_errno()))
                """, name);
        try {
            Cli.Result json = Cli.run("ls", "--json");
            assertThat(json.out()).containsPattern("\"kind\": \"shm\",\\s+\"name\": \"/" + name
                    + "\",\\s+\"owner\": \"[^\"]+\",\\s+\"uid\": \\d+,\\s+\"mode\": \"0600\",\\s+\"bytes\": 12345");
            assertThat(json.out()).containsPattern("\"kind\": \"sem\",\\s+\"name\": \"/" + name + "\"");
            assertThat(Cli.run("rm", "shm", name).code()).isEqualTo(2);
            assertThat(Cli.run("rm", "shm", "/" + name).code()).isZero();
            assertThat(Cli.run("rm", "sem", "/" + name).code()).isZero();
            assertThat(Cli.run("ls", "--json").out()).doesNotContain("\"/" + name + "\"");
        } finally {
            Files.deleteIfExists(Path.of("/dev/shm", name));
            Files.deleteIfExists(Path.of("/dev/shm", "sem." + name));
        }
    }

    @Test
    void listsPosixQueuesWhereMqueueIsMounted() throws Exception {
        assumeTrue(IpcObjects.mqueueMounted(), "/dev/mqueue is not mounted here (.ci/run mounts one)");
        String name = TestRun.uniqueName("ipc-ls-test");
        try (PosixMessageQueue q = PosixMessageQueue.create(name, 4, 128)) {
            q.send(new byte[] {1, 2, 3}, 0);
            assertThat(Cli.run("ls", "--json").out()).containsPattern("\"kind\": \"mq\",\\s+\"name\": \"" + name
                    + "\",\\s+\"owner\": \"[^\"]+\",\\s+\"uid\": \\d+,\\s+\"mode\": \"0600\",\\s+\"bytes\": 3,"
                    + "\\s+\"messages\": 1,\\s+\"maxMessages\": 4,\\s+\"maxMessageSize\": 128");
        } finally {
            PosixMessageQueue.unlinkIfExists(name);
        }
    }

    @Test
    void saysWhetherPosixQueuesCanBeListed() {
        boolean mounted = IpcObjects.mqueueMounted();
        assertThat(Cli.run("ls", "--json").out()).contains("\"mqueueMounted\": " + mounted);
        if (!mounted) {
            assertThat(Cli.run("ls").err()).contains("/dev/mqueue is not mounted", "mount -t mqueue");
        }
    }
}
