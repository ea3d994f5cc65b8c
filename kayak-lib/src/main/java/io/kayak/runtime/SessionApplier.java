package io.kayak.runtime;

import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.session.SessionTable;

import java.util.concurrent.ConcurrentSkipListMap;

/**
 * This member's live session table, applied on the raft thread to each committed application entry before
 * listeners may read it, and the outcome of every entry that listeners must not see as the application's: session
 * bookkeeping, duplicates of committed appends, refused appends. Listeners (other threads) ask {@link #outcome};
 * an index it does not know is an ordinary entry for the application.
 */
final class SessionApplier {
    /** Read by metrics on other threads; a stale value there is harmless. */
    private volatile SessionTable table;
    private volatile long duplicates;
    private volatile long refused;
    private final ConcurrentSkipListMap<Long, SessionTable.Outcome> skipped = new ConcurrentSkipListMap<>();

    SessionApplier(SessionTable initial) {
        this.table = initial;
    }

    /** Applies a committed entry (only application entries change anything); returns what it was. */
    SessionTable.Outcome apply(Entry e) {
        if (e.kind() != EntryKind.NORMAL) {
            return null;
        }
        SessionTable.Outcome outcome = table.apply(e.index(), e.term(), e.payload());
        if (!(outcome instanceof SessionTable.Fresh)) {
            skipped.put(e.index(), outcome);
            if (outcome instanceof SessionTable.Duplicate) {
                duplicates++; // one writer, the raft thread
            } else if (outcome instanceof SessionTable.Refused) {
                refused++;
            }
        }
        return outcome;
    }

    /** What the entry at {@code index} was, if not an ordinary application entry; null for an ordinary one. */
    SessionTable.Outcome outcome(long index) {
        return skipped.get(index);
    }

    /** A snapshot up to {@code index} replaced the log: its table replaces this one. */
    void reset(SessionTable fromSnapshot, long index) {
        table = fromSnapshot;
        skipped.headMap(index, true).clear();
    }

    /** Forgets outcomes of compacted entries (nobody can read them any more). */
    void forgetBelow(long firstIndex) {
        skipped.headMap(firstIndex).clear();
    }

    /** How many sessions are open (a metric). */
    int openSessions() {
        return table.size();
    }

    /** How many retried copies of committed appends were skipped since this member started. */
    long duplicates() {
        return duplicates;
    }

    /** How many appends of sessions that were gone were refused since this member started. */
    long refused() {
        return refused;
    }
}
