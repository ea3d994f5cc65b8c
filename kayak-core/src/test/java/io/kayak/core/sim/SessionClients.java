package io.kayak.core.sim;

import io.kayak.core.Entry;
import io.kayak.core.RaftException;
import io.kayak.core.session.Envelope;
import io.kayak.core.session.SessionTable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The session part of the workload (seed option {@code sessions}): a few clients, each of which opens a session
 * and appends to it with increasing sequence numbers, several in flight at once, and retries every append whose
 * outcome it does not know, with the same (session, sequence, payload), through another member, until it sees it
 * applied. An outcome is unknown when the member it went to crashed (the client notices at its next step, every
 * 15-60 ms), when that member applied another entry at its index (leadership changed and the proposal was lost),
 * or when 300-1,500 ms passed without an answer (the member was cut off, paused, or installed a snapshot past it).
 * A member that is not the leader refuses at once; the client then tries another 10-50 ms later.
 *
 * <p>A client hears the outcome of an attempt from the member it proposed to, when that member applies the
 * attempt's index, as the library's runtime answers its callers: the index's outcome in the member's session
 * table. Late answers of attempts it already gave up on count too. Every answer is checked against the common
 * applied sequence ({@link Invariants#checkSessionAnswer}); a refusal of an append the client has no answer for is
 * a failure, unless the session can have expired by log time.
 *
 * <p>Sessions time out after {@link #TIMEOUT_MS}, longer than any run, except for the one <em>expiring</em>
 * client of half of the seeds: it has a timeout of 0.8-2.5 s and now and then goes idle for longer than that
 * (pending appends included), so its session expires while other clients keep log time moving; it then learns
 * that from a refusal, gives up on its unanswered appends and opens a new session. Clients also send keep-alives
 * when idle and close their session, then open a new one, from time to time.
 *
 * <p>Every member's clock is skewed by up to {@link #MAX_SKEW_MS} either way: the stamps that make log time come
 * from whichever member leads, so log time sees clocks that disagree.
 */
final class SessionClients {
    /** Session timeout of the clients that do not test expiry: far beyond any run's length. */
    static final long TIMEOUT_MS = 60_000;
    /** High enough that no session is evicted to make room. */
    static final int MAX_SESSIONS = 10_000;
    /** Each member's clock is off by at most this much. */
    static final int MAX_SKEW_MS = 150;

    /** What the clients did, for reports. */
    record Stats(int clients, int appends, int attempts, int retries, int redirected, long duplicatesSkipped,
                 int acknowledged, int expired, int abandoned, int opens, int keepAlives, int closes) {
        static final Stats NONE = new Stats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** One proposal of a session entry, waiting for its member to apply its index. */
    private record Attempt(Client client, Envelope.Type type, long session, long sequence, int generation,
                           String node, int incarnation, long index, long term, long stamp) {
    }

    /** An append whose outcome the client does not know yet. */
    private static final class Pending {
        final long sequence;
        final byte[] payload;
        long retryAt;
        int tries;
        String lastNode;
        /** The member holding the latest accepted attempt, and its incarnation then: its crash is noticed. */
        SimNode holder;
        int holderIncarnation;

        Pending(long sequence, byte[] payload) {
            this.sequence = sequence;
            this.payload = payload;
        }
    }

    private static final class Client {
        final String name;
        final long timeoutMillis;
        final boolean expiring;
        final int window;
        /** The current session, 0 while none is open. */
        long session;
        /** Bumped whenever the client gives up a session, so that answers to older opens are not taken. */
        int generation;
        boolean opening;
        long openRetryAt;
        String lastOpenNode;
        SimNode openHolder;
        int openHolderIncarnation;
        long nextSequence = 1;
        final TreeMap<Long, Pending> pending = new TreeMap<>();
        /** Index to stamp of the current session's entries seen applied: each touched the session then. */
        final TreeMap<Long, Long> activity = new TreeMap<>();
        long idleUntil;
        int appendsInSession;
        int closeAfter;

        Client(String name, long timeoutMillis, boolean expiring, int window, int closeAfter) {
            this.name = name;
            this.timeoutMillis = timeoutMillis;
            this.expiring = expiring;
            this.window = window;
            this.closeAfter = closeAfter;
        }

        /** The lowest sequence the client has not seen answered: what it reports to the table. */
        long firstUnanswered() {
            return pending.isEmpty() ? nextSequence : pending.firstKey();
        }
    }

    private final Simulation sim;
    private final Invariants invariants;
    private final Random random;
    private final List<Client> clients = new ArrayList<>();
    private final Map<String, Long> skew = new HashMap<>();
    /** Attempts waiting for their member to apply their index: member, then index. */
    private final Map<String, TreeMap<Long, List<Attempt>>> waiting = new HashMap<>();
    /** What each (session, sequence) carries, to check what the application is handed. */
    private final Map<Invariants.SessionSequence, byte[]> payloads = new HashMap<>();
    private int appends;
    private int attempts;
    private int retries;
    private int redirected;
    private int acknowledged;
    private int expired;
    private int abandoned;
    private int opens;
    private int keepAlives;
    private int closes;

    SessionClients(Simulation sim, Invariants invariants, Random random) {
        this.sim = sim;
        this.invariants = invariants;
        this.random = random;
    }

    /** Creates the clients and schedules their first steps. */
    void start() {
        int count = 2 + random.nextInt(3);
        boolean withExpiring = random.nextBoolean();
        for (int i = 0; i < count; i++) {
            boolean expiring = withExpiring && i == 0;
            Client c = new Client("client" + (i + 1), expiring ? 800 + random.nextInt(1_700) : TIMEOUT_MS,
                    expiring, 1 + random.nextInt(6), 5 + random.nextInt(40));
            clients.add(c);
            sim.schedule(5 + random.nextInt(100), null, () -> step(c));
        }
    }

    Stats stats() {
        return new Stats(clients.size(), appends, attempts, retries, redirected, invariants.duplicatesSkipped(),
                acknowledged, expired, abandoned, opens, keepAlives, closes);
    }

    private String describe() {
        return clients.size() + " clients (" + clients.stream().map(c -> c.name + " timeout " + c.timeoutMillis
                + " window " + c.window).toList() + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    // ---------------------------------------------------------------- the clients' side

    private void step(Client c) {
        if (!sim.faultPhase()) {
            return; // the workload stops at healing; late answers still arrive
        }
        sim.schedule(15 + random.nextInt(45), null, () -> step(c));
        long now = sim.now();
        if (now < c.idleUntil) {
            return;
        }
        if (c.session == 0) {
            if (!c.opening || now >= c.openRetryAt || crashed(c.openHolder, c.openHolderIncarnation)) {
                open(c);
            }
            return;
        }
        for (Pending p : new ArrayList<>(c.pending.values())) {
            if (c.session != 0 && c.pending.get(p.sequence) == p
                    && (now >= p.retryAt || crashed(p.holder, p.holderIncarnation))) {
                send(c, p);
            }
        }
        if (c.session == 0) {
            return;
        }
        if (c.pending.size() < c.window && random.nextInt(3) != 0) {
            long sequence = c.nextSequence++;
            byte[] payload = (c.name + "-s" + c.session + "-q" + sequence).getBytes(StandardCharsets.UTF_8);
            Pending p = new Pending(sequence, payload);
            c.pending.put(sequence, p);
            payloads.put(new Invariants.SessionSequence(c.session, sequence), payload);
            appends++;
            c.appendsInSession++;
            send(c, p);
        } else if (c.pending.isEmpty() && random.nextInt(12) == 0) {
            keepAlive(c);
        }
        if (c.session != 0 && c.pending.isEmpty() && c.appendsInSession >= c.closeAfter && random.nextInt(8) == 0) {
            close(c);
        } else if (c.expiring && random.nextInt(40) == 0) {
            c.idleUntil = now + c.timeoutMillis + 2L * MAX_SKEW_MS + random.nextInt(1_500);
            sim.trace(c.name + " goes idle until " + c.idleUntil + " with " + c.pending.size() + " pending");
        }
    }

    private void open(Client c) {
        SimNode node = pick(c.lastOpenNode);
        c.opening = true;
        c.openRetryAt = sim.now() + 300 + random.nextInt(1_200);
        if (node == null) {
            return;
        }
        c.lastOpenNode = node.id;
        c.openHolder = null;
        if (propose(c, node, Envelope.open(c.timeoutMillis, MAX_SESSIONS), Envelope.Type.OPEN, 0, 0) == null) {
            c.openRetryAt = sim.now() + 10 + random.nextInt(40);
        } else {
            opens++;
            c.openHolder = node;
            c.openHolderIncarnation = node.incarnation;
        }
    }

    private void send(Client c, Pending p) {
        SimNode node = pick(p.lastNode);
        p.retryAt = sim.now() + 300 + random.nextInt(1_200);
        if (node == null) {
            return;
        }
        p.lastNode = node.id;
        p.holder = null;
        byte[] entry = Envelope.append(c.session, p.sequence, c.firstUnanswered(), p.payload);
        if (propose(c, node, entry, Envelope.Type.APPEND, c.session, p.sequence) == null) {
            // Refused at once (not the leader): no outcome to wonder about; the client tries elsewhere soon.
            redirected++;
            p.retryAt = sim.now() + 10 + random.nextInt(40);
            return;
        }
        p.holder = node;
        p.holderIncarnation = node.incarnation;
        attempts++;
        if (++p.tries > 1) {
            retries++; // an earlier attempt entered a leader's log and its outcome is unknown
        }
    }

    private void keepAlive(Client c) {
        SimNode node = pick(null);
        if (node != null && propose(c, node, Envelope.keepAlive(c.session, c.firstUnanswered()),
                Envelope.Type.KEEP_ALIVE, c.session, 0) != null) {
            keepAlives++;
        }
    }

    /** Closes the session (once, not retried: a lost close leaves the session to expire), then opens another. */
    private void close(Client c) {
        SimNode node = pick(null);
        if (node != null && propose(c, node, Envelope.close(c.session), Envelope.Type.CLOSE, c.session, 0) != null) {
            closes++;
        }
        drop(c);
    }

    /** Forgets the session: unanswered appends stay unknown for good. */
    private void drop(Client c) {
        abandoned += c.pending.size();
        c.pending.clear();
        c.session = 0;
        c.generation++;
        c.opening = false;
        c.activity.clear();
        c.nextSequence = 1;
        c.appendsInSession = 0;
    }

    /** Whether the member an attempt went to has crashed since: the client's connection to it broke. */
    private static boolean crashed(SimNode holder, int incarnation) {
        return holder != null && (!holder.alive || holder.incarnation != incarnation);
    }

    /** The leader half of the time (when there is a running one), otherwise another running member. */
    private SimNode pick(String avoid) {
        SimNode leader = sim.currentLeader();
        if (leader != null && leader.running(sim.now()) && random.nextBoolean()) {
            return leader;
        }
        List<SimNode> running = new ArrayList<>();
        for (SimNode n : sim.nodes.values()) {
            if (n.running(sim.now()) && !n.id.equals(avoid)) {
                running.add(n);
            }
        }
        return running.isEmpty() ? null : running.get(random.nextInt(running.size()));
    }

    /**
     * Proposes a session entry at {@code node}: the member stamps it with its clock right before it enters its log
     * (only a leader's propose succeeds, so stamps are always a leader's). Returns the attempt, or {@code null} when
     * the member refused (not the leader, or leadership being transferred).
     */
    private Attempt propose(Client c, SimNode node, byte[] entry, Envelope.Type type, long session, long sequence) {
        long stamp = sim.now() + skew.computeIfAbsent(node.id,
                id -> (long) random.nextInt(2 * MAX_SKEW_MS + 1) - MAX_SKEW_MS);
        Envelope.stamp(entry, stamp);
        Attempt a;
        try {
            long index = node.raft.propose(entry);
            a = new Attempt(c, type, session, sequence, c.generation, node.id, node.incarnation, index,
                    node.raft.term(), stamp);
            waiting.computeIfAbsent(node.id, k -> new TreeMap<>()).computeIfAbsent(index, k -> new ArrayList<>(1))
                    .add(a);
            sim.trace(node.id + " proposed " + c.name + " " + type + (type == Envelope.Type.APPEND
                    ? " s" + session + " q" + sequence : "") + " at " + index + "@" + a.term() + " stamped " + stamp);
        } catch (RaftException e) {
            a = null;
        }
        sim.drainNode(node);
        return a;
    }

    // ---------------------------------------------------------------- the members' side

    /**
     * {@code node} applied {@code e} with {@code outcome} (its session table's, already checked against the other
     * members'): checks what the application is handed, and answers the attempts waiting on that member.
     */
    void applied(SimNode node, Entry e, SessionTable.Outcome outcome) {
        if (outcome instanceof SessionTable.Fresh && Envelope.type(e.payload()) == Envelope.Type.APPEND) {
            Envelope.Fields f = Envelope.decode(e.payload());
            byte[] sent = payloads.get(new Invariants.SessionSequence(f.session(), f.sequence()));
            byte[] got = Arrays.copyOfRange(e.payload(), Envelope.payloadOffset(e.payload()), e.payload().length);
            if (sent == null || !Arrays.equals(sent, got)) {
                throw new IllegalStateException("exactly-once: " + node.id + " handed the application session "
                        + f.session() + " sequence " + f.sequence() + " at " + e.index() + " with a payload no "
                        + "client sent for it");
            }
        }
        TreeMap<Long, List<Attempt>> atNode = waiting.get(node.id);
        while (atNode != null && !atNode.isEmpty() && atNode.firstKey() <= e.index()) {
            Map.Entry<Long, List<Attempt>> first = atNode.pollFirstEntry();
            for (Attempt a : first.getValue()) {
                if (a.incarnation() != node.incarnation || first.getKey() != e.index()) {
                    continue; // the member crashed, or jumped past it by a snapshot: the caller hears nothing
                }
                if (a.term() != e.term()) {
                    lost(a);
                } else {
                    answer(node, a, e, outcome);
                }
            }
        }
    }

    /** Another entry took the attempt's index: it is certainly lost, the client retries at its next step. */
    private void lost(Attempt a) {
        Client c = a.client();
        if (a.type() == Envelope.Type.OPEN && a.generation() == c.generation && c.session == 0) {
            c.openRetryAt = sim.now();
        } else if (a.type() == Envelope.Type.APPEND && a.session() == c.session) {
            Pending p = c.pending.get(a.sequence());
            if (p != null) {
                p.retryAt = sim.now();
            }
        }
    }

    private void answer(SimNode node, Attempt a, Entry e, SessionTable.Outcome outcome) {
        Client c = a.client();
        switch (a.type()) {
            case OPEN -> {
                if (!(outcome instanceof SessionTable.Bookkeeping b) || b.session() != e.index()) {
                    throw new IllegalStateException("sessions: " + c.name + "'s open at " + e.index() + " on "
                            + node.id + " gave " + outcome);
                }
                if (a.generation() == c.generation && c.session == 0) {
                    c.session = e.index();
                    c.opening = false;
                    c.activity.put(e.index(), a.stamp());
                    sim.trace(c.name + " opened session " + c.session);
                }
            }
            case KEEP_ALIVE -> {
                if (a.session() != c.session || c.session == 0) {
                    return; // a session the client gave up already
                }
                if (outcome instanceof SessionTable.Refused r && r.reason() == SessionTable.Reason.UNKNOWN_SESSION) {
                    expiredAt(c, node, e, "keep-alive");
                } else if (outcome instanceof SessionTable.Bookkeeping) {
                    c.activity.put(e.index(), a.stamp());
                } else {
                    throw new IllegalStateException("sessions: " + c.name + "'s keep-alive at " + e.index() + " on "
                            + node.id + " gave " + outcome);
                }
            }
            case CLOSE -> {
                // The client has dropped the session already; nothing to learn.
            }
            default -> answerAppend(node, a, e, outcome);
        }
    }

    private void answerAppend(SimNode node, Attempt a, Entry e, SessionTable.Outcome outcome) {
        Client c = a.client();
        boolean current = a.session() == c.session && c.session != 0;
        String via = node.id + " applying " + e.index() + "@" + e.term();
        if (outcome instanceof SessionTable.Fresh f) {
            invariants.checkSessionAnswer(c.name, a.session(), a.sequence(), f.index(), f.term(), "fresh, " + via);
        } else if (outcome instanceof SessionTable.Duplicate d) {
            invariants.checkSessionAnswer(c.name, a.session(), a.sequence(), d.index(), d.term(),
                    "duplicate, " + via);
        }
        if (!current || !c.pending.containsKey(a.sequence())) {
            return; // an answer the client has already, or to a session it gave up
        }
        if (outcome instanceof SessionTable.Refused r) {
            if (r.reason() != SessionTable.Reason.UNKNOWN_SESSION) {
                throw new IllegalStateException("sessions: " + c.name + "'s session " + c.session + " sequence "
                        + a.sequence() + " was refused at " + e.index() + " (" + r.reason() + ": " + r.message()
                        + ") though the client never saw it answered and reported it unanswered");
            }
            expiredAt(c, node, e, "append");
            return;
        }
        c.pending.remove(a.sequence());
        c.activity.put(e.index(), a.stamp());
        acknowledged++;
    }

    /**
     * The client's session was refused as unknown at {@code e}: it must have expired by log time (the client never
     * closes a session it still uses, and no session is evicted). Expiry needs a stamp beyond the session's last
     * activity plus its timeout; every entry of the session that the client saw applied (and touch it) before this
     * one bounds that activity from below, and no stamp so far exceeds now plus the largest skew. The session's
     * open is among them: the client proposes to a session only once it has seen it opened.
     */
    private void expiredAt(Client c, SimNode node, Entry e, String what) {
        long activeSince = c.activity.headMap(e.index()).values().stream().mapToLong(Long::longValue).max()
                .orElseThrow();
        if (sim.now() + MAX_SKEW_MS <= activeSince + c.timeoutMillis) {
            throw new IllegalStateException("sessions: " + c.name + "'s session " + c.session + " was refused as"
                    + " unknown (" + what + ") at " + e.index() + " on " + node.id + " though it cannot have expired:"
                    + " active at log time " + activeSince + " or later, timeout " + c.timeoutMillis + " ms, no"
                    + " stamp yet beyond " + (sim.now() + MAX_SKEW_MS));
        }
        expired++;
        sim.trace(c.name + "'s session " + c.session + " expired (learnt from its " + what + " at " + e.index()
                + "); " + c.pending.size() + " appends stay unknown");
        drop(c);
    }
}
