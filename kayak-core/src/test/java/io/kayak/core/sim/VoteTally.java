package io.kayak.core.sim;

import io.kayak.core.Configuration;
import io.kayak.core.Message;
import io.kayak.core.Role;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The votes each campaigning member has received, as the simulator delivered them, counted per half of a joint
 * configuration. Kept apart from the core's own count, so the simulator can tell which half decided an election
 * and check that a new leader really had a quorum of both.
 */
final class VoteTally {
    record Outcome(boolean incomingWon, boolean incomingLost, boolean outgoingWon, boolean outgoingLost) {
        boolean won() {
            return incomingWon && outgoingWon;
        }
    }

    private record Campaign(long term, Role role) {
    }

    private final Map<String, Campaign> campaigns = new HashMap<>();
    private final Map<String, Map<String, Boolean>> votes = new HashMap<>();

    /**
     * Records {@code r}, just delivered to {@code member}, if it answers the campaign the member was running then
     * ({@code termBefore} and {@code roleBefore}, as the core would count it); returns the tally with it, or null.
     */
    Outcome record(String member, long termBefore, Role roleBefore, Message.VoteResponse r, Configuration config) {
        boolean counts = (roleBefore == Role.CANDIDATE && !r.preVote() && r.term() == termBefore)
                || (roleBefore == Role.PRE_CANDIDATE && r.preVote()
                && r.term() == (r.granted() ? termBefore + 1 : termBefore));
        if (!counts) {
            return null;
        }
        Map<String, Boolean> v = campaign(member, termBefore, roleBefore);
        v.put(r.from(), r.granted());
        return outcome(v, config);
    }

    /** The votes {@code member} received as a candidate of {@code term} (at least its own). */
    Outcome asCandidate(String member, long term, Configuration config) {
        return outcome(campaign(member, term, Role.CANDIDATE), config);
    }

    private Map<String, Boolean> campaign(String member, long term, Role role) {
        Campaign campaign = new Campaign(term, role);
        if (!campaign.equals(campaigns.get(member))) {
            campaigns.put(member, campaign);
            votes.put(member, new HashMap<>(Map.of(member, true)));
        }
        return votes.get(member);
    }

    private static Outcome outcome(Map<String, Boolean> v, Configuration config) {
        return new Outcome(won(config.voters(), v), lost(config.voters(), v), won(config.outgoing(), v),
                lost(config.outgoing(), v));
    }

    private static boolean won(Set<String> voters, Map<String, Boolean> v) {
        return voters.isEmpty() || count(voters, v, true) >= voters.size() / 2 + 1;
    }

    private static boolean lost(Set<String> voters, Map<String, Boolean> v) {
        return !voters.isEmpty() && voters.size() - count(voters, v, false) < voters.size() / 2 + 1;
    }

    private static int count(Set<String> voters, Map<String, Boolean> v, boolean granted) {
        int n = 0;
        for (String voter : voters) {
            if (Boolean.valueOf(granted).equals(v.get(voter))) {
                n++;
            }
        }
        return n;
    }
}
