package io.kayak;

import org.jspecify.annotations.Nullable;

import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated log: one ordered sequence of entries, identical on every member.
 *
 * <p>Application entries are {@link EntryKind#NORMAL}. Kayak's own entries (the no-op of each new
 * leader, membership configurations) occupy indices too and reach listeners as {@code NOOP}/{@code CONFIG} entries
 * with empty payloads, so indices seen by a listener are always contiguous.
 */
public interface Log {
    /**
     * Appends {@code payload} to the log, from any member: a follower forwards it to the leader. The future completes
     * with the committed entry (index, term) once it is committed and handed to this member's listeners, on the thread
     * {@link HostOptions#completion()} names (by default one of the host's own, where callbacks may block).
     *
     * <p>The payload is copied: the caller may reuse the array at once. Completion means the entry is committed and
     * handed to this member's listeners; it does <em>not</em> mean the application's own state machine has applied
     * it yet. To read your own write, wait with {@link Sync#sync}{@code (entry.index())} before reading local state.
     *
     * <p>While the cluster has no leader (an election, a restart), the append waits for one, up to
     * {@link HostOptions#requestTimeout()}: callers do not see elections.
     *
     * <p>The future fails with:
     * <ul>
     *   <li>{@link OverloadedException}: too many appends pending on this member; nothing was appended, back off and
     *   retry;</li>
     *   <li>{@link NotLeaderException}: no leader took it within the request timeout; nothing was appended, retrying
     *   is safe;</li>
     *   <li>{@link OutcomeUnknownException}: it timed out after reaching a leader, or that leader lost leadership
     *   first: <strong>the entry may still commit</strong>, so a retry may apply it twice (a {@link Session}'s
     *   appends never do);</li>
     *   <li>{@link ClosedException}: the host was closed (before or while the append was pending; in the latter case
     *   the entry may still commit);</li>
     *   <li>{@link MemberRemovedException}: this member was removed from the cluster; nothing was appended;</li>
     *   <li>{@link EntryTooLargeException}, at once: the payload is larger than {@link HostOptions#maxEntryBytes()}
     *   (this member's, or the leader's when a follower forwards it); nothing was appended, and a retry never
     *   succeeds.</li>
     * </ul>
     *
     * @throws NullPointerException when {@code payload} is null
     */
    CompletableFuture<Entry> append(byte[] payload);

    /**
     * Opens a {@link Session}, whose appends take effect exactly once however often they are retried: the way to
     * append when "the entry may still commit" ({@link OutcomeUnknownException}) is not acceptable. Waits until the
     * session's opening entry commits (riding through elections like {@link #append}), up to
     * {@link HostOptions#requestTimeout()}. Close the session when done with it.
     *
     * @throws NotLeaderException           when no leader took the opening within the request timeout
     * @throws OutcomeUnknownException      when the opening did not commit in time (a session it may have opened
     *                                      expires unused)
     * @throws ClosedException              when the host is closed
     * @throws MemberRemovedException       when this member was removed
     * @throws IllegalStateException        when called on the host's event loop ({@link Completion#EVENT_LOOP})
     */
    Session openSession();

    /**
     * Opens a session for a client outside this process, which numbers its own appends and may send them through
     * any member ({@link #appendInSession}); returns the session's id (the index of its opening entry). Nothing keeps
     * such a session alive but the client's appends: it expires after {@link HostOptions#sessionTimeout()} of log
     * time without one. Waits as {@link #openSession()} does and fails as it does.
     */
    long openClientSession();

    /**
     * Appends {@code payload} as {@code sequence} of session {@code session}, for a client outside this process
     * ({@link #openClientSession()}). The same guarantees as {@link Session#append}: sent again, with the same
     * numbers, until its outcome is known or the request timeout passes; however often the client sends the same
     * (session, sequence), through whichever member, it takes effect at most once, and every call completes with
     * the entry where the first copy committed. The client numbers its appends from 1, each number once, and passes
     * the lowest sequence it still has no answer for as {@code firstUnanswered}: the session table forgets the
     * outcomes below it, and a later copy of such a sequence is refused (it fails with a {@link KayakException} and
     * does not take effect). The returned entry carries this call's payload; a copy's payload is not compared with
     * the first's.
     *
     * @throws IllegalArgumentException when {@code session} is below 1, or not {@code 1 <= firstUnanswered <=
     *                                  sequence}
     * @throws NullPointerException     when {@code payload} is null
     */
    CompletableFuture<Entry> appendInSession(long session, long sequence, long firstUnanswered, byte[] payload);

    /**
     * Listens to committed entries from {@code fromIndex} on, contiguous, each index exactly once, in log order.
     * Reading happens on the caller's thread, so a slow listener never slows the cluster down; {@code buffer} bounds
     * how many entries it reads ahead.
     *
     * @throws OutOfBoundsException     when {@code fromIndex} was compacted away or is below 1
     * @throws IllegalArgumentException when {@code buffer} is below 1
     * @throws ClosedException          when the host is closed
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
     * @throws KayakException         on an in-memory member (it has no snapshot store)
     * @throws ClosedException        when the host is closed
     * @throws NullPointerException   when {@code events} is null
     * @throws IllegalStateException  when called on the host's event loop ({@link Completion#EVENT_LOOP})
     */
    void compact(long until, Iterator<byte[]> events, long count);

    /**
     * Opens this member's newest snapshot for reading, or empty when it has none.
     *
     * @throws ClosedException when the host is closed
     */
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
     * @throws ClosedException when the host is closed
     */
    void snapshotProvider(@Nullable SnapshotProvider provider);
}
