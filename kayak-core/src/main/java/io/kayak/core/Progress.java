package io.kayak.core;

/**
 * What the leader knows of one follower's log (Raft's {@code nextIndex}/{@code matchIndex}) and how it is
 * currently feeding it.
 *
 * <ul>
 *   <li>{@link State#PROBE}: the leader does not know where the logs agree; it sends one AppendEntries at a time
 *       and waits for the answer (or the next heartbeat) before sending another.</li>
 *   <li>{@link State#REPLICATE}: the logs agree up to {@link #match()}; the leader streams entries optimistically
 *       under the {@link Inflights} window.</li>
 *   <li>{@link State#SNAPSHOT}: the entries the follower needs are compacted; it must receive a snapshot first.</li>
 * </ul>
 */
final class Progress {
    enum State { PROBE, REPLICATE, SNAPSHOT }

    private long match;
    private long next;
    private State state = State.PROBE;
    private boolean probeSent;
    private boolean recentActive;
    private long pendingSnapshot;
    /** Ticks spent waiting for the follower to confirm the snapshot it was sent. */
    private int snapshotTicks;
    private long ackedRound;
    /** The highest commit index this follower was told it may apply (bounded by the entries each message named). */
    private long commitSent;
    private final Inflights inflights;

    Progress(long next, int maxInflightMessages, long maxInflightBytes) {
        this.next = next;
        this.inflights = new Inflights(maxInflightMessages, maxInflightBytes);
    }

    long match() {
        return match;
    }

    long next() {
        return next;
    }

    State state() {
        return state;
    }

    boolean recentActive() {
        return recentActive;
    }

    void recentActive(boolean active) {
        this.recentActive = active;
    }

    long pendingSnapshot() {
        return pendingSnapshot;
    }

    long ackedRound() {
        return ackedRound;
    }

    void ackRound(long round) {
        ackedRound = Math.max(ackedRound, round);
    }

    /** Records that a message told the follower it may commit up to {@code commit}. */
    void commitSent(long commit) {
        commitSent = Math.max(commitSent, commit);
    }

    /**
     * Whether the follower has not been told of {@code committed} although it can hold entries up to it: those it
     * acknowledged, and those in flight to it.
     */
    boolean lagsCommit(long committed) {
        return Math.min(committed, next - 1) > commitSent;
    }

    /** Whether the leader must hold back further AppendEntries to this follower for now. */
    boolean isPaused() {
        switch (state) {
            case PROBE: return probeSent;
            case REPLICATE: return inflights.full();
            default: return true;
        }
    }

    /** Frees the oldest in-flight message when the window is full (it was most likely lost). */
    void freeOneInflight() {
        if (state == State.REPLICATE && inflights.full()) {
            inflights.freeFirst();
        }
    }

    /** A heartbeat answer shows the follower is reachable again: allow the next probe. */
    void resumeProbe() {
        probeSent = false;
    }

    void becomeProbe() {
        if (state == State.SNAPSHOT) {
            // After a snapshot the follower holds at least the snapshot's entries.
            next = Math.max(match + 1, pendingSnapshot + 1);
        } else {
            next = match + 1;
        }
        state = State.PROBE;
        probeSent = false;
        pendingSnapshot = 0;
        inflights.reset();
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        next = match + 1;
        probeSent = false;
        pendingSnapshot = 0;
        inflights.reset();
    }

    /**
     * Counts one tick of waiting for a snapshot to be confirmed; returns true once {@code limit} ticks have passed,
     * when the leader should ask for it again (the request or its answer may have been lost).
     */
    boolean snapshotTimedOut(int limit) {
        return state == State.SNAPSHOT && ++snapshotTicks >= limit;
    }

    /** The snapshot was not installed: probe again from {@code match}, which asks for a new snapshot. */
    void abortSnapshot() {
        pendingSnapshot = 0;
        becomeProbe();
    }

    void becomeSnapshot(long snapshotIndex) {
        snapshotTicks = 0;
        state = State.SNAPSHOT;
        pendingSnapshot = snapshotIndex;
        probeSent = false;
        inflights.reset();
    }

    /** Records that AppendEntries with entries up to {@code lastIndex} ({@code bytes} in all) was sent. */
    void sent(long lastIndex, long bytes, boolean carriedEntries) {
        if (state == State.REPLICATE) {
            if (carriedEntries) {
                next = lastIndex + 1;
                inflights.add(lastIndex, bytes);
            }
        } else if (state == State.PROBE) {
            probeSent = true;
        }
    }

    /** Applies a successful acknowledgement; returns whether it told the leader something new. */
    boolean maybeUpdate(long index) {
        boolean updated = false;
        if (index > match) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        inflights.freeTo(index);
        return updated;
    }

    /**
     * Applies a rejection of the AppendEntries whose {@code prevIndex} was {@code rejected}, moving {@code next}
     * back to {@code hintNext} (from the follower's conflict hint). Returns false for a stale rejection.
     */
    boolean maybeDecreaseTo(long rejected, long hintNext) {
        if (state == State.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, hintNext), match + 1);
        probeSent = false;
        return true;
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + (isPaused() ? " paused" : "")
                + " inflight=" + inflights.count();
    }
}
