package org.panamaipc.vthreads;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a scenario found, as {@code key=value} words on one line: the peer prints it, the test
 * parses it back. Keys and values hold no spaces.
 */
final class Facts {
    private final Map<String, String> facts = new LinkedHashMap<>();

    /** Records a fact. */
    Facts put(String key, Object value) {
        String text = String.valueOf(value);
        if (key.contains(" ") || key.contains("=") || text.contains(" ")) {
            throw new IllegalArgumentException("a fact holds no spaces: " + key + "=" + text);
        }
        facts.put(key, text);
        return this;
    }

    /** Records a tally, {@code a:3,b:1}, most frequent first. */
    Facts tally(String key, Map<String, Integer> counts) {
        return put(key, counts.isEmpty() ? "-" : counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(e -> e.getKey().replace(' ', '_') + ":" + e.getValue())
                .collect(Collectors.joining(",")));
    }

    /** {@return the facts as one line} */
    String line() {
        return facts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    /**
     * Reads a line made by {@link #line()}.
     *
     * @param line the words
     * @return key to value
     */
    static Map<String, String> parse(String line) {
        Map<String, String> map = new TreeMap<>();
        for (String word : line.strip().split(" +")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                map.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return map;
    }
}
