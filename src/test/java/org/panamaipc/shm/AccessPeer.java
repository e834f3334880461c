package org.panamaipc.shm;

import org.panamaipc.SysVKey;

/**
 * A peer JVM for {@link AccessDeniedTest}, run as another user: tries to open the POSIX
 * object named by its first argument and the System V segment of the key in its second (and attach it),
 * and
 * prints the simple name of each exception (or "opened").
 */
public final class AccessPeer {
    private AccessPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the POSIX name and the System V key
     */
    public static void main(String[] args) {
        try (SharedMemory shm = SharedMemory.open(args[0])) {
            System.out.println("posix opened " + shm);
        } catch (Exception e) {
            System.out.println("posix " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        try {
            // shmget checks only the access asked for in its flags (none); attaching needs reading
            SysVSharedMemory.open(SysVKey.of(Integer.parseInt(args[1]))).attachReadOnly().close();
            System.out.println("sysv attached");
        } catch (Exception e) {
            System.out.println("sysv " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
