package io.kayak;

/**
 * An index outside the log: compacted into a snapshot (rebuild from {@link Log#snapshot()}, then listen from its
 * last index + 1), or not yet written.
 */
public final class OutOfBoundsException extends KayakException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public OutOfBoundsException(String message) {
        super(message);
    }
}
