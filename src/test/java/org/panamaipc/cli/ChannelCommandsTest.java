package org.panamaipc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.channel.Channel;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.TestRun;

/** {@code ipc channel} and the channel rows of {@code ipc ls}, against real channels. */
@IpcTest
class ChannelCommandsTest {
    private final String name = TestRun.uniqueName("ipc-channel");

    @AfterEach
    void unlink() throws Exception {
        try {
            Channel.unlink(name);
        } catch (java.nio.file.NoSuchFileException gone) {
            // never made, or removed by the test
        }
    }

    @Test
    void sendStatAndReceiveGoThroughARealChannel() {
        assertThat(Cli.run("channel", "create", name, "--capacity", "4096").out())
                .isEqualTo(name + " one-to-one capacity=4096\n");
        assertThat(Cli.run("channel", "send", name, "grüße", "--type", "7").code()).isZero();
        assertThat(Cli.run("channel", "send", name, "second").code()).isZero();
        Cli.Result stat = Cli.run("channel", "stat", name);
        assertThat(stat.out()).contains("kind=one-to-one", "capacity=4096", "bytesUsed=32", "writerPid=0");
        Cli.Result first = Cli.run("channel", "recv", name, "--type", "--timeout", "2s");
        assertThat(first.code()).isZero();
        assertThat(first.out()).isEqualTo("7\tgrüße\n");
        assertThat(Cli.run("channel", "recv", name).out()).isEqualTo("second\n");
        Cli.Result none = Cli.run("channel", "recv", name, "--timeout", "100ms");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("no record in " + name);
    }

    @Test
    void lsListsAChannelWithItsKindCapacityAndUse() throws Exception {
        assertThat(Cli.run("channel", "create", name, "--kind", "many-to-one", "--capacity", "1024").code()).isZero();
        assertThat(Cli.run("channel", "send", name, "x").code()).isZero();
        Cli.Result json = Cli.launch(Duration.ofSeconds(60), "ls", "--json");
        assertThat(json.code()).isZero();
        String compact = json.out().replaceAll("\\s", "");
        int at = compact.indexOf("\"name\":\"" + name + "\"");
        assertThat(at).as(json.out()).isPositive();
        String entry = compact.substring(compact.lastIndexOf('{', at), compact.indexOf('}', at) + 1);
        assertThat(entry).contains("\"kind\":\"channel\"", "\"channelKind\":\"many-to-one\"",
                "\"capacity\":1024", "\"bytesUsed\":16");
        assertThat(Cli.run("ls").out()).containsPattern("channel +" + name + " .*many-to-one");
    }

    @Test
    void badInputIsAUsageErrorOrOneLine() {
        assertThat(Cli.run("channel", "create", name, "--kind", "sideways").code()).isEqualTo(2);
        assertThat(Cli.run("channel", "create", name, "--capacity", "1000").err()).contains("capacity");
        assertThat(Cli.run("channel", "send", name, "x", "--type", "0").code()).isEqualTo(2);
        Cli.Result missing = Cli.run("channel", "recv", name);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).startsWith("ipc channel recv: ").contains("ENOENT");
    }
}
