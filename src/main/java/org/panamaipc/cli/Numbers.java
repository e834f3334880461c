package org.panamaipc.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.panamaipc.internal.Check;

/** Parsing of the numbers, keys, modes and durations users type. */
final class Numbers {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

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

    /**
     * {@code 500ms}, {@code 5s}, {@code 1.5s}, {@code 2m}, {@code 1h}: a number, with decimals
     * if wanted, and its unit. A number without a unit is refused rather than guessed, but for
     * {@code 0}.
     */
    static Duration parseDuration(String what, String text) throws UsageException {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new UsageException(what + "=\"" + text + "\" is not a duration such as 500ms, 1.5s, 2m or 1h");
        }
        if (m.group(2) == null && new BigDecimal(m.group(1)).signum() == 0) {
            return Duration.ZERO; // nothing to guess: zero is zero in every unit
        }
        if (m.group(2) == null) {
            throw new UsageException(what + "=\"" + text + "\" has no unit: write " + m.group(1) + "s, " + m.group(1)
                    + "ms, " + m.group(1) + "m or " + m.group(1) + "h (units: ms, s, m, h)");
        }
        long nanosPerUnit = switch (m.group(2)) {
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
        try {
            BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit));
            return Duration.ofNanos(nanos.setScale(0, RoundingMode.CEILING).longValueExact());
        } catch (ArithmeticException e) {
            throw new UsageException(what + "=\"" + text + "\" is too long a duration");
        }
    }

    /**
     * A POSIX object name as the library takes it: a slash and at least one more character,
     * no other slash. A name without its leading slash is refused with the name it lacks.
     */
    static String posixName(String text) throws UsageException {
        if (text.isEmpty()) {
            throw new UsageException("NAME is empty: a POSIX name is a slash and a name, such as /orders");
        }
        if (!text.startsWith("/")) {
            throw new UsageException("NAME=\"" + text + "\" does not start with a slash (POSIX names do): did you mean /"
                    + text + "?");
        }
        try {
            return Check.posixName(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage().replaceFirst("^name", "NAME"));
        }
    }
}
