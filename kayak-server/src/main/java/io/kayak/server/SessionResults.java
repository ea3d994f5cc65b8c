package io.kayak.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The results of clients' session writes, by (session, sequence), so that a retried write is answered with the
 * result its first copy had: a compare-and-set's 412 stays 412, a delete's 404 stays 404, an increment keeps its
 * number. Part of the replicated state: changed only by applying committed entries in log order, and carried in
 * snapshots as {@link Command.Remembered} events, so every member remembers the same results, across restarts,
 * compaction and snapshot installs.
 *
 * <p>Bounds, both deterministic: a session write forgets its session's results below the {@code firstUnanswered} it
 * reports (the client has those answers), and beyond {@link #CAP} results in all the oldest (lowest log index) is
 * forgotten. The library's own session table refuses a retry below {@code firstUnanswered} before it reaches here;
 * only a retry of a result pushed out by the cap finds nothing.
 *
 * <p>Written by the applier thread, read by request threads: every method is synchronized.
 */
final class SessionResults {
    /** The most results remembered at once, over all sessions. */
    static final int CAP = 100_000;

    /** A result and where it belongs. */
    private record Key(long session, long sequence) {
    }

    private final int cap;
    /** Every remembered result's key by the log index of its write: the oldest is the first. */
    private final TreeMap<Long, Key> byIndex = new TreeMap<>();
    private final Map<Long, TreeMap<Long, Outcome>> bySession = new HashMap<>();

    SessionResults() {
        this(CAP);
    }

    /** With another cap (tests). */
    SessionResults(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("cap " + cap);
        }
        this.cap = cap;
    }

    /**
     * Remembers the result of the write {@code at}, applied as {@code outcome}, after forgetting the results of its
     * session below {@code at.firstUnanswered()}.
     */
    synchronized void record(SessionSequence at, Outcome outcome) {
        TreeMap<Long, Outcome> session = bySession.get(at.session());
        if (session != null) {
            Map<Long, Outcome> answered = session.headMap(at.firstUnanswered());
            answered.values().forEach(o -> byIndex.remove(o.index()));
            answered.clear();
        }
        put(at.session(), at.sequence(), outcome);
    }

    /** Restores one result of a snapshot; events come oldest first, as {@link #events()} lists them. */
    synchronized void restore(Command.Remembered event) {
        put(event.session(), event.sequence(), event.outcome());
    }

    private void put(long sessionId, long sequence, Outcome outcome) {
        TreeMap<Long, Outcome> session = bySession.computeIfAbsent(sessionId, id -> new TreeMap<>());
        Outcome replaced = session.put(sequence, outcome);
        if (replaced != null) {
            // The library never hands out two first copies of one (session, sequence); keep the index map exact
            // all the same.
            byIndex.remove(replaced.index());
        }
        byIndex.put(outcome.index(), new Key(sessionId, sequence));
        while (byIndex.size() > cap) {
            Key oldest = byIndex.pollFirstEntry().getValue();
            forget(oldest);
        }
    }

    private void forget(Key key) {
        TreeMap<Long, Outcome> session = bySession.get(key.session());
        if (session != null) {
            session.remove(key.sequence());
            if (session.isEmpty()) {
                bySession.remove(key.session());
            }
        }
    }

    /** The result of write {@code sequence} of {@code session}, unless it was never applied or is forgotten. */
    synchronized Optional<Outcome> find(long session, long sequence) {
        TreeMap<Long, Outcome> results = bySession.get(session);
        return Optional.ofNullable(results == null ? null : results.get(sequence));
    }

    /** How many results are remembered. */
    synchronized int size() {
        return byIndex.size();
    }

    /** The results as snapshot events, oldest first, copied now (the caller holds the applier out). */
    synchronized List<Command.Remembered> events() {
        List<Command.Remembered> events = new ArrayList<>(byIndex.size());
        for (Key key : byIndex.values()) {
            events.add(new Command.Remembered(key.session(), key.sequence(),
                    bySession.get(key.session()).get(key.sequence())));
        }
        return events;
    }
}
