package io.kayak.core;

import io.kayak.core.Message.AppendResponse;
import io.kayak.core.Message.Heartbeat;
import io.kayak.core.Message.HeartbeatResponse;
import io.kayak.core.Message.ReadIndexRequest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.kayak.core.Msgs.ofType;
import static org.assertj.core.api.Assertions.assertThat;

/** Linearizable reads through ReadIndex (dissertation §6.4). */
@DisplayName("ReadIndex")
class ReadIndexTest {

    @Test
    @DisplayName("a new leader releases no read before it has committed an entry of its term")
    void newLeaderWaitsForItsTermCommit() {
        Cluster c = Cluster.of("a", "b", "c");
        c.hold(ofType(AppendResponse.class));   // the no-op is replicated, but a does not hear of it yet
        c.elect("a");
        c.node("a").readIndex(1);
        c.stabilize();
        // A quorum acknowledged the read's heartbeat round, but a's commit index (1) may be stale: a leader does
        // not know what its predecessors committed until it commits an entry of its own term.
        assertThat(c.sent(HeartbeatResponse.class)).hasSize(2);
        assertThat(c.reads("a")).isEmpty();

        c.release().stabilize();
        long noop = c.node("a").lastIndex();
        assertThat(c.node("a").commitIndex()).isEqualTo(noop);
        assertThat(c.reads("a")).containsExactly(new ReadState(1, noop));
    }

    @Test
    @DisplayName("a read is released only once a quorum acknowledges a heartbeat round started after it")
    void releasedOnQuorumAcknowledgement() {
        Cluster c = Cluster.of("a", "b", "c", "d", "e").elect("a").clearSent();
        c.hold(ofType(HeartbeatResponse.class));
        c.node("a").readIndex(1);
        c.stabilize();
        assertThat(c.reads("a")).isEmpty();

        c.deliver(m -> m instanceof HeartbeatResponse && m.from().equals("b"));
        assertThat(c.reads("a")).as("a and b are two of five").isEmpty();
        c.deliver(m -> m instanceof HeartbeatResponse && m.from().equals("c"));
        assertThat(c.reads("a")).containsExactly(new ReadState(1, c.node("a").commitIndex()));
    }

    @Test
    @DisplayName("an acknowledgement of an older round does not release a newer read")
    void olderRoundDoesNotReleaseNewerRead() {
        Cluster c = Cluster.of("a", "b", "c").elect("a").clearSent();
        c.hold(ofType(HeartbeatResponse.class));
        c.node("a").readIndex(1);
        c.stabilize();
        long firstRound = c.sent(Heartbeat.class).get(0).readRound();
        c.node("a").readIndex(2);
        c.stabilize();
        long secondRound = c.sent(Heartbeat.class).get(c.sent(Heartbeat.class).size() - 1).readRound();
        assertThat(secondRound).isGreaterThan(firstRound);

        // The answers to the first round arrive: they were sent before read 2 existed.
        c.deliver(m -> m instanceof HeartbeatResponse h && h.readRound() == firstRound);
        assertThat(c.reads("a")).extracting(ReadState::requestId).containsExactly(1L);

        c.deliver(m -> m instanceof HeartbeatResponse h && h.readRound() == secondRound);
        assertThat(c.reads("a")).extracting(ReadState::requestId).containsExactly(1L, 2L);
    }

    @Test
    @DisplayName("reads requested before the same ready() share one heartbeat round")
    void concurrentReadsShareARound() {
        Cluster c = Cluster.of("a", "b", "c").elect("a").clearSent();
        c.node("a").readIndex(1);
        c.node("a").readIndex(2);
        c.node("a").readIndex(3);
        c.stabilize();

        assertThat(c.sent(Heartbeat.class)).hasSize(2);   // one per follower, not one per read
        long commit = c.node("a").commitIndex();
        assertThat(c.reads("a")).containsExactly(new ReadState(1, commit), new ReadState(2, commit),
                new ReadState(3, commit));
    }

    @Test
    @DisplayName("a follower forwards its read to the leader and releases it at the leader's commit index")
    void followerReadIsForwarded() {
        Cluster c = Cluster.of("a", "b", "c").elect("a");
        c.node("a").propose(ReplicationTest.bytes("x"));
        c.stabilize();
        c.clearSent();

        c.node("b").readIndex(7);
        c.stabilize();
        assertThat(c.sent(ReadIndexRequest.class)).singleElement()
                .satisfies(r -> assertThat(r.to()).isEqualTo("a"));
        assertThat(c.reads("b")).containsExactly(new ReadState(7, c.node("a").commitIndex()));
        assertThat(c.reads("a")).isEmpty();
    }

    @Test
    @DisplayName("a leader that steps down fails its pending reads, its own and forwarded ones")
    void steppingDownFailsPendingReads() {
        Cluster c = Cluster.of("a", "b", "c").elect("a");
        c.hold(ofType(HeartbeatResponse.class));   // no read can be confirmed
        c.node("a").readIndex(1);
        c.node("b").readIndex(2);
        c.stabilize();
        assertThat(c.reads("a")).isEmpty();
        assertThat(c.reads("b")).isEmpty();

        // c takes over: a hears the new term and steps down.
        c.node("a").transferLeadership("c");
        c.stabilize();
        assertThat(c.leader()).isEqualTo("c");
        assertThat(c.failedReads("a")).containsExactly(1L);
        assertThat(c.failedReads("b")).containsExactly(2L);

        c.release().stabilize();
        assertThat(c.reads("a")).isEmpty();
        assertThat(c.reads("b")).isEmpty();
    }

    @Test
    @DisplayName("a read on a member that knows no leader fails at once")
    void readWithoutLeaderFails() {
        Cluster c = Cluster.of("a", "b", "c");
        c.node("b").readIndex(5);
        c.stabilize();
        assertThat(c.failedReads("b")).isEqualTo(List.of(5L));
    }
}
