package io.kayak;

/**
 * This member was removed from its cluster (by {@link Host#leave()}, or by another member's {@link Host#remove}):
 * a committed configuration no longer lists it, so it takes no further part. Its requests fail with this exception,
 * and its data directory refuses to start again, since a removed member that came back would never be sent the
 * log. To bring the machine back into the cluster, give it a fresh (empty) data directory and
 * {@link Kayak#join} it. Retrying on this member never succeeds.
 */
public final class MemberRemovedException extends KayakException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}, which should say which member and what to do. */
    public MemberRemovedException(String message) {
        super(message);
    }
}
