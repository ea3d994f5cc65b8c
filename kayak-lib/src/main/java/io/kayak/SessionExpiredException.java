package io.kayak;

/**
 * A session's append that did not and never will take effect, because its session is no longer open: it expired
 * (nothing from it in {@link HostOptions#sessionTimeout()} of log time), was closed, or was evicted when
 * {@link HostOptions#maxSessions()} newer sessions were opened. Open a new session to go on.
 */
public final class SessionExpiredException extends KayakException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public SessionExpiredException(String message) {
        super(message);
    }
}
