package io.kayak.runtime;

import io.kayak.transport.Rpc;
import io.kayak.ClosedException;
import java.util.Objects;
import io.kayak.MemberStatus;
import io.kayak.HostStatus;
import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.KayakException;
import io.kayak.Log;
import io.kayak.Member;
import io.kayak.Snapshot;
import io.kayak.Sync;
import io.kayak.RequestTimeoutException;
import io.kayak.core.Configuration;
import io.kayak.core.ConfigurationCodec;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
    private final LockedLogStore store;
    private final StoredMember member;
    private final PeerNetwork network;
    private final RaftLoop loop;
    private final LogWriter writer;
    /** The raft loop's own thread when the network offers none to share; null otherwise. */
    private java.util.concurrent.ScheduledThreadPoolExecutor ownLoopThread;
    private final Thread writerThread;
    private final ExecutorService dispatch;
    private final Deadlines deadlines;
    private final AppliedWatch applied;
    private final AckWatch acks = new AckWatch();
    private final HostState state;
    private final RequestGate gate;
    private final LeaderWait leaderWait;
    private final HostLog log;
    private final HostSync sync;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final HostMetrics metrics;
    /** Null for an in-memory member, which has no snapshot store. */
    private final Compactor compactor;
    /** A sender without progress for this many election timeouts gives up (the core asks again later). */
    private static final long SNAPSHOT_ABANDON_ELECTIONS = 20;
    /** A reception that hears nothing for this long is abandoned and its file deleted. */
    private static final long RECEPTION_IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Snapshot streaming (file I/O off the raft thread); all three null on an in-memory member. */
    private final java.util.concurrent.ScheduledExecutorService snapshotExecutor;
    private final SnapshotSender snapshotSender;
    private final SnapshotReceiver snapshotReceiver;
    private final AutoCompactor autoCompactor;
    private final EntrySizeLimit entryLimit;

    private RaftHost(HostOptions options, StoredMember member, PeerNetwork network, String address) {
        this.id = member.id();
        this.member = member;
        LogStore rawStore = member.store();
        this.address = address;
        this.options = options;
        this.entryLimit = new EntrySizeLimit(id, options.maxEntryBytes());
        this.store = new LockedLogStore(rawStore);
        this.network = network;
        long tickNanos = options.heartbeatInterval().toNanos();
        int electionTicks = (int) Math.max(2, options.electionTimeout().toNanos() / tickNanos);
        long snapshotIndex = member.snapshots().flatMap(SnapshotStore::latest)
                .map(snapshot -> reconcile(id, store, snapshot)).orElse(0L);
        RaftOptions raftOptions = RaftOptions.builder(id).seed(System.nanoTime() ^ id.hashCode())
                .electionTicks(electionTicks).heartbeatTicks(1).applied(snapshotIndex)
                // The loop sends commit notices itself, shortly after a commit, unless AppendEntries carried them.
                .deferCommitNotice(true).build();
        RaftNode node = new RaftNode(raftOptions, store, store.hardState());
        this.applied = new AppliedWatch(node.appliedIndex());
        this.compactor = member.snapshots().map(s -> new Compactor(store, s, applied::get, acks::get)).orElse(null);
        this.state = new HostState(new HostState.View(node.role(), node.term(), node.leader(), null,
                node.lastIndex(), node.configuration().configuration()));
        this.dispatch = Executors.newSingleThreadExecutor(r -> daemon(r, "kayak-dispatch-" + id));
        this.deadlines = new Deadlines("kayak-deadlines-" + id);
        RaftLoop[] loopRef = new RaftLoop[1];
        this.gate = new RequestGate(id, state);
        this.leaderWait = new LeaderWait(state, deadlines, options.heartbeatInterval());
        HostLog[] logRef = new HostLog[1];
        HostMetrics[] metricsRef = {new HostMetrics(options.meterRegistry(), id, () -> logRef[0].pendingAppends())};
        this.metrics = metricsRef[0];
        this.autoCompactor = new AutoCompactor(id, options.autoCompact() ? compactor : null,
                CompactionPolicy.of(options), applied, LogSizer.of(store, options.compactAfterBytes()), metrics);
        if (compactor != null) {
            metrics.snapshotIndex(compactor::snapshotIndex);
        }
        this.writer = new LogWriter(store, new LogWriter.Durable() {
            @Override
            public void sendAfterPersist(io.kayak.core.Message message) {
                // Straight from the writer thread: a hop through the raft thread would only delay the ack.
                if (!stopping.get()) {
                    loopRef[0].send(message);
                }
            }

            @Override
            public void persisted(Entry lastEntry) {
                postQuietly(() -> loopRef[0].persisted(lastEntry));
            }

            @Override
            public void failed(RuntimeException error) {
                metricsRef[0].storageFailed();
                state.fail(error);
                loopRef[0].stop();
            }

            @Override
            public void synced(long nanos, int readies) {
                metricsRef[0].fsync(nanos);
            }

            @Override
            public void snapshotInstalled(io.kayak.core.SnapshotMetadata snapshot) {
                postQuietly(() -> loopRef[0].snapshotInstalled(snapshot));
            }
        });
        this.loop = new RaftLoop(node, address, network, writer, dispatch, options.completion(), applied, state,
                tickNanos, metricsRef[0], options.electionTimeout().toNanos(), options.promotionLag(),
                options.promotionDelay().toNanos());
        loopRef[0] = loop;
        SnapshotStore snapshotStore = member.snapshots().orElse(null);
        // The session table starts from the newest snapshot's; the entries after it are applied again as the core
        // hands them out committed, exactly as they were the first time.
        SessionApplier sessions = new SessionApplier(LibrarySection.latest(snapshotStore));
        loop.sessions(sessions, () -> LibrarySection.latest(snapshotStore));
        metrics.sessions(sessions);
        if (snapshotStore == null) {
            this.snapshotExecutor = null;
            this.snapshotSender = null;
            this.snapshotReceiver = null;
        } else {
            this.snapshotExecutor = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kayak-snapshots-" + id));
            long election = options.electionTimeout().toNanos();
            this.snapshotSender = new SnapshotSender(id, snapshotStore, network::send,
                    to -> postQuietly(() -> loop.snapshotFailed(to)), snapshotExecutor, System::nanoTime,
                    2 * election, SNAPSHOT_ABANDON_ELECTIONS * election);
            this.snapshotReceiver = new SnapshotReceiver(id, snapshotStore,
                    ack -> postQuietly(() -> loop.send(ack)),
                    (leader, term, snapshot) -> postQuietly(() -> loop.deliver(new io.kayak.core.Message
                            .InstallSnapshot(leader, id, term, new io.kayak.core.SnapshotMetadata(snapshot.lastIndex(),
                            snapshot.lastTerm(), snapshot.configuration())))),
                    () -> state.view().term(), snapshotExecutor, System::nanoTime, RECEPTION_IDLE_NANOS);
            loop.snapshotSender(snapshotSender);
        }
        this.log = new HostLog(id, options, loop, store, applied, state, gate, leaderWait, compactor,
                snapshotStore, autoCompactor, () -> refuseOnLoop("compact()"), entryLimit, sessions,
                new SessionTimers(deadlines, state, options));
        logRef[0] = log;
        this.sync = new HostSync(options, loop, gate, leaderWait, acks);
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
        this.writerThread = daemon(writer, "kayak-log-writer-" + id);
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

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
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
                postQuietly(() -> loop.deliver(message));
            }

            @Override
            public void onRpc(Rpc rpc) {
                if (rpc instanceof Rpc.Request request
                        && (refusedForClusterName(request) || entryLimit.refuseForwarded(request, network))) {
                    return;
                }
                postQuietly(() -> loop.onRpc(rpc));
            }

            @Override
            public void onSnapshot(io.kayak.transport.SnapshotFrame frame) {
                if (frame instanceof io.kayak.transport.SnapshotFrame.Chunk chunk) {
                    if (snapshotReceiver != null) {
                        snapshotReceiver.onChunk(chunk);
                    }
                } else if (snapshotSender != null) {
                    snapshotSender.onAck((io.kayak.transport.SnapshotFrame.Ack) frame);
                }
            }

            @Override
            public void onUndelivered(String to, List<Long> requestIds, String reason) {
                postQuietly(() -> loop.undelivered(to, requestIds, reason));
            }
        });
        if (network instanceof NettyPeerNetwork tcp && tcp.stats() != null) {
            metrics.transport(tcp.stats());
        }
        writerThread.start();
        java.util.concurrent.ScheduledExecutorService loopExecutor = network.sharedLoop();
        if (loopExecutor == null) {
            ownLoopThread = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                    r -> daemon(r, "kayak-raft-" + id));
            ownLoopThread.setRemoveOnCancelPolicy(true); // commit-notice timers are cancelled by the thousand
            loopExecutor = ownLoopThread;
        }
        loop.start(loopExecutor);
        LOG.info("{}: started at {} with log [{}, {}]", id, address, store.firstIndex(), store.lastIndex());
    }

    /**
     * Answers REFUSED to a join from a member configured for a cluster of another name (the rule of
     * {@code adoptCluster}: the cluster id is the name or starts with the name and a dash). Returns whether it did.
     */
    private boolean refusedForClusterName(Rpc.Request request) {
        String name = request.clusterName();
        String cluster = member.clusterId();
        if (request.kind() != Rpc.Kind.JOIN || name.isEmpty() || cluster == null
                || cluster.equals(name) || cluster.startsWith(name + "-")) {
            return false;
        }
        LOG.warn("{}: refusing member {} at {}: it was configured for a cluster named {}, this is cluster {}", id,
                request.memberId(), request.replyTo(), name, cluster);
        network.send(request.replyTo(), Rpc.Response.error(request.id(), Rpc.Error.REFUSED, "member "
                + request.memberId() + " was configured for a cluster named " + name + ", but this is cluster "
                + cluster, ""));
        return true;
    }

    private void postQuietly(Runnable task) {
        try {
            loop.post(task);
        } catch (ClosedException ignored) {
            // arrived while stopping: dropped, as the network may drop anything
        }
    }

    /**
     * Asks the members at {@code peers}, in turn, to admit this member, following redirects to the leader (see
     * {@link Joiner}), and waits until the configuration admitting it reaches this member.
     *
     * @throws io.kayak.JoinException when a member refused, or none admitted this one within the join timeout
     */
    public void joinThrough(List<String> peers) {
        if (roster().stream().anyMatch(m -> m.id().equals(id))) {
            LOG.info("{}: already a member; the join request is ignored in favour of the stored membership", id);
            return;
        }
        Rpc.Response admitted = new Joiner(id, address, loop, options).join(peers);
        adoptCluster(admitted);
        Configuration config = ConfigurationCodec.decode(admitted.configuration());
        loop.post(() -> loop.learnAddresses(config));
        awaitMembership();
    }

    /**
     * Fixes the cluster id the JOIN answer names, durably, before any of the cluster's Raft traffic can reach this
     * member (its handshakes are refused until then). Networks that carry no id (in-process ones) leave the answer
     * without one; the configured name then stands in, as it did before cluster ids existed.
     */
    private void adoptCluster(Rpc.Response answer) {
        String cluster = answer.clusterId().isEmpty() ? options.cluster() : answer.clusterId();
        if (!cluster.equals(options.cluster()) && !cluster.startsWith(options.cluster() + "-")) {
            throw new KayakException("member " + id + " was configured for a cluster named " + options.cluster()
                    + " but was admitted by cluster " + cluster);
        }
        member.adoptCluster(cluster);
        network.adoptClusterId(cluster);
    }

    private void awaitMembership() {
        long deadline = System.nanoTime() + options.requestTimeout().toNanos() * 4;
        while (System.nanoTime() < deadline) {
            if (state.view().config().contains(id)) {
                return;
            }
            try {
                state.stopped().get(10, TimeUnit.MILLISECONDS);
                throw new ClosedException("the host stopped while joining");
            } catch (java.util.concurrent.TimeoutException e) {
                // keep waiting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KayakException("interrupted while joining");
            } catch (ExecutionException e) {
                throw new KayakException("the host failed while joining", e.getCause());
            }
        }
        throw new RequestTimeoutException("the configuration admitting " + id + " did not arrive in time");
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
        HostState.View v = state.view();
        io.kayak.Role role = !running() ? io.kayak.Role.STOPPED : state.removed() ? io.kayak.Role.REMOVED
                : publicRole(v);
        Map<String, Long> matches = Map.of();
        Map<String, Long> silence = Map.of();
        long commit = log.committed();
        if (role != io.kayak.Role.STOPPED) {
            LoopFacts facts = loopFacts();
            if (facts != null) {
                matches = facts.matches();
                silence = facts.silence();
                commit = facts.commitIndex();
            }
        }
        Configuration c = v.config();
        List<MemberStatus> members = new ArrayList<>();
        for (Map.Entry<String, String> e : c.addresses().entrySet()) {
            String member = e.getKey();
            Long match = member.equals(id) && v.role() == Role.LEADER ? Long.valueOf(v.lastIndex())
                    : matches.get(member);
            Long quiet = silence.get(member);
            members.add(new MemberStatus(member, member.equals(id) ? address : e.getValue(), c.isVoter(member),
                    match == null ? -1 : match, quiet == null || member.equals(id) ? null : Duration.ofNanos(quiet)));
        }
        String leaderId = role == io.kayak.Role.STOPPED ? null : v.leaderId();
        return new HostStatus(id, address, role, v.term(), leaderId, commit, log.committed(), acks.get(),
                log.snapshotIndex(), log.compacted() + 1, v.lastIndex(), members);
    }

    private boolean running() {
        return !stopping.get() && !state.stopped().isDone();
    }

    private io.kayak.Role publicRole(HostState.View v) {
        switch (v.role()) {
            case LEADER:
                return io.kayak.Role.LEADER;
            case CANDIDATE:
            case PRE_CANDIDATE:
                return io.kayak.Role.CANDIDATE;
            default:
                return v.config().isVoter(id) ? io.kayak.Role.FOLLOWER : io.kayak.Role.LEARNER;
        }
    }

    /** What only the raft thread knows, read in one of its turns. */
    private record LoopFacts(long commitIndex, Map<String, Long> matches, Map<String, Long> silence) {
    }

    /** Asks the raft thread for its facts; {@code null} if it does not answer in time (it is stopping). */
    private LoopFacts loopFacts() {
        if (loop.onLoopThread()) {
            return loop.facts(LoopFacts::new);
        }
        CompletableFuture<LoopFacts> f = new CompletableFuture<>();
        try {
            loop.post(() -> f.complete(loop.facts(LoopFacts::new)));
            return f.get(options.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ClosedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
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
        awaitQuietly(loop.finished());
        network.close();
        if (ownLoopThread != null) {
            shutDownAndWait(ownLoopThread, 10);
        }
        if (snapshotExecutor != null) {
            snapshotReceiver.close();
            shutDownAndWait(snapshotExecutor, 10);
        }
        writer.stop();
        joinQuietly(writerThread);
        applied.close();
        acks.close();
        shutDownAndWait(dispatch, 5);
        deadlines.close();
        member.close();
        state.stoppedCleanly();
    }

    /** Lets {@code executor} finish what it was given, for at most {@code seconds}. */
    private static void shutDownAndWait(ExecutorService executor, long seconds) {
        executor.shutdown();
        try {
            executor.awaitTermination(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitQuietly(CompletableFuture<Void> done) {
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("{}: the raft loop did not stop within 10 s", id, e);
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public CompletableFuture<Void> leave() {
        CompletableFuture<Void> refused = gate.refused();
        if (refused != null) {
            return refused;
        }
        Configuration config = state.view().config();
        if (config.members().size() == 1 && config.contains(id)) {
            return CompletableFuture.failedFuture(new KayakException("member " + id
                    + " is the only member of its cluster and cannot leave it; close it instead"));
        }
        // Leaving waits on the cluster several times over; a thread of its own keeps the caller's and the host's
        // threads free, and may close the host at the end (which the host's own threads cannot do).
        CompletableFuture<Void> left = new CompletableFuture<>();
        Thread leaving = daemon(() -> {
            try {
                leaveCluster();
                member.markRemoved(true);
                close();
                left.complete(null);
            } catch (RuntimeException e) {
                LOG.warn("{}: could not leave the cluster ({}); it stays a member and keeps running", id,
                        e.getMessage());
                left.completeExceptionally(e);
            }
        }, "kayak-leave-" + id);
        leaving.start();
        return left;
    }

    private void leaveCluster() {
        if (isLeader()) {
            CompletableFuture<Boolean> handing = new CompletableFuture<>();
            loop.post(() -> handing.complete(loop.transferToBestVoter()));
            if (join(handing, options.requestTimeout())) {
                try {
                    state.awaitNotLeader(options.electionTimeout().toNanos() * 4);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KayakException("interrupted while handing leadership over");
                }
            }
        }
        // The removal rides through the election the hand-over started, as every request does.
        join(remove(id), options.requestTimeout().multipliedBy(3));
        LOG.info("{}: left the cluster", id);
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

    private static <T> T join(CompletableFuture<T> f, Duration timeout) {
        try {
            return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RequestTimeoutException("no answer within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KayakException("interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KayakException ? (KayakException) e.getCause()
                    : new KayakException(e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public CompletableFuture<Void> remove(String memberId) {
        return remove(memberId, false);
    }

    @Override
    public CompletableFuture<Void> transferLeadership(String memberId) {
        Objects.requireNonNull(memberId, "memberId");
        return administer(() -> new Rpc.Request(loop.nextRequestId(), address, Rpc.Kind.TRANSFER_LEADERSHIP,
                        memberId, "", null), options.electionTimeout().multipliedBy(4).plus(options.requestTimeout()),
                "leadership did not reach " + memberId + " in time", answer -> state.whenLeaderIs(memberId));
    }

    @Override
    public CompletableFuture<Void> remove(String memberId, boolean force) {
        Objects.requireNonNull(memberId, "memberId");
        byte[] flags = force ? new byte[] {1} : null;
        return administer(() -> new Rpc.Request(loop.nextRequestId(), address, Rpc.Kind.REMOVE, memberId, "", flags),
                options.requestTimeout().multipliedBy(2), "the removal of " + memberId
                        + " did not complete in time; it may still complete",
                answer -> CompletableFuture.completedFuture(null));
    }

    /**
     * Sends an administrative request to the leader (or handles it here when this member leads), waiting for a
     * leader while none is known; once accepted, {@code then} says what to wait for. Fails with the request's typed
     * error, or {@link RequestTimeoutException} after {@code timeout}.
     */
    private CompletableFuture<Void> administer(java.util.function.Supplier<Rpc.Request> request, Duration timeout,
                                               String timeoutMessage,
                                               java.util.function.Function<Rpc.Response, CompletableFuture<Void>> then) {
        CompletableFuture<Void> refused = gate.refused();
        if (refused != null) {
            return refused;
        }
        return leaderWait.run(() -> {
            CompletableFuture<Rpc.Response> answer = new CompletableFuture<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            answer.whenCompleteAsync((r, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else if (r.error() != Rpc.Error.NONE) {
                    done.completeExceptionally(RaftLoop.toException(r));
                } else {
                    then.apply(r).whenComplete((v, t) -> done.complete(null));
                }
            }, dispatch);
            Rpc.Request r = request.get();
            loop.post(() -> loop.requestChange(r, answer));
            return done;
        }, timeout, () -> new RequestTimeoutException(timeoutMessage));
    }
}
