package org.panamaipc.internal;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Conversions between permission sets and the mode bits of C. */
public final class Modes {
    /** 0600: the default for named objects. */
    public static final Set<PosixFilePermission> OWNER_READ_WRITE =
            Set.copyOf(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    private static final PosixFilePermission[] BY_BIT = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    private Modes() {
    }

    /**
     * The mode bits of a permission set.
     *
     * @param permissions e.g. {@code PosixFilePermissions.fromString("rw-------")}
     * @return e.g. {@code 0600}
     */
    public static int toMode(Set<PosixFilePermission> permissions) {
        Check.notNull("permissions", permissions);
        int mode = 0;
        for (int bit = 0; bit < BY_BIT.length; bit++) {
            if (permissions.contains(BY_BIT[bit])) {
                mode |= 1 << bit;
            }
        }
        return mode;
    }

    /**
     * The permission set of mode bits (bits other than the nine permission bits are ignored).
     *
     * @param mode e.g. {@code st_mode} or {@code ipc_perm.mode}
     * @return the permissions
     */
    public static Set<PosixFilePermission> fromMode(int mode) {
        EnumSet<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BY_BIT.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(BY_BIT[bit]);
            }
        }
        return permissions;
    }

    /**
     * Mode bits as C writes them in source.
     *
     * @param mode mode bits
     * @return e.g. {@code "0600"}
     */
    public static String octal(int mode) {
        return "0" + Integer.toOctalString(mode);
    }
}
