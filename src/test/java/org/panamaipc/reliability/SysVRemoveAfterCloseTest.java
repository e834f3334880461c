package org.panamaipc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.panamaipc.mq.SysVMessageQueue;
import org.panamaipc.shm.SysVSharedMemory;
import org.panamaipc.sync.SysVSemaphoreSet;
import org.panamaipc.testing.IpcTest;

/**
 * One rule for the three System V kinds: {@code remove()} on a closed handle throws
 * {@link IllegalStateException} and removes nothing (a closed handle's id may name another
 * object by then); the object is removed through a handle that is open, or by
 * {@code removeOnClose()}.
 */
@IpcTest
class SysVRemoveAfterCloseTest {

    @Test
    void aClosedQueueHandleRefusesToRemove() throws IOException {
        SysVMessageQueue q = SysVMessageQueue.createPrivate();
        q.close();
        assertThatThrownBy(q::remove).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        try (SysVMessageQueue again = SysVMessageQueue.openId(q.id())) {
            again.remove();
        }
    }

    @Test
    void aClosedSemaphoreSetHandleRefusesToRemove() throws IOException {
        SysVSemaphoreSet set = SysVSemaphoreSet.createPrivate(1);
        set.close();
        assertThatThrownBy(set::remove).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        try (SysVSemaphoreSet again = SysVSemaphoreSet.openId(set.id())) {
            again.remove();
        }
    }

    @Test
    void aClosedSharedMemoryHandleRefusesToRemove() throws IOException {
        SysVSharedMemory shm = SysVSharedMemory.createPrivate(4096);
        shm.close();
        assertThatThrownBy(shm::remove).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        try (SysVSharedMemory again = SysVSharedMemory.openId(shm.id())) {
            again.remove();
        }
    }

    @Test
    void removeOnCloseRemovesEachKindOnce() throws IOException {
        SysVMessageQueue q = SysVMessageQueue.createPrivate().removeOnClose();
        SysVSemaphoreSet set = SysVSemaphoreSet.createPrivate(1).removeOnClose();
        SysVSharedMemory shm = SysVSharedMemory.createPrivate(4096).removeOnClose();
        q.close();
        set.close();
        shm.close();
        q.close();
        set.close();
        shm.close();
        assertThatThrownBy(() -> SysVMessageQueue.openId(q.id())).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> SysVSemaphoreSet.openId(set.id())).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> SysVSharedMemory.openId(shm.id())).isInstanceOf(IOException.class);
        assertThat(q.isOpen() || set.isOpen() || shm.isOpen()).isFalse();
    }
}
