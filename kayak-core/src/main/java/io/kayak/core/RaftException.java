package io.kayak.core;

/** Base type of the core's typed refusals; each subclass says what was refused and why. */
public class RaftException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RaftException(String message) {
        super(message);
    }
}
