package io.kayak.core;

import io.kayak.core.Message.AppendRequest;
import io.kayak.core.Message.AppendResponse;
import io.kayak.core.Message.Heartbeat;
import io.kayak.core.Message.HeartbeatResponse;
import io.kayak.core.Message.InstallSnapshot;
import io.kayak.core.Message.ReadIndexRequest;
import io.kayak.core.Message.ReadIndexResponse;
import io.kayak.core.Message.TimeoutNow;
import io.kayak.core.Message.VoteRequest;
import io.kayak.core.Message.VoteResponse;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One member's Raft state machine: deterministic, single-threaded, with no I/O, threads or clock.
 *
 * <p>Inputs: {@link #tick()}, {@link #step(Message)}, {@link #propose}, {@link #readIndex(long)},
 * {@link #transferLeadership(String)}, {@link #proposeConfiguration(Configuration)}, durability reports
 * {@link #persisted(long, long)} and snapshot transfer reports {@link #reportSnapshot(String, boolean)}. Outputs accumulate until {@link #ready()} hands them out as one {@link Ready};
 * its javadoc states what the driver must do with it. Not thread-safe: one thread owns a node.
 *
 * <p>The rules are named as in the Raft paper and Ongaro's dissertation; each lives in one place here or in the
 * small classes this one composes ({@link RaftLog}, {@link ProgressTracker}, {@link Quorum},
 * {@link ReadIndexTracker}).
 */
public final class RaftNode {
    /**
     * Election timeouts a leader waits for a follower to confirm a snapshot before asking its driver again. A
     * driver still streaming to that follower ignores the repeated request.
     */
    static final int SNAPSHOT_TIMEOUT_ELECTIONS = 3;

    private final String id;
    private final RaftOptions options;
    private final DeterministicRandom random;
    private final RaftLog log;
    private final ProgressTracker tracker;
    private final ReadIndexTracker reads = new ReadIndexTracker();

    private long term;
    private String votedFor;
    private String leader;
    private Role role = Role.FOLLOWER;

    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;
    private String leadTransferee;
    /** Index of the latest configuration entry this leader appended; no new change before it commits. */
    private long pendingConfigIndex;
    /** Reads this follower forwarded to the leader and not yet answered. */
    private final Set<Long> forwardedReads = new LinkedHashSet<>();
    /** New entries to send to followers with the next Ready (proposals made in one batch share messages). */
    private boolean broadcastPending;
    /** The commit index advanced: followers should hear of it with the next Ready, even without new entries. */
    private boolean commitBroadcastPending;

    private final List<Message> messages = new ArrayList<>();
    private final List<Message> messagesAfterPersist = new ArrayList<>();
    private final List<ReadState> releasedReads = new ArrayList<>();
    private final List<Long> failedReads = new ArrayList<>();
    private HardState lastHardState;
    /**
     * Set from a sole voter's win by its own vote until an entry of its term is durable: until then its messages
     * wait for persistence (see {@link #ready}).
     */
    private boolean termAwaitsPersistence;
    private Ready.SoftState lastSoftState;
    /** A snapshot from the leader that replaced the log, for the driver to install with the next Ready. */
    private SnapshotMetadata snapshotToInstall;
    private final List<Ready.SnapshotRequest> snapshotRequests = new ArrayList<>();

    /**
     * Starts (or restarts) a member from what its storage holds. The configuration in force is the newest one in
     * the log; a member whose log holds none waits to be contacted by a leader (a joining member).
     */
    public RaftNode(RaftOptions options, LogStorage storage, HardState hardState) {
        this.options = Objects.requireNonNull(options, "options");
        this.id = options.id();
        this.random = new DeterministicRandom(options.seed());
        this.log = new RaftLog(storage, hardState.commit(), options.applied());
        if (log.lastTerm() > hardState.term()) {
            // A crash kept a batch's entries but not the hard state that raised the term before them. The term of
            // the log's last entry was reached, and in it this member may have voted or led: never vote or lead in
            // it again (that could put two different entries at one index and term), so count its vote as cast.
            this.term = log.lastTerm();
            this.votedFor = id;
        } else {
            this.term = hardState.term();
            this.votedFor = hardState.votedFor();
        }
        IndexedConfiguration config = storage.configurationBefore(storage.lastIndex() + 1);
        if (config == null) {
            config = new IndexedConfiguration(0, Configuration.of(Set.of(), Set.of(), Set.of(), Map.of()));
        }
        this.tracker = new ProgressTracker(id, config, options.maxInflightMessages(), options.maxInflightBytes());
        // The stored hard state, so that a term raised above from the log is saved with the first Ready.
        this.lastHardState = new HardState(hardState.term(), hardState.votedFor(), log.committed());
        this.lastSoftState = new Ready.SoftState(role, leader, term);
        resetElectionTimer();
    }

    /** The entry that seeds a new cluster with {@code config}: index 1, term 1. */
    public static Entry bootstrapEntry(Configuration config) {
        return new Entry(1, 1, EntryKind.CONFIG, ConfigurationCodec.encode(config));
    }

    /** The hard state that goes with {@link #bootstrapEntry}. */
    public static HardState bootstrapHardState() {
        return new HardState(1, null, 1);
    }

    // ---------------------------------------------------------------- observers

    public String id() {
        return id;
    }

    public Role role() {
        return role;
    }

    public long term() {
        return term;
    }

    /** The leader this member knows for its term, or {@code null}. */
    public String leader() {
        return leader;
    }

    public long commitIndex() {
        return log.committed();
    }

    public long appliedIndex() {
        return log.applied();
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    /** The first index this member's log holds; entries before it are covered by a snapshot. */
    public long firstIndex() {
        return log.firstIndex();
    }

    public long durableIndex() {
        return log.durableIndex();
    }

    /** The configuration in force (the newest appended, committed or not), with its index. */
    public IndexedConfiguration configuration() {
        return tracker.indexedConfig();
    }

    public String votedFor() {
        return votedFor;
    }

    /** The term of the entry at {@code index}, or -1 when this member does not hold it. */
    public long termAt(long index) {
        return log.termOrMissing(index);
    }

    /** A snapshot of the leader's per-follower progress (match index), empty on other members. */
    public Map<String, Long> followerMatches() {
        Map<String, Long> out = new java.util.TreeMap<>();
        if (role == Role.LEADER) {
            tracker.peers().forEach((peer, pr) -> out.put(peer, pr.match()));
        }
        return out;
    }

    // ---------------------------------------------------------------- inputs

    /** Advances logical time by one tick: elections, heartbeats, check-quorum. */
    public void tick() {
        if (role == Role.LEADER) {
            tickLeader();
        } else {
            tickElection();
        }
    }

    private void tickElection() {
        if (electionElapsed < Integer.MAX_VALUE) {
            electionElapsed++;
        }
        // Only a member that may vote restarts its timer here. A learner's elapsed time keeps growing, so the lease
        // it grants a silent leader expires and it can answer the pre-votes of a new leader (joint configurations
        // may count it before it knows it votes).
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            campaign(options.preVote(), false);
        }
    }

    private void tickLeader() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= options.electionTicks()) {
            electionElapsed = 0;
            if (options.checkQuorum()) {
                if (!tracker.quorumActive()) {
                    // Dissertation §6.2: a leader cut off from a quorum steps down so clients look elsewhere.
                    becomeFollower(term, null);
                    return;
                }
                tracker.resetRecentActive();
            }
            // A transfer that did not finish within an election timeout is abandoned (dissertation §3.10).
            leadTransferee = null;
        }
        for (Map.Entry<String, Progress> e : tracker.peers().entrySet()) {
            if (e.getValue().snapshotTimedOut(SNAPSHOT_TIMEOUT_ELECTIONS * options.electionTicks())) {
                // Neither an installation nor a failure was heard of: the request or the answer was lost.
                e.getValue().abortSnapshot();
                sendAppend(e.getKey(), true);
            }
        }
        if (heartbeatElapsed >= options.heartbeatTicks()) {
            heartbeatElapsed = 0;
            broadcastHeartbeat();
        }
    }

    /**
     * Starts an election now, as if the election timeout had elapsed (with pre-vote when enabled). A member that
     * cannot vote, or already leads, ignores it. The runtime uses it when a member is the only voter, so a new
     * single-member cluster does not wait a timeout for its first leader.
     */
    public void campaign() {
        if (role != Role.LEADER && promotable()) {
            campaign(options.preVote(), false);
        }
    }

    /**
     * Proposes application payloads. Returns the index of the first; they occupy consecutive indices.
     *
     * @throws NotLeaderException when this member is not the leader
     * @throws ProposalRefusedException while leadership is being transferred
     */
    public long propose(List<byte[]> payloads) {
        checkCanPropose();
        long first = log.lastIndex() + 1;
        List<Entry> entries = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            entries.add(Entry.normal(first + i, term, payloads.get(i)));
        }
        appendAsLeader(entries);
        return first;
    }

    /** Proposes one payload; see {@link #propose(List)}. */
    public long propose(byte[] payload) {
        return propose(List.of(payload));
    }

    /**
     * Proposes a new configuration. A change from a simple configuration to one with different voters must go
     * through a joint configuration (pass one with {@link Configuration#outgoing()} set); the leader leaves the
     * joint configuration by itself once it commits (Raft §6).
     *
     * @throws ProposalRefusedException when the leader has not yet committed an entry of its term, or a change is
     *                                  already in flight, or the change is not allowed
     */
    public long proposeConfiguration(Configuration next) {
        checkCanPropose();
        if (log.term(log.committed()) != term) {
            // The 2015 single-server-change bug: a leader must commit an entry of its term before changing.
            throw new ProposalRefusedException("the leader has not yet committed an entry of its term");
        }
        if (pendingConfigIndex > log.committed()) {
            throw new ProposalRefusedException("a configuration change is already in progress (index "
                    + pendingConfigIndex + ")");
        }
        Configuration current = tracker.config();
        if (current.isJoint() && !next.equals(current.leaveJoint())) {
            throw new ProposalRefusedException("the joint configuration must be left before another change");
        }
        if (next.voters().isEmpty()) {
            throw new ProposalRefusedException("a configuration needs at least one voter");
        }
        if (!current.isJoint() && !next.isJoint() && !next.voters().equals(current.voters())) {
            throw new ProposalRefusedException("changing voters requires a joint configuration");
        }
        if (next.isJoint() && !next.outgoing().equals(current.voters())) {
            throw new ProposalRefusedException("the outgoing half must be the current voters");
        }
        long index = log.lastIndex() + 1;
        appendAsLeader(List.of(new Entry(index, term, EntryKind.CONFIG, ConfigurationCodec.encode(next))));
        return index;
    }

    private void checkCanPropose() {
        if (role != Role.LEADER) {
            throw new NotLeaderException(id, leader);
        }
        if (leadTransferee != null) {
            throw new ProposalRefusedException("leadership is being transferred to " + leadTransferee);
        }
    }

    /**
     * Requests a linearizable read. The outcome appears in a later {@link Ready}: a {@link ReadState} with this
     * id, or the id among {@link Ready#failedReads()}. Works on any member: followers forward it to the leader.
     */
    public void readIndex(long requestId) {
        if (role == Role.LEADER) {
            handleRead(id, requestId);
        } else if (leader != null) {
            forwardedReads.add(requestId);
            messages.add(new ReadIndexRequest(id, leader, term, requestId));
        } else {
            failedReads.add(requestId);
        }
    }

    /**
     * Starts handing leadership to {@code target} (dissertation §3.10): proposals are refused meanwhile; once the
     * target's log is up to date it is told to campaign at once. Abandoned after an election timeout.
     */
    public void transferLeadership(String target) {
        if (role != Role.LEADER) {
            throw new NotLeaderException(id, leader);
        }
        if (target.equals(id) || !tracker.isVoter(target) || tracker.get(target) == null) {
            throw new ProposalRefusedException("cannot transfer leadership to " + target);
        }
        leadTransferee = target;
        electionElapsed = 0;
        Progress pr = tracker.get(target);
        if (pr.match() == log.lastIndex()) {
            messages.add(new TimeoutNow(id, target, term));
        } else {
            sendAppend(target, true);
        }
    }

    /**
     * Whether a follower that could apply more entries has not been told the commit index yet. Only a leader that
     * {@linkplain RaftOptions#deferCommitNotice() defers commit notices} leaves one waiting; the driver then calls
     * {@link #sendCommitNotice()} after a short delay, unless new AppendEntries carried the notice meanwhile.
     */
    public boolean commitNoticePending() {
        if (role != Role.LEADER) {
            return false;
        }
        long committed = log.committed();
        for (Progress pr : tracker.peers().values()) {
            if (!pr.isPaused() && pr.lagsCommit(committed)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Tells every follower that has not heard of the commit index yet (an empty AppendEntries each, leaving with the
     * next {@link Ready}). Does nothing on a member that does not lead.
     */
    public void sendCommitNotice() {
        if (role != Role.LEADER) {
            return;
        }
        long committed = log.committed();
        for (Map.Entry<String, Progress> e : tracker.peers().entrySet()) {
            if (!e.getValue().isPaused() && e.getValue().lagsCommit(committed)) {
                sendAppend(e.getKey(), true);
            }
        }
    }

    /**
     * The driver reports that entries up to {@code index}, whose term is {@code term}, are durable (and so is every
     * hard state handed out before them).
     */
    public void persisted(long index, long term) {
        log.stableTo(index, term);
        if (term == this.term) {
            // An entry of this term is durable: a restart resumes at least this term, its vote cast (see the
            // constructor), so this term can never be led again.
            termAwaitsPersistence = false;
        }
        if (role == Role.LEADER && maybeCommit()) {
            commitBroadcastPending = true;
        }
    }

    /**
     * The driver reports the outcome of streaming a snapshot to {@code follower}. A failure makes the leader probe
     * the follower again, which requests a new transfer when its entries are still compacted; a success needs no
     * report (the follower's answer moves its progress on) but is accepted.
     */
    public void reportSnapshot(String follower, boolean ok) {
        Progress pr = role == Role.LEADER ? tracker.get(follower) : null;
        if (pr == null || pr.state() != Progress.State.SNAPSHOT || ok) {
            return;
        }
        pr.abortSnapshot();
        sendAppend(follower, true);
    }

    /** Handles one message from another member. */
    public void step(Message m) {
        if (!m.to().equals(id)) {
            throw new IllegalArgumentException(id + " received a message for " + m.to());
        }
        if (m.term() > term) {
            if (m instanceof VoteRequest) {
                VoteRequest v = (VoteRequest) m;
                boolean inLease = options.checkQuorum() && leader != null
                        && electionElapsed < options.electionTicks();
                if (inLease && !v.transfer()) {
                    // Dissertation §4.2.3: while it hears from a live leader, a member ignores candidates, so a
                    // removed or partitioned member cannot disrupt the cluster.
                    return;
                }
            }
            if (m instanceof VoteRequest && ((VoteRequest) m).preVote()) {
                // A pre-vote carries a term the sender does not hold yet: no change here.
            } else if (m instanceof VoteResponse && ((VoteResponse) m).preVote() && ((VoteResponse) m).granted()) {
                // Granted pre-votes echo the proposed term; the term rises only once the pre-vote is won.
            } else {
                boolean fromLeader = m instanceof AppendRequest || m instanceof Heartbeat
                        || m instanceof InstallSnapshot;
                becomeFollower(m.term(), fromLeader ? m.from() : null);
            }
        } else if (m.term() < term) {
            if (m instanceof AppendRequest || m instanceof Heartbeat || m instanceof InstallSnapshot) {
                // A deposed leader that cannot see our term (pre-vote keeps terms from spreading) learns it here
                // and steps down.
                messagesAfterPersist.add(new AppendResponse(id, m.from(), term, false, 0, 0, 0, 0));
            } else if (m instanceof VoteRequest && ((VoteRequest) m).preVote()) {
                messagesAfterPersist.add(new VoteResponse(id, m.from(), term, true, false));
            }
            return;
        }

        if (m instanceof VoteRequest) {
            handleVoteRequest((VoteRequest) m);
        } else if (m instanceof VoteResponse) {
            handleVoteResponse((VoteResponse) m);
        } else if (m instanceof AppendRequest) {
            acceptLeader(m.from());
            handleAppendEntries((AppendRequest) m);
        } else if (m instanceof Heartbeat) {
            acceptLeader(m.from());
            handleHeartbeat((Heartbeat) m);
        } else if (m instanceof InstallSnapshot) {
            acceptLeader(m.from());
            handleInstallSnapshot((InstallSnapshot) m);
        } else if (m instanceof AppendResponse) {
            if (role == Role.LEADER) {
                handleAppendResponse((AppendResponse) m);
            }
        } else if (m instanceof HeartbeatResponse) {
            if (role == Role.LEADER) {
                handleHeartbeatResponse((HeartbeatResponse) m);
            }
        } else if (m instanceof TimeoutNow) {
            if (promotable()) {
                campaign(false, true);
            }
        } else if (m instanceof ReadIndexRequest) {
            ReadIndexRequest r = (ReadIndexRequest) m;
            if (role == Role.LEADER) {
                handleRead(r.from(), r.requestId());
            } else {
                messages.add(new ReadIndexResponse(id, r.from(), term, r.requestId(), -1));
            }
        } else if (m instanceof ReadIndexResponse) {
            ReadIndexResponse r = (ReadIndexResponse) m;
            if (forwardedReads.remove(r.requestId())) {
                if (r.index() < 0) {
                    failedReads.add(r.requestId());
                } else {
                    releasedReads.add(new ReadState(r.requestId(), r.index()));
                }
            }
        }
    }

    /** Whether a {@link Ready} has anything in it. */
    public boolean hasReady() {
        return !messages.isEmpty() || !messagesAfterPersist.isEmpty() || log.hasUnpersisted()
                || log.hasApplicable() || !releasedReads.isEmpty() || !failedReads.isEmpty() || broadcastPending || commitBroadcastPending
                || snapshotToInstall != null || !snapshotRequests.isEmpty()
                || !currentHardState().equals(lastHardState) || !currentSoftState().equals(lastSoftState);
    }

    /** Hands out everything accumulated since the previous call. See {@link Ready} for the driver's duties. */
    public Ready ready() {
        if (broadcastPending || commitBroadcastPending) {
            if (role == Role.LEADER) {
                broadcastAppend(commitBroadcastPending && !options.deferCommitNotice());
            }
            broadcastPending = false;
            commitBroadcastPending = false;
        }
        HardState hs = currentHardState();
        HardState hsOut = null;
        boolean termOrVoteChanged = false;
        if (!hs.equals(lastHardState)) {
            termOrVoteChanged = hs.term() != lastHardState.term()
                    || !Objects.equals(hs.votedFor(), lastHardState.votedFor());
            hsOut = hs;
            lastHardState = hs;
        }
        Ready.SoftState ss = currentSoftState();
        Ready.SoftState ssOut = null;
        if (!ss.equals(lastSoftState)) {
            ssOut = ss;
            lastSoftState = ss;
        }
        List<Entry> entries = log.takeUnpersisted();
        List<Entry> committed = log.takeApplicable(options.maxApplyBytes());
        reads.closeRound();
        SnapshotMetadata install = snapshotToInstall;
        snapshotToInstall = null;
        // Installing a snapshot replaces whatever earlier Readies wrote, just like a conflicting append does.
        boolean overwrites = log.lastTakeOverwrites() || install != null;
        List<Message> now = copyAndClear(messages);
        List<Message> afterPersist = copyAndClear(messagesAfterPersist);
        if ((termOrVoteChanged || (role == Role.LEADER && termAwaitsPersistence)) && !now.isEmpty()) {
            // Nothing of a term leaves before the term is durable. A candidate that wins by its own vote alone (the
            // only voter) leads at once, before its term is durable, while its writes are still syncing: had its
            // entries reached a learner before a crash lost the term and them, the restarted member could lead that
            // term again with another entry at the same index (log matching; simulator seed 1256367). Its messages
            // wait for persistence until an entry of its term is durable.
            List<Message> all = new ArrayList<>(now);
            all.addAll(afterPersist);
            afterPersist = all;
            now = List.of();
        }
        return new Ready(hsOut, termOrVoteChanged, entries, overwrites, now,
                afterPersist, committed, copyAndClear(releasedReads),
                copyAndClear(failedReads), ssOut, install, copyAndClear(snapshotRequests));
    }

    private static <T> List<T> copyAndClear(List<T> list) {
        if (list.isEmpty()) {
            return List.of();
        }
        List<T> copy = new ArrayList<>(list);
        list.clear();
        return copy;
    }

    private HardState currentHardState() {
        return new HardState(term, votedFor, log.committed());
    }

    private Ready.SoftState currentSoftState() {
        return new Ready.SoftState(role, leader, term);
    }

    // ---------------------------------------------------------------- roles

    /**
     * Whether this member may campaign: a voter of the newest configuration it holds, or of the one in force at its
     * commit index while a newer one that leaves it out is not known to be committed. The newer configuration may
     * still need this member to commit: a leader that removed itself and stepped down before the others heard of
     * the removal can hold the only log the others would elect, and if it stayed silent nobody could ever win. Its
     * own vote counts only where its newest configuration lists it as a voter.
     */
    private boolean promotable() {
        if (tracker.isVoter(id)) {
            return true;
        }
        IndexedConfiguration newest = tracker.indexedConfig();
        if (newest.index() <= log.committed()) {
            return false;
        }
        IndexedConfiguration atCommit = log.configurationBefore(log.committed() + 1);
        return atCommit != null && atCommit.configuration().isVoter(id);
    }

    private void resetElectionTimer() {
        electionElapsed = 0;
        heartbeatElapsed = 0;
        // Re-drawn at every election so that split votes do not repeat (Raft §5.2).
        randomizedElectionTimeout = options.electionTicks() + random.nextInt(options.electionTicks());
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            votedFor = null;
        }
        leader = null;
        resetElectionTimer();
        leadTransferee = null;
        tracker.resetVotes();
        broadcastPending = false;
        commitBroadcastPending = false;
        snapshotRequests.clear();
    }

    private void becomeFollower(long newTerm, String newLeader) {
        boolean wasLeader = role == Role.LEADER;
        String oldLeader = leader;
        reset(newTerm);
        role = Role.FOLLOWER;
        leader = newLeader;
        if (wasLeader) {
            failPendingReads();
        }
        if (!Objects.equals(oldLeader, newLeader)) {
            failForwardedReads();
        }
    }

    private void acceptLeader(String from) {
        if (role == Role.LEADER) {
            // Two leaders in one term would break election safety; the message is ignored and the invariant
            // checks of the simulator flag it.
            return;
        }
        if (role != Role.FOLLOWER) {
            becomeFollower(term, from);
        } else if (!from.equals(leader)) {
            leader = from;
            failForwardedReads();
        }
        electionElapsed = 0;
    }

    private void failForwardedReads() {
        failedReads.addAll(forwardedReads);
        forwardedReads.clear();
    }

    private void failPendingReads() {
        for (ReadIndexTracker.PendingRead r : reads.drain()) {
            if (r.origin().equals(id)) {
                failedReads.add(r.requestId());
            } else {
                messages.add(new ReadIndexResponse(id, r.origin(), term, r.requestId(), -1));
            }
        }
    }

    /**
     * Starts an election. With pre-vote (dissertation §9.6) the member first asks whether it could win, without
     * raising its term; {@code transfer} campaigns skip pre-vote and override leader leases.
     */
    private void campaign(boolean preVote, boolean transfer) {
        long voteTerm;
        if (preVote) {
            becomePreCandidate();
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteTerm = term;
        }
        tracker.recordVote(id, true);
        if (tracker.voteResult() == Quorum.VoteResult.WON) {
            if (preVote) {
                campaign(false, transfer);
            } else {
                becomeLeader();
                // No other vote was needed, so nothing waited for the new term to be durable.
                termAwaitsPersistence = true;
            }
            return;
        }
        Configuration config = tracker.config();
        for (String voter : allVoters(config)) {
            if (voter.equals(id)) {
                continue;
            }
            VoteRequest request = new VoteRequest(id, voter, voteTerm, preVote, log.lastIndex(), log.lastTerm(),
                    transfer);
            if (preVote) {
                messages.add(request);
            } else {
                // The candidate's new term and its vote for itself must be durable before anyone sees the request.
                messagesAfterPersist.add(request);
            }
        }
    }

    private static Set<String> allVoters(Configuration config) {
        Set<String> voters = new java.util.TreeSet<>(config.voters());
        voters.addAll(config.outgoing());
        return voters;
    }

    private void becomePreCandidate() {
        boolean wasLeader = role == Role.LEADER;
        tracker.resetVotes();
        leader = null;
        role = Role.PRE_CANDIDATE;
        if (wasLeader) {
            failPendingReads();
        }
        failForwardedReads();
        resetElectionTimer();
    }

    private void becomeCandidate() {
        reset(term + 1);
        votedFor = id;
        role = Role.CANDIDATE;
        failForwardedReads();
    }

    private void becomeLeader() {
        reset(term);
        role = Role.LEADER;
        leader = id;
        tracker.resetForLeadership(log.lastIndex());
        // Conservatively assume an uncommitted configuration may be in the log.
        pendingConfigIndex = log.lastIndex();
        reads.drain();
        // Raft §5.4.2 / §8: a new leader commits entries of earlier terms only through an entry of its own term.
        appendAsLeader(List.of(Entry.noop(log.lastIndex() + 1, term)));
    }

    private void appendAsLeader(List<Entry> entries) {
        log.append(entries);
        for (Entry e : entries) {
            if (e.kind() == EntryKind.CONFIG) {
                applyConfiguration(new IndexedConfiguration(e.index(), ConfigurationCodec.decode(e.payload())));
                pendingConfigIndex = e.index();
            }
        }
        // A single voter commits on its own durability; otherwise, AppendEntries leave with the next Ready so that
        // proposals made in the same batch share messages.
        broadcastPending = true;
        maybeCommit();
    }

    // ---------------------------------------------------------------- elections

    /** Raft §5.2 and §5.4.1: whether this member can give its vote to the requester. */
    private boolean canGrantVote(VoteRequest v) {
        boolean free = Objects.equals(votedFor, v.from())
                || (votedFor == null && leader == null)
                || (v.preVote() && v.term() > term);
        return free && log.isUpToDate(v.lastIndex(), v.lastTerm());
    }

    private void handleVoteRequest(VoteRequest v) {
        if (canGrantVote(v)) {
            if (v.preVote()) {
                messagesAfterPersist.add(new VoteResponse(id, v.from(), v.term(), true, true));
            } else {
                votedFor = v.from();
                electionElapsed = 0;
                messagesAfterPersist.add(new VoteResponse(id, v.from(), term, false, true));
            }
        } else {
            messagesAfterPersist.add(new VoteResponse(id, v.from(), term, v.preVote(), false));
        }
    }

    private void handleVoteResponse(VoteResponse r) {
        boolean mine = (role == Role.PRE_CANDIDATE && r.preVote()) || (role == Role.CANDIDATE && !r.preVote());
        if (!mine) {
            return;
        }
        if (r.preVote() && r.granted() && r.term() != term + 1) {
            // A grant echoes the term it was asked for: one of this term is a late answer to an earlier pre-vote
            // (asked before this member's term rose), and counting it could start a needless election.
            return;
        }
        tracker.recordVote(r.from(), r.granted());
        switch (tracker.voteResult()) {
            case WON:
                if (role == Role.PRE_CANDIDATE) {
                    campaign(false, false);
                } else {
                    becomeLeader();
                }
                break;
            case LOST:
                becomeFollower(term, null);
                break;
            default:
                break;
        }
    }

    // ---------------------------------------------------------------- replication, follower side

    /** Raft §5.3: the consistency check, truncation only on conflict, and the commit index. */
    private void handleAppendEntries(AppendRequest m) {
        if (m.prevIndex() < log.committed()) {
            // Everything up to our commit index already agrees with any leader (Leader Completeness).
            messagesAfterPersist.add(new AppendResponse(id, m.from(), term, true, log.committed(), 0, 0, 0));
            return;
        }
        if (!log.matchTerm(m.prevIndex(), m.prevTerm())) {
            long conflictTerm;
            long conflictIndex;
            if (m.prevIndex() > log.lastIndex()) {
                conflictTerm = 0;
                conflictIndex = log.lastIndex() + 1;
            } else {
                conflictTerm = log.term(m.prevIndex());
                conflictIndex = log.firstIndexOfTerm(m.prevIndex(), log.committed());
            }
            messagesAfterPersist.add(new AppendResponse(id, m.from(), term, false, 0, m.prevIndex(),
                    conflictTerm, conflictIndex));
            return;
        }
        long conflict = log.findConflict(m.entries());
        if (conflict != 0) {
            if (conflict <= log.committed()) {
                throw new IllegalStateException(id + ": entry " + conflict + " conflicts with committed entries up to "
                        + log.committed());
            }
            long configIndexBefore = tracker.indexedConfig().index();
            List<Entry> fresh = m.entries().subList((int) (conflict - m.entries().get(0).index()),
                    m.entries().size());
            boolean truncates = conflict <= log.lastIndex();
            log.append(fresh);
            if (truncates && configIndexBefore >= conflict) {
                // The configuration in force was removed by the conflict: fall back to the previous one.
                applyConfiguration(log.configurationBefore(conflict));
            }
            for (Entry e : fresh) {
                if (e.kind() == EntryKind.CONFIG) {
                    applyConfiguration(new IndexedConfiguration(e.index(), ConfigurationCodec.decode(e.payload())));
                }
            }
        }
        long lastNew = m.prevIndex() + m.entries().size();
        log.commitTo(Math.min(m.commit(), lastNew));
        messagesAfterPersist.add(new AppendResponse(id, m.from(), term, true, lastNew, 0, 0, 0));
    }

    /**
     * Raft §7: the leader's snapshot, whose data the driver has made durable here. A snapshot this member's commit
     * index already covers changes nothing; one whose last entry the log already holds only advances the commit
     * index (the entries after it may have been acknowledged and must stay); any other replaces the whole log.
     * Either way the answer acknowledges the snapshot's index (or the commit index) once durable.
     */
    private void handleInstallSnapshot(InstallSnapshot m) {
        SnapshotMetadata s = m.snapshot();
        if (s.index() <= log.committed()) {
            messagesAfterPersist.add(new AppendResponse(id, m.from(), term, true, log.committed(), 0, 0, 0));
            return;
        }
        if (log.matchTerm(s.index(), s.term())) {
            log.commitTo(s.index());
        } else {
            log.restore(s);
            snapshotToInstall = s;
            applyConfiguration(new IndexedConfiguration(s.index(), s.configuration()));
        }
        messagesAfterPersist.add(new AppendResponse(id, m.from(), term, true, s.index(), 0, 0, 0));
    }

    private void handleHeartbeat(Heartbeat m) {
        // The leader only sends a commit index this follower is known to hold.
        log.commitTo(Math.min(m.commit(), log.lastIndex()));
        messages.add(new HeartbeatResponse(id, m.from(), term, m.readRound()));
    }

    // ---------------------------------------------------------------- replication, leader side

    private void handleAppendResponse(AppendResponse r) {
        Progress pr = tracker.get(r.from());
        if (pr == null) {
            return;
        }
        pr.recentActive(true);
        if (!r.success()) {
            if (r.rejectedIndex() == 0 && r.conflictIndex() == 0) {
                return; // a stale-term notice that carried no hint; the term check already handled it
            }
            long hint = options.conflictHints() ? nextFromHint(r) : r.rejectedIndex();
            if (pr.maybeDecreaseTo(r.rejectedIndex(), hint)) {
                if (pr.state() == Progress.State.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(r.from(), true);
            }
            return;
        }
        boolean wasPaused = pr.isPaused();
        if (!pr.maybeUpdate(r.matchIndex())) {
            if (wasPaused && !pr.isPaused()) {
                sendAppend(r.from(), false);
            }
            return;
        }
        if (pr.state() == Progress.State.PROBE) {
            pr.becomeReplicate();
        } else if (pr.state() == Progress.State.SNAPSHOT && pr.match() >= pr.pendingSnapshot()) {
            pr.becomeProbe();
        }
        if (maybeCommit()) {
            commitBroadcastPending = true;
        }
        while (sendAppend(r.from(), false)) {
            // keep the pipeline full while the window allows
        }
        if (r.from().equals(leadTransferee) && pr.match() == log.lastIndex()) {
            messages.add(new TimeoutNow(id, r.from(), term));
        }
    }

    /** The next index the conflict hint of a rejection points to (Raft §5.3, "fast back-off"). */
    private long nextFromHint(AppendResponse r) {
        if (r.conflictTerm() == 0) {
            return r.conflictIndex();
        }
        long last = log.lastIndexOfTerm(r.conflictTerm(), r.rejectedIndex());
        return last >= 0 ? last + 1 : r.conflictIndex();
    }

    private void handleHeartbeatResponse(HeartbeatResponse r) {
        Progress pr = tracker.get(r.from());
        if (pr == null) {
            return;
        }
        pr.recentActive(true);
        pr.resumeProbe();
        if (pr.match() < log.lastIndex()) {
            // Lost AppendEntries would otherwise keep the window full forever: free one slot, and send even an
            // empty AppendEntries, whose rejection (if the follower missed entries) moves it back to probing.
            pr.freeOneInflight();
            sendAppend(r.from(), true);
        }
        if (tracker.isVoter(r.from())) {
            pr.ackRound(r.readRound());
            releaseReads();
        }
    }

    /**
     * Sends AppendEntries to {@code to} from its next index, up to the byte limit, unless it is paused. Returns
     * whether a message was sent.
     */
    private boolean sendAppend(String to, boolean sendIfEmpty) {
        Progress pr = tracker.get(to);
        if (pr == null || pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next() - 1;
        long prevTerm;
        List<Entry> entries;
        try {
            prevTerm = log.term(prevIndex);
            entries = log.slice(pr.next(), log.lastIndex() + 1, options.maxAppendBytes());
        } catch (CompactedException e) {
            // The follower needs entries that only a snapshot holds now: the driver sends its latest one.
            pr.becomeSnapshot(log.firstIndex() - 1);
            snapshotRequests.add(new Ready.SnapshotRequest(to, term));
            return false;
        }
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        long bytes = 0;
        for (Entry e : entries) {
            bytes += e.size();
        }
        messages.add(new AppendRequest(id, to, term, prevIndex, prevTerm, entries, log.committed()));
        long last = entries.isEmpty() ? prevIndex : entries.get(entries.size() - 1).index();
        pr.sent(last, bytes, !entries.isEmpty());
        // The follower commits up to the smaller of the commit index and the last entry this message names.
        pr.commitSent(Math.min(log.committed(), last));
        return !entries.isEmpty();
    }

    private void broadcastAppend(boolean sendIfEmpty) {
        for (String peer : tracker.peers().keySet()) {
            sendAppend(peer, sendIfEmpty);
        }
    }

    private void broadcastHeartbeat() {
        long round = reads.round();
        for (Map.Entry<String, Progress> e : tracker.peers().entrySet()) {
            long commit = Math.min(e.getValue().match(), log.committed());
            messages.add(new Heartbeat(id, e.getKey(), term, commit, round));
            e.getValue().commitSent(commit);
        }
    }

    /**
     * Raft §5.3 and §5.4.2 (Figure 8): advances the commit index to what a quorum holds durably, but only through
     * an entry of the current term. Returns whether it advanced.
     */
    private boolean maybeCommit() {
        long candidate = tracker.committedIndex(log.durableIndex());
        if (candidate <= log.committed() || candidate > log.lastIndex() || log.term(candidate) != term) {
            return false;
        }
        boolean firstOfTerm = log.term(log.committed()) != term;
        log.commitTo(candidate);
        if (firstOfTerm) {
            reads.termCommitted(candidate);
            releaseReads();
        }
        onCommitAdvanced();
        return true;
    }

    /** Configuration consequences of a newly committed index (Raft §6). */
    private void onCommitAdvanced() {
        IndexedConfiguration current = tracker.indexedConfig();
        if (current.index() > log.committed()) {
            return;
        }
        Configuration config = current.configuration();
        if (config.isJoint() && pendingConfigIndex <= log.committed() && leadTransferee == null) {
            // C_old,new is committed: the leader moves on to C_new by itself.
            long index = log.lastIndex() + 1;
            log.append(List.of(new Entry(index, term, EntryKind.CONFIG,
                    ConfigurationCodec.encode(config.leaveJoint()))));
            applyConfiguration(new IndexedConfiguration(index, config.leaveJoint()));
            pendingConfigIndex = index;
            broadcastPending = true;
        } else if (!config.isVoter(id)) {
            // A leader that is not part of C_new steps down once C_new is committed.
            becomeFollower(term, null);
        }
    }

    private void applyConfiguration(IndexedConfiguration config) {
        if (config == null) {
            config = new IndexedConfiguration(0, Configuration.of(Set.of(), Set.of(), Set.of(), Map.of()));
        }
        tracker.reconfigure(config, log.lastIndex() + 1);
        if (role == Role.LEADER && !config.configuration().contains(leadTransferee == null ? "" : leadTransferee)) {
            leadTransferee = null;
        }
    }

    // ---------------------------------------------------------------- ReadIndex

    private void handleRead(String origin, long requestId) {
        boolean termCommitted = log.term(log.committed()) == term;
        long index = termCommitted ? log.committed() : -1;
        if (reads.add(origin, requestId, index)) {
            // A new round: its heartbeats leave with this Ready, after the read arrived.
            broadcastHeartbeat();
        }
        releaseReads();
    }

    private void releaseReads() {
        if (reads.isEmpty()) {
            return;
        }
        long acked = tracker.quorumAckedRound(reads.round());
        for (ReadIndexTracker.PendingRead r : reads.release(acked)) {
            if (r.origin().equals(id)) {
                releasedReads.add(new ReadState(r.requestId(), r.index()));
            } else {
                messages.add(new ReadIndexResponse(id, r.origin(), term, r.requestId(), r.index()));
            }
        }
    }

    @Override
    public String toString() {
        return id + "{" + role + " term=" + term + " leader=" + leader + " last=" + log.lastIndex() + " durable="
                + log.durableIndex() + " commit=" + log.committed() + " applied=" + log.applied() + "}";
    }
}
