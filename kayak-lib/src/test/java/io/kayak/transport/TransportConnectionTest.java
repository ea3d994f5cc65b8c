package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kayak.core.Message;
import io.kayak.transport.proto.RaftProto.HelloReply;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The life of outbound connections: reconnecting, bounded queues, disconnecting, closing. */
class TransportConnectionTest {

    @Test
    void messagesFlowAgainAfterTheReceiverRestartsOnTheSamePort() throws Exception {
        try (Node a = Node.start("c1", "a")) {
            InetSocketAddress bAddress;
            Message first = new Message.TimeoutNow("a", "b", 1);
            try (Node b = Node.start("c1", "b")) {
                bAddress = b.address;
                a.send(b, first);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(b.received()).containsExactly(first));
            }
            // The sender notices the loss and starts retrying before the receiver is back.
            await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().reconnects() >= 1);

            try (Node restarted = Node.startOn("c1", "b", bAddress)) {
                Message second = new Message.TimeoutNow("a", "b", 2);
                a.send(restarted, second);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(restarted.received()).containsExactly(second));
            }
        }
    }

    @Test
    void aFullQueueDropsTheOldestMessagesAndCountsThem() throws Exception {
        try (Node a = Node.start("c1", "a", o -> o.maxQueuedMessages(3))) {
            InetSocketAddress nobody;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                nobody = (InetSocketAddress) probe.getLocalSocketAddress();
            }
            for (int term = 1; term <= 10; term++) {
                a.transport.send("b", nobody, new Message.TimeoutNow("a", "b", term));
            }
            assertThat(a.stats().messagesDropped()).isEqualTo(7);

            // The newest three survive, and reach the member once it listens.
            try (Node b = Node.startOn("c1", "b", nobody)) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b.received()).containsExactly(
                        new Message.TimeoutNow("a", "b", 8), new Message.TimeoutNow("a", "b", 9),
                        new Message.TimeoutNow("a", "b", 10)));
            }
        }
    }

    @Test
    void disconnectClosesTheConnectionAndStopsRetrying() throws Exception {
        try (Node a = Node.start("c1", "a");
             ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            a.transport.send("b", (InetSocketAddress) server.getLocalSocketAddress(),
                    new Message.TimeoutNow("a", "b", 1));
            try (RawPeer b = new RawPeer(server.accept())) {
                assertThat(b.readFrame().hasHello()).isTrue();
                b.writeFrame(Handshake.reply(HelloReply.newBuilder().setAccepted(true).build()));
                assertThat(MessageCodec.decode(b.readFrame())).isEqualTo(new Message.TimeoutNow("a", "b", 1));

                a.transport.disconnect("b");
                b.assertClosedByPeer();
            }
            assertThat(a.transport.peerConnection("b")).isNull();
        }
    }

    @Test
    void aNewAddressForAKnownMemberReplacesItsConnection() throws Exception {
        try (Node a = Node.start("c1", "a"); Node b1 = Node.start("c1", "b"); Node b2 = Node.start("c1", "b")) {
            Message one = new Message.TimeoutNow("a", "b", 1);
            Message two = new Message.TimeoutNow("a", "b", 2);
            a.send(b1, one);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b1.received()).containsExactly(one));
            a.send(b2, two);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b2.received()).containsExactly(two));
            assertThat(a.transport.peerConnection("b").address()).isEqualTo(b2.address);
        }
    }

    @Test
    void sendRefusesMessagesThatAreNotFromThisMemberToTheNamedOne() throws Exception {
        try (Node a = Node.start("c1", "a")) {
            InetSocketAddress somewhere = new InetSocketAddress("127.0.0.1", 9);
            assertThatThrownBy(() -> a.transport.send("b", somewhere, new Message.TimeoutNow("a", "c", 1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.transport.send("b", somewhere, new Message.TimeoutNow("z", "b", 1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void afterCloseSendsAreDroppedAndCloseIsIdempotent() throws Exception {
        Node a = Node.start("c1", "a");
        a.close();
        a.transport.send("b", new InetSocketAddress("127.0.0.1", 9), new Message.TimeoutNow("a", "b", 1));
        assertThat(a.stats().messagesDropped()).isEqualTo(1);
        a.close();
        assertThatThrownBy(() -> a.transport.start(new InetSocketAddress("127.0.0.1", 0)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void startTwiceIsRefusedAndABusyPortIsAnIoError() throws Exception {
        try (Node a = Node.start("c1", "a");
             NettyTransport other = new NettyTransport(TransportOptions.builder("c1", "b").build(),
                     Node.messagesOnly(m -> { }))) {
            assertThatThrownBy(() -> a.transport.start(new InetSocketAddress("127.0.0.1", 0)))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> other.start(a.address)).isInstanceOf(java.io.IOException.class);
        }
    }
}
