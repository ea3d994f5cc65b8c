package io.kayak.core.sim;

import io.kayak.core.Configuration;
import io.kayak.core.Entry;
import io.kayak.core.Message;
import io.kayak.core.RaftNode;
import io.kayak.core.Role;
import io.kayak.core.SnapshotMetadata;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counts how often a run reaches the guarded branches of {@link RaftNode} with the guard deciding, derived from
 * what the simulator can observe (a member's log and role before and after it steps a message), so the core
 * stays free of counters. A branch never reached is a rule the simulator does not test: a bug there would pass.
 */
final class Coverage {
    /** The branches counted; each description says what the guard decided. */
    enum Branch {
        APPEND_STALE_TERM("AppendEntries from a stale term answered with the current term"),
        APPEND_BELOW_COMMIT("AppendEntries before the commit index acknowledged with the commit index"),
        APPEND_REJECT_SHORT("AppendEntries rejected: the follower's log ends before prevIndex"),
        APPEND_REJECT_TERM("AppendEntries rejected: the follower holds prevIndex with another term"),
        APPEND_TRUNCATES("AppendEntries truncates a conflicting suffix"),
        COMMIT_CAPPED("commit capped by the last new entry (leaderCommit beyond it, the log longer)"),
        COMMIT_CAP_GUARDS_STALE("commit cap keeps a stale entry uncommitted (a different entry is committed there)"),
        SNAPSHOT_COVERED("snapshot already covered by the commit index"),
        SNAPSHOT_MATCHES_LOG("snapshot whose last entry the log holds: only the commit index advances"),
        SNAPSHOT_CONFLICTING_SUFFIX("snapshot whose index the log holds with another term: the log is replaced"),
        SNAPSHOT_BEYOND_LOG("snapshot beyond the end of the log: the log is replaced"),
        PRE_VOTE_HIGHER_TERM("pre-vote for a higher term heard without raising the term"),
        VOTE_IGNORED_IN_LEASE("vote request of a higher term ignored inside a leader lease"),
        JOINT_VOTE_HALF_WON("joint election with one half won and the other not"),
        JOINT_VOTE_LOST_BY_ONE_HALF("joint election lost by one half while the other half was won"),
        CHECK_QUORUM_STEP_DOWN("leader steps down for want of a quorum (check-quorum)");

        final String description;

        Branch(String description) {
            this.description = description;
        }
    }

    private final Map<Branch, Long> counts = new EnumMap<>(Branch.class);
    private final VoteTally votes;
    private final Invariants invariants;

    Coverage(Invariants invariants, VoteTally votes) {
        this.invariants = invariants;
        this.votes = votes;
        for (Branch b : Branch.values()) {
            counts.put(b, 0L);
        }
    }

    Map<Branch, Long> counts() {
        return new EnumMap<>(counts);
    }

    private void hit(Branch b) {
        counts.merge(b, 1L, Long::sum);
    }

    /** What the member's state says about the branch {@code m} will take; called just before it is stepped. */
    void beforeStep(RaftNode raft, Message m) {
        if (m instanceof Message.AppendRequest) {
            beforeAppend(raft, (Message.AppendRequest) m);
        } else if (m instanceof Message.InstallSnapshot) {
            beforeSnapshot(raft, ((Message.InstallSnapshot) m));
        }
    }

    /** What the member did with {@code m}: compares its role and term before ({@code before}) and after. */
    void afterStep(RaftNode raft, Message m, long termBefore, Role roleBefore) {
        if (m instanceof Message.VoteRequest) {
            Message.VoteRequest v = (Message.VoteRequest) m;
            if (v.term() > termBefore && raft.term() == termBefore) {
                hit(v.preVote() ? Branch.PRE_VOTE_HIGHER_TERM : Branch.VOTE_IGNORED_IN_LEASE);
            }
        } else if (m instanceof Message.VoteResponse) {
            afterVoteResponse(raft, (Message.VoteResponse) m, termBefore, roleBefore);
        }
    }

    /** A tick turned a leader into a follower of the same term: only check-quorum does that. */
    void afterTick(RaftNode raft, long termBefore, Role roleBefore) {
        if (roleBefore == Role.LEADER && raft.role() == Role.FOLLOWER && raft.term() == termBefore) {
            hit(Branch.CHECK_QUORUM_STEP_DOWN);
        }
    }

    private void beforeAppend(RaftNode raft, Message.AppendRequest m) {
        if (m.term() < raft.term()) {
            hit(Branch.APPEND_STALE_TERM);
            return;
        }
        if (m.prevIndex() < raft.commitIndex()) {
            hit(Branch.APPEND_BELOW_COMMIT);
            return;
        }
        if (raft.termAt(m.prevIndex()) != m.prevTerm()) {
            hit(m.prevIndex() > raft.lastIndex() ? Branch.APPEND_REJECT_SHORT : Branch.APPEND_REJECT_TERM);
            return;
        }
        long lastNew = m.prevIndex() + m.entries().size();
        for (Entry e : m.entries()) {
            long held = raft.termAt(e.index());
            if (held != -1 && held != e.term()) {
                hit(Branch.APPEND_TRUNCATES);
                return; // the log ends at lastNew afterwards: nothing for the cap to decide
            }
        }
        long lastAfter = Math.max(raft.lastIndex(), lastNew);
        if (m.commit() > lastNew && lastAfter > lastNew && raft.commitIndex() < Math.min(m.commit(), lastAfter)) {
            hit(Branch.COMMIT_CAPPED);
            // Without the cap the follower would commit up to here: does that range hold a stale entry?
            long uncapped = Math.min(Math.min(m.commit(), lastAfter), invariants.maxCommitted());
            for (long i = lastNew + 1; i <= uncapped; i++) {
                if (raft.termAt(i) != invariants.committedTerm(i)) {
                    hit(Branch.COMMIT_CAP_GUARDS_STALE);
                    break;
                }
            }
        }
    }

    private void beforeSnapshot(RaftNode raft, Message.InstallSnapshot m) {
        if (m.term() < raft.term()) {
            return;
        }
        SnapshotMetadata s = m.snapshot();
        long held = raft.termAt(s.index());
        if (s.index() <= raft.commitIndex()) {
            hit(Branch.SNAPSHOT_COVERED);
        } else if (held == s.term()) {
            hit(Branch.SNAPSHOT_MATCHES_LOG);
        } else if (held != -1) {
            hit(Branch.SNAPSHOT_CONFLICTING_SUFFIX);
        } else {
            hit(Branch.SNAPSHOT_BEYOND_LOG);
        }
    }

    private void afterVoteResponse(RaftNode raft, Message.VoteResponse r, long termBefore, Role roleBefore) {
        Configuration config = raft.configuration().configuration();
        VoteTally.Outcome o = votes.record(raft.id(), termBefore, roleBefore, r, config);
        if (o == null) {
            return;
        }
        if (!config.isJoint()) {
            return;
        }
        if (o.incomingWon() != o.outgoingWon()) {
            hit(Branch.JOINT_VOTE_HALF_WON);
            if (o.incomingLost() || o.outgoingLost()) {
                hit(Branch.JOINT_VOTE_LOST_BY_ONE_HALF);
            }
        }
    }
}
