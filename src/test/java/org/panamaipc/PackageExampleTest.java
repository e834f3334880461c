package org.panamaipc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.panamaipc.process.ChildProcess;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.sync.EventFd;
import org.panamaipc.testing.IpcTest;

/** The example of package-info.java, as written there (printing into a buffer), runs. */
@IpcTest
class PackageExampleTest {
    @Test
    void waitSetExampleRuns() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        try (WaitSet set = WaitSet.create();
             Pipe pipe = Pipe.open();
             EventFd doorbell = EventFd.create(0, EventFd.Mode.COUNTER);
             ChildProcess child = ChildProcess.builder("sh", "-c", "echo hello from the child >&3")
                     .mapFd(3, pipe.sink()).start()) {
            pipe.sink().close();                          // the child has its own copy
            set.register(pipe.source(), Interest.READABLE, "pipe");
            set.register(doorbell, Interest.READABLE, "doorbell");
            set.register(child, Interest.EXITED, "child");
            doorbell.signal(1);                            // any thread or process may ring it
            ByteBuffer text = ByteBuffer.allocate(64);
            int open = 3;                                  // until each has been seen to its end
            while (open > 0) {
                for (WaitSet.Key key : set.select(Duration.ofSeconds(10))) {
                    switch ((String) key.attachment()) {
                        case "pipe" -> {
                            if (pipe.source().read(text) < 0) {  // end of file: the child is done
                                key.cancel();
                                open--;
                            }
                        }
                        case "doorbell" -> {
                            out.println("rung " + doorbell.tryAwait() + " time(s)");
                            key.cancel();
                            open--;
                        }
                        case "child" -> {
                            out.println("child " + child.waitFor());
                            key.cancel();
                            open--;
                        }
                        default -> throw new AssertionError(key);
                    }
                }
            }
            out.print(new String(text.array(), 0, text.position(), StandardCharsets.UTF_8));
        }
        assertThat(printed.toString(StandardCharsets.UTF_8).lines())
                .containsExactlyInAnyOrder("rung 1 time(s)", "child exited(0)", "hello from the child");
    }
}
