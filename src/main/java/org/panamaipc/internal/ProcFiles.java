package org.panamaipc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads numbers from {@code /proc}. {@code Files.readString} is not used: it trusts the
 * file's size, which {@code /proc} reports as 0, and on some kernels it returns only the
 * first byte ({@code "1"} for {@code "10"}); a stream read to its end is exact.
 */
public final class ProcFiles {
    private ProcFiles() {
    }

    /**
     * Reads a file of {@code /proc} holding one number.
     *
     * @param file e.g. {@code /proc/sys/fs/pipe-max-size}
     * @return the number
     * @throws IOException if the file cannot be read
     * @throws NumberFormatException if it does not hold one number
     */
    public static long readLong(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
    }
}
