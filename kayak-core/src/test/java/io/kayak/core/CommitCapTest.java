package io.kayak.core;

import io.kayak.core.Message.AppendRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.kayak.core.Cluster.payloadEntry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The follower's commit rule, Raft Figure 2: "if leaderCommit > commitIndex, set commitIndex = min(leaderCommit,
 * index of last new entry)". Only the entries this AppendEntries verified are known to be the leader's; a longer
 * log may hold stale entries after them, like follower (e) of Figure 7, which must not be committed.
 */
@DisplayName("A follower commits no further than the entries an AppendEntries verified")
class CommitCapTest {
    private Cluster cluster;

    @BeforeEach
    void figureSevenE() {
        // index:                  1  2  3  4  5  6  7  8  9 10
        cluster = Cluster.builder()
                .member("leader",  1, 1, 1, 4, 4, 5, 5, 6, 6, 6)
                .member("a",       1, 1, 1, 4, 4, 5, 5, 6, 6, 6)
                .member("e",       1, 1, 1, 4, 4, 4, 4)
                .currentTerm(7)
                .withoutPreVoteOrCheckQuorum()
                .build();
        // The leader of term 7 has committed its whole log with (a); (e)'s entries 6 and 7 (term 4) are stale.
    }

    @Test
    @DisplayName("a heartbeat-form AppendEntries that matches before the stale entries commits only up to its prevIndex")
    void emptyAppendEntriesCommitsUpToPrevIndex() {
        cluster.receive(new AppendRequest("leader", "e", 7, 5, 4, List.of(), 10));
        assertThat(cluster.node("e").commitIndex()).isEqualTo(5);
        // Nothing in the message conflicted, so the stale entries stay, uncommitted, until the leader reaches them.
        assertThat(cluster.log("e")).containsExactly(1L, 1L, 1L, 4L, 4L, 4L, 4L);
        assertThat(cluster.applied("e")).allSatisfy(e -> assertThat(e.index()).isLessThanOrEqualTo(5));
    }

    @Test
    @DisplayName("an AppendEntries whose entries stop before the stale entries commits only up to its last entry")
    void shortAppendEntriesCommitsUpToItsLastEntry() {
        cluster.receive(new AppendRequest("leader", "e", 7, 3, 1, List.of(payloadEntry(4, 4)), 10));
        assertThat(cluster.node("e").commitIndex()).isEqualTo(4);
        assertThat(cluster.log("e")).containsExactly(1L, 1L, 1L, 4L, 4L, 4L, 4L);
    }

    @Test
    @DisplayName("once an AppendEntries reaches the stale entries they are replaced, and the commit index follows")
    void reachingTheStaleEntriesReplacesThemAndCommits() {
        cluster.receive(new AppendRequest("leader", "e", 7, 5, 4, List.of(payloadEntry(6, 5), payloadEntry(7, 5)),
                10));
        assertThat(cluster.log("e")).containsExactly(1L, 1L, 1L, 4L, 4L, 5L, 5L);
        assertThat(cluster.node("e").commitIndex()).isEqualTo(7);
    }
}
