package org.panamaipc;

/** Formats the one message shape every failed call produces. */
final class ErrnoMessages {
    private ErrnoMessages() {
    }

    static String format(String call, String arguments, int errno) {
        return call + "(" + arguments + "): " + Errno.describe(errno);
    }
}
