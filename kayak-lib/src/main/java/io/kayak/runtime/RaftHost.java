package io.kayak.runtime;

import io.kayak.transport.Rpc;
import io.kayak.MemberStatus;
import io.kayak.HostStatus;
import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.Log;
import io.kayak.Member;
import io.kayak.Sync;
import io.kayak.core.Configuration;
import io.kayak.core.Entry;
import io.kayak.core.LogStore;
import io.kayak.core.RaftNode;
import io.kayak.core.RaftOptions;
import io.kayak.core.Role;
import io.kayak.storage.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link Host} implementation: wires a {@link RaftNode}, its {@link RaftLoop} (on the network's event loop, or
 * on a thread of its own when the network has none), the {@link LogWriter} thread, a dispatch thread that completes
 * futures (so application callbacks never run on the raft or writer thread, unless
 * {@link io.kayak.Completion#EVENT_LOOP} asks for it), and a {@link PeerNetwork}. Its {@link Log} is a
 * {@link HostLog}, its {@link Sync} a {@link HostSync}.
 */
public final class RaftHost implements Host {
    private static final Logger LOG = LoggerFactory.getLogger(RaftHost.class);

    private final String id;
    private final String address;
    private final HostOptions options;
    private final StoredMember member;
    private final PeerNetwork network;
    private final LogStore store;
    private final RaftLoop loop;
    private final LogWriter writer;
    private final Thread writerThread;
    /** The raft loop's own thread when the network offers none to share; null otherwise. */
    private java.util.concurrent.ScheduledThreadPoolExecutor ownLoopThread;
    /** Completes futures, so that application callbacks never run on the raft or writer thread (by default). */
    private final ExecutorService dispatch;
    private final Deadlines deadlines;
    private final AppliedWatch applied;
    private final AckWatch acks = new AckWatch();
    private final HostState state;
    private final RequestGate gate;
    private final HostMetrics metrics;
    private final EntrySizeLimit entryLimit;
    private final AutoCompactor autoCompactor;
    /** Null on an in-memory member, which keeps no snapshots. */
    private final SnapshotStreaming snapshotStreaming;
    private final HostLog log;
    private final HostSync sync;
    private final Administration administration;
    private final Leaving leaving;
    private final StatusReport statusReport;
    private final AtomicBoolean stopping = new AtomicBoolean();

    /** Wires the member's parts together; nothing runs until {@link #start}, but for the snapshot timers. */
    private RaftHost(HostOptions options, StoredMember member, PeerNetwork network, String address) {
        this.id = member.id();
        this.member = member;
        this.address = address;
        this.options = options;
        this.network = network;
        this.entryLimit = new EntrySizeLimit(id, options.maxEntryBytes());
        this.store = member.store();
        SnapshotStore snapshotStore = member.snapshots().orElse(null);
        long snapshotIndex = snapshotStore == null ? 0
                : snapshotStore.latest().map(snapshot -> reconcile(id, store, snapshot)).orElse(0L);
        RaftNode node = new RaftNode(raftOptions(options, id, snapshotIndex), store, store.hardState());
        this.applied = new AppliedWatch(node.appliedIndex());
        Compactor compactor = snapshotStore == null ? null
                : new Compactor(store, snapshotStore, applied::get, acks::get);
        this.state = new HostState(new HostState.View(node.role(), node.term(), node.leader(), null,
                node.lastIndex(), node.configuration().configuration()));
        this.dispatch = Executors.newSingleThreadExecutor(r -> Threads.daemon(r, "kayak-dispatch-" + id));
        this.deadlines = new Deadlines("kayak-deadlines-" + id);
        this.gate = new RequestGate(id, state);
        LeaderWait leaderWait = new LeaderWait(state, deadlines, options.heartbeatInterval());
        this.metrics = new HostMetrics(options.meterRegistry(), id);
        this.autoCompactor = new AutoCompactor(id, options.autoCompact() ? compactor : null,
                CompactionPolicy.of(options), applied, LogSizer.of(store, options.compactAfterBytes()), metrics);
        if (compactor != null) {
            metrics.snapshotIndex(compactor::snapshotIndex);
        }
        this.loop = new RaftLoop(node, address, network, store, dispatch, options, applied, state, metrics);
        this.writer = loop.writer();
        // The session table starts from the newest snapshot's; the entries after it are applied again as the core
        // hands them out committed, exactly as they were the first time.
        SessionApplier sessions = new SessionApplier(LibrarySection.latest(snapshotStore));
        loop.sessions(sessions, () -> LibrarySection.latest(snapshotStore));
        metrics.sessions(sessions);
        this.snapshotStreaming = snapshotStore == null ? null
                : new SnapshotStreaming(id, snapshotStore, network, loop, state, options);
        this.log = new HostLog(id, options, loop, store, applied, state, gate, leaderWait, compactor,
                snapshotStore, autoCompactor, () -> refuseOnLoop("compact()"), entryLimit, sessions,
                new SessionTimers(deadlines, state, options));
        metrics.pendingAppends(log::pendingAppends);
        this.sync = new HostSync(options, loop, gate, leaderWait, acks);
        this.administration = new Administration(address, options, loop, gate, leaderWait, state, dispatch);
        this.leaving = new Leaving(id, options, loop, gate, state, administration, member, this::close);
        this.statusReport = new StatusReport(id, address, loop, state, log, acks, options.requestTimeout(),
                this::running);
        state.onRemovalChange(removed -> {
            try {
                dispatch.execute(() -> member.markRemoved(removed)); // a file write: off the raft thread
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the host is closing; the next removal notice records it
            }
        });
        if (isSoleVoter(node)) {
            // A one-member cluster need not wait an election timeout for its first leader.
            node.campaign();
        }
        this.writerThread = Threads.daemon(writer, "kayak-log-writer-" + id);
    }

    private static RaftOptions raftOptions(HostOptions options, String id, long snapshotIndex) {
        long tickNanos = options.heartbeatInterval().toNanos();
        int electionTicks = (int) Math.max(2, options.electionTimeout().toNanos() / tickNanos);
        return RaftOptions.builder(id).seed(System.nanoTime() ^ id.hashCode())
                .electionTicks(electionTicks).heartbeatTicks(1).applied(snapshotIndex)
                // The loop sends commit notices itself, shortly after a commit, unless AppendEntries carried them.
                .deferCommitNotice(true).build();
    }

    /**
     * Makes the log agree with the newest snapshot before the core starts, and returns the snapshot's index. A
     * snapshot received from the leader is installed in the snapshot store before the log is replaced, so a crash
     * in between leaves a snapshot the log does not end in: the log is replaced now. A log that holds the
     * snapshot's last entry (same index and term) holds the same committed prefix and stays as it is.
     */
    private static long reconcile(String id, LogStore store, io.kayak.storage.SnapshotMetadata snapshot) {
        long index = snapshot.lastIndex();
        if (index >= store.firstIndex() && (index > store.lastIndex() || store.term(index) != snapshot.lastTerm())) {
            LOG.info("{}: the log [{}, {}] does not hold snapshot {} (term {}): replacing it by the snapshot", id,
                    store.firstIndex(), store.lastIndex(), index, snapshot.lastTerm());
            store.installSnapshot(index, snapshot.lastTerm(), snapshot.configuration());
        }
        return index;
    }

    private static boolean isSoleVoter(RaftNode node) {
        Configuration c = node.configuration().configuration();
        return !c.isJoint() && c.voters().size() == 1 && c.voters().contains(node.id());
    }

    /**
     * Opens a member on {@code store}. A store holding no entries is either seeded as a new one-member cluster
     * ({@code seed}) or left empty to receive the log of the cluster it joins.
     */
    public static RaftHost open(HostOptions options, StoredMember member, PeerNetwork network, boolean seed) {
        String id = member.id();
        LogStore store = member.store();
        String address;
        try {
            member.checkCluster(options.cluster(), seed && store.lastIndex() == 0);
            // Bound before the address is written anywhere: listening on port 0, only the bound port tells it.
            InetSocketAddress bound = network.bind(member.clusterId() == null ? "" : member.clusterId(), id);
            address = AdvertisedAddress.of(options.advertise(), bound);
            // A network without sockets (in-process) binds nothing: its listen address is what peers use.
            options.onListening().accept(bound == null ? address : AdvertisedAddress.format(bound));
        } catch (RuntimeException e) {
            network.close();
            member.close();
            throw e;
        }
        RaftHost host;
        try {
            if (seed && store.lastIndex() == 0) {
                Configuration config = Configuration.ofVoters(Map.of(id, address));
                store.append(List.of(RaftNode.bootstrapEntry(config)));
                store.saveHardState(RaftNode.bootstrapHardState());
                store.sync();
            }
            host = new RaftHost(options, member, network, address);
        } catch (RuntimeException e) {
            network.close();
            member.close();
            throw e;
        }
        try {
            host.start();
        } catch (RuntimeException e) {
            // The constructor already set threads going (snapshot timers): stop them all, with network and storage.
            try {
                host.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return host;
    }

    private void start() {
        // The network first: if its port is taken, nothing else has started yet.
        // A member that is joining knows no cluster id yet: it learns it from its JOIN answer (joinThrough).
        String cluster = member.clusterId() == null ? "" : member.clusterId();
        network.start(cluster, id, new PeerNetwork.Inbound() {
            @Override
            public void onMessage(io.kayak.core.Message message) {
                loop.postQuietly(() -> loop.deliver(message));
            }

            @Override
            public void onRpc(Rpc rpc) {
                if (rpc instanceof Rpc.Request request
                        && (Joining.refusedForClusterName(id, member.clusterId(), request, network) || entryLimit.refuseForwarded(request, network))) {
                    return;
                }
                loop.postQuietly(() -> loop.forwarder().onRpc(rpc));
            }

            @Override
            public void onSnapshot(io.kayak.transport.SnapshotFrame frame) {
                if (snapshotStreaming != null) {
                    snapshotStreaming.onFrame(frame);
                }
            }

            @Override
            public void onUndelivered(String to, List<Long> requestIds, String reason) {
                loop.postQuietly(() -> loop.forwarder().undelivered(to, requestIds, reason));
            }
        });
        if (network.stats() != null) {
            metrics.transport(network.stats());
        }
        writerThread.start();
        java.util.concurrent.ScheduledExecutorService loopExecutor = network.sharedLoop();
        if (loopExecutor == null) {
            ownLoopThread = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                    r -> Threads.daemon(r, "kayak-raft-" + id));
            ownLoopThread.setRemoveOnCancelPolicy(true); // commit-notice timers are cancelled by the thousand
            loopExecutor = ownLoopThread;
        }
        loop.start(loopExecutor);
        LOG.info("{}: started at {} with log [{}, {}]", id, address, store.firstIndex(), store.lastIndex());
    }

    /**
     * Asks the members at {@code peers}, in turn, to admit this member, following redirects to the leader, and waits
     * until the configuration admitting it reaches this member (see {@link Joining}).
     *
     * @throws io.kayak.JoinException when a member refused, or none admitted this one within the join timeout
     */
    public void joinThrough(List<String> peers) {
        new Joining(id, address, options, loop, member, network, state).joinThrough(peers);
    }

    // ---------------------------------------------------------------- Host

    @Override
    public String id() {
        return id;
    }

    @Override
    public String address() {
        return address;
    }

    /**
     * The membership configuration this member follows now (the latest in its log), with the outgoing voters of a
     * joint configuration apart ({@link Configuration#outgoing()}); {@link #roster()} merges them.
     */
    public Configuration configuration() {
        return state.view().config();
    }

    /**
     * Whether the leader told this member that a committed configuration no longer lists it: it was removed and
     * takes no further part in the cluster (its own roster may still list it, since a removed follower is not sent
     * the configuration without it). Cleared if a committed configuration lists it again.
     */
    public boolean removed() {
        return state.removed();
    }

    @Override
    public List<Member> roster() {
        Configuration c = state.view().config();
        List<Member> members = new ArrayList<>();
        for (Map.Entry<String, String> e : c.addresses().entrySet()) {
            members.add(new Member(e.getKey(), e.getValue(), c.isVoter(e.getKey())));
        }
        return members;
    }

    @Override
    public Optional<Member> leader() {
        HostState.View v = state.view();
        if (v.leaderId() == null || !running()) { // a closed member follows nobody, and leads nobody
            return Optional.empty();
        }
        String leaderAddress = v.leaderId().equals(id) ? address : v.leaderAddress();
        return Optional.of(new Member(v.leaderId(), leaderAddress, v.config().isVoter(v.leaderId())));
    }

    /** Whether this member currently leads. */
    public boolean isLeader() {
        return state.view().role() == Role.LEADER;
    }

    /** The current term as this member knows it. */
    public long term() {
        return state.view().term();
    }

    @Override
    public Log log() {
        return log;
    }

    @Override
    public Sync sync() {
        return sync;
    }

    @Override
    public CompletableFuture<Void> stopped() {
        return state.stopped();
    }

    @Override
    public HostStatus status() {
        return statusReport.status();
    }

    private boolean running() {
        return !stopping.get() && !state.stopped().isDone();
    }

    /**
     * How long ago this member last heard from each peer (messages of any kind); members never heard from are
     * absent. Asks the raft thread, so it waits for one turn of its loop.
     */
    public Map<String, Duration> lastContact() {
        Map<String, Duration> out = new java.util.TreeMap<>();
        for (MemberStatus m : status().members()) {
            if (m.lastContact() != null) {
                out.put(m.id(), m.lastContact());
            }
        }
        return out;
    }

    @Override
    public void close() {
        refuseOnLoop("close()");
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        gate.close();
        LOG.info("{}: stopping", id);
        autoCompactor.close();
        // The loop first: it may run on the network's event loop, which closing the network stops.
        loop.stop();
        if (Waits.awaitQuietly(loop.finished(), Duration.ofSeconds(10)).isEmpty() && !loop.finished().isDone()) {
            LOG.warn("{}: the raft loop did not stop within 10 s", id);
        }
        network.close();
        if (ownLoopThread != null) {
            Threads.shutDownAndWait(ownLoopThread, 10);
        }
        if (snapshotStreaming != null) {
            snapshotStreaming.close();
        }
        writer.stop();
        Threads.joinQuietly(writerThread, 10);
        applied.close();
        acks.close();
        Threads.shutDownAndWait(dispatch, 5);
        deadlines.close();
        member.close();
        state.stoppedCleanly();
    }

    @Override
    public CompletableFuture<Void> leave() {
        return leaving.leave();
    }

    /**
     * Refuses a call that blocks (on the raft loop, or on the disk) when it comes from the loop's own thread, which
     * only a callback of a future completed there ({@link io.kayak.Completion#EVENT_LOOP}) can do: waiting there
     * for the loop would never end, and anything slow stalls the member.
     */
    private void refuseOnLoop(String call) {
        if (loop.onLoopThread()) {
            throw new IllegalStateException(call + " blocks and was called on " + id + "'s event loop, from a callback"
                    + " of a future completed there (Completion.EVENT_LOOP); call it from another thread");
        }
    }

    @Override
    public CompletableFuture<Void> remove(String memberId) {
        return remove(memberId, false);
    }

    @Override
    public CompletableFuture<Void> transferLeadership(String memberId) {
        return administration.transferLeadership(memberId);
    }

    @Override
    public CompletableFuture<Void> remove(String memberId, boolean force) {
        return administration.remove(memberId, force);
    }
}
