package io.kayak;

/** A request that does not change the log (a read barrier, a wait) did not complete in time; retrying is safe. */
public final class RequestTimeoutException extends KayakException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public RequestTimeoutException(String message) {
        super(message);
    }
}
