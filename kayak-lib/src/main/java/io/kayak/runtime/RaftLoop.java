package io.kayak.runtime;

import io.kayak.ClosedException;
import io.kayak.Completion;
import io.kayak.HostOptions;
import io.kayak.core.Entry;
import io.kayak.core.IndexedConfiguration;
import io.kayak.core.LogStore;
import io.kayak.core.Message;
import io.kayak.core.RaftNode;
import io.kayak.core.ReadState;
import io.kayak.core.Ready;
import io.kayak.core.Role;
import io.kayak.core.session.SessionTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The raft loop: the only code that touches the {@link RaftNode}. It runs in turns on one thread, the loop executor
 * given to {@link #start}: each turn drains an inbound queue of tasks (messages, proposals, reads, durability
 * reports), ticks the core when a tick is due, and hands every {@link Ready} out: to the network (through the
 * {@link PeerDirectory}), to the {@link LogWriter}, and to the application side (the {@link PendingRequests} and the
 * listeners). Requests between members go through the {@link Forwarder}.
 *
 * <p>With a TCP network the executor is the network's own event loop: messages from peers reach the loop, and
 * messages to them leave it, without waking another thread (see docs/architecture.md, "Runtime").
 *
 * <p>Appends made between two turns of the loop are proposed as one batch, so they share AppendEntries and fsyncs.
 */
final class RaftLoop {
    private static final Logger LOG = LoggerFactory.getLogger(RaftLoop.class);

    /**
     * How long a leader holds back the notice of a new commit index (an empty AppendEntries to each follower): an
     * append proposed meanwhile carries it for free. Under a steady load the next append always comes first, so the
     * notices, and the followers' answers to them, disappear; an idle cluster's followers apply this much later.
     */
    static final long COMMIT_NOTICE_DELAY_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private final RaftNode node;
    private final LogWriter writer;
    private final AppliedWatch applied;
    private final HostState state;
    private final HostMetrics metrics;
    private final long tickNanos;
    private final PeerDirectory peers;
    private final PendingRequests pending;
    private final Forwarder forwarder;
    private final MembershipChanges membership;
    private final LoopTurns turns = new LoopTurns(this::turn);
    /** When the core is next ticked (monotonic nanoseconds). */
    private long nextTick;
    /** The tick a timer is armed for, so that one is armed per tick, not per turn. */
    private long tickTimerAt;
    /** The timer that sends the held-back commit notice; null when none is armed. */
    private ScheduledFuture<?> noticeTimer;
    /** When the held-back commit notice is due (monotonic nanoseconds); 0 when none is. */
    private long commitNoticeDue;
    /** Streams snapshots to members that need them; null on an in-memory member. */
    private SnapshotSender snapshots;
    private String lastLeader;
    private int ticksSinceLagReport;
    /** Readies queued to be handed to the log writer after this turn's sends; they keep their order. */
    private int writesHandedLater;
    /** Whether this turn raised the commit index seen by listeners, who are to be woken after the sends. */
    private boolean wakeListenersAfterSends;
    private final CommitHandler commits;
    private final Proposer proposer;

    RaftLoop(RaftNode node, String selfAddress, PeerNetwork network, LogStore store, Executor dispatch,
             HostOptions options, AppliedWatch applied, HostState state, HostMetrics metrics) {
        this.node = node;
        // The writer reports to this loop; it runs only once the host starts its thread, after this constructor.
        this.writer = new LogWriter(store, new WriterEvents(this, metrics, state));
        this.applied = applied;
        this.state = state;
        this.metrics = metrics;
        this.tickNanos = options.heartbeatInterval().toNanos();
        // Heartbeats come every tick: a member silent for a whole election timeout is not answering.
        this.peers = new PeerDirectory(selfAddress, network, options.electionTimeout().toNanos());
        FutureCompleter completer = new FutureCompleter(node.id(), options.completion(), dispatch,
                turns::runAfterQueued, tickNanos);
        this.pending = new PendingRequests(completer, metrics, new PendingRequests.AppliedLog() {
            @Override
            public long applied() {
                return applied.get();
            }

            @Override
            public long termAt(long index) {
                return node.termAt(index);
            }

            @Override
            public SessionTable.Outcome sessionOutcome(long index) {
                return commits.sessionOutcome(index);
            }
        }, this::leaderAddress);
        this.membership = new MembershipChanges(options.promotionLag(), options.promotionDelay().toNanos(),
                peers::heardRecently, System::nanoTime);
        this.forwarder = new Forwarder(node, peers, pending, membership, state, turns::postQuietly);
        this.commits = new CommitHandler(node, peers, pending, membership, applied, state, metrics);
        this.proposer = new Proposer(node, pending, forwarder, commits);
        peers.learn(node.configuration().configuration());
        publishState();
    }

    /**
     * Gives the loop the member's session table (before it runs) and where to find the table of a snapshot installed
     * from the leader.
     */
    void sessions(SessionApplier applier, Supplier<SessionTable> installedTable) {
        commits.sessions(applier, installedTable);
    }

    /** Gives the loop its snapshot sender (before it runs). */
    void snapshotSender(SnapshotSender sender) {
        this.snapshots = sender;
    }

    /** The log writer, which the host runs on a thread of its own. */
    LogWriter writer() {
        return writer;
    }

    /** Requests between members: what the host's joining, membership requests and forwarded appends use. */
    Forwarder forwarder() {
        return forwarder;
    }

    /** The members' addresses, and sending to them (thread-safe for messages). */
    PeerDirectory peers() {
        return peers;
    }

    // ---------------------------------------------------------------- turns

    /**
     * Starts running turns on {@code loopExecutor}, which must run one task at a time, in order (an event loop or a
     * single-threaded executor). Tasks posted before are run by the first turn.
     */
    void start(ScheduledExecutorService loopExecutor) {
        turns.start(loopExecutor, () -> nextTick = System.nanoTime() + tickNanos);
    }

    /** Whether the calling thread is the one the loop runs on (where {@link Completion#EVENT_LOOP} runs callbacks). */
    boolean onLoopThread() {
        return turns.onLoopThread();
    }

    /** Runs {@code task} on the raft loop, in a turn after the ones already queued. */
    void post(Runnable task) {
        turns.post(task);
    }

    /** Like {@link #post}, but once the loop has stopped the task is dropped, as the network may drop anything. */
    void postQuietly(Runnable task) {
        turns.postQuietly(task);
    }

    /** Whether the loop still runs turns (it has not stopped). */
    boolean running() {
        return turns.running();
    }

    /**
     * Stops the loop: no more turns; its last task fails what is still pending ({@link #finished()} completes then).
     * Callable from any thread, the loop's own included.
     */
    void stop() {
        turns.stop(this::failPending);
    }

    /** Completes once the loop has run its last task (after {@link #stop}). */
    CompletableFuture<Void> finished() {
        return turns.finished();
    }

    private void failPending() {
        if (noticeTimer != null) {
            noticeTimer.cancel(false);
            noticeTimer = null;
        }
        ClosedException closed = new ClosedException("the host is closed");
        pending.failAll(closed);
        forwarder.failAll(closed);
    }

    /** One turn: the queued tasks, the batch of proposals, a due tick or commit notice, then the Readies. */
    private void turn() {
        try {
            turns.runInbox();
            proposer.proposeBatch();
            long now = System.nanoTime();
            if (commitNoticeDue != 0 && now - commitNoticeDue >= 0) {
                commitNoticeDue = 0;
                node.sendCommitNotice();
            }
            if (now - nextTick >= 0) {
                node.tick();
                reportLagEveryTenTicks();
                nextTick += tickNanos;
                if (now - nextTick > 10 * tickNanos) {
                    nextTick = now + tickNanos; // after a long pause, do not replay every missed tick
                }
            }
            handleReadies();
            scheduleCommitNotice();
            armTickTimer();
            turns.continueIfBusy();
        } catch (RuntimeException e) {
            LOG.error("{}: the raft loop failed and stops", node.id(), e);
            state.fail(e);
            stop();
        }
    }

    /** Makes sure a turn runs when the next tick is due, even if nothing else arrives. */
    private void armTickTimer() {
        if (tickTimerAt != nextTick) {
            tickTimerAt = nextTick;
            turns.schedule(turns::runTurn, Math.max(0, nextTick - System.nanoTime()));
        }
    }

    /** Arms the held-back commit notice when a follower has yet to hear of the commit index, disarms it otherwise. */
    private void scheduleCommitNotice() {
        if (!node.commitNoticePending()) {
            commitNoticeDue = 0;
            if (noticeTimer != null) {
                // Usually the next append carried the commit index: a timer left armed would wake the loop for nothing.
                noticeTimer.cancel(false);
                noticeTimer = null;
            }
        } else if (commitNoticeDue == 0) {
            long due = System.nanoTime() + COMMIT_NOTICE_DELAY_NANOS;
            commitNoticeDue = due == 0 ? 1 : due;
            noticeTimer = turns.schedule(() -> {
                noticeTimer = null;
                turns.runTurn();
            }, COMMIT_NOTICE_DELAY_NANOS);
        }
    }

    private void reportLagEveryTenTicks() {
        if (++ticksSinceLagReport >= 10) {
            ticksSinceLagReport = 0;
            if (node.role() == Role.LEADER) {
                metrics.followerLag(node.followerMatches(), node.lastIndex());
            }
        }
    }

    // ---------------------------------------------------------------- inputs, on the raft thread

    /** A message from a peer. */
    void deliver(Message m) {
        peers.heardFrom(m.from());
        node.step(m);
        if (node.role() == Role.LEADER) {
            noticeIfRemoved(m.from());
        }
    }

    /** A leader hearing from a member that its committed configuration no longer lists tells it so. */
    private void noticeIfRemoved(String member) {
        IndexedConfiguration config = node.configuration();
        // contains() is a map lookup; this runs for every message a leader receives.
        if (!config.configuration().contains(member) && config.index() <= node.commitIndex()) {
            peers.tellRemoved(member, forwarder.nextRequestId());
        }
    }

    /** Builds a value from what only the raft thread knows. */
    interface Facts<T> {
        T of(long commitIndex, Map<String, Long> matches, Map<String, Long> silence);
    }

    /** The commit index, each follower's match index (when leading; empty otherwise) and how long peers were silent. */
    <T> T facts(Facts<T> facts) {
        return facts.of(node.commitIndex(), node.role() == Role.LEADER ? node.followerMatches() : Map.of(),
                peers.silence());
    }

    /** The log writer made the log durable up to {@code last}. */
    void persisted(Entry last) {
        node.persisted(last.index(), last.term());
    }

    /** A snapshot transfer to {@code member} failed: the core probes it again and asks for another. */
    void snapshotFailed(String member) {
        node.reportSnapshot(member, false);
    }

    /** The log was replaced by a snapshot from the leader, durably (see {@link CommitHandler#snapshotInstalled}). */
    void snapshotInstalled(io.kayak.core.SnapshotMetadata snapshot) {
        commits.snapshotInstalled(snapshot);
    }

    /** The application appends {@code payload} (an envelope); proposed with the next batch. */
    void propose(byte[] payload, CompletableFuture<Entry> future) {
        pending.propose(payload, future);
    }

    /** The application asks for a read barrier; {@code future} completes with the index to read at. */
    void barrier(long requestId, CompletableFuture<Long> future) {
        pending.awaitRead(requestId, future);
        // A read that times out must not stay registered (its answer may never come).
        future.whenComplete((index, error) -> {
            if (error != null) {
                turns.postQuietly(() -> pending.forgetRead(requestId));
            }
        });
        node.readIndex(requestId);
    }

    /** Starts a leadership transfer to the most up-to-date voter; returns false when there is none. */
    boolean transferToBestVoter() {
        return forwarder.transferToBestVoter();
    }

    // ---------------------------------------------------------------- Ready

    private void handleReadies() {
        membership.advance(node);
        while (node.hasReady()) {
            Ready rd = node.ready();
            for (Message m : rd.messages()) {
                peers.send(m);
            }
            if (rd.mustPersist() || !rd.messagesAfterPersist().isEmpty()) {
                if (node.role() == Role.LEADER) {
                    // A leader never blocks on its disk: heartbeats and other followers' traffic go on meanwhile.
                    // Handed over after this turn's messages are written (the tasks run in order): followers'
                    // syncs, not this member's, are what a commit usually waits for, and waking the writer takes
                    // a system call.
                    submitAfterSends(rd);
                } else if (writesHandedLater > 0) {
                    // Stepped down with a leader's Ready still to hand over: this one must follow it.
                    submitAfterSends(rd);
                } else {
                    writer.writeNowIfIdle(rd);
                }
            }
            for (Ready.SnapshotRequest request : rd.snapshotsToSend()) {
                if (snapshots == null) {
                    // An in-memory member keeps no snapshots, so it never compacts and never gets here.
                    node.reportSnapshot(request.to(), false);
                } else {
                    snapshots.send(request.to(), peers.addressOf(request.to()), request.term());
                }
            }
            // Committed entries first: they were committed before any role change this Ready reports.
            if (!rd.committed().isEmpty() && commits.committed(rd.committed())) {
                wakeListenersAfterSends = true;
            }
            if (rd.softState() != null) {
                onRoleChange(rd.softState());
            }
            for (ReadState rs : rd.reads()) {
                pending.readReleased(rs.requestId(), rs.index());
            }
            for (long failed : rd.failedReads()) {
                pending.readFailed(failed);
            }
        }
        publishState();
        if (wakeListenersAfterSends) {
            wakeListenersAfterSends = false;
            // After the drains this turn queued: listener threads learn of new commits once messages are out.
            turns.runAfterQueued(applied::wakeAll);
        }
    }

    /** Hands {@code rd} to the log writer in a task of its own, after the ones this turn queued to send. */
    private void submitAfterSends(Ready rd) {
        writesHandedLater++;
        turns.runAfterQueued(() -> {
            writesHandedLater--;
            writer.submit(rd);
        });
    }

    private void onRoleChange(Ready.SoftState soft) {
        if (soft.leader() != null && !soft.leader().equals(lastLeader)) {
            metrics.leaderChanged(soft.term());
        }
        lastLeader = soft.leader();
        metrics.term(soft.term());
        if (soft.role() == Role.LEADER) {
            peers.trustAll(node.configuration().configuration().members());
        }
        LOG.info("{}: {} in term {}, leader {}", node.id(), soft.role(), soft.term(),
                soft.leader() == null ? "unknown" : soft.leader());
        if (soft.role() != Role.LEADER) {
            if (snapshots != null) {
                snapshots.cancelAll();
            }
            membership.leadershipLost(node, leaderAddress());
            pending.leadershipLost();
        }
    }

    private void publishState() {
        state.publish(node.role(), node.term(), node.leader(), leaderAddress(), node.lastIndex(),
                node.configuration().configuration());
    }

    private String leaderAddress() {
        return peers.addressOf(node.leader());
    }
}
