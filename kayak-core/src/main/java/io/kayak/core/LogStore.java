package io.kayak.core;

import java.util.List;

/**
 * The write side of a member's log storage, and the durability contract that the real write-ahead log and the
 * simulator's disk both implement (one shared contract test suite checks both, so they cannot drift).
 *
 * <h2>Durability contract</h2>
 * <ul>
 *   <li>{@link #append} and {@link #saveHardState} take effect for readers at once, but are durable only after a
 *       later {@link #sync()} returns.</li>
 *   <li>After a crash, the store reopens holding everything written before the last completed {@code sync()},
 *       plus possibly a prefix of what was written after it (a torn tail is cut, never kept half).
 *       Nothing synced is ever lost; nothing is reordered.</li>
 *   <li>{@link #append} whose first index is at most {@link #lastIndex()} first removes the suffix from that index
 *       (Raft's conflict truncation); the core never asks to remove a committed entry.</li>
 *   <li>{@link #compact} drops entries up to an index that the caller has covered with a snapshot.</li>
 * </ul>
 */
public interface LogStore extends LogStorage {
    /**
     * Writes entries with contiguous indices starting at most at {@code lastIndex() + 1}, truncating any
     * existing suffix from the first entry's index.
     */
    void append(List<Entry> entries);

    /** Replaces the hard state; durable after the next {@link #sync()}. */
    void saveHardState(HardState state);

    /** The hard state last saved (durable or not). */
    HardState hardState();

    /** Makes everything written so far durable; returns only once it is. */
    void sync();

    /**
     * Drops entries up to {@code upToIndex}, which a snapshot covers. Implementations may keep some of those
     * entries (a segmented log deletes whole segments only), so afterwards {@code firstIndex() <= upToIndex + 1};
     * {@link #term(long)} of {@code firstIndex() - 1} and {@link #configurationBefore(long)} keep working.
     */
    void compact(long upToIndex);
}
