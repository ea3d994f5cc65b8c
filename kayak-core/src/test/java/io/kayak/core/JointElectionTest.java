package io.kayak.core;

import io.kayak.core.Message.AppendResponse;
import io.kayak.core.Message.VoteResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Elections in a joint configuration (Raft §6): a candidate needs a majority of the incoming voters and a majority
 * of the outgoing voters. Winning one half is not enough; otherwise the outgoing voters could elect a second leader
 * in the same term.
 */
@DisplayName("An election in a joint configuration needs both halves")
class JointElectionTest {

    @Test
    @DisplayName("a candidate that wins every incoming voter but loses the outgoing half does not lead")
    void outgoingHalfLosesTheElection() {
        Cluster c = Cluster.builder().member("a", 1).member("b", 1).member("c", 1).member("d", 1).member("e", 1)
                .withoutPreVoteOrCheckQuorum().build();
        c.elect("a");
        // From five voters to C_old = {a, b, c} with d and e as learners, so that C_old,new below can move the
        // voters from {a, b, c} to {c, d, e}.
        change(c, Configuration.of(Set.of("a", "b", "c"), Set.of("a", "b", "c", "d", "e"), Set.of(),
                addresses("a", "b", "c", "d", "e")));
        change(c, Configuration.of(Set.of("a", "b", "c"), Set.of(), Set.of("d", "e"),
                addresses("a", "b", "c", "d", "e")));
        // Acknowledgements are held back so nothing commits: every member keeps C_old,new as its newest
        // configuration, uncommitted, and the leader does not move on to C_new.
        c.hold(m -> m instanceof AppendResponse);
        Configuration joint = Configuration.of(Set.of("c", "d", "e"), Set.of("a", "b", "c"), Set.of(),
                addresses("a", "b", "c", "d", "e"));
        c.node("a").proposeConfiguration(joint);
        c.stabilize();
        for (String id : new String[] {"a", "b", "c", "d", "e"}) {
            assertThat(c.node(id).configuration().configuration()).as(id).isEqualTo(joint);
        }
        // a's next entry reaches b only: a and b (outgoing) now hold a longer log than c, d and e.
        c.cut("a", "c").cut("a", "d").cut("a", "e");
        c.node("a").propose(new byte[] {1});
        c.stabilize().heal();
        long term = c.node("d").term();

        c.campaign("d");
        c.stabilize();

        // The incoming half {c, d, e} is won (c and e grant, d votes for itself); the outgoing half {a, b, c} is
        // lost (a and b refuse a shorter log).
        assertThat(c.sent(m -> m instanceof VoteResponse && ((VoteResponse) m).granted() && m.to().equals("d")))
                .extracting(Message::from).containsExactlyInAnyOrder("c", "e");
        assertThat(c.node("d").term()).isEqualTo(term + 1);
        assertThat(c.node("d").role()).isNotEqualTo(Role.LEADER);
        for (String id : new String[] {"a", "b", "c", "d", "e"}) {
            assertThat(c.node(id).role()).as(id).isNotEqualTo(Role.LEADER);
        }
    }

    /** Proposes {@code next} at a and delivers until quiet (a leaves a joint configuration by itself). */
    private static void change(Cluster c, Configuration next) {
        c.node("a").proposeConfiguration(next);
        c.stabilize();
        assertThat(c.node("a").configuration().configuration().isJoint()).isFalse();
        assertThat(c.node("a").commitIndex()).isEqualTo(c.node("a").lastIndex());
    }

    private static Map<String, String> addresses(String... ids) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String id : ids) {
            out.put(id, id + ":7000");
        }
        return out;
    }
}
