package io.kayak.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The configuration in force on this member, and the leader's view of every other member: replication progress,
 * votes received in an election, liveness for check-quorum and read rounds for ReadIndex. All quorum decisions are
 * made here, through {@link Quorum}, so joint configurations are handled in one place.
 */
final class ProgressTracker {
    private final String self;
    private final int maxInflightMessages;
    private final long maxInflightBytes;
    private IndexedConfiguration config;
    // TreeMap: iteration order is part of the core's determinism (message order in a Ready).
    private final Map<String, Progress> peers = new TreeMap<>();
    private final Map<String, Boolean> votes = new HashMap<>();

    ProgressTracker(String self, IndexedConfiguration config, int maxInflightMessages, long maxInflightBytes) {
        this.self = self;
        this.maxInflightMessages = maxInflightMessages;
        this.maxInflightBytes = maxInflightBytes;
        this.config = config;
        reconfigure(config, 1);
    }

    IndexedConfiguration indexedConfig() {
        return config;
    }

    Configuration config() {
        return config.configuration();
    }

    /** Switches to {@code next}; new members start probing at {@code nextIndex}, removed members are dropped. */
    void reconfigure(IndexedConfiguration next, long nextIndex) {
        this.config = next;
        Set<String> members = next.configuration().members();
        peers.keySet().removeIf(id -> !members.contains(id));
        for (String id : members) {
            if (!id.equals(self) && !peers.containsKey(id)) {
                Progress pr = new Progress(nextIndex, maxInflightMessages, maxInflightBytes);
                pr.recentActive(true);
                peers.put(id, pr);
            }
        }
    }

    /** Every other member, voters and learners, in a fixed order. */
    Map<String, Progress> peers() {
        return peers;
    }

    Progress get(String id) {
        return peers.get(id);
    }

    boolean isVoter(String id) {
        return config().isVoter(id);
    }

    /** Resets every follower's progress for a new leadership that will append after {@code lastIndex}. */
    void resetForLeadership(long lastIndex) {
        for (Map.Entry<String, Progress> e : peers.entrySet()) {
            Progress pr = new Progress(lastIndex + 1, maxInflightMessages, maxInflightBytes);
            // Grace period: check-quorum counts everybody as active during the first election timeout.
            pr.recentActive(true);
            e.setValue(pr);
        }
    }

    /** The commit index a quorum supports, counting this member at {@code selfDurable}. */
    long committedIndex(long selfDurable) {
        return Quorum.committedIndex(config(), id -> id.equals(self) ? selfDurable : matchOf(id));
    }

    private long matchOf(String id) {
        Progress pr = peers.get(id);
        return pr == null ? 0 : pr.match();
    }

    void resetVotes() {
        votes.clear();
    }

    void recordVote(String id, boolean granted) {
        votes.putIfAbsent(id, granted);
    }

    Quorum.VoteResult voteResult() {
        return Quorum.voteResult(config(), votes);
    }

    /** Check-quorum (dissertation §6.2): has a quorum of voters been heard from since the last reset? */
    boolean quorumActive() {
        ToLongFunction<String> active = id -> {
            if (id.equals(self)) {
                return 1;
            }
            Progress pr = peers.get(id);
            return pr != null && pr.recentActive() ? 1 : 0;
        };
        return Quorum.committedIndex(config(), active) == 1;
    }

    void resetRecentActive() {
        for (Progress pr : peers.values()) {
            pr.recentActive(false);
        }
    }

    /** The highest read round acknowledged by a quorum, counting this member at {@code selfRound}. */
    long quorumAckedRound(long selfRound) {
        return Quorum.committedIndex(config(), id -> {
            if (id.equals(self)) {
                return selfRound;
            }
            Progress pr = peers.get(id);
            return pr == null ? 0 : pr.ackedRound();
        });
    }
}
