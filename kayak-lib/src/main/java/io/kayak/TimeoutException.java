package io.kayak;

/** A request that does not change the log (a read barrier, a wait) did not complete in time; retrying is safe. */
public final class TimeoutException extends KayakException {
    private static final long serialVersionUID = 1L;

    public TimeoutException(String message) {
        super(message);
    }
}
