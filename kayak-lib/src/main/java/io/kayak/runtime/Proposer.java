package io.kayak.runtime;

import io.kayak.NotLeaderException;
import io.kayak.core.ProposalRefusedException;
import io.kayak.core.RaftNode;
import io.kayak.core.Role;
import io.kayak.core.session.Envelope;
import io.kayak.runtime.PendingRequests.Proposal;

import java.util.ArrayList;
import java.util.List;

/**
 * Proposes the appends that arrived since the last turn as one batch, so they share AppendEntries and fsyncs: on the
 * leader into its log (stamped with the leader's clock, the log time of sessions), elsewhere forwarded to the leader.
 *
 * <p>Raft thread only.
 */
final class Proposer {
    private final RaftNode node;
    private final PendingRequests pending;
    private final Forwarder forwarder;
    private final CommitHandler commits;

    Proposer(RaftNode node, PendingRequests pending, Forwarder forwarder, CommitHandler commits) {
        this.node = node;
        this.pending = pending;
        this.forwarder = forwarder;
        this.commits = commits;
    }

    /** Proposes the appends of this turn as one batch; a member that does not lead forwards them instead. */
    void proposeBatch() {
        List<Proposal> batch = pending.takeProposals();
        if (batch.isEmpty()) {
            return;
        }
        if (node.role() != Role.LEADER) {
            for (Proposal p : batch) {
                if (p.forwarded()) {
                    forwarder.refuseNotLeader(p.remote(), node.id() + " is not the leader");
                } else {
                    forwarder.forwardAppend(p);
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
                if (p.forwarded()) {
                    forwarder.refuseNotLeader(p.remote(), e.getMessage());
                } else {
                    pending.fail(p.localFuture(), new NotLeaderException(e.getMessage(), forwarder.leaderAddress()));
                }
            }
            return;
        }
        long term = node.term();
        for (int i = 0; i < batch.size(); i++) {
            Proposal p = batch.get(i);
            long index = first + i;
            if (p.forwarded()) {
                forwarder.acceptForwarded(p.remote(), index, term);
                commits.proposedForFollower(index);
            } else {
                pending.proposedHere(p, index, term);
            }
        }
    }

}
