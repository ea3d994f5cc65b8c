package io.kayak;

/** The host (or listener) was closed; pending requests fail with this, new ones are refused. */
public final class ClosedException extends KayakException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public ClosedException(String message) {
        super(message);
    }
}
