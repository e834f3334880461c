package org.panamaipc.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** Where a command reads and writes: stdout carries only data, stderr everything else. */
record Io(InputStream in, PrintStream out, PrintStream err) {
}
