package org.panamaipc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.panamaipc.DescriptorBased;
import org.panamaipc.OwnedFd;
import org.panamaipc.sync.EventFd;
import org.panamaipc.testing.IpcTest;

/**
 * Every public method of every public {@link AutoCloseable} type after {@code close()}, and
 * after {@code close()} twice, found by reflection: it throws {@link IllegalStateException} or
 * a {@link ClosedChannelException}, or it is one of the accessors of remembered state listed
 * here, which answer without the kernel. A second {@code close()} does nothing. None of them
 * reaches the kernel with the closed descriptor: the number is reused at once by an eventfd
 * holding a known count, which must still hold it, open, after the call.
 */
@IpcTest
class UseAfterCloseTest {

    /** Methods that answer after close from what the object remembers, by {@code Type.method}. */
    private static final Set<String> ANSWER_AFTER_CLOSE = Set.of(
            "isOpen", "isValid", "toString", "hashCode", "equals", "interests", "name", "key", "id", "mode", "type",
            "pid", "signal", "delivery", "kind", "start", "length", "file", "path", "fd", "isWritable", "access",
            "offset", "byteSize", "maxMessages", "maxMessageSize", "size", "attachment", "waitable", "source", "sink",
            "first", "second", "bytesReceived", "isTruncated", "descriptorsTruncated", "credentials", "sender",
            "isHugePages", "unlinkOnClose", "program", "isCreator");

    /** Methods of one type that answer after close by design: {@code Type.method} to why. */
    private static final Map<String, String> TYPE_ANSWERS_AFTER_CLOSE = Map.ofEntries(
            Map.entry("Futex.value", "a plain access to the word, which the handle does not own: it throws once the mapping is closed"),
            Map.entry("Futex.set", "a plain access to the word, as value()"),
            Map.entry("Futex.compareAndSet", "a plain access to the word, as value()"),
            Map.entry("Futex.getAndAdd", "a plain access to the word, as value()"),
            Map.entry("Mapping.segment", "the segment's arena is closed: every access through it throws IllegalStateException"),
            Map.entry("HeldLock.release", "releasing a released lock does nothing, as close()"),
            Map.entry("WaitSet.wakeup", "as Selector.wakeup: waking a closed set does nothing"),
            Map.entry("PipeSink.outputStream", "an adapter: its writes throw"),
            Map.entry("PipeSource.inputStream", "an adapter: its reads throw"),
            Map.entry("UnixSocket.inputStream", "an adapter: its reads throw"),
            Map.entry("UnixSocket.outputStream", "an adapter: its writes throw"),
            Map.entry("UnixSocket.isBlocking", "the mode is remembered, not asked of the kernel"),
            Map.entry("UnixSocket.supportedOptions", "a constant set"),
            Map.entry("ReceivedMessage.descriptors", "the descriptors, closed with the message"),
            Map.entry("ReceivedMessage.descriptor", "one of the descriptors, as descriptors()"),
            Map.entry("ReceivedMessage.descriptorCount", "how many descriptors arrived, as descriptors().size()"),
            Map.entry("Channel.capacity", "the size the channel was mapped with, remembered"),
            Map.entry("Channel.maxPayloadLength", "computed from the remembered capacity"),
            Map.entry("ChannelWriter.channel", "the channel the end was made from, as a pipe end's source()"),
            Map.entry("ChannelReader.channel", "the channel the end was made from, as a pipe end's source()"),
            Map.entry("ChannelReader.position", "the reader's own head, in the object"),
            Map.entry("BroadcastTransmitter.channel", "the channel the end was made from, as a pipe end's source()"),
            Map.entry("BroadcastTransmitter.nextSequence", "a counter of the transmitter's own, in the object"),
            Map.entry("BroadcastReceiver.channel", "the channel the end was made from, as a pipe end's source()"),
            Map.entry("BroadcastReceiver.lappedCount", "a counter of the receiver's own, in the object"),
            Map.entry("BroadcastReceiver.lostCount", "a counter of the receiver's own, in the object"),
            Map.entry("BroadcastReceiver.position", "the receiver's own cursor, in the object"),
            Map.entry("Trace.child", "the child the trace was made for, remembered (closed with a trace that started it)"),
            Map.entry("Trace.options", "the options the trace was made with, remembered"),
            Map.entry("ChildProcess.waitFor", "documented: the collected status is remembered and answered after close;"
                    + " an uncollected one throws IllegalStateException"),
            Map.entry("ChildProcess.isAlive", "a reaped child's answer (false) is remembered; an unreaped one asks"
                    + " the closed pidfd and throws IllegalStateException"),
            Map.entry("ChildProcess.kill", "documented: does nothing once the child has been reaped; before that it"
                    + " signals through the closed pidfd, which throws IllegalStateException"),
            Map.entry("ChildProcess.pidFd", "the owned pidfd, closed with the child: its own methods throw, as fd()"));

    /** What the sweep does not try, {@code Type.method} to why: nothing at present. */
    private static final Map<String, String> NOT_TRIED = Map.of();

    /** Cases found failing whose fix belongs to other work, {@code Type.method} to why: nothing at present. */
    private static final Map<String, String> KNOWN = Map.of();

    @TestFactory
    Stream<DynamicNode> everyCloseableTypeHasAFixture() {
        List<DynamicNode> cases = new ArrayList<>();
        for (Class<?> type : closeableTypes()) {
            cases.add(Case.of(type.getName() + " has a fixture", scope ->
                    assertThat(Fixtures.all()).as("Fixtures knows how to make a live " + type.getName())
                            .containsKey(type)));
        }
        return cases.stream();
    }

    @TestFactory
    Stream<DynamicNode> afterClose() {
        List<DynamicNode> containers = new ArrayList<>();
        for (Class<?> type : closeableTypes()) {
            List<DynamicNode> cases = new ArrayList<>();
            cases.add(Case.of(type.getSimpleName() + ".close() twice", scope -> {
                AutoCloseable object = (AutoCloseable) Fixtures.make(type, scope);
                object.close();
                object.close();
            }));
            for (Method m : ApiSurface.publicInstanceMethods(type)) {
                String key = type.getSimpleName() + "." + m.getName();
                if (m.getName().equals("close") && m.getParameterCount() == 0 || NOT_TRIED.containsKey(key)) {
                    continue;
                }
                String sig = ApiSurface.signature(m).replaceFirst("^[^.(]*(\\.[A-Z][^.(]*)*\\.", type.getSimpleName() + ".");
                DynamicTest test = Case.of(sig + " after close", scope -> afterClose(type, m, scope));
                String reason = KNOWN.get(key);
                cases.add(reason == null ? test : Case.disabled(test.getDisplayName(), reason));
            }
            containers.add(DynamicContainer.dynamicContainer(type.getName(), cases.stream()));
        }
        return containers.stream();
    }

    private static void afterClose(Class<?> type, Method m, Scope scope) throws Throwable {
        Object object = Fixtures.make(type, scope);
        int stale = descriptorOf(object);
        ((AutoCloseable) object).close();
        ((AutoCloseable) object).close();
        EventFd decoy = scope.own(EventFd.create(5, EventFd.Mode.COUNTER));
        boolean reused = decoy.fd().get() == stale;
        Throwable thrown = null;
        Object result = null;
        // Arguments of variant 0, then of variant 1 if those were refused as arguments: the case
        // is about the closed object, and each variant is a bad argument somewhere (index 1 of a
        // set of 1, a size of 0).
        for (int variant = 0; variant < 2; variant++) {
            Samples samples = new Samples(scope, variant);
            Object[] args = new Object[m.getParameterCount()];
            for (int i = 0; i < args.length; i++) {
                Class<?> p = m.getParameterTypes()[i];
                args[i] = samples.of(p).orElseThrow(() -> new org.opentest4j.TestAbortedException(
                        "no sample of " + p.getName() + " for " + ApiSurface.signature(m)));
            }
            try {
                result = m.invoke(object, args);
                thrown = null;
            } catch (InvocationTargetException e) {
                thrown = e.getCause();
            }
            if (!isArgumentRefusal(thrown)) {
                break;
            }
        }
        String sig = ApiSurface.signature(m);
        if (reused) {
            assertThat(decoy.isOpen()).isTrue();
            assertThat(decoy.tryAwait()).as(sig + " after close reached descriptor " + stale
                    + ", reused by an eventfd holding 5").isEqualTo(5);
        }
        if (thrown == null) {
            if (!ANSWER_AFTER_CLOSE.contains(m.getName())
                    && !TYPE_ANSWERS_AFTER_CLOSE.containsKey(type.getSimpleName() + "." + m.getName())) {
                fail(sig + " returned " + result + " after close instead of throwing IllegalStateException");
            }
            return; // an accessor's answer is part of the closed object (a pipe's end, a pair's socket)
        }
        if (isArgumentRefusal(thrown)) {
            return; // refused an argument before looking at the state; the decoy shows nothing reached the kernel
        }
        if (!(thrown instanceof IllegalStateException || thrown instanceof ClosedChannelException)) {
            fail(sig + " after close threw " + thrown + ", not IllegalStateException", thrown);
        }
        assertThat(thrown.getMessage() == null ? thrown.getClass().getSimpleName() : thrown.getMessage())
                .as(sig + ": the message").isNotBlank();
    }

    /**
     * {@return the number of the object's descriptor, or -1 if it has none: a channel end has
     * one only once it has been given a doorbell, and its fd() says so with IllegalStateException}
     */
    private static int descriptorOf(Object object) {
        try {
            return object instanceof DescriptorBased d ? d.fd().get() : object instanceof OwnedFd fd ? fd.get() : -1;
        } catch (IllegalStateException noDescriptor) {
            return -1;
        }
    }

    private static boolean isArgumentRefusal(Throwable thrown) {
        return thrown instanceof IllegalArgumentException || thrown instanceof IndexOutOfBoundsException
                || thrown instanceof UnsupportedOperationException;
    }

    /** {@return the public AutoCloseable types with instances: concrete classes and records, not interfaces} */
    private static List<Class<?>> closeableTypes() {
        return ApiSurface.publicTypes().stream()
                .filter(t -> AutoCloseable.class.isAssignableFrom(t) && !t.isInterface()
                        && !Modifier.isAbstract(t.getModifiers()) && !Throwable.class.isAssignableFrom(t))
                .toList();
    }
}
