package org.panamaipc.bench.pipe;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.pipe.PipeSource;

/** Whole-message reads and writes on pipe ends, allocation-free when the first call moves it all. */
final class Streams {
    private Streams() {
    }

    /** {@return false at end of file} after filling {@code buf}. */
    static boolean readFully(PipeSource in, MemorySegment buf) throws IOException {
        long got = 0;
        long size = buf.byteSize();
        while (got < size) {
            long r = in.read(got == 0 ? buf : buf.asSlice(got));
            if (r < 0) {
                return false;
            }
            got += r;
        }
        return true;
    }

    static void writeFully(PipeSink out, MemorySegment buf) throws IOException {
        long done = out.write(buf);
        while (done < buf.byteSize()) {
            done += out.write(buf.asSlice(done));
        }
    }
}
