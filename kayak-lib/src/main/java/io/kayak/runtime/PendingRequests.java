package io.kayak.runtime;

import io.kayak.KayakException;
import io.kayak.NotLeaderException;
import io.kayak.OutcomeUnknownException;
import io.kayak.SessionExpiredException;
import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.session.SessionTable;
import io.kayak.transport.Rpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Every request of the application that waits on the raft loop: appends proposed in the next batch, appends waiting
 * for their entry to commit, and reads waiting for their barrier. Each future is completed through the one
 * {@link FutureCompleter}, so on the thread {@link io.kayak.Completion} names, on failure and on close too.
 *
 * <p>Raft thread only.
 */
final class PendingRequests {
    /**
     * An append proposed in the next batch: the application's own ({@code localFuture}), or one a follower forwarded
     * ({@code remote}, answered with the entry's index once proposed).
     */
    record Proposal(byte[] payload, CompletableFuture<Entry> localFuture, Rpc.Request remote, long startNanos) {
        boolean forwarded() {
            return remote != null;
        }
    }

    /**
     * An append waiting for its entry to commit; {@code proposedHere} when this member proposed it as leader (rather
     * than forwarding it to another leader).
     */
    private record PendingAppend(long term, CompletableFuture<Entry> future, boolean proposedHere, long startNanos) {
    }

    /** What the loop knows of the applied log, to settle an append whose entry was applied before its answer came. */
    interface AppliedLog {
        /** The highest index applied here. */
        long applied();

        /** The term of the entry at {@code index} in this member's log (0 when it holds none). */
        long termAt(long index);

        /** What the session table did with the entry at {@code index}, if it was a session's append. */
        SessionTable.Outcome sessionOutcome(long index);
    }

    private final FutureCompleter completer;
    private final HostMetrics metrics;
    private final AppliedLog appliedLog;
    /** Where the leader listens, as far as this member knows (null when it knows no leader). */
    private final Supplier<String> leaderAddress;
    private final List<Proposal> proposals = new ArrayList<>();
    private final TreeMap<Long, PendingAppend> appends = new TreeMap<>();
    private final Map<Long, CompletableFuture<Long>> reads = new HashMap<>();
    /** The futures settled by the entries of one Ready, with their outcomes (an entry or an exception). */
    private List<CompletableFuture<Entry>> settled;
    private List<Object> outcomes;

    PendingRequests(FutureCompleter completer, HostMetrics metrics, AppliedLog appliedLog,
                    Supplier<String> leaderAddress) {
        this.completer = completer;
        this.metrics = metrics;
        this.appliedLog = appliedLog;
        this.leaderAddress = leaderAddress;
    }

    // ---------------------------------------------------------------- proposals

    /** The application appends {@code payload}; proposed with the next batch. */
    void propose(byte[] payload, CompletableFuture<Entry> future) {
        proposals.add(new Proposal(payload, future, null, System.nanoTime()));
    }

    /** A follower forwarded an append to this member, the leader; proposed with the next batch. */
    void proposeForwarded(Rpc.Request request) {
        proposals.add(new Proposal(request.payload(), null, request, 0));
    }

    /** The appends to propose now, in order; the list is the caller's. */
    List<Proposal> takeProposals() {
        if (proposals.isEmpty()) {
            return List.of();
        }
        List<Proposal> batch = new ArrayList<>(proposals);
        proposals.clear();
        return batch;
    }

    /** The application's append went into the log at {@code index} here, as leader: it waits for the commit. */
    void proposedHere(Proposal p, long index, long term) {
        appends.put(index, new PendingAppend(term, p.localFuture(), true, p.startNanos()));
    }

    /**
     * The leader took an append this member forwarded, at {@code index} of {@code term}: it waits for that entry to
     * commit here, or is settled at once if it was applied here before the answer came.
     */
    void forwardedAccepted(Proposal p, long index, long term) {
        if (index > appliedLog.applied()) {
            appends.put(index, new PendingAppend(term, p.localFuture(), false, p.startNanos()));
            return;
        }
        if (appliedLog.termAt(index) == term) {
            Object outcome = appendOutcome(new Entry(index, term, EntryKind.NORMAL, null),
                    appliedLog.sessionOutcome(index));
            if (outcome instanceof Entry entry) {
                complete(p.localFuture(), entry);
            } else {
                fail(p.localFuture(), (Throwable) outcome);
            }
        } else {
            fail(p.localFuture(), new OutcomeUnknownException("entry " + index + " of term " + term
                    + " is not in this member's log"));
        }
    }

    // ---------------------------------------------------------------- commits

    /**
     * Entry {@code e} committed (and {@code session} is what the session table did with it): the append waiting for
     * it is settled with the next {@link #completeCommitted()}.
     */
    void committed(Entry e, SessionTable.Outcome session) {
        PendingAppend p = appends.remove(e.index());
        if (p == null) {
            return;
        }
        if (settled == null) {
            settled = new ArrayList<>();
            outcomes = new ArrayList<>();
        }
        settled.add(p.future());
        if (p.term() == e.term()) {
            metrics.commitLatency(System.nanoTime() - p.startNanos());
            outcomes.add(appendOutcome(e, session));
        } else {
            outcomes.add(new NotLeaderException("entry " + e.index()
                    + " was replaced by another leader's entry; it did not commit", leaderAddress.get()));
        }
    }

    /**
     * Completes the appends settled since the last call, in order, in one task: one hand-off per Ready instead of one
     * per append, which is what the dispatch thread spent its time on under load.
     */
    void completeCommitted() {
        if (settled == null) {
            return;
        }
        List<CompletableFuture<Entry>> futures = settled;
        List<Object> results = outcomes;
        settled = null;
        outcomes = null;
        completer.run(() -> {
            for (int i = 0; i < futures.size(); i++) {
                Object outcome = results.get(i);
                if (outcome instanceof Entry entry) {
                    futures.get(i).complete(entry);
                } else {
                    futures.get(i).completeExceptionally((Throwable) outcome);
                }
            }
        });
    }

    /**
     * What an append that committed as {@code e} completes with: the entry itself, or, for a session's append, the
     * entry where its first copy committed, or the reason it was refused.
     */
    private static Object appendOutcome(Entry e, SessionTable.Outcome session) {
        if (session instanceof SessionTable.Duplicate d) {
            return new Entry(d.index(), d.term(), EntryKind.NORMAL, null);
        }
        if (session instanceof SessionTable.Refused r) {
            return r.reason() == SessionTable.Reason.UNKNOWN_SESSION ? new SessionExpiredException(r.message())
                    : new KayakException("the append was refused: " + r.message());
        }
        return e;
    }

    /** Entries this member proposed as leader may still commit under the next leader: their outcome is unknown. */
    void leadershipLost() {
        Iterator<PendingAppend> it = appends.values().iterator();
        while (it.hasNext()) {
            PendingAppend p = it.next();
            if (p.proposedHere()) {
                it.remove();
                fail(p.future(), new OutcomeUnknownException(
                        "leadership was lost before the entry committed; it may still commit"));
            }
        }
    }

    /** A snapshot up to {@code index} replaced the log: appends waiting for entries it covers cannot learn more. */
    void coveredBySnapshot(long index) {
        Iterator<PendingAppend> it = appends.headMap(index, true).values().iterator();
        while (it.hasNext()) {
            PendingAppend p = it.next();
            it.remove();
            fail(p.future(), new OutcomeUnknownException("a snapshot up to index " + index
                    + " replaced this member's log before the entry was seen to commit here"));
        }
    }

    // ---------------------------------------------------------------- reads

    /** A read waits for the barrier {@code requestId}. */
    void awaitRead(long requestId, CompletableFuture<Long> future) {
        reads.put(requestId, future);
    }

    /** The read gave up (timed out): its answer, if it comes, is dropped. */
    void forgetRead(long requestId) {
        reads.remove(requestId);
    }

    /** The barrier {@code requestId} is released at {@code index}. */
    void readReleased(long requestId, long index) {
        CompletableFuture<Long> f = reads.remove(requestId);
        if (f != null) {
            complete(f, index);
        }
    }

    /** No leader could confirm the barrier {@code requestId}. */
    void readFailed(long requestId) {
        CompletableFuture<Long> f = reads.remove(requestId);
        if (f != null) {
            fail(f, new NotLeaderException("no leader could confirm the read", leaderAddress.get()));
        }
    }

    // ---------------------------------------------------------------- the end

    /** Fails every request still waiting (the loop stops), through the completer like every other outcome. */
    void failAll(KayakException error) {
        List<CompletableFuture<?>> waiting = new ArrayList<>();
        for (Proposal p : proposals) {
            if (p.localFuture() != null) {
                waiting.add(p.localFuture());
            }
        }
        proposals.clear();
        appends.values().forEach(p -> waiting.add(p.future()));
        appends.clear();
        waiting.addAll(reads.values());
        reads.clear();
        if (!waiting.isEmpty()) {
            completer.run(() -> waiting.forEach(f -> f.completeExceptionally(error)));
        }
    }

    /** The number of appends waiting for their entry to commit. */
    int appendsAwaitingCommit() {
        return appends.size();
    }

    <T> void complete(CompletableFuture<T> f, T value) {
        completer.run(() -> f.complete(value));
    }

    <T> void fail(CompletableFuture<T> f, Throwable error) {
        completer.run(() -> f.completeExceptionally(error));
    }
}
