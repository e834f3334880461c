package org.panamaipc.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.panamaipc.testing.IpcTest;

/** The examples of package-info.java and LockableFile, as written there, run. */
@IpcTest
class PackageExampleTest {
    @Test
    void packageExampleRuns() throws Exception {
        Path path = Files.createTempFile("example", ".lock");
        try {
            String printed;
            try (LockableFile file = LockableFile.open(path);
                 HeldLock header = file.lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE, 0, 512)) {
                HeldLock rest = file.lock(LockKind.OPEN_FILE, LockMode.SHARED, 512, 0, Duration.ofSeconds(1));
                printed = rest == null ? "busy" : "locked " + rest;
            }
            assertThat(printed).isEqualTo("locked HeldLock[OPEN_FILE, SHARED, start=512, length=0]");
        } finally {
            Files.deleteIfExists(path);
        }
    }

    @Test
    void classExampleRuns() throws Exception {
        Path path = Files.createTempFile("app", ".lock");
        try (LockableFile file = LockableFile.openOrCreate(path);
             HeldLock lock = file.tryLock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE)) {
            assertThat(lock).isNotNull();
            // An OFD lock conflicts with process locks even of its own process; no process owns it.
            assertThat(file.conflicting(LockKind.PROCESS, LockMode.EXCLUSIVE, 0, 0))
                    .isEqualTo(new LockConflict(LockMode.EXCLUSIVE, 0, 0, -1));
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
