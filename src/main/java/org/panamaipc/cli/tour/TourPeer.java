package org.panamaipc.cli.tour;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The tour's peer process. It reads commands from its standard input, one a line, runs the
 * peer's end of each tour step, and exits when the tour says {@code exit} or its standard
 * input ends (the tour is gone).
 */
public final class TourPeer {
    private TourPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        LinkedBlockingQueue<String> in = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().name("tour-peer-in").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    in.add(line);
                }
            } catch (IOException e) {
                // the tour is gone
            }
            in.add("exit");
        });
        PeerSide side = new PeerSide(out, in);
        side.say("hello " + ProcessHandle.current().pid());
        while (true) {
            String line;
            try {
                line = in.take();
            } catch (InterruptedException e) {
                break;
            }
            if (line.equals("exit")) {
                break;
            }
            List<String> words = Arrays.asList(line.split("\t"));
            if (!words.getFirst().equals("step") || words.size() < 2) {
                side.say("error unexpected command \"" + line + "\"");
                continue;
            }
            TourStep step = TourSteps.byId(words.get(1));
            if (step == null) {
                side.say("error no step \"" + words.get(1) + "\"");
                continue;
            }
            try {
                step.follow(words.subList(2, words.size()), side);
                side.say("done");
            } catch (Exception | Error e) {
                side.say("error " + step.id() + ": " + org.panamaipc.cli.tour.Tour.describe(e));
            }
        }
        out.flush();
        System.exit(0);
    }
}
