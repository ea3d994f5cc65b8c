package io.kayak.core;

import io.kayak.core.Message.AppendRequest;
import io.kayak.core.Message.AppendResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Elections around a leader that removes itself (Raft §6, dissertation §4.2.2): the configuration that leaves it
 * out may still need it until that configuration commits.
 */
@DisplayName("Elections after a leader removes itself")
class RemovedLeaderElectionTest {

    @Test
    @DisplayName("a leader cut off right after leaving itself out still campaigns, so the cluster can elect again")
    void removedLeaderStillCampaignsUntilItsRemovalCommits() {
        Cluster c = Cluster.of("a", "b").elect("a");
        Configuration current = c.node("a").configuration().configuration();
        Map<String, String> addresses = new LinkedHashMap<>(current.addresses());
        long jointIndex = c.node("a").proposeConfiguration(
                Configuration.of(Set.of("b"), Set.of("a", "b"), Set.of(), addresses));

        // b receives and acknowledges the joint configuration; a commits it and appends C_new = {b} by itself.
        assertThat(c.deliver(m -> m instanceof AppendRequest && m.to().equals("b"))).isPositive();
        assertThat(c.deliver(m -> m instanceof AppendResponse && m.from().equals("b"))).isPositive();
        assertThat(c.node("a").commitIndex()).isGreaterThanOrEqualTo(jointIndex);
        assertThat(c.node("a").configuration().configuration().voters()).containsExactly("b");
        assertThat(c.node("a").configuration().configuration().isJoint()).isFalse();

        // Before b hears of the commit or of C_new, the two are cut apart; check-quorum makes a step down.
        c.cut("a", "b").stabilize();
        assertThat(c.node("b").commitIndex()).isLessThan(jointIndex);
        c.tick("a", 2 * 10 + 1);
        assertThat(c.node("a").role()).isNotEqualTo(Role.LEADER);

        // b, still in the joint configuration, needs a's vote, and a's log is longer: only a can win the election
        // that lets C_new commit. It must campaign although its newest configuration leaves it out.
        c.heal();
        for (int i = 0; i < 200 && !(c.node("b").role() == Role.LEADER
                && c.node("b").commitIndex() >= c.node("b").configuration().index()); i++) {
            c.tickAll();
        }
        assertThat(c.node("b").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("b").configuration().configuration().voters()).containsExactly("b");
        assertThat(c.node("b").commitIndex()).isGreaterThanOrEqualTo(c.node("b").configuration().index());
        // Once a knows its removal committed, it campaigns no more.
        c.tickAll(50);
        assertThat(c.node("b").role()).isEqualTo(Role.LEADER);
    }
}
