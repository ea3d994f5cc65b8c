package io.kayak.core;

/** A proposal or change was made on a member that is not the leader. Names the leader when one is known. */
public final class NotLeaderException extends RaftException {
    private static final long serialVersionUID = 1L;
    private final String leader;

    public NotLeaderException(String self, String leader) {
        super(self + " is not the leader" + (leader == null ? " and knows no leader" : "; the leader is " + leader));
        this.leader = leader;
    }

    /** The leader's id, or {@code null} when none is known. */
    public String leader() {
        return leader;
    }
}
