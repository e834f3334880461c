package org.panamaipc.cli;

import java.util.List;
import java.util.Map;

/** Just enough JSON writing for {@code --json} output: maps, lists, strings, numbers, booleans, null. */
final class Json {
    private Json() {
    }

    static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, "");
        return b.append('\n').toString();
    }

    /** {@return {@code value} on one line, with no spaces: for output of one object a line} */
    static String line(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, null);
        return b.append('\n').toString();
    }

    /** Writes {@code value}; an {@code indent} of {@code null} writes it on one line. */
    private static void write(StringBuilder b, Object value, String indent) {
        switch (value) {
            case null -> b.append("null");
            case String s -> string(b, s);
            case Number n -> b.append(n);
            case Boolean z -> b.append(z);
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    b.append("{}");
                    return;
                }
                if (indent == null) {
                    b.append('{');
                    int i = 0;
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        string(b, String.valueOf(e.getKey()));
                        b.append(':');
                        write(b, e.getValue(), null);
                        b.append(++i < m.size() ? "," : "");
                    }
                    b.append('}');
                    return;
                }
                b.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    b.append(indent).append("  ");
                    string(b, String.valueOf(e.getKey()));
                    b.append(": ");
                    write(b, e.getValue(), indent + "  ");
                    b.append(++i < m.size() ? ",\n" : "\n");
                }
                b.append(indent).append('}');
            }
            case List<?> l -> {
                if (l.isEmpty()) {
                    b.append("[]");
                    return;
                }
                if (indent == null) {
                    b.append('[');
                    for (int i = 0; i < l.size(); i++) {
                        write(b, l.get(i), null);
                        b.append(i + 1 < l.size() ? "," : "");
                    }
                    b.append(']');
                    return;
                }
                b.append("[\n");
                for (int i = 0; i < l.size(); i++) {
                    b.append(indent).append("  ");
                    write(b, l.get(i), indent + "  ");
                    b.append(i + 1 < l.size() ? ",\n" : "\n");
                }
                b.append(indent).append(']');
            }
            default -> string(b, value.toString());
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
