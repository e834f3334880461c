package org.panamaipc.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed command line: positional words and {@code --options}. Options that take a value
 * accept {@code --name value} and {@code --name=value}; {@code --} ends the options and
 * everything after it is kept apart as the {@linkplain #rest() rest} (for {@code ipc lock}).
 */
final class Args {
    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();
    private final List<String> rest = new ArrayList<>();
    private final boolean help;

    private Args(boolean help) {
        this.help = help;
    }

    /**
     * Parses {@code words}.
     *
     * @param words the words after the command's name
     * @param valued the options (without dashes) that take a value
     * @param flags the options (without dashes) that take none
     */
    static Args parse(List<String> words, Set<String> valued, Set<String> flags) throws UsageException {
        boolean help = words.contains("--help") || words.contains("-h");
        Args args = new Args(help);
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--")) {
                args.rest.addAll(words.subList(i + 1, words.size()));
                break;
            }
            if (w.equals("--help") || w.equals("-h")) {
                continue;
            }
            if (w.startsWith("--") && w.length() > 2) {
                String name = w.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (valued.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= words.size()) {
                            throw new UsageException("option --" + name + " needs a value");
                        }
                        value = words.get(++i);
                    }
                    args.options.put(name, value);
                } else if (flags.contains(name) && value == null) {
                    args.options.put(name, "");
                } else if (!help) {
                    throw new UsageException("unknown option --" + name);
                }
            } else {
                args.positional.add(w);
            }
        }
        return args;
    }

    boolean help() {
        return help;
    }

    List<String> positional() {
        return positional;
    }

    List<String> rest() {
        return rest;
    }

    /** Requires exactly {@code min..max} positional words. */
    Args expect(int min, int max) throws UsageException {
        if (positional.size() < min) {
            throw new UsageException("missing argument" + (min - positional.size() > 1 ? "s" : ""));
        }
        if (positional.size() > max) {
            throw new UsageException("unexpected argument \"" + positional.get(max) + "\"");
        }
        return this;
    }

    String get(int i) {
        return positional.get(i);
    }

    boolean has(String option) {
        return options.containsKey(option);
    }

    String option(String option) {
        return options.get(option);
    }

    long longOption(String option, long orElse) throws UsageException {
        String v = options.get(option);
        return v == null ? orElse : Numbers.parseLong("--" + option, v);
    }

    Duration duration(String option) throws UsageException {
        String v = options.get(option);
        return v == null ? null : Numbers.parseDuration("--" + option, v);
    }
}
