package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kayak.core.Message;
import io.kayak.transport.proto.RaftProto.HelloReply;
import io.kayak.transport.proto.RaftProto.RefusalReason;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Only members of the same cluster, addressing the right member, get past the handshake. */
class TransportHandshakeTest {

    @Test
    void aMemberOfAnotherClusterIsRefusedAndBothSidesCountIt() throws Exception {
        try (Node a = Node.start("cluster-x", "a"); Node b = Node.start("cluster-y", "b")) {
            a.send(b, new Message.TimeoutNow("a", "b", 1));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    a.stats().handshakesRefused() >= 2 && b.stats().handshakesRejected() >= 2);
            // Refused, it keeps retrying with backoff, but nothing ever gets through.
            assertThat(a.stats().reconnects()).isGreaterThanOrEqualTo(2);
            assertThat(b.received()).isEmpty();
            assertThat(b.stats().messagesDelivered()).isZero();
        }
    }

    @Test
    void theRefusalNamesTheReason() throws Exception {
        try (Node b = Node.start("cluster-y", "b"); RawPeer raw = RawPeer.connect(b.address)) {
            raw.writeFrame(Handshake.hello("cluster-x", "a", "b"));
            HelloReply reply = raw.readFrame().getHelloReply();
            assertThat(reply.getAccepted()).isFalse();
            assertThat(reply.getReason()).isEqualTo(RefusalReason.CLUSTER_MISMATCH);
            assertThat(reply.getMessage()).isEqualTo("expected cluster cluster-y, got cluster-x");
            raw.assertClosedByPeer();
            assertThat(b.stats().handshakesRejected()).isEqualTo(1);
        }
    }

    @Test
    void aConnectorLookingForAnotherMemberIsRefused() throws Exception {
        try (Node b = Node.start("c1", "b"); RawPeer raw = RawPeer.connect(b.address)) {
            raw.writeFrame(Handshake.hello("c1", "a", "c"));
            assertThat(raw.readFrame().getHelloReply().getReason()).isEqualTo(RefusalReason.WRONG_MEMBER);
            raw.assertClosedByPeer();
        }
    }

    @Test
    void theFirstFrameMustBeAHello() throws Exception {
        try (Node b = Node.start("c1", "b"); RawPeer raw = RawPeer.connect(b.address)) {
            raw.writeFrame(MessageCodec.encode(new Message.TimeoutNow("a", "b", 1)));
            raw.assertClosedByPeer();
            assertThat(b.stats().protocolErrors()).isEqualTo(1);
            assertThat(b.received()).isEmpty();
        }
    }

    @Test
    void aConnectionThatNeverSaysHelloIsClosed() throws Exception {
        try (Node b = Node.start("c1", "b", o -> o.handshakeTimeout(Duration.ofMillis(200)));
             RawPeer raw = RawPeer.connect(b.address)) {
            raw.assertClosedByPeer();
            assertThat(b.stats().protocolErrors()).isEqualTo(1);
        }
    }

    @Test
    void aPeerThatNeverRepliesIsAbandonedAndRetried() throws Exception {
        try (Node a = Node.start("c1", "a", o -> o.handshakeTimeout(Duration.ofMillis(200)));
             ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            silent.setSoTimeout(10_000);
            a.transport.send("b", (InetSocketAddress) silent.getLocalSocketAddress(),
                    new Message.TimeoutNow("a", "b", 1));
            try (RawPeer first = new RawPeer(silent.accept())) {
                assertThat(first.readFrame().getHello().getMemberId()).isEqualTo("a");
                first.assertClosedByPeer();
            }
            try (RawPeer second = new RawPeer(silent.accept())) {
                assertThat(second.readFrame().getHello().getTargetMemberId()).isEqualTo("b");
            }
            assertThat(a.stats().protocolErrors()).isGreaterThanOrEqualTo(1);
        }
    }
}
