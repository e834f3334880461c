package org.panamaipc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Cmsg} computes what the C library's {@code CMSG_*} macros compute, on the values
 * and control buffers {@code src/test/resources/c/macros.c} printed into
 * {@code macros.expected} (which {@link MacrosTest} re-checks against gcc when present).
 */
class CmsgTest {
    private static final List<String[]> C = MacrosTest.lines();

    @Test
    void alignSpaceAndLenMatchC() {
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (String[] w : C) {
            if (!w[0].matches("CMSG_(ALIGN|SPACE|LEN)")) {
                continue;
            }
            long n = Long.parseLong(w[1]);
            long java = switch (w[0]) {
                case "CMSG_ALIGN" -> Cmsg.align(n);
                case "CMSG_SPACE" -> Cmsg.space(n);
                default -> Cmsg.len(n);
            };
            checked++;
            if (java != Long.parseLong(w[2])) {
                mismatches.add(w[0] + "(" + n + "): C " + w[2] + ", Java " + java);
            }
        }
        assertThat(checked).isGreaterThan(200);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void dataFollowsTheHeaderAsInC() {
        String[] data = C.stream().filter(w -> w[0].equals("CMSG_DATA")).findFirst().orElseThrow();
        assertThat(Cmsg.data(0)).isEqualTo(Long.parseLong(data[1]));
        assertThat(Cmsg.data(24)).isEqualTo(24 + Long.parseLong(data[1]));
        assertThat(Cmsg.HEADER_SIZE).isEqualTo(16);
    }

    @Test
    void firstAndNextHeaderWalkTheControlBuffersAsInC() {
        Map<String, Buffer> buffers = new LinkedHashMap<>();
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (String[] w : C) {
                switch (w[0]) {
                    case "CMSG_BUFFER" -> {
                        byte[] bytes = HexFormat.of().parseHex(w[3]);
                        MemorySegment control = arena.allocate(bytes.length, Long.BYTES);
                        MemorySegment.copy(bytes, 0, control, ValueLayout.JAVA_BYTE, 0, bytes.length);
                        buffers.put(w[1], new Buffer(control, Long.parseLong(w[2])));
                    }
                    case "CMSG_FIRSTHDR" -> {
                        Buffer b = buffers.get(w[1]);
                        long java = Cmsg.firstHeader(b.length());
                        checked++;
                        if (java != Long.parseLong(w[2])) {
                            mismatches.add(w[1] + ": CMSG_FIRSTHDR C " + w[2] + ", Java " + java);
                        }
                    }
                    case "CMSG_NXTHDR" -> {
                        Buffer b = buffers.get(w[1]);
                        long java = Cmsg.nextHeader(b.control(), b.length(), Long.parseLong(w[2]));
                        checked++;
                        if (java != Long.parseLong(w[3])) {
                            mismatches.add(w[1] + ": CMSG_NXTHDR from " + w[2] + " C " + w[3] + ", Java " + java);
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        assertThat(buffers).containsKeys("three", "unpadded", "truncated", "cut-header", "zero-length",
                "huge-first", "huge-second", "tiny");
        assertThat(checked).isGreaterThan(50);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void walkVisitsEveryMessageIncludingAnUnpaddedOrTruncatedLastOne() {
        // The walk a receiver does, on buffers C described: three messages, the same with the
        // last one's padding not counted, and a fourth whose cmsg_len claims more than fits.
        assertThat(walk("three")).containsExactly(0L, 24L, 56L);
        assertThat(walk("unpadded")).containsExactly(0L, 24L, 56L);
        assertThat(walk("truncated")).containsExactly(0L, 24L, 56L, 80L);
        assertThat(walk("cut-header")).containsExactly(0L, 24L, 56L);
        assertThat(walk("zero-length")).containsExactly(0L, 24L);
        assertThat(walk("huge-first")).containsExactly(0L);
        assertThat(walk("tiny")).isEmpty();
    }

    private static List<Long> walk(String name) {
        String[] line = C.stream().filter(w -> w[0].equals("CMSG_BUFFER") && w[1].equals(name))
                .findFirst().orElseThrow();
        byte[] bytes = HexFormat.of().parseHex(line[3]);
        long length = Long.parseLong(line[2]);
        List<Long> headers = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment control = arena.allocate(bytes.length, Long.BYTES);
            MemorySegment.copy(bytes, 0, control, ValueLayout.JAVA_BYTE, 0, bytes.length);
            for (long h = Cmsg.firstHeader(length); h >= 0; h = Cmsg.nextHeader(control, length, h)) {
                headers.add(h);
            }
        }
        return headers;
    }

    private record Buffer(MemorySegment control, long length) {
    }
}
