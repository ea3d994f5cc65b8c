package io.kayak.core;

import io.kayak.core.Message.VoteRequest;
import io.kayak.core.Message.VoteResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Pre-vote (dissertation §9.6), the leader lease and check-quorum (§6.2, §4.2.3). */
@DisplayName("Pre-vote and check-quorum")
class PreVoteAndCheckQuorumTest {

    @Nested
    @DisplayName("Pre-vote")
    class PreVote {
        @Test
        @DisplayName("a partitioned member that rejoins has not raised its term and does not disrupt the leader")
        void rejoiningMemberDoesNotDisrupt() {
            Cluster c = Cluster.of("a", "b", "c");
            c.elect("a");
            long term = c.node("a").term();

            c.isolate("c").tickAll(60);  // c times out again and again, but only ever pre-campaigns
            assertThat(c.sent(m -> m instanceof VoteRequest v && v.from().equals("c")))
                    .isNotEmpty().allMatch(m -> ((VoteRequest) m).preVote());
            assertThat(c.node("c").term()).isEqualTo(term);

            c.heal().tickAll(3);
            assertThat(c.node("a").role()).isEqualTo(Role.LEADER);
            assertThat(c.node("a").term()).isEqualTo(term);
            assertThat(c.node("c").role()).isEqualTo(Role.FOLLOWER);
            assertThat(c.node("c").leader()).isEqualTo("a");
        }

        @Test
        @DisplayName("(contrast) without pre-vote the rejoining member's inflated term deposes the leader")
        void withoutPreVoteTheRejoiningMemberDisrupts() {
            Cluster c = Cluster.builder().member("a", 1).member("b", 1).member("c", 1)
                    .options(o -> o.preVote(false)).build();
            c.elect("a");
            long term = c.node("a").term();

            c.isolate("c").tickAll(60);
            assertThat(c.node("c").term()).isGreaterThan(term);
            c.heal().tickAll(1);
            assertThat(c.node("a").term()).isGreaterThan(term);
        }

        @Test
        @DisplayName("a voter that hears from a leader refuses pre-votes until its lease runs out")
        void preVoteRefusedWhileLeaderIsHeard() {
            Cluster c = Cluster.of("a", "b", "c");
            c.elect("a").tickAll(2);
            long term = c.node("b").term();
            long last = c.node("c").lastIndex();
            VoteRequest preVote = new VoteRequest("c", "b", term + 1, true, last, c.node("c").termAt(last), false);

            c.receive(preVote);
            assertThat(grantedPreVotes(c, "b", "c")).isZero();

            // b stops hearing from the leader; after an election timeout its lease is over.
            c.isolate("a").tick("b", 10);
            c.receive(preVote);
            assertThat(grantedPreVotes(c, "b", "c")).isEqualTo(1);
        }

        @Test
        @DisplayName("a pre-vote, granted or not, changes neither the voter's term nor its vote")
        void preVoteChangesNothing() {
            Cluster c = Cluster.builder().member("v", 1, 2).member("x", 1).member("y", 1)
                    .currentTerm(5).build();
            c.receive(new VoteRequest("x", "v", 6, true, 2, 2, false));   // up-to-date: granted
            c.receive(new VoteRequest("y", "v", 6, true, 1, 1, false));   // stale log: refused

            assertThat(c.sent(VoteResponse.class)).extracting(VoteResponse::to, VoteResponse::granted)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("x", true),
                            org.assertj.core.groups.Tuple.tuple("y", false));
            assertThat(c.node("v").term()).isEqualTo(5);
            assertThat(c.node("v").votedFor()).isNull();
            assertThat(c.readies("v")).allMatch(rd -> rd.hardState() == null);
            assertThat(c.disk("v").hardState()).isEqualTo(new HardState(5, null, 1));
        }

        private long grantedPreVotes(Cluster c, String voter, String candidate) {
            return c.sent(VoteResponse.class).stream()
                    .filter(r -> r.from().equals(voter) && r.to().equals(candidate) && r.preVote() && r.granted())
                    .count();
        }
    }

    @Nested
    @DisplayName("Check-quorum")
    class CheckQuorum {
        @Test
        @DisplayName("a leader that hears from no quorum for an election timeout steps down")
        void isolatedLeaderStepsDown() {
            Cluster c = Cluster.of("a", "b", "c");
            c.elect("a");
            long term = c.node("a").term();

            c.isolate("a");
            // During its first election timeout the leader did hear from everyone (the election, the no-op).
            c.tick("a", 19);
            assertThat(c.node("a").role()).isEqualTo(Role.LEADER);
            // In the second it heard from nobody: it steps down, without raising its term.
            c.tick("a");
            assertThat(c.node("a").role()).isEqualTo(Role.FOLLOWER);
            assertThat(c.node("a").term()).isEqualTo(term);
            assertThat(c.node("a").leader()).isNull();
        }

        @Test
        @DisplayName("a leader that hears from a quorum (one follower of two) stays leader")
        void leaderWithQuorumStays() {
            Cluster c = Cluster.of("a", "b", "c");
            c.elect("a");
            c.isolate("c").tickAll(60);
            assertThat(c.node("a").role()).isEqualTo(Role.LEADER);
        }
    }
}
