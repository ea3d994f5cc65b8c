package io.kayak.core.sim;

import io.kayak.core.Configuration;
import io.kayak.core.Message.VoteResponse;
import io.kayak.core.Role;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator's own count of a candidate's votes, per half of a joint configuration. */
class VoteTallyTest {
    private static final Configuration JOINT = Configuration.of(Set.of("c", "d", "e"), Set.of("a", "b", "c"),
            Set.of(), addresses("a", "b", "c", "d", "e"));

    @Test
    void winningTheIncomingHalfAloneIsNoQuorum() {
        VoteTally tally = new VoteTally();
        tally.record("d", 5, Role.CANDIDATE, new VoteResponse("c", "d", 5, false, true), JOINT);
        VoteTally.Outcome o = tally.record("d", 5, Role.CANDIDATE, new VoteResponse("e", "d", 5, false, true),
                JOINT);
        assertThat(o.incomingWon()).isTrue();
        assertThat(o.outgoingWon()).isFalse();
        assertThat(o.won()).isFalse();
        o = tally.record("d", 5, Role.CANDIDATE, new VoteResponse("a", "d", 5, false, false), JOINT);
        o = tally.record("d", 5, Role.CANDIDATE, new VoteResponse("b", "d", 5, false, false), JOINT);
        assertThat(o.outgoingLost()).isTrue();
        assertThat(tally.asCandidate("d", 5, JOINT).won()).isFalse();
    }

    @Test
    void bothHalvesWonIsAQuorum() {
        VoteTally tally = new VoteTally();
        for (String voter : new String[] {"a", "c", "e"}) {
            tally.record("d", 5, Role.CANDIDATE, new VoteResponse(voter, "d", 5, false, true), JOINT);
        }
        assertThat(tally.asCandidate("d", 5, JOINT).won()).isTrue();
    }

    @Test
    void answersToAnotherCampaignDoNotCount() {
        VoteTally tally = new VoteTally();
        // A pre-vote answer while campaigning for real, and a real vote of an older term, are not this campaign's.
        assertThat(tally.record("d", 5, Role.CANDIDATE, new VoteResponse("c", "d", 6, true, true), JOINT)).isNull();
        assertThat(tally.record("d", 5, Role.CANDIDATE, new VoteResponse("e", "d", 4, false, true), JOINT)).isNull();
        // A new term starts a new count.
        tally.record("d", 5, Role.CANDIDATE, new VoteResponse("c", "d", 5, false, true), JOINT);
        assertThat(tally.asCandidate("d", 6, JOINT).incomingWon()).isFalse();
    }

    private static Map<String, String> addresses(String... ids) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String id : ids) {
            out.put(id, "sim://" + id);
        }
        return out;
    }
}
