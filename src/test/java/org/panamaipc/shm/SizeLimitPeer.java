package org.panamaipc.shm;

/**
 * A peer JVM for {@link SharedMemoryTest}, started under a file size limit
 * ({@code ulimit -f}): tries to create the object named by its first argument with the size
 * of its second and prints the exception, then whether an object was left to unlink.
 */
public final class SizeLimitPeer {
    private SizeLimitPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the object's name and size
     * @throws Exception if unlinking fails
     */
    public static void main(String[] args) throws Exception {
        try (SharedMemory shm = SharedMemory.create(args[0], Long.parseLong(args[1]))) {
            System.out.println("created size=" + shm.size());
        } catch (java.io.IOException e) {
            System.out.println(e.getMessage());
        }
        System.out.println("left behind: " + SharedMemory.unlinkIfExists(args[0]));
    }
}
