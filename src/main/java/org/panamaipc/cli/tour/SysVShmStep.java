package org.panamaipc.cli.tour;

import java.util.List;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SysVSharedMemory;

/** System V shared memory: a private segment both processes attach. */
final class SysVShmStep implements TourStep {
    @Override
    public String id() {
        return "sysv-shm";
    }

    @Override
    public String mechanism() {
        return "System V shared memory";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        SysVSharedMemory shm = SysVSharedMemory.createPrivate(PingPong.SIZE).removeOnClose();
        scratch.onCleanup(shm::close);
        Exchange e;
        try (Mapping m = shm.attach()) {
            peer.start(this, Integer.toString(shm.id()));
            e = PingPong.lead(m.segment(), PingPong.ROUNDS + " round trips of " + Rounds.SIZE
                    + " bytes, acquire/release, no system call");
        }
        peer.finish();
        return e;
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        try (SysVSharedMemory shm = SysVSharedMemory.openId(Integer.parseInt(args.get(0)));
             Mapping m = shm.attach()) {
            side.ready();
            PingPong.follow(m.segment());
        }
    }
}
