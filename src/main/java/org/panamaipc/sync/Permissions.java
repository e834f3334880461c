package org.panamaipc.sync;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Permission sets as mode bits, for the objects this package creates. */
final class Permissions {
    /** 0600: read and write for the owner, the default for every object created here. */
    static final Set<PosixFilePermission> OWNER_READ_WRITE =
            Set.copyOf(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    private Permissions() {
    }

    static int toMode(Set<PosixFilePermission> permissions) {
        if (permissions == null) {
            throw new NullPointerException("permissions must not be null");
        }
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());
        }
        return mode;
    }

    static Set<PosixFilePermission> fromMode(int mode) {
        EnumSet<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - p.ordinal()))) != 0) {
                set.add(p);
            }
        }
        return set;
    }

    static String octal(int mode) {
        return "0" + Integer.toOctalString(mode);
    }
}
