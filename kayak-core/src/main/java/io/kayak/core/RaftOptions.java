package io.kayak.core;

import java.util.Objects;

/**
 * Tunables of one member's core. Times are counted in ticks: the driver calls {@link RaftNode#tick()} at a fixed
 * interval (the runtime chooses the interval), so the core never reads a clock.
 *
 * <p>Defaults: election timeout 10 ticks (randomized in [10, 20) at every election), heartbeat every tick,
 * pre-vote and check-quorum on, at most 256 AppendEntries and 8 MiB in flight per follower, AppendEntries up to
 * 1 MiB, committed entries handed out up to 16 MiB per Ready, commit notices sent at once
 * ({@link #deferCommitNotice()} off), conflict hints followed ({@link #conflictHints()} on).
 */
public final class RaftOptions {
    private final String id;
    private final long seed;
    private final int electionTicks;
    private final int heartbeatTicks;
    private final boolean preVote;
    private final boolean checkQuorum;
    private final int maxInflightMessages;
    private final long maxInflightBytes;
    private final long maxAppendBytes;
    private final long maxApplyBytes;
    private final long applied;
    private final boolean deferCommitNotice;
    private final boolean conflictHints;

    private RaftOptions(Builder b) {
        this.id = Objects.requireNonNull(b.id, "id");
        this.seed = b.seed;
        this.electionTicks = b.electionTicks;
        this.heartbeatTicks = b.heartbeatTicks;
        this.preVote = b.preVote;
        this.checkQuorum = b.checkQuorum;
        this.maxInflightMessages = b.maxInflightMessages;
        this.maxInflightBytes = b.maxInflightBytes;
        this.maxAppendBytes = b.maxAppendBytes;
        this.maxApplyBytes = b.maxApplyBytes;
        this.applied = b.applied;
        this.deferCommitNotice = b.deferCommitNotice;
        this.conflictHints = b.conflictHints;
        if (heartbeatTicks < 1 || electionTicks <= heartbeatTicks) {
            throw new IllegalArgumentException("need 1 <= heartbeatTicks < electionTicks, got "
                    + heartbeatTicks + " and " + electionTicks);
        }
        if (maxInflightMessages < 1 || maxInflightBytes < 1 || maxAppendBytes < 1 || maxApplyBytes < 1) {
            throw new IllegalArgumentException("flow-control limits must be positive");
        }
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** This member's id. */
    public String id() {
        return id;
    }

    /** Seed of the randomized election timeouts. */
    public long seed() {
        return seed;
    }

    public int electionTicks() {
        return electionTicks;
    }

    public int heartbeatTicks() {
        return heartbeatTicks;
    }

    public boolean preVote() {
        return preVote;
    }

    public boolean checkQuorum() {
        return checkQuorum;
    }

    public int maxInflightMessages() {
        return maxInflightMessages;
    }

    public long maxInflightBytes() {
        return maxInflightBytes;
    }

    public long maxAppendBytes() {
        return maxAppendBytes;
    }

    public long maxApplyBytes() {
        return maxApplyBytes;
    }

    /** The last index the application had applied before this start (0, or a snapshot's index). */
    public long applied() {
        return applied;
    }

    /**
     * Whether a leader whose commit index advanced waits to tell its followers. Off (the default), it sends every
     * follower that has nothing new to receive an empty AppendEntries carrying the new commit index at once, which
     * doubles the messages of a lightly loaded cluster (each of them answered). On, the commit index travels with
     * the next AppendEntries or heartbeat, or when the driver calls {@link RaftNode#sendCommitNotice()}: a driver
     * that turns this on must call it soon after {@link RaftNode#commitNoticePending()} turns true, or followers
     * apply up to a heartbeat later. Either way only when followers learn of commits changes, never what commits.
     */
    public boolean deferCommitNotice() {
        return deferCommitNotice;
    }

    /**
     * Whether a leader follows the conflict hint of a rejected AppendEntries (Raft §5.3's optimization: jump back
     * past the follower's conflicting term). On by default. A testing knob: off, the leader backs off one entry per
     * rejection, as in the paper's basic algorithm. That is slower but just as correct, and it makes the rarer
     * follower rules (a matching AppendEntries that stops short of a stale suffix) happen far more often, so the
     * simulator turns it off for some seeds. Production has no reason to turn it off.
     */
    public boolean conflictHints() {
        return conflictHints;
    }

    /** Builds {@link RaftOptions}; every setter documents its default on {@link RaftOptions}. */
    public static final class Builder {
        private final String id;
        private long seed;
        private int electionTicks = 10;
        private int heartbeatTicks = 1;
        private boolean preVote = true;
        private boolean checkQuorum = true;
        private int maxInflightMessages = 256;
        private long maxInflightBytes = 8L << 20;
        private long maxAppendBytes = 1L << 20;
        private long maxApplyBytes = 16L << 20;
        private long applied;
        private boolean deferCommitNotice;
        private boolean conflictHints = true;

        private Builder(String id) {
            this.id = id;
            this.seed = id == null ? 0 : id.hashCode();
        }

        public Builder deferCommitNotice(boolean on) {
            this.deferCommitNotice = on;
            return this;
        }

        public Builder conflictHints(boolean on) {
            this.conflictHints = on;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder electionTicks(int ticks) {
            this.electionTicks = ticks;
            return this;
        }

        public Builder heartbeatTicks(int ticks) {
            this.heartbeatTicks = ticks;
            return this;
        }

        public Builder preVote(boolean on) {
            this.preVote = on;
            return this;
        }

        public Builder checkQuorum(boolean on) {
            this.checkQuorum = on;
            return this;
        }

        public Builder maxInflightMessages(int n) {
            this.maxInflightMessages = n;
            return this;
        }

        public Builder maxInflightBytes(long n) {
            this.maxInflightBytes = n;
            return this;
        }

        public Builder maxAppendBytes(long n) {
            this.maxAppendBytes = n;
            return this;
        }

        public Builder maxApplyBytes(long n) {
            this.maxApplyBytes = n;
            return this;
        }

        public Builder applied(long index) {
            this.applied = index;
            return this;
        }

        public RaftOptions build() {
            return new RaftOptions(this);
        }
    }
}
