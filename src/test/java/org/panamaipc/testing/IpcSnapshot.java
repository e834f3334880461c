package org.panamaipc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a test can leave behind, at one moment: System V objects and POSIX named objects of
 * this user, descriptors and running child processes of this JVM.
 *
 * <p>Only this test run's named objects count: a System V object whose recorded processes
 * are another program's ({@link SysVObjects.SysVObject#ofThisRun}) and a POSIX name without
 * the run's prefix ({@link TestRun}) are not this run's leaks, so that other programs on a
 * busy machine cannot fail the tests.
 *
 * @param sysV System V objects owned by this user, by their descriptions
 * @param namedObjects entries of this run in /dev/shm (POSIX shared memory and named
 *     semaphores) and, where it is mounted, /dev/mqueue (POSIX message queues)
 * @param descriptors open descriptors of this JVM, except those the JVM keeps for itself
 * @param processes running descendants of this JVM: pid and command line
 */
record IpcSnapshot(
        Map<String, SysVObjects.SysVObject> sysV,
        Set<Path> namedObjects,
        List<Descriptors.Descriptor> descriptors,
        Map<Long, String> processes) {

    /** Where the kernel shows POSIX named objects as files, when mounted. */
    private static final List<Path> NAMED_OBJECT_DIRECTORIES = List.of(Path.of("/dev/shm"), Path.of("/dev/mqueue"));

    /** This user, who owns what this JVM creates. */
    private static final int UID = currentUid();

    /**
     * Takes a snapshot now.
     *
     * @return the snapshot
     */
    static IpcSnapshot take() {
        return new IpcSnapshot(SysVObjects.ownedBy(UID), listNamedObjects(), Descriptors.open(), listProcesses());
    }

    /**
     * Describes what this snapshot has that {@code before} had not, one line per object.
     *
     * @param before the earlier snapshot
     * @return e.g. {@code System V shm id=5 key=0x00000000}, {@code /dev/shm/foo},
     *     {@code fd 37 -> pipe:[123]}, {@code process 4711: sleep 600}; empty if nothing new
     */
    List<String> leaksSince(IpcSnapshot before) {
        List<String> leaks = new ArrayList<>();
        sysV.forEach((description, object) -> {
            if (!before.sysV.containsKey(description) && object.ofThisRun()) {
                leaks.add(description);
            }
        });
        namedObjects.stream().filter(p -> !before.namedObjects.contains(p)).map(Path::toString).forEach(leaks::add);
        Descriptors.added(before.descriptors, descriptors).stream().map(Object::toString).forEach(leaks::add);
        processes.forEach((pid, command) -> {
            if (!before.processes.containsKey(pid)) {
                leaks.add("process " + pid + ": " + command);
            }
        });
        return leaks;
    }

    /**
     * Tells whether a leak is of an object other processes of this user can create too, as
     * opposed to a descriptor or child process of this JVM.
     *
     * @param leak a line of {@link #leaksSince}
     * @return true for System V objects and POSIX named objects
     */
    static boolean isShared(String leak) {
        return leak.startsWith("System V ") || leak.startsWith("/dev/");
    }

    private static Set<Path> listNamedObjects() {
        Set<Path> objects = new LinkedHashSet<>();
        for (Path directory : NAMED_OBJECT_DIRECTORIES) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
                for (Path entry : entries) {
                    if (TestRun.owns(entry) && isOwnedByUs(entry)) {
                        objects.add(entry);
                    }
                }
            } catch (NoSuchFileException notMounted) {
                // /dev/mqueue is often not mounted (containers): such leaks go unseen there.
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return objects;
    }

    private static boolean isOwnedByUs(Path entry) {
        try {
            return (Integer) Files.getAttribute(entry, "unix:uid", LinkOption.NOFOLLOW_LINKS) == UID;
        } catch (IOException removedMeanwhile) {
            return false;
        }
    }

    private static Map<Long, String> listProcesses() {
        Map<Long, String> processes = new LinkedHashMap<>();
        List<ProcessHandle> descendants = ProcessHandle.current().descendants().toList();
        RunProcesses.seen(descendants.stream().map(ProcessHandle::pid).toList());
        descendants.stream()
                .filter(ProcessTrees::isRunning)
                .forEach(p -> processes.put(p.pid(), p.info().commandLine().orElse("?")));
        return processes;
    }

    private static int currentUid() {
        try {
            // /proc/self belongs to the user the process runs as; plain Java has no getuid().
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
