package io.kayak;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * The newest snapshot of this member, opened for reading with {@link Log#snapshot()}: the last index and term it
 * covers, the membership in force at that index, and the application's events, streamed from disk one at a time
 * (never held whole in memory). Rebuild the state machine from the events, then listen to the log from
 * {@code lastIndex() + 1}. Close it when done. Not thread-safe.
 */
public interface Snapshot extends AutoCloseable {
    /** The last log index the snapshot covers. */
    long lastIndex();

    /** The term of the entry at {@link #lastIndex()}. */
    long lastTerm();

    /** The members of the configuration in force at {@link #lastIndex()}. */
    List<Member> members();

    /**
     * The next event, in the order the application supplied them, or {@code null} after the last one.
     *
     * @throws StorageCorruptedException when the file is damaged (each event has a CRC)
     * @throws ClosedException           after {@link #close()}
     */
    byte @Nullable [] next();

    /** Closes the file; safe to call more than once. */
    @Override
    void close();
}
