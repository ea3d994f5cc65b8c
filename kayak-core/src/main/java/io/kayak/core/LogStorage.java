package io.kayak.core;

import java.util.List;

/**
 * The core's read-only view of a member's log as written so far (durable or not yet synced).
 *
 * <p>The core reads through this interface synchronously and never writes through it: it hands entries to write
 * out in a {@link Ready}, and learns which are durable from {@link RaftNode#persisted(long, long)}. Everything before
 * {@link #firstIndex()} has been compacted into a snapshot; the term of the entry just before it (the snapshot's
 * last term) stays available.
 *
 * <p>Implementations: the durable write-ahead log of the {@code kayak} module, and the simulator's disk. Both also
 * implement {@link LogStore}, whose contract is checked by one shared test suite.
 */
public interface LogStorage {
    /** The first index still held in the log; {@code 1} until the first compaction. */
    long firstIndex();

    /** The last index written, or {@code firstIndex() - 1} when the log holds no entries. */
    long lastIndex();

    /**
     * The term of the entry at {@code index}, for {@code firstIndex() - 1 <= index <= lastIndex()}. Index 0 has
     * term 0.
     *
     * @throws CompactedException when {@code index < firstIndex() - 1}
     * @throws IllegalArgumentException when {@code index > lastIndex()}
     */
    long term(long index);

    /**
     * Entries {@code [from, toExclusive)}, stopping early once {@code maxBytes} (by {@link Entry#size()}) would be
     * exceeded; at least one entry is returned when the range is not empty.
     *
     * @throws CompactedException when {@code from < firstIndex()}
     */
    List<Entry> entries(long from, long toExclusive, long maxBytes);

    /**
     * The newest configuration written at an index below {@code index} (from a {@link EntryKind#CONFIG} entry,
     * or the snapshot's configuration when no such entry is left in the log), or {@code null} when there is none.
     */
    IndexedConfiguration configurationBefore(long index);
}
