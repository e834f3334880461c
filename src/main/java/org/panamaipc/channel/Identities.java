package org.panamaipc.channel;

import org.panamaipc.internal.ProcFiles;

import java.lang.foreign.MemorySegment;
import org.panamaipc.shm.SharedAtomics;

/**
 * Endpoint identities (pid and start time) in a channel header: attaching, detaching and
 * telling whether the process that recorded one is still alive. Reads {@code /proc}; used
 * when attaching and while waiting, never on a hot path.
 */
final class Identities {
    static final int SELF_PID = (int) ProcessHandle.current().pid();
    private static volatile long selfStartTime;

    private Identities() {
    }

    /** {@return this process's start time, field 22 of {@code /proc/self/stat}} */
    static long selfStartTime() {
        long t = selfStartTime;
        if (t == 0) {
            t = startTime(SELF_PID);
            selfStartTime = t;
        }
        return t;
    }

    /**
     * The start time of a live process: field 22 of {@code /proc/PID/stat}, in clock ticks
     * after boot. A process that has exited and is not yet reaped (state {@code Z} or
     * {@code X}) is not alive: its parent may reap it late, or never.
     *
     * @param pid the process
     * @return its start time, or -1 if there is no such process or it has exited
     */
    static long startTime(int pid) {
        String[] fields = ProcFiles.statFields(pid);
        if (fields == null || fields.length < 20 || fields[0].equals("Z") || fields[0].equals("X")) {
            return -1;
        }
        try {
            return Long.parseLong(fields[19].trim()); // field 22
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Whether the process an identity names is alive: its {@code /proc/PID/stat} exists, its
     * state is not {@code Z} (exited, not reaped) and it names the same start time (a start time of 0 is an end attaching right now: alive if the
     * pid is).
     *
     * @param pid the recorded pid, not 0
     * @param recordedStartTime the recorded start time
     * @return whether it is alive
     */
    static boolean isAlive(int pid, long recordedStartTime) {
        long actual = startTime(pid);
        return actual >= 0 && (recordedStartTime == 0 || actual == recordedStartTime);
    }

    /** {@return the pid recorded at {@code offset}, 0 if nobody} */
    static int pid(MemorySegment header, int offset) {
        return SharedAtomics.getIntAcquire(header, offset + ChannelLayout.IDENTITY_PID_OFFSET);
    }

    /**
     * Whether the end recorded at {@code offset} is held by a live process.
     *
     * @param header the channel header
     * @param offset the identity's offset
     * @return the pid of the live holder, 0 if nobody holds it, or -pid if its holder is dead
     */
    static int holder(MemorySegment header, int offset) {
        int pid = pid(header, offset);
        if (pid == 0) {
            return 0;
        }
        long start = SharedAtomics.getLongAcquire(header, offset + ChannelLayout.IDENTITY_START_TIME_OFFSET);
        if (pid(header, offset) != pid) {
            return pid(header, offset); // replaced meanwhile by a process attaching now: alive
        }
        return isAlive(pid, start) ? pid : -pid;
    }

    /**
     * Attaches this process at an identity: a compare-and-set of {@code pid} from 0, or from
     * the pid of a dead process, then the start time.
     *
     * @param header the channel header
     * @param offset the identity's offset
     * @return 0 if attached, else the pid of the live process that holds it
     */
    static int tryAttach(MemorySegment header, int offset) {
        long self = selfStartTime();
        while (true) {
            int current = pid(header, offset);
            if (current != 0) {
                int holder = holder(header, offset);
                if (holder > 0) {
                    return holder;
                }
                if (holder == 0) {
                    continue;
                }
            }
            SharedAtomics.putLongRelease(header, offset + ChannelLayout.IDENTITY_START_TIME_OFFSET, 0);
            if (SharedAtomics.compareAndSetInt(header, offset + ChannelLayout.IDENTITY_PID_OFFSET, current,
                    SELF_PID)) {
                SharedAtomics.putLongRelease(header, offset + ChannelLayout.IDENTITY_START_TIME_OFFSET, self);
                return 0;
            }
        }
    }

    /**
     * Detaches: stores {@code pid = 0} if this process still holds the identity.
     *
     * @param header the channel header
     * @param offset the identity's offset
     */
    static void detach(MemorySegment header, int offset) {
        SharedAtomics.compareAndSetInt(header, offset + ChannelLayout.IDENTITY_PID_OFFSET, SELF_PID, 0);
    }
}
