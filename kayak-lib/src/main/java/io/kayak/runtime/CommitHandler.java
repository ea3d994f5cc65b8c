package io.kayak.runtime;

import io.kayak.core.Configuration;
import io.kayak.core.ConfigurationCodec;
import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.RaftNode;
import io.kayak.core.SnapshotMetadata;
import io.kayak.core.session.SessionTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * What the raft loop does with entries once they commit, and with a snapshot that replaces the log: applies them to
 * the session table, learns committed configurations (addresses, membership, whether this member was removed),
 * settles the appends that waited for them, and raises the applied index listeners follow.
 *
 * <p>Raft thread only.
 */
final class CommitHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CommitHandler.class);

    private final RaftNode node;
    private final PeerDirectory peers;
    private final PendingRequests pending;
    private final MembershipChanges membership;
    private final AppliedWatch applied;
    private final HostState state;
    private final HostMetrics metrics;
    private SessionApplier sessions = new SessionApplier(new SessionTable());
    private Supplier<SessionTable> installedTable = SessionTable::new;
    /** Whether a configuration listing this member has committed (or was in force when the loop started). */
    private boolean listed;
    /** The highest index proposed for a follower that forwarded the append and waits to see it commit; 0 if none. */
    private long forwardedIndex;

    CommitHandler(RaftNode node, PeerDirectory peers, PendingRequests pending, MembershipChanges membership,
                  AppliedWatch applied, HostState state, HostMetrics metrics) {
        this.node = node;
        this.peers = peers;
        this.pending = pending;
        this.membership = membership;
        this.applied = applied;
        this.state = state;
        this.metrics = metrics;
        this.listed = node.configuration().configuration().contains(node.id());
    }

    /**
     * Gives the member's session table (before the loop runs) and where to find the table of a snapshot installed
     * from the leader.
     */
    void sessions(SessionApplier applier, Supplier<SessionTable> installedTable) {
        this.sessions = applier;
        this.installedTable = installedTable;
    }

    /** What the session table did with the entry at {@code index}, if it was a session's append. */
    SessionTable.Outcome sessionOutcome(long index) {
        return sessions.outcome(index);
    }

    /** This member, leading, proposed a follower's forwarded append at {@code index}: the follower waits for it. */
    void proposedForFollower(long index) {
        forwardedIndex = Math.max(forwardedIndex, index);
    }

    /**
     * The entries of a Ready committed, in order. Returns whether the applied index went up, so that listeners are to
     * be woken (after the turn's sends).
     */
    boolean committed(List<Entry> committed) {
        for (Entry e : committed) {
            SessionTable.Outcome session = sessions.apply(e);
            if (e.kind() == EntryKind.CONFIG) {
                configurationCommitted(e);
            }
            pending.committed(e, session);
        }
        long last = committed.get(committed.size() - 1).index();
        sessions.forgetBelow(node.firstIndex());
        // Before the futures: an application that saw its append complete may act on the entry being committed
        // here at once (compact up to it, read it), and the dispatch thread may run before this thread goes on.
        boolean advanced = applied.advanceQuietly(last);
        pending.completeCommitted();
        if (forwardedIndex != 0 && forwardedIndex >= committed.get(0).index()) {
            // A follower that forwarded one of these appends waits to see it commit: tell it now, not later.
            node.sendCommitNotice();
            if (last >= forwardedIndex) {
                forwardedIndex = 0;
            }
        }
        metrics.committed(committed.size());
        return advanced;
    }

    private void configurationCommitted(Entry e) {
        Configuration config = ConfigurationCodec.decode(e.payload());
        peers.learn(config);
        if (config.contains(node.id())) {
            listed = true;
            if (state.removed()) {
                state.removed(false); // added again under the same id
            }
        } else if (listed && e.index() == node.configuration().index()) {
            // This member's latest configuration, committed, leaves it out: it was removed (a member replaying
            // older configurations while it catches up never gets here).
            state.removed(true);
        }
        membership.committed(config, e.index(), e.term());
    }

    /**
     * The log was replaced by a snapshot from the leader, durably. Listeners positioned inside it now find their
     * entries compacted ({@link io.kayak.OutOfBoundsException}): that is how the application learns to rebuild from
     * the snapshot. Appends waiting here for entries the snapshot covers cannot learn their outcome any more.
     */
    void snapshotInstalled(SnapshotMetadata snapshot) {
        peers.learn(snapshot.configuration());
        pending.coveredBySnapshot(snapshot.index());
        sessions.reset(installedTable.get(), snapshot.index());
        applied.advanceTo(snapshot.index());
        metrics.snapshotInstalled();
        LOG.info("{}: installed the leader's snapshot at index {} (term {}); the log now starts at {}", node.id(),
                snapshot.index(), snapshot.term(), snapshot.index() + 1);
    }
}
