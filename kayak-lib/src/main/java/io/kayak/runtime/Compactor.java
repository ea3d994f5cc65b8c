package io.kayak.runtime;

import io.kayak.core.IndexedConfiguration;
import io.kayak.core.LogStore;
import io.kayak.storage.SnapshotStore;
import io.kayak.storage.SnapshotWriter;

import java.util.Iterator;
import java.util.function.LongSupplier;

/**
 * Turns an application's snapshot into a compacted log: checks that the snapshot may cover {@code until}, streams
 * its events into the snapshot store, and only once the snapshot is durable drops the log's prefix. A crash
 * anywhere leaves either the old snapshot with the whole log, or the new snapshot with the log (perhaps not yet
 * compacted): never a log prefix that no snapshot covers. The log may keep a trailing window below the snapshot's
 * index ({@code keep}); it is never compacted beyond the snapshot.
 */
final class Compactor {
    private final LogStore store;
    private final SnapshotStore snapshots;
    private final LongSupplier applied;
    private final LongSupplier acked;

    /**
     * @param applied the highest index committed and applied on this member
     * @param acked   the highest index the application acknowledged as applied to its own state
     */
    Compactor(LogStore store, SnapshotStore snapshots, LongSupplier applied, LongSupplier acked) {
        this.store = store;
        this.snapshots = snapshots;
        this.applied = applied;
        this.acked = acked;
    }

    /** The latest snapshot's last index, or 0 without one. */
    long snapshotIndex() {
        return snapshots.latest().map(m -> m.lastIndex()).orElse(0L);
    }

    /** {@link #compact(long, Iterator, long, long)} keeping no trailing window. */
    void compact(long until, Iterator<byte[]> events, long count) {
        compact(until, events, count, 0);
    }

    /**
     * Writes the snapshot covering {@code until}, then compacts the log up to {@code until - keep} (whole segments
     * only), leaving at least {@code keep} entries below the snapshot's index for lagging followers.
     */
    synchronized void compact(long until, Iterator<byte[]> events, long count, long keep) {
        if (until < 1) {
            throw new IllegalArgumentException("a snapshot covers at least index 1, not " + until);
        }
        if (until > applied.getAsLong()) {
            throw new IllegalArgumentException("cannot snapshot up to " + until + ": only " + applied.getAsLong()
                    + " is committed and applied on this member");
        }
        if (until > acked.getAsLong()) {
            throw new IllegalArgumentException("cannot snapshot up to " + until + ": the application acknowledged "
                    + "only " + acked.getAsLong() + " as applied (Sync.ack)");
        }
        long existing = snapshotIndex();
        if (until < existing) {
            throw new IllegalArgumentException("cannot snapshot up to " + until + ": a snapshot already covers "
                    + existing);
        }
        if (keep < 0) {
            throw new IllegalArgumentException("negative trailing window " + keep);
        }
        if (count < 0) {
            throw new IllegalArgumentException("negative event count " + count);
        }
        long term = store.term(until);
        // The configuration in force at `until`, not the current one: later changes are replayed from the log.
        IndexedConfiguration config = store.configurationBefore(until + 1);
        if (config == null) {
            throw new IllegalStateException("no configuration is known at index " + until);
        }
        // The library's section first: the session table as of `until`, so sessions survive the log's compaction.
        byte[] section = LibrarySection.encode(SessionReplay.tableAt(store, snapshots, until));
        try (SnapshotWriter writer = snapshots.begin(until, term, config.configuration())) {
            writer.write(section);
            while (events.hasNext()) {
                if (writer.count() - 1 == count) {
                    throw new IllegalArgumentException("the snapshot has more than the " + count
                            + " events announced");
                }
                writer.write(events.next());
            }
            if (writer.count() - 1 != count) {
                throw new IllegalArgumentException("the snapshot has " + (writer.count() - 1) + " events, not the "
                        + count + " announced");
            }
            writer.commit();
        }
        if (until - keep >= 1) {
            store.compact(until - keep);
        }
    }
}
