package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kayak.core.Message;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A joiner knows no cluster id: it may ask to join and take answers, and nothing more until it adopts the id. */
class TransportJoinTest {
    private static Rpc.Request join(Node joiner) {
        return new Rpc.Request(1, "127.0.0.1:" + joiner.address.getPort(), Rpc.Kind.JOIN, joiner.id,
                "127.0.0.1:" + joiner.address.getPort(), null);
    }

    @Test
    void aJoinerAsksToJoinLearnsTheIdFromTheAnswerAndThenTalksAsAMember() throws Exception {
        try (Node b = Node.start("c1-42", "b"); Node j = Node.start("", "j")) {
            j.send(b, join(j));
            await().atMost(Duration.ofSeconds(10)).until(() -> b.receivedRpcs().size() == 1);
            b.send(j, Rpc.Response.ok(1, 5, 1, new byte[] {1}));
            await().atMost(Duration.ofSeconds(10)).until(() -> j.receivedRpcs().size() == 1);
            assertThat(((Rpc.Response) j.receivedRpcs().get(0)).clusterId()).isEqualTo("c1-42");

            // Raft traffic from the cluster is refused until the joiner has adopted the id...
            b.send(j, new Message.TimeoutNow("b", "j", 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> j.stats().handshakesRejected() >= 1);
            assertThat(j.received()).isEmpty();
            // ...and flows once it has.
            j.transport.adoptClusterId("c1-42");
            await().atMost(Duration.ofSeconds(10)).until(() -> j.received().size() == 1);
            j.send(b, new Message.TimeoutNow("j", "b", 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> b.received().size() == 1);
            assertThatThrownBy(() -> j.transport.adoptClusterId("c2")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("c1-42").hasMessageContaining("c2");
        }
    }

    @Test
    void withoutAnIdAConnectorMayNotForwardAppendsNorSendRaftMessages() throws Exception {
        try (Node b = Node.start("c1", "b"); Node j = Node.start("", "j")) {
            j.send(b, new Rpc.Request(2, "127.0.0.1:1", Rpc.Kind.APPEND, "", "", new byte[] {1}));
            await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().protocolErrors() >= 1);
            j.send(b, new Message.TimeoutNow("j", "b", 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().handshakesRejected() >= 1);
            assertThat(b.receivedRpcs()).isEmpty();
            assertThat(b.received()).isEmpty();
        }
    }

    @Test
    void aJoinerCannotBeSentRequestsBeforeItJoined() throws Exception {
        try (Node b = Node.start("c1", "b"); Node j = Node.start("", "j")) {
            b.send(j, new Rpc.Request(3, "127.0.0.1:1", Rpc.Kind.APPEND, "", "", new byte[] {1}));
            await().atMost(Duration.ofSeconds(10)).until(() -> j.stats().protocolErrors() >= 1);
            assertThat(j.receivedRpcs()).isEmpty();
        }
    }
}
