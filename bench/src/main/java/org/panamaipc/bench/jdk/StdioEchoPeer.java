package org.panamaipc.bench.jdk;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.PeerSupport;

/** Child of {@link ProcessPipeRoundTrip}: echoes 8-byte messages from stdin to stdout until end of input. */
public final class StdioEchoPeer {
    private StdioEchoPeer() {
    }

    /**
     * Runs the echo.
     *
     * @param args none
     * @throws IOException on a pipe error
     */
    public static void main(String[] args) throws IOException {
        PeerSupport.readyLine();
        FileInputStream in = new FileInputStream(FileDescriptor.in);
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        byte[] buf = new byte[Messages.ROUND_TRIP_BYTES];
        while (true) {
            int n = 0;
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    return;
                }
                n += r;
            }
            out.write(buf);
        }
    }
}
