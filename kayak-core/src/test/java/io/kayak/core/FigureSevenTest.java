package io.kayak.core;

import io.kayak.core.Message.AppendRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static io.kayak.core.Msgs.ofTypeTo;
import static io.kayak.core.Msgs.rejectionFrom;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Raft paper, Figure 7: when the leader at the top comes to power, any of the follower logs (a)–(f) may occur.
 * (a) and (b) miss entries, (c) and (d) hold extra uncommitted entries, (e) and (f) both miss and have extra
 * entries. AppendEntries' consistency check (§5.3) must bring every one of them to the leader's log.
 */
@DisplayName("Raft Figure 7: the leader brings every possible follower log to its own")
class FigureSevenTest {
    private static final List<String> FOLLOWERS = List.of("a", "b", "c", "d", "e", "f");

    private Cluster cluster;

    @BeforeEach
    void figureSeven() {
        cluster = figureSeven(options -> { });
    }

    private static Cluster figureSeven(Consumer<RaftOptions.Builder> options) {
        // index:                 1  2  3  4  5  6  7  8  9 10 11 12
        Cluster cluster = Cluster.builder()
                .options(options)
                .member("leader", 1, 1, 1, 4, 4, 5, 5, 6, 6, 6)
                .member("a",      1, 1, 1, 4, 4, 5, 5, 6, 6)
                .member("b",      1, 1, 1, 4)
                .member("c",      1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6)
                .member("d",      1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7)
                .member("e",      1, 1, 1, 4, 4, 4, 4)
                .member("f",      1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3)
                .currentTerm(7)
                .build();
        // (a), (b), (e) and (f) vote for the leader (its log is at least as up-to-date); (c) and (d) do not.
        cluster.elect("leader");
        assertThat(cluster.node("leader").term()).isEqualTo(8);
        return cluster;
    }

    @Test
    @DisplayName("after replication every follower's log equals the leader's (conflicts removed, gaps filled)")
    void everyFollowerConvergesOnTheLeadersLog() {
        List<Long> expected = List.of(1L, 1L, 1L, 4L, 4L, 5L, 5L, 6L, 6L, 6L, 8L); // 11: the leader's no-op
        assertThat(cluster.log("leader")).isEqualTo(expected);
        for (String follower : FOLLOWERS) {
            assertThat(cluster.log(follower)).as("log of (%s)", follower).isEqualTo(expected);
            // What is on disk, not only in memory: (d)'s 11@7 and 12@7 and (f)'s terms 2 and 3 were truncated.
            assertThat(cluster.diskEntries(follower)).as("disk of (%s)", follower)
                    .isEqualTo(cluster.diskEntries("leader"));
        }
        // The no-op of term 8 reached a majority, so everything up to it is committed; a follower that was still
        // probing when that happened learns the commit index from the next heartbeat.
        cluster.tick("leader").stabilize();
        assertThat(cluster.node("leader").commitIndex()).isEqualTo(11);
        for (String follower : FOLLOWERS) {
            assertThat(cluster.node(follower).commitIndex()).as("commit of (%s)", follower).isEqualTo(11);
        }
    }

    @Test
    @DisplayName("the conflict hint backs off a whole term per round trip, not one entry")
    void conflictHintSkipsWholeTerms() {
        // One entry at a time, the leader would probe prevIndex 10, 9, ... until the logs agree: (b) would reject
        // 6 times (prevIndex 10..5), (e) 5 times (10..6) and (f) 7 times (10..4).
        // With the hint (§5.3, "the follower can include the term of the conflicting entry and the first index
        // it stores for that term"), each rejection skips a whole term or the whole missing tail:
        assertThat(cluster.sent(rejectionFrom("a"))).hasSize(1);   // short by one: skip to its last index + 1
        assertThat(cluster.sent(rejectionFrom("b"))).hasSize(1);   // short: skip to index 5 at once
        assertThat(cluster.sent(rejectionFrom("c"))).isEmpty();    // prefix matches; extra entry replaced
        assertThat(cluster.sent(rejectionFrom("d"))).isEmpty();    // prefix matches; two term-7 entries replaced
        assertThat(cluster.sent(rejectionFrom("e"))).hasSize(2);   // short, then the term-4 run
        assertThat(cluster.sent(rejectionFrom("f"))).hasSize(2);   // the term-3 run, then the term-2 run
        // Every AppendEntries to a follower: the probes above, the one that succeeds, and the one that tells it
        // the new commit index.
        for (String follower : FOLLOWERS) {
            int rejections = cluster.sent(rejectionFrom(follower)).size();
            assertThat(cluster.sent(ofTypeTo(AppendRequest.class, follower)))
                    .as("AppendEntries to (%s)", follower).hasSizeLessThanOrEqualTo(rejections + 2);
        }
        assertThat(cluster.sent(AppendRequest.class)).hasSizeLessThanOrEqualTo(6 + 6 + 6);
    }

    @Test
    @DisplayName("without the conflict hint the leader backs off one entry per rejection, and still converges")
    void withoutTheHintEveryRejectionBacksOffOneEntry() {
        Cluster basic = figureSeven(options -> options.conflictHints(false));
        // The counts the hint saves (see above): one rejection per entry between the leader's last index and the
        // last index the logs agree on.
        assertThat(basic.sent(rejectionFrom("a"))).hasSize(1);
        assertThat(basic.sent(rejectionFrom("b"))).hasSize(6);
        assertThat(basic.sent(rejectionFrom("c"))).isEmpty();
        assertThat(basic.sent(rejectionFrom("d"))).isEmpty();
        assertThat(basic.sent(rejectionFrom("e"))).hasSize(5);
        assertThat(basic.sent(rejectionFrom("f"))).hasSize(7);
        for (String follower : FOLLOWERS) {
            assertThat(basic.log(follower)).as("log of (%s)", follower).isEqualTo(basic.log("leader"));
        }
    }
}
