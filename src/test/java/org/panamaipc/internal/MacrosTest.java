package org.panamaipc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Macros} computes what the C headers' function-like macros compute, checked against
 * {@code src/test/resources/c/macros.c}: its committed output {@code macros.expected}
 * always, and the program itself compiled and run here when gcc is present.
 *
 * <p>The wait statuses include ones real children produced in C (exits, deaths by signal,
 * a stop and a continue); the Java macros are applied to the same numbers.
 */
class MacrosTest {

    /** The words of each line of macros.expected. */
    static List<String[]> lines() {
        return CReference.expected("macros.expected").stream().map(l -> l.split(" ")).toList();
    }

    @Test
    void sigrtminAndSigrtmaxAreTheCLibrarysValues() {
        assertThat(Macros.sigrtmin()).isEqualTo(value("SIGRTMIN"));
        assertThat(Macros.sigrtmax()).isEqualTo(value("SIGRTMAX"));
    }

    @Test
    void failureSentinelsAreTheCValues() {
        assertThat(Macros.MAP_FAILED.address()).isEqualTo(value("MAP_FAILED"));
        assertThat(Macros.SEM_FAILED.address()).isEqualTo(value("SEM_FAILED"));
    }

    @Test
    void membarrierCommandsAreTheKernelHeadersValues() {
        assertThat(Membarrier.CMD_GLOBAL_EXPEDITED).isEqualTo(value("MEMBARRIER_CMD_GLOBAL_EXPEDITED"));
        assertThat(Membarrier.CMD_REGISTER_GLOBAL_EXPEDITED)
                .isEqualTo(value("MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED"));
        assertThat(Membarrier.registered()).as("this kernel lets a process register (Linux >= 4.16)").isTrue();
    }

    @Test
    void fileTypePredicatesMatchCForEveryFileTypeField() {
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (String[] w : lines()) {
            if (!w[0].equals("S_IS")) {
                continue;
            }
            int mode = Integer.parseInt(w[1]);
            boolean[] java = {
                Macros.isRegular(mode), Macros.isDirectory(mode), Macros.isCharacterDevice(mode),
                Macros.isBlockDevice(mode), Macros.isFifo(mode), Macros.isSymbolicLink(mode),
                Macros.isSocket(mode)
            };
            String[] names = {"REG", "DIR", "CHR", "BLK", "FIFO", "LNK", "SOCK"};
            for (int i = 0; i < java.length; i++) {
                if (java[i] != w[2 + i].equals("1")) {
                    mismatches.add("S_IS" + names[i] + "(0" + Integer.toOctalString(mode) + "): C " + w[2 + i]);
                }
            }
            checked++;
        }
        assertThat(checked).isEqualTo(16);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void waitStatusMacrosMatchCForRealAndMadeStatuses() {
        List<String> mismatches = new ArrayList<>();
        List<String> real = new ArrayList<>();
        for (String[] w : lines()) {
            if (!w[0].equals("WAIT")) {
                continue;
            }
            if (!w[1].equals("made")) {
                real.add(w[1]);
            }
            int s = Integer.parseInt(w[2]);
            String java = String.join(" ",
                    bit(Macros.exited(s)), Integer.toString(Macros.exitStatus(s)),
                    bit(Macros.signaled(s)), Integer.toString(Macros.terminationSignal(s)),
                    bit(Macros.coreDumped(s)), bit(Macros.stopped(s)),
                    Integer.toString(Macros.stopSignal(s)), bit(Macros.continued(s)));
            String c = String.join(" ", List.of(w).subList(3, w.length));
            if (!java.equals(c)) {
                mismatches.add(w[1] + " status " + s + ": C [" + c + "], Java [" + java + "]");
            }
        }
        assertThat(real).contains("exit(0)", "exit(42)", "raise(KILL)", "raise(TERM)", "stopped(STOP)", "continued");
        assertThat(mismatches).isEmpty();
    }

    @Test
    @Timeout(120)
    void committedMacroValuesAreWhatTheCLibrarySaysHere() throws Exception {
        assumeTrue(CReference.gccAvailable(), "gcc is not installed; compared with the committed file only");

        assertThat(CReference.compileAndRun("macros.c"))
                .as("output of macros.c compiled here")
                .containsExactlyElementsOf(CReference.expected("macros.expected"));
    }

    private static long value(String name) {
        return lines().stream().filter(w -> w[0].equals(name)).mapToLong(w -> Long.parseLong(w[1]))
                .findFirst().orElseThrow();
    }

    private static String bit(boolean b) {
        return b ? "1" : "0";
    }
}
