package org.panamaipc.cli.tour;

import java.util.List;

/** The tour's steps, in the order it runs them. A new mechanism joins the tour here. */
final class TourSteps {
    static final List<TourStep> ALL = List.of(
            new PipeStep(),
            new FifoStep(),
            new PosixMqStep(),
            new SysVMsgStep(),
            new PosixShmStep(),
            new SysVShmStep(),
            new MappedFileStep(),
            new NamedSemaphoreStep(),
            new SysVSemaphoreStep(),
            new FutexStep(),
            new ChannelStep(),
            new ProcessMutexStep(),
            new EventFdStep(),
            new UnixSocketStep(),
            new DatagramSocketStep(),
            new SeqpacketSocketStep(),
            new FdPassingStep(),
            new SignalStep(),
            new TraceStep(),
            new LockStep());

    private TourSteps() {
    }

    static TourStep byId(String id) {
        for (TourStep s : ALL) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        return null;
    }
}
