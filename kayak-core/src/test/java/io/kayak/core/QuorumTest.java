package io.kayak.core;

import io.kayak.core.Quorum.VoteResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Majority arithmetic for simple and joint configurations (Raft §5.3 commit, §5.2 votes, §6 joint consensus). */
@DisplayName("Quorum math")
class QuorumTest {

    @Test
    @DisplayName("commit index: the highest index a majority has reached, for odd and even voter counts")
    void majorityIndex() {
        assertThat(commit(simple("a"), Map.of("a", 7L))).isEqualTo(7);
        assertThat(commit(simple("a", "b"), Map.of("a", 7L, "b", 3L))).isEqualTo(3);        // 2 of 2
        assertThat(commit(simple("a", "b", "c"), Map.of("a", 5L, "b", 3L, "c", 1L))).isEqualTo(3);
        assertThat(commit(simple("a", "b", "c", "d"), Map.of("a", 5L, "b", 4L, "c", 3L, "d", 1L)))
                .isEqualTo(3);                                                                  // 3 of 4
        assertThat(commit(simple("a", "b", "c", "d", "e", "f"),
                Map.of("a", 9L, "b", 8L, "c", 7L, "d", 6L, "e", 1L, "f", 0L))).isEqualTo(6);  // 4 of 6
        assertThat(commit(simple("a", "b", "c", "d", "e"),
                Map.of("a", 9L, "b", 9L, "c", 2L, "d", 1L, "e", 0L))).isEqualTo(2);
    }

    @Test
    @DisplayName("joint commit index: a majority of the incoming and of the outgoing voters")
    void jointIndex() {
        Configuration joint = joint(Set.of("c", "d", "e"), Set.of("a", "b", "c"));
        // Incoming {c,d,e} reached 8 (d, e); outgoing {a,b,c} only 2 (a, b): the joint index is 2.
        Map<String, Long> match = Map.of("a", 2L, "b", 2L, "c", 1L, "d", 8L, "e", 8L);
        assertThat(commit(joint, match)).isEqualTo(2);
        // Learners never count.
        Configuration withLearner = Configuration.of(Set.of("a", "b", "c"), Set.of(), Set.of("l"),
                addresses("a", "b", "c", "l"));
        assertThat(commit(withLearner, Map.of("a", 5L, "b", 1L, "c", 1L, "l", 5L))).isEqualTo(1);
    }

    @Test
    @DisplayName("votes: won with a majority, lost once a majority is out of reach, pending otherwise")
    void simpleVotes() {
        Configuration three = simple("a", "b", "c");
        assertThat(votes(three, "a", true)).isEqualTo(VoteResult.PENDING);
        assertThat(votes(three, "a", true, "b", true)).isEqualTo(VoteResult.WON);
        assertThat(votes(three, "a", true, "b", false)).isEqualTo(VoteResult.PENDING);
        assertThat(votes(three, "a", true, "b", false, "c", false)).isEqualTo(VoteResult.LOST);

        Configuration four = simple("a", "b", "c", "d");
        assertThat(votes(four, "a", true, "b", true)).isEqualTo(VoteResult.PENDING);       // needs 3 of 4
        assertThat(votes(four, "a", true, "b", true, "c", false, "d", false)).isEqualTo(VoteResult.LOST);
        assertThat(votes(four, "a", true, "b", false, "c", false)).isEqualTo(VoteResult.LOST); // 3 out of reach
        assertThat(votes(four, "a", true, "b", true, "c", true)).isEqualTo(VoteResult.WON);

        Configuration two = simple("a", "b");
        assertThat(votes(two, "a", true, "b", false)).isEqualTo(VoteResult.LOST);
        assertThat(votes(two, "a", true, "b", true)).isEqualTo(VoteResult.WON);
    }

    @Test
    @DisplayName("joint votes: won only when both halves are won, lost when either is lost")
    void jointVotes() {
        Configuration joint = joint(Set.of("c", "d", "e"), Set.of("a", "b", "c"));
        assertThat(votes(joint, "c", true, "d", true)).isEqualTo(VoteResult.PENDING);   // outgoing has 1 of 3
        assertThat(votes(joint, "a", true, "c", true, "d", true)).isEqualTo(VoteResult.WON);
        assertThat(votes(joint, "c", true, "d", true, "a", false, "b", false)).isEqualTo(VoteResult.LOST);
        assertThat(votes(joint, "a", true, "b", true, "d", false, "e", false)).isEqualTo(VoteResult.LOST);
    }

    private static long commit(Configuration config, Map<String, Long> match) {
        return Quorum.committedIndex(config, id -> match.getOrDefault(id, 0L));
    }

    private static VoteResult votes(Configuration config, Object... idAndGranted) {
        Map<String, Boolean> votes = new HashMap<>();
        for (int i = 0; i < idAndGranted.length; i += 2) {
            votes.put((String) idAndGranted[i], (Boolean) idAndGranted[i + 1]);
        }
        return Quorum.voteResult(config, votes);
    }

    static Configuration simple(String... voters) {
        return Configuration.ofVoters(addresses(voters));
    }

    static Configuration joint(Set<String> incoming, Set<String> outgoing) {
        java.util.Set<String> all = new java.util.TreeSet<>(incoming);
        all.addAll(outgoing);
        return Configuration.of(incoming, outgoing, Set.of(), addresses(all.toArray(new String[0])));
    }

    static Map<String, String> addresses(String... ids) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String id : ids) {
            out.put(id, id + ".example:7000");
        }
        return out;
    }
}
