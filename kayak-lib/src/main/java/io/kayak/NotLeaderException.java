package io.kayak;

import org.jspecify.annotations.Nullable;

/**
 * The request needs the leader and could not reach it: this member is not the leader and could not forward, or
 * there is no leader right now (an election is in progress). Nothing was appended; retrying is safe.
 */
public final class NotLeaderException extends KayakException {
    private static final long serialVersionUID = 1L;
    private final @Nullable String leaderAddress;

    /** An exception with {@code message}; {@code leaderAddress} is the leader's address when known, else null. */
    public NotLeaderException(String message, @Nullable String leaderAddress) {
        super(message);
        this.leaderAddress = leaderAddress;
    }

    /** The leader's address when known, else {@code null}. */
    public @Nullable String leaderAddress() {
        return leaderAddress;
    }
}
