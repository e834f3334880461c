package org.panamaipc.cli;

import java.util.Set;

/** One subcommand, e.g. {@code mq send}: its name, its help, its options and what it does. */
interface Command {
    /** The words that select it, e.g. {@code "mq send"}. */
    String name();

    /** The synopsis after {@code ipc}, e.g. {@code "mq send NAME TEXT [--priority N] [--create]"}. */
    String synopsis();

    /** One paragraph saying what it does. */
    String description();

    /** Options (without dashes) that take a value. */
    default Set<String> valued() {
        return Set.of();
    }

    /** Options (without dashes) that take none. */
    default Set<String> flags() {
        return Set.of();
    }

    /**
     * Runs it.
     *
     * @return the exit code: 0 done, 1 failed (or timed out)
     * @throws UsageException for a command line that does not fit (exit 2)
     */
    int run(Args args, Io io) throws Exception;
}
