package io.kayak.core;

import java.util.List;

/**
 * Everything the core asks its driver to do, handed out as one batch by {@link RaftNode#ready()}.
 *
 * <h2>What the driver must do with a Ready, in this order</h2>
 * <ol>
 *   <li>Send {@link #messages()} at once: they depend on nothing that is not already durable (the leader's
 *       AppendEntries may leave before its own copy of the entries is durable, dissertation §10.2.1).</li>
 *   <li>When {@link #snapshot()} is present, install it with {@link LogStore#installSnapshot} (its data is
 *       already durable: the driver received it before stepping the {@link Message.InstallSnapshot}) and tell the
 *       application to rebuild its state from that snapshot, before anything else of this Ready is written or
 *       applied.</li>
 *   <li>For each of {@link #snapshotsToSend()}, stream the driver's latest snapshot to that member and step a
 *       {@link Message.InstallSnapshot} on the receiver once it is durable there; report a failed transfer with
 *       {@link RaftNode#reportSnapshot(String, boolean)}.</li>
 *   <li>Write {@link #entries()} to storage (the first entry's index may be below the storage's last index:
 *       truncate the suffix from there first; see {@link #overwrites()}) and {@link #hardState()} when
 *       present.</li>
 *   <li>Apply {@link #committed()} in order and release {@link #reads()} / fail {@link #failedReads()}. These are
 *       already durable and may be handled in parallel with step 2.</li>
 *   <li>Once this Ready's writes <em>and those of every earlier Ready</em> are durable, send
 *       {@link #messagesAfterPersist()} (votes and acknowledgements: they promise durable state) and report
 *       durability with {@link RaftNode#persisted(long, long)} for the last entry written.</li>
 * </ol>
 * Readies are processed in the order they were handed out; the writes of several Readies may share one sync.
 */
public final class Ready {
    private final HardState hardState;
    private final boolean termOrVoteChanged;
    private final List<Entry> entries;
    private final boolean overwrites;
    private final List<Message> messages;
    private final List<Message> messagesAfterPersist;
    private final List<Entry> committed;
    private final List<ReadState> reads;
    private final List<Long> failedReads;
    private final SoftState softState;
    private final SnapshotMetadata snapshot;
    private final List<SnapshotRequest> snapshotsToSend;

    Ready(HardState hardState, boolean termOrVoteChanged, List<Entry> entries, boolean overwrites,
          List<Message> messages,
          List<Message> messagesAfterPersist, List<Entry> committed, List<ReadState> reads, List<Long> failedReads,
          SoftState softState, SnapshotMetadata snapshot, List<SnapshotRequest> snapshotsToSend) {
        this.snapshot = snapshot;
        this.snapshotsToSend = snapshotsToSend;
        this.hardState = hardState;
        this.termOrVoteChanged = termOrVoteChanged;
        this.entries = entries;
        this.overwrites = overwrites;
        this.messages = messages;
        this.messagesAfterPersist = messagesAfterPersist;
        this.committed = committed;
        this.reads = reads;
        this.failedReads = failedReads;
        this.softState = softState;
    }

    /** The hard state to save, or {@code null} when it has not changed since the previous Ready. */
    public HardState hardState() {
        return hardState;
    }

    /**
     * Whether the term or vote changed. Only then must the hard state be durable before
     * {@link #messagesAfterPersist()} leave; a changed commit index alone may be saved lazily.
     */
    public boolean termOrVoteChanged() {
        return termOrVoteChanged;
    }

    /** Entries to write, contiguous; empty when there are none. */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * Whether {@link #entries()} replace entries handed out by an earlier Ready (a follower's conflict truncation).
     * Before writing such a Ready the driver must finish the earlier ones: make them durable and send their
     * {@link #messagesAfterPersist()}. Otherwise one sync would cover both writes, and an acknowledgement of the
     * replaced entries would leave although they were never durable.
     */
    public boolean overwrites() {
        return overwrites;
    }

    /** Messages to send at once. */
    public List<Message> messages() {
        return messages;
    }

    /** Messages to send only once this Ready and all earlier ones are durable. */
    public List<Message> messagesAfterPersist() {
        return messagesAfterPersist;
    }

    /** Committed entries, durable on this member, to apply in order. */
    public List<Entry> committed() {
        return committed;
    }

    /** Linearizable reads released: serve each once the application has applied its index. */
    public List<ReadState> reads() {
        return reads;
    }

    /** Ids of reads that cannot be served (no leader, or leadership lost); the caller may retry. */
    public List<Long> failedReads() {
        return failedReads;
    }

    /** The role and leader, when either changed since the previous Ready; otherwise {@code null}. */
    public SoftState softState() {
        return softState;
    }

    /**
     * A snapshot received from the leader that replaces this member's log, or {@code null}. The driver installs it
     * before writing {@link #entries()} (which follow it) and resets the application's state to it.
     */
    public SnapshotMetadata snapshot() {
        return snapshot;
    }

    /** Members (followers or learners) that need the leader's snapshot because their next entries are compacted. */
    public List<SnapshotRequest> snapshotsToSend() {
        return snapshotsToSend;
    }

    /** Whether this Ready has writes that must become durable. */
    public boolean mustPersist() {
        return hardState != null || !entries.isEmpty() || snapshot != null;
    }

    /** The last entry to write, or {@code null}. */
    public Entry lastEntry() {
        return entries.isEmpty() ? null : entries.get(entries.size() - 1);
    }

    public boolean isEmpty() {
        return hardState == null && entries.isEmpty() && messages.isEmpty() && messagesAfterPersist.isEmpty()
                && committed.isEmpty() && reads.isEmpty() && failedReads.isEmpty() && softState == null
                && snapshot == null && snapshotsToSend.isEmpty();
    }

    /** A member's role and the leader it knows, reported when either changes. */
    public record SoftState(Role role, String leader, long term) {
    }

    /**
     * The leader asks its driver to send its latest snapshot to {@code to}, in leader term {@code term}: the receiver
     * steps {@code new InstallSnapshot(leader, to, term, metadata)} once the data is durable on its side.
     */
    public record SnapshotRequest(String to, long term) {
    }
}
