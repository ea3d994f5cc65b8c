package io.kayak.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The leader's pending linearizable reads (ReadIndex, dissertation §6.4).
 *
 * <p>A read is released with index {@code i} only when both hold:
 * <ol>
 *   <li>the leader has committed an entry of its current term, and {@code i} is its commit index from then or
 *       later (so {@code i} covers everything committed anywhere before the read arrived);</li>
 *   <li>a quorum has acknowledged a heartbeat <em>round</em> that started after the read arrived, proving no newer
 *       leader existed when the read was taken.</li>
 * </ol>
 * Reads that arrive before the next round's heartbeats leave share that round. Rounds are numbered; an
 * acknowledgement of round {@code r} confirms every round up to {@code r} and nothing later, so an old answer
 * never releases a newer read.
 */
final class ReadIndexTracker {
    /** A read waiting for its round; {@code origin} is the member that asked (maybe this one). */
    record PendingRead(String origin, long requestId, long round, long index) {
    }

    private final Deque<PendingRead> pending = new ArrayDeque<>();
    private long round;
    private boolean roundOpen;

    /** The newest round number (carried by every heartbeat). */
    long round() {
        return round;
    }

    /**
     * Registers a read. Returns true when it opened a new round whose heartbeats the leader must send now.
     *
     * @param index the commit index to serve the read at, or -1 while the leader has not yet committed an
     *              entry of its term (it is filled in by {@link #termCommitted})
     */
    boolean add(String origin, long requestId, long index) {
        boolean opened = false;
        if (!roundOpen) {
            round++;
            roundOpen = true;
            opened = true;
        }
        pending.addLast(new PendingRead(origin, requestId, round, index));
        return opened;
    }

    /**
     * Closes the open round: its heartbeats are about to leave, so a read that arrives from now on needs a newer
     * round.
     */
    void closeRound() {
        roundOpen = false;
    }

    /** The leader committed the first entry of its term: reads waiting for it are served at {@code commit}. */
    void termCommitted(long commit) {
        List<PendingRead> updated = new ArrayList<>(pending.size());
        for (PendingRead r : pending) {
            updated.add(r.index() < 0 ? new PendingRead(r.origin(), r.requestId(), r.round(), commit) : r);
        }
        pending.clear();
        pending.addAll(updated);
    }

    /** Removes and returns the reads that a quorum acknowledgement of {@code ackedRound} releases, in order. */
    List<PendingRead> release(long ackedRound) {
        List<PendingRead> out = new ArrayList<>();
        while (!pending.isEmpty() && pending.peekFirst().round() <= ackedRound && pending.peekFirst().index() >= 0) {
            out.add(pending.pollFirst());
        }
        return out;
    }

    /** Removes and returns every pending read (leadership lost). */
    List<PendingRead> drain() {
        List<PendingRead> out = new ArrayList<>(pending);
        pending.clear();
        roundOpen = false;
        return out;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }
}
