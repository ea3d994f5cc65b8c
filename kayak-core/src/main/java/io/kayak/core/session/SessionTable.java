package io.kayak.core.session;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replicated table of client sessions (Raft dissertation §6.3): which sessions are open, and for each the
 * outcome of every append it has not yet acknowledged receiving. Every member applies the same committed entries in
 * the same order to its own table, so all tables agree; that is what makes a retried append harmless. A session's
 * append whose (session, sequence) the table already holds is a <em>duplicate</em>: it is not handed to the
 * application again, and its caller learns the index where the first copy committed.
 *
 * <p>Time here is <em>log time</em>: the largest leader stamp applied so far ({@link Envelope#stamp}). Expiry
 * compares log time with a session's last activity, so a cluster that commits nothing for a while (an outage)
 * expires nobody, and every member expires the same sessions at the same entry. Local clocks are never read.
 *
 * <p>Bounds: at most {@code maxSessions} sessions (the number the opening entry carries; opening one more evicts
 * the session closest to expiry), and per session at most {@link #MAX_UNANSWERED} remembered outcomes, trimmed as
 * the session reports which answers it has received ({@code firstUnanswered}: every sequence below it has been
 * answered, so its outcome is no longer needed; a copy of such a sequence arriving later is refused, never
 * applied).
 *
 * <p>Not thread-safe: one applier.
 */
public final class SessionTable {
    /** The most outcomes one session may leave unacknowledged; more appends in flight are refused. */
    public static final int MAX_UNANSWERED = 16_384;

    /** What applying one entry did. */
    public sealed interface Outcome {
    }

    /** The entry is new: hand it to the application. {@code index}/{@code term} are its own. */
    public record Fresh(long index, long term) implements Outcome {
    }

    /** The entry repeats a (session, sequence) that committed at {@code index}/{@code term}: skip it. */
    public record Duplicate(long index, long term) implements Outcome {
    }

    /** The entry was refused and skipped, for good: its session is gone, or the sequence is outside the window. */
    public record Refused(Reason reason, String message) implements Outcome {
    }

    /**
     * A session's bookkeeping (open, keep-alive of an open session, close): nothing for the application. A
     * keep-alive of a session that is gone is {@link Refused} instead, so that its client learns it.
     */
    public record Bookkeeping(long session) implements Outcome {
    }

    /** Why an append was refused. */
    public enum Reason {
        /** The session expired, was closed or evicted, or never existed. */
        UNKNOWN_SESSION,
        /** The sequence was answered and acknowledged already; its outcome is forgotten. */
        ANSWERED_ALREADY,
        /** The session has {@link #MAX_UNANSWERED} outcomes its client has not acknowledged. */
        TOO_MANY_UNANSWERED,
        /** The entry's envelope could not be decoded (every member decodes the same bytes the same way). */
        MALFORMED
    }

    private static final class Session {
        final long id;
        final long timeoutMillis;
        long lastActive;
        /** The time this session is filed under in {@code expiries}: never after {@link #expiresAt()}. */
        long queuedAt;
        long firstUnanswered;
        /** Outcome (index, term) by sequence, for the sequences at or above {@link #firstUnanswered}. */
        final HashMap<Long, long[]> outcomes = new HashMap<>();

        Session(long id, long timeoutMillis, long lastActive) {
            this.id = id;
            this.timeoutMillis = timeoutMillis;
            this.lastActive = lastActive;
        }

        /** When the session expires; a timeout too long to add (up to {@code Long.MAX_VALUE}) never ends. */
        long expiresAt() {
            long at = lastActive + timeoutMillis;
            return timeoutMillis > 0 && at < lastActive ? Long.MAX_VALUE : at;
        }
    }

    private record Expiry(long at, long session) implements Comparable<Expiry> {
        @Override
        public int compareTo(Expiry o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(session, o.session);
        }
    }

    private final TreeMap<Long, Session> sessions = new TreeMap<>();
    /**
     * One entry per open session, filed under a time no later than its expiry. Activity does not refile a session
     * (that would be two tree operations per append); a session found at the front with a stale time is refiled
     * then. Since filed times never exceed true ones, the front is found exactly where a fully ordered set would
     * put it: {@link #advance} and eviction decide as if every session were filed under its true expiry.
     */
    private final TreeSet<Expiry> expiries = new TreeSet<>();
    private long logTime;

    /** An empty table. */
    public SessionTable() {
    }

    /**
     * Applies the committed application entry at {@code index}, whose stored payload (envelope included) is
     * {@code entry}. Entries must come in log order, each once.
     */
    public Outcome apply(long index, long term, byte[] entry) {
        Envelope.Type type;
        Envelope.Fields f;
        try {
            type = Envelope.type(entry);
            if (type == Envelope.Type.PLAIN) {
                return new Fresh(index, term);
            }
            f = Envelope.decode(entry);
        } catch (IllegalArgumentException e) {
            return new Refused(Reason.MALFORMED, "entry " + index + ": " + e.getMessage());
        }
        advance(f.stamp());
        switch (type) {
            case OPEN -> {
                open(index, f.timeoutMillis(), f.maxSessions());
                return new Bookkeeping(index);
            }
            case CLOSE -> {
                Session s = sessions.remove(f.session());
                if (s != null) {
                    expiries.remove(new Expiry(s.queuedAt, s.id));
                }
                return new Bookkeeping(f.session());
            }
            case KEEP_ALIVE -> {
                Session s = sessions.get(f.session());
                if (s == null) {
                    // Its client must learn that the session is gone (before it appends on, or stops caring).
                    return unknownSession(f.session());
                }
                touch(s, f.firstUnanswered());
                return new Bookkeeping(f.session());
            }
            default -> {
                return append(index, term, f);
            }
        }
    }

    private Outcome append(long index, long term, Envelope.Fields f) {
        Session s = sessions.get(f.session());
        if (s == null) {
            return unknownSession(f.session());
        }
        touch(s, f.firstUnanswered());
        long[] earlier = s.outcomes.get(f.sequence());
        if (earlier != null) {
            return new Duplicate(earlier[0], earlier[1]);
        }
        if (f.sequence() < s.firstUnanswered) {
            return new Refused(Reason.ANSWERED_ALREADY, "sequence " + f.sequence() + " of session " + s.id
                    + " was answered and acknowledged already (the session's first unanswered is "
                    + s.firstUnanswered + ")");
        }
        if (s.outcomes.size() >= MAX_UNANSWERED) {
            return new Refused(Reason.TOO_MANY_UNANSWERED, "session " + s.id + " has " + MAX_UNANSWERED
                    + " unacknowledged outcomes");
        }
        s.outcomes.put(f.sequence(), new long[] {index, term});
        return new Fresh(index, term);
    }

    private static Refused unknownSession(long session) {
        return new Refused(Reason.UNKNOWN_SESSION, "session " + session
                + " is not open: it expired, was closed, or was evicted to make room for newer ones");
    }

    private void open(long id, long timeoutMillis, int maxSessions) {
        while (!sessions.isEmpty() && sessions.size() >= Math.max(1, maxSessions)) {
            sessions.remove(pollClosestToExpiry().id);
        }
        Session s = new Session(id, timeoutMillis, logTime);
        sessions.put(id, s);
        file(s);
    }

    private void file(Session s) {
        s.queuedAt = s.expiresAt();
        expiries.add(new Expiry(s.queuedAt, s.id));
    }

    /** Takes the session that expires first (ties: the lower id) out of {@code expiries}, refiling stale ones. */
    private Session pollClosestToExpiry() {
        while (true) {
            Session s = sessions.get(expiries.pollFirst().session());
            if (s.queuedAt == s.expiresAt()) {
                return s;
            }
            file(s);
        }
    }

    private void touch(Session s, long firstUnanswered) {
        s.lastActive = logTime;
        if (firstUnanswered > s.firstUnanswered) {
            long from = s.firstUnanswered;
            s.firstUnanswered = firstUnanswered;
            // Outcomes below the old first unanswered are gone already: walk the sequences that just became
            // answered, or the outcomes themselves when they are fewer (a client may jump far ahead).
            if (firstUnanswered - from <= s.outcomes.size()) {
                for (long seq = from; seq < firstUnanswered; seq++) {
                    s.outcomes.remove(seq);
                }
            } else {
                s.outcomes.keySet().removeIf(seq -> seq < firstUnanswered);
            }
        }
    }

    /** Moves log time forward to {@code stamp} (never back) and expires the sessions idle for too long. */
    private void advance(long stamp) {
        logTime = Math.max(logTime, stamp);
        while (!expiries.isEmpty() && expiries.first().at() < logTime) {
            Session s = sessions.get(expiries.pollFirst().session());
            if (s.expiresAt() < logTime) {
                sessions.remove(s.id);
            } else {
                file(s); // active since it was filed: filed again under its true expiry
            }
        }
    }

    /** Whether {@code session} is open as of the last applied entry. */
    public boolean isOpen(long session) {
        return sessions.containsKey(session);
    }

    /** How many sessions are open. */
    public int size() {
        return sessions.size();
    }

    /** The largest leader stamp applied so far, in milliseconds. */
    public long logTime() {
        return logTime;
    }

    /** The table as bytes, for the library's section of a snapshot; {@link #decode} restores it exactly. */
    public byte[] encode() {
        int size = 8 + 4;
        for (Session s : sessions.values()) {
            size += 8 * 4 + 4 + s.outcomes.size() * 24;
        }
        Bytes b = Bytes.writing(size);
        b.putLong(logTime).putInt(sessions.size());
        for (Session s : sessions.values()) {
            b.putLong(s.id).putLong(s.timeoutMillis).putLong(s.lastActive).putLong(s.firstUnanswered);
            b.putInt(s.outcomes.size());
            // In sequence order: members holding equal tables write equal bytes.
            for (Map.Entry<Long, long[]> e : new TreeMap<>(s.outcomes).entrySet()) {
                b.putLong(e.getKey()).putLong(e.getValue()[0]).putLong(e.getValue()[1]);
            }
        }
        return b.array();
    }

    /**
     * Restores a table written by {@link #encode}.
     *
     * @throws IllegalArgumentException when the bytes are not such a table
     */
    public static SessionTable decode(byte[] bytes) {
        SessionTable t = new SessionTable();
        try {
            Bytes b = Bytes.reading(bytes, 0);
            t.logTime = b.getLong();
            int count = b.getInt();
            for (int i = 0; i < count; i++) {
                Session s = new Session(b.getLong(), b.getLong(), b.getLong());
                s.firstUnanswered = b.getLong();
                int outcomes = b.getInt();
                for (int j = 0; j < outcomes; j++) {
                    s.outcomes.put(b.getLong(), new long[] {b.getLong(), b.getLong()});
                }
                t.sessions.put(s.id, s);
                t.file(s);
            }
            if (b.remaining() > 0) {
                throw new IllegalArgumentException(b.remaining() + " bytes after the session table");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a session table: " + e.getMessage(), e);
        }
        return t;
    }

    /** Equal when the encoded forms are: two members that applied the same entries hold equal tables. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SessionTable other && java.util.Arrays.equals(encode(), other.encode());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(encode());
    }
}
