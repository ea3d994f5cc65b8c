package io.kayak.core;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Majority arithmetic, for simple and joint configurations (Raft §6: during a change, every decision needs a
 * majority of the outgoing voters <em>and</em> a majority of the incoming voters).
 */
final class Quorum {
    /** Outcome of counting votes. */
    enum VoteResult { PENDING, WON, LOST }

    private Quorum() {
    }

    /**
     * The highest index that a majority of {@code voters} has reached, given each voter's index. An empty voter set
     * imposes no constraint (it returns {@link Long#MAX_VALUE}), which makes the joint rule reduce to the simple
     * one when nothing is outgoing.
     */
    static long majorityIndex(Set<String> voters, ToLongFunction<String> indexOf) {
        if (voters.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long[] indexes = new long[voters.size()];
        int i = 0;
        for (String voter : voters) {
            indexes[i++] = indexOf.applyAsLong(voter);
        }
        Arrays.sort(indexes);
        // Sorted ascending, the element at n - (n/2 + 1) is reached by at least n/2 + 1 voters.
        return indexes[indexes.length - (indexes.length / 2 + 1)];
    }

    /** {@link #majorityIndex} under the joint rule. */
    static long committedIndex(Configuration config, ToLongFunction<String> indexOf) {
        return Math.min(majorityIndex(config.voters(), indexOf), majorityIndex(config.outgoing(), indexOf));
    }

    /** Counts {@code votes} (voter id to granted) of one voter set. */
    static VoteResult voteResult(Set<String> voters, Map<String, Boolean> votes) {
        if (voters.isEmpty()) {
            return VoteResult.WON;
        }
        int granted = 0;
        int rejected = 0;
        for (String voter : voters) {
            Boolean vote = votes.get(voter);
            if (vote == null) {
                continue;
            }
            if (vote) {
                granted++;
            } else {
                rejected++;
            }
        }
        int majority = voters.size() / 2 + 1;
        if (granted >= majority) {
            return VoteResult.WON;
        }
        if (rejected >= majority || voters.size() - rejected < majority) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }

    /** {@link #voteResult} under the joint rule: won only when both halves are won, lost when either is lost. */
    static VoteResult voteResult(Configuration config, Map<String, Boolean> votes) {
        VoteResult incoming = voteResult(config.voters(), votes);
        VoteResult outgoing = voteResult(config.outgoing(), votes);
        if (incoming == VoteResult.LOST || outgoing == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        if (incoming == VoteResult.WON && outgoing == VoteResult.WON) {
            return VoteResult.WON;
        }
        return VoteResult.PENDING;
    }
}
