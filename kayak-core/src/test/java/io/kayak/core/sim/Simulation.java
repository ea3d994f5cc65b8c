package io.kayak.core.sim;

import io.kayak.core.Configuration;
import io.kayak.core.check.LinearizabilityChecker;
import io.kayak.core.check.Verdict;
import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.IndexedConfiguration;
import io.kayak.core.Message;
import io.kayak.core.RaftException;
import io.kayak.core.RaftNode;
import io.kayak.core.RaftOptions;
import io.kayak.core.ReadState;
import io.kayak.core.Ready;
import io.kayak.core.Role;
import io.kayak.core.SnapshotMetadata;
import io.kayak.core.session.Envelope;
import io.kayak.core.session.SessionTable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;

/**
 * A deterministic simulation of a Kayak cluster: real {@link RaftNode}s, a simulated clock, network and disk, and a
 * seeded schedule of faults and client requests. Everything derives from one seed, so a run replays exactly.
 *
 * <p>Time is in simulated milliseconds; every member ticks every {@link #TICK_MS}. After every event the
 * {@link Invariants} are checked. Once the fault phase ends the cluster is healed and must converge (one leader,
 * every member holding and applying the same log) within {@link Settings#convergeMillis()}.
 */
public final class Simulation {
    /** Simulated milliseconds per core tick (election timeout 10-20 ticks, heartbeat every tick). */
    static final int TICK_MS = 10;
    /** The quiet stretch after convergence: fault-free, then a minority of followers cut off, then reconnected. */
    static final long QUIET_BEFORE_MS = 200;
    static final long QUIET_CUT_MS = 600;
    static final long QUIET_AFTER_MS = 300;
    /** Before the quiet stretch: at least this long after convergence, and until every voter follows the leader. */
    static final long SETTLE_MS = 200;

    /** What to simulate. */
    public record Settings(long seed, int size, long faultMillis, long convergeMillis, boolean faults,
                           long maxAppendBytes, int maxInflightMessages, int maxSyncMillis, boolean preVote,
                           boolean checkQuorum, int spares, boolean deferCommitNotice, SeedOptions options) {
        /**
         * The standard run for a seed: size, fault phase length and flow-control limits drawn from the seed. Tiny
         * AppendEntries limits matter: they split what a new leader sends, so an entry of an older term can reach a
         * majority before the leader's own no-op does (the paper's Figure 8 situation).
         */
        public static Settings forSeed(long seed) {
            Random r = new Random(seed);
            int[] sizes = {3, 3, 5, 5, 7};
            int size = sizes[r.nextInt(sizes.length)];
            long[] appendBytes = {1, 1, 100, 1 << 20};
            int[] inflight = {1, 2, 8, 256};
            // Slow disks widen the window in which a crash loses writes that were not yet synced.
            int[] syncMillis = {3, 3, 20, 60};
            long faultMillis = 2_000 + r.nextInt(4_000);
            long appendLimit = appendBytes[r.nextInt(appendBytes.length)];
            int inflightLimit = inflight[r.nextInt(inflight.length)];
            int sync = syncMillis[r.nextInt(syncMillis.length)];
            boolean preVote = r.nextInt(4) != 0;
            boolean checkQuorum = r.nextInt(4) != 0;
            int spares = r.nextBoolean() ? 2 : 0;
            boolean defer = r.nextBoolean();
            // Without pre-vote and check-quorum a removed member that never heard of its removal disrupts every
            // election timeout (dissertation §4.2.3); a leader backing off one entry at a time may then never catch
            // a lagging follower up. That is Raft's known limit, not a bug, so such seeds keep the conflict hint.
            boolean disruptible = !preVote && !checkQuorum;
            SeedOptions options = SeedOptions.forSeed(seed, disruptible);
            // Replacements need members outside the configuration to bring in.
            return new Settings(seed, size, faultMillis, 30_000, true, appendLimit, inflightLimit, sync, preVote,
                    checkQuorum, options.replacements() ? 2 : spares, defer, options);
        }
    }

    /** What a run did, for reports. */
    public record Result(long seed, int size, long events, long messages, long dropped, long checks,
                         int proposals, int proposalsCommitted, int readsReleased, int readsFailed,
                         Map<String, Integer> faults, long convergenceMillis, long finalIndex, long finalTerm,
                         int historyOperations, boolean linearizable, long endMillis,
                         Map<Coverage.Branch, Long> coverage, SessionClients.Stats sessions) {
    }

    private record Event(long time, long seq, String node, Runnable action) {
    }

    private final Settings settings;
    private final SeedBudget budget;
    final Random random;
    /** Decisions of the seed options (see {@link SeedOptions}), apart so they do not move the other draws. */
    private final Random steer;
    private final StaleMessages stale;
    private final PriorityQueue<Event> queue = new PriorityQueue<>(
            (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    final Map<String, SimNode> nodes = new TreeMap<>();
    final SimNetwork network;
    private final Invariants invariants = new Invariants();
    private final VoteTally votes = new VoteTally();
    private final Coverage coverage = new Coverage(invariants, votes);
    private final Trace trace = new Trace(Integer.getInteger("kayak.sim.trace", 60));
    final Map<String, Integer> faultCounts = new LinkedHashMap<>();
    private long now;
    private long seq;
    private long events;
    private long messages;
    private long dropped;
    private long nextRequestId = 1;
    private final Map<Long, Long> readRequired = new HashMap<>();
    private final RegisterHistory register = new RegisterHistory();
    private final Map<String, long[]> proposals = new HashMap<>();
    private int proposalsCommitted;
    private int readsReleased;
    private int readsFailed;
    private boolean workloadOn = true;
    /** The clients with sessions, on seeds with that option (then every application entry has an envelope). */
    private final SessionClients sessions;

    public Simulation(Settings settings) {
        this(settings, SeedBudget.configured());
    }

    Simulation(Settings settings, SeedBudget budget) {
        this.settings = settings;
        this.budget = budget;
        this.random = new Random(settings.seed());
        this.steer = new Random(settings.seed() * 131 + 11);
        this.stale = settings.options().staleReplay() ? new StaleMessages(new Random(settings.seed() * 137 + 13))
                : null;
        this.network = new SimNetwork(new Random(settings.seed() * 31 + 7));
        this.sessions = settings.options().sessions()
                ? new SessionClients(this, invariants, new Random(settings.seed() * 0x5E55_1015L + 19)) : null;
    }

    long now() {
        return now;
    }

    /** Whether faults may still strike: a fault scheduled to act later does nothing once the cluster is healed. */
    boolean faultPhase() {
        return workloadOn;
    }

    /** Runs the whole scenario; throws {@link SimulationFailure} on the first violated property. */
    public Result run() {
        try {
            return runUnchecked();
        } catch (SimulationFailure f) {
            throw f;
        } catch (RuntimeException | AssertionError e) {
            throw new SimulationFailure(describeFailure(e), e);
        }
    }

    private Result runUnchecked() {
        Map<String, String> addresses = new LinkedHashMap<>();
        for (int i = 1; i <= settings.size(); i++) {
            addresses.put("n" + i, "sim://n" + i);
        }
        Configuration config = Configuration.ofVoters(addresses);
        invariants.bootstrapped(RaftNode.bootstrapHardState().term());
        for (int i = 1; i <= settings.size() + settings.spares(); i++) {
            String id = "n" + i;
            // Spares start with an empty disk, outside the configuration, like a host that is about to join.
            SimDisk disk = addresses.containsKey(id)
                    ? SimDisk.bootstrapped(RaftNode.bootstrapEntry(config), RaftNode.bootstrapHardState())
                    : new SimDisk();
            SimNode node = new SimNode(id, disk, sessions != null);
            nodes.put(id, node);
            node.start(options(node.id, random.nextLong()));
            int phase = random.nextInt(TICK_MS);
            schedule(phase, null, () -> tick(node));
        }
        if (settings.spares() > 0) {
            scheduleMembershipChanges();
        }
        scheduleWorkload();
        schedule(100 + random.nextInt(300), null, this::compactSomewhere);
        if (settings.faults()) {
            new FaultSchedule(this).scheduleUntil(settings.faultMillis());
            if (stale != null) {
                schedule(200 + steer.nextInt(300), null, this::replayStale);
            }
        }
        long healAt = settings.faultMillis();
        schedule(healAt, null, this::healAll);
        long deadline = healAt + Math.min(settings.convergeMillis(), budget.convergeMillis());
        long convergedAt = -1;
        while (!queue.isEmpty()) {
            Event e = queue.poll();
            now = e.time;
            if (now > deadline) {
                break;
            }
            events++;
            budget.checkEvents(events, now);
            e.action.run();
            checkInvariants();
            if (now >= healAt && converged()) {
                convergedAt = now;
                break;
            }
        }
        if (convergedAt < 0) {
            throw new IllegalStateException("liveness: simulated-time budget exceeded: no convergence within "
                    + (deadline - healAt) + " ms after healing (" + events + " events); " + nodes.values().stream()
                    .map(n -> n.raft + " " + n.raft.configuration().configuration()).toList());
        }
        if (settings.preVote() && settings.checkQuorum()) {
            settle(deadline);
            runQuietStretch();
        }
        // The whole run, as clients of a register store saw it, must be linearizable. A search that runs out of
        // budget proves nothing either way: it is counted and reported, never passed off as a success.
        io.kayak.core.check.Result checked = LinearizabilityChecker.check(register.build(),
                Long.getLong("kayak.sim.checkBudget", 2_000_000L));
        if (checked.verdict() == Verdict.NOT_LINEARIZABLE) {
            throw new IllegalStateException("linearizability: " + checked.describe());
        }
        boolean linearizable = checked.verdict() == Verdict.LINEARIZABLE;
        SimNode leader = currentLeader();
        return new Result(settings.seed(), settings.size(), events, messages, dropped, invariants.checks(),
                proposals.size(), proposalsCommitted, readsReleased, readsFailed, faultCounts,
                convergedAt - healAt, leader.raft.lastIndex(), leader.raft.term(), register.size(), linearizable,
                convergedAt, coverage.counts(), sessions == null ? SessionClients.Stats.NONE : sessions.stats());
    }

    /**
     * Runs on from convergence until every voter follows the leader, and for at least {@link #SETTLE_MS}: at
     * convergence a member may still be running a campaign it started in the fault phase (its pre-vote may win,
     * legitimately, when the others have not heard from the leader either). Fails if that takes past
     * {@code deadline}.
     */
    private void settle(long deadline) {
        long until = now + SETTLE_MS;
        while (now < until || !converged() || !followersSettled(currentLeader())) {
            if (queue.isEmpty() || queue.peek().time > deadline) {
                throw new IllegalStateException("liveness: simulated-time budget exceeded: converged but not settled"
                        + " (every voter following one leader) by " + deadline + " ms; " + nodes.values().stream()
                        .map(n -> n.raft.toString()).toList());
            }
            processNext();
        }
    }

    /** Whether every voter of the leader's configuration runs and follows it in its term. */
    private boolean followersSettled(SimNode leader) {
        if (leader == null) {
            return false;
        }
        for (String id : leader.raft.configuration().configuration().voters()) {
            SimNode n = nodes.get(id);
            if (n != leader && (!n.running(now) || n.raft.role() != Role.FOLLOWER
                    || !leader.id.equals(n.raft.leader()) || n.raft.term() != leader.raft.term())) {
                return false;
            }
        }
        return true;
    }

    private void processNext() {
        Event e = queue.poll();
        now = e.time;
        events++;
        budget.checkEvents(events, now);
        e.action.run();
        checkInvariants();
    }

    /**
     * With pre-vote and check-quorum on, a converged cluster must stay undisturbed (see {@link DisruptionCheck}):
     * first with no fault at all, then while a minority of followers is cut off from the rest (they may hear one
     * another, and keep asking for pre-votes), then after they are reconnected.
     */
    private void runQuietStretch() {
        SimNode leader = currentLeader();
        DisruptionCheck disruption = new DisruptionCheck(leader, nodes.values());
        Configuration config = leader.raft.configuration().configuration();
        List<String> followers = new ArrayList<>(config.voters());
        followers.remove(leader.id);
        java.util.Collections.shuffle(followers, steer);
        List<String> cut = List.copyOf(followers.subList(0, (config.voters().size() - 1) / 2));
        List<String> rest = new ArrayList<>(nodes.keySet());
        rest.removeAll(cut);
        schedule(QUIET_BEFORE_MS, null, () -> {
            note("quiet-cut", cut + " cut off from " + rest);
            setCut(cut, rest, true);
        });
        schedule(QUIET_BEFORE_MS + QUIET_CUT_MS, null, () -> {
            trace.add(now, "QUIET: " + cut + " reconnected");
            setCut(cut, rest, false);
        });
        long end = now + QUIET_BEFORE_MS + QUIET_CUT_MS + QUIET_AFTER_MS;
        while (!queue.isEmpty() && queue.peek().time <= end) {
            processNext();
            disruption.check(currentLeader(), nodes.values());
        }
    }

    private void setCut(List<String> a, List<String> b, boolean blocked) {
        for (String x : a) {
            for (String y : b) {
                if (blocked) {
                    network.block(x, y);
                    network.block(y, x);
                } else {
                    network.unblock(x, y);
                    network.unblock(y, x);
                }
            }
        }
    }

    private RaftOptions options(String id, long seed) {
        SimSnapshot snapshot = nodes.get(id).snapshot;
        return RaftOptions.builder(id).seed(seed).applied(snapshot == null ? 0 : snapshot.index())
                .maxAppendBytes(settings.maxAppendBytes())
                .maxInflightMessages(settings.maxInflightMessages()).preVote(settings.preVote())
                .checkQuorum(settings.checkQuorum()).deferCommitNotice(settings.deferCommitNotice())
                .conflictHints(settings.options().conflictHints()).build();
    }

    // ---------------------------------------------------------------- events

    void schedule(long delay, String node, Runnable action) {
        queue.add(new Event(now + delay, seq++, node, action));
    }

    /** Runs {@code action} on {@code node} now, or when its pause ends; drops it if the node is down. */
    private void onNode(SimNode node, int incarnation, Runnable action) {
        if (!node.alive || (incarnation >= 0 && node.incarnation != incarnation)) {
            return;
        }
        if (node.paused(now)) {
            node.deferred.add(() -> onNode(node, incarnation, action));
            if (!node.drainScheduled) {
                node.drainScheduled = true;
                schedule(node.pausedUntil - now, node.id, () -> drainDeferred(node));
            }
            return;
        }
        action.run();
    }

    /** Runs what waited for {@code node}'s pause, in order (each waits again if the pause was extended meanwhile). */
    private void drainDeferred(SimNode node) {
        if (!node.drainScheduled) {
            return; // healing drained it already
        }
        node.drainScheduled = false;
        java.util.List<Runnable> waiting = new java.util.ArrayList<>(node.deferred);
        node.deferred.clear();
        waiting.forEach(Runnable::run);
    }

    private void tick(SimNode node) {
        if (node.running(now)) {
            long term = node.raft.term();
            Role role = node.raft.role();
            node.raft.tick();
            coverage.afterTick(node.raft, term, role);
            drain(node);
        }
        schedule(TICK_MS, node.id, () -> tick(node));
    }

    private void send(Message m) {
        send(m, -1);
    }

    private void send(Message m, long matchTerm) {
        invariants.checkDurableBeforeSend(nodes.get(m.from()), m, matchTerm);
        invariants.sent(m);
        messages++;
        if (stale != null) {
            stale.offer(m);
            if (m instanceof Message.AppendRequest && !((Message.AppendRequest) m).entries().isEmpty()
                    && steer.nextInt(6) == 0) {
                // A heartbeat-form copy, often overtaking the original: it meets the follower's log as it was.
                Message.AppendRequest copy = StaleMessages.withoutEntries((Message.AppendRequest) m);
                SimNode target = nodes.get(m.to());
                schedule(network.delay(), m.to(), () -> onNode(target, -1, () -> deliver(target, copy)));
            }
        }
        if (network.drops(m.from(), m.to())) {
            dropped++;
            return;
        }
        int copies = network.duplicates() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            SimNode target = nodes.get(m.to());
            schedule(network.delay(), m.to(), () -> onNode(target, -1, () -> deliver(target, m)));
        }
    }

    /** Re-delivers a kept copy of an old AppendEntries, long after it was first sent (see {@link StaleMessages}). */
    private void replayStale() {
        if (!workloadOn) {
            return;
        }
        schedule(50 + steer.nextInt(250), null, this::replayStale);
        Message.AppendRequest kept = stale.take();
        if (kept == null) {
            return;
        }
        Message.AppendRequest m = steer.nextBoolean() ? kept : StaleMessages.withoutEntries(kept);
        SimNode sender = nodes.get(m.from());
        boolean deposed = !sender.alive || sender.raft.term() != m.term() || sender.raft.role() != Role.LEADER;
        note("stale-replay", (deposed ? "deposed " : "") + m);
        SimNode target = nodes.get(m.to());
        onNode(target, -1, () -> deliver(target, m));
    }

    private void deliver(SimNode node, Message m) {
        trace.add(now, "deliver ", m);
        step(node, m);
        drain(node);
    }

    /** Steps {@code m} on the node's core, telling {@link Coverage} what the core's state was before and after. */
    private void step(SimNode node, Message m) {
        long term = node.raft.term();
        Role role = node.raft.role();
        coverage.beforeStep(node.raft, m);
        node.raft.step(m);
        coverage.afterStep(node.raft, m, term, role);
    }

    /** Adds a line to the trace a failure prints. */
    void trace(String line) {
        trace.add(now, line);
    }

    /** Carries out the node's driver duties after a client's proposal (see {@link #drain}). */
    void drainNode(SimNode node) {
        drain(node);
    }

    /** Carries out the driver's duties for every Ready the node has (see {@link Ready}). */
    private void drain(SimNode node) {
        RaftNode raft = node.raft;
        while (raft.hasReady()) {
            Ready rd = raft.ready();
            if (rd.softState() != null) {
                trace.add(now, node.id + " is " + rd.softState());
                if (rd.softState().role() == Role.LEADER) {
                    invariants.checkLeader(node);
                    invariants.checkNewLeader(node);
                    invariants.checkElectionQuorum(node, votes);
                }
            }
            for (Message m : rd.messages()) {
                send(m);
            }
            if (node.crashAfterNextSend && !rd.messages().isEmpty() && (node.syncScheduled || rd.mustPersist())) {
                // The worst moment: messages are out, the writes before them are not yet durable.
                node.crashAfterNextSend = false;
                long down = 1 + random.nextInt(30);
                note("crash-after-send", node.id + " for " + down + " ms");
                crash(node);
                schedule(down, null, () -> restart(node));
                return;
            }
            if (rd.overwrites() && !node.awaitingSync.isEmpty()) {
                // Ready's contract: earlier writes become durable, and their acknowledgements leave, first.
                completeSync(node, false);
            }
            if (rd.snapshot() != null) {
                installSnapshot(node, rd.snapshot());
            }
            for (Ready.SnapshotRequest request : rd.snapshotsToSend()) {
                sendSnapshot(node, request);
            }
            if (!rd.entries().isEmpty()) {
                invariants.checkWrite(node, rd.entries());
                node.disk.append(rd.entries());
            }
            if (rd.hardState() != null) {
                node.disk.saveHardState(rd.hardState());
            }
            invariants.checkCommit(node, nodes.values());
            for (Entry e : rd.committed()) {
                invariants.checkApply(node, e, nodes.values());
                String value = plainValue(e);
                if (sessions != null) {
                    SessionTable.Outcome outcome = node.applySession(e);
                    invariants.checkSessionApply(node, e, outcome);
                    sessions.applied(node, e, outcome);
                }
                onApplied(e, value);
                register.applied(node, value, e, now);
            }
            for (ReadState rs : rd.reads()) {
                Long required = readRequired.remove(rs.requestId());
                if (required != null) {
                    invariants.checkRead(node, rs.requestId(), rs.index(), required);
                    readsReleased++;
                    register.readReleased(rs.requestId(), rs.index(), now);
                }
            }
            for (long failed : rd.failedReads()) {
                if (readRequired.remove(failed) != null) {
                    readsFailed++;
                }
                register.readFailed(failed, now);
            }
            if (rd.mustPersist() || !node.awaitingSync.isEmpty()) {
                node.awaitingSync.add(new SimNode.AwaitingSync(rd.messagesAfterPersist(),
                        matchTerms(raft, rd.messagesAfterPersist()), rd.lastEntry()));
                scheduleSync(node);
            } else {
                long[] terms = matchTerms(raft, rd.messagesAfterPersist());
                for (int i = 0; i < terms.length; i++) {
                    send(rd.messagesAfterPersist().get(i), terms[i]);
                }
            }
        }
        scheduleCommitNotice(node);
    }

    /** A leader that defers commit notices sends them a little later, as the runtime does, unless overtaken. */
    private void scheduleCommitNotice(SimNode node) {
        if (node.noticeScheduled || !node.raft.commitNoticePending()) {
            return;
        }
        node.noticeScheduled = true;
        int incarnation = node.incarnation;
        schedule(random.nextInt(3), node.id, () -> onNode(node, incarnation, () -> {
            node.noticeScheduled = false;
            node.raft.sendCommitNotice();
            drain(node);
        }));
    }

    private void scheduleSync(SimNode node) {
        if (node.syncScheduled) {
            return;
        }
        node.syncScheduled = true;
        int incarnation = node.incarnation;
        schedule(1 + random.nextInt(settings.maxSyncMillis()), node.id,
                () -> onNode(node, incarnation, () -> onSyncEvent(node)));
    }

    /** The term of the entry each successful AppendResponse acknowledges, as the node's log has it now. */
    private static long[] matchTerms(RaftNode raft, List<Message> messages) {
        long[] terms = new long[messages.size()];
        for (int i = 0; i < terms.length; i++) {
            Message m = messages.get(i);
            terms[i] = m instanceof Message.AppendResponse ? raft.termAt(((Message.AppendResponse) m).matchIndex())
                    : -1;
        }
        return terms;
    }

    private void completeSync(SimNode node, boolean thenDrain) {
        node.disk.sync();
        trace.add(now, node.id + " synced through " + node.disk.lastIndex());
        while (!node.awaitingSync.isEmpty()) {
            SimNode.AwaitingSync w = node.awaitingSync.poll();
            for (int i = 0; i < w.messages().size(); i++) {
                send(w.messages().get(i), w.matchTerms()[i]);
            }
            if (w.lastEntry() != null) {
                node.raft.persisted(w.lastEntry().index(), w.lastEntry().term());
            }
        }
        if (thenDrain) {
            drain(node);
        }
    }

    private void onSyncEvent(SimNode node) {
        node.syncScheduled = false;
        completeSync(node, true);
    }

    private void checkInvariants() {
        for (SimNode node : nodes.values()) {
            if (node.alive) {
                invariants.checkLeader(node);
                invariants.checkCommit(node, nodes.values());
            }
        }
    }

    // ---------------------------------------------------------------- workload

    private void scheduleWorkload() {
        schedule(5 + random.nextInt(20), null, this::proposeSomewhere);
        schedule(5 + random.nextInt(40), null, this::readSomewhere);
        if (sessions != null) {
            sessions.start();
        }
    }

    private SimNode randomRunningNode() {
        List<SimNode> running = new ArrayList<>();
        for (SimNode n : nodes.values()) {
            if (n.running(now)) {
                running.add(n);
            }
        }
        return running.isEmpty() ? null : running.get(random.nextInt(running.size()));
    }

    private void proposeSomewhere() {
        if (!workloadOn) {
            return;
        }
        SimNode node = randomRunningNode();
        // Half of the proposals go to the leader when there is one, so that most of them commit.
        SimNode leader = currentLeader();
        if (leader != null && leader.running(now) && random.nextBoolean()) {
            node = leader;
        }
        if (node != null) {
            int count = 1 + (random.nextInt(4) == 0 ? random.nextInt(8) : 0);
            List<String> values = new ArrayList<>();
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String value = "p" + proposals.size() + "-" + i;
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                values.add(value);
                // With sessions, every application entry has an envelope: these are plain ones.
                batch.add(sessions != null ? Envelope.plain(bytes) : bytes);
            }
            try {
                long first = node.raft.propose(batch);
                for (int i = 0; i < count; i++) {
                    String value = values.get(i);
                    proposals.put(value, new long[] {first + i, node.raft.term(), 0});
                    register.proposed(value, node, first + i, node.raft.term(), now);
                }
                trace.add(now, node.id + " proposed " + count + " at " + first);
            } catch (RaftException e) {
                trace.add(now, node.id + " refused proposal: " + e.getMessage());
                for (String value : values) {
                    register.refused(value, now);
                }
            }
            drain(node);
        }
        schedule(2 + random.nextInt(20), null, this::proposeSomewhere);
    }

    /**
     * The register write an applied entry stands for, or {@code null}: the whole payload of a normal entry, or with
     * sessions the payload of a plain envelope (session entries are checked by the session invariants instead).
     */
    private String plainValue(Entry e) {
        if (e.kind() != EntryKind.NORMAL) {
            return null;
        }
        if (sessions == null) {
            return new String(e.payload(), StandardCharsets.UTF_8);
        }
        if (Envelope.type(e.payload()) != Envelope.Type.PLAIN) {
            return null;
        }
        int offset = Envelope.PLAIN_HEADER;
        return new String(e.payload(), offset, e.payload().length - offset, StandardCharsets.UTF_8);
    }

    private void onApplied(Entry e, String value) {
        if (value == null) {
            return;
        }
        long[] p = proposals.get(value);
        if (p != null && p[2] == 0 && p[0] == e.index() && p[1] == e.term()) {
            p[2] = 1;
            proposalsCommitted++;
        }
    }

    private void readSomewhere() {
        if (!workloadOn) {
            return;
        }
        SimNode node = randomRunningNode();
        if (node != null) {
            long id = nextRequestId++;
            // Everything committed anywhere before the read is asked must be covered by its index.
            readRequired.put(id, invariants.maxCommitted());
            register.readAsked(id, node, now, RegisterHistory.keyOf("r" + id));
            trace.add(now, node.id + " asks read " + id);
            node.raft.readIndex(id);
            drain(node);
        }
        schedule(5 + random.nextInt(30), null, this::readSomewhere);
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * A random member takes a snapshot of its applied state and compacts its log, keeping a random trailing window
     * of entries before the snapshot (so lagging members sometimes catch up from the log, sometimes not).
     */
    private void compactSomewhere() {
        if (!workloadOn) {
            return;
        }
        schedule(50 + random.nextInt(400), null, this::compactSomewhere);
        SimNode node = randomRunningNode();
        if (node == null || node.lastApplied == 0
                || (node.snapshot != null && node.snapshot.index() >= node.lastApplied)) {
            return;
        }
        long index = node.lastApplied;
        IndexedConfiguration config = node.disk.configurationBefore(index + 1);
        if (config == null) {
            return;
        }
        SimSnapshot snapshot = new SimSnapshot(new SnapshotMetadata(index, node.disk.term(index),
                config.configuration()), node.stateHash, node.sessions == null ? null : node.sessions.encode());
        invariants.checkSnapshot(node, snapshot, "took");
        if (sessions != null) {
            invariants.checkSessionSnapshot(node, snapshot, "took");
        }
        node.snapshot = snapshot;
        long keep = random.nextInt(3) == 0 ? 0 : random.nextInt(20);
        long upTo = Math.max(node.disk.firstIndex() - 1, index - keep);
        node.disk.compact(upTo);
        note("compaction", node.id + " snapshot at " + index + ", log from " + node.disk.firstIndex());
    }

    /**
     * The leader's driver streams its latest snapshot. Modelled as one message subject to the network's drops,
     * duplicates and delays; the transfer sometimes fails outright, which the driver reports to the core.
     */
    private void sendSnapshot(SimNode leader, Ready.SnapshotRequest request) {
        SimSnapshot snapshot = leader.snapshot;
        if (snapshot == null) {
            throw new IllegalStateException(leader.id + " was asked for a snapshot but never took one");
        }
        if (workloadOn && random.nextInt(8) == 0) {
            note("snapshot-send-failed", leader.id + " -> " + request.to());
            leader.raft.reportSnapshot(request.to(), false);
            return;
        }
        Message.InstallSnapshot m = new Message.InstallSnapshot(leader.id, request.to(), request.term(),
                snapshot.metadata());
        trace.add(now, leader.id + " streams snapshot at " + snapshot.index() + " to " + request.to());
        messages++;
        if (network.drops(m.from(), m.to())) {
            dropped++;
            return;
        }
        int copies = network.duplicates() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            SimNode target = nodes.get(m.to());
            schedule(network.delay(), m.to(), () -> onNode(target, -1, () -> receiveSnapshot(target, m, snapshot)));
        }
    }

    /**
     * The receiver writes the snapshot under a temporary name and syncs it, which takes a while; a crash meanwhile
     * loses the partial file. Once durable, the core steps the InstallSnapshot.
     */
    private void receiveSnapshot(SimNode node, Message.InstallSnapshot m, SimSnapshot snapshot) {
        int incarnation = node.incarnation;
        long writeMillis = 1 + random.nextInt(settings.maxSyncMillis() * 2);
        if (workloadOn && settings.faults() && random.nextInt(6) == 0) {
            long crashAt = random.nextInt((int) writeMillis);
            long down = 1 + random.nextInt(50);
            schedule(crashAt, null, () -> {
                if (workloadOn && node.alive && node.incarnation == incarnation) {
                    note("crash-mid-install", node.id + " for " + down + " ms");
                    crash(node);
                    schedule(down, null, () -> restart(node));
                }
            });
        }
        schedule(writeMillis, node.id, () -> onNode(node, incarnation, () -> {
            trace.add(now, "deliver ", m);
            node.incoming = snapshot;
            step(node, m);
            drain(node);
            node.incoming = null;
        }));
    }

    /** The driver's part of a Ready's snapshot: replace the log, then rebuild the state machine from the data. */
    private void installSnapshot(SimNode node, SnapshotMetadata metadata) {
        SimSnapshot snapshot = node.incoming;
        if (snapshot == null || !snapshot.metadata().equals(metadata)) {
            throw new IllegalStateException(node.id + " was told to install " + metadata + " but received "
                    + snapshot);
        }
        invariants.checkSnapshot(node, snapshot, "installed");
        if (sessions != null) {
            invariants.checkSessionSnapshot(node, snapshot, "installed");
        }
        node.disk.installSnapshot(metadata.index(), metadata.term(), metadata.configuration());
        node.snapshot = snapshot;
        node.lastApplied = metadata.index();
        node.stateHash = snapshot.stateHash();
        node.sessions = node.restoreSessions(snapshot);
        note("install", node.id + " snapshot at " + metadata.index());
    }

    // ---------------------------------------------------------------- faults (used by FaultSchedule)

    SimNode currentLeader() {
        SimNode best = null;
        for (SimNode n : nodes.values()) {
            if (n.alive && n.raft.role() == Role.LEADER && (best == null || n.raft.term() > best.raft.term())) {
                best = n;
            }
        }
        return best;
    }

    void crash(SimNode node) {
        if (!node.alive) {
            return;
        }
        trace.add(now, "CRASH " + node.id);
        node.alive = false;
        node.pausedUntil = -1;
        node.deferred.clear(); // what waited for it dies with it
        node.drainScheduled = false;
        node.disk.crash(random);
        invariants.crashed(node);
    }

    void restart(SimNode node) {
        if (node.alive) {
            return;
        }
        node.start(options(node.id, random.nextLong()));
        trace.add(now, "RESTART " + node.id + " " + node.raft);
        invariants.checkCommit(node, nodes.values());
    }

    void pause(SimNode node, long millis) {
        if (!node.alive) {
            return;
        }
        trace.add(now, "PAUSE " + node.id + " for " + millis + " ms");
        node.pausedUntil = Math.max(node.pausedUntil, now + millis);
    }

    void note(String fault, String detail) {
        faultCounts.merge(fault, 1, Integer::sum);
        trace.add(now, "FAULT " + fault + " " + detail);
    }

    private void healAll() {
        trace.add(now, "HEAL: faults stop, workload stops");
        workloadOn = false;
        network.healAll();
        for (SimNode node : nodes.values()) {
            node.pausedUntil = -1;
            node.crashAfterNextSend = false;
            drainDeferred(node); // the backlog of a pause acts now, before convergence, not later
            restart(node);
        }
    }

    private boolean converged() {
        SimNode leader = currentLeader();
        if (leader == null) {
            return false;
        }
        long last = leader.raft.lastIndex();
        Configuration config = leader.raft.configuration().configuration();
        if (leader.raft.termAt(last) != leader.raft.term() || leader.raft.commitIndex() != last
                || config.isJoint() || !config.isVoter(leader.id)) {
            return false;
        }
        for (SimNode n : nodes.values()) {
            // Members of the final configuration converge; removed members and unused spares may lag forever.
            if (config.contains(n.id) && (!n.alive || n.raft.lastIndex() != last || n.lastApplied != last)) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- membership changes

    private void scheduleMembershipChanges() {
        // Replacement-heavy seeds change membership about twice as often.
        int spread = settings.options().replacements() ? 300 : 600;
        schedule(200 + random.nextInt(spread), null, this::changeMembership);
    }

    /**
     * Asks the leader for a random configuration change: add a learner, promote one, remove or replace a voter
     * (through a joint configuration), or drop a learner. Refusals (one change at a time) are part of the test.
     */
    private void changeMembership() {
        if (!workloadOn) {
            return;
        }
        scheduleMembershipChanges();
        SimNode leader = currentLeader();
        if (leader == null || !leader.running(now)) {
            return;
        }
        Configuration c = leader.raft.configuration().configuration();
        if (c.isJoint()) {
            return;
        }
        List<String> outsiders = new ArrayList<>();
        for (String id : nodes.keySet()) {
            if (!c.contains(id)) {
                outsiders.add(id);
            }
        }
        List<String> voters = new ArrayList<>(c.voters());
        List<String> learners = new ArrayList<>(c.learners());
        Configuration next = null;
        String what = null;
        switch (chooseChange(learners, voters)) {
            case 0:
                if (!outsiders.isEmpty()) {
                    String newcomer = outsiders.get(random.nextInt(outsiders.size()));
                    next = withLearners(c, c.voters(), plus(c.learners(), newcomer), newcomer);
                    what = "add learner " + newcomer;
                }
                break;
            case 1:
                if (!learners.isEmpty()) {
                    String l = learners.get(random.nextInt(learners.size()));
                    next = joint(c, plus(c.voters(), l), minus(c.learners(), l));
                    what = "promote " + l;
                }
                break;
            case 2:
                if (voters.size() > 1) {
                    String v = voters.get(random.nextInt(voters.size()));
                    next = joint(c, minus(c.voters(), v), c.learners());
                    what = "remove voter " + v;
                }
                break;
            case 3:
                if (!learners.isEmpty() && voters.size() > 1) {
                    String l = learners.get(random.nextInt(learners.size()));
                    String v = voters.get(random.nextInt(voters.size()));
                    next = joint(c, plus(minus(c.voters(), v), l), minus(c.learners(), l));
                    what = "replace " + v + " by " + l;
                }
                break;
            default:
                if (!learners.isEmpty()) {
                    String l = learners.get(random.nextInt(learners.size()));
                    next = withLearners(c, c.voters(), minus(c.learners(), l), null);
                    what = "remove learner " + l;
                }
                break;
        }
        if (next == null) {
            return;
        }
        try {
            long index = leader.raft.proposeConfiguration(next);
            note("membership", what + " at " + index);
        } catch (RaftException e) {
            trace.add(now, "membership change refused: " + what + ": " + e.getMessage());
            drain(leader);
            return;
        }
        drain(leader);
        maybeCrashAfterConfig(leader);
    }

    /**
     * Which change {@link #changeMembership} tries: uniform over its five kinds, or, on replacement-heavy seeds,
     * a replacement whenever a learner can stand in (and otherwise adding a learner that can).
     */
    private int chooseChange(List<String> learners, List<String> voters) {
        int drawn = random.nextInt(5);
        if (!settings.options().replacements() || steer.nextInt(4) == 0) {
            return drawn;
        }
        return !learners.isEmpty() && voters.size() > 1 ? 3 : 0;
    }

    /**
     * On seeds with that option, the leader crashes right after appending a configuration entry half of the time:
     * the next election then runs in the new (often joint) configuration, or in the old one if the entry is lost.
     */
    private void maybeCrashAfterConfig(SimNode leader) {
        if (!settings.faults() || !settings.options().crashAfterConfig() || steer.nextBoolean()) {
            return;
        }
        int incarnation = leader.incarnation;
        long after = steer.nextInt(4);
        long down = 20 + steer.nextInt(800);
        schedule(after, null, () -> {
            if (workloadOn && leader.alive && leader.incarnation == incarnation) {
                note("crash-after-config", leader.id + " for " + down + " ms");
                crash(leader);
                schedule(down, null, () -> restart(leader));
            }
        });
    }

    private static java.util.Set<String> plus(java.util.Set<String> set, String id) {
        java.util.Set<String> out = new java.util.TreeSet<>(set);
        out.add(id);
        return out;
    }

    private static java.util.Set<String> minus(java.util.Set<String> set, String id) {
        java.util.Set<String> out = new java.util.TreeSet<>(set);
        out.remove(id);
        return out;
    }

    private static Configuration withLearners(Configuration c, java.util.Set<String> voters,
                                              java.util.Set<String> learners, String newcomer) {
        Map<String, String> addresses = new LinkedHashMap<>();
        for (String id : voters) {
            addresses.put(id, c.addresses().get(id));
        }
        for (String id : learners) {
            addresses.put(id, id.equals(newcomer) ? "sim://" + id : c.addresses().get(id));
        }
        return Configuration.of(voters, java.util.Set.of(), learners, addresses);
    }

    /** The joint configuration moving from {@code c}'s voters to {@code voters}. */
    private static Configuration joint(Configuration c, java.util.Set<String> voters, java.util.Set<String> learners) {
        Map<String, String> addresses = new LinkedHashMap<>(c.addresses());
        return Configuration.of(voters, c.voters(), learners, addresses);
    }

    private String describeFailure(Throwable e) {
        return "simulation failed: " + FailureNames.describe(e) + "\n  seed " + settings.seed() + " (" + settings.size()
                + " members, " + settings.faultMillis() + " ms of faults, options: " + settings.options()
                + describeCore() + (sessions == null ? "" : ", " + sessions) + ") at " + now + " ms\n  replay: "
                + replayCommand(settings.seed()) + "\n  last events:\n" + trace.dump();
    }

    private String describeCore() {
        return "pre-vote " + (settings.preVote() ? "on" : "off") + ", check-quorum "
                + (settings.checkQuorum() ? "on" : "off");
    }

    /** The one-line command that replays {@code seed} exactly. */
    public static String replayCommand(long seed) {
        return "./mvnw -q -pl kayak-core -am test -Dtest=SimulationTest -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dkayak.sim.seed=" + seed + SeedOptions.replayFlags();
    }
}
