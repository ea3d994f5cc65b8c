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
 *   <li>{@link #append} keeps entries it already holds with the same term and removes the suffix only from the
 *       first conflicting entry (Raft's conflict truncation); the core never asks to remove a committed entry.</li>
 *   <li>Implementations used by the runtime are safe for one writer thread and concurrent readers.</li>
 *   <li>{@link #compact} drops entries up to an index that the caller has covered with a snapshot.</li>
 *   <li>{@link #installSnapshot} replaces the whole log by a snapshot's base; it is durable when it returns, and
 *       everything written before it is too.</li>
 * </ul>
 */
public interface LogStore extends LogStorage {
    /**
     * Writes entries with contiguous indices starting at most at {@code lastIndex() + 1}. Entries this store already
     * holds with the same index and term are kept as they are; from the first entry whose term differs, the existing
     * suffix is removed and replaced (Raft §5.3), so re-sending held entries never costs a synced one.
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

    /**
     * Discards the whole log and makes it start right after a snapshot received from the leader: afterwards
     * {@code firstIndex() == index + 1}, {@code lastIndex() == index}, {@code term(index) == term} and
     * {@code configurationBefore(index + 1)} is {@code configuration} at {@code index}. Writes made before it are
     * made durable first, and the change itself is durable when this returns, so a crash leaves either the old log
     * or the new base, never a mix.
     */
    void installSnapshot(long index, long term, Configuration configuration);
}
