package org.panamaipc.cli.tour;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.panamaipc.shm.MappedFile;
import org.panamaipc.shm.Mapping;

/**
 * A memory-mapped file: both processes map one ordinary file and hand payloads to each other
 * through it, then the file read with plain read(2) holds what the mappings wrote.
 */
final class MappedFileStep implements TourStep {
    @Override
    public String id() {
        return "mapped-file";
    }

    @Override
    public String mechanism() {
        return "memory-mapped file";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        Path path = scratch.path("tour.map");
        Exchange e;
        try (MappedFile file = MappedFile.create(path, PingPong.SIZE)) {
            scratch.onCleanup(() -> Files.deleteIfExists(path));
            try (Mapping m = file.map()) {
                peer.start(this, path.toString());
                e = PingPong.lead(m.segment(), PingPong.ROUNDS + " round trips of " + Rounds.SIZE
                        + " bytes through a file both map, acquire/release");
                byte[] mapped = Rounds.bytes(m.segment(), 0, (int) PingPong.SIZE);
                if (e.verified() && !Arrays.equals(mapped, Files.readAllBytes(path))) {
                    e = Exchange.failed(e.what(), e.roundTripNanos(), "read(2) of " + path + " differs from the mapping");
                }
            }
        }
        peer.finish();
        return e;
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        try (MappedFile file = MappedFile.open(Path.of(args.get(0))); Mapping m = file.map()) {
            side.ready();
            PingPong.follow(m.segment());
        }
    }
}
