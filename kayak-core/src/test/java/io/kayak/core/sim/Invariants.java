package io.kayak.core.sim;

import io.kayak.core.Configuration;
import io.kayak.core.Entry;
import io.kayak.core.HardState;
import io.kayak.core.Message;
import io.kayak.core.Role;
import io.kayak.core.session.Envelope;
import io.kayak.core.session.SessionTable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Raft safety properties (Raft paper Figure 3, plus what Kayak promises on top), checked by the simulator after
 * every step. Each check throws {@link IllegalStateException} naming the property; the simulation turns it into a
 * {@link SimulationFailure} with the seed and the trace.
 */
final class Invariants {
    private record EntryId(long index, long term) {
    }

    /** What an (index, term) pair must always stand for: log matching by induction on the index. */
    private record Fingerprint(int kind, int payloadHash, int payloadLength, long prevTerm) {
    }

    /** A committed index: its entry's term, and the lowest term of a member that saw it committed. */
    private record Committed(long term, long seenInTerm) {
    }

    private final Map<Long, String> leaderOfTerm = new HashMap<>();
    private final Map<EntryId, Fingerprint> fingerprints = new HashMap<>();
    /**
     * Entries no member has sent yet, with the members that wrote them. Log matching is a property of the logs the
     * cluster can see: an entry written by one member and lost in its crash before it was sent or made durable
     * never existed for anyone else, and its index and term may stand for another entry later.
     */
    private final Map<EntryId, Set<String>> unsent = new HashMap<>();
    private final List<Committed> committed = new ArrayList<>(List.of(new Committed(0, 0)));
    private final List<Entry> applied = new ArrayList<>();
    /** {@code appliedHashes.get(i)}: the hash of the common applied sequence up to index {@code i}. */
    private final List<Long> appliedHashes = new ArrayList<>(List.of(0L));
    private long checks;
    /**
     * Seeds with sessions: {@code sessionHashes.get(i)} is the hash of the session table of the common applied
     * sequence up to index {@code i}, {@code sessionOutcomes.get(i)} what applying entry {@code i} to it did
     * ({@code null} for entries that are not the application's).
     */
    private final List<Long> sessionHashes = new ArrayList<>(List.of(tableHash(new SessionTable())));
    private final List<SessionTable.Outcome> sessionOutcomes = new ArrayList<>(java.util.Collections.singletonList(null));
    /** Where each (session, sequence) was handed to the application, in the common applied sequence. */
    private final Map<SessionSequence, Long> freshAt = new HashMap<>();
    private long duplicatesSkipped;

    /** A session's append, by its numbers. */
    record SessionSequence(long session, long sequence) {
    }

    /** Registers the entry every member starts with as committed. */
    void bootstrapped(long term) {
        committed.add(new Committed(term, 0));
    }

    long checks() {
        return checks;
    }

    /** The term of the entry committed at {@code index}, or 0 when nothing is known committed there yet. */
    long committedTerm(long index) {
        return index > 0 && index < committed.size() ? committed.get((int) index).term() : 0;
    }

    /** The highest index known committed anywhere. */
    long maxCommitted() {
        return committed.size() - 1;
    }

    /** Election safety: at most one leader per term. */
    void checkLeader(SimNode node) {
        checks++;
        if (node.raft.role() != Role.LEADER) {
            return;
        }
        String previous = leaderOfTerm.putIfAbsent(node.raft.term(), node.id);
        if (previous != null && !previous.equals(node.id)) {
            throw new IllegalStateException("election safety: " + previous + " and " + node.id
                    + " both lead term " + node.raft.term());
        }
    }

    /**
     * Election quorum: a new leader received granted votes (its own included) from a majority of its
     * configuration's voters, and of the outgoing voters too in a joint configuration (Raft §6), as the simulator
     * delivered them. Two leaders of one term need disjoint quorums, which a joint configuration allows if an
     * election counts only one half; this catches the miscount even when no second candidate ran.
     */
    void checkElectionQuorum(SimNode node, VoteTally votes) {
        checks++;
        Configuration config = node.raft.configuration().configuration();
        VoteTally.Outcome o = votes.asCandidate(node.id, node.raft.term(), config);
        if (!o.won()) {
            throw new IllegalStateException("election quorum: " + node.id + " leads term " + node.raft.term()
                    + " without a quorum of " + config + " (" + o + ")");
        }
    }

    /** Leader completeness: a new leader holds every entry committed in an earlier term. */
    void checkNewLeader(SimNode node) {
        long term = node.raft.term();
        for (int i = 1; i < committed.size(); i++) {
            if (i < node.raft.firstIndex() - 1) {
                continue; // compacted into the leader's snapshot, whose state hash was checked
            }
            Committed c = committed.get(i);
            if (c.seenInTerm() < term && node.raft.termAt(i) != c.term()) {
                throw new IllegalStateException("leader completeness: " + node.id + " leads term " + term
                        + " without committed entry " + i + "@" + c.term() + " (it has term "
                        + node.raft.termAt(i) + ")");
            }
        }
    }

    /** Log matching: every (index, term) written anywhere stands for one entry with one predecessor term. */
    void checkWrite(SimNode node, List<Entry> entries) {
        checks++;
        long prevTerm = entries.isEmpty() ? 0 : node.raft.termAt(entries.get(0).index() - 1);
        for (Entry e : entries) {
            Fingerprint f = new Fingerprint(e.kind().code(), Arrays.hashCode(e.payload()), e.payload().length,
                    prevTerm);
            EntryId id = new EntryId(e.index(), e.term());
            Fingerprint known = fingerprints.putIfAbsent(id, f);
            if (known != null && !known.equals(f)) {
                throw new IllegalStateException("log matching: " + node.id + " wrote " + e + " after term "
                        + prevTerm + ", but that index and term stood for " + known);
            }
            if (known == null) {
                unsent.computeIfAbsent(id, k -> new java.util.HashSet<>()).add(node.id);
            } else {
                unsent.computeIfPresent(id, (k, writers) -> {
                    writers.add(node.id);
                    return writers;
                });
            }
            prevTerm = e.term();
        }
    }

    /** The entries of a message on its way out: from now on their index and term stand for them for good. */
    void sent(Message m) {
        if (m instanceof Message.AppendRequest request && !unsent.isEmpty()) {
            for (Entry e : request.entries()) {
                unsent.remove(new EntryId(e.index(), e.term()));
            }
        }
    }

    /**
     * A member crashed: the entries only it wrote, never sent and not kept by its disk are forgotten, as the
     * cluster never saw them (see {@link #unsent}).
     */
    void crashed(SimNode node) {
        var it = unsent.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            EntryId id = e.getKey();
            Set<String> writers = e.getValue();
            if (writers.contains(node.id) && !node.disk.durablyHolds(id.index(), id.term())) {
                writers.remove(node.id);
                if (writers.isEmpty()) {
                    it.remove();
                    fingerprints.remove(id);
                }
            }
        }
    }

    /** Commit index never decreases, and every committed index stands for one entry. */
    void checkCommit(SimNode node, Iterable<SimNode> all) {
        checks++;
        long commit = node.raft.commitIndex();
        if (commit < node.lastCommit) {
            throw new IllegalStateException("commit went down on " + node.id + ": " + node.lastCommit + " -> "
                    + commit);
        }
        boolean leader = node.raft.role() == Role.LEADER;
        Configuration config = node.raft.configuration().configuration();
        for (long i = node.lastCommit + 1; i <= commit; i++) {
            if (i < node.raft.firstIndex() - 1 && i < committed.size()) {
                continue; // covered by an installed snapshot: checked by its state hash (checkSnapshot)
            }
            long term = node.raft.termAt(i);
            // The leader decided this commit with the configuration it has now (or its joint predecessor, whose
            // incoming half is this one): a quorum of it must hold the entry durably.
            if (leader && (!durableOnQuorum(config.voters(), i, term, all)
                    || !durableOnQuorum(config.outgoing(), i, term, all))) {
                throw new IllegalStateException(node.id + " committed " + i + "@" + term
                        + " that is not durable on a quorum of " + config);
            }
            if (i < committed.size()) {
                Committed c = committed.get((int) i);
                if (c.term() != term) {
                    throw new IllegalStateException("state machine safety: index " + i + " committed with term "
                            + c.term() + " but " + node.id + " commits term " + term);
                }
                if (node.raft.term() < c.seenInTerm()) {
                    committed.set((int) i, new Committed(c.term(), node.raft.term()));
                }
            } else if (i == committed.size()) {
                committed.add(new Committed(term, node.raft.term()));
            } else {
                throw new IllegalStateException("gap in committed indexes at " + i);
            }
        }
        node.lastCommit = commit;
    }

    /**
     * State machine safety: members apply one common sequence, each in order, only committed entries they hold
     * durably.
     */
    void checkApply(SimNode node, Entry e, Iterable<SimNode> all) {
        checks++;
        if (e.index() != node.lastApplied + 1) {
            throw new IllegalStateException(node.id + " applied " + e.index() + " after " + node.lastApplied);
        }
        if (e.index() > node.raft.commitIndex()) {
            throw new IllegalStateException(node.id + " applied " + e + " beyond its commit index "
                    + node.raft.commitIndex());
        }
        if (!node.disk.durablyHolds(e.index(), e.term())) {
            throw new IllegalStateException(node.id + " applied " + e + " that its own disk does not hold durably");
        }
        if (e.index() >= committed.size() || committed.get((int) e.index()).term() != e.term()) {
            throw new IllegalStateException(node.id + " applied " + e + " that is not the committed entry there");
        }
        if (e.index() <= applied.size()) {
            Entry known = applied.get((int) e.index() - 1);
            if (!known.equals(e)) {
                throw new IllegalStateException("state machine safety: " + node.id + " applied " + e
                        + " where others applied " + known);
            }
        } else {
            applied.add(e);
            appliedHashes.add(chain(appliedHashes.get(appliedHashes.size() - 1), e));
        }
        node.stateHash = chain(node.stateHash, e);
        if (node.stateHash != appliedHashes.get((int) e.index())) {
            throw new IllegalStateException("state machine safety: " + node.id + " reached state "
                    + node.stateHash + " at " + e.index() + " where others reached " + appliedHashes.get((int) e.index()));
        }
        node.lastApplied = e.index();
    }

    /**
     * State machine safety across snapshots: a snapshot (taken or installed) holds exactly the state every member
     * reaches by applying the committed entries up to its index, and its term is the committed entry's term there.
     */
    void checkSnapshot(SimNode node, SimSnapshot s, String what) {
        checks++;
        long index = s.index();
        if (index >= appliedHashes.size() || appliedHashes.get((int) index) != s.stateHash()) {
            throw new IllegalStateException("state machine safety: " + node.id + " " + what + " a snapshot at "
                    + index + " with state " + s.stateHash() + " that no member reached by applying the log");
        }
        if (committed.get((int) index).term() != s.metadata().term()) {
            throw new IllegalStateException(node.id + " " + what + " a snapshot at " + index + " with term "
                    + s.metadata().term() + " but the committed entry there has term "
                    + committed.get((int) index).term());
        }
    }

    /**
     * Sessions: every member's table agrees with the common one after each apply (same outcome, same encoding),
     * and over the common applied sequence no (session, sequence) is handed to the application twice
     * ("exactly-once"). Runs right after {@link #checkApply} of {@code e}, with the outcome of applying it.
     */
    void checkSessionApply(SimNode node, Entry e, SessionTable.Outcome outcome) {
        checks++;
        long index = e.index();
        long hash = tableHash(node.sessions);
        if (index == sessionHashes.size()) {
            sessionHashes.add(hash);
            sessionOutcomes.add(outcome);
            if (outcome instanceof SessionTable.Duplicate) {
                duplicatesSkipped++;
            }
            if (outcome instanceof SessionTable.Fresh
                    && Envelope.type(e.payload()) == Envelope.Type.APPEND) {
                Envelope.Fields f = Envelope.decode(e.payload());
                Long earlier = freshAt.putIfAbsent(new SessionSequence(f.session(), f.sequence()), index);
                if (earlier != null) {
                    throw new IllegalStateException("exactly-once: session " + f.session() + " sequence "
                            + f.sequence() + " was handed to the application at " + earlier + " and again at "
                            + index + " (by " + node.id + ")");
                }
            }
            return;
        }
        if (index > sessionHashes.size()) {
            throw new IllegalStateException("session tables: " + node.id + " applied " + index
                    + " before any member applied " + sessionHashes.size());
        }
        if (!java.util.Objects.equals(sessionOutcomes.get((int) index), outcome)) {
            throw new IllegalStateException("session tables agree: applying " + index + " on " + node.id + " gave "
                    + outcome + " where others got " + sessionOutcomes.get((int) index));
        }
        if (sessionHashes.get((int) index) != hash) {
            throw new IllegalStateException("session tables agree: " + node.id + "'s session table after " + index
                    + " differs from the one other members had there");
        }
    }

    /** Sessions: a snapshot carries the session table of the common applied sequence at its index. */
    void checkSessionSnapshot(SimNode node, SimSnapshot s, String what) {
        checks++;
        long index = s.index();
        if (s.sessions() == null || index >= sessionHashes.size()
                || sessionHashes.get((int) index) != hashBytes(s.sessions())) {
            throw new IllegalStateException("session tables agree: " + node.id + " " + what + " a snapshot at "
                    + index + " whose session table is not the one members had there");
        }
    }

    /**
     * Sessions: what a client was told about its append, an index and term (the entry's own for a fresh one, the
     * original's for a duplicate), is where that (session, sequence) was handed to the application, once.
     */
    void checkSessionAnswer(String client, long session, long sequence, long index, long term, String via) {
        checks++;
        Long fresh = freshAt.get(new SessionSequence(session, sequence));
        if (fresh == null || fresh != index || committedTerm(index) != term) {
            throw new IllegalStateException("acknowledged once: " + client + " was told (" + via + ") that session "
                    + session + " sequence " + sequence + " applied at " + index + "@" + term + ", but it was "
                    + (fresh == null ? "never handed to the application" : "handed to the application at " + fresh
                    + "@" + committedTerm(fresh)));
        }
    }

    /** Where (session, sequence) was handed to the application, or {@code null}. */
    Long freshAt(long session, long sequence) {
        return freshAt.get(new SessionSequence(session, sequence));
    }

    /** How many duplicate session appends the common applied sequence skipped. */
    long duplicatesSkipped() {
        return duplicatesSkipped;
    }

    private static long tableHash(SessionTable table) {
        return hashBytes(table.encode());
    }

    private static long hashBytes(byte[] bytes) {
        long h = 1125899906842597L;
        for (byte b : bytes) {
            h = 31 * h + b;
        }
        return h ^ bytes.length;
    }

    /** The hash of a sequence extended by one entry. */
    static long chain(long hash, Entry e) {
        return (hash * 1_000_003L) ^ (e.index() * 31 + e.term()) * 0x9E3779B97F4A7C15L
                ^ Arrays.hashCode(e.payload()) ^ ((long) e.kind().code() << 56);
    }

    private static boolean durableOnQuorum(Set<String> voters, long index, long term, Iterable<SimNode> all) {
        if (voters.isEmpty()) {
            return true;
        }
        int holders = 0;
        for (SimNode n : all) {
            if (voters.contains(n.id) && n.disk.durablyHolds(index, term)) {
                holders++;
            }
        }
        return holders >= voters.size() / 2 + 1;
    }

    /**
     * The output contract: a message that promises durable state (a vote, a candidacy, an acknowledgement of
     * entries) leaves only once that state is durable, so a crash cannot take the promise back. For an
     * acknowledgement, {@code matchTerm} is the term of the acknowledged entry when the acknowledgement was made.
     */
    void checkDurableBeforeSend(SimNode node, Message m, long matchTerm) {
        checks++;
        HardState durable = node.disk.durableHardState();
        if (m instanceof Message.VoteResponse) {
            Message.VoteResponse r = (Message.VoteResponse) m;
            if (r.granted() && !r.preVote() && !durablyVoted(durable, r.term(), r.to())) {
                throw new IllegalStateException("durability: " + node.id + " sent " + m + " while its durable state is "
                        + durable);
            }
        } else if (m instanceof Message.VoteRequest) {
            Message.VoteRequest v = (Message.VoteRequest) m;
            if (!v.preVote() && !durablyVoted(durable, v.term(), node.id)) {
                throw new IllegalStateException("durability: " + node.id + " sent " + m + " while its durable state is "
                        + durable);
            }
        } else if (m instanceof Message.AppendResponse) {
            Message.AppendResponse r = (Message.AppendResponse) m;
            long match = r.matchIndex();
            if (r.success() && match > 0 && !node.disk.durablyHolds(match, matchTerm)) {
                throw new IllegalStateException("durability: " + node.id + " acknowledged " + match
                        + " before holding it durably");
            }
        }
    }

    /** Whether a crash can no longer make this member vote again in {@code term} for anyone but {@code candidate}. */
    private static boolean durablyVoted(HardState durable, long term, String candidate) {
        return durable.term() > term || (durable.term() == term && candidate.equals(durable.votedFor()));
    }

    /** No stale read: a released read index covers everything committed before the read was asked. */
    void checkRead(SimNode node, long requestId, long index, long requiredIndex) {
        checks++;
        if (index < requiredIndex) {
            throw new IllegalStateException("stale read: " + node.id + " released read " + requestId + " at index "
                    + index + " but " + requiredIndex + " was committed before it was asked");
        }
    }
}
