package org.panamaipc.reliability;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.panamaipc.SysVKey;
import org.panamaipc.channel.RecordHandler;
import org.panamaipc.process.TraceHandler;
import org.panamaipc.signal.Signal;
import org.panamaipc.socket.AbstractSocketAddress;

/**
 * A valid-looking value of each parameter type, so that a case can make exactly one argument
 * bad and see whether the call refuses that one before it does anything. Names and paths are
 * fresh per case and recorded, so that a case can tell whether the call created anything.
 */
final class Samples {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Scope scope;
    private final String tag = "relsample" + ProcessHandle.current().pid() + "x" + COUNTER.incrementAndGet();
    private final List<Path> traces = new ArrayList<>();
    private Path dir;
    private Arena arena;

    private final int variant;

    Samples(Scope scope) {
        this(scope, 0);
    }

    /**
     * Samples of a variant: 0 gives 0 for an int (an index, a delta), 1 gives 1 (a size, a count).
     *
     * @param scope where everything made is undone
     * @param variant 0 or 1
     */
    Samples(Scope scope, int variant) {
        this.scope = scope;
        this.variant = variant;
    }

    /** {@return where an object made from this case's sample names would show, for the no-side-effect check} */
    List<Path> traces() {
        List<Path> all = new ArrayList<>(traces);
        all.add(Path.of("/dev/shm", tag));
        all.add(Path.of("/dev/shm", "sem." + tag));
        all.add(Path.of("/dev/mqueue", tag));
        return all;
    }

    /**
     * A value for a parameter of this type.
     *
     * @param type the parameter's type
     * @return the value, or empty when the suite knows none (the case is then not generated)
     * @throws Exception if making it fails
     */
    Optional<Object> of(Class<?> type) throws Exception {
        return Optional.ofNullable(make(type, 0));
    }

    private Object make(Class<?> type, int depth) throws Exception {
        if (type == int.class || type == Integer.class) {
            return variant; // 0 for an index, a delta, a flag word; 1 for a size, a count, a backlog
        } else if (type == long.class || type == Long.class) {
            return 8L; // a size, an offset, a count: 8 is a valid, aligned one
        } else if (type == short.class) {
            return (short) 1;
        } else if (type == byte.class) {
            return (byte) 1;
        } else if (type == boolean.class) {
            return false;
        } else if (type == char.class) {
            return 'x';
        } else if (type == double.class) {
            return 1.0;
        } else if (type == String.class) {
            return "/" + tag;
        } else if (type == Path.class) {
            Path p = dir().resolve(tag);
            traces.add(p);
            return p;
        } else if (type == Duration.class) {
            return Duration.ofMillis(10);
        } else if (type == Arena.class) {
            return arena();
        } else if (type == MemorySegment.class) {
            return arena().allocate(64, 8);
        } else if (type == ByteBuffer.class) {
            return ByteBuffer.allocate(8);
        } else if (type == Signal.class) {
            return Signal.SIGWINCH; // ignored by default: a call that went through anyway harms nothing
        } else if (type == SysVKey.class) {
            return SysVKey.of(0x7e000000 | (tag.hashCode() & 0xffffff));
        } else if (type == SocketAddress.class || type == AbstractSocketAddress.class) {
            return AbstractSocketAddress.of(tag);
        } else if (type == UnixDomainSocketAddress.class) {
            Path p = dir().resolve(tag);
            traces.add(p);
            return UnixDomainSocketAddress.of(p);
        } else if (type == RecordHandler.class) {
            return (RecordHandler) (recordType, buffer, offset, length) -> { }; // takes any record, keeps none
        } else if (type == TraceHandler.class) {
            return (TraceHandler) event -> Objects.requireNonNull(event, "event") == null; // ends the loop at once
        } else if (type == Object.class) {
            return "attachment";
        } else if (type == Set.class) {
            return Set.of();
        } else if (type == List.class || type == Collection.class) {
            return List.of();
        } else if (type == Map.class) {
            return Map.of();
        } else if (type.isEnum()) {
            return type.getEnumConstants()[0];
        } else if (type.isArray()) {
            Class<?> component = type.getComponentType();
            if (component.isPrimitive()) {
                return Array.newInstance(component, 8);
            }
            if (component == String.class) {
                return new String[] {"true"};
            }
            Object element = component.getName().startsWith("org.panamaipc") && !component.isEnum()
                    ? make(component, depth + 1) : null;
            Object array = Array.newInstance(component, element == null ? 0 : 1);
            if (element != null) {
                Array.set(array, 0, element);
            }
            return array;
        }
        Object fixture = Fixtures.make(type, scope);
        if (fixture != null) {
            return fixture;
        }
        if (type.isInterface() && !type.getName().startsWith("org.panamaipc")) {
            return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> defaultOf(m));
        }
        return depth < 1 ? fromFactory(type, depth) : null;
    }

    /** A value from the type's own simplest public static factory, e.g. {@code TypeFilter.any()}. */
    private Object fromFactory(Class<?> type, int depth) throws Exception {
        List<Method> factories = Stream.of(type.getMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers()) && m.getReturnType() == type)
                .sorted(Comparator.comparingInt(Method::getParameterCount).thenComparing(Method::toString))
                .toList();
        for (Method f : factories) {
            Object[] args = new Object[f.getParameterCount()];
            boolean complete = true;
            for (int i = 0; i < args.length && complete; i++) {
                args[i] = make(f.getParameterTypes()[i], depth + 1);
                complete = args[i] != null;
            }
            if (complete) {
                try {
                    return f.invoke(null, args);
                } catch (ReflectiveOperationException e) {
                    // try the next factory
                }
            }
        }
        return null;
    }

    private static Object defaultOf(Method m) {
        Class<?> r = m.getReturnType();
        if (m.getName().equals("toString") && m.getParameterCount() == 0) {
            return "sample";
        } else if (m.getName().equals("hashCode") && m.getParameterCount() == 0) {
            return 0;
        } else if (m.getName().equals("equals") && m.getParameterCount() == 1) {
            return false;
        } else if (r == boolean.class) {
            return false;
        } else if (r.isPrimitive() && r != void.class) {
            return r == long.class ? 0L : r == double.class ? 0.0 : r == float.class ? 0f : 0;
        }
        return null;
    }

    private Path dir() throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory("rel-");
            Path d = dir;
            scope.defer(() -> {
                try (var files = Files.list(d)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(d);
            });
        }
        return dir;
    }

    private Arena arena() {
        if (arena == null) {
            arena = scope.own(Arena.ofShared());
        }
        return arena;
    }
}
