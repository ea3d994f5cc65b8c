package io.kayak;

import io.kayak.core.Entry;

import java.util.Iterator;
import java.util.Optional;
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
     * with the committed entry (index, term) once it is committed and applied on this member, on the thread
     * {@link HostOptions#completion()} names (by default one of the host's own, where callbacks may block).
     *
     * <p>Failures: {@link OverloadedException} and {@link NotLeaderException} mean nothing was appended.
     * {@link EntryTooLargeException}, at once, for a payload above {@link HostOptions#maxEntryBytes()} (this
     * member's, or the leader's when a follower forwards it): nothing was appended, and retrying cannot help.
     * {@link OutcomeUnknownException} (a timeout, or the leader lost leadership) means <strong>the entry may still
     * commit</strong>. {@link ClosedException} when the host closes first (the entry may still commit too).
     *
     * @throws NullPointerException when {@code payload} is null
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

    /**
     * The last index whose entry was compacted away: entries up to it can no longer be listened to, only rebuilt
     * from {@link #snapshot()} (0 until the first compaction that dropped entries). The log deletes whole segment
     * files, so it may keep some entries a snapshot already covers.
     */
    long compacted();

    /**
     * Saves the application's state as of {@code until} as a snapshot and compacts the log up to it. Unlike
     * automatic compaction ({@link #snapshotProvider}), this call keeps no trailing window of entries below
     * {@code until}: the caller asked for exactly this point (the log still keeps the entries of the segment file
     * that holds {@code until}, since it deletes whole files).
     * {@code events} must yield exactly {@code count} events that together rebuild the state covering every entry
     * up to {@code until} (and nothing after it); they are streamed to disk, never held in memory whole. The
     * snapshot records the membership configuration in force at {@code until}. Returns once the snapshot is durable
     * and the log compacted. Runs on the caller's thread; one compaction at a time.
     *
     * <p>The recipe for a listener that meets an {@link OutOfBoundsException}: rebuild from {@link #snapshot()},
     * then {@link #listen} from its {@code lastIndex() + 1}.
     *
     * @throws IllegalArgumentException when {@code until} is not yet committed and acknowledged as applied on this
     *                                  member ({@link Sync#ack}), is below an existing snapshot, or the events do not
     *                                  number {@code count}
     * @throws KayakException on an in-memory member (it has no snapshot store)
     */
    void compact(long until, Iterator<byte[]> events, long count);

    /** Opens this member's newest snapshot for reading, or empty when it has none. */
    Optional<Snapshot> snapshot();

    /**
     * The last index covered by this member's newest snapshot, or 0 when it has none. Cheap (no file is opened):
     * for status displays. Entries between {@link #compacted()} and this index are the trailing window that
     * automatic compaction keeps in the log.
     */
    long snapshotIndex();

    /**
     * Registers the provider that automatic compaction asks for the application's state, replacing any earlier
     * one ({@code null} unregisters). Until a provider is registered the log is never compacted automatically.
     *
     * <p>Registered here rather than in {@link HostOptions} because the provider needs the application's state
     * machine, which is usually built on top of the started {@link Host}.
     *
     * <p>When the committed log beyond the newest snapshot exceeds {@link HostOptions#compactAfterEntries()}
     * entries or {@link HostOptions#compactAfterBytes()} bytes, the host's compaction thread calls
     * {@link SnapshotProvider#capture()}, writes the captured state as a snapshot covering its
     * {@link CapturedState#until()}, and then compacts the log only up to {@code until - }
     * {@link HostOptions#compactTrailingEntries()}, so a follower that lags by less than that catches up from the
     * log instead of needing the whole snapshot. A member without a data directory, or with
     * {@link HostOptions#autoCompact()} off, accepts the provider and never calls it.
     *
     * @throws ClosedException when the host is stopped
     */
    void snapshotProvider(SnapshotProvider provider);
}
