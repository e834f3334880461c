package org.panamaipc.mq;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.panamaipc.internal.Check;

/** Converts between {@link PosixFilePermission} sets and the mode bits C takes. */
final class Permissions {
    /** Owner read and write, 0600: the default for named objects. */
    static final Set<PosixFilePermission> OWNER_READ_WRITE =
            Set.copyOf(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    private static final PosixFilePermission[] BY_BIT = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    private Permissions() {
    }

    static int toMode(Set<PosixFilePermission> permissions) {
        Check.notNull("permissions", permissions);
        int mode = 0;
        for (int bit = 0; bit < BY_BIT.length; bit++) {
            if (permissions.contains(BY_BIT[bit])) {
                mode |= 1 << bit;
            }
        }
        return mode;
    }

    static Set<PosixFilePermission> fromMode(int mode) {
        EnumSet<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BY_BIT.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(BY_BIT[bit]);
            }
        }
        return set;
    }

    static String octal(int mode) {
        return "0" + Integer.toOctalString(mode);
    }
}
