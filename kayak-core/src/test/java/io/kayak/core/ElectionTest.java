package io.kayak.core;

import io.kayak.core.Message.VoteRequest;
import io.kayak.core.Message.VoteResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Leader election (Raft §5.2) and the election restriction (§5.4.1). */
@DisplayName("Elections")
class ElectionTest {

    @Test
    @DisplayName("a follower that hears nothing for its election timeout becomes a pre-candidate, keeping its term")
    void followerTimesOutIntoPreCandidate() {
        Cluster c = Cluster.of("a", "b", "c");
        int ticks = c.campaign("a");

        assertThat(ticks).isBetween(10, 19);
        assertThat(c.node("a").role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(c.node("a").term()).isEqualTo(1);
        assertThat(c.sent(VoteRequest.class)).hasSize(2)
                .allSatisfy(v -> assertThat(v.preVote()).isTrue())
                .allSatisfy(v -> assertThat(v.term()).isEqualTo(2));
    }

    @Test
    @DisplayName("without pre-vote, a timed-out follower becomes a candidate of the next term and votes for itself")
    void followerTimesOutIntoCandidate() {
        Cluster c = Cluster.builder().member("a", 1).member("b", 1).member("c", 1)
                .withoutPreVoteOrCheckQuorum().build();
        c.campaign("a");

        assertThat(c.node("a").role()).isEqualTo(Role.CANDIDATE);
        assertThat(c.node("a").term()).isEqualTo(2);
        assertThat(c.node("a").votedFor()).isEqualTo("a");
        assertThat(c.sent(VoteRequest.class)).extracting(VoteRequest::to).containsExactlyInAnyOrder("b", "c");
    }

    /** The voter's log is {@code 1 1 2 2}: last index 4, last term 2. */
    @ParameterizedTest(name = "candidate log ending at index {0}, term {1}: granted={2}")
    @CsvSource({
            "3, 2, false",  // same last term, shorter log
            "9, 1, false",  // lower last term, however long
            "4, 2, true",   // identical
            "5, 2, true",   // same last term, longer
            "2, 3, true",   // higher last term, even if shorter
    })
    @DisplayName("a vote goes only to a candidate whose log is at least as up-to-date (§5.4.1)")
    void atLeastAsUpToDate(long lastIndex, long lastTerm, boolean granted) {
        Cluster c = Cluster.builder().member("v", 1, 1, 2, 2).member("x", 1).member("y", 1)
                .currentTerm(2).build();
        c.receive(new VoteRequest("x", "v", 3, false, lastIndex, lastTerm, false));

        assertThat(c.sent(VoteResponse.class)).singleElement()
                .satisfies(r -> assertThat(r.granted()).isEqualTo(granted));
        assertThat(c.node("v").votedFor()).isEqualTo(granted ? "x" : null);
    }

    @Test
    @DisplayName("at most one vote per term, also after a restart from the durable hard state")
    void oneVotePerTerm() {
        Cluster c = Cluster.builder().member("v", 1).member("a", 1).member("b", 1).currentTerm(5).build();
        c.receive(voteRequest("a", "v", 6));
        c.receive(voteRequest("b", "v", 6));
        assertThat(grantsTo(c, "a")).isEqualTo(1);
        assertThat(grantsTo(c, "b")).isZero();

        c.restart("v");
        assertThat(c.node("v").term()).isEqualTo(6);
        assertThat(c.node("v").votedFor()).isEqualTo("a");
        c.receive(voteRequest("b", "v", 6));
        assertThat(grantsTo(c, "b")).as("no second vote in term 6 after a restart").isZero();
        // A repeated request from the candidate it voted for is answered again (its first answer may be lost).
        c.receive(voteRequest("a", "v", 6));
        assertThat(grantsTo(c, "a")).isEqualTo(2);
    }

    @Test
    @DisplayName("a vote leaves only with messagesAfterPersist, once the vote itself is durable")
    void voteSentOnlyAfterPersist() {
        Cluster c = Cluster.builder().member("v", 1).member("a", 1).member("b", 1).currentTerm(5).build();
        c.holdPersistence("v");
        c.receive(voteRequest("a", "v", 6));

        Ready rd = c.readies("v").get(c.readies("v").size() - 1);
        assertThat(rd.messages()).noneMatch(m -> m instanceof VoteResponse);
        assertThat(rd.messagesAfterPersist()).singleElement().isInstanceOf(VoteResponse.class);
        assertThat(rd.hardState()).isEqualTo(new HardState(6, "a", 1));
        assertThat(rd.termOrVoteChanged()).isTrue();
        // While the disk has not synced, the vote has not left.
        assertThat(c.sent(VoteResponse.class)).isEmpty();

        c.persist("v");
        assertThat(c.disk("v").durableHardState().votedFor()).isEqualTo("a");
        assertThat(c.sent(VoteResponse.class)).singleElement().satisfies(r -> assertThat(r.granted()).isTrue());
    }

    @Test
    @DisplayName("a candidate's own RequestVotes also wait for its new term and self-vote to be durable")
    void candidateRequestsSentOnlyAfterPersist() {
        Cluster c = Cluster.builder().member("a", 1).member("b", 1).member("c", 1)
                .withoutPreVoteOrCheckQuorum().build();
        c.holdPersistence("a");
        for (int i = 0; i < 20 && c.node("a").role() != Role.CANDIDATE; i++) {
            c.tick("a");
        }
        assertThat(c.node("a").role()).isEqualTo(Role.CANDIDATE);
        assertThat(c.sent(VoteRequest.class)).isEmpty();
        c.persist("a");
        assertThat(c.sent(VoteRequest.class)).hasSize(2);
    }

    @Test
    @DisplayName("the randomized election timeout is re-drawn at every election, from the seed")
    void electionTimeoutRedrawnEachElection() {
        List<Integer> first = electionIntervals(42);
        assertThat(first).allSatisfy(t -> assertThat(t).isBetween(10, 19));
        assertThat(first.stream().distinct().count()).as("intervals %s", first).isGreaterThan(1);
        assertThat(electionIntervals(42)).as("same seed, same timeouts").isEqualTo(first);
        assertThat(electionIntervals(43)).as("another seed, other timeouts").isNotEqualTo(first);
    }

    /** Ticks between consecutive (pre-)campaigns of a member that never hears from anyone. */
    private static List<Integer> electionIntervals(long seed) {
        Cluster c = Cluster.builder().member("a", 1).member("b", 1).member("c", 1)
                .options(o -> o.seed(seed)).build();
        List<Integer> intervals = new ArrayList<>();
        for (int election = 0; election < 8; election++) {
            intervals.add(c.campaign("a"));
        }
        return intervals;
    }

    private static VoteRequest voteRequest(String from, String to, long term) {
        return new VoteRequest(from, to, term, false, 1, 1, false);
    }

    private static long grantsTo(Cluster c, String candidate) {
        return c.sent(VoteResponse.class).stream().filter(r -> r.to().equals(candidate) && r.granted()).count();
    }
}
