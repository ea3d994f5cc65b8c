package io.kayak.runtime;

import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.LogStore;
import io.kayak.core.session.SessionTable;
import io.kayak.storage.SnapshotStore;

import java.util.List;

/**
 * Rebuilds the session table as of a past index, for a snapshot that covers it: the newest snapshot's table, then
 * every application entry after that snapshot up to the index, read back from the log. The live table on the raft
 * thread is usually ahead of the index an application snapshots at, and tables are small, so replaying is simpler
 * and safer than keeping old versions of the live one.
 */
final class SessionReplay {
    private static final long READ_BYTES = 4L << 20;

    private SessionReplay() {
    }

    static SessionTable tableAt(LogStore store, SnapshotStore snapshots, long until) {
        long from = snapshots.latest().map(m -> m.lastIndex()).orElse(0L);
        if (from > until) {
            throw new IllegalArgumentException("a snapshot already covers " + from + ", past " + until);
        }
        SessionTable table = LibrarySection.latest(snapshots);
        long next = from + 1;
        while (next <= until) {
            List<Entry> read = store.entries(next, until + 1, READ_BYTES);
            for (Entry e : read) {
                if (e.kind() == EntryKind.NORMAL) {
                    table.apply(e.index(), e.term(), e.payload());
                }
            }
            next = read.get(read.size() - 1).index() + 1;
        }
        return table;
    }
}
