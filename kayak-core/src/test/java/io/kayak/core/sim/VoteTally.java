package io.kayak.core.sim;

import io.kayak.core.Configuration;
import io.kayak.core.Role;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The votes each campaigning member has received, as the simulator delivered them, counted per half of a joint
 * configuration. Kept apart from the core's own count so coverage can tell which half decided an election.
 */
final class VoteTally {
    record Outcome(boolean incomingWon, boolean incomingLost, boolean outgoingWon, boolean outgoingLost) {
    }

    private record Campaign(long term, Role role) {
    }

    private final Map<String, Campaign> campaigns = new HashMap<>();
    private final Map<String, Map<String, Boolean>> votes = new HashMap<>();

    /** Records {@code from}'s answer to {@code member}'s campaign (the member votes for itself). */
    Outcome record(String member, long term, Role role, String from, boolean granted, Configuration config) {
        Campaign campaign = new Campaign(term, role);
        if (!campaign.equals(campaigns.get(member))) {
            campaigns.put(member, campaign);
            votes.put(member, new HashMap<>(Map.of(member, true)));
        }
        Map<String, Boolean> v = votes.get(member);
        v.put(from, granted);
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
