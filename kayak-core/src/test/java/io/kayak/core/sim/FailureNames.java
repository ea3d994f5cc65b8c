package io.kayak.core.sim;

/**
 * Names the property a throwable out of a simulated step stands for. The invariant checks name theirs in the
 * message; an exception thrown by the core itself (its top frame is in the core's main code, not in the
 * simulator) is a violation too: the core met a state it believes impossible, or mishandled a legal input.
 */
final class FailureNames {
    private static final String CORE = "io.kayak.core.";
    private static final String SIMULATOR = "io.kayak.core.sim.";
    private static final String CHECKER = "io.kayak.core.check.";

    private FailureNames() {
    }

    static String describe(Throwable e) {
        if (thrownByCore(e)) {
            StackTraceElement top = e.getStackTrace()[0];
            return "core threw: " + e + " at " + top;
        }
        return String.valueOf(e.getMessage());
    }

    static boolean thrownByCore(Throwable e) {
        StackTraceElement[] trace = e.getStackTrace();
        if (trace.length == 0) {
            return false;
        }
        String cls = trace[0].getClassName();
        return cls.startsWith(CORE) && !cls.startsWith(SIMULATOR) && !cls.startsWith(CHECKER);
    }
}
