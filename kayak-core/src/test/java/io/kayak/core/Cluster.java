package io.kayak.core;

import io.kayak.core.sim.SimDisk;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A hand-driven cluster for scripted scenario tests: real {@link RaftNode}s on in-memory {@link SimDisk}s, a
 * network that delivers only when told to, and a record of everything that was sent.
 *
 * <p>A scenario reads like a figure of the Raft paper: describe each member's log as the list of its entries'
 * terms, elect a leader, deliver messages (all of them, or chosen ones), and assert on roles, terms, logs and the
 * messages that went by:
 * <pre>{@code
 * Cluster c = Cluster.builder()
 *         .member("s1", 1, 2)
 *         .member("s2", 1, 2)
 *         .member("s3", 1)
 *         .currentTerm(3)
 *         .build();
 * c.elect("s1");
 * assertThat(c.log("s3")).containsExactly(1L, 2L, 4L);
 * }</pre>
 *
 * <p>The cluster performs the driver's duties of {@link Ready} synchronously after every input: send
 * {@link Ready#messages()}, write entries and hard state to the member's disk and sync, then send
 * {@link Ready#messagesAfterPersist()} and report {@link RaftNode#persisted}. A member can be told to
 * {@linkplain #holdPersistence hold} its syncs, to script what happens while its disk is slow. Nothing ticks unless
 * a test ticks it, so every scenario is deterministic.
 */
public final class Cluster {
    /** Upper bound on deliveries in one {@link #stabilize()}, so a livelock fails the test instead of hanging. */
    private static final int MAX_STEPS = 100_000;

    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Deque<Message> inFlight = new ArrayDeque<>();
    private final List<Message> sent = new ArrayList<>();
    private final List<Message> dropped = new ArrayList<>();
    private final List<Predicate<Message>> drops = new ArrayList<>();
    private final List<Predicate<Message>> holds = new ArrayList<>();

    /** One member: its node, disk, options, and what it handed to its application. */
    private static final class Member {
        final String id;
        final SimDisk disk;
        final RaftOptions options;
        RaftNode node;
        boolean holdPersistence;
        /** Readies written but not synced while persistence is held, oldest first. */
        final List<Ready> unsynced = new ArrayList<>();
        final List<Ready> readies = new ArrayList<>();
        final List<Entry> applied = new ArrayList<>();
        final List<ReadState> reads = new ArrayList<>();
        final List<Long> failedReads = new ArrayList<>();

        Member(String id, SimDisk disk, RaftOptions options) {
            this.id = id;
            this.disk = disk;
            this.options = options;
            this.node = new RaftNode(options, disk, disk.hardState());
        }
    }

    private Cluster() {
    }

    /** Starts describing a cluster. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A cluster of {@code ids} whose logs hold only the bootstrap entry, at term 1, with default options.
     */
    public static Cluster of(String... ids) {
        Builder b = builder();
        for (String id : ids) {
            b.member(id, 1);
        }
        return b.build();
    }

    // ---------------------------------------------------------------- observing

    /** The member's state machine, to inspect it or to give it inputs directly (then call {@link #stabilize}). */
    public RaftNode node(String id) {
        return member(id).node;
    }

    /** The member's disk. */
    public SimDisk disk(String id) {
        return member(id).disk;
    }

    /** The terms of the member's log entries from index 1 to its last index: the notation of the paper's figures. */
    public List<Long> log(String id) {
        RaftNode n = node(id);
        List<Long> terms = new ArrayList<>();
        for (long i = 1; i <= n.lastIndex(); i++) {
            terms.add(n.termAt(i));
        }
        return terms;
    }

    /** The entries written to the member's disk, from its first index on. */
    public List<Entry> diskEntries(String id) {
        SimDisk d = disk(id);
        return d.lastIndex() < d.firstIndex() ? List.of() : d.entries(d.firstIndex(), d.lastIndex() + 1, Long.MAX_VALUE);
    }

    /** The member that considers itself leader of the highest term, or {@code null}. */
    public String leader() {
        String best = null;
        for (Member m : members.values()) {
            if (m.node.role() == Role.LEADER && (best == null || m.node.term() > node(best).term())) {
                best = m.id;
            }
        }
        return best;
    }

    /** Every message handed to the network so far (delivered, in flight, held or dropped), in send order. */
    public List<Message> sent() {
        return List.copyOf(sent);
    }

    /** The sent messages that match {@code filter}. */
    public List<Message> sent(Predicate<Message> filter) {
        return sent.stream().filter(filter).collect(Collectors.toList());
    }

    /** The sent messages of one type. */
    public <T extends Message> List<T> sent(Class<T> type) {
        return sent.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    /** Messages sent but not yet delivered (including held ones). */
    public List<Message> inFlight() {
        return List.copyOf(inFlight);
    }

    /** Messages that were lost on a cut link. */
    public List<Message> dropped() {
        return List.copyOf(dropped);
    }

    /** Every {@link Ready} the member handed out, in order. */
    public List<Ready> readies(String id) {
        return List.copyOf(member(id).readies);
    }

    /** The committed entries the member handed to its application. */
    public List<Entry> applied(String id) {
        return List.copyOf(member(id).applied);
    }

    /** Linearizable reads released to the member's application. */
    public List<ReadState> reads(String id) {
        return List.copyOf(member(id).reads);
    }

    /** Ids of reads the member reported as failed. */
    public List<Long> failedReads(String id) {
        return List.copyOf(member(id).failedReads);
    }

    /** Forgets the record of sent messages, so a test can count from a point of its scenario on. */
    public Cluster clearSent() {
        sent.clear();
        return this;
    }

    // ---------------------------------------------------------------- time and elections

    /** Ticks one member once and performs its driver duties (nothing is delivered). */
    public Cluster tick(String id) {
        node(id).tick();
        process(id);
        return this;
    }

    /** Ticks one member {@code n} times (nothing is delivered). */
    public Cluster tick(String id, int n) {
        for (int i = 0; i < n; i++) {
            tick(id);
        }
        return this;
    }

    /** Ticks every member once, then delivers until quiet: one step of a cluster whose clocks run together. */
    public Cluster tickAll() {
        for (String id : members.keySet()) {
            node(id).tick();
            process(id);
        }
        return stabilize();
    }

    /** {@link #tickAll()} {@code n} times. */
    public Cluster tickAll(int n) {
        for (int i = 0; i < n; i++) {
            tickAll();
        }
        return this;
    }

    /**
     * Ticks {@code id} alone until its election timer fires and it starts a (pre-)campaign; returns the number of
     * ticks that took. Nothing is delivered.
     */
    public int campaign(String id) {
        RaftNode n = node(id);
        int limit = 2 * member(id).options.electionTicks() + 1;
        int sentBefore = votesSentBy(id);
        for (int ticks = 1; ticks <= limit; ticks++) {
            tick(id);
            if (votesSentBy(id) > sentBefore || n.role() == Role.LEADER) {
                return ticks;
            }
        }
        throw new AssertionError(id + " did not campaign within " + limit + " ticks: " + n);
    }

    private int votesSentBy(String id) {
        int count = 0;
        for (Message m : sent) {
            if (m instanceof Message.VoteRequest && m.from().equals(id)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Makes {@code id} time out and campaign, delivering until quiet after each attempt, until it is leader
     * (a candidate may need a second attempt when it starts a term in which the voters already voted).
     *
     * @throws AssertionError when it has not won after five elections
     */
    public Cluster elect(String id) {
        for (int attempt = 0; attempt < 5; attempt++) {
            campaign(id);
            stabilize();
            if (node(id).role() == Role.LEADER) {
                return this;
            }
        }
        throw new AssertionError(id + " was not elected: " + describe());
    }

    // ---------------------------------------------------------------- the network

    /** Loses, from now on, every message between {@code id} and anybody else. */
    public Cluster isolate(String id) {
        drops.add(m -> m.from().equals(id) || m.to().equals(id));
        return this;
    }

    /** Loses, from now on, every message in either direction between {@code a} and {@code b}. */
    public Cluster cut(String a, String b) {
        drops.add(m -> (m.from().equals(a) && m.to().equals(b)) || (m.from().equals(b) && m.to().equals(a)));
        return this;
    }

    /** Loses, from now on, every message matching {@code filter}. */
    public Cluster drop(Predicate<Message> filter) {
        drops.add(filter);
        return this;
    }

    /** Repairs every cut link and dropping filter (messages lost meanwhile stay lost). */
    public Cluster heal() {
        drops.clear();
        return this;
    }

    /** Keeps messages matching {@code filter} in flight, undelivered, until {@link #release()}. */
    public Cluster hold(Predicate<Message> filter) {
        holds.add(filter);
        return this;
    }

    /** Lifts every hold; held messages are delivered by the next {@link #stabilize()}. */
    public Cluster release() {
        holds.clear();
        return this;
    }

    /** Hands {@code m} to its receiver at once (as if it had just arrived) and performs the receiver's duties. */
    public Cluster receive(Message m) {
        node(m.to()).step(m);
        process(m.to());
        return this;
    }

    /** Performs every member's driver duties for inputs given directly to nodes, delivering nothing. */
    public Cluster flush() {
        processAll();
        return this;
    }

    /**
     * Delivers the messages now in flight that match {@code filter} (and are not lost), in send order; messages
     * they cause are queued, not delivered. Returns how many were delivered.
     */
    public int deliver(Predicate<Message> filter) {
        processAll();
        List<Message> chosen = new ArrayList<>();
        for (Iterator<Message> it = inFlight.iterator(); it.hasNext(); ) {
            Message m = it.next();
            if (filter.test(m)) {
                it.remove();
                chosen.add(m);
            }
        }
        int delivered = 0;
        for (Message m : chosen) {
            if (lost(m)) {
                dropped.add(m);
            } else {
                receive(m);
                delivered++;
            }
        }
        return delivered;
    }

    /**
     * Delivers messages in send order until none is left that is not held, performing every member's duties after
     * each delivery. Lost messages are discarded.
     */
    public Cluster stabilize() {
        processAll();
        for (int steps = 0; ; steps++) {
            if (steps > MAX_STEPS) {
                throw new AssertionError("no quiescence after " + MAX_STEPS + " deliveries: " + describe());
            }
            Message next = null;
            for (Iterator<Message> it = inFlight.iterator(); it.hasNext(); ) {
                Message m = it.next();
                if (!held(m)) {
                    it.remove();
                    next = m;
                    break;
                }
            }
            if (next == null) {
                return this;
            }
            if (lost(next)) {
                dropped.add(next);
            } else {
                receive(next);
            }
        }
    }

    private boolean held(Message m) {
        return holds.stream().anyMatch(h -> h.test(m));
    }

    private boolean lost(Message m) {
        return drops.stream().anyMatch(d -> d.test(m));
    }

    // ---------------------------------------------------------------- disks and restarts

    /**
     * From now on the member writes what its Readies ask but does not sync: its acknowledgements and votes wait,
     * and it learns nothing of its own durability, until {@link #persist(String)}.
     */
    public Cluster holdPersistence(String id) {
        member(id).holdPersistence = true;
        return this;
    }

    /** Syncs the member's disk and completes every Ready that waited for it; persistence runs normally again. */
    public Cluster persist(String id) {
        Member m = member(id);
        m.holdPersistence = false;
        completeUnsynced(m);
        process(id);
        return this;
    }

    /** Replaces the member's node by a new one started from what its disk holds (a restart after a clean stop). */
    public Cluster restart(String id) {
        Member m = member(id);
        if (!m.unsynced.isEmpty()) {
            throw new IllegalStateException(id + " has unsynced writes; persist before restarting");
        }
        m.node = new RaftNode(m.options, m.disk, m.disk.hardState());
        return this;
    }

    private Member member(String id) {
        Member m = members.get(id);
        if (m == null) {
            throw new IllegalArgumentException("no member " + id + " in " + members.keySet());
        }
        return m;
    }

    private void processAll() {
        for (String id : members.keySet()) {
            process(id);
        }
    }

    /** Performs the driver's duties for every Ready the member has (see {@link Ready}). */
    private void process(String id) {
        Member m = member(id);
        while (m.node.hasReady()) {
            Ready rd = m.node.ready();
            m.readies.add(rd);
            send(rd.messages());
            if (rd.overwrites()) {
                // Ready#overwrites: earlier writes must be complete before entries that replace them are written.
                completeUnsynced(m);
            }
            if (!rd.entries().isEmpty()) {
                m.disk.append(rd.entries());
            }
            if (rd.hardState() != null) {
                m.disk.saveHardState(rd.hardState());
            }
            m.applied.addAll(rd.committed());
            m.reads.addAll(rd.reads());
            m.failedReads.addAll(rd.failedReads());
            m.unsynced.add(rd);
            if (!m.holdPersistence) {
                completeUnsynced(m);
            }
        }
    }

    private void completeUnsynced(Member m) {
        if (m.unsynced.isEmpty()) {
            return;
        }
        m.disk.sync();
        Entry last = null;
        for (Ready rd : m.unsynced) {
            send(rd.messagesAfterPersist());
            if (rd.lastEntry() != null) {
                last = rd.lastEntry();
            }
        }
        m.unsynced.clear();
        if (last != null) {
            m.node.persisted(last.index(), last.term());
        }
    }

    private void send(List<Message> messages) {
        sent.addAll(messages);
        inFlight.addAll(messages);
    }

    /** One line per member, for failure messages. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Member m : members.values()) {
            sb.append("\n  ").append(m.node).append(" log=").append(log(m.id));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "Cluster" + describe();
    }

    // ---------------------------------------------------------------- building

    /** Describes the members of a {@link Cluster}: their logs, current term, votes and options. */
    public static final class Builder {
        private final Map<String, long[]> logs = new LinkedHashMap<>();
        private final Map<String, Long> terms = new TreeMap<>();
        private final Map<String, String> votes = new TreeMap<>();
        private long currentTerm = 1;
        private long commit = 1;
        private Consumer<RaftOptions.Builder> options = b -> { };

        private Builder() {
        }

        /**
         * Adds a voting member whose log holds entries with these terms at indexes 1, 2, ... As in the paper's
         * figures, the first entry has term 1: it is the bootstrap configuration entry naming every member.
         */
        public Builder member(String id, long... logTerms) {
            if (logTerms.length == 0 || logTerms[0] != 1) {
                throw new IllegalArgumentException("a log starts with the bootstrap entry of term 1");
            }
            for (int i = 1; i < logTerms.length; i++) {
                if (logTerms[i] < logTerms[i - 1]) {
                    throw new IllegalArgumentException("terms in a log never decrease: " + id);
                }
            }
            logs.put(id, logTerms.clone());
            return this;
        }

        /** The current term of every member (at least the last term of its log); default 1. */
        public Builder currentTerm(long term) {
            this.currentTerm = term;
            return this;
        }

        /** The current term of one member, overriding {@link #currentTerm(long)}. */
        public Builder currentTerm(String id, long term) {
            terms.put(id, term);
            return this;
        }

        /** Records on {@code id}'s disk that it voted for {@code candidate} in its current term. */
        public Builder votedFor(String id, String candidate) {
            votes.put(id, candidate);
            return this;
        }

        /** The commit index every member starts with (default 1, the bootstrap entry). */
        public Builder commit(long index) {
            this.commit = index;
            return this;
        }

        /** Adjusts every member's {@link RaftOptions} (the id and a per-member seed are set already). */
        public Builder options(Consumer<RaftOptions.Builder> adjust) {
            this.options = this.options.andThen(adjust);
            return this;
        }

        /** Options of the paper's basic algorithm: no pre-vote, no check-quorum (and so no leader lease). */
        public Builder withoutPreVoteOrCheckQuorum() {
            return options(b -> b.preVote(false).checkQuorum(false));
        }

        public Cluster build() {
            Map<String, String> addresses = new LinkedHashMap<>();
            for (String id : logs.keySet()) {
                addresses.put(id, id + ":7000");
            }
            Entry bootstrap = RaftNode.bootstrapEntry(Configuration.ofVoters(addresses));
            Cluster cluster = new Cluster();
            for (Map.Entry<String, long[]> e : logs.entrySet()) {
                String id = e.getKey();
                long[] logTerms = e.getValue();
                long term = terms.getOrDefault(id, currentTerm);
                if (term < logTerms[logTerms.length - 1]) {
                    throw new IllegalArgumentException(id + "'s current term is below its last log term");
                }
                SimDisk disk = new SimDisk();
                List<Entry> entries = new ArrayList<>();
                entries.add(bootstrap);
                for (int i = 1; i < logTerms.length; i++) {
                    entries.add(payloadEntry(i + 1, logTerms[i]));
                }
                disk.append(entries);
                disk.saveHardState(new HardState(term, votes.get(id), Math.min(commit, logTerms.length)));
                disk.sync();
                RaftOptions.Builder ob = RaftOptions.builder(id).seed(id.hashCode());
                options.accept(ob);
                cluster.members.put(id, new Member(id, disk, ob.build()));
            }
            cluster.processAll();
            cluster.sent.clear();
            return cluster;
        }
    }

    /** The entry at {@code index} of term {@code term} in a described log; the payload names both. */
    public static Entry payloadEntry(long index, long term) {
        return Entry.normal(index, term, (index + "@" + term).getBytes(StandardCharsets.UTF_8));
    }
}
