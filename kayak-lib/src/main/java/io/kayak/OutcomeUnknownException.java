package io.kayak;

/**
 * An append whose outcome is not known: it timed out, or the leader that accepted it lost leadership before it
 * committed. <strong>The entry may still commit</strong> (Raft cannot tell); an application that must not apply an
 * operation twice makes it idempotent or checks the log before retrying.
 */
public final class OutcomeUnknownException extends KayakException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public OutcomeUnknownException(String message) {
        super(message);
    }
}
