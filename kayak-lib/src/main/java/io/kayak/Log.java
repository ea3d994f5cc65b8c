package io.kayak;

import io.kayak.core.Entry;

import java.util.concurrent.CompletableFuture;

/**
 * The replicated log: one ordered sequence of entries, identical on every member.
 *
 * <p>Application entries are {@link io.kayak.core.EntryKind#NORMAL}. Kayak's own entries (the no-op of each new
 * leader, membership configurations) occupy indices too and reach listeners as {@code NOOP}/{@code CONFIG} entries
 * with empty payloads, so indices seen by a listener are always contiguous.
 */
public interface Log {
    /**
     * Appends {@code payload} to the log, from any member: a follower forwards it to the leader. The future completes
     * with the committed entry (index, term) once it is committed and applied on this member.
     *
     * <p>Failures: {@link OverloadedException} and {@link NotLeaderException} mean nothing was appended.
     * {@link OutcomeUnknownException} (a timeout, or the leader lost leadership) means <strong>the entry may still
     * commit</strong>. {@link ClosedException} when the host closes first (the entry may still commit too).
     */
    CompletableFuture<Entry> append(byte[] payload);

    /**
     * Listens to committed entries from {@code fromIndex} on, contiguous, each index exactly once, in log order.
     * Reading happens on the caller's thread, so a slow listener never slows the cluster down; {@code buffer} bounds
     * how many entries it reads ahead.
     *
     * @throws OutOfBoundsException when {@code fromIndex} was compacted away or is below 1
     */
    Listener listen(long fromIndex, int buffer);

    /** The last index in this member's log (committed or not). */
    long head();

    /** The highest index known committed and applied on this member (what listeners can reach). */
    long committed();

    /** The last index compacted into a snapshot (0 until the first compaction). */
    long compacted();
}
