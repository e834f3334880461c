package org.panamaipc.cli;

import java.util.Set;

/** A command made of its description and a body: most commands are one method. */
record Cmd(String name, String synopsis, String description, Set<String> valued, Set<String> flags, Body body)
        implements Command {

    /** What the command does. */
    @FunctionalInterface
    interface Body {
        int run(Args args, Io io) throws Exception;
    }

    @Override
    public int run(Args args, Io io) throws Exception {
        return body.run(args, io);
    }
}
