package org.panamaipc.internal;

import java.lang.foreign.ValueLayout;
import java.util.function.IntSupplier;

/**
 * Tells, once, whether the JVM lets this library call native code, and says which flag to
 * add when it does not.
 *
 * <p>Without native access every class that touches the generated bindings fails in its
 * static initializer, and a class that failed once answers every later use with a bare
 * {@code NoClassDefFoundError: Could not initialize class ...}: the reason is lost as soon as
 * a {@code finally} block touches the library again. So the library calls {@link #require()}
 * before it first touches the bindings: in the entry points of the classes an application
 * starts with (their own static initializers touch no bindings, so they never fail), and as
 * the first static initializer of the classes that do. The error it throws is an
 * {@link Error}, which a static initializer passes on as it is, unwrapped.
 *
 * <p>The check itself calls one restricted method: where the JVM warns instead of denying
 * (the default of JDK 25, {@code --illegal-native-access=warn}), that is where its one
 * warning comes from.
 */
public final class NativeAccess {

    /** Why native access is denied, or null when it is allowed. */
    private static final String DENIED = probe();

    private NativeAccess() {
    }

    /**
     * Returns normally when the library may call native code.
     *
     * @throws NativeAccessError if the JVM denies it, naming the flag to add
     */
    public static void require() {
        if (DENIED != null) {
            throw new NativeAccessError(DENIED);
        }
    }

    /**
     * Reads a C library value after the check, for the constants of an enum, which run
     * before any static initializer of their own could: {@code NORMAL(NativeAccess.value(LibC::MADV_NORMAL))}.
     *
     * @param value the generated accessor
     * @return its value
     * @throws NativeAccessError if the JVM denies native access
     */
    public static int value(IntSupplier value) {
        require();
        return value.getAsInt();
    }

    private static String probe() {
        try {
            // Restricted, like every downcall the bindings make, and harmless.
            ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_BYTE);
            return null;
        } catch (IllegalCallerException denied) {
            return message(NativeAccess.class.getModule().isNamed(), denied.getMessage());
        }
    }

    /**
     * The message for a JVM that denies native access.
     *
     * @param named whether the library runs as a named module (on the module path)
     * @param reason what the JVM said
     * @return the message, naming the flag to add
     */
    static String message(boolean named, String reason) {
        String flag = named ? "--enable-native-access=org.panamaipc" : "--enable-native-access=ALL-UNNAMED";
        return "panama-ipc calls native code, and this JVM does not allow it to (" + reason + "). Start java with "
                + flag + (named ? " (the library runs as a module on the module path)"
                        : " (the library runs on the class path; on the module path it would be"
                        + " --enable-native-access=org.panamaipc)");
    }
}
