package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kayak.core.Message;
import io.kayak.transport.proto.RaftProto;
import io.kayak.transport.proto.RaftProto.Frame;
import io.kayak.transport.proto.RaftProto.HelloReply;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Forwarded requests and answers travel by address alone, next to Raft messages and under the same rules. */
class TransportRpcTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aRequestAndItsAnswerTravelByAddressWithoutKnowingTheMembersThere() throws Exception {
        try (Node a = Node.start("c1", "a"); Node b = Node.start("c1", "b")) {
            Rpc.Request request = new Rpc.Request(1, "127.0.0.1:" + a.address.getPort(), Rpc.Kind.JOIN, "a",
                    "127.0.0.1:" + a.address.getPort(), null);
            a.send(b, request);
            await().atMost(WAIT).until(() -> b.receivedRpcs().size() == 1);
            RpcCodecTest.assertSameRpc(b.receivedRpcs().get(0), request);

            Rpc.Response answer = Rpc.Response.ok(1, 5, 2, new byte[]{7});
            b.send(a, answer);
            await().atMost(WAIT).until(() -> a.receivedRpcs().size() == 1);
            RpcCodecTest.assertSameRpc(a.receivedRpcs().get(0), answer.stampedBy("c1"));

            assertThat(b.stats().rpcsDelivered()).isEqualTo(1);
            assertThat(a.stats().rpcsDelivered()).isEqualTo(1);
            assertThat(b.stats().messagesDelivered()).isZero();
            assertThat(a.stats().protocolErrors() + b.stats().protocolErrors()).isZero();
        }
    }

    @Test
    void rpcsAndRaftMessagesToTheSameMemberUseSeparateConnectionsAndBothArrive() throws Exception {
        try (Node a = Node.start("c1", "a"); Node b = Node.start("c1", "b")) {
            Message message = new Message.TimeoutNow("a", "b", 3);
            Rpc rpc = Rpc.Response.error(9, Rpc.Error.NOT_LEADER, "ask c", "10.0.0.3:7000");
            a.send(b, message);
            a.send(b, rpc);
            await().atMost(WAIT).until(() -> b.received().size() == 1 && b.receivedRpcs().size() == 1);
            assertThat(b.received()).containsExactly(message);
            assertThat(a.transport.peerConnection("b")).isNotSameAs(a.transport.addressConnection(b.address));
        }
    }

    @Test
    void theRpcConnectionAsksForAnyMemberAndOpensOnlyWhenThereIsSomethingToSend() throws Exception {
        try (Node a = Node.start("c1", "a");
             ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            InetSocketAddress address = (InetSocketAddress) server.getLocalSocketAddress();
            Rpc.Response first = Rpc.Response.ok(1, 1, 1, null);
            a.transport.send(address, first);
            try (RawPeer peer = new RawPeer(server.accept())) {
                RaftProto.Hello hello = peer.readFrame().getHello();
                assertThat(hello.getMemberId()).isEqualTo("a");
                assertThat(hello.getTargetMemberId()).isEmpty();
                peer.writeFrame(Handshake.reply(HelloReply.newBuilder().setAccepted(true).build()));
                RpcCodecTest.assertSameRpc(RpcCodec.decode(peer.readFrame()), first.stampedBy("c1"));
            }
            // The peer hung up with nothing left to send to it: no reconnect is attempted...
            PeerConnection connection = a.transport.addressConnection(address);
            await().atMost(WAIT).until(connection::dormant);
            assertThat(a.stats().reconnects()).isZero();

            // ...until there is something to send again.
            Rpc.Response second = Rpc.Response.ok(2, 2, 1, null);
            a.transport.send(address, second);
            try (RawPeer peer = new RawPeer(server.accept())) {
                assertThat(peer.readFrame().getHello().getTargetMemberId()).isEmpty();
                peer.writeFrame(Handshake.reply(HelloReply.newBuilder().setAccepted(true).build()));
                RpcCodecTest.assertSameRpc(RpcCodec.decode(peer.readFrame()), second.stampedBy("c1"));
            }
        }
    }

    /**
     * A port that refuses every connection for as long as the socket is open: bound, so nobody else can listen
     * there, but not listening.
     */
    static Socket refusingPort() throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }

    @Test
    void aRequestToAnAddressThatRefusesIsDroppedAndReportedAndTheNextOneConnectsAfresh() throws Exception {
        try (Node a = Node.start("c1", "a")) {
            InetSocketAddress nobody;
            try (Socket refusing = refusingPort()) {
                nobody = (InetSocketAddress) refusing.getLocalSocketAddress();
                a.transport.send(nobody, new Rpc.Request(4, "127.0.0.1:1", Rpc.Kind.REMOVE, "x", "", null));
                await().atMost(WAIT).until(() -> !a.undelivered().isEmpty());
                assertThat(a.undelivered()).containsExactly(
                        new Node.Undelivered(nobody, List.of(4L), "connection refused"));
                // Dropped, not retried: nothing is left to deliver there.
                await().atMost(WAIT).until(a.transport.addressConnection(nobody)::dormant);
                assertThat(a.stats().reconnects()).isZero();
                assertThat(a.stats().messagesDropped()).isEqualTo(1);
            }
            // Once a member listens there, the next request connects again and arrives.
            try (Node b = Node.startOn("c1", "b", nobody)) {
                Rpc rpc = new Rpc.Request(5, "127.0.0.1:1", Rpc.Kind.REMOVE, "x", "", null);
                a.transport.send(nobody, rpc);
                await().atMost(WAIT).until(() -> b.receivedRpcs().size() == 1);
                RpcCodecTest.assertSameRpc(b.receivedRpcs().get(0), rpc);
                assertThat(a.undelivered()).hasSize(1);
            }
        }
    }

    @Test
    void aRequestWhoseHandshakeIsRefusedIsReportedWithTheRefusal() throws Exception {
        try (Node a = Node.start("cluster-x", "a"); Node b = Node.start("cluster-y", "b")) {
            a.send(b, new Rpc.Request(6, "127.0.0.1:1", Rpc.Kind.REMOVE, "x", "", null));
            await().atMost(WAIT).until(() -> !a.undelivered().isEmpty());
            Node.Undelivered report = a.undelivered().get(0);
            assertThat(report.requestIds()).containsExactly(6L);
            assertThat(report.reason()).isEqualTo("handshake refused: expected cluster cluster-y, got cluster-x");
            assertThat(b.receivedRpcs()).isEmpty();
        }
    }

    @Test
    void anRpcConnectionToAnotherClusterIsRefused() throws Exception {
        try (Node a = Node.start("cluster-x", "a"); Node b = Node.start("cluster-y", "b")) {
            a.send(b, Rpc.Response.ok(1, 1, 1, null));
            await().atMost(WAIT).until(() -> b.stats().handshakesRejected() >= 1 && a.stats().handshakesRefused() >= 1);
            assertThat(b.receivedRpcs()).isEmpty();
        }
    }

    @Test
    void anInvalidRpcClosesTheConnectionAndIsNotDelivered() throws Exception {
        try (Node b = Node.start("c1", "b"); RawPeer raw = RawPeer.connect(b.address)) {
            raw.handshake("c1", "a", "");
            raw.writeFrame(Frame.newBuilder().setForwardRequest(RaftProto.ForwardRequest.newBuilder()
                    .setId(1).setKind(RaftProto.ForwardKind.FORWARD_KIND_APPEND)).build());
            raw.assertClosedByPeer();
            assertThat(b.stats().protocolErrors()).isEqualTo(1);
            assertThat(b.receivedRpcs()).isEmpty();
        }
    }

    @Test
    void raftMessagesOnAnAnyMemberConnectionAreStillCheckedForSenderAndReceiver() throws Exception {
        try (Node b = Node.start("c1", "b")) {
            try (RawPeer raw = RawPeer.connect(b.address)) {
                raw.handshake("c1", "a", "");
                Message fine = new Message.TimeoutNow("a", "b", 1);
                raw.writeFrame(MessageCodec.encode(fine));
                await().atMost(WAIT).untilAsserted(() -> assertThat(b.received()).containsExactly(fine));
                raw.writeFrame(MessageCodec.encode(new Message.TimeoutNow("z", "b", 1)));
                raw.assertClosedByPeer();
            }
            assertThat(b.stats().protocolErrors()).isEqualTo(1);
            assertThat(b.received()).hasSize(1);
        }
    }

    @Test
    void anInvalidRpcIsRefusedAtTheSenderAndAfterCloseRpcsAreDropped() throws Exception {
        Node a = Node.start("c1", "a");
        InetSocketAddress somewhere = new InetSocketAddress("127.0.0.1", 1);
        assertThatThrownBy(() -> a.transport.send(somewhere, new Rpc.Request(1, "", Rpc.Kind.APPEND, "", "", null)))
                .isInstanceOf(IllegalArgumentException.class);
        a.close();
        a.transport.send(somewhere, Rpc.Response.ok(1, 1, 1, null));
        assertThat(a.stats().messagesDropped()).isEqualTo(1);
    }
}
