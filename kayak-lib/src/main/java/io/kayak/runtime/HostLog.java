package io.kayak.runtime;

import io.kayak.Entry;
import io.kayak.EntryKind;
import io.kayak.HostOptions;
import io.kayak.KayakException;
import io.kayak.Listener;
import io.kayak.Log;
import io.kayak.OutcomeUnknownException;
import io.kayak.OverloadedException;
import io.kayak.Session;
import io.kayak.Snapshot;
import io.kayak.SnapshotProvider;
import io.kayak.core.LogStore;
import io.kayak.core.session.Envelope;
import io.kayak.storage.SnapshotStore;

import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link Log} of one member: admits appends (closed, removed, size and pending limits), hands them to the raft
 * loop through {@link LeaderWait}, and serves listeners, snapshots and compaction from the member's storage.
 */
final class HostLog implements Log {
    private final String id;
    private final HostOptions options;
    private final RaftLoop loop;
    private final LogStore store;
    private final AppliedWatch applied;
    private final HostState state;
    private final RequestGate gate;
    private final LeaderWait leaderWait;
    /** Null for an in-memory member, which has no snapshot store. */
    private final Compactor compactor;
    private final SnapshotStore snapshots;
    private final AutoCompactor autoCompactor;
    private final Runnable refuseOnLoop;
    private final EntrySizeLimit entryLimit;
    private final SessionApplier sessions;
    private final SessionTimers sessionTimers;
    private final AtomicLong pendingAppends = new AtomicLong();
    private final AtomicLong pendingBytes = new AtomicLong();

    HostLog(String id, HostOptions options, RaftLoop loop, LogStore store, AppliedWatch applied, HostState state,
            RequestGate gate, LeaderWait leaderWait, Compactor compactor, SnapshotStore snapshots,
            AutoCompactor autoCompactor, Runnable refuseOnLoop, EntrySizeLimit entryLimit, SessionApplier sessions,
            SessionTimers sessionTimers) {
        this.id = id;
        this.options = options;
        this.loop = loop;
        this.store = store;
        this.applied = applied;
        this.state = state;
        this.gate = gate;
        this.leaderWait = leaderWait;
        this.compactor = compactor;
        this.snapshots = snapshots;
        this.autoCompactor = autoCompactor;
        this.refuseOnLoop = refuseOnLoop;
        this.entryLimit = entryLimit;
        this.sessions = sessions;
        this.sessionTimers = sessionTimers;
    }

    /** How many appends wait for their outcome on this member (a metric). */
    long pendingAppends() {
        return pendingAppends.get();
    }

    @Override
    public CompletableFuture<Entry> append(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        CompletableFuture<Entry> refused = gate.refused();
        if (refused != null) {
            return refused;
        }
        io.kayak.EntryTooLargeException tooLarge = entryLimit.check(payload);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge); // before it counts as pending: no retry can succeed
        }
        OverloadedException overloaded = admit(payload.length);
        if (overloaded != null) {
            return CompletableFuture.failedFuture(overloaded);
        }
        // Copied (into its envelope): the leader writes and sends these bytes at different moments, so an array the
        // caller changed in between would give its disk and its followers different entries.
        byte[] entry = Envelope.plain(payload);
        CompletableFuture<io.kayak.core.Entry> committed = leaderWait.run(() -> attempt(entry),
                options.requestTimeout(), () -> new OutcomeUnknownException("the append did not commit within "
                + options.requestTimeout() + "; it may still commit"));
        // Released before the caller's callbacks run: a caller that appends again from its callback finds room.
        return committed.whenComplete((e, t) -> release(payload.length)).thenApply(e -> Entry.copyOf(e.index(), e.term(), EntryKind.NORMAL, entry,
                Envelope.PLAIN_HEADER, payload.length));
    }

    /**
     * One attempt to append an encoded entry (envelope included): the raft loop proposes it as leader or forwards it
     * to the leader. No retries; the future completes with the committed entry (for a session's append, the one
     * where its first copy committed) or fails; it never throws (a closed host fails the future).
     */
    CompletableFuture<io.kayak.core.Entry> attempt(byte[] entry) {
        CompletableFuture<io.kayak.core.Entry> attempt = new CompletableFuture<>();
        try {
            loop.post(() -> loop.propose(entry, attempt));
        } catch (io.kayak.ClosedException closed) {
            attempt.completeExceptionally(closed); // callers on timer threads learn it from the future
        }
        return attempt;
    }

    /** Counts an append of {@code bytes} as pending on this member, or refuses it past the limits. */
    OverloadedException admit(int bytes) {
        long count = pendingAppends.incrementAndGet();
        long total = pendingBytes.addAndGet(bytes);
        if (count > options.maxPendingAppends() || total > options.maxPendingBytes()) {
            release(bytes);
            return new OverloadedException(count + " appends (" + total + " bytes) pending on " + id
                    + "; the limits are " + options.maxPendingAppends() + " and " + options.maxPendingBytes());
        }
        return null;
    }

    /** An admitted append has its outcome. */
    void release(int bytes) {
        pendingAppends.decrementAndGet();
        pendingBytes.addAndGet(-bytes);
    }

    /** Checks a payload against {@link HostOptions#maxEntryBytes()}; null when it fits. */
    io.kayak.EntryTooLargeException checkSize(byte[] payload) {
        return entryLimit.check(payload);
    }

    /** The admission checks of every request: closed, removed. */
    void checkOpen() {
        gate.check();
    }

    @Override
    public Session openSession() {
        return new HostSession(open(), this, sessionTimers);
    }

    @Override
    public long openClientSession() {
        return open();
    }

    /** Appends a session's opening and waits for it to commit; returns the new session's id, its index. */
    private long open() {
        refuseOnLoop.run();
        gate.check();
        byte[] open = Envelope.open(options.sessionTimeout().toMillis(), options.maxSessions());
        CompletableFuture<io.kayak.core.Entry> opened = leaderWait.run(() -> attempt(open.clone()),
                options.requestTimeout(), () -> new OutcomeUnknownException("the session's opening did not commit"
                + " within " + options.requestTimeout() + "; a session it may still open expires unused"));
        try {
            return opened.join().index();
        } catch (java.util.concurrent.CompletionException failed) {
            if (failed.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw failed;
        }
    }

    @Override
    public CompletableFuture<Entry> appendInSession(long session, long sequence, long firstUnanswered,
                                                    byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (session < 1 || sequence < 1 || firstUnanswered < 1 || firstUnanswered > sequence) {
            throw new IllegalArgumentException("need session >= 1 and 1 <= firstUnanswered <= sequence, not session "
                    + session + ", sequence " + sequence + ", firstUnanswered " + firstUnanswered);
        }
        CompletableFuture<Entry> refused = gate.refused();
        if (refused != null) {
            return refused;
        }
        io.kayak.EntryTooLargeException tooLarge = entryLimit.check(payload);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        OverloadedException overloaded = admit(payload.length);
        if (overloaded != null) {
            return CompletableFuture.failedFuture(overloaded);
        }
        byte[] entry = Envelope.append(session, sequence, firstUnanswered, payload);
        CompletableFuture<io.kayak.core.Entry> result = SessionAppend.send(this, sessionTimers, entry, session,
                sequence);
        return result.whenComplete((e, t) -> release(payload.length)).thenApply(e -> Entry.copyOf(e.index(), e.term(), EntryKind.NORMAL, entry,
                Envelope.APPEND_HEADER, payload.length));
    }

    @Override
    public Listener listen(long fromIndex, int buffer) {
        gate.check();
        return new LogListener(store, applied, sessions, fromIndex, buffer);
    }

    @Override
    public long head() {
        return state.view().lastIndex();
    }

    @Override
    public long committed() {
        return applied.get();
    }

    @Override
    public long compacted() {
        return store.firstIndex() - 1;
    }

    @Override
    public void compact(long until, Iterator<byte[]> events, long count) {
        Objects.requireNonNull(events, "events");
        refuseOnLoop.run();
        gate.check();
        if (compactor == null) {
            throw new KayakException("an in-memory member keeps no snapshots; give it a dataDir");
        }
        compactor.compact(until, events, count);
    }

    @Override
    public Optional<Snapshot> snapshot() {
        gate.check();
        return Optional.ofNullable(snapshots).flatMap(SnapshotStore::openLatest).map(StoredSnapshot::new);
    }

    @Override
    public long snapshotIndex() {
        return compactor == null ? 0 : compactor.snapshotIndex();
    }

    @Override
    public void snapshotProvider(SnapshotProvider provider) {
        gate.check();
        autoCompactor.provider(provider);
    }
}
