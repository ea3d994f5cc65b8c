package io.kayak.runtime;

import io.kayak.transport.Rpc;
import io.kayak.ClosedException;
import io.kayak.Completion;
import io.kayak.KayakException;
import io.kayak.NotLeaderException;
import io.kayak.OutcomeUnknownException;
import io.kayak.OverloadedException;
import io.kayak.SessionExpiredException;
import io.kayak.core.Configuration;
import io.kayak.core.ConfigurationCodec;
import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.IndexedConfiguration;
import io.kayak.core.Message;
import io.kayak.core.ProposalRefusedException;
import io.kayak.core.RaftNode;
import io.kayak.core.ReadState;
import io.kayak.core.Ready;
import io.kayak.core.Role;
import io.kayak.core.session.Envelope;
import io.kayak.core.session.SessionTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The raft loop: the only code that touches the {@link RaftNode}. It runs in turns on one thread, the loop executor
 * given to {@link #start}: each turn drains an inbound queue of tasks (messages, proposals, reads, durability
 * reports), ticks the core when a tick is due, and hands every {@link Ready} out: to the network, to the
 * {@link LogWriter}, and to the application side (futures and listeners).
 *
 * <p>With a TCP network the executor is the network's own event loop: messages from peers reach the loop, and
 * messages to them leave it, without waking another thread (see docs/architecture.md, "Runtime").
 *
 * <p>Appends made between two turns of the loop are proposed as one batch, so they share AppendEntries and fsyncs.
 */
final class RaftLoop {
    private static final Logger LOG = LoggerFactory.getLogger(RaftLoop.class);

    /**
     * An append waiting for its entry to commit; {@code proposedHere} when this member proposed it as leader (rather
     * than forwarding it to another leader).
     */
    private record PendingAppend(long term, CompletableFuture<Entry> future, boolean proposedHere, long startNanos) {
    }

    /** An append proposed in the next batch. */
    private record Proposal(byte[] payload, CompletableFuture<Entry> localFuture, Rpc.Request remote,
                            long startNanos) {
    }

    /**
     * How long a leader holds back the notice of a new commit index (an empty AppendEntries to each follower): an
     * append proposed meanwhile carries it for free. Under a steady load the next append always comes first, so the
     * notices, and the followers' answers to them, disappear; an idle cluster's followers apply this much later.
     */
    static final long COMMIT_NOTICE_DELAY_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private final RaftNode node;
    private final String selfAddress;
    private final PeerNetwork network;
    private final LogWriter writer;
    private final FutureCompleter completer;
    private final AppliedWatch applied;
    private final HostState state;
    private final long tickNanos;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    /** Whether a turn is queued on the executor and has not started draining the inbox yet. */
    private final AtomicBoolean turnQueued = new AtomicBoolean();
    /** Completed once the loop has failed what was pending and will run no more turns. */
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    /** The executor the loop runs on; null until {@link #start}. */
    private volatile ScheduledExecutorService executor;
    /** The thread of that executor, once its first task ran. */
    private volatile Thread loopThread;
    /** When the core is next ticked (monotonic nanoseconds). */
    private long nextTick;
    /** The tick a timer is armed for, so that one is armed per tick, not per turn. */
    private long tickTimerAt;
    /** The timer that sends the held-back commit notice; null when none is armed. */
    private ScheduledFuture<?> noticeTimer;
    private final List<Proposal> proposals = new ArrayList<>();
    private final TreeMap<Long, PendingAppend> pendingAppends = new TreeMap<>();
    private final Map<Long, CompletableFuture<Long>> pendingReads = new HashMap<>();
    private final Map<Long, CompletableFuture<Rpc.Response>> pendingRpcs = new HashMap<>();
    /**
     * Where each member listens. Written on the raft thread only; concurrent because the log writer thread reads it
     * to send acknowledgements the moment they are durable, without a hop through the raft thread.
     */
    private final Map<String, String> addressBook = new java.util.concurrent.ConcurrentHashMap<>();
    private final MembershipChanges membership;
    /** Streams snapshots to members that need them; null on an in-memory member. */
    private SnapshotSender snapshots;
    /** When each removed member was last told so (monotonic nanoseconds). */
    private final Map<String, Long> removalNotices = new HashMap<>();
    /** When each peer was last heard from (monotonic nanoseconds), for reachability and status. */
    private final Map<String, Long> lastHeard = new HashMap<>();
    private final long reachableNanos;
    private final HostMetrics metrics;
    private String lastLeader;
    private int ticksSinceLagReport;
    /** Readies queued to be handed to the log writer after this turn's sends; they keep their order. */
    private int writesHandedLater;
    /** Whether this turn raised the commit index seen by listeners, who are to be woken after the sends. */
    private boolean wakeListenersAfterSends;
    /** When the held-back commit notice is due (monotonic nanoseconds); 0 when none is. */
    private long commitNoticeDue;
    /** The highest index proposed for a follower that forwarded the append and waits to see it commit; 0 if none. */
    private long forwardedIndex;
    private final AtomicLong requestIds = new AtomicLong();
    private volatile boolean running = true;
    private SessionApplier sessions = new SessionApplier(new SessionTable());
    private Supplier<SessionTable> installedTable = SessionTable::new;
    /** Whether a configuration listing this member has committed (or was in force when the loop started). */
    private boolean listed;

    RaftLoop(RaftNode node, String selfAddress, PeerNetwork network, LogWriter writer, Executor dispatch,
             Completion completion, AppliedWatch applied, HostState state, long tickNanos, HostMetrics metrics,
             long electionNanos, long promotionLag, long promotionDelayNanos) {
        this.node = node;
        this.selfAddress = selfAddress;
        this.network = network;
        this.writer = writer;
        this.completer = new FutureCompleter(node.id(), completion, dispatch, this::runAfterQueued, tickNanos);
        this.applied = applied;
        this.state = state;
        this.tickNanos = tickNanos;
        this.metrics = metrics;
        // Heartbeats come every tick: a member silent for a whole election timeout is not answering.
        this.reachableNanos = electionNanos;
        this.membership = new MembershipChanges(promotionLag, promotionDelayNanos, this::heardRecently,
                System::nanoTime);
        learnAddresses(node.configuration().configuration());
        listed = node.configuration().configuration().contains(node.id());
        publishState();
    }

    /**
     * Gives the loop the member's session table (before it runs) and where to find the table of a snapshot installed
     * from the leader.
     */
    void sessions(SessionApplier applier, Supplier<SessionTable> installedTable) {
        this.sessions = applier;
        this.installedTable = installedTable;
    }

    /** Gives the loop its snapshot sender (before it runs). */
    void snapshotSender(SnapshotSender sender) {
        this.snapshots = sender;
    }

    /**
     * Starts running turns on {@code loopExecutor}, which must run one task at a time, in order (an event loop or a
     * single-threaded executor). Tasks posted before are run by the first turn.
     */
    void start(ScheduledExecutorService loopExecutor) {
        loopExecutor.execute(() -> {
            loopThread = Thread.currentThread();
            nextTick = System.nanoTime() + tickNanos;
            executor = loopExecutor;
            turn();
        });
    }

    /** Whether the calling thread is the one the loop runs on (where {@link Completion#EVENT_LOOP} runs callbacks). */
    boolean onLoopThread() {
        return Thread.currentThread() == loopThread;
    }

    /** Runs {@code task} on the raft loop, in a turn after the ones already queued. */
    void post(Runnable task) {
        if (!running) {
            throw new ClosedException("the host is closed");
        }
        inbox.add(task);
        queueTurn();
    }

    /** Queues one turn unless one is queued already; before {@link #start} the first turn will find the task. */
    private void queueTurn() {
        ScheduledExecutorService loopExecutor = executor;
        if (loopExecutor != null && turnQueued.compareAndSet(false, true)) {
            try {
                loopExecutor.execute(this::turn);
            } catch (RejectedExecutionException stopping) {
                turnQueued.set(false); // the executor is shutting down with the host: nothing runs any more
            }
        }
    }

    long nextRequestId() {
        return requestIds.incrementAndGet();
    }

    /**
     * Stops the loop: no more turns; its last task fails what is still pending ({@link #finished()} completes then).
     * Callable from any thread, the loop's own included.
     */
    void stop() {
        running = false;
        ScheduledExecutorService loopExecutor = executor;
        if (loopExecutor == null) {
            finish(); // never started: nothing else touches the loop's state
            return;
        }
        try {
            loopExecutor.execute(this::finish);
        } catch (RejectedExecutionException gone) {
            finish(); // the executor is gone, and with it every turn
        }
    }

    /** Completes once the loop has run its last task (after {@link #stop}). */
    CompletableFuture<Void> finished() {
        return finished;
    }

    private void finish() {
        if (finished.isDone()) {
            return;
        }
        if (noticeTimer != null) {
            noticeTimer.cancel(false);
            noticeTimer = null;
        }
        failEverything(new ClosedException("the host is closed"));
        finished.complete(null);
    }

    /** One turn: the queued tasks, the batch of proposals, a due tick or commit notice, then the Readies. */
    private void turn() {
        turnQueued.set(false);
        if (!running) {
            return;
        }
        try {
            // A bounded number of tasks per turn, so Readies keep flowing under a flood; the rest wait their turn.
            Runnable task;
            for (int budget = 100_000; budget > 0 && (task = inbox.poll()) != null; budget--) {
                task.run();
            }
            proposeBatch();
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
            if (!inbox.isEmpty()) {
                queueTurn();
            }
        } catch (RuntimeException e) {
            LOG.error("{}: the raft loop failed and stops", node.id(), e);
            state.fail(e);
            running = false;
            finish();
        }
    }

    /** Makes sure a turn runs when the next tick is due, even if nothing else arrives. */
    private void armTickTimer() {
        if (tickTimerAt != nextTick) {
            tickTimerAt = nextTick;
            scheduleQuietly(this::turn, Math.max(0, nextTick - System.nanoTime()));
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
            noticeTimer = scheduleQuietly(() -> {
                noticeTimer = null;
                turn();
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

    void deliver(Message m) {
        lastHeard.put(m.from(), System.nanoTime());
        node.step(m);
        if (node.role() == Role.LEADER) {
            noticeIfRemoved(m.from());
        }
    }

    /**
     * A leader hearing from a member that its committed configuration no longer lists tells it so: a follower that
     * others removed is never sent the configuration without it, and would otherwise go on campaigning unaware.
     * At most once a second per member.
     */
    private void noticeIfRemoved(String member) {
        IndexedConfiguration config = node.configuration();
        // contains() is a map lookup; this runs for every message a leader receives.
        if (config.configuration().contains(member) || config.index() > node.commitIndex()) {
            return;
        }
        String address = addressBook.get(member);
        long now = System.nanoTime();
        Long last = removalNotices.get(member);
        if (address == null || (last != null && now - last < TimeUnit.SECONDS.toNanos(1))) {
            return;
        }
        removalNotices.put(member, now);
        network.send(address, new Rpc.Request(nextRequestId(), selfAddress, Rpc.Kind.REMOVED, member, "", null));
    }

    /** Builds a value from what only the raft thread knows. */
    interface Facts<T> {
        T of(long commitIndex, Map<String, Long> matches, Map<String, Long> silence);
    }

    /** The commit index, each follower's match index (when leading; empty otherwise) and {@link #silence()}. */
    <T> T facts(Facts<T> facts) {
        return facts.of(node.commitIndex(), node.role() == Role.LEADER ? node.followerMatches() : Map.of(),
                silence());
    }

    /** How long ago each peer was last heard from, in nanoseconds. */
    Map<String, Long> silence() {
        long now = System.nanoTime();
        Map<String, Long> out = new TreeMap<>();
        lastHeard.forEach((member, at) -> out.put(member, now - at));
        return out;
    }

    private boolean heardRecently(String member) {
        Long at = lastHeard.get(member);
        return at != null && System.nanoTime() - at < reachableNanos;
    }

    void persisted(Entry last) {
        node.persisted(last.index(), last.term());
    }

    /** A snapshot transfer to {@code member} failed: the core probes it again and asks for another. */
    void snapshotFailed(String member) {
        node.reportSnapshot(member, false);
    }

    /** Sends a snapshot frame to the member it names, if its address is known. */
    void send(io.kayak.transport.SnapshotFrame frame) {
        String address = addressBook.get(frame.to());
        if (address != null) {
            network.send(address, frame);
        }
    }

    /**
     * The log was replaced by a snapshot from the leader, durably. Listeners positioned inside it now find their
     * entries compacted ({@link io.kayak.OutOfBoundsException}): that is how the application learns to rebuild from
     * the snapshot. Appends waiting here for entries the snapshot covers cannot learn their outcome any more.
     */
    void snapshotInstalled(io.kayak.core.SnapshotMetadata snapshot) {
        learnAddresses(snapshot.configuration());
        Iterator<Map.Entry<Long, PendingAppend>> it = pendingAppends.headMap(snapshot.index(), true).entrySet()
                .iterator();
        while (it.hasNext()) {
            PendingAppend p = it.next().getValue();
            it.remove();
            completeExceptionally(p.future(), new OutcomeUnknownException("a snapshot up to index "
                    + snapshot.index() + " replaced this member's log before the entry was seen to commit here"));
        }
        sessions.reset(installedTable.get(), snapshot.index());
        applied.advanceTo(snapshot.index());
        metrics.snapshotInstalled();
        LOG.info("{}: installed the leader's snapshot at index {} (term {}); the log now starts at {}", node.id(),
                snapshot.index(), snapshot.term(), snapshot.index() + 1);
    }

    void propose(byte[] payload, CompletableFuture<Entry> future) {
        proposals.add(new Proposal(payload, future, null, System.nanoTime()));
    }

    void barrier(long requestId, CompletableFuture<Long> future) {
        pendingReads.put(requestId, future);
        // A read that times out must not stay registered (its answer may never come).
        future.whenComplete((index, error) -> {
            if (error != null) {
                postQuietly(() -> pendingReads.remove(requestId));
            }
        });
        node.readIndex(requestId);
    }

    private void postQuietly(Runnable task) {
        if (running) {
            inbox.add(task);
            queueTurn();
        }
    }

    /** A forwarded request or an answer to one of ours. */
    void onRpc(Rpc rpc) {
        if (rpc instanceof Rpc.Response) {
            Rpc.Response r = (Rpc.Response) rpc;
            CompletableFuture<Rpc.Response> f = pendingRpcs.remove(r.id());
            if (f != null) {
                f.complete(r);
            }
            return;
        }
        Rpc.Request request = (Rpc.Request) rpc;
        if (request.kind() == Rpc.Kind.REMOVED) {
            if (request.memberId().equals(node.id()) && !state.removed()) {
                state.removed(true);
                LOG.warn("{}: the leader says a committed configuration no longer lists this member: it was removed"
                        + " from the cluster and takes no further part; it can be stopped", node.id());
            }
            return;
        }
        if (node.role() != Role.LEADER) {
            network.send(request.replyTo(), Rpc.Response.error(request.id(), Rpc.Error.NOT_LEADER,
                    node.id() + " is not the leader", leaderAddress()));
            return;
        }
        switch (request.kind()) {
            case APPEND:
                try {
                    Envelope.type(request.payload());
                } catch (IllegalArgumentException e) {
                    network.send(request.replyTo(), Rpc.Response.error(request.id(), Rpc.Error.REFUSED,
                            "not an application entry: " + e.getMessage(), ""));
                    break;
                }
                proposals.add(new Proposal(request.payload(), null, request, 0));
                break;
            case TRANSFER_LEADERSHIP:
                network.send(request.replyTo(), transfer(request));
                break;
            default:
                membership.submit(new MembershipChanges.Request(request,
                        answer -> network.send(request.replyTo(), answer)));
        }
    }

    /** Starts handing leadership to the requested voter (this member leads); the answer says whether it started. */
    private Rpc.Response transfer(Rpc.Request request) {
        try {
            node.transferLeadership(request.memberId());
            LOG.info("{}: handing leadership to {} on request", node.id(), request.memberId());
            return Rpc.Response.ok(request.id(), 0, node.term(), null);
        } catch (io.kayak.core.NotLeaderException e) {
            return Rpc.Response.error(request.id(), Rpc.Error.NOT_LEADER, e.getMessage(), leaderAddress());
        } catch (ProposalRefusedException e) {
            return Rpc.Response.error(request.id(), Rpc.Error.REFUSED, e.getMessage(), "");
        }
    }

    /**
     * A membership request made on this host (REMOVE or TRANSFER_LEADERSHIP): handled here when this member leads,
     * otherwise forwarded to the leader. The answer completes {@code answer} on the raft thread.
     */
    void requestChange(Rpc.Request request, CompletableFuture<Rpc.Response> answer) {
        if (node.role() == Role.LEADER) {
            if (request.kind() == Rpc.Kind.TRANSFER_LEADERSHIP) {
                answer.complete(transfer(request));
            } else {
                membership.submit(new MembershipChanges.Request(request, answer::complete));
            }
            return;
        }
        String leader = leaderAddress();
        if (leader == null) {
            answer.complete(Rpc.Response.error(request.id(), Rpc.Error.NOT_LEADER, node.id()
                    + " knows no leader", null));
            return;
        }
        call(leader, request, answer);
    }

    /** Starts a leadership transfer to the most up-to-date voter; returns false when there is none. */
    boolean transferToBestVoter() {
        if (node.role() != Role.LEADER) {
            return false;
        }
        Configuration config = node.configuration().configuration();
        String best = null;
        long bestMatch = -1;
        for (Map.Entry<String, Long> e : node.followerMatches().entrySet()) {
            if (config.isVoter(e.getKey()) && e.getValue() > bestMatch) {
                best = e.getKey();
                bestMatch = e.getValue();
            }
        }
        if (best == null) {
            return false;
        }
        try {
            node.transferLeadership(best);
            LOG.info("{}: handing leadership to {}", node.id(), best);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("{}: cannot hand leadership to {}: {}", node.id(), best, e.getMessage());
            return false;
        }
    }

    /** Sends {@code request} to {@code address} and completes the future with the answer (on the raft thread). */
    void call(String address, Rpc.Request request, CompletableFuture<Rpc.Response> answer) {
        pendingRpcs.put(request.id(), answer);
        network.send(address, request);
    }

    /** Forgets an outstanding call (it timed out). */
    void forget(long requestId) {
        pendingRpcs.remove(requestId);
    }

    /**
     * The network dropped these requests, sent to {@code address}, for {@code reason}: their calls fail now with
     * {@link UnreachableException} rather than at their deadlines.
     */
    void undelivered(String address, List<Long> requestIds, String reason) {
        for (long requestId : requestIds) {
            CompletableFuture<Rpc.Response> f = pendingRpcs.remove(requestId);
            if (f != null) {
                f.completeExceptionally(new UnreachableException(address, reason));
            }
        }
    }

    /** Records where a member can be reached before its configuration arrives through the log. */
    void learnAddresses(Configuration config) {
        addressBook.putAll(config.addresses());
    }

    // ---------------------------------------------------------------- proposals

    private void proposeBatch() {
        if (proposals.isEmpty()) {
            return;
        }
        List<Proposal> batch = new ArrayList<>(proposals);
        proposals.clear();
        if (node.role() != Role.LEADER) {
            for (Proposal p : batch) {
                if (p.remote() != null) {
                    network.send(p.remote().replyTo(), Rpc.Response.error(p.remote().id(), Rpc.Error.NOT_LEADER,
                            node.id() + " is not the leader", leaderAddress()));
                } else {
                    forwardAppend(p);
                }
            }
            return;
        }
        List<byte[]> payloads = new ArrayList<>(batch.size());
        // Log time is the leader's: session entries get this member's clock now that it appends them as leader.
        long now = System.currentTimeMillis();
        for (Proposal p : batch) {
            Envelope.stamp(p.payload(), now);
            payloads.add(p.payload());
        }
        long first;
        try {
            first = node.propose(payloads);
        } catch (ProposalRefusedException | io.kayak.core.NotLeaderException e) {
            for (Proposal p : batch) {
                fail(p, Rpc.Error.NOT_LEADER, e.getMessage());
            }
            return;
        }
        long term = node.term();
        for (int i = 0; i < batch.size(); i++) {
            Proposal p = batch.get(i);
            long index = first + i;
            if (p.remote() != null) {
                network.send(p.remote().replyTo(), Rpc.Response.ok(p.remote().id(), index, term, null));
                forwardedIndex = Math.max(forwardedIndex, index);
            } else {
                pendingAppends.put(index, new PendingAppend(term, p.localFuture(), true, p.startNanos()));
            }
        }
    }

    private void fail(Proposal p, Rpc.Error error, String message) {
        if (p.remote() != null) {
            network.send(p.remote().replyTo(), Rpc.Response.error(p.remote().id(), error, message, leaderAddress()));
        } else {
            completeExceptionally(p.localFuture(), new NotLeaderException(message, leaderAddress()));
        }
    }

    /** A follower hands the append to the leader and waits for the entry to commit here. */
    private void forwardAppend(Proposal p) {
        String leaderAddress = leaderAddress();
        if (leaderAddress == null) {
            completeExceptionally(p.localFuture(), new NotLeaderException(node.id() + " knows no leader", null));
            return;
        }
        long id = nextRequestId();
        CompletableFuture<Rpc.Response> answer = new CompletableFuture<>();
        call(leaderAddress, new Rpc.Request(id, selfAddress, Rpc.Kind.APPEND, "", "", p.payload()), answer);
        answer.whenComplete((r, error) -> {
            // Runs on the raft thread: answers are completed by onRpc.
            if (r == null) {
                return;
            }
            if (r.error() == Rpc.Error.NONE) {
                if (r.index() <= applied.get()) {
                    checkAlreadyApplied(r.index(), r.term(), p.localFuture());
                } else {
                    pendingAppends.put(r.index(), new PendingAppend(r.term(), p.localFuture(), false, p.startNanos()));
                }
            } else {
                completeExceptionally(p.localFuture(), toException(r));
            }
        });
        p.localFuture().whenComplete((e, t) -> {
            if (t != null) {
                postQuietly(() -> forget(id));
            }
        });
    }

    private void checkAlreadyApplied(long index, long term, CompletableFuture<Entry> future) {
        long actual = node.termAt(index);
        if (actual == term) {
            Object outcome = appendOutcome(new Entry(index, term, EntryKind.NORMAL, null),
                    sessions.outcome(index));
            if (outcome instanceof Entry entry) {
                complete(future, entry);
            } else {
                completeExceptionally(future, (Throwable) outcome);
            }
        } else {
            completeExceptionally(future, new OutcomeUnknownException("entry " + index + " of term " + term
                    + " is not in this member's log"));
        }
    }

    static KayakException toException(Rpc.Response r) {
        switch (r.error()) {
            case NOT_LEADER: return new NotLeaderException(r.message(), r.leaderAddress().isEmpty() ? null
                    : r.leaderAddress());
            case OVERLOADED: return new OverloadedException(r.message());
            case OUTCOME_UNKNOWN: return new OutcomeUnknownException(r.message());
            case ENTRY_TOO_LARGE: return new io.kayak.EntryTooLargeException(r.message(), r.index(), r.term());
            default: return new KayakException(r.message());
        }
    }

    // ---------------------------------------------------------------- Ready

    private void handleReadies() {
        membership.advance(node);
        while (node.hasReady()) {
            Ready rd = node.ready();
            for (Message m : rd.messages()) {
                send(m);
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
                    snapshots.send(request.to(), addressBook.get(request.to()), request.term());
                }
            }
            // Committed entries first: they were committed before any role change this Ready reports.
            if (!rd.committed().isEmpty()) {
                onCommitted(rd.committed());
            }
            if (rd.softState() != null) {
                onRoleChange(rd.softState());
            }
            for (ReadState rs : rd.reads()) {
                CompletableFuture<Long> f = pendingReads.remove(rs.requestId());
                if (f != null) {
                    complete(f, rs.index());
                }
            }
            for (long failed : rd.failedReads()) {
                CompletableFuture<Long> f = pendingReads.remove(failed);
                if (f != null) {
                    completeExceptionally(f, new NotLeaderException("no leader could confirm the read",
                            leaderAddress()));
                }
            }
        }
        publishState();
        if (wakeListenersAfterSends) {
            wakeListenersAfterSends = false;
            // After the drains this turn queued: listener threads learn of new commits once messages are out.
            runAfterQueued(applied::wakeAll);
        }
    }

    /** Hands {@code rd} to the log writer in a task of its own, after the ones this turn queued to send. */
    private void submitAfterSends(Ready rd) {
        writesHandedLater++;
        runAfterQueued(() -> {
            writesHandedLater--;
            writer.submit(rd);
        });
    }

    /**
     * Runs {@code task} on the loop after the tasks queued so far; at once if the executor takes no more tasks (its
     * network is closing with the host), so that nothing handed over is lost on the way out.
     */
    private void runAfterQueued(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException closing) {
            task.run();
        }
    }

    /** Schedules {@code task} on the loop; a timer the closing executor refuses is not needed any more. */
    private ScheduledFuture<?> scheduleQuietly(Runnable task, long delayNanos) {
        try {
            return executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            return null;
        }
    }

    /** Sends {@code m} to the member it names; thread-safe (the log writer calls it too). */
    void send(Message m) {
        String address = addressBook.get(m.to());
        if (address != null) {
            network.send(address, m);
        }
    }

    private void onRoleChange(Ready.SoftState soft) {
        if (soft.leader() != null && !soft.leader().equals(lastLeader)) {
            metrics.leaderChanged(soft.term());
        }
        lastLeader = soft.leader();
        metrics.term(soft.term());
        if (soft.role() == Role.LEADER) {
            // Followers do not talk to each other, so a new leader has not heard from most of them yet: give
            // everybody the benefit of the doubt for one election timeout, as check-quorum does.
            long now = System.nanoTime();
            for (String member : node.configuration().configuration().members()) {
                lastHeard.put(member, now);
            }
        }
        LOG.info("{}: {} in term {}, leader {}", node.id(), soft.role(), soft.term(),
                soft.leader() == null ? "unknown" : soft.leader());
        if (soft.role() != Role.LEADER) {
            if (snapshots != null) {
                snapshots.cancelAll();
            }
            membership.leadershipLost(node, leaderAddress());
            // Entries this member proposed as leader may still commit under the next leader: outcome unknown.
            Iterator<Map.Entry<Long, PendingAppend>> it = pendingAppends.entrySet().iterator();
            while (it.hasNext()) {
                PendingAppend p = it.next().getValue();
                if (p.proposedHere()) {
                    it.remove();
                    completeExceptionally(p.future(), new OutcomeUnknownException(
                            "leadership was lost before the entry committed; it may still commit"));
                }
            }
        }
    }

    private void onCommitted(List<Entry> committed) {
        // Futures completed by these entries, completed together by one task: one hand-off per Ready instead of one
        // per append, which is what the dispatch thread spent its time on under load.
        List<CompletableFuture<Entry>> done = null;
        List<Object> outcomes = null; // the entry, or the exception, of each future in done
        for (Entry e : committed) {
            SessionTable.Outcome session = sessions.apply(e);
            if (e.kind() == EntryKind.CONFIG) {
                Configuration config = ConfigurationCodec.decode(e.payload());
                learnAddresses(config);
                if (config.contains(node.id())) {
                    listed = true;
                    if (state.removed()) {
                        state.removed(false); // added again under the same id
                    }
                } else if (listed && e.index() == node.configuration().index()) {
                    // This member's latest configuration, committed, leaves it out: it was removed (a member
                    // replaying older configurations while it catches up never gets here).
                    state.removed(true);
                }
                membership.committed(config, e.index(), e.term());
            }
            PendingAppend p = pendingAppends.remove(e.index());
            if (p != null) {
                if (done == null) {
                    done = new ArrayList<>();
                    outcomes = new ArrayList<>();
                }
                done.add(p.future());
                if (p.term() == e.term()) {
                    metrics.commitLatency(System.nanoTime() - p.startNanos());
                    outcomes.add(appendOutcome(e, session));
                } else {
                    outcomes.add(new NotLeaderException("entry " + e.index()
                            + " was replaced by another leader's entry; it did not commit", leaderAddress()));
                }
            }
        }
        long last = committed.get(committed.size() - 1).index();
        sessions.forgetBelow(node.firstIndex());
        // Before the futures: an application that saw its append complete may act on the entry being committed
        // here at once (compact up to it, read it), and the dispatch thread may run before this thread goes on.
        if (applied.advanceQuietly(last)) {
            wakeListenersAfterSends = true;
        }
        if (done != null) {
            completeInOrder(done, outcomes);
        }
        if (forwardedIndex != 0 && forwardedIndex >= committed.get(0).index()) {
            // A follower that forwarded one of these appends waits to see it commit: tell it now, not later.
            node.sendCommitNotice();
            if (last >= forwardedIndex) {
                forwardedIndex = 0;
            }
        }
        metrics.committed(committed.size());
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

    private void publishState() {
        state.publish(node.role(), node.term(), node.leader(), leaderAddress(), node.lastIndex(),
                node.configuration().configuration());
    }

    private String leaderAddress() {
        String leader = node.leader();
        return leader == null ? null : addressBook.get(leader);
    }

    // ---------------------------------------------------------------- completion, where the options say

    private <T> void complete(CompletableFuture<T> f, T value) {
        completer.run(() -> f.complete(value));
    }

    /** Completes each future with its outcome (an entry, or an exception), in order, in one task. */
    private void completeInOrder(List<CompletableFuture<Entry>> futures, List<Object> outcomes) {
        completer.run(() -> {
            for (int i = 0; i < futures.size(); i++) {
                Object outcome = outcomes.get(i);
                if (outcome instanceof Entry entry) {
                    futures.get(i).complete(entry);
                } else {
                    futures.get(i).completeExceptionally((Throwable) outcome);
                }
            }
        });
    }

    private <T> void completeExceptionally(CompletableFuture<T> f, Throwable error) {
        completer.run(() -> f.completeExceptionally(error));
    }

    private void failEverything(KayakException error) {
        running = false;
        Runnable task;
        while ((task = inbox.poll()) != null) {
            try {
                task.run(); // tasks only register requests, which fail just below
            } catch (RuntimeException ignored) {
                // the node is going away
            }
        }
        for (Proposal p : proposals) {
            if (p.localFuture() != null) {
                p.localFuture().completeExceptionally(error);
            }
        }
        proposals.clear();
        pendingAppends.values().forEach(p -> p.future().completeExceptionally(error));
        pendingAppends.clear();
        pendingReads.values().forEach(f -> f.completeExceptionally(error));
        pendingReads.clear();
        pendingRpcs.values().forEach(f -> f.completeExceptionally(error));
        pendingRpcs.clear();
    }
}
