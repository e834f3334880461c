package org.panamaipc.cli.tour;

import java.util.List;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SharedMemory;

/** POSIX shared memory: both processes map one object and hand payloads to each other. */
final class PosixShmStep implements TourStep {
    @Override
    public String id() {
        return "shm";
    }

    @Override
    public String mechanism() {
        return "POSIX shared memory";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        String name = scratch.name("shm");
        Exchange e;
        try (SharedMemory shm = SharedMemory.create(name, PingPong.SIZE)) {
            scratch.onCleanup(() -> SharedMemory.unlinkIfExists(name));
            try (Mapping m = shm.map()) {
                peer.start(this, name);
                e = PingPong.lead(m.segment(), PingPong.ROUNDS + " round trips of " + Rounds.SIZE
                        + " bytes, acquire/release, no system call");
            }
        }
        peer.finish();
        return e;
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        try (SharedMemory shm = SharedMemory.open(args.get(0)); Mapping m = shm.map()) {
            side.ready();
            PingPong.follow(m.segment());
        }
    }
}
