package io.kayak.core;

/**
 * The state a member must keep durable across restarts (Raft Figure 2 "persistent state"), plus the commit index,
 * which is not needed for safety but lets a restarted member apply what it knew to be committed without waiting.
 *
 * @param term     the latest term this member has seen
 * @param votedFor the member voted for in {@code term}, or {@code null}
 * @param commit   the highest index this member knows to be committed
 */
public record HardState(long term, String votedFor, long commit) {
    /** The state of a member that has never run. */
    public static final HardState INITIAL = new HardState(0, null, 0);

    public HardState {
        if (term < 0 || commit < 0) {
            throw new IllegalArgumentException("negative term or commit: " + term + ", " + commit);
        }
    }
}
