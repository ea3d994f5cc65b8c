package io.kayak.core.sim;

/**
 * Names the property a throwable out of a simulated step stands for. The invariant checks name theirs in the
 * message; an exception thrown by the core itself (its first frame outside the JDK is in the core's main code,
 * not in the simulator) is a violation too: the core met a state it believes impossible, or mishandled a legal
 * input.
 */
final class FailureNames {
    private static final String CORE = "io.kayak.core.";
    private static final String SIMULATOR = "io.kayak.core.sim.";
    private static final String CHECKER = "io.kayak.core.check.";

    private FailureNames() {
    }

    static String describe(Throwable e) {
        StackTraceElement thrower = thrower(e);
        if (thrower != null && isCore(thrower.getClassName())) {
            return "core threw: " + e + " at " + thrower;
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * The first frame outside the JDK: who threw, or whose call into the JDK threw (a core's misuse of a list
     * fails inside java.util, but the fault is the core's).
     */
    private static StackTraceElement thrower(Throwable e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            String cls = frame.getClassName();
            if (!cls.startsWith("java.") && !cls.startsWith("jdk.") && !cls.startsWith("sun.")) {
                return frame;
            }
        }
        return null;
    }

    private static boolean isCore(String cls) {
        return cls.startsWith(CORE) && !cls.startsWith(SIMULATOR) && !cls.startsWith(CHECKER);
    }
}
