package org.panamaipc.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of the numbers, keys, modes and durations users type. */
final class Numbers {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private Numbers() {
    }

    /** A decimal number, or hexadecimal with {@code 0x}. */
    static long parseLong(String what, String text) throws UsageException {
        try {
            String t = text.strip();
            boolean negative = t.startsWith("-");
            String digits = negative ? t.substring(1) : t;
            long v = digits.startsWith("0x") || digits.startsWith("0X")
                    ? Long.parseUnsignedLong(digits.substring(2), 16)
                    : Long.parseLong(digits);
            return negative ? -v : v;
        } catch (NumberFormatException e) {
            throw new UsageException(what + "=\"" + text + "\" is not a number (decimal, or hexadecimal with 0x)");
        }
    }

    static int parseInt(String what, String text) throws UsageException {
        long v = parseLong(what, text);
        if (v < Integer.MIN_VALUE || v > 0xFFFF_FFFFL) {
            throw new UsageException(what + "=" + text + " does not fit in 32 bits");
        }
        return (int) v;
    }

    /** A System V key: decimal or 0x-hex, 32 bits (hex keys above 0x7fffffff wrap as in ipcs). */
    static int parseKey(String text) throws UsageException {
        return parseInt("KEY", text);
    }

    /** An octal mode such as {@code 0600} or {@code 600}. */
    static int parseMode(String text) throws UsageException {
        try {
            int mode = Integer.parseInt(text, 8);
            if (mode < 0 || mode > 07777) {
                throw new NumberFormatException();
            }
            return mode;
        } catch (NumberFormatException e) {
            throw new UsageException("--mode=\"" + text + "\" is not an octal mode such as 0600");
        }
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}; a bare number means seconds. */
    static Duration parseDuration(String what, String text) throws UsageException {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new UsageException(what + "=\"" + text + "\" is not a duration such as 500ms, 5s or 2m");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** A POSIX object name: a leading slash is added when missing. */
    static String posixName(String text) {
        return text.startsWith("/") ? text : "/" + text;
    }
}
