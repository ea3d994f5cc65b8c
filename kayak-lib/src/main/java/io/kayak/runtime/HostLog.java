package io.kayak.runtime;

import io.kayak.Entry;
import io.kayak.EntryKind;
import io.kayak.HostOptions;
import io.kayak.KayakException;
import io.kayak.Listener;
import io.kayak.Log;
import io.kayak.OutcomeUnknownException;
import io.kayak.OverloadedException;
import io.kayak.Snapshot;
import io.kayak.SnapshotProvider;
import io.kayak.core.LogStore;
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
    private final AtomicLong pendingAppends = new AtomicLong();
    private final AtomicLong pendingBytes = new AtomicLong();

    HostLog(String id, HostOptions options, RaftLoop loop, LogStore store, AppliedWatch applied, HostState state,
            RequestGate gate, LeaderWait leaderWait, Compactor compactor, SnapshotStore snapshots,
            AutoCompactor autoCompactor, Runnable refuseOnLoop, EntrySizeLimit entryLimit) {
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
        long count = pendingAppends.incrementAndGet();
        long bytes = pendingBytes.addAndGet(payload.length);
        if (count > options.maxPendingAppends() || bytes > options.maxPendingBytes()) {
            pendingAppends.decrementAndGet();
            pendingBytes.addAndGet(-payload.length);
            return CompletableFuture.failedFuture(new OverloadedException(count + " appends (" + bytes
                    + " bytes) pending on " + id + "; the limits are " + options.maxPendingAppends() + " and "
                    + options.maxPendingBytes()));
        }
        // Copied: the leader writes and sends these bytes at different moments, so an array the caller changed in
        // between would give its disk and its followers different entries.
        byte[] copy = payload.clone();
        CompletableFuture<io.kayak.core.Entry> committed = leaderWait.run(() -> {
            CompletableFuture<io.kayak.core.Entry> attempt = new CompletableFuture<>();
            loop.post(() -> loop.propose(copy, attempt));
            return attempt;
        }, options.requestTimeout(), () -> new OutcomeUnknownException("the append did not commit within "
                + options.requestTimeout() + "; it may still commit"));
        committed.whenComplete((e, t) -> {
            pendingAppends.decrementAndGet();
            pendingBytes.addAndGet(-copy.length);
        });
        return committed.thenApply(e -> new Entry(e.index(), e.term(), EntryKind.NORMAL, copy));
    }

    @Override
    public Listener listen(long fromIndex, int buffer) {
        gate.check();
        return new LogListener(store, applied, fromIndex, buffer);
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
