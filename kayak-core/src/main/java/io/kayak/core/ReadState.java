package io.kayak.core;

/**
 * A released linearizable read: once the local state machine has applied {@code index}, reading local state
 * observes every write committed before the read was requested.
 *
 * @param requestId the id given to {@link RaftNode#readIndex(long)}
 * @param index     the commit index the read must wait for
 */
public record ReadState(long requestId, long index) {
}
