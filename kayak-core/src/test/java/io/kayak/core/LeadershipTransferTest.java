package io.kayak.core;

import io.kayak.core.Message.AppendResponse;
import io.kayak.core.Message.TimeoutNow;
import io.kayak.core.Message.VoteRequest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.kayak.core.ReplicationTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Leadership transfer (dissertation §3.10). */
@DisplayName("Leadership transfer")
class LeadershipTransferTest {

    @Test
    @DisplayName("TimeoutNow goes to the target only once its log is caught up")
    void timeoutNowOnceCaughtUp() {
        Cluster c = Cluster.of("a", "b", "c").elect("a");
        c.isolate("c");
        c.node("a").propose(List.of(bytes("x"), bytes("y"), bytes("z")));
        c.stabilize();
        c.heal().clearSent();

        long last = c.node("a").lastIndex();
        c.node("a").transferLeadership("c");
        c.flush();
        assertThat(c.sent(TimeoutNow.class)).as("c lags: no TimeoutNow yet").isEmpty();
        c.stabilize();
        List<Message> sent = c.sent();
        int timeoutNow = indexOf(sent, m -> m instanceof TimeoutNow);
        int caughtUp = indexOf(sent, m -> m instanceof AppendResponse r && r.from().equals("c") && r.success()
                && r.matchIndex() == last);
        assertThat(caughtUp).as("c acknowledged the leader's last entry").isGreaterThanOrEqualTo(0);
        assertThat(timeoutNow).as("TimeoutNow sent after that").isGreaterThan(caughtUp);
        assertThat(c.sent(TimeoutNow.class)).singleElement().satisfies(t -> assertThat(t.to()).isEqualTo("c"));
    }

    @Test
    @DisplayName("the target campaigns at once, skipping pre-vote and overriding the leader lease, and wins")
    void targetCampaignsImmediatelyAndWins() {
        Cluster c = Cluster.of("a", "b", "c").elect("a").tickAll(2);
        long term = c.node("a").term();
        c.clearSent();

        c.node("a").transferLeadership("c");
        c.stabilize();

        assertThat(c.node("c").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("c").term()).isEqualTo(term + 1);
        assertThat(c.node("a").role()).isEqualTo(Role.FOLLOWER);
        // No pre-vote round, and b granted although it had just heard from its leader (lease).
        assertThat(c.sent(VoteRequest.class)).isNotEmpty()
                .allSatisfy(v -> {
                    assertThat(v.preVote()).isFalse();
                    assertThat(v.transfer()).isTrue();
                });
    }

    @Test
    @DisplayName("proposals are refused while a transfer is in progress")
    void proposalsRefusedDuringTransfer() {
        Cluster c = Cluster.of("a", "b", "c").elect("a");
        c.isolate("c");   // the target does not answer, so the transfer stays in progress
        c.node("a").transferLeadership("c");
        c.stabilize();
        assertThatThrownBy(() -> c.node("a").propose(bytes("x"))).isInstanceOf(ProposalRefusedException.class);
    }

    @Test
    @DisplayName("a transfer that does not finish within an election timeout is abandoned")
    void transferAbandonedAfterElectionTimeout() {
        Cluster c = Cluster.of("a", "b", "c").elect("a");
        c.isolate("c");
        c.node("a").transferLeadership("c");
        c.stabilize();

        // b keeps answering, so a stays leader (check-quorum) while time passes.
        for (int tick = 1; tick < 10; tick++) {
            c.tick("a").stabilize();
            assertThatThrownBy(() -> c.node("a").propose(bytes("x"))).as("tick %d", tick)
                    .isInstanceOf(ProposalRefusedException.class);
        }
        c.tick("a").stabilize();
        assertThat(c.node("a").role()).isEqualTo(Role.LEADER);
        long index = c.node("a").propose(bytes("x"));
        c.stabilize();
        assertThat(c.node("a").commitIndex()).isEqualTo(index);
    }

    private static int indexOf(List<Message> messages, java.util.function.Predicate<Message> p) {
        for (int i = 0; i < messages.size(); i++) {
            if (p.test(messages.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
