package io.kayak.core;

import io.kayak.core.Message.AppendRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Raft paper, Figure 8 (§5.4.2): a leader cannot conclude that an entry of an earlier term is committed because
 * it is stored on a majority; such an entry can still be overwritten by a future leader. Only entries of the
 * leader's current term are committed by counting replicas, which commits the earlier ones with them.
 *
 * <p>Every scenario starts at the beginning of the figure's step (c): S1 led term 2 and got its entry at index 2
 * to S2 only; S5 led term 3 and appended index 2 of term 3 alone; now S1 is back and wins term 4. The paper's
 * algorithm is used (no pre-vote, no check-quorum), and AppendEntries carry one entry each, so the figure's
 * one-entry-at-a-time progress can be observed.
 */
@DisplayName("Raft Figure 8: entries of earlier terms are committed only through an entry of the current term")
class FigureEightTest {
    private Cluster cluster;

    @BeforeEach
    void figureEightStepC() {
        // index:             1  2
        cluster = Cluster.builder()
                .member("s1", 1, 2)
                .member("s2", 1, 2)
                .member("s3", 1)
                .member("s4", 1)
                .member("s5", 1, 3)
                .currentTerm(3)
                .withoutPreVoteOrCheckQuorum()
                .options(o -> o.maxAppendBytes(1))
                .build();
        // S5 is down. S1 wins term 4 and appends its no-op: index 3, term 4 (the figure's term-4 entry).
        cluster.isolate("s5");
        // Hold the term-4 entry back wherever it would be accepted, to observe the moment when the term-2 entry
        // is on a majority but nothing of term 4 is.
        cluster.hold(m -> m instanceof AppendRequest a
                && a.entries().stream().anyMatch(e -> e.term() == 4)
                && cluster.node(a.to()).termAt(a.prevIndex()) == a.prevTerm());
        cluster.elect("s1");
        assertThat(cluster.node("s1").term()).isEqualTo(4);
        assertThat(cluster.log("s1")).containsExactly(1L, 2L, 4L);
    }

    @Test
    @DisplayName("(c) an earlier-term entry on a majority is not committed by counting replicas")
    void earlierTermEntryOnAMajorityIsNotCommitted() {
        // S3 and S4 were missing index 2; S1 repaired them (S2 already had it). S1 knows that S1, S3 and S4 -- a
        // majority of five -- store index 2 of term 2.
        assertThat(cluster.log("s3")).containsExactly(1L, 2L);
        assertThat(cluster.log("s4")).containsExactly(1L, 2L);
        assertThat(cluster.node("s1").followerMatches()).containsEntry("s3", 2L).containsEntry("s4", 2L);
        // ... yet it must not commit it: index 2 is not of S1's term.
        assertThat(cluster.node("s1").commitIndex()).isEqualTo(1);
        assertThat(cluster.applied("s1")).extracting(Entry::index).doesNotContain(2L);
    }

    @Test
    @DisplayName("(d) which is right: a later leader may still overwrite that entry")
    void uncommittedEarlierTermEntryCanBeOverwritten() {
        // S1 crashes before its term-4 entry reaches anyone. S5 comes back: its last entry (term 3) is more
        // up-to-date than the others' (term 2), so S2, S3 and S4 vote for it.
        cluster.release().heal().isolate("s1");
        cluster.elect("s5");
        // S5 replicates its log, replacing index 2 of term 2 on every member it reaches.
        for (String member : List.of("s2", "s3", "s4", "s5")) {
            assertThat(cluster.log(member)).as("log of %s", member)
                    .startsWith(1L, 3L).doesNotContain(2L);
        }
        // Had S1 committed index 2 by counting replicas, a committed entry would now have been lost.
        assertThat(cluster.node("s1").commitIndex()).isEqualTo(1);
    }

    @Test
    @DisplayName("(e) once an entry of the current term is on a majority, it commits the earlier entry too")
    void currentTermEntryCommitsEarlierOnes() {
        cluster.release().stabilize();
        // Index 3 (term 4) is now on S1, S2, S3 and S4: committing it commits index 2 as well (Log Matching).
        assertThat(cluster.node("s1").commitIndex()).isEqualTo(3);
        assertThat(cluster.applied("s1")).extracting(Entry::index).containsExactly(1L, 2L, 3L);

        // S1 crashes now. S5, whose index 2 has term 3, can no longer win: S2, S3 and S4 hold a more up-to-date
        // log (last term 4), so the committed entry cannot be overwritten.
        cluster.heal().isolate("s1");
        for (int election = 0; election < 3; election++) {
            cluster.campaign("s5");
            cluster.stabilize();
            assertThat(cluster.node("s5").role()).isNotEqualTo(Role.LEADER);
        }
        for (String member : List.of("s2", "s3", "s4")) {
            assertThat(cluster.log(member)).as("log of %s", member).containsExactly(1L, 2L, 4L);
        }
        // And a member that can win keeps the committed entry.
        cluster.elect("s2").tick("s2").stabilize();
        assertThat(cluster.log("s5")).startsWith(1L, 2L, 4L);
        assertThat(cluster.node("s5").commitIndex()).isGreaterThanOrEqualTo(3);
    }
}
