package org.panamaipc.cli.tour;

import java.util.Arrays;

/**
 * What one step exchanged: a description ("200 round trips of 64-byte messages"), whether
 * every reply was verified, and the measured round-trip times.
 */
record Exchange(String what, boolean verified, long[] roundTripNanos, String problem) {

    static Exchange verified(String what, long[] nanos) {
        return new Exchange(what, true, nanos, null);
    }

    static Exchange failed(String what, long[] nanos, String problem) {
        return new Exchange(what, false, nanos, problem);
    }

    long median() {
        return percentile(50);
    }

    long percentile(int p) {
        if (roundTripNanos.length == 0) {
            return -1;
        }
        long[] sorted = roundTripNanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) ((long) sorted.length * p / 100))];
    }

    long min() {
        return roundTripNanos.length == 0 ? -1 : Arrays.stream(roundTripNanos).min().orElse(-1);
    }

    static String micros(long nanos) {
        if (nanos < 0) {
            return "-";
        }
        double us = nanos / 1000.0;
        return us >= 1000 ? String.format("%.2f ms", us / 1000) : String.format("%.1f us", us);
    }
}
