package io.kayak.core.sim;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Liveness quality in a quiet stretch: once the cluster has converged, no member may raise its term and the leader
 * may not change. Pre-vote and check-quorum exist so that a member cut off from the others and reconnected, or a
 * minority that lost sight of the leader, cannot force an election (dissertation §9.6 and §6.2); a needless
 * election costs an election timeout of unavailability even though it breaks no safety property.
 */
final class DisruptionCheck {
    private final String leader;
    private final long leaderTerm;
    private final String configuration;
    private final Map<String, Long> terms = new HashMap<>();

    /** Takes the baseline: the converged leader and every running member's term. */
    DisruptionCheck(SimNode leader, Collection<SimNode> nodes) {
        this.leader = leader.id;
        this.leaderTerm = leader.raft.term();
        this.configuration = String.valueOf(leader.raft.configuration());
        for (SimNode n : nodes) {
            if (n.alive) {
                terms.put(n.id, n.raft.term());
            }
        }
    }

    /** Throws, naming the property, when a member's term rose past the leader's or the leader changed. */
    void check(SimNode currentLeader, Collection<SimNode> nodes) {
        for (SimNode n : nodes) {
            // A member that lagged (one removed from the configuration, say) may catch up to the leader's term;
            // any term beyond it means somebody started an election.
            long limit = Math.max(terms.getOrDefault(n.id, 0L), leaderTerm);
            if (n.alive && n.raft.term() > limit) {
                throw new IllegalStateException("disruption: " + n.id + " raised its term from "
                        + terms.get(n.id) + " to " + n.raft.term() + " in a quiet stretch (leader " + leader
                        + " of term " + leaderTerm + "); " + n.raft);
            }
        }
        if (currentLeader == null || !currentLeader.id.equals(leader) || currentLeader.raft.term() != leaderTerm) {
            throw new IllegalStateException("disruption: the leader changed in a quiet stretch, from " + leader
                    + " of term " + leaderTerm + " (configuration " + configuration + ") to "
                    + (currentLeader == null ? "none" : currentLeader.raft) + "; members: " + nodes.stream()
                    .map(n -> n.raft + " " + n.raft.configuration()).toList());
        }
    }
}
