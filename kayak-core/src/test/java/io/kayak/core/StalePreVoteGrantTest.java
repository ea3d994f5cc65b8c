package io.kayak.core;

import io.kayak.core.Message.VoteResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A granted pre-vote echoes the term it was asked for. A grant that arrives late, after the pre-candidate's term
 * rose, answers an earlier pre-vote and must not count toward the current one: otherwise a member cut off from the
 * leader can win a pre-vote nobody gave it now, and force a needless election.
 */
@DisplayName("A late pre-vote grant of an earlier campaign does not count")
class StalePreVoteGrantTest {
    private Cluster cluster;

    @BeforeEach
    void preCandidateOfTermTwo() {
        cluster = Cluster.builder().member("a", 1).member("b", 1).member("c", 1).currentTerm(2).build();
        cluster.campaign("b");
        assertThat(cluster.node("b").role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(cluster.node("b").term()).isEqualTo(2);
    }

    @Test
    @DisplayName("a grant echoing the current term (asked for when the term was 1) changes nothing")
    void lateGrantIsIgnored() {
        cluster.receive(new VoteResponse("a", "b", 2, true, true));
        assertThat(cluster.node("b").role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(cluster.node("b").term()).isEqualTo(2);
    }

    @Test
    @DisplayName("a grant echoing the proposed term wins the pre-vote")
    void currentGrantWins() {
        cluster.receive(new VoteResponse("a", "b", 3, true, true));
        assertThat(cluster.node("b").role()).isEqualTo(Role.CANDIDATE);
        assertThat(cluster.node("b").term()).isEqualTo(3);
    }
}
