package io.kayak.core.check;

/** How an invoked operation ended, as far as its client knows. */
public enum Outcome {
    /** It took effect, exactly once, somewhere between invocation and completion, and returned its response. */
    OK,
    /** It definitely did not take effect (the server refused it before doing anything). */
    FAIL,
    /**
     * It may or may not have taken effect, at any time after its invocation — even long after the client gave up
     * (a timeout, a lost connection, a crash). Operations never completed in a history count as unknown as well.
     */
    UNKNOWN
}
