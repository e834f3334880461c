package org.panamaipc.cli;

import java.io.PrintStream;
import java.util.List;

/** Prints rows as left-aligned columns. */
final class Table {
    private Table() {
    }

    static void print(PrintStream out, List<String[]> rows) {
        int columns = rows.getFirst().length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] row : rows) {
            b.setLength(0);
            for (int i = 0; i < columns; i++) {
                b.append(row[i]);
                if (i + 1 < columns) {
                    b.append(" ".repeat(width[i] - row[i].length() + 2));
                }
            }
            out.println(b.toString().stripTrailing());
        }
    }
}
