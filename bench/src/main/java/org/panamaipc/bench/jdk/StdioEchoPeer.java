package org.panamaipc.bench.jdk;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.PeerSupport;

/**
 * Child of the ProcessBuilder benchmarks: echoes 8-byte messages from stdin to stdout
 * ({@code echo}, {@link ProcessPipeRoundTrip}) or reads 64-byte messages ({@code sink},
 * {@link ProcessPipeOneWay}) until end of input.
 */
public final class StdioEchoPeer {
    private StdioEchoPeer() {
    }

    /**
     * Runs the echo.
     *
     * @param args {@code echo} or {@code sink}
     * @throws IOException on a pipe error
     */
    public static void main(String[] args) throws IOException {
        PeerSupport.readyLine();
        FileInputStream in = new FileInputStream(FileDescriptor.in);
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        boolean echo = args[0].equals("echo");
        byte[] buf = new byte[echo ? Messages.ROUND_TRIP_BYTES : Messages.ONE_WAY_BYTES];
        while (true) {
            int n = 0;
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    return;
                }
                n += r;
            }
            if (echo) {
                out.write(buf);
            }
        }
    }
}
