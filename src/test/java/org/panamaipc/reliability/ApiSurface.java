package org.panamaipc.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.panamaipc.OwnedFd;

/**
 * The public surface of the library, found by reflection: every public type of every
 * exported package and its public methods and constructors, in a stable order. A type or
 * method added to the library shows up here without a change to the suite.
 */
final class ApiSurface {
    private static final String MODULE = "org.panamaipc";

    private ApiSurface() {
    }

    /** {@return the exported packages of the library's module} */
    static Set<String> exportedPackages() {
        Module module = OwnedFd.class.getModule();
        if (module.isNamed()) {
            return module.getDescriptor().exports().stream().filter(e -> !e.isQualified())
                    .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        }
        return Set.of("org.panamaipc", "org.panamaipc.lock", "org.panamaipc.mq", "org.panamaipc.pipe",
                "org.panamaipc.process", "org.panamaipc.shm", "org.panamaipc.signal", "org.panamaipc.socket",
                "org.panamaipc.sync");
    }

    /** {@return every public type, nested public types included, of the exported packages, by name} */
    static List<Class<?>> publicTypes() {
        Set<String> packages = exportedPackages();
        List<Class<?>> types = new ArrayList<>();
        for (String className : classNames()) {
            String pkg = className.substring(0, className.lastIndexOf('.'));
            if (!packages.contains(pkg)) {
                continue;
            }
            Class<?> type;
            try {
                type = Class.forName(className, false, OwnedFd.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            if (isPublicApi(type)) {
                types.add(type);
            }
        }
        types.sort(Comparator.comparing(Class::getName));
        return types;
    }

    private static boolean isPublicApi(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass() || t.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    /** {@return the public methods a type declares (inherited ones belong to their own type), no bridges} */
    static List<Method> publicMethods(Class<?> type) {
        return Stream.of(type.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isBridge() && !m.isSynthetic())
                .sorted(Comparator.comparing(ApiSurface::signature))
                .toList();
    }

    /** {@return every public instance method a value of the type answers, inherited ones from the library included} */
    static List<Method> publicInstanceMethods(Class<?> type) {
        return Stream.of(type.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && !m.isBridge() && !m.isSynthetic())
                .filter(m -> m.getDeclaringClass().getName().startsWith("org.panamaipc"))
                .sorted(Comparator.comparing(ApiSurface::signature))
                .toList();
    }

    /** {@return the public constructors of a type} */
    static List<Constructor<?>> publicConstructors(Class<?> type) {
        return Stream.of(type.getConstructors()).sorted(Comparator.comparing(ApiSurface::signature)).toList();
    }

    /** {@return e.g. {@code SharedMemory.create(String, long)}} */
    static String signature(Executable e) {
        String params = Stream.of(e.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "));
        String owner = e.getDeclaringClass().getName().substring(e.getDeclaringClass().getPackageName().length() + 1)
                .replace('$', '.');
        return (e instanceof Constructor<?> ? "new " + owner : owner + "." + e.getName()) + "(" + params + ")";
    }

    private static List<String> classNames() {
        ResolvedModule module = ModuleLayer.boot().configuration().findModule(MODULE).orElse(null);
        if (module == null) {
            throw new IllegalStateException("the library does not run as module " + MODULE);
        }
        // The tests are patched into the module: only what lies at the module's own location is the library.
        Path location = Path.of(module.reference().location().orElseThrow());
        try (ModuleReader reader = module.reference().open(); Stream<String> names = reader.list()) {
            return names.filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class"))
                    .filter(n -> !Files.isDirectory(location) || Files.exists(location.resolve(n)))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
