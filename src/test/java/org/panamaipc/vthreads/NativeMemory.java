package org.panamaipc.vthreads;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * This JVM's native memory as Native Memory Tracking counts it (the JVM must run with
 * {@code -XX:NativeMemoryTracking=summary}): what {@code jcmd PID VM.native_memory summary}
 * prints, asked of the JVM itself.
 *
 * <p>Memory the library allocates through its arenas is {@code malloc}ed by the JDK under the
 * category {@code Other}; platform threads' stacks are under {@code Thread}.
 *
 * @param committedKb committed KiB per category ("Java Heap", "Thread", "Other", ...), and "Total"
 * @param mallocKb malloc'ed KiB per category
 * @param mallocCount malloc'ed blocks per category
 */
record NativeMemory(Map<String, Long> committedKb, Map<String, Long> mallocKb, Map<String, Long> mallocCount) {
    private static final Pattern TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB", Pattern.MULTILINE);
    private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern MALLOC = Pattern.compile("\\(malloc=(\\d+)KB(?: tag=[^#]*)? #(\\d+)");

    /**
     * Takes the summary now.
     *
     * @return the figures
     * @throws IllegalStateException if native memory tracking is off
     */
    static NativeMemory now() {
        String text;
        try {
            text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary", "scale=KB"}}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("cannot ask for the native memory summary", e);
        }
        Matcher total = TOTAL.matcher(text);
        if (!total.find()) {
            throw new IllegalStateException("no native memory summary (run with -XX:NativeMemoryTracking=summary): "
                    + text);
        }
        Map<String, Long> committed = new LinkedHashMap<>();
        Map<String, Long> malloc = new LinkedHashMap<>();
        Map<String, Long> count = new LinkedHashMap<>();
        committed.put("Total", Long.parseLong(total.group(2)));
        String category = null;
        for (String line : text.split("\n")) {
            Matcher c = CATEGORY.matcher(line);
            if (c.find()) {
                category = c.group(1).strip();
                committed.put(category, Long.parseLong(c.group(3)));
                continue;
            }
            Matcher m = MALLOC.matcher(line);
            if (category != null && m.find() && !malloc.containsKey(category)) {
                malloc.put(category, Long.parseLong(m.group(1)));
                count.put(category, Long.parseLong(m.group(2)));
            }
        }
        return new NativeMemory(committed, malloc, count);
    }

    /** {@return committed KiB of a category, 0 if NMT omitted it as too small} */
    long committed(String category) {
        return committedKb.getOrDefault(category, 0L);
    }

    /** {@return malloc'ed KiB of a category} */
    long malloc(String category) {
        return mallocKb.getOrDefault(category, 0L);
    }

    /** {@return malloc'ed blocks of a category} */
    long blocks(String category) {
        return mallocCount.getOrDefault(category, 0L);
    }

    /** {@return committed KiB of everything but the Java heap} */
    long nativeCommitted() {
        return committed("Total") - committed("Java Heap");
    }
}
