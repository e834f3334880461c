package org.panamaipc.internal;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Unique names for every named kind: one rule, one source of randomness. */
public final class Names {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Names() {
    }

    /**
     * A name no other object has: the prefix, a dash and 16 random hexadecimal digits, e.g.
     * {@code orders-3f9c0a1b2c3d4e5f} (POSIX kinds put a slash in front).
     *
     * @param prefix letters, digits, {@code -_.} only, 1 to 200 characters
     * @return the name, without a leading slash
     * @throws IllegalArgumentException if the prefix is empty or holds other characters
     */
    public static String unique(String prefix) {
        Check.notNull("prefix", prefix);
        if (prefix.isEmpty() || prefix.length() > 200 || !prefix.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("prefix=\"" + prefix
                    + "\" must be 1 to 200 letters, digits, '.', '_' or '-'");
        }
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return prefix + "-" + HexFormat.of().formatHex(random);
    }
}
